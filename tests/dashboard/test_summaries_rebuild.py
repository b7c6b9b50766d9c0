"""The village summaries are refreshed on write, so that readers do not wait (issue 14's load run: after each
household edit the next reader rebuilt the village's summaries under one lock for all of them while the
area's other readers waited, and waited too for every writer in flight).

Transactional tests: the rebuild happens when a write *commits*, as in production."""

import threading

import pytest
from django.db import connection, transaction

from dashboard.catalogue import metric_values
from dashboard.models import VillageSummary
from dashboard.periods import Period
from dashboard.village_summaries import summaries_ensure, summaries_invalidate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

JIA2, YI1, BING1 = "140829100201", "140829101200", "140828100200"
Q3 = Period(2023, 3)


def _read_everything(users):
    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])


def _summary(village, period=Q3):
    return VillageSummary.objects.filter(village_id=village, year=period.year, quarter=period.quarter).first()


def _approve_h5(city):
    record = city.h5.monitoring_records.get()
    record.status = "approved"  # the county approves H5 (乙一村, identified 2023-01)
    record.save()


def test_a_committed_write_leaves_its_villages_summaries_built(city, users):
    _read_everything(users)  # 2023 Q3 and the year before's Q3, for every village
    assert _summary(YI1).households == 0
    with transaction.atomic():
        _approve_h5(city)
        assert _summary(YI1) is None  # forgotten inside the write's transaction …
    # … and built again once it committed, before anyone reads: both periods the village had
    assert _summary(YI1).households == 1
    assert _summary(YI1, Period(2022, 3)) is not None


def test_a_rolled_back_write_leaves_the_summaries_as_they_were(city, users):
    _read_everything(users)
    built = _summary(YI1).computed_at
    with pytest.raises(RuntimeError), transaction.atomic():
        _approve_h5(city)
        raise RuntimeError
    assert _summary(YI1).computed_at == built


def _in_thread(target):
    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks: PostgreSQL (SQLite writes one transaction at a time)")


@pytest.fixture
def writer_holding(postgresql_only):
    """Start a colleague's write that forgets a village and holds its transaction open until released."""
    started, release, threads = threading.Event(), threading.Event(), []

    def start(write):
        def hold():
            with transaction.atomic():
                write()
                started.set()
                release.wait(30)

        threads.append(_in_thread(hold))
        assert started.wait(10)
        return release

    yield start
    release.set()
    for thread in threads:
        thread.join(30)


def test_a_reader_does_not_wait_for_a_writer_of_another_village(city, users, writer_holding):
    _read_everything(users)
    writer_holding(lambda: summaries_invalidate(village_codes=[BING1]))  # 夏县's 丙一村, not committed
    VillageSummary.objects.filter(village_id=JIA2).delete()  # 甲二村 to be built by the reader
    done = threading.Event()
    reader = _in_thread(lambda: (summaries_ensure(prefix="1408", periods=[Q3]), done.set()))
    # With one lock for all summaries the reader waited for the colleague's commit.
    assert done.wait(10), "the reader waited for a write to another village"
    reader.join(10)
    assert _summary(JIA2) is not None


def test_a_reader_waits_for_the_writer_of_its_village_and_counts_the_write(city, users, writer_holding):
    _read_everything(users)
    VillageSummary.objects.filter(village_id=YI1).delete()  # 乙一村 missing, committed
    release = writer_holding(lambda: _approve_h5(city))  # the approval forgets 乙一村: not committed yet
    done = threading.Event()
    reader = _in_thread(lambda: (summaries_ensure(prefix="1408", periods=[Q3]), done.set()))
    # Building 乙一村 now would read the registry without the approval and keep a stale summary.
    assert not done.wait(1), "the reader built a village whose write had not committed"
    release.set()
    assert done.wait(10)
    reader.join(10)
    assert _summary(YI1).households == 1
