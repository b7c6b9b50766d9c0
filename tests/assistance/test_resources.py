"""PV stations, assistance projects and consumption sales: the dashboard's figures as plain aggregates."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistance import selectors
from assistance.models import AssistanceProject, FundingSource, ProjectStatus, PVStation

from .factories import (
    AssistanceProjectFactory,
    ConsumptionPlatformFactory,
    ConsumptionSaleFactory,
    PVEmployeeFactory,
    PVIncomeFactory,
    PVStationFactory,
)


PV_FIGURES = ("employment.pv_stations", "employment.pv_income", "employment.pv_posts", "employment.pv_beneficiaries")
PROJECT_FIGURES = ("funds.linkage", "funds.unit_assistance", "funds.unit_projects")
CONSUMPTION_FIGURES = ("consumption.platforms", "consumption.sales", "consumption.beneficiaries")


def test_pv_income_posts_and_beneficiaries_of_a_year(geo, registry, figures):
    station = PVStationFactory(village=geo.jia1)
    other = PVStationFactory(village=geo.jia2)
    PVIncomeFactory(station=station, year=2023, income=Decimal("12000.50"), posts=3)
    PVIncomeFactory(station=other, year=2023, income=Decimal("8000.00"), posts=1)
    PVIncomeFactory(station=station, year=2022, income=Decimal("9000.00"), posts=2)
    for member in (registry.poverty, registry.monitored, registry.ordinary):
        PVEmployeeFactory(station=station, year=2023, member=member)
    PVEmployeeFactory(station=station, year=2022, member=registry.both)

    assert list(figures(*PV_FIGURES).values()) == [2, Decimal("20000.50"), 4, 2]
    assert figures("employment.pv_income", area=geo.jia2.code) == {"employment.pv_income": Decimal("8000.00")}


def test_pv_station_list_shows_the_chosen_years_income(geo, registry):
    station = PVStationFactory(village=geo.jia1)
    PVIncomeFactory(station=station, year=2023, income=Decimal("12000.00"), posts=3)
    PVIncomeFactory(station=station, year=2022, income=Decimal("9000.00"), posts=2)
    PVEmployeeFactory(station=station, year=2023, member=registry.poverty)
    PVEmployeeFactory(station=station, year=2023, name="外来人员")

    row = selectors.pv_station_list(stations=PVStation.objects.all(), year=2022).get()
    assert (row.year_income, row.year_posts, row.employee_count) == (Decimal("9000.00"), 2, 0)
    row = selectors.pv_station_list(stations=PVStation.objects.all(), year=2023).get()
    assert (row.year_income, row.year_posts, row.employee_count, row.beneficiary_count) == (
        Decimal("12000.00"), 3, 2, 1)


def test_linkage_funds_unit_funds_and_unit_projects_of_ten_thousand_or_more_cancelled_left_out(geo, figures):
    AssistanceProjectFactory(county=geo.pinglu, amount=Decimal("3000000"), year=2023)
    AssistanceProjectFactory(county=geo.pinglu, village=geo.jia1, amount=Decimal("200000"), year=2023)
    AssistanceProjectFactory(county=geo.pinglu, amount=Decimal("1000000"), year=2022)
    for amount in ("10000", "50000", "9999.99"):
        AssistanceProjectFactory(county=geo.xia, funding_source=FundingSource.UNIT, unit_name="省某厅",
                                 amount=Decimal(amount), year=2023)
    AssistanceProjectFactory(county=geo.xia, funding_source=FundingSource.OTHER, amount=Decimal("70000"))
    AssistanceProjectFactory(county=geo.pinglu, amount=Decimal("800000"), status=ProjectStatus.CANCELLED)

    assert list(figures(*PROJECT_FIGURES).values()) == [Decimal("3200000.00"), Decimal("69999.99"), 2]
    assert list(figures(*PROJECT_FIGURES, area="140829").values()) == [Decimal("3200000.00"), Decimal("0.00"), 0]


def test_a_village_project_is_filed_under_the_village_code(geo):
    village_project = AssistanceProjectFactory(county=geo.pinglu, village=geo.jia1)
    county_project = AssistanceProjectFactory(county=geo.pinglu)

    assert village_project.area_code == "140829100200"
    assert county_project.area_code == "140829"


def test_a_project_in_a_village_of_another_county_is_refused(geo):
    project = AssistanceProject(county=geo.xia, village=geo.jia1, name="错配", funding_source=FundingSource.LINKAGE,
                                amount=Decimal("1000"), year=2023)

    with pytest.raises(ValidationError) as error:
        project.full_clean()

    assert "实施行政村须在所属区县内" in str(error.value)


def test_consumption_sales_to_a_quarter_and_for_the_year(geo, figures):
    hall, online = ConsumptionPlatformFactory(name="运城消费帮扶馆"), ConsumptionPlatformFactory(name="832平台")
    ConsumptionSaleFactory(platform=hall, county=geo.pinglu, quarter=1, amount=Decimal("100000"), beneficiaries=50)
    ConsumptionSaleFactory(platform=hall, county=geo.pinglu, quarter=None, month=8, amount=Decimal("30000"),
                           beneficiaries=5)
    ConsumptionSaleFactory(platform=online, county=geo.xia, quarter=4, amount=Decimal("70000"), beneficiaries=20)
    ConsumptionSaleFactory(platform=online, county=geo.xia, year=2022, quarter=4, amount=Decimal("1"))
    # a record for the whole year counts in every quarter of it
    ConsumptionSaleFactory(platform=hall, county=geo.xia, quarter=None, amount=Decimal("5000"), beneficiaries=1)

    assert list(figures(*CONSUMPTION_FIGURES, quarter=4).values()) == [2, Decimal("205000.00"), 76]
    assert list(figures(*CONSUMPTION_FIGURES, quarter=3).values()) == [1, Decimal("135000.00"), 56]
    assert figures("consumption.sales", area="140828") == {"consumption.sales": Decimal("75000.00")}


def test_a_sale_cannot_name_both_a_quarter_and_a_month(geo):
    sale = ConsumptionSaleFactory.build(platform=ConsumptionPlatformFactory(), county=geo.pinglu, quarter=1, month=2)

    with pytest.raises(ValidationError) as error:
        sale.full_clean()

    assert "季度和月份只能填写其一" in str(error.value)
