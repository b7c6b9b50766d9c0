"""A village officer works through two department warnings: one dismissed after the visit, the other
turned into an identification (channel 部门筛查预警) that lands on the household's page."""

import datetime

from playwright.sync_api import expect

from monitoring import services as monitoring_services
from monitoring.models import IdentificationChannel, MonitoringRecord, Relation
from screening.models import ScreeningWarning, WarningStatus
from tests.screening.conftest import import_rows, warning_row
from yuncheng.idcard import make_id_number


def test_officer_dismisses_one_warning_and_turns_another_into_an_identification(page, login, live_server, users,
                                                                                 geo, tmp_path):
    admin = users.city_admin
    people = []
    for n, (code, head) in enumerate((("1408291002000101", "王大山"), ("1408291002000102", "李小河")), 1):
        household = monitoring_services.household_create(user=admin, code=code, village=geo.jia1, head_name=head,
                                                         is_poverty_alleviated=True)
        id_number = make_id_number("140829", datetime.date(1970 + n, 3, 9), 30 + n, male=True)
        monitoring_services.member_add(user=admin, household=household, name=head, id_number=id_number,
                                       relation=Relation.HEAD)
        people.append((household, head, id_number))
    result = import_rows(tmp_path, admin, [warning_row(id_number, name=head, department="市残联")
                                           for _, head, id_number in people])
    assert result.written
    (first, first_head, _), (second, second_head, _) = people

    login(page, "jia1_officer")
    page.get_by_role("link", name="筛查预警").click()
    expect(page.get_by_test_id("warning-count")).to_have_text("共 2 条")

    # The first household: the visit found no risk.
    page.get_by_role("link", name=first.code).click()
    expect(page.get_by_test_id("warning-status")).to_have_text("待核实")
    dismiss = page.get_by_test_id("dismiss-form")
    dismiss.get_by_label("排除理由").fill("入户核实：残疾等级轻微，家庭收入稳定")
    dismiss.get_by_role("button", name="核实排除").click()
    expect(page.get_by_role("alert")).to_contain_text("已核实排除")
    expect(page.get_by_test_id("warning-status")).to_have_text("核实排除")

    # The second household: the visit confirmed the risk; identification starts from the warning.
    page.get_by_role("link", name="部门筛查预警").click()
    expect(page.get_by_test_id("warning-count")).to_have_text("共 1 条")
    page.get_by_role("link", name=second.code).click()
    identify = page.get_by_test_id("identify-form")
    identify.get_by_label("监测对象类别").select_option(label="突发严重困难户")
    identify.get_by_label("因残").check()
    identify.get_by_label("识别年月").fill("2023-06")
    identify.get_by_role("button", name="纳入监测识别").click()
    expect(page.get_by_role("alert")).to_contain_text("已纳入监测识别")
    expect(page).to_have_url(f"{live_server.url}/monitoring/households/{second.code}/")

    assert dict(ScreeningWarning.objects.values_list("household__code", "status")) == {
        first.code: WarningStatus.DISMISSED, second.code: WarningStatus.IDENTIFIED}
    record = MonitoringRecord.objects.get(household=second)
    assert (record.channel, record.identified_month, record.author) == (
        IdentificationChannel.DEPARTMENT, datetime.date(2023, 6, 1), users.jia1_officer)
    assert not MonitoringRecord.objects.filter(household=first).exists()
    assert page.console_errors == []
