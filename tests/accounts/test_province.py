"""The province on one server (PLATFORM_AREA=140000): 山西省 above the cities, each city an area like a county.
A city administrator sees only their city; the province viewer (领导查看 of 140000, read-only) sees every city,
and the province's dashboard lists the cities. Two small cities, hand-built: 运城 (平陆县) and 太原 (小店区)."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from accounts.scoping import area_filter, scope
from dashboard.catalogue import metric_values, metric_values_by_child
from monitoring.models import Household, MonitoringRecord
from villages.models import County, Township, Village, area_prefix
from villages.selectors import area_children, area_get


def _monitored(code, village):
    household = Household.objects.create(code=code, village=village, head_name=f"户主{code}")
    MonitoringRecord.objects.create(household=household, category="unstable", channel="cadre",
                                    identified_month=datetime.date(2023, 3, 1), status="approved")
    return household


@pytest.fixture
def province(settings, users, geo, make_user):
    settings.PLATFORM_AREA = "140000"
    xiaodian = County.objects.create(code="140105", name="小店区", category="overall")
    town = Township.objects.create(code="140105100", county=xiaodian, name="北格镇")
    village = Village.objects.create(code="140105100200", township=town, county=xiaodian, name="北格村")
    return SimpleNamespace(
        yuncheng=[_monitored("1408291002000001", geo.jia1), _monitored("1408291002000002", geo.jia1)],
        taiyuan=[_monitored(f"14010510020000{i:02d}", village) for i in range(1, 4)],
        taiyuan_admin=make_user("taiyuan_admin", Role.CITY_ADMIN, "140100"),
        leader=make_user("province_leader", Role.LEADER, "140000"),
    )


def test_the_province_nests_above_the_cities():
    assert area_prefix("140000") == "14"
    assert area_filter("village_id", "140000") == {"village_id__gte": "14", "village_id__lt": "15"}


def test_city_admin_of_yuncheng_never_sees_taiyuan_records(province, users):
    seen = set(scope(Household.objects.all(), users.city_admin).values_list("code", flat=True))
    assert seen == {h.code for h in province.yuncheng}
    seen = set(scope(Household.objects.all(), province.taiyuan_admin).values_list("code", flat=True))
    assert seen == {h.code for h in province.taiyuan}


def test_city_admin_of_yuncheng_cannot_open_taiyuan_pages(province, users, client_for):
    client = client_for(users.city_admin)
    assert client.get(reverse("dashboard:home"), {"area": "140100"}).status_code == 403
    assert client.get(reverse("dashboard:home"), {"area": "140105"}).status_code == 403
    assert client.get(reverse("dashboard:api_metrics"), {"area": "140000"}).status_code == 403
    taiyuan = province.taiyuan[0]
    assert client.get(reverse("monitoring:household_detail", args=[taiyuan.code])).status_code == 404


def test_city_dashboard_counts_its_own_city_and_lists_its_own_counties(province, users, client_for):
    page = client_for(users.city_admin).get(reverse("dashboard:home"), {"year": 2023, "quarter": 3})
    assert page.status_code == 200
    assert page.context["area"].code == "140800"
    assert [child.code for child in area_children(area=page.context["area"])][:2] == ["140802", "140821"]
    html = page.content.decode()
    assert "平陆县" in html and "小店区" not in html and "太原" not in html
    values = metric_values(user=users.city_admin, area=area_get(code="140800"), year=2023, quarter=3,
                           keys=["monitoring.households"])
    assert values["monitoring.households"] == 2


def test_province_viewer_sees_the_cities_as_children_and_their_sum(province, client_for):
    leader = province.leader
    area = area_get(code="140000")
    assert area.name == "山西省" and [c.name for c in area_children(area=area)] == ["太原市", "运城市"]
    rows = metric_values_by_child(user=leader, area=area, year=2023, quarter=3, keys=["monitoring.households"])
    assert [(child.code, values["monitoring.households"]) for child, values in rows] == [("140100", 3), ("140800", 2)]
    assert metric_values(user=leader, area=area, year=2023, quarter=3, keys=["monitoring.households"]) == {
        "monitoring.households": 5}
    page = client_for(leader).get(reverse("dashboard:home"), {"year": 2023, "quarter": 3})
    assert page.status_code == 200 and page.context["area"].code == "140000"
    html = page.content.decode()
    assert "太原市" in html and "运城市" in html
    # One level down, the city's breadcrumb starts at the province.
    city = client_for(leader).get(reverse("dashboard:home"), {"area": "140100", "year": 2023, "quarter": 3})
    assert [a.code for a, _ in city.context["chain"]] == ["140000", "140100"]


def test_the_province_viewer_reads_but_never_writes(province):
    leader = province.leader
    assert scope(Household.objects.all(), leader).count() == 5
    assert scope(Household.objects.all(), leader, "change").count() == 0


def test_a_one_city_platform_has_no_province(settings, make_user, geo):
    assert settings.PLATFORM_AREA == "140800"
    assert area_get(code="140000") is None and area_get(code="140100") is None
    with pytest.raises(ValidationError):
        make_user("province_leader", Role.LEADER, "140000")



def test_city_admin_of_yuncheng_reads_only_yuncheng_changes_in_the_audit(province, users, client_for):
    # The households were created through the ORM: each has its history row ("+").
    changes = client_for(users.city_admin).get(reverse("reports:audit")).context["changes"]
    households = {change.object_pk for change in changes if change.model_label == "monitoring.Household"}
    assert households == {str(h.pk) for h in province.yuncheng}
    # Choosing another city's area does not widen it.
    changes = client_for(users.city_admin).get(reverse("reports:audit"), {"area": "140105"}).context["changes"]
    households = {change.object_pk for change in changes if change.model_label == "monitoring.Household"}
    assert households <= {str(h.pk) for h in province.yuncheng}
    changes = client_for(province.leader).get(reverse("reports:audit"))
    assert changes.status_code == 403  # the province viewer reads figures, not the audit
