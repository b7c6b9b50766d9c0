"""问题整改台账 and 驻村工作队 imports, and the export → import round trip of all three workbooks."""

import datetime

import pytest

from monitoring.models import Household, IncomeRecord, Member, MonitoringRecord
from rectification.models import Issue, IssueStatus, IssueTransition
from reports.imports import HouseholdImporter, IssueImporter, TeamImporter, run_import
from reports.imports.issues import ISSUE_SHEET
from reports.imports.teams import MEMBER_SHEET as TEAM_MEMBER_SHEET
from reports.imports.teams import TEAM_SHEET
from reports.roundtrip import household_data, issue_data, team_data
from reports.workbooks import template_write
from resident_teams.models import TeamMember, WorkTeam
from tests.rectification.factories import CategoryFactory, IssueFactory, ResponsibleUnitFactory
from tests.resident_teams.factories import TeamMemberFactory, WorkTeamFactory

from .conftest import person_id, write_book

ISSUE_HEADERS = [c.header for c in ISSUE_SHEET.columns if not c.optional]
TEAM_HEADERS = [c.header for c in TEAM_SHEET.columns]
TEAM_MEMBER_HEADERS = [c.header for c in TEAM_MEMBER_SHEET.columns]


@pytest.fixture
def tree(db):
    category = CategoryFactory(aspect__name="政策落实", name="就业帮扶政策落实不到位")
    unit = ResponsibleUnitFactory(name="平陆县人社局")
    return category, unit


def issue_row(number, **extra):
    row = {"问题编号": number, "问题来源": "市级排查", "问题方面": "政策落实", "问题类别": "就业帮扶政策落实不到位",
           "区县代码": "140829", "行政村代码": "140829100200", "问题描述": "=公益岗位人员未按时发放补贴",
           "责任单位": "平陆县人社局", "责任人": "刘强", "发现日期": "2023-03-01", "整改时限": "2023-06-30",
           "整改状态": "整改中", "整改措施": "补发补贴", "完成日期": None}
    row.update(extra)
    return row


def test_county_reviewer_imports_issues_as_registered_and_handed_on_and_a_reimport_changes_nothing(
        tmp_path, users, tree):
    path = write_book(tmp_path / "问题.xlsx", {"问题": (ISSUE_HEADERS, [
        issue_row("YC-2023-0001", 整改状态="待整改"),
        issue_row("YC-2023-0002", 整改状态="待整改", 责任单位=None),
    ])})
    result = run_import(IssueImporter, path, users.pinglu_reviewer, commit=True)
    assert result.ok, [str(e) for e in result.errors]
    issue = Issue.objects.get(number="YC-2023-0001")
    assert issue.status == IssueStatus.PENDING and issue.responsible_unit.name == "平陆县人社局"
    assert issue.area_code == "140829100200" and issue.responsible_person == "刘强"
    assert issue.description.startswith("=")  # text, as typed
    assert list(issue.transitions.order_by("id").values_list("action", flat=True)) == ["register", "assign"]
    assert Issue.objects.get(number="YC-2023-0002").responsible_unit is None
    again = run_import(IssueImporter, path, users.pinglu_reviewer, commit=True)
    assert again.nothing_to_do and Issue.objects.count() == 2


def test_bad_issue_rows_are_each_named_and_nothing_is_written(tmp_path, users, tree):
    path = write_book(tmp_path / "问题.xlsx", {"问题": (ISSUE_HEADERS, [
        issue_row("YC-2023-0001", 整改时限="2023-01-01"),  # deadline before found
        issue_row("YC-2023-0002", 问题类别="不存在的类别"),
        issue_row("YC-2023-0003", 区县代码="140828", 行政村代码="140828100200"),  # outside 平陆县
        issue_row("第一条"),
        issue_row("YC-2023-0005", 整改状态="已完成"),
    ])})
    result = run_import(IssueImporter, path, users.pinglu_reviewer, commit=True)
    errors = [str(e) for e in result.errors]
    for text in ("第 2 行「K列·整改时限」", "第 3 行「D列·问题类别」", "第 4 行",
                 "第 5 行「A列·问题编号」", "第 6 行「L列·整改状态」"):
        assert any(text in e for e in errors), (text, errors)
    assert any("不在您的管辖范围内" in e for e in errors)
    assert Issue.objects.count() == 0


def test_village_officer_may_not_import_issues(tmp_path, users, tree):
    path = write_book(tmp_path / "问题.xlsx", {"问题": (ISSUE_HEADERS, [issue_row("YC-2023-0001")])})
    result = run_import(IssueImporter, path, users.jia1_officer, commit=True)
    assert not result.ok and Issue.objects.count() == 0


def team_rows():
    teams = [{"工作队编号": "ZC0101", "派驻类型": "脱贫村、乡村振兴示范村", "派驻地代码": "140829100200",
              "派出单位": "运城市财政局", "派出层级": "市派", "进驻日期": "2021-06-01", "撤离日期": None}]
    members = [
        {"工作队编号": "ZC0101", "姓名": "孙书记", "身份证号": person_id(11), "职务": "第一书记", "工作单位": "运城市财政局",
         "联系电话": "13700000000", "到岗日期": "2021-06-01", "离岗日期": None},
        {"工作队编号": "ZC0101", "姓名": "周队员", "身份证号": person_id(12), "职务": "队员", "工作单位": "平陆县农业农村局",
         "联系电话": "", "到岗日期": "2021-06-01", "离岗日期": "2021-05-01"},  # left before joining
    ]
    return teams, members


def test_team_import_refuses_a_member_who_left_before_joining_then_imports_when_fixed(tmp_path, users):
    teams, members = team_rows()
    path = write_book(tmp_path / "队.xlsx", {"工作队": (TEAM_HEADERS, teams), "队员": (TEAM_MEMBER_HEADERS, members)})
    result = run_import(TeamImporter, path, users.pinglu_reviewer, commit=True)
    assert [str(e) for e in result.errors] == [
        "工作表「队员」第 3 行「H列·离岗日期」（值：2021-05-01）：离岗日期不能早于到岗日期"
    ]
    assert WorkTeam.objects.count() == 0
    members[1]["离岗日期"] = None
    path = write_book(tmp_path / "队2.xlsx", {"工作队": (TEAM_HEADERS, teams), "队员": (TEAM_MEMBER_HEADERS, members)})
    assert run_import(TeamImporter, path, users.pinglu_reviewer, commit=True).ok
    team = WorkTeam.objects.get()
    assert team.station_code == "140829100200" and team.county_id == "140829"
    assert team.is_poverty_village_station and team.is_demo_village_station and not team.is_key_township_station
    assert TeamMember.objects.filter(team=team).count() == 2
    assert run_import(TeamImporter, path, users.pinglu_reviewer, commit=True).nothing_to_do


def test_team_import_refuses_a_station_in_another_county(tmp_path, users):
    teams, members = team_rows()
    teams[0]["派驻地代码"] = "140828100200"
    path = write_book(tmp_path / "队.xlsx", {"工作队": (TEAM_HEADERS, teams), "队员": (TEAM_MEMBER_HEADERS, members)})
    result = run_import(TeamImporter, path, users.pinglu_reviewer, commit=True)
    assert any("不在您的管辖范围内" in str(e) for e in result.errors)
    assert WorkTeam.objects.count() == 0


# ---------------------------------------------------------------- round trips


def _roundtrip(tmp_path, importer, data, user):
    path = tmp_path / f"{importer.key}.xlsx"
    template_write(importer, path, data)
    return run_import(importer, path, user, commit=True)


def test_household_export_imports_back_without_loss(tmp_path, users, good_household_book):
    run_import(HouseholdImporter, good_household_book, users.pinglu_reviewer, commit=True)
    snapshot = lambda: (  # noqa: E731
        list(Household.objects.order_by("code").values_list("code", "head_name", "phone", "is_monitored", "size")),
        list(Member.objects.order_by("id_number").values_list("id_number", "name", "relation", "health")),
        list(IncomeRecord.objects.values_list("household__code", "year", "quarter", "net_income", "per_capita_income")),
        list(MonitoringRecord.objects.values_list("household__code", "category", "status", "identified_month")),
    )
    before = snapshot()
    result = _roundtrip(tmp_path, HouseholdImporter, household_data(user=users.pinglu_reviewer, prefix="140829"),
                        users.pinglu_reviewer)
    assert result.ok and result.nothing_to_do, [str(e) for e in result.errors]
    # into an empty database (another installation) the same file recreates the same records
    path = tmp_path / "households.xlsx"
    Household.objects.all().delete()
    assert run_import(HouseholdImporter, path, users.pinglu_reviewer, commit=True).ok
    assert snapshot() == before


def test_issue_export_imports_back_without_loss(tmp_path, users, tree):
    category, unit = tree
    IssueFactory(number="YC-2023-0101", category=category, responsible_unit=unit, description="+号开头的描述",
                 status=IssueStatus.CLOSED, completed_date=datetime.date(2023, 5, 1),
                 closed_date=datetime.date(2023, 5, 9))
    IssueFactory(number="YC-2023-0102", category=category, village_id="140829101200")
    fields = ("number", "source", "aspect_id", "category_id", "county_id", "village_id", "description",
              "responsible_unit_id", "found_date", "deadline", "status", "completed_date", "closed_date", "area_code")
    before = list(Issue.objects.order_by("number").values_list(*fields))
    result = _roundtrip(tmp_path, IssueImporter, issue_data(user=users.pinglu_reviewer, prefix="140829"),
                        users.pinglu_reviewer)
    assert result.ok and result.nothing_to_do, [str(e) for e in result.errors]
    assert list(Issue.objects.order_by("number").values_list(*fields)) == before


def test_team_export_imports_back_without_loss(tmp_path, users, geo):
    team = WorkTeamFactory(code="ZC0201", village=geo.jia1, is_demo_village_station=True)
    TeamMemberFactory(team=team, role="secretary", left_on=datetime.date(2023, 1, 1))
    fields = ("code", "station_code", "is_poverty_village_station", "is_demo_village_station", "dispatch_level",
              "arrived_on", "departed_on")
    before = (list(WorkTeam.objects.values_list(*fields)),
              list(TeamMember.objects.values_list("id_number", "name", "role", "joined_on", "left_on")))
    result = _roundtrip(tmp_path, TeamImporter, team_data(user=users.pinglu_reviewer, prefix="140829"),
                        users.pinglu_reviewer)
    assert result.ok and result.nothing_to_do, [str(e) for e in result.errors]
    WorkTeam.objects.all().delete()
    assert run_import(TeamImporter, tmp_path / "teams.xlsx", users.pinglu_reviewer, commit=True).ok
    after = (list(WorkTeam.objects.values_list(*fields)),
             list(TeamMember.objects.values_list("id_number", "name", "role", "joined_on", "left_on")))
    assert after == before
