"""The chart JSON views: numbers from the catalogue, area codes for the click-through, scoping."""

from dashboard.charts import CHARTS


def _chart(client, name, **params):
    return client.get(f"/dashboard/charts/{name}/", {"year": 2023, "quarter": 3, **params})


def test_households_by_county_is_stacked_by_risk_status(city, users, client_for):
    body = _chart(client_for(users.city_leader), "monitoring-by-area").json()
    assert len(body["labels"]) == 13
    i = body["codes"].index("140829")
    assert body["labels"][i] == "平陆县"
    at_risk, eliminated = body["datasets"]
    assert (at_risk["label"], at_risk["data"][i]) == ("风险未消除", 1)
    assert (eliminated["label"], eliminated["data"][i]) == ("风险已消除", 1)


def test_income_chart_carries_money_and_growth_as_numbers(city, users, client_for):
    body = _chart(client_for(users.city_leader), "income-by-area").json()
    i = body["codes"].index("140829")
    assert body["datasets"][0]["data"][i] == 9833.33  # 59,000 / 6
    assert isinstance(body["datasets"][1]["data"][i], float)


def test_issue_status_splits_open_issues_into_overdue_and_not(city, users, client_for):
    body = _chart(client_for(users.city_leader), "issues-by-status").json()
    assert dict(zip(body["labels"], body["datasets"][0]["data"])) == {
        "已整改销号": 1, "整改中（未逾期）": 1, "逾期未整改": 2}


def test_overdue_issues_are_red_in_the_county_chart(city, users, client_for):
    body = _chart(client_for(users.city_leader), "issues-by-area").json()
    overdue = body["datasets"][2]
    assert overdue["label"] == "逾期未整改" and overdue["backgroundColor"] == "#c0392b"
    assert overdue["data"][body["codes"].index("140828")] == 1


def test_county_leader_charts_show_townships_of_their_county_only(city, users, client_for):
    client = client_for(users.pinglu_leader)
    body = _chart(client, "monitoring-by-area").json()
    assert body["labels"] == ["甲镇", "乙镇"]
    assert _chart(client, "monitoring-by-area", area="140800").status_code == 403
    assert _chart(client, "issues-by-status", area="140828").status_code == 403


def test_every_chart_answers_for_the_city(city, users, client_for):
    client = client_for(users.city_leader)
    for name in CHARTS:
        response = _chart(client, name)
        assert response.status_code == 200, name
        body = response.json()
        assert body["title"] and body["labels"] and body["datasets"], name


def test_chart_query_count_does_not_grow_with_counties(city, users, client_for, django_assert_num_queries):
    client = client_for(users.city_leader)
    _chart(client, "issues-by-area")
    # session, user, the county list, the issues grouped by county
    with django_assert_num_queries(4):
        city_chart = _chart(client, "issues-by-area")
    assert (city_chart.status_code, len(city_chart.json()["labels"])) == (200, 13)
    # a county: + its area lookup; the townships instead of the counties
    with django_assert_num_queries(5):
        county_chart = _chart(client, "issues-by-area", area="140829")
    assert (county_chart.status_code, county_chart.json()["codes"]) == (200, ["140829100", "140829101"])


def test_unknown_chart_is_404(users, client_for):
    assert client_for(users.city_leader).get("/dashboard/charts/nope/").status_code == 404


def test_chart_views_are_django_chartjs_views_and_its_old_chartjs_is_never_served(settings):
    from chartjs.views.base import JSONResponseMixin
    from django.contrib.staticfiles import finders

    from dashboard.views import ChartView

    assert issubclass(ChartView, JSONResponseMixin)
    assert "chartjs" not in settings.INSTALLED_APPS
    assert finders.find("js/Chart.min.js") is None  # the package's bundled Chart.js 2
    assert finders.find("vendor/chartjs/chart.umd.min.js") is not None  # Chart.js 4 from npm


def test_a_chart_keeps_its_own_colours_and_options(city, users, client_for):
    body = _chart(client_for(users.city_leader), "issues-by-area").json()

    assert [d["backgroundColor"] for d in body["datasets"]] == ["#27ae60", "#2c6fbb", "#c0392b"]
    assert [d["stack"] for d in body["datasets"]] == ["s", "s", "s"]
    assert body["options"]["scales"]["x"]["stacked"] is True
    assert set(body) == {"title", "type", "labels", "codes", "datasets", "options"}
