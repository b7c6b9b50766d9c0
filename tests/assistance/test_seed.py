"""seed_demo's 帮扶资源: the report's figures arise from the generated records, and a second run adds nothing."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from assistance.models import WorkshopEmployee
from villages.models import Village

from .factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


RESOURCE_FIGURES = (
    "employment.workshops", "employment.workshop_jobs", "employment.workshop_poverty_jobs",
    "employment.pv_stations", "employment.pv_income", "employment.pv_posts", "employment.pv_beneficiaries",
    "funds.linkage", "funds.unit_assistance", "funds.unit_projects",
    "consumption.platforms", "consumption.sales", "consumption.beneficiaries",
    "collective.villages_over_100k_pct", "collective.villages_over_300k", "collective.cooperatives",
    "collective.trusteeship_services",
)


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


def test_demo_data_gives_the_reports_2023_figures_and_lower_2022_ones(small_registry, figures):
    _seed("assistance")
    # the third quarter of 2023, the dashboard's default period, read through the catalogue
    now = figures(*RESOURCE_FIGURES, quarter=3)
    # Workshop and job counts are full size at every scale; the registry links scale with the registry.
    assert (now["employment.workshops"], now["employment.workshop_jobs"]) == (271, 8982)
    assert now["employment.workshop_poverty_jobs"] == round(4078 * 0.01)
    assert [now[key] for key in RESOURCE_FIGURES[3:7]] == [194, Decimal("3470000.00"), 358, round(291 * 0.01)]
    assert [now[key] for key in RESOURCE_FIGURES[7:10]] == [Decimal("920000000.00"), Decimal("189000000.00"), 225]
    assert [now[key] for key in RESOURCE_FIGURES[10:13]] == [14, Decimal("616000000.00"), 78600]
    assert [now[key] for key in RESOURCE_FIGURES[13:]] == [Decimal("100.00"), 659, 526, 171]

    earlier = figures(*RESOURCE_FIGURES, year=2022, quarter=3)
    assert earlier["collective.villages_over_300k"] < 659 and earlier["collective.villages_over_100k_pct"] < 100
    assert earlier["employment.workshops"] < 271 and earlier["employment.workshop_jobs"] < 8982
    assert earlier["funds.linkage"] < 920_000_000

    linked = WorkshopEmployee.objects.filter(member__isnull=False).select_related("member__household", "workshop")
    assert all(e.member.household.village_id[:6] == e.workshop.village_id[:6] for e in linked)
    assert all(e.member.household.is_poverty_alleviated or e.member.household.is_monitored for e in linked)

    employees = WorkshopEmployee.objects.count()
    _seed("assistance")
    assert WorkshopEmployee.objects.count() == employees
