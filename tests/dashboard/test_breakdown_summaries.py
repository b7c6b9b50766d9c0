"""The monitoring breakdowns (按监测类别 / 按识别方式 / 按风险类型) come from the per-village summaries
(``VillageBreakdown``) and give the numbers the direct count over the monitoring records gave, before and
after every kind of write that changes them."""

import datetime
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db.models import Count, F
from django.db.models.functions import Substr

from accounts.scoping import in_area
from dashboard.periods import Period
from dashboard.sources import ALL_GROUPS, SOURCES

PERIODS = [Period(2022, 4), Period(2023, 1), Period(2023, 3), Period(2023, 4)]
# (area code, child codes' length): the city by county, a county by township, a township by village
AREAS = [("140800", 6), ("140829", 9), ("140828", 9), ("140829100", 12), ("140829101", 12)]
BREAKDOWNS = ["monitoring_by_category", "monitoring_by_channel", "monitoring_by_risk"]


def _direct(name, area, period, group_len):
    """What the sources computed before the summaries: the records counted through their households."""
    from monitoring.models import IdentificationChannel, MonitoringCategory, MonitoringRecord, RiskType

    records = MonitoringRecord.objects.identified_as_of(period.end)
    part, value_field, labels = {
        "monitoring_by_category": ("by_category", "category", dict(MonitoringCategory.choices)),
        "monitoring_by_channel": ("by_channel", "channel", dict(IdentificationChannel.choices)),
        "monitoring_by_risk": ("by_risk", "risk_types", dict(RiskType.objects.values_list("code", "name"))),
    }[name]
    if value_field == "risk_types":
        records = records.filter(risk_types__isnull=False)
    field = "household__village__code"
    records = in_area(records, field, area.code)
    group_fields = [value_field]
    if group_len:
        records = records.annotate(_group=Substr(F(field), 1, group_len))
        group_fields.append("_group")
    counts = defaultdict(dict)
    for row in records.values(*group_fields).annotate(n=Count("household_id", distinct=True)).order_by():
        label = labels.get(row[value_field], row[value_field])
        group = counts[row.get("_group", "")]
        group[label] = group.get(label, 0) + row["n"]
    result = {group: {part: {label: found.get(label, 0) for label in labels.values()}} for group, found in counts.items()}
    if group_len is None:
        result.setdefault("", {part: {label: 0 for label in labels.values()}})
    else:
        result[ALL_GROUPS] = {part: {label: 0 for label in labels.values()}}
    return result


def _compare(areas=AREAS, periods=PERIODS):
    from villages.selectors import area_get

    compared = 0
    for code, child_len in areas:
        area = area_get(code=code)
        for period in periods:
            for name in BREAKDOWNS:
                for group_len in (None, child_len):
                    summarised = SOURCES[name](area=area, period=period, group_len=group_len)
                    assert summarised == _direct(name, area, period, group_len), (name, code, period, group_len)
                    compared += 1
    return compared


@pytest.fixture
def more_records(city, geo):
    """More monitored households than the city fixture's: several per village, two records on one household
    (a household counts once per value), records after and before every period of PERIODS."""
    from tests.dashboard.conftest import _household, _record

    d = datetime.date
    h7 = _household("H7", geo.jia2)
    h8 = _household("H8", geo.yi1, poverty=True)
    h9 = _household("H9", geo.bing1)
    _record(h7, d(2023, 2, 1), "marginal", "department", ["illness", "housing"])
    _record(h7, d(2023, 7, 1), "sudden", "department", ["housing"])  # a second record of H7
    _record(h8, d(2022, 10, 1), "unstable", "self_apply", ["disability"], eliminated=d(2023, 2, 1))
    _record(h9, d(2023, 9, 1), "sudden", "cadre", [])
    return SimpleNamespace(h7=h7, h8=h8, h9=h9)


def test_the_summarised_breakdowns_equal_the_direct_count(more_records):
    assert _compare() == len(AREAS) * len(PERIODS) * len(BREAKDOWNS) * 2


def test_the_summarised_breakdowns_follow_every_write_at_once(city, geo, more_records):
    from monitoring.models import MonitoringRecord, RiskType

    def _assert_same_as_direct():  # the city and its counties, as a whole and by child area
        assert _compare(areas=AREAS[:3], periods=[Period(2023, 3), Period(2023, 4)]) == 36

    _assert_same_as_direct()  # every summary built
    illness, disability, housing = (RiskType.objects.get(code=code) for code in ("illness", "disability", "housing"))
    record = city.h1.monitoring_records.get()

    record.risk_types.add(housing)  # m2m only: the record itself is not saved
    _assert_same_as_direct()
    record.risk_types.remove(illness)
    _assert_same_as_direct()
    record.risk_types.clear()
    _assert_same_as_direct()
    record.risk_types.set([illness, disability])
    _assert_same_as_direct()

    # from the risk type's side
    disability.records.add(more_records.h9.monitoring_records.get())
    _assert_same_as_direct()
    housing.records.remove(more_records.h7.monitoring_records.order_by("identified_month").first())
    _assert_same_as_direct()
    illness.records.clear()
    _assert_same_as_direct()

    # a household moved to another county's village: both villages' figures change
    city.h1.village = geo.bing1
    city.h1.save()
    _assert_same_as_direct()

    # a record's category and channel changed, one approved, one deleted, a new risk type
    record.category, record.channel = "sudden", "public_opinion"
    record.save()
    submitted = MonitoringRecord.objects.get(household=city.h5)
    submitted.status = "approved"
    submitted.save()
    more_records.h8.monitoring_records.get().delete()
    RiskType.objects.create(code="new_kind", name="新增风险类型", sort_order=99)
    _assert_same_as_direct()

    # a risk type renamed (reference data, keyed by code): the summaries keep the code, the label follows
    housing.name = "住房安全保障"
    housing.save()
    _assert_same_as_direct()


def test_a_risk_type_added_to_a_record_shows_on_the_chart_at_once(city, users, client_for):
    from monitoring.models import RiskType

    client = client_for(users.city_leader)

    def by_risk():
        chart = client.get("/dashboard/charts/monitoring-by-risk/", {"year": 2023, "quarter": 3}).json()
        counts = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
        return {label: counts[label] for label in ("因病", "因残", "住房安全")}, sum(counts.values())

    assert by_risk() == ({"因病": 2, "因残": 1, "住房安全": 1}, 4)
    city.h6.monitoring_records.get().risk_types.add(RiskType.objects.get(code="illness"))  # the record is not saved
    assert by_risk() == ({"因病": 3, "因残": 1, "住房安全": 1}, 5)


def test_the_breakdowns_read_no_registry_table_once_summarised(city, users):
    """The breakdowns counted the monitoring records through the households on every read (120–310 ms per
    chart for a city inside the province); with fresh summaries they read the summaries only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.catalogue import metric_values, metric_values_by_child

    keys = ["monitoring.by_category", "monitoring.by_channel", "monitoring.by_risk"]
    first = metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=keys)
    first_by_child = metric_values_by_child(user=users.city_leader, area=None, year=2023, quarter=3, keys=keys)
    with CaptureQueriesContext(connection) as captured:
        again = metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=keys)
        again_by_child = metric_values_by_child(user=users.city_leader, area=None, year=2023, quarter=3, keys=keys)
    assert again == first
    assert again_by_child == first_by_child
    assert first["monitoring.by_category"] == {"脱贫不稳定户": 1, "边缘易致贫户": 1, "突发严重困难户": 1}
    touched = [q["sql"] for q in captured.captured_queries
               if any(table in q["sql"] for table in ('"monitoring_household"', '"monitoring_monitoringrecord"',
                                                       '"monitoring_monitoringrecord_risk_types"'))]
    assert touched == []


def test_fresh_summaries_are_told_by_counting(city, users):
    """A read of fresh figures counts the summaries instead of looking for missing villages one by one; a
    village without its row (forgotten by a bulk write) is still found and rebuilt."""
    from dashboard.catalogue import metric_values
    from dashboard.models import VillageSummary
    from dashboard.village_summaries import summaries_complete

    periods = [Period(2023, 3), Period(2022, 3)]
    assert not summaries_complete(prefix="1408", periods=periods)
    first = metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])
    assert summaries_complete(prefix="1408", periods=periods)
    assert summaries_complete(prefix="140829", periods=periods)
    assert not summaries_complete(prefix="1408", periods=[Period(2021, 3)])  # never read
    VillageSummary.objects.filter(village_id="140828100200", year=2022)._raw_delete("default")  # no signal
    assert not summaries_complete(prefix="1408", periods=periods)
    assert summaries_complete(prefix="140829", periods=periods)  # another county's village
    assert metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                         keys=["monitoring.households"]) == first
    assert summaries_complete(prefix="1408", periods=periods)
