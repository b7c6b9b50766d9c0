"""录入进度: completeness shares against the hand-built period, drill-down to what is missing, scoping."""
import re
from decimal import Decimal

from dashboard.catalogue import metric_records, metric_values
from villages.selectors import area_get

from .conftest import MISSING_WEEK, QUARTER, YEAR


def _values(user, code):
    return metric_values(user=user, area=area_get(code=code), year=YEAR, quarter=QUARTER,
                         keys=[k for k in ("completeness.income_pct", "completeness.income_missing",
                                           "completeness.measures_pct", "completeness.attendance_pct",
                                           "completeness.attendance_missing", "completeness.issue_updates_pct",
                                           "completeness.issue_updates_missing")])


def test_village_with_three_of_four_incomes_entered_shows_75_percent_and_lists_the_fourth(period, users):
    values = _values(users.city_leader, "140829100200")
    assert values["completeness.income_pct"] == Decimal("75.00")
    assert values["completeness.income_missing"] == 1
    missing = metric_records(user=users.city_leader, key="completeness.income_missing",
                             area=area_get(code="140829100200"), year=YEAR, quarter=QUARTER)
    assert [h.code for h in missing] == ["P4"]


def test_township_share_counts_every_village_of_it(period, users):
    assert _values(users.jia_clerk, "140829100")["completeness.income_pct"] == Decimal("80.00")  # 4 of 5


def test_entering_the_missing_income_completes_the_village(period, users, enter_income):
    enter_income(period.households["P4"])
    values = _values(users.city_leader, "140829100200")
    assert values["completeness.income_pct"] == Decimal("100.00")
    assert values["completeness.income_missing"] == 0


def test_team_with_one_unfilled_week_is_listed_as_incomplete(period, users):
    from resident_teams.models import AttendanceWeek

    values = _values(users.city_leader, "140829")
    assert values["completeness.attendance_pct"] == Decimal("0.00")
    assert values["completeness.attendance_missing"] == 1
    teams = metric_records(user=users.city_leader, key="completeness.attendance_missing",
                           area=area_get(code="140829"), year=YEAR, quarter=QUARTER)
    assert [t.code for t in teams] == ["T1"]
    AttendanceWeek.objects.create(member=period.secretary, week_start=MISSING_WEEK, days_on_station=5,
                                  nights_on_station=4)
    assert _values(users.city_leader, "140829")["completeness.attendance_pct"] == Decimal("100.00")


def test_overdue_issue_without_an_update_after_its_deadline_is_listed(period, users):
    values = _values(users.city_leader, "140829")
    assert values["completeness.issue_updates_pct"] == Decimal("50.00")
    assert values["completeness.issue_updates_missing"] == 1
    issues = metric_records(user=users.city_leader, key="completeness.issue_updates_missing",
                            area=area_get(code="140829"), year=YEAR, quarter=QUARTER)
    assert [i.number for i in issues] == ["YC-2023-0102"]


def test_progress_page_drills_from_county_to_townships_with_links_to_the_missing(period, users, client_for):
    response = client_for(users.pinglu_leader).get("/review/progress/", {"year": YEAR, "quarter": QUARTER,
                                                                          "area": "140829"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "甲镇" in html and "乙镇" in html
    assert "/review/progress/?year=2023&amp;quarter=3&amp;area=140829100" in html
    assert "/dashboard/records/completeness.income_missing/?year=2023&amp;quarter=3&amp;area=140829100" in html


def test_village_progress_page_shows_75_percent(period, users, client_for):
    response = client_for(users.jia1_officer).get("/review/progress/", {"year": YEAR, "quarter": QUARTER,
                                                                         "area": "140829100200"})
    assert response.status_code == 200
    assert 'data-testid="figure-completeness.income_pct">75.00<' in response.content.decode()


def test_missing_records_page_lists_the_household_without_income(period, users, client_for):
    response = client_for(users.jia1_officer).get("/dashboard/records/completeness.income_missing/",
                                                  {"year": YEAR, "quarter": QUARTER, "area": "140829100200"})
    html = response.content.decode()
    assert response.status_code == 200
    # P1 as a cell of its own, not inside a random token (CSRF, CSP nonce) of the page
    cells = set(re.findall(r">\s*([^<>]*?)\s*<", html))
    assert "P4" in cells and "P1" not in cells


def test_village_officer_cannot_see_progress_of_another_village(period, users, client_for):
    response = client_for(users.jia1_officer).get("/review/progress/", {"year": YEAR, "quarter": QUARTER,
                                                                         "area": "140829100201"})
    assert response.status_code == 403


def test_progress_page_runs_a_fixed_number_of_queries(period, users, client_for, django_assert_num_queries):
    client = client_for(users.pinglu_leader)
    params = {"year": YEAR, "quarter": QUARTER, "area": "140829"}
    client.get("/review/progress/", params)  # the first read builds the village summaries of the period
    # session, user (with profile), the county's name; the county's completeness: the village summaries
    # (which are stale, their households' income and measures), attendance, issue updates; its townships;
    # the same four grouped by township; the user's and the groups' permissions (whether to offer 冻结)
    with django_assert_num_queries(14):
        assert client.get("/review/progress/", params).status_code == 200
