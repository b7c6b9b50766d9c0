"""A village officer enters a household with two members and an income record in the admin, submits its
identification from the household page; the township clerk and the county reviewer approve it from their
worklists; the household then appears in the 监测对象 list."""

import datetime

from playwright.sync_api import expect

from monitoring.models import Household
from yuncheng.idcard import make_id_number

HEAD_ID = make_id_number("140829", datetime.date(1972, 4, 18), 11, male=True)
SPOUSE_ID = make_id_number("140829", datetime.date(1975, 9, 2), 12, male=False)


def test_officer_enters_and_submits_a_household_that_the_county_approves_into_the_list(
    page, login, live_server, users, geo
):
    login(page, "jia1_officer")
    page.goto(f"{live_server.url}/admin/monitoring/household/add/")
    page.fill("#id_code", "1408291002000077")
    page.fill("#id_head_name", "刘长河")
    page.check("#id_is_poverty_alleviated")

    page.locator("#members-group").get_by_text("添加另一个").click()
    page.locator("#members-group").get_by_text("添加另一个").click()
    page.fill("#id_members-0-name", "刘长河")
    page.fill("#id_members-0-id_number", HEAD_ID)
    page.select_option("#id_members-0-relation", "head")
    page.fill("#id_members-1-name", "陈秀兰")
    page.fill("#id_members-1-id_number", SPOUSE_ID)
    page.select_option("#id_members-1-relation", "spouse")

    page.locator("#incomes-group").get_by_text("添加另一个").click()
    page.fill("#id_incomes-0-year", "2023")
    page.fill("#id_incomes-0-quarter", "3")
    page.fill("#id_incomes-0-wage_income", "5000")
    page.fill("#id_incomes-0-transfer_income", "1200")

    page.locator("#monitoring_records-group").get_by_text("添加另一个").click()
    page.select_option("#id_monitoring_records-0-category", "marginal")
    page.select_option("#id_monitoring_records-0-channel", "self_apply")
    page.fill("#id_monitoring_records-0-identified_month", "2023-09-01")
    page.select_option("#id_monitoring_records-0-risk_types", ["illness"])
    page.fill("#id_monitoring_records-0-notice_start", "2023-09-04")
    page.fill("#id_monitoring_records-0-notice_end", "2023-09-10")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("成功")

    household = Household.objects.get(code="1408291002000077")
    assert household.village_id == geo.jia1.code  # filled in for the village officer
    assert household.size == 2
    assert household.incomes.get().per_capita_income == 3100

    page.console_errors.clear()  # Django's admin pages ask for a /favicon.ico the project does not serve
    page.goto(f"{live_server.url}/monitoring/households/1408291002000077/")
    expect(page.get_by_test_id("household-size")).to_have_text("2")
    page.get_by_test_id("submit-record").click()
    expect(page.get_by_test_id("record-state")).to_have_text("待乡镇审核")

    for username, button in (("jia_clerk", "乡镇审核通过"), ("pinglu_reviewer", "县级审定通过")):
        page.context.clear_cookies()
        login(page, username)
        page.goto(f"{live_server.url}/monitoring/worklist/")
        row = page.get_by_test_id("work-1408291002000077")
        row.get_by_role("button", name=button).click()
        expect(page.locator(".alert-success")).to_contain_text("审核通过")

    page.goto(f"{live_server.url}/monitoring/")
    table = page.get_by_test_id("household-table")
    expect(table).to_contain_text("1408291002000077")
    expect(table).to_contain_text("刘长河")
    expect(table).to_contain_text("风险未消除")
    assert page.console_errors == []


def test_the_clerk_who_submitted_a_record_cannot_approve_it_and_a_colleague_does(page, login, live_server, users, geo,
                                                                                 make_user):
    from accounts.roles import Role
    from monitoring import services
    from monitoring.models import MonitoringRecord, ReviewStatus

    officer = users.jia1_officer
    household = services.household_create(user=officer, code="1408291002000078", village=geo.jia1, head_name="赵秋生")
    services.member_add(user=officer, household=household, name="赵秋生", relation="head", id_number=HEAD_ID)
    record = services.monitoring_create(
        user=officer, household=household, category="marginal", risk_types=["illness"], channel="cadre",
        identified_month=datetime.date(2023, 9, 1), notice_start=datetime.date(2023, 9, 4),
        notice_end=datetime.date(2023, 9, 10))
    make_user("jia_clerk2", Role.TOWNSHIP_CLERK, geo.jia.code)

    login(page, "jia_clerk")  # the clerk submits for the village…
    page.goto(f"{live_server.url}/monitoring/households/1408291002000078/")
    page.get_by_test_id("submit-record").click()
    expect(page.get_by_test_id("record-state")).to_have_text("待乡镇审核")
    page.goto(f"{live_server.url}/monitoring/worklist/")  # …and may not approve his own submission
    page.get_by_test_id("work-1408291002000078").get_by_role("button", name="乡镇审核通过").click()
    expect(page.locator(".alert-danger")).to_contain_text("不能审核本人提交的记录")
    assert MonitoringRecord.objects.get(pk=record.pk).status == ReviewStatus.SUBMITTED

    page.context.clear_cookies()
    login(page, "jia_clerk2")  # a colleague of the township approves it
    page.goto(f"{live_server.url}/monitoring/worklist/")
    page.get_by_test_id("work-1408291002000078").get_by_role("button", name="乡镇审核通过").click()
    expect(page.locator(".alert-success")).to_contain_text("审核通过")
    assert MonitoringRecord.objects.get(pk=record.pk).status == ReviewStatus.TOWNSHIP_APPROVED
    assert page.console_errors == []
