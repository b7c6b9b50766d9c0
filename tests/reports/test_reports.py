"""The seven reports: totals equal the dashboard's figures, layout, scoping and ID masking."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from dashboard.catalogue import metric_values, metric_values_by_child
from rectification.models import HandOver, HandOverItem, IssueStatus
from reports import summaries
from reports.exports import REPORTS, report_context, report_write
from reports.imports import HouseholdImporter, run_import
from tests.rectification.factories import CategoryFactory, IssueFactory, ResponsibleUnitFactory
from tests.resident_teams.factories import TeamMemberFactory, WorkTeamFactory
from villages.selectors import area_children, area_get

from .conftest import household_book, household_row, member_row, person_id

SUMMARIES = {
    "monitoring_summary": summaries.monitoring_columns,
    "income_summary": summaries.income_columns,
    "employment_summary": summaries.employment_columns,
    "teams_summary": summaries.teams_columns,
}


@pytest.fixture
def city(tmp_path, users, geo):
    """Households in 平陆县 (two villages) and 夏县, issues, a 双交办 list and a team."""
    a, b, c, d = (person_id(n) for n in (1, 2, 3, 4))
    e = person_id(5, area="140828")
    households = [
        household_row("1408291002000001", head="张三", head_id=a),
        household_row("1408291002010002", village="140829100201", head="李四", head_id=c, 风险是否已消除="是", 风险消除方式="帮扶消除",
                      风险消除年月="2023-09", 监测对象类别="边缘易致贫户", 户类型="监测户"),
        household_row("1408291012000003", village="140829101200", head="王五", head_id=d, 户类型="脱贫户", 监测对象类别=None,
                      识别方式=None, 识别年月=None, 风险类型=None, 风险是否已消除=None),
        household_row("1408281002000004", village="140828100200", head="赵六", head_id=e, 识别方式="农户自主申报"),
    ]
    members = [member_row("1408291002000001", "张三", a), member_row("1408291002000001", "王芳", b, relation="配偶"),
               member_row("1408291002010002", "李四", c), member_row("1408291012000003", "王五", d), member_row("1408281002000004", "赵六", e)]
    incomes = [{"户编号": code, "年度": year, "季度": 3, "工资性收入": amount, "经营性收入": 1000}
               for code, amount in (("1408291002000001", 9000), ("1408291012000003", 12000), ("1408281002000004", 7000)) for year in (2022, 2023)]
    path = household_book(tmp_path / "city.xlsx", households, members, incomes)
    result = run_import(HouseholdImporter, path, users.city_admin, commit=True)
    assert result.ok, [str(x) for x in result.errors]

    category = CategoryFactory(aspect__name="政策落实", name="就业帮扶政策落实不到位")
    unit = ResponsibleUnitFactory(name="平陆县人社局")
    closed = IssueFactory(number="YC-2023-0001", category=category, status=IssueStatus.CLOSED,
                          completed_date=datetime.date(2023, 5, 1), closed_date=datetime.date(2023, 5, 2))
    late = IssueFactory(number="YC-2023-0002", category=category, deadline=datetime.date(2023, 4, 30),
                        description="=cmd|' /C calc'!A0", responsible_unit=unit)
    IssueFactory(number="YC-2023-0003", category=category, county_id="140828")
    handover = HandOver.objects.create(county_id="140829", title="第一批双交办", handed_date=datetime.date(2023, 3, 10))
    HandOverItem.objects.create(handover=handover, issue=closed)
    HandOverItem.objects.create(handover=handover, issue=late, unit=unit, handed_on_date=datetime.date(2023, 3, 12))

    team = WorkTeamFactory(code="ZC0001", village=geo.jia1)
    TeamMemberFactory(team=team, role="secretary")
    TeamMemberFactory(team=team)
    return geo


def _sheet(tmp_path, key, user, code="140800", year=2023, quarter=3):
    ctx = report_context(user=user, area=area_get(code=code), year=year, quarter=quarter)
    path = tmp_path / f"{key}_{code}.xlsx"
    report_write(REPORTS[key], ctx, path)
    return openpyxl.load_workbook(path)


def _row_of(ws, first_cell):
    for row in ws.iter_rows(values_only=True):
        if row[0] == first_cell:
            return row
    raise AssertionError(f"no row {first_cell!r}")


def _cell(value):
    return value if value == "—" else _num(value)


def _num(value):
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else Decimal("0.00")


@pytest.mark.parametrize("key", list(SUMMARIES))
@pytest.mark.parametrize("code", ["140800", "140829"])
def test_summary_totals_and_rows_equal_the_dashboards_figures(tmp_path, users, city, key, code):
    ws = _sheet(tmp_path, key, users.city_admin, code).worksheets[0]
    columns = SUMMARIES[key]()
    area = area_get(code=code)
    keys = list(dict.fromkeys(c.key for c in columns))
    expected = metric_values(user=users.city_admin, area=area, year=2023, quarter=3, keys=keys)
    total = _row_of(ws, "合计")
    assert [_cell(v) for v in total[1:]] == [_cell(summaries._shown(c, expected)) for c in columns]
    for child, values in metric_values_by_child(user=users.city_admin, area=area, year=2023, quarter=3, keys=keys):
        row = _row_of(ws, child.name)
        assert [_cell(v) for v in row[1:]] == [_cell(summaries._shown(c, values)) for c in columns], child.name
    assert ws["A1"].value.startswith(area.name)
    assert any(r.min_row == 3 and r.max_row == 3 and r.max_col > r.min_col for r in ws.merged_cells.ranges)


def test_monitoring_summary_counts_what_was_imported(tmp_path, users, city):
    ws = _sheet(tmp_path, "monitoring_summary", users.city_admin).worksheets[0]
    total = _row_of(ws, "合计")
    # 3 monitored households in the city (1408291002000001, 1408291002010002, 1408281002000004), one eliminated
    assert total[1:6] == (3, 4, 1, 1, 2)
    assert _row_of(ws, "平陆县")[1] == 2 and _row_of(ws, "夏县")[1] == 1


def test_household_ledger_lists_each_household_with_a_total_row(tmp_path, users, city):
    ws = _sheet(tmp_path, "household_ledger", users.pinglu_reviewer, "140829").worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True) if r[3] and str(r[3]).startswith("1408")]
    assert [r[3] for r in rows] == ["1408291002000001", "1408291002010002", "1408291012000003"]  # 夏县's 1408281002000004 is not in 平陆县's ledger
    total = _row_of(ws, "合计（3 户）")
    assert total[6] == 4  # persons
    monitored = sum(1 for r in rows if r[8])
    assert monitored == metric_values(user=users.pinglu_reviewer, area=area_get(code="140829"), year=2023, quarter=3,
                                      keys=["monitoring.households"])["monitoring.households"]
    hh001 = rows[0]
    assert hh001[5] == person_id(1)  # a county reviewer sees full ID numbers
    assert hh001[11] == "因病、因学" and hh001[18] == 5000  # (9000 + 1000) / 2 persons


def test_leader_sees_masked_id_numbers_in_the_ledger(tmp_path, users, city):
    ws = _sheet(tmp_path, "household_ledger", users.pinglu_leader, "140829").worksheets[0]
    ids = [r[5] for r in ws.iter_rows(values_only=True) if r[3] and str(r[3]).startswith("1408")]
    assert ids and all("**********" in i for i in ids)


def test_issue_ledger_total_equals_the_dashboard_and_formulas_stay_text(tmp_path, users, city):
    ws = _sheet(tmp_path, "issue_ledger", users.city_admin).worksheets[0]
    figures = metric_values(user=users.city_admin, area=area_get(code="140800"), year=2023, quarter=3,
                            keys=["issues.total", "issues.rectified", "issues.overdue"])
    total = _row_of(ws, f"合计（{figures['issues.total']} 个）")
    assert figures["issues.total"] == 3
    assert total[12] == f"已销号 {figures['issues.rectified']} 个" and total[15] == f"逾期 {figures['issues.overdue']} 个"
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert cell.data_type == "s"


def test_handover_lists_have_one_sheet_per_county(tmp_path, users, city):
    book = _sheet(tmp_path, "handover_lists", users.city_admin)
    assert len(book.sheetnames) == 13 and "平陆县" in book.sheetnames
    ws = book["平陆县"]
    assert _row_of(ws, "合计（2 个问题）")[6] == "已销号 1 个"
    assert _row_of(ws, "第一批双交办")[2] == "YC-2023-0001"
    assert _sheet(tmp_path, "handover_lists", users.pinglu_reviewer, "140829").sheetnames == ["平陆县"]


def test_a_county_reviewer_cannot_export_another_county(users, city):
    with pytest.raises(PermissionDenied):
        report_context(user=users.pinglu_reviewer, area=area_get(code="140828"), year=2023, quarter=3)
    with pytest.raises(PermissionDenied):
        report_context(user=users.jia_clerk, area=area_get(code="140829"), year=2023, quarter=3)


def test_file_names_are_chinese(users, city):
    ctx = report_context(user=users.pinglu_reviewer, area=area_get(code="140829"), year=2023, quarter=3)
    assert REPORTS["issue_ledger"].filename(ctx) == "平陆县_问题整改台账_2023Q3.xlsx"


@pytest.mark.parametrize("key", list(SUMMARIES))
@pytest.mark.parametrize("code", ["140800", "140829"])
def test_every_additive_column_adds_up_to_its_total_including_the_local_row(tmp_path, users, city, key, code):
    from tests.resident_teams.factories import TrainingSessionFactory

    # Trainings held by the city itself and by 平陆县 itself belong to no child area: the 本级 rows.
    TrainingSessionFactory(area_code="140800", held_on=datetime.date(2023, 5, 1), attendees=40)
    TrainingSessionFactory(area_code="140829", held_on=datetime.date(2023, 5, 2), attendees=25)
    TrainingSessionFactory(area_code="140829100", held_on=datetime.date(2023, 5, 3), attendees=10)
    ws = _sheet(tmp_path, key, users.city_admin, code).worksheets[0]
    columns = SUMMARIES[key]()
    children = [child.name for child in area_children(area=area_get(code=code))]
    local = {"140800": "市本级", "140829": "县本级"}[code]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] in (*children, local)]
    total = _row_of(ws, "合计")
    for index, column in enumerate(columns, 1):
        if column.additive:
            assert sum(_num(r[index]) for r in rows) == _num(total[index]), column.key
    if key == "teams_summary":
        training = next(i for i, c in enumerate(columns, 1) if c.key == "teams.training_person_times")
        assert _row_of(ws, local)[training] == (40 if code == "140800" else 25)


def test_a_township_without_a_target_and_a_rate_without_a_base_show_a_dash(tmp_path, users, city):
    ws = _sheet(tmp_path, "employment_summary", users.city_admin, "140829").worksheets[0]
    columns = SUMMARIES["employment_summary"]()
    target = next(i for i, c in enumerate(columns, 1) if c.key == "employment.migrant_target")
    assert _row_of(ws, "甲镇")[target] == "—" and _row_of(ws, "甲镇")[target + 1] == "—"
