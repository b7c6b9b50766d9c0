"""A township clerk searches the 监测对象 list by a person's ID number: the household is found, and the
number appears neither in the address bar nor in any link of the result page."""

from playwright.sync_api import expect

from monitoring.models import Member
from tests.monitoring.conftest import family  # noqa: F401 — the household of 甲一村


def test_clerk_finds_a_household_by_id_number_without_the_number_in_the_address(
    page, login, live_server, users, family  # noqa: F811
):
    number = Member.objects.get(household=family, name="王大山").id_number
    login(page, "jia_clerk")
    page.goto(f"{live_server.url}/monitoring/?type=all")
    page.fill("#id_q", number)
    page.locator("form.filter-form button[type=submit]").click()
    page.wait_for_url("**/monitoring/?_s=*", timeout=30_000)
    assert number not in page.url
    expect(page.get_by_text("1408291002000001")).to_be_visible()
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert [href for href in hrefs if number in href] == []
    assert page.console_errors == []
