from playwright.sync_api import expect


def test_county_reviewer_logs_in_and_sees_pinglu_county_page_in_chinese(page, login, live_server, users, geo):
    login(page, "pinglu_reviewer")
    expect(page.get_by_test_id("current-user")).to_contain_text("县级审核员")
    expect(page.get_by_test_id("current-user")).to_contain_text("平陆县")

    page.goto(f"{live_server.url}/areas/county/140829/")
    expect(page.locator("h1")).to_contain_text("平陆县")
    expect(page.locator(".breadcrumb")).to_contain_text("运城市")
    expect(page.get_by_test_id("village-count")).to_have_text("3")
    expect(page.get_by_role("link", name="甲镇").first).to_be_visible()
    assert page.console_errors == []


def test_reviewer_cannot_open_another_county_page(page, login, live_server, users, geo):
    login(page, "pinglu_reviewer")
    response = page.goto(f"{live_server.url}/areas/county/140828/")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("页面不存在")
