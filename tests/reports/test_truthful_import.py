"""Excel that tells the truth (issue #11): employment by year, lossless round trips that never move the
workflow, formula cells, numbers in identity columns, and out-of-scope references (issue #10, finding 1)."""

import datetime

import openpyxl
import pytest

from dashboard.catalogue import metric_values
from dashboard.models import VillageSummary
from dashboard.village_summaries import summaries_build
from dashboard.periods import Period
from monitoring.models import (
    Employment,
    EliminationStatus,
    Household,
    IncomeRecord,
    Member,
    MonitoringRecord,
)
from reports.imports import HouseholdImporter, run_import
from reports.roundtrip import household_data
from reports.workbooks import template_write

from .conftest import household_book, household_row, member_row, person_id

pytestmark = pytest.mark.django_db


def _import(path, user):
    return run_import(HouseholdImporter, path, user, commit=True)


def _errors(result):
    return [str(e) for e in result.errors]


def _family_book(path, *, members=None, employment=None, households=None):
    a, b = person_id(1), person_id(2)
    return household_book(
        path, households or [household_row("1408291002000001", head="张三", head_id=a)],
        members or [member_row("1408291002000001", "张三", a),
                    member_row("1408291002000001", "王芳", b, relation="配偶", 务工所在地=None,
                               **{"务工时长(月)": None, "务工年度": None})],
        employment=employment,
    )


# ---------------------------------------------------------------- employment is a fact of a person and a year

def test_a_2023_workbook_gives_2023_migrant_figures(tmp_path, users):
    result = _import(_family_book(tmp_path / "2023.xlsx"), users.pinglu_reviewer)
    assert result.ok, _errors(result)
    assert list(Employment.objects.values_list("year", "location", "months")) == [(2023, "outside", 8)]
    assert metric_values(user=users.city_admin, area=None, year=2023, quarter=4,
                         keys=["employment.migrant_workers"])["employment.migrant_workers"] == 1
    assert metric_values(user=users.city_admin, area=None, year=datetime.date.today().year, quarter=4,
                         keys=["employment.migrant_workers"])["employment.migrant_workers"] == 0


def test_employment_without_its_year_is_refused(tmp_path, users):
    a = person_id(1)
    path = _family_book(tmp_path / "x.xlsx", members=[member_row("1408291002000001", "张三", a, 务工年度=None)])
    result = _import(path, users.pinglu_reviewer)
    assert _errors(result) == ["工作表「家庭成员」第 2 行「M列·务工年度」：填写了务工所在地时须填写务工年度"]
    assert not Household.objects.exists()


def test_the_employment_sheet_carries_other_years_and_the_preview_names_them(tmp_path, users):
    a = person_id(1)
    path = _family_book(tmp_path / "years.xlsx", employment=[
        {"身份证号": a, "年度": 2021, "务工所在地": "省内县外", "务工时长(月)": 6, "就业渠道": "公益岗位"},
        {"身份证号": a, "年度": 2022, "务工所在地": "县内", "务工时长(月)": 10},
    ])
    result = _import(path, users.pinglu_reviewer)
    assert result.ok, _errors(result)
    assert sorted(Employment.objects.values_list("year", "location", "months")) == [
        (2021, "province", 6), (2022, "county", 10), (2023, "outside", 8)]
    assert sorted(c.key for c in result.changes if c.label == "务工") == [
        f"{a} 2021 年", f"{a} 2022 年", f"{a} 2023 年"]


def test_the_same_person_and_year_twice_is_refused(tmp_path, users):
    a = person_id(1)
    path = _family_book(tmp_path / "dup.xlsx", employment=[
        {"身份证号": a, "年度": 2023, "务工所在地": "县内", "务工时长(月)": 3}])
    result = _import(path, users.pinglu_reviewer)
    assert _errors(result) == [
        "工作表「务工就业」第 2 行「B列·年度」（值：2023）：同一人同一年度的务工情况重复（与「家庭成员」第 2 行相同）"]


def test_employment_of_a_person_outside_the_file_and_the_area_is_refused(tmp_path, users):
    path = _family_book(tmp_path / "far.xlsx", employment=[
        {"身份证号": person_id(40), "年度": 2022, "务工所在地": "县内", "务工时长(月)": 3}])
    result = _import(path, users.pinglu_reviewer)
    assert [e.reason for e in result.errors] == ["该人员不在「家庭成员」中，也不在您管辖范围内的系统数据中"]


# ---------------------------------------------------------------- round trips lose nothing, move nothing

def _snapshot():
    return (
        list(Household.objects.order_by("code").values_list("code", "head_name", "phone", "is_monitored", "size")),
        list(Member.objects.order_by("id_number").values_list("id_number", "name", "relation", "health")),
        sorted(Employment.objects.values_list("member__id_number", "year", "location", "months", "channel")),
        list(IncomeRecord.objects.order_by("id").values_list("household__code", "year", "quarter", "net_income")),
        list(MonitoringRecord.objects.order_by("id").values_list(
            "household__code", "status", "elimination_status", "elimination_mode", "elimination_month")),
        sorted(VillageSummary.objects.values_list("village_id", "year", "quarter")),
    )


def test_round_trip_with_pending_applications_and_three_years_of_employment_changes_nothing(tmp_path, users):
    a, b, c = person_id(1), person_id(2), person_id(3)
    book = household_book(
        tmp_path / "in.xlsx",
        [household_row("1408291002000001", head="张三", head_id=a),
         household_row("1408291002000002", head="李四", head_id=c)],
        [member_row("1408291002000001", "张三", a), member_row("1408291002000001", "王芳", b, relation="配偶"),
         member_row("1408291002000002", "李四", c)],
        employment=[{"身份证号": a, "年度": 2021, "务工所在地": "县内", "务工时长(月)": 4},
                    {"身份证号": a, "年度": 2022, "务工所在地": "省内县外", "务工时长(月)": 9},
                    {"身份证号": b, "年度": 2022, "务工所在地": "省外", "务工时长(月)": 12}],
    )
    assert _import(book, users.pinglu_reviewer).ok
    # Two risk-elimination applications under review, as the page leaves them.
    first, second = MonitoringRecord.objects.order_by("household__code")
    MonitoringRecord.objects.filter(pk=first.pk).update(
        elimination_status=EliminationStatus.SUBMITTED, elimination_mode="assisted",
        elimination_month=datetime.date(2024, 3, 1))
    MonitoringRecord.objects.filter(pk=second.pk).update(
        elimination_status=EliminationStatus.TOWNSHIP_APPROVED, elimination_mode="natural",
        elimination_month=datetime.date(2024, 4, 1))
    summaries_build(period=Period(2023, 4))
    before = _snapshot()
    assert len(before[2]) == 6 and before[5]  # three years of employment; summaries exist

    out = tmp_path / "out.xlsx"
    template_write(HouseholdImporter, out, household_data(user=users.pinglu_reviewer, prefix="140829"))
    result = _import(out, users.pinglu_reviewer)

    assert result.ok and result.nothing_to_do, _errors(result)
    assert _snapshot() == before


def test_summaries_are_invalidated_only_for_villages_whose_records_changed(tmp_path, users, geo):
    a, c = person_id(1), person_id(3)
    rows = [household_row("1408291002000001", head="张三", head_id=a),
            household_row("1408291002010001", village="140829100201", head="李四", head_id=c)]
    members = [member_row("1408291002000001", "张三", a), member_row("1408291002010001", "李四", c)]
    assert _import(household_book(tmp_path / "a.xlsx", rows, members), users.pinglu_reviewer).ok
    summaries_build(period=Period(2023, 4))
    assert set(VillageSummary.objects.values_list("village_id", flat=True)) >= {"140829100200", "140829100201"}
    rows[1]["联系电话"] = "13900000000"
    assert _import(household_book(tmp_path / "b.xlsx", rows, members), users.pinglu_reviewer).ok
    villages = set(VillageSummary.objects.values_list("village_id", flat=True))
    assert "140829100200" in villages and "140829100201" not in villages


def test_an_import_cannot_undo_an_approved_elimination(tmp_path, users):
    row = household_row("1408291002000001", head="张三", head_id=person_id(1), 风险是否已消除="是", 风险消除方式="帮扶消除",
                        风险消除年月="2024-01")
    assert _import(_family_book(tmp_path / "a.xlsx", households=[row]), users.pinglu_reviewer).ok
    row.update({"风险是否已消除": "否", "风险消除方式": None, "风险消除年月": None})
    result = _import(_family_book(tmp_path / "b.xlsx", households=[row]), users.pinglu_reviewer)
    assert [e.reason for e in result.errors] == ["该户风险已消除（县级已审定），导入不能撤销；如需撤销请在系统中办理"]
    assert MonitoringRecord.objects.get().elimination_status == EliminationStatus.APPROVED


def test_an_import_cannot_decide_an_elimination_under_review(tmp_path, users):
    assert _import(_family_book(tmp_path / "a.xlsx"), users.pinglu_reviewer).ok
    MonitoringRecord.objects.update(elimination_status=EliminationStatus.SUBMITTED, elimination_mode="assisted",
                                    elimination_month=datetime.date(2024, 1, 1))
    row = household_row("1408291002000001", head="张三", head_id=person_id(1), 风险是否已消除="是", 风险消除方式="帮扶消除",
                        风险消除年月="2024-01")
    result = _import(_family_book(tmp_path / "b.xlsx", households=[row]), users.pinglu_reviewer)
    assert [e.reason for e in result.errors] == [
        "该户的风险消除申请正在审核中（消除待乡镇审核），导入不改变审核状态，请在系统中审核"]
    assert MonitoringRecord.objects.get().elimination_status == EliminationStatus.SUBMITTED


# ---------------------------------------------------------------- honest cells

def _with_cells(path, sheet, cells: dict, *, cached: dict | None = None):
    """Rewrite cells of a saved workbook (formulas stay formulas: openpyxl writes no cached value), then,
    for ``cached``, put a cached value into the formula cell's XML as Excel does when it saves."""
    book = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        book[sheet][ref] = value
    book.save(path)
    if cached:
        import shutil
        import zipfile

        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
            index = book.sheetnames.index(sheet) + 1
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == f"xl/worksheets/sheet{index}.xml":
                    for ref, value in cached.items():
                        formula = cells[ref][1:].encode()
                        data = data.replace(f'<c r="{ref}"'.encode() + b">" + b"<f>" + formula + b"</f><v></v></c>",
                                            f'<c r="{ref}"><f>'.encode() + formula + f"</f><v>{value}</v></c>".encode())
                        data = data.replace(f'<c r="{ref}"'.encode() + b"><f>" + formula + b"</f><v /></c>",
                                            f'<c r="{ref}"><f>'.encode() + formula + f"</f><v>{value}</v></c>".encode())
                dst.writestr(item, data)
        shutil.move(tmp, path)
    return path


def _income_book(path):
    a = person_id(1)
    return household_book(path, [household_row("1408291002000001", head="张三", head_id=a)],
                          [member_row("1408291002000001", "张三", a)],
                          incomes=[{"户编号": "1408291002000001", "年度": 2023, "季度": 4, "工资性收入": 1,
                                    "经营性收入": 0, "财产性收入": 0, "转移性收入": 0, "生产经营性支出": 0}])


def test_a_formula_without_a_cached_value_is_refused_naming_the_cell(tmp_path, users):
    path = _with_cells(_income_book(tmp_path / "f.xlsx"), "收入", {"D2": "=10000+2000"})
    result = _import(path, users.pinglu_reviewer)
    assert _errors(result) == ["工作表「收入」第 2 行「D2」：公式没有计算结果（文件未在 Excel 中打开并保存过），"
                               "请在 Excel 中打开后保存，或把公式改为数值再上传"]
    assert not IncomeRecord.objects.exists()


def test_a_formula_with_a_cached_value_is_read_by_that_value(tmp_path, users):
    path = _with_cells(_income_book(tmp_path / "f.xlsx"), "收入", {"D2": "=10000+2000"}, cached={"D2": 12000})
    result = _import(path, users.pinglu_reviewer)
    assert result.ok, _errors(result)
    assert IncomeRecord.objects.get().wage_income == 12000


def test_an_id_number_excel_turned_into_a_number_is_refused_saying_so(tmp_path, users):
    a = person_id(1)
    path = _with_cells(_family_book(tmp_path / "n.xlsx"), "家庭成员", {"C2": float(a[:17] + "0")})
    result = _import(path, users.pinglu_reviewer)
    assert any("被 Excel 转成了数字" in e.reason and e.column == "C列·身份证号" for e in result.errors), _errors(result)
    assert not Household.objects.exists()


def test_an_exact_number_in_an_identity_column_is_accepted(tmp_path, users):
    path = _with_cells(_family_book(tmp_path / "n.xlsx"), "户信息", {"B2": 140829100200, "E2": 13800000000.0})
    result = _import(path, users.pinglu_reviewer)
    assert result.ok, _errors(result)
    assert Household.objects.get().phone == "13800000000"


def test_templates_and_exports_format_identity_columns_as_text(tmp_path, users):
    assert _import(_family_book(tmp_path / "a.xlsx"), users.pinglu_reviewer).ok
    out = tmp_path / "out.xlsx"
    template_write(HouseholdImporter, out, household_data(user=users.pinglu_reviewer, prefix="140829"))
    ws = openpyxl.load_workbook(out)["家庭成员"]
    assert ws["A2"].number_format == "@" and ws["A2"].data_type == "s"  # 户编号
    assert ws["C2"].number_format == "@" and ws["C2"].value == person_id(1)  # 身份证号
    assert ws.column_dimensions["C"].number_format == "@"  # what staff type later stays text


# ---------------------------------------------------------------- the ledger import is a face of the services

@pytest.fixture
def ledger(db):
    from tests.rectification.factories import CategoryFactory, ResponsibleUnitFactory

    category = CategoryFactory(aspect__name="政策落实", name="就业帮扶政策落实不到位")
    return category, ResponsibleUnitFactory(name="平陆县人社局", county_id="140829"), ResponsibleUnitFactory(
        name="垣曲县乡村振兴局", county_id="140827")


def _issue_book(path, **extra):
    from reports.imports.issues import ISSUE_SHEET

    from .conftest import write_book

    row = {"问题编号": "YC-2023-0001", "问题来源": "市级排查", "问题方面": "政策落实", "问题类别": "就业帮扶政策落实不到位",
           "区县代码": "140829", "行政村代码": "140829100200", "问题描述": "公益岗位人员未按时发放补贴",
           "责任单位": "平陆县人社局", "责任人": "刘强", "发现日期": "2023-03-01", "整改时限": "2023-06-30",
           "整改状态": "待整改", "整改措施": None, "完成日期": None}
    row.update(extra)
    return write_book(path, {"问题": ([c.header for c in ISSUE_SHEET.columns if not c.optional], [row])})


def _issue_import(path, user):
    from reports.imports import IssueImporter

    return run_import(IssueImporter, path, user, commit=True)


def test_issue_import_refuses_another_countys_unit(tmp_path, users, ledger):
    from rectification.models import Issue

    result = _issue_import(_issue_book(tmp_path / "a.xlsx", 责任单位="垣曲县乡村振兴局"), users.pinglu_reviewer)
    assert [e.reason for e in result.errors] == ["责任单位“垣曲县乡村振兴局”不属于所填区县，也不是本市市直单位"]
    assert not Issue.objects.exists()


def test_issue_import_cannot_write_closed_directly(tmp_path, users, ledger):
    from rectification.models import Issue, IssueStatus

    result = _issue_import(_issue_book(tmp_path / "a.xlsx", 整改状态="已销号", 完成日期="2023-05-20"),
                           users.pinglu_reviewer)
    assert [e.reason for e in result.errors] == [
        "新登记的问题整改状态只能为“待整改”：整改进展由责任单位在系统中报告，销号须经核验"]
    assert _issue_import(_issue_book(tmp_path / "b.xlsx"), users.pinglu_reviewer).ok
    result = _issue_import(_issue_book(tmp_path / "c.xlsx", 整改状态="已销号", 完成日期="2023-05-20"),
                           users.pinglu_reviewer)
    assert [e.reason for e in result.errors] == ["整改状态不能由导入从“待整改”改为“已销号”，请在系统中办理"]
    assert Issue.objects.get().status == IssueStatus.PENDING


def test_issue_import_verifies_a_rectified_issue_through_the_service(tmp_path, users, ledger):
    from rectification.models import Issue, IssueStatus

    assert _issue_import(_issue_book(tmp_path / "a.xlsx"), users.pinglu_reviewer).ok
    Issue.objects.update(status=IssueStatus.RECTIFIED, measures="补发补贴", completed_date=datetime.date(2023, 5, 20))
    result = _issue_import(_issue_book(tmp_path / "b.xlsx", 整改状态="已销号", 整改措施="补发补贴", 完成日期="2023-05-20"),
                           users.pinglu_reviewer)
    assert result.ok, _errors(result)
    assert [c.detail for c in result.changes] == ["整改状态：已整改待核验 → 已销号"]
    issue = Issue.objects.get()
    assert issue.status == IssueStatus.CLOSED and issue.closed_date == datetime.date(2023, 5, 20)
    assert issue.transitions.order_by("-id").first().action == "verify"
