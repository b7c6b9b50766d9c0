"""The platform as its users meet it, in a real browser: menus without 403, honest empty periods, phones,
the admin at 1,440 px, the city's data-quality job."""

import datetime

import pytest
from playwright.sync_api import expect

from yuncheng.idcard import make_id_number

from tests.dashboard.conftest import city, ledger, registry, resources, teams  # noqa: F401 — the hand-built city

ROLES = ["city_admin", "city_leader", "pinglu_leader", "pinglu_reviewer", "jia_clerk", "jia1_officer",
         "team_user", "unit_user"]


def signed_in(browser, live_server, username, width=1366):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    return context, page


def test_every_role_opens_every_entry_of_its_menu(browser, live_server, reference_data, users):
    answers = {}
    for username in ROLES:
        context, page = signed_in(browser, live_server, username)
        # The menu is the point here, not the charts: their data requests would queue on the one-request
        # live server in front of the next page.
        page.route("**/dashboard/charts/**", lambda route: route.abort())
        links = page.locator("[data-testid=main-menu] a")
        entries = [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]
        assert entries, username
        for label, href in entries:
            response = page.goto(f"{live_server.url}{href}", wait_until="domcontentloaded")
            answers[(username, label)] = response.status
        context.close()
    assert {key: status for key, status in answers.items() if status != 200} == {}
    # The city administrator's own pages are in their menu (and nobody else's).
    assert {label for (username, label) in answers if label in ("账号锁定", "操作审计")} == {"账号锁定", "操作审计"}
    assert {username for (username, label) in answers if label in ("账号锁定", "操作审计")} == {"city_admin"}


def test_an_empty_period_shows_dashes_and_no_red_fall(page, login, live_server, users, city):  # noqa: F811
    login(page, "city_leader")
    page.goto(f"{live_server.url}/?year=2024&quarter=1")
    expect(page.get_by_test_id("no-data")).to_contain_text("2024年第1季度暂无收入和就业数据")
    expect(page.get_by_test_id("kpi-income.per_capita")).to_have_text("—")
    expect(page.get_by_test_id("kpi-employment.migrant_workers")).to_have_text("—")
    assert page.locator("[data-testid=kpi-cards] .text-danger").count() == 0
    assert "-100" not in page.get_by_test_id("kpi-cards").inner_text()


def test_village_officer_pages_fit_a_390_px_phone(browser, live_server, reference_data, users, geo):
    from monitoring import services

    household = services.household_create(user=users.jia1_officer, code="1408291002000001", village=geo.jia1,
                                          head_name="王大山", is_poverty_alleviated=True)
    services.member_add(user=users.jia1_officer, household=household, name="王大山", relation="head",
                        id_number=make_id_number("140829", datetime.date(1975, 3, 9), 11, male=True))
    context, page = signed_in(browser, live_server, "jia1_officer", width=390)
    widths = {}
    for path in ["/", "/monitoring/?type=all", f"/monitoring/households/{household.code}/", "/monitoring/worklist/",
                 "/areas/"]:
        page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    # The menu button is on screen and opens the menu.
    toggler = page.locator(".navbar-toggler")
    box = toggler.bounding_box()
    assert box["x"] + box["width"] <= 390
    toggler.click()
    expect(page.get_by_test_id("main-menu")).to_be_visible()
    context.close()
    assert widths == {path: 390 for path in widths}


def test_admin_household_form_fits_1440_px(browser, live_server, reference_data, users):
    context, page = signed_in(browser, live_server, "jia_clerk", width=1440)
    page.goto(f"{live_server.url}/admin/monitoring/household/add/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") == 1440
    expect(page.get_by_test_id("admin-crumb-app")).to_have_attribute("href", "/")
    header = page.locator("#header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(140, 29, 24)"  # the platform's red
    # The member inline is usable, not only squeezed: no sideways scrolling inside its own box either, and
    # the name and the ID number can be read whole where they are typed.
    inline = page.locator("#members-group .tabular")
    assert inline.evaluate("e => e.scrollWidth <= e.clientWidth")
    id_box = page.locator("#id_members-0-id_number").bounding_box()
    assert id_box["width"] >= 150  # 18 digits
    headers = page.locator("#members-group thead th").all_inner_texts()
    assert [h.strip() for h in headers if h.strip()][:3] == ["姓名", "身份证号", "与户主关系"]
    context.close()


@pytest.fixture
def worker_later(settings, monkeypatch):
    """django-q2 jobs are queued, and run when the test says (a worker picking them up)."""
    import django_q.tasks

    queued = []
    monkeypatch.setattr(django_q.tasks, "async_task", lambda *args, **kwargs: queued.append(args))
    return queued


def test_city_data_quality_shows_progress_then_the_result(page, login, live_server, users, worker_later):
    from monitoring.quality import quality_job_run

    login(page, "city_admin")
    page.goto(f"{live_server.url}/monitoring/quality/")
    expect(page.get_by_test_id("quality-progress")).to_be_visible()
    expect(page.get_by_test_id("quality-progress-bar")).to_contain_text("已完成 0 / 7 项")
    quality_job_run(*worker_later[0][1:])
    expect(page.get_by_test_id("quality")).to_be_visible(timeout=15_000)  # the page reloads itself
    expect(page.get_by_test_id("check-size_mismatch").get_by_test_id("count")).to_have_text("0")
    assert page.console_errors == []


def test_printed_dashboard_has_no_menu_filters_or_tabs(page, login, live_server, users, city):  # noqa: F811
    login(page, "city_leader")
    page.goto(f"{live_server.url}/?year=2023&quarter=3")
    expect(page.locator("button[data-print]")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".yc-navbar")).to_be_hidden()
    expect(page.get_by_test_id("period-picker")).to_be_hidden()
    expect(page.locator(".nav-tabs")).to_be_hidden()
    expect(page.get_by_test_id("kpi-cards")).to_be_visible()
    assert page.locator(".yc-chart").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
