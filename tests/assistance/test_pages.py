"""The 帮扶资源 pages: the index links to each list; each list answers in a fixed number of queries."""

import pytest
from django.urls import reverse

from .factories import (
    AssistanceProjectFactory,
    CollectiveEconomyFactory,
    ConsumptionPlatformFactory,
    ConsumptionSaleFactory,
    PVEmployeeFactory,
    PVIncomeFactory,
    PVStationFactory,
    WorkshopEmployeeFactory,
    WorkshopFactory,
)


def test_index_links_to_every_list(client_for, users):
    response = client_for(users.pinglu_leader).get(reverse("assistance:index"))
    body = response.content.decode()
    assert response.status_code == 200
    for url_name in ["workshop_list", "pv_station_list", "project_list", "consumption_sale_list",
                     "collective_economy_list"]:
        assert reverse(f"assistance:{url_name}") in body
    assert "帮扶车间" in body and "村集体经济" in body


def test_workshop_list_shows_employees_and_poverty_labour(client_for, users, geo, registry):
    workshop = WorkshopFactory(village=geo.jia1, name="甲一村车间")
    WorkshopEmployeeFactory(workshop=workshop, member=registry.poverty)
    WorkshopEmployeeFactory(workshop=workshop, member=registry.ordinary)
    response = client_for(users.jia1_officer).get(reverse("assistance:workshop_list"))
    row = response.context["table"].data[0]
    assert (row.employee_count, row.poverty_employee_count) == (2, 1)
    assert "其中脱贫劳动力" in response.content.decode()


def test_pv_list_defaults_to_the_latest_year_with_income(client_for, users, geo):
    station = PVStationFactory(village=geo.jia1)
    PVIncomeFactory(station=station, year=2022, income=9000)
    PVIncomeFactory(station=station, year=2023, income=12345)
    response = client_for(users.jia1_officer).get(reverse("assistance:pv_station_list"))
    assert "2023 年" in response.content.decode()
    assert response.context["table"].data[0].year_income == 12345
    response = client_for(users.jia1_officer).get(reverse("assistance:pv_station_list"), {"year": "2022"})
    assert response.context["table"].data[0].year_income == 9000


def test_project_list_filters_unit_projects_of_ten_thousand_or_more(client_for, users, geo):
    AssistanceProjectFactory(county=geo.pinglu, name="大项目", funding_source="unit", unit_name="省厅", amount=20000)
    AssistanceProjectFactory(county=geo.pinglu, name="小项目", funding_source="unit", unit_name="省厅", amount=5000)
    AssistanceProjectFactory(county=geo.pinglu, name="衔接项目", amount=900000)
    response = client_for(users.pinglu_reviewer).get(
        reverse("assistance:project_list"), {"funding_source": "unit", "amount_min": "10000", "year": "2023"}
    )
    assert [p.name for p in response.context["table"].data] == ["大项目"]


def _many_records(geo, registry, first_year, n=3):
    platform = ConsumptionPlatformFactory(name="运城消费帮扶馆")
    for i in range(n):
        village = [geo.jia1, geo.jia2, geo.yi1][i % 3]
        workshop = WorkshopFactory(village=village)
        for member in (registry.poverty, registry.monitored):
            WorkshopEmployeeFactory(workshop=workshop, member=member)
        station = PVStationFactory(village=village)
        PVIncomeFactory(station=station, year=2023)
        PVEmployeeFactory(station=station, member=registry.poverty)
        AssistanceProjectFactory(county=geo.pinglu, village=village)
        ConsumptionSaleFactory(platform=platform, county=geo.pinglu, quarter=i % 4 + 1)
        CollectiveEconomyFactory(village=village, year=first_year + i)


# session, user with profile, user permissions, group permissions, then the page's own queries
LIST_QUERIES = [
    # + the county choices of the filter form, the count, the page of workshops (annotated)
    ("assistance:workshop_list", {}, 7),
    # + the latest year with PV income, the county choices, the count, the page (subqueries)
    ("assistance:pv_station_list", {}, 8),
    ("assistance:pv_station_list", {"year": "2023"}, 7),
    # + the county choices, the count, the page of projects (with county and village)
    ("assistance:project_list", {}, 7),
    # + the platform and county choices, the count, the page of sales (with platform and county)
    ("assistance:consumption_sale_list", {}, 8),
    # + the county choices, the count, the page (with village, township, county)
    ("assistance:collective_economy_list", {}, 7),
]


@pytest.mark.parametrize("url_name, params, queries", LIST_QUERIES)
def test_list_query_count_does_not_grow_with_rows(client_for, users, geo, registry, django_assert_num_queries,
                                                  url_name, params, queries):
    client = client_for(users.pinglu_reviewer)
    _many_records(geo, registry, first_year=2010)
    client.get(reverse(url_name), params)  # warm the session
    with django_assert_num_queries(queries):
        small = client.get(reverse(url_name), params)
    _many_records(geo, registry, first_year=2020)
    with django_assert_num_queries(queries):
        large = client.get(reverse(url_name), params)
    assert (small.status_code, large.status_code) == (200, 200)
    assert len(large.context["table"].rows) > len(small.context["table"].rows)


def test_index_query_count(client_for, users, django_assert_num_queries):
    client = client_for(users.pinglu_leader)
    client.get(reverse("assistance:index"))
    # session, user with profile (the page itself reads nothing)
    with django_assert_num_queries(2):
        response = client.get(reverse("assistance:index"))
    assert response.status_code == 200
    assert [title for _, title, _ in response.context["pages"]] == [
        "帮扶车间", "村级光伏电站", "帮扶项目与资金", "消费帮扶", "村集体经济"]
