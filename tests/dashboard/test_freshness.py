"""The per-village summaries never show a stale figure: a change to a record shows at once."""

import datetime
from decimal import Decimal

from dashboard.catalogue import metric_values
from dashboard.models import VillageSummary
from dashboard.village_summaries import refresh_summaries, summaries_invalidate
from dashboard.periods import Period


def _households(client):
    return client.get("/api/metrics/", {"year": 2023, "quarter": 3}).json()["metrics"]


def test_approving_a_household_shows_on_the_dashboard_at_once(city, users, client_for):
    client = client_for(users.city_leader)
    assert _households(client)["monitoring.households"] == 3
    assert VillageSummary.objects.filter(year=2023, quarter=3).count() == 4  # every village of the city, once
    record = city.h5.monitoring_records.get()
    record.status = "approved"  # the county approves H5 (identified 2023-01)
    record.save()
    metrics = _households(client)
    assert metrics["monitoring.households"] == 4
    assert metrics["monitoring.persons"] == 8


def test_a_new_member_and_a_changed_income_show_at_once(city, users, client_for):
    from monitoring.models import Member

    client = client_for(users.city_leader)
    before = _households(client)
    assert before["employment.labor_force"] == 5
    Member.objects.create(household=city.h1, name="新成员", id_number="140829199001011234"[:17] + "X",
                          sex="男", birth_date=datetime.date(1990, 1, 1), labour_skill="ordinary")
    income = city.h3.incomes.get(year=2023)
    income.wage_income = Decimal("9000")
    income.compute()
    income.save()
    after = _households(client)
    assert after["employment.labor_force"] == 6
    assert after["monitoring.persons"] == 8  # H1 is monitored
    assert after["income.per_capita"] == (75000 + 4000) / 8
    assert after["income.below_threshold_households"] == 0  # H3 now 9,000 per person


def test_deleting_a_household_shows_at_once(city, users, client_for):
    client = client_for(users.city_leader)
    assert _households(client)["employment.relocated_households_jobless"] == 1
    city.h3.delete()
    assert _households(client)["employment.relocated_households_jobless"] == 0


def test_only_the_touched_village_is_recomputed(city, users):
    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])
    first = dict(VillageSummary.objects.filter(year=2023, quarter=3).values_list("village_id", "computed_at"))
    record = city.h6.monitoring_records.get()
    record.category = "marginal"
    record.save()  # forgets 丙一村 (a household save that changes no figure would forget nothing)
    assert not VillageSummary.objects.filter(village_id="140828100200").exists()
    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])
    again = dict(VillageSummary.objects.filter(year=2023, quarter=3).values_list("village_id", "computed_at"))
    assert again["140829100200"] == first["140829100200"]
    assert again["140828100200"] > first["140828100200"]


def test_bulk_writers_refresh_after_their_writes(city, users):
    from monitoring.models import Household

    assert metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                         keys=["employment.relocated_households_jobless"])["employment.relocated_households_jobless"] == 1
    Household.objects.filter(pk=city.h3.pk).update(is_relocated=False)  # no signal
    summaries_invalidate(village_codes=["140829100201"])
    assert metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                         keys=["employment.relocated_households_jobless"])["employment.relocated_households_jobless"] == 0
    assert refresh_summaries(periods=[Period(2023, 3)]) == 4
    assert VillageSummary.objects.count() == 4


def test_a_new_threshold_forgets_every_summary(city, users):
    from monitoring.models import MonitoringThreshold

    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["income.below_threshold_households"])
    threshold = MonitoringThreshold.objects.get(year=2023)
    threshold.amount = Decimal("20000")  # 10,000 × 4 / 3 = 13,333 < 20,000: everybody is below now
    threshold.save()
    assert VillageSummary.objects.count() == 0
    values = metric_values(user=users.city_leader, area=None, year=2023, quarter=3,
                           keys=["income.below_threshold_households"])
    assert values["income.below_threshold_households"] == 4


# ---------------------------------------------------------------- 录入进度 and 帮扶车间, kept in the summaries too

WORKSHOP_KEYS = ["employment.workshops", "employment.workshop_jobs", "employment.workshop_poverty_jobs"]
PROGRESS_KEYS = ["completeness.income_missing", "completeness.measures_missing", "completeness.income_pct"]


def _figures(users, keys, area=None):
    return metric_values(user=users.city_leader, area=area, year=2023, quarter=3, keys=keys)


def test_city_progress_and_workshop_figures_read_no_registry_table_once_summarised(city, users):
    """The city's 录入进度 and workshop figures scanned the households, income records and members on every
    read (75–160 ms and 45–135 ms at full scale); with fresh summaries they read the summaries only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = _figures(users, WORKSHOP_KEYS + PROGRESS_KEYS)
    with CaptureQueriesContext(connection) as captured:
        again = _figures(users, WORKSHOP_KEYS + PROGRESS_KEYS)
    assert again == first
    touched = [q["sql"] for q in captured.captured_queries
               if any(table in q["sql"] for table in ('"monitoring_household"', '"monitoring_member"',
                                                       '"monitoring_incomerecord"', '"assistance_workshopemployee"'))]
    assert touched == []


def test_a_new_workshop_employee_shows_at_once(city, users):
    from assistance.models import Workshop
    from assistance.services import workshop_employee_create

    assert _figures(users, WORKSHOP_KEYS) == {"employment.workshops": 1, "employment.workshop_jobs": 2,
                                             "employment.workshop_poverty_jobs": 1}
    workshop_employee_create(user=users.pinglu_reviewer, workshop=Workshop.objects.get(name="甲一车间"), name="己",
                             id_number=city.f.id_number, hired_on=datetime.date(2023, 8, 1))
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_jobs"] == 3
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_poverty_jobs"] == 2  # 己 is of 脱贫户 H3


def test_a_household_in_another_village_changes_the_workshops_figure_at_once(city, users):
    """甲一车间 (甲一村) employs 己 of H3 (甲二村): H3 ceasing to be a 脱贫户 changes 甲一村's figure."""
    from assistance.models import Workshop, WorkshopEmployee

    WorkshopEmployee.objects.create(workshop=Workshop.objects.get(name="甲一车间"), name="己", member=city.f,
                                    hired_on=datetime.date(2023, 1, 1))
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_poverty_jobs"] == 2
    city.h3.is_poverty_alleviated = False
    city.h3.save()
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_poverty_jobs"] == 1
    assert _figures(users, WORKSHOP_KEYS, area=None)["employment.workshop_jobs"] == 3


def test_a_deleted_member_no_longer_counts_in_the_workshop(city, users):
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_poverty_jobs"] == 1
    city.a.delete()  # the job stays, unlinked from the registry (SET_NULL sends no signal)
    figures = _figures(users, WORKSHOP_KEYS)
    assert figures["employment.workshop_poverty_jobs"] == 0
    assert figures["employment.workshop_jobs"] == 2


def test_linking_employees_to_the_registry_shows_at_once(city, users):
    from assistance.models import Workshop, WorkshopEmployee
    from assistance.services import employees_link_members

    WorkshopEmployee.objects.create(workshop=Workshop.objects.get(name="甲一车间"), name="壬",
                                    id_number=city.g.id_number, hired_on=datetime.date(2023, 1, 1))
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_poverty_jobs"] == 1
    assert employees_link_members(employees=WorkshopEmployee.objects.all()) == 1
    assert _figures(users, WORKSHOP_KEYS)["employment.workshop_poverty_jobs"] == 2  # 壬 of 脱贫户 H6


def test_a_workshop_closed_or_moved_shows_at_once(city, users, geo):
    from assistance.models import Workshop

    county = _figures(users, WORKSHOP_KEYS, area=_area("140829"))
    assert county["employment.workshops"] == 1
    workshop = Workshop.objects.get(name="甲一车间")
    workshop.village = geo.bing1  # moved to 夏县
    workshop.save()
    assert _figures(users, WORKSHOP_KEYS, area=_area("140829"))["employment.workshops"] == 0
    assert _figures(users, WORKSHOP_KEYS, area=_area("140828"))["employment.workshop_jobs"] == 2
    workshop.is_operating, workshop.operating_until = False, datetime.date(2023, 6, 30)
    workshop.save()
    assert _figures(users, WORKSHOP_KEYS) == {"employment.workshops": 0, "employment.workshop_jobs": 0,
                                             "employment.workshop_poverty_jobs": 0}


def test_income_and_measures_entered_show_in_the_progress_at_once(city, users):
    from monitoring.models import AssistanceMeasure

    assert _figures(users, PROGRESS_KEYS) == {"completeness.income_missing": 0, "completeness.measures_missing": 0,
                                              "completeness.income_pct": Decimal("100.00")}
    city.h6.incomes.get(year=2023).delete()
    assert _figures(users, PROGRESS_KEYS)["completeness.income_missing"] == 1
    AssistanceMeasure.objects.get(household=city.h6).delete()
    figures = _figures(users, PROGRESS_KEYS)
    assert figures["completeness.measures_missing"] == 1
    assert figures["completeness.income_pct"] == Decimal("75.00")


def _area(code):
    from villages.selectors import area_get

    return area_get(code=code)


def test_a_household_save_that_changes_no_figure_keeps_every_summary(city, users):
    """Most edits of a household (its 自然村, phone, address) change no figure: its summaries stay (the load
    run's edits each made the next reader rebuild about 14 villages × 3 quarters, 1.6 s under load)."""
    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])
    built = dict(VillageSummary.objects.values_list("id", "computed_at"))
    city.h1.natural_village, city.h1.phone, city.h1.address = "东坡", "13800000000", "甲一村东街"
    city.h1.save()
    assert dict(VillageSummary.objects.values_list("id", "computed_at")) == built
    city.h1.is_relocated = True  # a column the figures read: 甲一村's summaries go
    city.h1.save()
    assert not VillageSummary.objects.filter(village_id="140829100200").exists()


def test_the_summaries_read_only_the_household_columns_they_declare(city):
    """``HOUSEHOLD_COLUMNS`` decides which household saves forget summaries: every household column the build
    reads must be in it (read off the build's SQL, subqueries' aliases included)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.village_summaries import HOUSEHOLD_COLUMNS, summaries_build
    from monitoring.models import Household

    household_columns = {field.column for field in Household._meta.concrete_fields}
    read = set()
    for codes in (None, ["140829100200", "140828100200"]):  # a whole build and one of a few villages
        with CaptureQueriesContext(connection) as queries:
            summaries_build(period=Period(2023, 3), village_codes=codes)
        for query in queries.captured_queries:
            sql = query["sql"]
            aliases = [re.escape('"monitoring_household"')] + [
                rf"\b{alias}" for alias in re.findall(r'"monitoring_household" (U\d+)', sql)]
            for alias in aliases:
                read |= set(re.findall(alias + r'\."(\w+)"', sql)) & household_columns
    assert "is_relocated" in read  # the reading works
    assert read - {"id"} <= set(HOUSEHOLD_COLUMNS)


def test_a_household_save_forgets_its_peoples_workshops_only_when_whether_they_count_changes(city, users):
    """A workshop in 丙一村 employs F of 甲二村's H3 (脱贫户). Changing H3's 易地搬迁户 changes 甲二村's figures
    only; changing whether H3 is a 脱贫户 changes whether F counts among the workshop's 脱贫户 / 监测户
    employees, so 丙一村's summaries go too (each save rebuilt every such village: 14 for a household of
    the full-scale demo)."""
    from assistance.models import Workshop, WorkshopEmployee

    shop = Workshop.objects.create(village_id="140828100200", name="丙一二车间",
                                   operating_since=datetime.date(2022, 1, 1))
    WorkshopEmployee.objects.create(workshop=shop, name="F", member=city.h3.members.get(),
                                    hired_on=datetime.date(2023, 1, 1))
    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])
    city.h3.is_relocated = False
    city.h3.save()
    assert not VillageSummary.objects.filter(village_id="140829100201").exists()
    assert VillageSummary.objects.filter(village_id="140828100200").exists()
    metric_values(user=users.city_leader, area=None, year=2023, quarter=3, keys=["monitoring.households"])
    city.h3.is_poverty_alleviated = False
    city.h3.save()
    assert not VillageSummary.objects.filter(village_id__in=["140829100201", "140828100200"]).exists()
