"""One rule for "a household with labour": the risk-elimination check and the figure 落实开发式帮扶措施占比
(and its drill-down) count the same households, because both call ``Household.objects.with_labour``."""

import datetime
from decimal import Decimal

import pytest

from dashboard.catalogue import metric_records, metric_values
from monitoring.models import Household, LabourSkill, MeasureType
from monitoring.services import elimination_warnings, household_has_labour

from .factories import HouseholdFactory, MemberFactory, MonitoringRecordFactory, id_number

pytestmark = pytest.mark.django_db

END_OF_Q3 = datetime.date(2023, 9, 30)
NO_MEASURE = "有劳动能力但未落实开发式帮扶措施（产业、就业、金融、公益岗位）"


@pytest.fixture
def at_risk(geo):
    """County-approved, not eliminated 监测户 of 甲一村, each named by what makes it count or not."""

    def household(code, *, born=datetime.date(1980, 5, 17), skill=LabourSkill.ORDINARY, no_labour=False):
        home = HouseholdFactory(code=code, village=geo.jia1, is_no_labour=no_labour, is_monitored=True)
        MemberFactory(household=home, id_number=id_number(born=born), labour_skill=skill)
        MonitoringRecordFactory(household=home, status="approved")
        return home

    homes = {
        "labour": household("H-LABOUR"),
        "labour_with_measure": household("H-MEASURED"),
        # 整户无劳动能力 declared: no labour, whatever the members' skills
        "declared_no_labour": household("H-DECLARED", no_labour=True),
        # able, but 70 on the day: past working age
        "too_old": household("H-OLD", born=datetime.date(1953, 1, 1)),
        "lost_labour": household("H-LOST", skill=LabourSkill.LOST),
    }
    homes["labour_with_measure"].measures.create(measure_type=MeasureType.EMPLOYMENT,
                                                 start_date=datetime.date(2023, 2, 1))
    return homes


def test_elimination_check_and_coverage_figure_agree_on_which_households_have_labour(users, at_risk):
    drilled = set(metric_records(user=users.city_leader, key="monitoring.measure_coverage_pct", area=None,
                                 year=2023, quarter=3).values_list("code", flat=True))
    checked = {home.code for home in at_risk.values() if household_has_labour(home, END_OF_Q3)}

    assert drilled == checked == {"H-LABOUR", "H-MEASURED"}
    assert metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                         keys=["monitoring.measure_coverage_pct"]) == {
        "monitoring.measure_coverage_pct": Decimal("50.00")}


def test_only_a_household_with_labour_and_no_measure_is_warned_on_at_elimination(at_risk):
    warned = {home.code for home in at_risk.values()
              if NO_MEASURE in elimination_warnings(record=home.monitoring_records.get(), month=datetime.date(2023, 9, 1))}

    assert warned == {"H-LABOUR"}
    assert Household.objects.with_labour(END_OF_Q3).count() == 2
