from playwright.sync_api import expect

from tests.dashboard.conftest import city, ledger, registry, resources, teams  # noqa: F401 — the hand-built city


def _wait_for_charts(page, count):
    # A locator, not wait_for_function: the page's CSP forbids the eval that a string predicate needs.
    expect(page.locator('canvas[data-drawn="true"]')).to_have_count(count, timeout=60_000)


def test_city_leader_sees_the_charts_and_clicks_pinglu_in_the_county_chart(page, login, live_server, users,
                                                                           city):  # noqa: F811
    login(page, "city_leader")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("运城市 · 首页")
    expect(page.get_by_test_id("kpi-monitoring.households")).to_have_text("3")
    _wait_for_charts(page, 8)
    assert page.locator("canvas").count() == 8

    # Click 平陆县's bar in the households-by-county chart.
    canvas = page.get_by_test_id("chart-monitoring-by-area")
    point = canvas.evaluate("""c => {
        const i = c.chart.data.labels.indexOf('平陆县');
        const bar = c.chart.getDatasetMeta(0).data[i];
        return {x: bar.x, y: (bar.y + bar.base) / 2};
    }""")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url("**area=140829**")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("平陆县 · 首页")
    expect(page.get_by_test_id("kpi-monitoring.households")).to_have_text("2")
    _wait_for_charts(page, 8)
    assert page.console_errors == []


def test_county_leader_opens_pinglu_from_the_table_and_sees_only_pinglu(page, login, live_server, users,
                                                                        city):  # noqa: F811
    login(page, "pinglu_leader")
    expect(page.get_by_test_id("dashboard-title")).to_have_text("平陆县 · 首页")
    _wait_for_charts(page, 8)
    page.get_by_test_id("comparison-table").get_by_role("link", name="甲镇").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("甲镇 · 首页")
    expect(page.get_by_test_id("dashboard-breadcrumb")).not_to_contain_text("运城市")
    page.get_by_test_id("dashboard-breadcrumb").get_by_role("link", name="平陆县").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("平陆县 · 首页")
    # the city is not on offer, and asking for it is refused
    assert page.locator("#pick-area option[value='140800']").count() == 0
    response = page.goto(f"{live_server.url}/?area=140800")
    assert response.status == 403
    assert [e for e in page.console_errors if "403" not in e] == []
