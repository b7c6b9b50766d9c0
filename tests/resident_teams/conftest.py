"""Two stationed teams: 甲一村 (平陆县, with the ``team_user`` login as a 队员) and 丙一村 (夏县)."""

from types import SimpleNamespace

import pytest

from resident_teams.models import MemberRole

from .factories import TeamMemberFactory, WorkTeamFactory


@pytest.fixture
def teams(geo, users):
    jia_team = WorkTeamFactory(code="ZC-PL-001", village=geo.jia1)
    bing_team = WorkTeamFactory(code="ZC-XX-001", village=geo.bing1)
    jia = SimpleNamespace(
        secretary=TeamMemberFactory(team=jia_team, name="张书记", role=MemberRole.FIRST_SECRETARY),
        me=TeamMemberFactory(team=jia_team, name="李队员", user=users.team_user),
        other=TeamMemberFactory(team=jia_team, name="王队员"),
    )
    bing = SimpleNamespace(
        secretary=TeamMemberFactory(team=bing_team, name="赵书记", role=MemberRole.FIRST_SECRETARY),
        m1=TeamMemberFactory(team=bing_team, name="钱队员"),
        m2=TeamMemberFactory(team=bing_team, name="孙队员"),
    )
    return SimpleNamespace(jia_team=jia_team, bing_team=bing_team, jia=jia, bing=bing)
