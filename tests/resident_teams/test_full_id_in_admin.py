"""A team member reads their team in the admin with colleagues' 身份证号 masked; the county reviewer reads them
in full, each sight logged (the pages' rule, yuncheng.templatetags.yc.id_number)."""

import logging

import pytest
from django.urls import reverse

from yuncheng.idcard import mask_id_number

pytestmark = pytest.mark.django_db
AUDIT = "yuncheng.audit.full_id"


def test_a_team_member_sees_the_teams_numbers_masked(client_for, users, teams):
    for url in (reverse("admin:resident_teams_workteam_change", args=[teams.jia_team.pk]),
                reverse("admin:resident_teams_teammember_change", args=[teams.jia.me.pk])):
        html = client_for(users.team_user).get(url).content.decode()
        assert teams.jia.me.id_number not in html, url
        assert mask_id_number(teams.jia.me.id_number) in html, url



def test_a_changed_number_in_the_history_list_is_masked_for_a_team_member(client_for, users, teams):
    from resident_teams.services import team_member_save

    from tests.monitoring.factories import id_number

    me = teams.jia.me
    old = me.id_number
    me.id_number = id_number()
    team_member_save(user=users.pinglu_reviewer, member=me)
    html = client_for(users.team_user).get(
        reverse("admin:resident_teams_teammember_history", args=[me.pk])).content.decode()
    assert old not in html and me.id_number not in html
    assert mask_id_number(old) in html and mask_id_number(me.id_number) in html


def test_the_county_reviewer_reading_a_teams_numbers_is_logged(client_for, users, teams, caplog):
    with caplog.at_level(logging.INFO, logger=AUDIT):
        page = client_for(users.pinglu_reviewer).get(
            reverse("admin:resident_teams_workteam_change", args=[teams.jia_team.pk]))
    assert teams.jia.other.id_number in page.content.decode()
    lines = [r.getMessage() for r in caplog.records if r.name == AUDIT]
    assert len(lines) == 3 and all("user=pinglu_reviewer" in line and "change form" in line for line in lines)
