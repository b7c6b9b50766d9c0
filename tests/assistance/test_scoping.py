"""Every 帮扶资源 record is seen and changed only inside the user's area: admin changelists, change pages,
the admin's choices, and the list pages."""

import pytest
from django.urls import reverse

from accounts.scoping import scope
from assistance.models import (
    AssistanceProject,
    ConsumptionSale,
    PVEmployee,
    PVIncome,
    PVStation,
    Workshop,
    WorkshopEmployee,
)
from villages.models import VillageCollectiveEconomy

JIA1, YI1, BING1 = "甲一村", "乙一村", "丙一村"
PLACES_SEEN = {
    "city_admin": {JIA1, YI1, BING1},
    "pinglu_reviewer": {JIA1, YI1},
    "xia_reviewer": {BING1},
    "jia_clerk": {JIA1},
    "jia1_officer": {JIA1},
}
LEADERS_SEEN = {"city_leader": {JIA1, YI1, BING1}, "pinglu_leader": {JIA1, YI1}}

# model, how a row names its place, the admin changelist (None: shown only as an inline)
VILLAGE_LEVEL = [
    (Workshop, lambda o: o.name.removesuffix("车间"), "admin:assistance_workshop_changelist"),
    (WorkshopEmployee, lambda o: o.name.removesuffix("工人"), "admin:assistance_workshopemployee_changelist"),
    (PVStation, lambda o: o.name.removesuffix("电站"), "admin:assistance_pvstation_changelist"),
    (PVIncome, lambda o: o.station.name.removesuffix("电站"), None),
    (PVEmployee, lambda o: o.name.removesuffix("光伏岗"), None),
    (VillageCollectiveEconomy, lambda o: o.note.removesuffix("集体经济"),
     "admin:villages_villagecollectiveeconomy_changelist"),
]


def _places(rows, place_of):
    return {place_of(row) for row in rows}


@pytest.mark.parametrize("username", list(PLACES_SEEN) + list(LEADERS_SEEN))
def test_village_level_records_are_scoped_by_area(resources, users, username):
    user = getattr(users, username)
    expected = {**PLACES_SEEN, **LEADERS_SEEN}[username]
    for model, place_of, _ in VILLAGE_LEVEL:
        assert _places(scope(model.objects.all(), user), place_of) == expected, model.__name__


@pytest.mark.parametrize("username", list(PLACES_SEEN))
def test_admin_changelists_show_only_the_users_area(resources, users, client_for, username):
    client = client_for(getattr(users, username))
    for model, place_of, changelist in VILLAGE_LEVEL:
        if changelist is None:
            continue
        response = client.get(reverse(changelist))
        assert response.status_code == 200, changelist
        assert _places(response.context["cl"].result_list, place_of) == PLACES_SEEN[username], changelist


@pytest.mark.parametrize(
    "username, expected",
    [
        ("city_admin", {"甲一村项目", "乙一村项目", "丙一村项目", "平陆县项目", "夏县项目"}),
        ("pinglu_reviewer", {"甲一村项目", "乙一村项目", "平陆县项目"}),
        ("xia_reviewer", {"丙一村项目", "夏县项目"}),
        ("jia_clerk", {"甲一村项目"}),
        ("jia1_officer", {"甲一村项目"}),
    ],
)
def test_projects_are_scoped_by_village_or_county_code(resources, users, client_for, username, expected):
    response = client_for(getattr(users, username)).get(reverse("admin:assistance_assistanceproject_changelist"))
    assert {p.name for p in response.context["cl"].result_list} == expected
    page = client_for(getattr(users, username)).get(reverse("assistance:project_list"))
    assert {p.name for p in page.context["table"].data} == expected


@pytest.mark.parametrize(
    "username, expected",
    [("city_admin", {"140829", "140828"}), ("pinglu_reviewer", {"140829"}), ("xia_reviewer", {"140828"}),
     ("jia_clerk", set()), ("pinglu_leader", {"140829"})],
)
def test_consumption_sales_are_scoped_by_county(resources, users, client_for, username, expected):
    user = getattr(users, username)
    assert set(scope(ConsumptionSale.objects.all(), user).values_list("county_id", flat=True)) == expected
    page = client_for(user).get(reverse("assistance:consumption_sale_list"))
    assert {s.county_id for s in page.context["table"].data} == expected


def test_consumption_platforms_are_city_reference_data_every_area_role_reads(resources, users, client_for):
    response = client_for(users.jia1_officer).get(reverse("admin:assistance_consumptionplatform_changelist"))
    assert [p.name for p in response.context["cl"].result_list] == ["运城消费帮扶馆"]


def test_workshop_of_another_village_is_not_found_in_admin(resources, users, client_for):
    other = Workshop.objects.get(name="乙一村车间")
    response = client_for(users.jia1_officer).get(reverse("admin:assistance_workshop_change", args=[other.pk]))
    # Django's admin answers an object outside get_queryset with "不存在" and a redirect to the index.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_village_officer_cannot_add_a_workshop_in_another_village(resources, users, client_for):
    response = client_for(users.jia1_officer).post(
        reverse("admin:assistance_workshop_add"),
        {"village": "140829101200", "name": "越权车间", "is_operating": "on",
         "employees-TOTAL_FORMS": "0", "employees-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Workshop.objects.filter(name="越权车间").exists()
    assert "village" in response.context["adminform"].form.errors


def test_village_officer_adds_a_workshop_in_own_village(resources, users, client_for):
    response = client_for(users.jia1_officer).post(
        reverse("admin:assistance_workshop_add"),
        {"village": "140829100200", "name": "新车间", "is_operating": "on",
         "employees-TOTAL_FORMS": "0", "employees-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    assert Workshop.objects.get(name="新车间").village_id == "140829100200"


def test_pv_station_page_shows_only_inline_rows_of_the_station(resources, users, client_for):
    station = PVStation.objects.get(name="甲一村电站")
    response = client_for(users.jia1_officer).get(reverse("admin:assistance_pvstation_change", args=[station.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲一村光伏岗" in body and "乙一村光伏岗" not in body and "丙一村光伏岗" not in body


LIST_PAGES = [
    ("assistance:workshop_list", lambda o: o.name.removesuffix("车间")),
    ("assistance:pv_station_list", lambda o: o.name.removesuffix("电站")),
    ("assistance:collective_economy_list", lambda o: o.note.removesuffix("集体经济")),
]


@pytest.mark.parametrize("username", list(PLACES_SEEN) + list(LEADERS_SEEN))
def test_list_pages_show_only_the_users_area(resources, users, client_for, username):
    client = client_for(getattr(users, username))
    for url_name, row_place in LIST_PAGES:
        response = client.get(reverse(url_name))
        assert response.status_code == 200, url_name
        assert _places(response.context["table"].data, row_place) == {**PLACES_SEEN, **LEADERS_SEEN}[username]


@pytest.mark.parametrize("username", ["team_user", "unit_user"])
def test_team_members_and_units_have_no_assistance_pages(resources, users, client_for, username):
    client = client_for(getattr(users, username))
    for url_name in ["assistance:index", "assistance:workshop_list", "assistance:project_list"]:
        assert client.get(reverse(url_name)).status_code == 403, url_name


def test_leader_cannot_enter_data(resources, users, client_for):
    response = client_for(users.pinglu_leader).get(reverse("admin:assistance_workshop_changelist"))
    assert response.status_code == 302  # leaders are not staff: sent to the admin login


def test_county_reviewer_adds_a_village_project_of_own_county_but_not_of_another(resources, users, client_for):
    client = client_for(users.pinglu_reviewer)
    form = {"county": "140829", "village": "140829100201", "name": "甲二村冷库项目", "funding_source": "linkage",
            "amount": "300000", "year": "2023", "unit_name": "", "status": "ongoing"}

    assert client.post(reverse("admin:assistance_assistanceproject_add"), form).status_code == 302
    assert AssistanceProject.objects.get(name="甲二村冷库项目").area_code == "140829100201"

    response = client.post(reverse("admin:assistance_assistanceproject_add"),
                           {**form, "county": "140828", "village": "140828100200", "name": "越权项目"})
    assert response.status_code == 200 and not AssistanceProject.objects.filter(name="越权项目").exists()


def test_village_officer_records_own_villages_collective_income_only(resources, users, client_for):
    client = client_for(users.jia1_officer)
    url = reverse("admin:villages_villagecollectiveeconomy_add")
    form = {"year": "2024", "income": "180000", "party_branch_cooperatives": "1", "trusteeship_services": "0"}

    assert client.post(url, {**form, "village": "140829100200"}).status_code == 302
    assert client.post(url, {**form, "village": "140829100201"}).status_code == 200
    assert list(VillageCollectiveEconomy.objects.filter(year=2024).values_list("village_id", flat=True)) == [
        "140829100200"]
