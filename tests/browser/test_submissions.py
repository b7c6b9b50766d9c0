from playwright.sync_api import expect

from tests.submissions.conftest import _media, competition, period  # noqa: F401 — hand-built 2023 Q3 of 平陆


def test_county_reviewer_freezes_the_period_changes_a_household_and_sees_the_difference(
        page, login, live_server, users, period):  # noqa: F811
    login(page, "pinglu_reviewer")
    page.goto(f"{live_server.url}/review/progress/?year=2023&quarter=3&area=140829")
    expect(page.get_by_test_id("progress-title")).to_have_text("平陆县 · 录入进度")
    page.get_by_test_id("freeze-link").click()
    expect(page.get_by_test_id("incomplete-areas")).to_contain_text("甲镇")
    page.get_by_label("我已知悉上述区域录入未完成").check()
    page.get_by_test_id("freeze-submit").click()
    expect(page.get_by_test_id("submission-title")).to_have_text("平陆县 · 2023年第3季度 报送")
    expect(page.locator('tr[data-changed="1"]')).to_have_count(0)

    # P4 is found not to be a 脱贫户 after all: it leaves the households whose income is missing.
    household = period.households["P4"]
    household.is_poverty_alleviated = False
    household.save()

    page.get_by_role("link", name="甲镇").click()
    page.get_by_role("link", name="甲一村").click()
    expect(page.get_by_test_id("submission-title")).to_have_text("甲一村 · 2023年第3季度 报送")
    row = page.locator('tr[data-metric="completeness.income_missing"]')
    expect(row).to_have_attribute("data-changed", "1")
    expect(row.get_by_test_id("left")).to_have_text("已移出 1：P4 户主P4")
    expect(page.locator('tr[data-metric="completeness.income_pct"] td').nth(2)).to_have_text("75.00")
    expect(page.locator('tr[data-metric="completeness.income_pct"] td').nth(3)).to_have_text("100.00")
    assert page.console_errors == []


def test_city_leader_sees_the_scoreboard_chart_drawn_from_the_page_data(page, login, live_server, users,
                                                                        competition):  # noqa: F811
    login(page, "city_leader")
    page.goto(f"{live_server.url}/review/competition/")
    expect(page.get_by_test_id("scoreboard-title")).to_have_text("2023年度大比拼")
    expect(page.get_by_test_id("scoreboard-chart-county")).to_have_attribute("data-drawn", "true")
    labels = page.get_by_test_id("scoreboard-chart-county").evaluate("c => c.chart.data.labels")
    assert labels == ["平陆县", "夏县", "盐湖区", "芮城县"]
    assert page.console_errors == []
