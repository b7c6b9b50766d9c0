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
    city.h6.monitoring_records.update(category="marginal")  # bulk: no signal …
    city.h6.save()  # … but the household's own save forgets 丙一村
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
