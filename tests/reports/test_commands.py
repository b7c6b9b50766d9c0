"""python manage.py export_report / import_workbook."""

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from monitoring.models import Household

from .conftest import household_book, household_row, member_row, person_id


def test_export_report_writes_the_named_report_for_an_area_and_period(tmp_path, users):
    out = tmp_path / "out.xlsx"
    call_command("export_report", "问题整改台账", "--area", "140829", "--year", "2023", "--quarter", "3", "-o", str(out))
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "平陆县问题整改台账"


def test_export_report_defaults_to_the_users_own_area(tmp_path, users):
    out = tmp_path / "out.xlsx"
    call_command("export_report", "问题整改台账", "--user", "pinglu_reviewer", "--year", "2023", "--quarter", "3",
                 "-o", str(out))
    assert openpyxl.load_workbook(out).active["A1"].value == "平陆县问题整改台账"


def test_export_report_refuses_an_unknown_report(users):
    with pytest.raises(CommandError, match="没有这个报表"):
        call_command("export_report", "不存在", "--year", "2023", "--quarter", "3")


def test_import_workbook_writes_a_good_file_and_lists_errors_of_a_bad_one(tmp_path, users, capsys):
    a = person_id(1)
    good = household_book(tmp_path / "good.xlsx", [household_row("1408291002000001", head_id=a)], [member_row("1408291002000001", "张三", a)])
    call_command("import_workbook", str(good), "--user", "pinglu_reviewer")
    assert Household.objects.get().code == "1408291002000001"
    bad = household_book(tmp_path / "bad.xlsx", [household_row("1408281002000002", village="140828100200", head_id=person_id(2))],
                         [member_row("1408281002000002", "李四", person_id(2))])
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_workbook", str(bad), "--user", "pinglu_reviewer")
    assert "第 2 行「B列·行政村代码」" in capsys.readouterr().err
    assert Household.objects.count() == 1


@pytest.mark.parametrize("code", ["1408", "140800"])
def test_the_city_is_accepted_as_1408_and_140800(tmp_path, users, client_for, code):
    out = tmp_path / "out.xlsx"
    call_command("export_report", "问题整改台账", "--area", code, "--year", "2023", "--quarter", "3", "-o", str(out))
    assert openpyxl.load_workbook(out).active["A1"].value == "运城市问题整改台账"
    call_command("monitoring_quality", "--area", code)
    response = client_for(users.city_admin).get(f"/api/metrics/?year=2023&quarter=3&area={code}")
    assert response.json()["area"] == {"code": "140800", "name": "运城市", "level": "city"}
