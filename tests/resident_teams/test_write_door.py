"""Writes of 驻村帮扶 through one door: areas are choices of the writer's area, a team's member account
is a 驻村队员 of the team's county, and a double-submitted week is a message, not a 500."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from resident_teams import services
from resident_teams.models import AttendanceWeek, Inspection, TeamMember, TrainingKind, TrainingSession

from ..admin_forms import admin_form_data, inline_prefixes
from .factories import MONDAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model_name", ["trainingsession", "inspection"])
def test_county_reviewer_cannot_move_a_record_into_another_county_by_its_area_code(teams, users, client_for,
                                                                                   model_name):
    if model_name == "trainingsession":
        record = TrainingSession.objects.create(title="驻村干部轮训", kind=TrainingKind.values[0],
                                                held_on=datetime.date(2023, 5, 6), area_code="140829",
                                                organizer="平陆县委组织部", attendees=40)
    else:
        record = Inspection.objects.create(group="县暗访组", inspected_on=datetime.date(2023, 9, 12),
                                           area_code="140829100")
    client = client_for(users.pinglu_reviewer)
    url = reverse(f"admin:resident_teams_{model_name}_change", args=[record.pk])
    data = admin_form_data(client.get(url))
    data["area_code"] = "140827"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "area_code" in response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.area_code in ("140829", "140829100")
    assert type(record).objects.filter(area_code="140827").count() == 0


def test_team_member_inline_refuses_a_user_of_another_county(teams, users, client_for, make_user):
    from accounts.roles import Role

    make_user("xia_team_user", Role.TEAM_MEMBER, "140828100200")
    outsiders = [make_user("xia_team_user2", Role.TEAM_MEMBER, "140828100200"), users.xia_reviewer]
    client = client_for(users.pinglu_reviewer)
    url = reverse("admin:resident_teams_workteam_change", args=[teams.jia_team.pk])
    page = client.get(url)
    prefix = inline_prefixes(page)[TeamMember]
    row = next(k[: -len("-id")] for k, v in admin_form_data(page).items()
               if k.startswith(prefix) and k.endswith("-id") and v == str(teams.jia.other.pk))
    for outsider in outsiders:
        data = admin_form_data(page)
        data[f"{row}-user"] = str(outsider.pk)
        response = client.post(url, data)
        assert response.status_code == 200
        assert TeamMember.objects.get(pk=teams.jia.other.pk).user_id is None


def test_a_reviewer_is_not_linked_as_a_team_member_even_inside_the_county(teams, users):
    member = TeamMember.objects.get(pk=teams.jia.other.pk)
    member.user = users.jia_clerk
    with pytest.raises(services.ValidationError, match="不是驻村队员账号"):
        services.team_member_save(user=users.pinglu_reviewer, member=member)
    assert TeamMember.objects.get(pk=member.pk).user_id is None


def test_a_week_sent_twice_at_once_is_saved_once_with_the_later_values(teams, users, client_for, monkeypatch):
    services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=MONDAY, days_on_station=4, nights_on_station=3)
    # The other request inserted the week between this request's look-up and its insert.
    monkeypatch.setattr(services, "_attendance_week", _missing_once(services._attendance_week))
    response = client_for(users.team_user).post(reverse("resident_teams:my_records"), {
        "form": "attendance", "week_start": MONDAY.isoformat(), "days_on_station": "5", "nights_on_station": "4",
        "leave_days": "0", "leave_approved_by": "", "note": ""})
    assert response.status_code == 302
    week = AttendanceWeek.objects.get(member=teams.jia.me)
    assert (week.week_start, week.days_on_station, week.nights_on_station) == (MONDAY, 5, 4)


def test_a_database_refusal_of_a_page_write_is_a_chinese_message_not_a_500(teams, users, client_for, monkeypatch):
    def refuse(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "attendance_record", refuse)
    url = reverse("resident_teams:my_records")
    response = client_for(users.team_user).post(url, {
        "form": "attendance", "week_start": MONDAY.isoformat(), "days_on_station": "5", "nights_on_station": "4",
        "leave_days": "0"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "保存失败：与已有记录重复或冲突（可能是重复提交），本次未保存，请刷新页面后核对"]


def _missing_once(lookup):
    calls = []

    def first_none(member, monday):
        calls.append(1)
        return None if len(calls) == 1 else lookup(member, monday)

    return first_none
