"""A township clerk's story: fill in the template, upload, read the errors, fix them, import, find the households."""

from playwright.sync_api import expect

from tests.reports.conftest import household_book, household_row, member_row, person_id


def test_upload_with_two_wrong_rows_lists_both_then_the_fixed_file_imports(page, login, live_server, users,
                                                                           tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    a, b = person_id(1), person_id(3)
    wrong_id = a[:17] + ("0" if a[17] != "0" else "1")
    households = [household_row("1408291002000101", head="张三", head_id=a),
                  household_row("1408291002000102", head="李四", head_id=b, 户类型="贫困户")]  # not an allowed value
    members = [member_row("1408291002000101", "张三", wrong_id), member_row("1408291002000102", "李四", b)]  # wrong check digit
    bad = household_book(tmp_path / "住户信息.xlsx", households, members)

    login(page, "pinglu_reviewer")
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_test_id("export-issue_ledger")).to_be_visible()
    page.get_by_role("link", name="上传导入").click()
    page.select_option("#id_kind", "households")
    page.set_input_files("#id_file", str(bad))
    page.get_by_test_id("import-upload").click()

    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(2)
    expect(page.get_by_test_id("import-errors")).to_contain_text("未写入任何数据")
    expect(errors.nth(0)).to_contain_text("户类型")
    expect(errors.nth(0)).to_contain_text("3")
    expect(errors.nth(1)).to_contain_text("身份证号校验位错误")

    households[1]["户类型"] = "脱贫户、监测户"
    members[0]["身份证号"] = a
    fixed = household_book(tmp_path / "住户信息_改.xlsx", households, members)
    page.set_input_files("#id_file", str(fixed))
    page.get_by_test_id("import-upload").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("校验通过")
    expect(page.get_by_test_id("import-preview")).to_contain_text("1408291002000102")
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("已导入")

    page.goto(f"{live_server.url}/monitoring/")
    expect(page.locator("table")).to_contain_text("1408291002000101")
    expect(page.locator("table")).to_contain_text("李四")
    assert page.console_errors == []
