"""A county reviewer hands an issue to a unit, the unit reports it rectified with evidence, the reviewer closes it."""

import datetime

from playwright.sync_api import expect

from rectification.models import Issue, IssueStatus
from tests.rectification.factories import CategoryFactory, IssueFactory, ResponsibleUnitFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reviewer_assigns_unit_rectifies_with_evidence_and_reviewer_closes(
    page, login, live_server, users, geo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    unit = ResponsibleUnitFactory(name="平陆县乡村振兴局", county_id="140829", users=[users.unit_user])
    issue = IssueFactory(
        number="YC-2023-0042", category=CategoryFactory(aspect__name="驻村帮扶", name="驻村帮扶有短板"),
        village=geo.jia1, description="甲一村驻村工作队员不落实五天四夜要求",
        found_date=datetime.date.today() - datetime.timedelta(days=10),
        deadline=datetime.date.today() + datetime.timedelta(days=20),
    )
    issue_url = f"{live_server.url}/rectification/issues/{issue.pk}/"

    # The county reviewer finds the issue in the ledger and hands it to the county's unit.
    login(page, "pinglu_reviewer")
    page.goto(f"{live_server.url}/rectification/")
    page.get_by_role("link", name="YC-2023-0042").click()
    expect(page.get_by_test_id("issue-status")).to_have_text("待整改")
    assign = page.get_by_test_id("assign-form")
    assign.get_by_label("责任单位").select_option(label="平陆县乡村振兴局")
    assign.get_by_label("责任人").fill("王主任")
    assign.get_by_role("button", name="交办").click()
    expect(page.get_by_role("alert")).to_contain_text("已交办至平陆县乡村振兴局")
    expect(page.get_by_test_id("issue-unit")).to_contain_text("平陆县乡村振兴局")
    page.get_by_role("button", name="退出").click()

    # The unit starts, uploads its evidence and reports the issue rectified.
    login(page, "unit_user")
    page.goto(issue_url)
    page.get_by_role("button", name="开始整改").click()
    expect(page.get_by_test_id("issue-status")).to_have_text("整改中")
    page.get_by_test_id("evidence-form").locator("input[type=file]").set_input_files(
        {"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("evidence-list")).to_contain_text("整改报告.pdf")
    rectify = page.get_by_test_id("rectify-form")
    rectify.get_by_label("整改措施").fill("约谈派出单位，建立驻村考勤日报制度")
    rectify.get_by_role("button", name="报告整改完成").click()
    expect(page.get_by_test_id("issue-status")).to_have_text("已整改待核验")
    expect(page.get_by_test_id("verify-form")).to_have_count(0)
    page.get_by_role("button", name="退出").click()

    # The reviewer checks the evidence and closes the issue.
    login(page, "pinglu_reviewer")
    page.goto(issue_url)
    expect(page.get_by_test_id("evidence-list")).to_contain_text("整改报告.pdf")
    page.get_by_test_id("verify-form").get_by_label("核验意见").fill("核验属实")
    page.get_by_role("button", name="核验销号").click()
    expect(page.get_by_test_id("issue-status")).to_have_text("已销号")
    expect(page.get_by_test_id("timeline")).to_contain_text("核验销号")
    assert page.console_errors == []

    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert list(issue.transitions.values_list("action", flat=True)) == ["assign", "start", "rectify", "verify"]
    assert Issue.objects.get(pk=issue.pk).evidence.get().uploaded_by == users.unit_user
