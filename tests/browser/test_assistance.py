from playwright.sync_api import expect

from tests.assistance.factories import (
    HouseholdFactory,
    MemberFactory,
    WorkshopEmployeeFactory,
    WorkshopFactory,
)


def test_county_leader_opens_workshops_and_sees_poverty_labour_of_own_county_only(page, login, live_server, users,
                                                                                 geo):
    workshop = WorkshopFactory(village=geo.jia1, name="甲一村服装帮扶车间")
    poor = MemberFactory(household=HouseholdFactory(village=geo.jia1, is_poverty_alleviated=True))
    WorkshopEmployeeFactory(workshop=workshop, member=poor)
    WorkshopEmployeeFactory(workshop=workshop, name="外村工人")
    WorkshopFactory(village=geo.bing1, name="丙一村食品帮扶车间")

    login(page, "pinglu_leader")
    page.goto(f"{live_server.url}/assistance/")
    page.get_by_role("link", name="帮扶车间").first.click()

    expect(page.locator("h1")).to_contain_text("帮扶车间")
    row = page.locator("tr", has_text="甲一村服装帮扶车间")
    expect(row).to_contain_text("平陆县")
    expect(row.locator("td.text-end")).to_have_text(["2", "1"])
    expect(page.get_by_text("丙一村食品帮扶车间")).to_have_count(0)
    assert page.console_errors == []
