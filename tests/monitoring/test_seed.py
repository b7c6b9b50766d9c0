"""seed_demo's monitoring part: the report's counts arise from generated records, scaled; deterministic and
idempotent."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Sum

from monitoring.models import Employment, Household, IncomeRecord, Member, MonitoringRecord, OUTSIDE_COUNTY
from monitoring.quality import check_households


pytestmark = pytest.mark.django_db
END_OF_Q3 = datetime.date(2023, 9, 30)  # the seed dates the report's counts by the 2023 Q3 dashboard period


def seed():
    call_command("seed_demo", "--scale", "0.01", "--only", "villages", "accounts", "monitoring",
                 stdout=open("/dev/null", "w"))


def per_capita(year, **filters):
    totals = IncomeRecord.objects.filter(year=year, quarter=3, household__is_poverty_alleviated=True,
                                         **filters).aggregate(net=Sum("net_income"), persons=Sum("persons"))
    return float(totals["net"] / totals["persons"])


def test_seed_gives_the_reports_figures_at_scale():
    seed()
    identified = MonitoringRecord.objects.identified_as_of(END_OF_Q3)
    assert identified.count() == round(6597 * 0.01)
    assert Member.objects.filter(household__in=identified.values("household_id")).count() == round(18821 * 0.01)
    assert MonitoringRecord.objects.eliminated_as_of(END_OF_Q3).count() == round(3954 * 0.01)
    poverty = Household.objects.filter(is_poverty_alleviated=True)
    assert poverty.count() == 1300
    assert Member.objects.filter(household__in=poverty).count() == 3600
    labour = Member.objects.labour_force(datetime.date(2023, 9, 30)).filter(household__is_poverty_alleviated=True)
    assert labour.count() == 1760
    assert Employment.objects.filter(year=2023, location__in=OUTSIDE_COUNTY, member__in=labour).count() == 1100
    assert round(per_capita(2023)) == 11755
    assert round((per_capita(2023) / per_capita(2022) - 1) * 100, 2) == pytest.approx(18.77, abs=0.01)
    relocated = per_capita(2023, household__is_relocated=True) / per_capita(2022, household__is_relocated=True)
    assert round((relocated - 1) * 100, 2) == pytest.approx(21.21, abs=0.01)
    assert not check_households(key="relocated_jobless", households=Household.objects.all()).exists()
    assert not check_households(key="size_mismatch", households=Household.objects.all()).exists()
    assert not check_households(key="bad_id", households=Household.objects.all()).exists()
    assert MonitoringRecord.objects.filter(status="submitted", household__village__code__startswith="140829").exists()


def test_seed_is_idempotent_and_deterministic():
    seed()
    first = list(Member.objects.order_by("id_number").values_list("id_number", "name")[:50])
    count = Member.objects.count()
    seed()
    assert Member.objects.count() == count
    assert list(Member.objects.order_by("id_number").values_list("id_number", "name")[:50]) == first
