"""seed_demo's 帮扶资源: the report's figures arise from the generated records, and a second run adds nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from assistance import selectors
from assistance.models import AssistanceProject, ConsumptionSale, PVStation, Workshop, WorkshopEmployee
from villages.models import Village, VillageCollectiveEconomy

from .factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _seed(*apps):
    call_command("seed_demo", "--scale", "0.01", "--only", *apps, stdout=open("/dev/null", "w"))


@pytest.fixture
def small_registry():
    """A registry built by hand (independent of the monitoring seed): in every county ten labourers of
    脱贫户 / 监测户, and ten of 一般农户 who must never be counted as 脱贫劳动力."""
    _seed("villages")
    first_village = {}
    for code, county in Village.objects.order_by("code").values_list("code", "county_id"):
        first_village.setdefault(county, code)
    for code in first_village.values():
        village = Village.objects.get(code=code)
        for n in range(10):
            MemberFactory(household=HouseholdFactory(village=village, is_poverty_alleviated=n % 2 == 0,
                                                     is_monitored=n % 2 == 1))
            MemberFactory(household=HouseholdFactory(village=village))


def test_demo_data_gives_the_reports_2023_figures_and_lower_2022_ones(small_registry):
    _seed("assistance")
    # the third quarter of 2023, the dashboard's default period
    july, end = datetime.date(2023, 7, 1), datetime.date(2023, 9, 30)
    workshops = selectors.workshop_totals(workshops=Workshop.objects.all(), start=july, end=end)
    # Workshop and job counts are full size at every scale; the registry links scale with the registry.
    assert (workshops["workshops"], workshops["jobs"]) == (271, 8982)
    assert workshops["poverty_jobs"] == round(4078 * 0.01)
    assert selectors.pv_totals(stations=PVStation.objects.all(), year=2023) == {
        "stations": 194, "income": Decimal("3470000"), "posts": 358, "beneficiaries": round(291 * 0.01)}
    assert selectors.project_totals(projects=AssistanceProject.objects.all(), year=2023) == {
        "linkage": Decimal("920000000"), "unit_assistance": Decimal("189000000"), "unit_projects": 225}
    assert selectors.consumption_totals(sales=ConsumptionSale.objects.all(), year=2023, quarter=3) == {
        "platforms": 14, "sales": Decimal("616000000"), "beneficiaries": 78600}
    collective = selectors.collective_economy_totals(
        records=VillageCollectiveEconomy.objects.all(), villages=Village.objects.all(), year=2023)
    assert (collective["over_100k_pct"], collective["over_300k"], collective["cooperatives"],
            collective["trusteeship_services"]) == (Decimal("100.00"), 659, 526, 171)

    earlier = selectors.collective_economy_totals(
        records=VillageCollectiveEconomy.objects.all(), villages=Village.objects.all(), year=2022)
    assert earlier["over_300k"] < 659 and earlier["over_100k"] < 2172
    earlier_shops = selectors.workshop_totals(workshops=Workshop.objects.all(), start=july.replace(year=2022),
                                              end=end.replace(year=2022))
    assert earlier_shops["workshops"] < 271 and earlier_shops["jobs"] < 8982
    assert selectors.project_totals(projects=AssistanceProject.objects.all(), year=2022)["linkage"] < 920_000_000

    linked = WorkshopEmployee.objects.filter(member__isnull=False).select_related("member__household", "workshop")
    assert all(e.member.household.village_id[:6] == e.workshop.village_id[:6] for e in linked)
    assert all(e.member.household.is_poverty_alleviated or e.member.household.is_monitored for e in linked)

    employees = WorkshopEmployee.objects.count()
    _seed("assistance")
    assert WorkshopEmployee.objects.count() == employees
