"""The figures' cache (dashboard.figures_cache): a chart, a page and the API read the figures once and
then from the cache, until a write to a table they were read from commits — and never show one area's
figures to a user outside it.

Transactional tests: the versions change when a write *commits*, as in production."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from dashboard import sources
from tests.dashboard import test_freshness

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture(autouse=True)
def cache_on(settings):
    # The cache table is not flushed between transactional tests: start each from an empty one.
    cache.clear()
    settings.DASHBOARD_CACHE = True
    yield
    cache.clear()


@pytest.fixture
def source_calls(monkeypatch):
    """How many times each source computed (a cached read computes none)."""
    calls = {}
    for name, source in list(sources.SOURCES.items()):
        def counted(*args, _name=name, _source=source, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _source(*args, **kwargs)

        monkeypatch.setitem(sources.SOURCES, name, counted)
    return calls


def _chart(client, name, **params):
    response = client.get(f"/dashboard/charts/{name}/", {"year": 2023, "quarter": 3, **params})
    assert response.status_code == 200, response.content
    return response.json()


def _series(body, dataset=0):
    return dict(zip(body["codes"] or body["labels"], body["datasets"][dataset]["data"]))


def test_a_chart_is_read_from_the_cache_until_a_write_changes_its_figures(city, users, client_for, source_calls):
    client = client_for(users.city_leader)
    assert _series(_chart(client, "monitoring-by-area"))["140829"] == 1  # 平陆: H1 at risk
    computed = dict(source_calls)
    assert _series(_chart(client, "monitoring-by-area"))["140829"] == 1
    assert source_calls == computed  # the second read computed nothing
    record = city.h5.monitoring_records.get()
    record.status = "approved"  # the county approves H5 (identified 2023-01, at risk): a model save
    record.save()
    assert _series(_chart(client, "monitoring-by-area"))["140829"] == 2
    assert source_calls["registry"] == computed["registry"] + 1


def test_a_bulk_update_without_signals_changes_the_cached_figures(city, users, client_for):
    from rectification.models import Issue

    client = client_for(users.city_leader)
    assert _series(_chart(client, "issues-by-status")) == {"已整改销号": 1, "整改中（未逾期）": 1, "逾期未整改": 2}
    # update() sends no signal: the write is seen in its SQL.
    Issue.objects.filter(number="YC-2023-0002").update(deadline=datetime.date(2099, 12, 31))
    assert _series(_chart(client, "issues-by-status")) == {"已整改销号": 1, "整改中（未逾期）": 2, "逾期未整改": 1}


def test_a_rolled_back_write_leaves_the_cached_figures_valid(city, users, client_for, source_calls):
    from rectification.models import Issue

    client = client_for(users.city_leader)
    before = _chart(client, "issues-by-status")
    computed = dict(source_calls)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Issue.objects.filter(number="YC-2023-0002").update(deadline=datetime.date(2099, 12, 31))
            raise RuntimeError("the request failed")
    assert _chart(client, "issues-by-status") == before
    assert source_calls == computed


def test_a_write_committed_while_the_figures_are_computed_shows_at_the_next_read(city, users, client_for):
    """The versions are read before computing: a write that commits meanwhile makes the entry stale at once."""
    from rectification.models import Issue

    original = sources.SOURCES["issues"]
    done = []

    def issues_then_a_colleague_writes(**kwargs):
        parts = original(**kwargs)
        if not done:  # after the figures were read, another request's write commits
            thread = threading.Thread(target=_write_in_another_connection)
            thread.start()
            thread.join()
            done.append(True)
        return parts

    def _write_in_another_connection():
        with transaction.atomic():  # a colleague's request: a service's transaction
            Issue.objects.filter(number="YC-2023-0002").update(deadline=datetime.date(2099, 12, 31))
        connection.close()

    client = client_for(users.city_leader)
    sources.SOURCES["issues"] = issues_then_a_colleague_writes
    try:
        first = _series(_chart(client, "issues-by-status"))
    finally:
        sources.SOURCES["issues"] = original
    assert first["逾期未整改"] == 2  # computed before the write
    assert _series(_chart(client, "issues-by-status"))["逾期未整改"] == 1


def test_no_user_is_served_the_cached_figures_of_an_area_outside_their_scope(city, users, client_for):
    city_view = _series(_chart(client_for(users.city_leader), "monitoring-by-area", area="140829"))
    assert city_view == {"140829100": 1, "140829101": 0}  # 平陆's townships, cached now
    xia = client_for(users.xia_reviewer)
    for name in ("monitoring-by-area", "issues-by-status"):
        assert xia.get(f"/dashboard/charts/{name}/", {"year": 2023, "quarter": 3, "area": "140829"}).status_code == 403
    assert xia.get("/api/metrics/", {"year": 2023, "quarter": 3, "area": "140829"}).status_code == 403
    # Without an area, each user gets their own area's figures, not the last ones cached.
    assert _series(_chart(xia, "monitoring-by-area")) == {"140828100": 1}
    jia = client_for(users.jia_clerk)
    assert _series(_chart(jia, "monitoring-by-area")) == {"140829100200": 1, "140829100201": 0}
    assert jia.get("/api/metrics/", {"year": 2023, "quarter": 3}).json()["area"]["code"] == "140829100"
    # The same area through another user's scope: the same figures, computed for that scope.
    assert _series(_chart(client_for(users.pinglu_leader), "monitoring-by-area")) == city_view


def test_the_metrics_api_and_the_dashboard_page_follow_a_write(city, users, client_for):
    client = client_for(users.city_leader)
    api = client.get("/api/metrics/", {"year": 2023, "quarter": 3}).json()["metrics"]
    assert api["monitoring.households"] == 3
    page = client.get("/", {"year": 2023, "quarter": 3})
    assert page.status_code == 200
    record = city.h5.monitoring_records.get()
    record.status = "approved"
    record.save()
    assert client.get("/api/metrics/", {"year": 2023, "quarter": 3}).json()["metrics"]["monitoring.households"] == 4
    cards = client.get("/", {"year": 2023, "quarter": 3}).context["cards"]
    assert next(c for c in cards if c["metric"].key == "monitoring.households")["figure"]["text"] == "4"


def test_a_write_in_one_county_leaves_the_cached_figures_of_another_county(city, users, client_for, source_calls):
    """The village summaries are versioned by area: approving a household of 平陆县 forgets that village's
    summaries, and only the figures of its areas (平陆县, its township and village, the city) are computed
    again; 夏县's stay cached."""
    client = client_for(users.city_leader)
    assert _series(_chart(client, "monitoring-by-area", area="140828")) == {"140828100": 1}
    assert _series(_chart(client, "monitoring-by-area", area="140829")) == {"140829100": 1, "140829101": 0}
    assert _series(_chart(client, "monitoring-by-area"))["140829"] == 1
    record = city.h5.monitoring_records.get()  # a 平陆县 household (乙镇)
    record.status = "approved"
    record.save()
    computed = source_calls["registry"]
    assert _series(_chart(client, "monitoring-by-area", area="140828")) == {"140828100": 1}
    assert source_calls["registry"] == computed  # 夏县: from the cache
    assert _series(_chart(client, "monitoring-by-area", area="140829")) == {"140829100": 1, "140829101": 1}
    assert _series(_chart(client, "monitoring-by-area"))["140829"] == 2
    assert source_calls["registry"] == computed + 2  # 平陆县 and the city: computed again


def test_forgetting_every_summary_changes_every_area(city, users, client_for, source_calls):
    from dashboard.village_summaries import summaries_invalidate

    client = client_for(users.city_leader)
    assert _series(_chart(client, "monitoring-by-area", area="140828")) == {"140828100": 1}
    computed = source_calls["registry"]
    with transaction.atomic():
        summaries_invalidate()  # no villages named (a bulk write): the table's version changes
    assert _series(_chart(client, "monitoring-by-area", area="140828")) == {"140828100": 1}
    assert source_calls["registry"] == computed + 1


@pytest.mark.parametrize("story", [
    test_freshness.test_approving_a_household_shows_on_the_dashboard_at_once,
    test_freshness.test_a_new_member_and_a_changed_income_show_at_once,
    test_freshness.test_deleting_a_household_shows_at_once,
], ids=lambda story: story.__name__)
def test_the_freshness_stories_hold_with_the_cache_on(story, city, users, client_for):
    story(city, users, client_for)



def test_a_write_before_the_cache_table_exists_does_not_fail(monkeypatch):
    """The first ``migrate`` of a new database writes (role groups, reference data) before
    ``createcachetable`` has run: the versions' bump after its commit must not break it (it did, on PostgreSQL).
    Without a cache table nothing is cached, so nothing can be out of date."""
    from django.core.cache.backends.db import DatabaseCache

    from dashboard import figures_cache

    monkeypatch.setattr(figures_cache, "cache", DatabaseCache("yc_cache_not_created", {}))
    figures_cache.versions_bump({"monitoring_household"})
    monkeypatch.setattr(figures_cache, "cache", cache)  # the real table: its bump still works
    figures_cache.versions_bump({"monitoring_household"})


def _cache_reads(queries):
    """The number of cache keys each read of the cache table asked for."""
    return [q["sql"].count(":figures:") for q in queries
            if 'FROM "yc_cache"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")]


def test_a_request_reads_the_versions_once(city, users, client_for):
    from django.test.utils import CaptureQueriesContext

    client = client_for(users.city_leader)
    client.get("/", {"year": 2023, "quarter": 3})  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", {"year": 2023, "quarter": 3}).status_code == 200
    reads = _cache_reads(queries.captured_queries)
    # The page reads several entries (cards, last year's cards, the table, every chart): the first read
    # brings every table's version with it, the others only their entry and their area's two versions.
    assert len(reads) >= 3
    assert reads[0] > 10 and reads[1:] == [3] * (len(reads) - 1)


def test_a_write_inside_a_request_drops_its_reading_of_the_versions(city, users):
    from django.core.signals import request_finished, request_started

    from dashboard import figures_cache
    from dashboard.catalogue import metric_values
    from rectification.models import Issue

    def overdue():
        return metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                             keys=["issues.overdue"])["issues.overdue"]

    request_started.send(sender=None)
    try:
        before = overdue()
        Issue.objects.filter(number="YC-2023-0002").update(deadline=datetime.date(2099, 12, 31))
        assert overdue() == before - 1  # not the entry the request's first reading would have matched
    finally:
        request_finished.send(sender=None)
    assert figures_cache._request.versions is None
