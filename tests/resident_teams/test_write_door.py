"""Writes of 驻村帮扶 through one door: areas are choices of the writer's area, a team's member account
is a 驻村队员 of the team's county, and a double-submitted week is a message, not a 500."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from accounts.roles import Role
from resident_teams import services
from resident_teams.models import (
    AnnualGrade,
    AttendanceWeek,
    Evaluation,
    EvaluationKind,
    Inspection,
    MemberRole,
    TeamMember,
    TrainingKind,
    TrainingSession,
    Visit,
)
from yuncheng.idcard import make_id_number

from ..admin_forms import admin_form_data, inline_prefixes, refusing_service
from .factories import MONDAY, EvaluationFactory, HouseholdFactory, InspectionFactory, TrainingSessionFactory

ID = make_id_number("140829", datetime.date(1985, 3, 1), 11, True)

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
    services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=MONDAY, days_on_station=4,
                               nights_on_station=3)
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


# ---------------------------------------------------------------- the page services take the acting user


def test_a_reviewer_of_another_county_cannot_record_a_pinglu_members_week(teams, users):
    with pytest.raises(services.PermissionDenied):
        services.attendance_record(user=users.xia_reviewer, member=teams.jia.me, week_start=MONDAY,
                                   days_on_station=5, nights_on_station=4)
    assert not AttendanceWeek.objects.exists()


def test_a_team_member_records_only_their_own_week(teams, users):
    with pytest.raises(services.PermissionDenied, match="只能为本人或本辖区工作队的队员填报"):
        services.attendance_record(user=users.team_user, member=teams.jia.other, week_start=MONDAY,
                                   days_on_station=5, nights_on_station=4)
    assert not AttendanceWeek.objects.exists()


def test_a_team_member_records_no_visit_for_a_colleague_or_another_county(teams, users, geo):
    household = HouseholdFactory(village=geo.jia1)
    with pytest.raises(services.PermissionDenied):
        services.visit_record(user=users.team_user, member=teams.jia.other, household=household,
                              visited_on=MONDAY, content="走访")
    with pytest.raises(services.PermissionDenied):
        services.visit_record(user=users.xia_reviewer, member=teams.jia.me, household=household,
                              visited_on=MONDAY, content="走访")
    assert not Visit.objects.exists()


def test_a_reviewer_of_another_county_adds_no_member_to_a_pinglu_team(teams, users):
    with pytest.raises(services.ValidationError, match="所选工作队不在您的管辖范围内"):
        services.member_add(user=users.xia_reviewer, team=teams.jia_team, name="外县人", id_number=ID,
                            role=MemberRole.MEMBER, unit="夏县农业农村局", joined_on=MONDAY)
    assert not TeamMember.objects.filter(name="外县人").exists()


def test_member_add_links_only_a_team_member_account_of_the_teams_county(teams, users, make_user):
    outsider = make_user("xia_team_user", Role.TEAM_MEMBER, "140828100200")
    with pytest.raises(services.ValidationError, match="不属于"):
        services.member_add(user=users.pinglu_reviewer, team=teams.jia_team, name="新队员", id_number=ID,
                            role=MemberRole.MEMBER, unit="平陆县委组织部", joined_on=MONDAY, account=outsider)
    assert not TeamMember.objects.filter(name="新队员").exists()


def test_a_reviewer_of_another_county_cannot_recall_a_pinglu_member(teams, users):
    with pytest.raises(services.PermissionDenied):
        services.member_recall(user=users.xia_reviewer, member=teams.jia.other, recalled_on=MONDAY, reason="不胜任")
    assert TeamMember.objects.get(pk=teams.jia.other.pk).recalled_on is None


# ---------------------------------------------------------------- trainings, inspections, evaluations


@pytest.mark.parametrize("code", ["140827", "140828100", "140829999", "140800"])
def test_a_training_is_organised_only_by_an_area_of_the_writer(teams, users, code):
    session = TrainingSession(title="驻村干部轮训", kind=TrainingKind.CENTRAL, held_on=datetime.date(2023, 5, 6),
                              area_code=code, organizer="平陆县委组织部", attendees=40)
    with pytest.raises(services.ValidationError, match="不是您管辖范围内的区域"):
        services.training_save(user=users.pinglu_reviewer, session=session)
    assert not TrainingSession.objects.exists()


def test_a_county_training_is_saved_and_the_city_administrator_may_organise_the_citys(teams, users):
    session = services.training_save(user=users.pinglu_reviewer, session=TrainingSession(
        title="驻村干部轮训", kind=TrainingKind.CENTRAL, held_on=datetime.date(2023, 5, 6), area_code="140829100",
        organizer="甲镇党委", attendees=40))
    city = services.training_save(user=users.city_admin, session=TrainingSession(
        title="全市轮训", kind=TrainingKind.CENTRAL, held_on=datetime.date(2023, 5, 6), area_code="140800",
        organizer="市委组织部", attendees=300))
    assert (session.area_code, city.area_code) == ("140829100", "140800")


def test_an_inspection_of_another_countys_team_is_refused(teams, users):
    inspection = Inspection(group="县暗访组", inspected_on=datetime.date(2023, 9, 12), team=teams.bing_team)
    with pytest.raises(services.ValidationError, match="被暗访工作队不在您的管辖范围内"):
        services.inspection_save(user=users.pinglu_reviewer, inspection=inspection)
    inspection = services.inspection_save(user=users.pinglu_reviewer, inspection=Inspection(
        group="县暗访组", inspected_on=datetime.date(2023, 9, 12), team=teams.jia_team, area_code="140827"))
    assert inspection.area_code == teams.jia_team.station_code  # the team's station, not the typed code


def test_an_evaluation_of_another_countys_team_or_member_is_refused(teams, users):
    bimonthly = Evaluation(team=teams.bing_team, kind=EvaluationKind.BIMONTHLY, year=2023, bimonth=3, score=90)
    with pytest.raises(services.ValidationError, match="工作队不在您的管辖范围内"):
        services.evaluation_save(user=users.pinglu_reviewer, evaluation=bimonthly)
    annual = Evaluation(team=teams.jia_team, member=teams.bing.m1, kind=EvaluationKind.ANNUAL, year=2023,
                        grade=AnnualGrade.GOOD)
    with pytest.raises(services.ValidationError, match="队员不在您的管辖范围内"):
        services.evaluation_save(user=users.pinglu_reviewer, evaluation=annual)
    assert not Evaluation.objects.exists()


# ---------------------------------------------------------------- the admin saves through the services


ADMIN_SERVICES = [
    ("trainingsession", "training_save"),
    ("inspection", "inspection_save"),
    ("evaluation", "evaluation_save"),
    ("attendanceweek", "attendance_record"),
    ("visit", "visit_save"),
]


@pytest.mark.parametrize(("model_name", "service"), ADMIN_SERVICES)
def test_the_admin_form_saves_through_the_apps_service(teams, users, client_for, geo, monkeypatch, model_name,
                                                       service):
    record = _one_record(model_name, teams, geo)
    calls = refusing_service(monkeypatch, services, service)
    client = client_for(users.pinglu_reviewer)
    url = reverse(f"admin:resident_teams_{model_name}_change", args=[record.pk])
    response = client.post(url, admin_form_data(client.get(url)), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["服务拒绝"]
    assert calls and calls[0]["user"] == users.pinglu_reviewer


def test_a_team_member_cannot_enter_a_colleagues_week_in_the_admin(teams, users, client_for):
    client = client_for(users.team_user)
    url = reverse("admin:resident_teams_attendanceweek_add")
    data = admin_form_data(client.get(url))
    data.update(member=str(teams.jia.other.pk), week_start=MONDAY.isoformat(), days_on_station="5",
                nights_on_station="4", leave_days="0")
    response = client.post(url, data)
    assert response.status_code == 200  # the member field offers the user's own member record only
    assert not AttendanceWeek.objects.exists()


def _one_record(model_name, teams, geo):
    if model_name == "trainingsession":
        return TrainingSessionFactory(area_code="140829")
    if model_name == "inspection":
        return InspectionFactory(team=teams.jia_team)
    if model_name == "evaluation":
        return EvaluationFactory(team=teams.jia_team)
    if model_name == "attendanceweek":
        return services.attendance_record(user=teams.jia.me.user, member=teams.jia.me, week_start=MONDAY,
                                          days_on_station=4, nights_on_station=3)
    return services.visit_record(user=teams.jia.me.user, member=teams.jia.me,
                                 household=HouseholdFactory(village=geo.jia1), visited_on=MONDAY, content="走访")


def test_a_reviewer_creates_no_team_stationed_in_another_county(geo, users):
    with pytest.raises(services.ValidationError, match="所选派驻行政村不在您的管辖范围内"):
        services.team_create(user=users.pinglu_reviewer, code="ZC-XX-099", name="丙一村工作队", village=geo.bing1,
                             dispatch_unit="夏县委组织部", dispatch_level="county", arrived_on=MONDAY)
    assert not services.WorkTeam.objects.filter(code="ZC-XX-099").exists()


def test_a_team_member_enters_their_own_week_and_visit_in_the_admin_through_the_services(teams, users, client_for,
                                                                                         geo):
    household = HouseholdFactory(village=geo.jia1)
    client = client_for(users.team_user)
    url = reverse("admin:resident_teams_attendanceweek_add")
    data = admin_form_data(client.get(url))
    data.update(member=str(teams.jia.me.pk), week_start=(MONDAY + datetime.timedelta(days=2)).isoformat(),
                days_on_station="5", nights_on_station="4", leave_days="0")
    assert client.post(url, data).status_code == 302
    week = AttendanceWeek.objects.get(member=teams.jia.me)
    assert (week.week_start, week.days_on_station) == (MONDAY, 5)  # keyed by its Monday, as on the page
    url = reverse("admin:resident_teams_visit_add")
    data = admin_form_data(client.get(url))
    data.update(member=str(teams.jia.me.pk), household=str(household.pk), visited_on=MONDAY.isoformat(),
                content="  了解务工情况 ")
    assert client.post(url, data).status_code == 302
    assert Visit.objects.get(member=teams.jia.me).content == "了解务工情况"
