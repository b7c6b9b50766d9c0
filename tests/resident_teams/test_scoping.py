"""Every 驻村帮扶 record is visible only inside its area — in the admin and on the pages — and a 驻村队员
sees and records only their own attendance and visits."""

import datetime

import pytest
from django.urls import reverse

from accounts.scoping import scope
from resident_teams.models import AttendanceWeek, Evaluation, Inspection, TeamMember, TrainingSession, Visit, WorkTeam

from .factories import (
    MONDAY,
    AttendanceWeekFactory,
    EvaluationFactory,
    HouseholdFactory,
    InspectionFactory,
    TrainingSessionFactory,
    VisitFactory,
)


@pytest.fixture
def records(teams, geo):
    """One record of every model in 平陆县 (甲一村's team) and one in 夏县 (丙一村's team)."""

    def pair(model):
        if model is WorkTeam:
            return teams.jia_team, teams.bing_team
        if model is TeamMember:
            return teams.jia.other, teams.bing.m1
        if model is AttendanceWeek:
            return AttendanceWeekFactory(member=teams.jia.other), AttendanceWeekFactory(member=teams.bing.m1)
        if model is Visit:
            return (VisitFactory(member=teams.jia.other, household=HouseholdFactory(village=geo.jia1)),
                    VisitFactory(member=teams.bing.m1, household=HouseholdFactory(village=geo.bing1)))
        if model is TrainingSession:
            return TrainingSessionFactory(area_code="140829"), TrainingSessionFactory(area_code="140828")
        if model is Inspection:
            return (InspectionFactory(team=teams.jia_team, area_code=teams.jia_team.station_code),
                    InspectionFactory(area_code="140828100"))
        return EvaluationFactory(team=teams.jia_team), EvaluationFactory(team=teams.bing_team)

    return pair


ALL_MODELS = [WorkTeam, TeamMember, AttendanceWeek, Visit, TrainingSession, Inspection, Evaluation]


def _changelist(model):
    return reverse(f"admin:resident_teams_{model._meta.model_name}_changelist")


def _change(obj):
    return reverse(f"admin:resident_teams_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_each_county_sees_its_own_records_and_the_city_sees_both(model, records, users, client_for):
    pinglu, xia = records(model)
    client = client_for(users.pinglu_reviewer)
    response = client.get(_changelist(model))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert pinglu.pk in shown and xia.pk not in shown
    assert client.get(_change(pinglu)).status_code == 200
    assert client.get(_change(xia)).status_code == 302  # Django's "不存在" redirect to the admin index

    xia_sees = set(scope(model.objects.all(), users.xia_reviewer).values_list("pk", flat=True))
    assert xia.pk in xia_sees and pinglu.pk not in xia_sees
    for user in (users.city_admin, users.city_leader):
        assert {pinglu.pk, xia.pk} <= set(scope(model.objects.all(), user).values_list("pk", flat=True))


def test_village_officer_of_another_village_sees_no_team(records, users):
    records(WorkTeam)
    assert not scope(WorkTeam.objects.all(), users.jia2_officer).exists()
    assert list(scope(WorkTeam.objects.all(), users.jia1_officer).values_list("code", flat=True)) == ["ZC-PL-001"]


def test_team_member_sees_only_own_logs_in_admin(teams, users, client_for, geo):
    mine = AttendanceWeekFactory(member=teams.jia.me)
    teammates = AttendanceWeekFactory(member=teams.jia.other)
    my_visit = VisitFactory(member=teams.jia.me, household=HouseholdFactory(village=geo.jia1))
    their_visit = VisitFactory(member=teams.jia.other, household=HouseholdFactory(village=geo.jia1))
    client = client_for(users.team_user)
    weeks = client.get(_changelist(AttendanceWeek)).context["cl"].result_list
    assert [w.pk for w in weeks] == [mine.pk]
    visits = client.get(_changelist(Visit)).context["cl"].result_list
    assert [v.pk for v in visits] == [my_visit.pk]
    assert client.get(_change(teammates)).status_code == 302
    assert client.get(_change(their_visit)).status_code == 302
    # Neither trainings nor inspections nor evaluations are theirs to see.
    for model in (TrainingSession, Inspection, Evaluation):
        assert client.get(_changelist(model)).status_code == 403


def test_team_member_cannot_record_attendance_for_a_teammate_in_admin(teams, users, client_for):
    client = client_for(users.team_user)
    response = client.post(reverse("admin:resident_teams_attendanceweek_add"), {
        "member": teams.jia.other.pk, "week_start": "2023-10-23", "days_on_station": 5, "nights_on_station": 4,
        "leave_days": 0,
    })
    assert response.status_code == 200  # the form is shown again with the error
    assert not AttendanceWeek.objects.exists()
    client.post(reverse("admin:resident_teams_attendanceweek_add"), {
        "member": teams.jia.me.pk, "week_start": "2023-10-23", "days_on_station": 5, "nights_on_station": 4,
        "leave_days": 0,
    })
    assert AttendanceWeek.objects.get().member == teams.jia.me


def test_team_member_page_shows_only_own_logs(teams, users, client_for, geo):
    AttendanceWeekFactory(member=teams.jia.me, week_start=MONDAY, days_on_station=6)
    AttendanceWeekFactory(member=teams.jia.other, week_start=MONDAY - datetime.timedelta(days=7), days_on_station=7)
    household = HouseholdFactory(village=geo.jia1, head_name="刘大伯")
    VisitFactory(member=teams.jia.me, household=household, content="我的走访")
    VisitFactory(member=teams.jia.other, household=household, content="队友的走访")
    response = client_for(users.team_user).get(reverse("resident_teams:my_records"))
    weeks, visits = response.context["weeks"], response.context["visits"]
    assert [(w.member_id, w.days_on_station) for w in weeks] == [(teams.jia.me.pk, 6)]
    assert [v.content for v in visits] == ["我的走访"]
    assert "队友的走访" not in response.content.decode()


def test_county_reviewer_of_another_county_gets_404_on_the_team_page(teams, users, client_for):
    url = reverse("resident_teams:team_detail", args=[teams.jia_team.pk])
    assert client_for(users.xia_reviewer).get(url).status_code == 404
    assert client_for(users.pinglu_leader).get(url).status_code == 200


def test_team_list_shows_only_teams_in_the_users_area(teams, users, client_for):
    response = client_for(users.xia_reviewer).get(reverse("resident_teams:team_list"))
    codes = [team.code for team in response.context["table"].data]
    assert codes == ["ZC-XX-001"]
    response = client_for(users.city_leader).get(reverse("resident_teams:team_list"))
    assert sorted(team.code for team in response.context["table"].data) == ["ZC-PL-001", "ZC-XX-001"]


def test_team_member_is_taken_from_the_team_list_to_their_own_page(teams, users, client_for):
    response = client_for(users.team_user).get(reverse("resident_teams:team_list"))
    assert response.status_code == 302 and response.url == reverse("resident_teams:my_records")
    assert client_for(users.team_user).get(reverse("resident_teams:team_detail", args=[teams.jia_team.pk])).status_code == 403


def test_unit_user_cannot_open_the_pages(teams, users, client_for):
    assert client_for(users.unit_user).get(reverse("resident_teams:team_list")).status_code == 403
    assert client_for(users.unit_user).get(reverse("resident_teams:my_records")).status_code == 403
