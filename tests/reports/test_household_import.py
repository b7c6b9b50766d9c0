"""住户信息 import: every row checked first, one answer listing every problem, all or nothing."""

from decimal import Decimal

import pytest

from monitoring.models import (
    AssistanceMeasure,
    Employment,
    Household,
    IncomeRecord,
    Member,
    MonitoringRecord,
    ReviewStatus,
)
from reports.imports import HouseholdImporter, run_import

from .conftest import household_book, household_row, member_row, person_id


def _import(path, user, commit=True):
    return run_import(HouseholdImporter, path, user, commit=commit)


def _errors(result):
    return [str(e) for e in result.errors]


def test_county_reviewer_imports_households_as_county_approved(users, good_household_book):
    result = _import(good_household_book, users.pinglu_reviewer)
    assert result.ok and result.written
    assert result.counts["户"] == {"created": 2, "changed": 0, "unchanged": 0}
    hh = Household.objects.get(code="1408291002000001")
    assert hh.is_poverty_alleviated and hh.is_monitored and hh.is_dibao and hh.size == 2
    record = MonitoringRecord.objects.get()
    assert record.status == ReviewStatus.APPROVED and record.county_reviewer == users.pinglu_reviewer
    assert list(record.events.values_list("action", flat=True)) == ["county_approve"]  # the review trail
    assert sorted(record.risk_types.values_list("name", flat=True)) == ["因学", "因病"]
    income = IncomeRecord.objects.get()
    assert income.net_income == Decimal("16000.00") and income.persons == 2
    assert income.per_capita_income == Decimal("8000.00")
    assert Employment.objects.get(member__name="张三").months == 8
    assert AssistanceMeasure.objects.get().amount == Decimal("2000.00")
    head = Member.objects.get(name="张三")
    assert head.sex == "女" and head.birth_date.year == 1980  # person_id(1) is a woman born 1980
    assert hh.history.count() == 1  # the import is in the change history


def test_village_officer_import_enters_the_review_workflow_as_submitted(users, good_household_book):
    result = _import(good_household_book, users.jia1_officer)
    assert result.ok, _errors(result)
    record = MonitoringRecord.objects.get()
    assert record.status == ReviewStatus.SUBMITTED and record.author == users.jia1_officer
    assert list(record.events.values_list("action", flat=True)) == ["submit"]
    assert not Household.objects.get(code="1408291002000001").is_monitored


def test_reimporting_the_same_file_changes_nothing(users, good_household_book):
    _import(good_household_book, users.pinglu_reviewer)
    before = (Household.history.count(), Member.history.count(), IncomeRecord.history.count())
    again = _import(good_household_book, users.pinglu_reviewer)
    assert again.ok and again.nothing_to_do and not again.written
    assert all(c["created"] == 0 and c["changed"] == 0 for c in again.counts.values())
    assert (Household.history.count(), Member.history.count(), IncomeRecord.history.count()) == before
    assert Household.objects.count() == 2 and Member.objects.count() == 3


def test_a_changed_value_updates_the_record_in_place(tmp_path, users, good_household_book):
    _import(good_household_book, users.pinglu_reviewer)
    a = person_id(1)
    path = household_book(tmp_path / "改.xlsx", [household_row("1408291002000001", head_id=a, 联系电话="13900000000")],
                          [member_row("1408291002000001", "张三", a, 健康状况="长期慢性病")])
    preview = _import(path, users.pinglu_reviewer, commit=False)
    assert preview.counts["户"]["changed"] == 1 and preview.counts["成员"]["changed"] == 1
    assert Household.objects.get(code="1408291002000001").phone == "13800000000"  # a preview writes nothing
    _import(path, users.pinglu_reviewer)
    assert Household.objects.get(code="1408291002000001").phone == "13900000000"
    assert Member.objects.get(id_number=a).health == "chronic"
    assert Household.objects.count() == 2


def test_every_bad_row_is_listed_with_sheet_row_column_and_nothing_is_written(tmp_path, users):
    a, b = person_id(1), person_id(2)
    bad_id = a[:17] + ("0" if a[17] != "0" else "1")
    path = household_book(
        tmp_path / "错.xlsx",
        [
            household_row("1408291002000001", head_id=a),
            household_row("1408291002000002", village="140829100999", head_id=b),  # unknown village
            household_row("1408291002000001", head_id=a),  # the same household code twice
            household_row("1408291002000004", head_id=b, 户类型="贫困户"),  # not an allowed value
        ],
        [
            member_row("1408291002000001", "张三", a),
            member_row("1408291002000001", "王芳", bad_id, relation="配偶"),  # wrong check digit
            member_row("1408291002000777", "无户", b),  # household in neither file nor database
            member_row("1408291002000001", "李四", person_id(5), relation="子", **{"务工时长(月)": "八个月"}),  # not a number
        ],
        incomes=[{"户编号": "1408291002000001", "年度": 2023, "季度": 3, "工资性收入": -5}],  # negative amount
        measures=[{"户编号": "1408291002000001", "措施类型": "就业帮扶", "开始日期": "2023-04-01", "金额(元)": "abc"}],
    )
    result = _import(path, users.pinglu_reviewer)
    errors = _errors(result)
    expected = [
        "工作表「户信息」第 3 行「B列·行政村代码」（值：140829100999）：行政村代码不存在",
        "工作表「户信息」第 4 行「A列·户编号」（值：1408291002000001）：户编号重复（与第 2 行相同）",
        "工作表「户信息」第 5 行「F列·户类型」（值：贫困户）：不在允许的取值中",
        "工作表「家庭成员」第 3 行「C列·身份证号」",
        "身份证号校验位错误",
        "工作表「家庭成员」第 4 行「A列·户编号」（值：1408291002000777）：该户不在「户信息」中",
        "工作表「家庭成员」第 5 行「J列·务工时长(月)」（值：八个月）：不是数字",
        "工作表「收入」第 2 行「D列·工资性收入」（值：-5）：金额不能为负数",
        "工作表「帮扶措施」第 2 行「E列·金额(元)」（值：abc）：不是数字",
    ]
    for text in expected:
        assert any(text in e for e in errors), (text, errors)
    assert not result.written
    assert Household.objects.count() == 0 and Member.objects.count() == 0 and IncomeRecord.objects.count() == 0


def test_an_end_date_before_the_start_is_named(tmp_path, users):
    a = person_id(1)
    path = household_book(tmp_path / "消除.xlsx", [household_row(
        "1408291002000001", head_id=a, 风险是否已消除="是", 风险消除方式="帮扶消除", 风险消除年月="2023-01")], [member_row("1408291002000001", "张三", a)])
    errors = _errors(_import(path, users.pinglu_reviewer))
    assert any("「M列·风险消除年月」" in e and "不能早于识别年月" in e for e in errors), errors
    assert Household.objects.count() == 0


def test_a_row_outside_the_users_area_is_refused(tmp_path, users):
    a = person_id(1)
    path = household_book(tmp_path / "外县.xlsx", [household_row("1408281002000001", village="140828100200", head_id=a)],
                          [member_row("1408281002000001", "张三", a)])
    errors = _errors(_import(path, users.pinglu_reviewer))
    assert any("第 2 行「B列·行政村代码」" in e and "不在您的管辖范围内" in e for e in errors), errors
    assert Household.objects.count() == 0


def test_village_officer_cannot_import_into_the_neighbouring_village(tmp_path, users):
    a = person_id(1)
    path = household_book(tmp_path / "邻村.xlsx", [household_row("1408291002010001", village="140829100201", head_id=a)],
                          [member_row("1408291002010001", "张三", a)])
    result = _import(path, users.jia1_officer)
    assert not result.ok and Household.objects.count() == 0


def test_a_member_registered_in_another_household_is_refused(tmp_path, users, good_household_book):
    _import(good_household_book, users.pinglu_reviewer)
    path = household_book(tmp_path / "重复人.xlsx", [household_row("1408291002000003", head_id=person_id(3), head="李四")],
                          [member_row("1408291002000003", "李四", person_id(3))])
    errors = _errors(_import(path, users.pinglu_reviewer))
    assert any("已登记在其他户（户编号 1408291002000002）" in e for e in errors), errors
    assert not Household.objects.filter(code="1408291002000003").exists()


def test_leader_may_not_import(users, good_household_book):
    result = _import(good_household_book, users.pinglu_leader)
    assert not result.ok and "无权导入" in _errors(result)[0]
    assert Household.objects.count() == 0


@pytest.mark.parametrize("user", ["city_admin", "pinglu_reviewer", "jia_clerk"])
def test_import_writes_in_one_transaction(users, good_household_book, user, monkeypatch):
    """A failure half-way through the write leaves the database as it was."""
    from monitoring.services import household_import as services

    def boom(*args, **kwargs):
        raise RuntimeError("写入中断")

    monkeypatch.setattr(services, "_import_records", boom)  # the last step of the write
    with pytest.raises(RuntimeError):
        _import(good_household_book, getattr(users, user))
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_an_imported_change_refuses_a_form_opened_before_it(tmp_path, users, good_household_book):
    """No lost updates across doors: the import counts the version up, so a colleague's stale form cannot
    silently put the old phone number back."""
    from django.core.exceptions import ValidationError

    from accounts.versioning import version_check

    _import(good_household_book, users.pinglu_reviewer)
    opened = Household.objects.get(code="1408291002000001")
    a = person_id(1)
    path = household_book(tmp_path / "改.xlsx", [household_row("1408291002000001", head_id=a, 联系电话="13900000000")],
                          [member_row("1408291002000001", "张三", a, 健康状况="长期慢性病")])
    _import(path, users.pinglu_reviewer)
    household = Household.objects.get(code="1408291002000001")
    assert household.version == opened.version + 1
    assert Member.objects.get(id_number=a).version >= 1
    with pytest.raises(ValidationError):
        version_check(household, opened.version)


@pytest.mark.parametrize("code", ["123", "1408281002000001", "1408291002010001"])
def test_import_refuses_a_household_code_that_is_not_its_villages(tmp_path, users, code):
    """户编号 = the village's 12-digit code + 4 digits (Household.clean's rule, asked by the importer too)."""
    a = person_id(1)
    path = household_book(tmp_path / "户编号.xlsx", [household_row(code, head_id=a)], [member_row(code, "张三", a)])
    errors = _errors(_import(path, users.pinglu_reviewer))
    assert errors == [f"工作表「户信息」第 2 行「A列·户编号」（值：{code}）：户编号须为所在行政村代码 140829100200 加 4 位顺序号"
                      "（0001–9999），如 1408291002000001"], errors
    assert Household.objects.count() == 0
