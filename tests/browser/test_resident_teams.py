from playwright.sync_api import expect

from tests.resident_teams.conftest import teams  # noqa: F401 — the fixture of two stationed teams
from tests.resident_teams.factories import HouseholdFactory


def test_team_member_records_a_week_and_a_visit_and_sees_the_week_compliant(page, login, live_server, users, geo,
                                                                             teams):  # noqa: F811
    HouseholdFactory(village=geo.jia1, head_name="刘大伯", code="H140829100200001", is_monitored=True)
    login(page, "team_user")
    page.locator("#mainnav").get_by_role("link", name="驻村帮扶").click()
    expect(page.locator("h1")).to_have_text("我的考勤与走访")
    expect(page.get_by_text("ZC-PL-001")).to_be_visible()

    form = page.get_by_test_id("attendance-form")
    form.get_by_label("周（选择该周任一天）").fill("2023-10-25")
    form.get_by_label("在岗天数").fill("5")
    form.get_by_label("驻村夜数").fill("4")
    form.get_by_role("button", name="保存考勤").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存 2023-10-23 起一周的考勤（五天四夜达标）")
    week = page.get_by_test_id("my-weeks").locator("tr[data-week='2023-10-23']")
    expect(week).to_contain_text("达标")
    expect(week.locator(".badge")).to_have_text("达标")

    visit = page.get_by_test_id("visit-form")
    visit.get_by_label("走访农户").select_option(label="刘大伯（H140829100200001）")
    visit.get_by_label("走访日期").fill("2023-10-26")
    visit.get_by_label("走访内容").fill("了解务工收入，宣讲防返贫监测政策")
    visit.get_by_role("button", name="保存走访").click()
    expect(page.get_by_role("alert")).to_contain_text("已保存走访记录")
    expect(page.get_by_test_id("my-visits")).to_contain_text("刘大伯")
    expect(page.get_by_test_id("my-visits")).to_contain_text("了解务工收入")
    assert page.console_errors == []


def test_county_reviewer_sees_the_recorded_week_marked_compliant_on_the_team_page(page, login, live_server, users,
                                                                                 geo, teams):  # noqa: F811
    from resident_teams import services
    from tests.resident_teams.factories import MONDAY

    services.attendance_record(user=users.pinglu_reviewer, member=teams.jia.me, week_start=MONDAY, days_on_station=5,
                               nights_on_station=4)
    services.attendance_record(user=users.pinglu_reviewer, member=teams.jia.other, week_start=MONDAY,
                               days_on_station=5, nights_on_station=3)
    login(page, "pinglu_reviewer")
    page.locator("#mainnav").get_by_role("link", name="驻村帮扶").click()
    expect(page.get_by_test_id("team-count")).to_have_text("1")
    page.get_by_role("link", name="ZC-PL-001").click()
    calendar = page.get_by_test_id("attendance-calendar")
    expect(calendar.locator("td.table-success")).to_have_count(1)
    expect(calendar.locator("td.table-danger")).to_have_count(1)
    expect(calendar.locator("td.table-success")).to_contain_text("5天4夜")
    assert page.console_errors == []
