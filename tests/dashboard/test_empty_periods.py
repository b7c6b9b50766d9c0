"""A period without records is "no data" (—), not a collapse to 0; money is written as Chinese tables write it."""

import re
from decimal import Decimal

import pytest

from dashboard.catalogue import METRICS
from dashboard.formatting import format_change, format_figure


def _kpi(html, key):
    match = re.search(rf'data-testid="kpi-{re.escape(key)}">([^<]+)<', html)
    return match.group(1) if match else None


def test_quarter_without_records_shows_dashes_and_says_there_is_no_data(city, users, client_for):
    html = client_for(users.city_leader).get("/", {"year": 2024, "quarter": 1}).content.decode()
    assert _kpi(html, "income.per_capita") == "—"
    assert _kpi(html, "employment.migrant_workers") == "—"
    assert _kpi(html, "employment.migrant_completion_pct") == "—"
    assert 'data-testid="no-data"' in html
    assert "2024年第1季度暂无收入和就业数据" in html
    assert "-100.00%" not in html and "上年同期为 0" not in html
    # Cumulative registers are still true at that date: the monitored households stay (one identified later).
    assert _kpi(html, "monitoring.households") == "4"


def test_quarter_with_records_has_no_no_data_notice(city, users, client_for):
    html = client_for(users.city_leader).get("/", {"year": 2023, "quarter": 3}).content.decode()
    assert 'data-testid="no-data"' not in html
    assert _kpi(html, "income.per_capita") == "9,375.00"


def test_growth_is_not_shown_when_the_year_before_has_no_records(city, users, client_for):
    html = client_for(users.city_leader).get("/", {"year": 2022, "quarter": 3}).content.decode()
    assert _kpi(html, "income.per_capita_growth_pct") == "—"
    assert 'data-testid="change-income.per_capita"' not in html


def test_village_without_issues_has_no_completion_rate(city, users, client_for):
    html = client_for(users.pinglu_leader).get(
        "/", {"year": 2023, "quarter": 3, "area": "140829101200"}).content.decode()
    assert _kpi(html, "issues.total") == "0"
    assert _kpi(html, "issues.rectified_pct") == "—"


def test_period_picker_offers_the_years_with_data_and_marks_the_latest(city, users, client_for):
    html = client_for(users.city_leader).get("/", {"year": 2023, "quarter": 3}).content.decode()
    picker = html[html.index('id="pick-year"'):html.index('id="pick-quarter"')]
    assert re.findall(r'<option value="(\d+)"', picker) == ["2023", "2022"]
    assert "2023年（最新）" in picker
    quarters = html[html.index('id="pick-quarter"'):]
    assert "第3季度（最新）" in quarters and "第4季度（无数据）" in quarters


def test_money_on_the_income_page_is_in_wan_yuan_with_the_exact_yuan_as_tooltip(city, users, client_for):
    html = client_for(users.city_leader).get("/dashboard/income/", {"year": 2023, "quarter": 3}).content.decode()
    assert re.search(r'title="12,345.67 元" data-testid="kpi-employment.pv_income">1.23<', html)
    assert 'data-testid="unit-employment.pv_income">万元<' in html


@pytest.mark.parametrize("value, text, unit", [
    (Decimal("920000000"), "9.20", "亿元"),
    (Decimal("1000000"), "100.00", "万元"),
    (Decimal("9500"), "9,500.00", "元"),
    (None, "—", "元"),
])
def test_sums_of_money_are_written_in_yuan_wan_or_yi_by_size(value, text, unit):
    figure = format_figure(METRICS["funds.linkage"], value)
    assert (figure["text"], figure["unit"]) == (text, unit)


def test_per_capita_income_stays_in_yuan():
    assert format_figure(METRICS["income.per_capita"], Decimal("11755"))["text"] == "11,755.00"


def test_change_from_nothing_is_not_shown():
    assert format_change(Decimal("5"), Decimal("0"), "count") == ("", "")
    assert format_change(Decimal("5"), None, "pct") == ("", "")
    assert format_change(Decimal("12"), Decimal("10"), "count") == ("+20.00%", "text-success")
