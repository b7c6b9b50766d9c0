"""The bulk door of the 驻村工作队 import (``services.teams_import``): the importer only plans; the service
checks the whole plan — every station and member account inside the writer's scope, the models' rules —
before writing. Each refusal test hands the service a plan an importer must never produce and sees it
refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from reports.imports import TeamImporter, run_import
from resident_teams import services
from resident_teams.models import DispatchLevel, MemberRole, TeamMember, WorkTeam
from yuncheng.idcard import make_id_number

from .factories import TeamMemberFactory, WorkTeamFactory

ARRIVED = datetime.date(2021, 6, 1)


def _team(code="ZC0901", **station) -> WorkTeam:
    return WorkTeam(code=code, name=f"{code}驻村工作队", dispatch_unit="运城市财政局", dispatch_level=DispatchLevel.CITY,
                    arrived_on=ARRIVED, is_poverty_village_station=True, **station)


def _member(team, n=1, **extra) -> TeamMember:
    values = dict(name=f"队员{n}", id_number=make_id_number("140829", datetime.date(1985, 3, 4), n, n % 2 == 0),
                  role=MemberRole.MEMBER, unit="运城市财政局", joined_on=ARRIVED)
    values.update(extra)
    return TeamMember(team=team, **values)


def _refused(user, plan) -> str:
    with pytest.raises(ValidationError) as refused:
        services.teams_import(user=user, plan=plan)
    return "；".join(refused.value.messages)


def test_team_import_refuses_a_station_village_of_another_county(users, geo):
    team = _team(village=geo.bing1)  # 夏县's village, written by 平陆's reviewer
    plan = services.TeamImportPlan(teams_new=[team], members_new=[_member(team)])
    assert "工作队 ZC0901：派驻地 140828100200 不在您的管辖范围内" in _refused(users.pinglu_reviewer, plan)
    assert WorkTeam.objects.count() == 0 and TeamMember.objects.count() == 0


def test_team_import_refuses_a_township_station_outside_a_clerks_township(users, geo):
    plan = services.TeamImportPlan(teams_new=[_team(township=geo.yi)])
    assert "派驻地 140829101 不在您的管辖范围内" in _refused(users.jia_clerk, plan)
    assert WorkTeam.objects.count() == 0


def test_team_import_refuses_an_account_of_another_county(users, geo, make_user):
    xia_member = make_user("xia_team", Role.TEAM_MEMBER, "140828100200")
    team = _team(village=geo.jia1)
    plan = services.TeamImportPlan(teams_new=[team], members_new=[_member(team, user=xia_member)])
    assert "所选登录账号不在您的管辖范围内" in _refused(users.pinglu_reviewer, plan)
    assert WorkTeam.objects.count() == 0 and TeamMember.objects.count() == 0


def test_team_import_refuses_a_linked_account_that_is_not_a_team_member(users, geo):
    team = _team(village=geo.jia1)
    plan = services.TeamImportPlan(teams_new=[team], members_new=[_member(team, user=users.jia1_officer)])
    assert "不是驻村队员账号" in _refused(users.pinglu_reviewer, plan)
    assert WorkTeam.objects.count() == 0


def test_team_import_refuses_a_member_added_to_another_countys_team(users, geo):
    xia_team = WorkTeamFactory(code="ZC-XX-001", village=geo.bing1)
    plan = services.TeamImportPlan(members_new=[_member(xia_team)])
    assert "工作队编号 ZC-XX-001 等 1 个工作队已登记在您管辖范围以外" in _refused(users.pinglu_reviewer, plan)
    assert TeamMember.objects.count() == 0


def test_team_import_refuses_moving_a_team_out_of_the_area_or_changing_a_foreign_team(users, geo):
    team = WorkTeamFactory(code="ZC-PL-001", village=geo.jia1)
    team.village = geo.bing1  # moved into 夏县
    assert "派驻地 140828100200 不在您的管辖范围内" in _refused(
        users.pinglu_reviewer, services.TeamImportPlan(teams_changed=[team]))
    foreign = WorkTeamFactory(code="ZC-XX-001", village=geo.bing1)
    foreign.village = geo.jia1  # a 夏县 team pulled into 平陆
    assert "ZC-XX-001 等 1 个工作队已登记在您管辖范围以外" in _refused(
        users.pinglu_reviewer, services.TeamImportPlan(teams_changed=[foreign]))
    assert set(WorkTeam.objects.values_list("code", "station_code")) == {
        ("ZC-PL-001", "140829100200"), ("ZC-XX-001", "140828100200")}


def test_team_import_keeps_the_models_rules(users, geo):
    team = _team(village=geo.jia1, departed_on=ARRIVED - datetime.timedelta(days=1))
    member = _member(team, id_number="123", left_on=ARRIVED - datetime.timedelta(days=1))
    message = _refused(users.pinglu_reviewer, services.TeamImportPlan(teams_new=[team], members_new=[member]))
    assert "撤离日期不能早于进驻日期" in message and "离岗日期不能早于到岗日期" in message and "身份证号" in message
    WorkTeamFactory(code="ZC0902", village=geo.jia2)
    twice = services.TeamImportPlan(teams_new=[_team(village=geo.jia1), _team(village=geo.jia1),
                                               _team("ZC0902", village=geo.jia1)])
    assert "工作队编号 ZC0901、ZC0902 重复或已存在" in _refused(users.pinglu_reviewer, twice)
    assert WorkTeam.objects.count() == 1


def test_team_import_refuses_a_role_without_the_permission(users, geo):
    plan = services.TeamImportPlan(teams_new=[_team(village=geo.jia1)])
    assert "您的角色无权新增工作队" in _refused(users.jia1_officer, plan)


def test_team_import_derives_the_station_and_writes_history(users, geo):
    team = _team(village=geo.jia1)
    team.station_code, team.county_id = "140828100200", "140828"  # whatever the planner thought: the station decides
    stored = TeamMemberFactory(team=WorkTeamFactory(code="ZC-PL-002", village=geo.jia2), name="旧名")
    stored.name = "新名"
    plan = services.TeamImportPlan(teams_new=[team], members_new=[_member(team)], members_changed=[stored])
    written = services.teams_import(user=users.pinglu_reviewer, plan=plan)
    assert written == {"140829100200", "140829100201"}
    team = WorkTeam.objects.get(code="ZC0901")
    assert (team.station_code, team.county_id) == ("140829100200", "140829")
    assert team.members.get().history.get().history_change_reason == "Excel 导入"
    assert TeamMember.objects.get(pk=stored.pk).name == "新名"
    assert TeamMember.objects.get(pk=stored.pk).history.first().history_user == users.pinglu_reviewer


def test_the_team_importer_writes_through_the_service(tmp_path, users, geo, monkeypatch):
    from tests.reports.conftest import person_id, write_book
    from tests.reports.test_issue_and_team_import import TEAM_HEADERS, TEAM_MEMBER_HEADERS, team_rows

    calls = []
    real = services.teams_import

    def spy(*, user, plan):
        calls.append((user, plan))
        return real(user=user, plan=plan)

    monkeypatch.setattr("reports.imports.teams.teams_import", spy)
    teams, members = team_rows()
    members[1]["离岗日期"] = None
    members[1]["身份证号"] = person_id(12)
    path = write_book(tmp_path / "队.xlsx", {"工作队": (TEAM_HEADERS, teams), "队员": (TEAM_MEMBER_HEADERS, members)})
    assert run_import(TeamImporter, path, users.pinglu_reviewer, commit=True).ok
    [(user, plan)] = calls
    assert user == users.pinglu_reviewer
    assert [t.code for t in plan.teams_new] == ["ZC0101"] and len(plan.members_new) == 2
    assert WorkTeam.objects.get().members.count() == 2


def test_a_refusal_of_the_service_reaches_the_importer_as_a_chinese_error(tmp_path, users, geo, monkeypatch):
    """Should the importer's own per-row checks miss a foreign station, the service's check still holds."""
    from tests.reports.conftest import write_book
    from tests.reports.test_issue_and_team_import import TEAM_HEADERS, TEAM_MEMBER_HEADERS, team_rows

    monkeypatch.setattr("reports.imports.teams.code_in_area", lambda code, area: True)  # a planner that forgets scope
    teams, members = team_rows()
    teams[0]["派驻地代码"] = "140828100200"
    path = write_book(tmp_path / "队.xlsx", {"工作队": (TEAM_HEADERS, teams), "队员": (TEAM_MEMBER_HEADERS, members[:1])})
    result = run_import(TeamImporter, path, users.pinglu_reviewer, commit=True)
    assert not result.ok and any("派驻地 140828100200 不在您的管辖范围内" in str(e) for e in result.errors)
    assert WorkTeam.objects.count() == 0 and TeamMember.objects.count() == 0
