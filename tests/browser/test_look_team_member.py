"""A resident team member enters attendance and visits from a phone."""

from playwright.sync_api import expect

from tests.browser.test_look import signed_in
from tests.resident_teams.conftest import teams  # noqa: F401 — two stationed teams (team_user in one)


def test_team_member_attendance_and_visit_entry_fits_a_390_px_phone(browser, live_server, reference_data, users,
                                                                   teams):  # noqa: F811
    context, page = signed_in(browser, live_server, "team_user", width=390)
    page.goto(f"{live_server.url}/teams/mine/", wait_until="networkidle")
    expect(page.get_by_test_id("attendance-form")).to_be_visible()
    expect(page.get_by_test_id("visit-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    context.close()
