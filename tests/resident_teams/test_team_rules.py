import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from resident_teams import selectors, services
from resident_teams.models import MemberRole, StationKind, WorkTeam
from yuncheng.idcard import make_id_number

from tests.factories import RelocationSiteFactory

from .factories import TeamMemberFactory, WorkTeamFactory

TODAY = datetime.date.today()


def violations(on=TODAY):
    broken = selectors.team_rule_violations(teams=WorkTeam.objects.all(), on=on)
    return {team.code: selectors.team_rule_problems(team) for team in broken}


def test_team_with_one_secretary_and_two_members_keeps_the_rule(teams):
    assert violations() == {}


def test_team_without_a_serving_secretary_is_reported(teams, users):
    services.member_recall(user=users.pinglu_reviewer, member=teams.jia.secretary,
                           recalled_on=TODAY - datetime.timedelta(days=3), reason="不胜任")
    assert violations() == {"ZC-PL-001": ["没有在岗第一书记"]}


def test_team_with_two_secretaries_is_reported(teams):
    TeamMemberFactory(team=teams.bing_team, name="周书记", role=MemberRole.FIRST_SECRETARY)
    assert violations() == {"ZC-XX-001": ["有 2 名在岗第一书记（应为 1 名）"]}


def test_team_with_a_secretary_and_one_member_is_reported(teams, users):
    services.member_recall(user=users.xia_reviewer, member=teams.bing.m1, recalled_on=TODAY, reason="长期不在岗")
    assert violations() == {"ZC-XX-001": ["除第一书记外在岗队员 1 名（至少 2 名）"]}


def test_team_of_six_is_reported(teams):
    for name in ("甲", "乙", "丙"):
        TeamMemberFactory(team=teams.bing_team, name=f"{name}队员")
    assert violations() == {"ZC-XX-001": ["在岗 6 人（最多 5 人）"]}


def test_member_who_left_before_the_date_does_not_count_but_did_before(teams, users):
    left = TODAY - datetime.timedelta(days=10)
    services.member_recall(user=users.pinglu_reviewer, member=teams.jia.other, recalled_on=left, reason="工作调动不到位")
    assert "ZC-PL-001" in violations()
    assert violations(on=left - datetime.timedelta(days=1)) == {}


def test_recall_needs_a_reason(teams, users):
    with pytest.raises(ValidationError):
        services.member_recall(user=users.pinglu_reviewer, member=teams.jia.other, recalled_on=TODAY, reason=" ")


def test_team_page_warns_in_chinese_when_the_rule_is_broken(teams, users, client_for):
    services.member_recall(user=users.pinglu_reviewer, member=teams.jia.other, recalled_on=TODAY, reason="不胜任")
    response = client_for(users.pinglu_reviewer).get(reverse("resident_teams:team_detail", args=[teams.jia_team.pk]))
    assert response.status_code == 200
    assert "人员配备不符合要求" in response.content.decode()
    assert "除第一书记外在岗队员 1 名（至少 2 名）" in response.content.decode()


def test_team_page_does_not_warn_when_the_rule_holds(teams, users, client_for):
    response = client_for(users.pinglu_reviewer).get(reverse("resident_teams:team_detail", args=[teams.jia_team.pk]))
    assert "人员配备不符合要求" not in response.content.decode()


def test_admin_team_page_warns_when_the_rule_is_broken(teams, users, client_for):
    users.pinglu_reviewer.is_staff = True
    users.pinglu_reviewer.save()
    services.member_recall(user=users.pinglu_reviewer, member=teams.jia.secretary, recalled_on=TODAY, reason="不胜任")
    url = reverse("admin:resident_teams_workteam_change", args=[teams.jia_team.pk])
    response = client_for(users.pinglu_reviewer).get(url, follow=True)
    assert response.status_code == 200
    assert "人员配备不符合要求：没有在岗第一书记" in response.content.decode()


def test_team_station_code_comes_from_its_station(geo):
    site = RelocationSiteFactory(township=geo.yi, name="乙镇安置点")
    site_team = WorkTeamFactory(relocation_site=site, is_relocation_site_station=True, is_poverty_village_station=False)
    assert (site_team.station_kind, site_team.station_code, site_team.county_id) == (
        StationKind.RELOCATION_SITE, "140829101", "140829")
    township_team = WorkTeamFactory(township=geo.bing, is_key_township_station=True)
    assert (township_team.station_code, township_team.county_id) == ("140828100", "140828")


def test_team_needs_exactly_one_station(geo):
    with pytest.raises(ValidationError):
        WorkTeamFactory(village=geo.jia1, township=geo.jia)


def test_member_id_number_is_validated_and_normalised(geo, users):
    team = services.team_create(user=users.pinglu_reviewer, code="ZC-PL-010", name="甲二村驻村工作队",
                                village=geo.jia2, station_types={"demo_village"}, dispatch_unit="平陆县委组织部",
                                dispatch_level="county", arrived_on=datetime.date(2023, 3, 1))
    assert (team.station_code, team.is_demo_village_station, team.is_poverty_village_station) == (
        "140829100201", True, False)
    good = make_id_number("140829", datetime.date(1988, 8, 8), 17, False)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError, match="身份证号校验位错误"):
        services.member_add(user=users.pinglu_reviewer, team=team, name="错号", id_number=bad, role=MemberRole.MEMBER,
                            unit="县委组织部",
                            joined_on=datetime.date(2023, 3, 1))
    full_width = good[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + good[17].lower()
    member = services.member_add(user=users.pinglu_reviewer, team=team, name="全角", id_number=f" {full_width} ",
                                 role=MemberRole.MEMBER,
                                 unit="县委组织部", joined_on=datetime.date(2023, 3, 1))
    assert member.id_number == good
