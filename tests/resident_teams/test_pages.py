import datetime

import pytest
from django.urls import reverse

from resident_teams import services
from resident_teams.models import DispatchLevel, MemberRole

from .factories import (
    MONDAY,
    AttendanceWeekFactory,
    EvaluationFactory,
    HouseholdFactory,
    TeamMemberFactory,
    VisitFactory,
    WorkTeamFactory,
)

LIST = reverse("resident_teams:team_list")


def codes(response):
    return sorted(team.code for team in response.context["table"].data)


@pytest.fixture
def more_teams(teams, geo):
    """A province-dispatched 示范村 team at 甲二村 whose members missed a week, and a township team."""
    demo = WorkTeamFactory(code="ZC-PL-002", village=geo.jia2, is_poverty_village_station=False,
                           is_demo_village_station=True, dispatch_level=DispatchLevel.PROVINCE)
    secretary = TeamMemberFactory(team=demo, role=MemberRole.FIRST_SECRETARY)
    TeamMemberFactory(team=demo)
    TeamMemberFactory(team=demo)
    AttendanceWeekFactory(member=secretary, week_start=MONDAY, days_on_station=4)
    AttendanceWeekFactory(member=teams.jia.me, week_start=MONDAY)
    township = WorkTeamFactory(code="ZC-PL-003", township=geo.yi, is_poverty_village_station=False,
                               is_key_township_station=True, dispatch_level=DispatchLevel.COUNTY)
    TeamMemberFactory(team=township, role=MemberRole.FIRST_SECRETARY)
    return demo, township


def test_city_leader_filters_teams_by_county_station_type_and_level(more_teams, users, client_for):
    client = client_for(users.city_leader)
    assert codes(client.get(LIST, {"county": "140828"})) == ["ZC-XX-001"]
    assert codes(client.get(LIST, {"station_type": "demo_village"})) == ["ZC-PL-002"]
    assert codes(client.get(LIST, {"station_type": "key_township"})) == ["ZC-PL-003"]
    assert codes(client.get(LIST, {"station_type": "poverty_village"})) == ["ZC-PL-001", "ZC-XX-001"]
    assert codes(client.get(LIST, {"dispatch_level": "province"})) == ["ZC-PL-002"]


def test_team_list_filters_by_compliance_and_by_the_team_rule(more_teams, users, client_for):
    client = client_for(users.pinglu_reviewer)
    assert codes(client.get(LIST, {"compliance": "all"})) == ["ZC-PL-001"]
    assert codes(client.get(LIST, {"compliance": "missed"})) == ["ZC-PL-002"]
    assert codes(client.get(LIST, {"compliance": "none"})) == ["ZC-PL-003"]
    assert codes(client.get(LIST, {"rule": "broken"})) == ["ZC-PL-003"]
    response = client.get(LIST, {"rule": "broken"})
    assert "不符合" in response.content.decode()


def test_departed_team_is_not_listed(teams, users, client_for):
    teams.bing_team.departed_on = datetime.date(2022, 12, 31)
    teams.bing_team.save()
    assert codes(client_for(users.city_admin).get(LIST)) == ["ZC-PL-001"]


def test_team_list_query_count_does_not_grow_with_teams(more_teams, users, client_for, django_assert_num_queries):
    client = client_for(users.city_admin)
    client.get(LIST)  # warm the session
    # session, user with profile, user permissions, group permissions, the latest recorded week (scoped),
    # county choices of the filter, count, the page of teams (annotated, stations joined)
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["table"].rows) == 4


def test_team_page_shows_members_calendar_visits_and_evaluations(teams, users, client_for, geo):
    for week in (MONDAY, MONDAY - datetime.timedelta(days=7)):
        AttendanceWeekFactory(member=teams.jia.secretary, week_start=week)
        AttendanceWeekFactory(member=teams.jia.me, week_start=week, days_on_station=5, nights_on_station=3)
    household = HouseholdFactory(village=geo.jia1, head_name="刘大伯", is_monitored=True)
    HouseholdFactory(village=geo.jia1, is_monitored=True)
    VisitFactory(member=teams.jia.me, household=household, visited_on=MONDAY, content="核实务工收入")
    EvaluationFactory(team=teams.jia_team, score=95, honour_list="red")
    response = client_for(users.pinglu_leader).get(reverse("resident_teams:team_detail", args=[teams.jia_team.pk]))
    page = response.content.decode()
    assert "张书记" in page and "第一书记" in page
    assert teams.jia.me.id_number not in page and teams.jia.me.id_number[-4:] in page  # masked for a leader
    calendar = response.context["calendar"]
    assert calendar["weeks"] == [MONDAY, MONDAY - datetime.timedelta(days=7)]
    first_row = [(cell.compliant if cell else None) for cell in calendar["rows"][0][1]]
    assert first_row == [True, False, None]  # 张 5天4夜, 李 5天3夜, 王 no record
    assert "核实务工收入" in page and "红榜" in page
    coverage = response.context["coverage"]
    assert (coverage.households, coverage.visited) == (2, 1)


def test_team_page_query_count_is_fixed(teams, users, client_for, geo, django_assert_num_queries):
    AttendanceWeekFactory(member=teams.jia.me)
    VisitFactory(member=teams.jia.me, household=HouseholdFactory(village=geo.jia1, is_monitored=True))
    EvaluationFactory(team=teams.jia_team)
    client = client_for(users.pinglu_reviewer)
    url = reverse("resident_teams:team_detail", args=[teams.jia_team.pk])
    client.get(url)
    # session, user with profile, user + group permissions (2), the team (scoped), the team annotated,
    # members, calendar weeks, calendar cells, coverage, visits, evaluations
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["team"].code == "ZC-PL-001"


def test_team_member_page_query_count_is_fixed(teams, users, client_for, geo, django_assert_num_queries):
    AttendanceWeekFactory(member=teams.jia.me)
    VisitFactory(member=teams.jia.me, household=HouseholdFactory(village=geo.jia1))
    client = client_for(users.team_user)
    url = reverse("resident_teams:my_records")
    client.get(url)
    # session, user with profile, own member record with team and station, user + group permissions (2),
    # household choices, own weeks, own visits
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["member"] == teams.jia.me


def test_team_member_records_a_week_and_a_visit_on_their_page(teams, users, client_for, geo):
    household = HouseholdFactory(village=geo.jia1, head_name="刘大伯")
    client = client_for(users.team_user)
    url = reverse("resident_teams:my_records")
    response = client.post(url, {"form": "attendance", "week_start": "2023-10-26", "days_on_station": 5,
                                 "nights_on_station": 4, "leave_days": 0}, follow=True)
    assert "已保存 2023-10-23 起一周的考勤（五天四夜达标）" in response.content.decode()
    response = client.post(url, {"form": "visit", "household": household.pk, "visited_on": "2023-10-25",
                                 "content": "了解就业意愿"}, follow=True)
    assert "已保存走访记录" in response.content.decode()
    assert teams.jia.me.visits.get().household == household


def test_team_member_is_told_when_attendance_is_invalid(teams, users, client_for):
    response = client_for(users.team_user).post(reverse("resident_teams:my_records"), {
        "form": "attendance", "week_start": "2023-10-23", "days_on_station": 4, "nights_on_station": 4,
        "leave_days": 2})
    assert response.status_code == 200
    assert "请假须填写审批人" in response.content.decode()


def test_team_member_cannot_visit_a_household_outside_the_station(teams, users, client_for, geo):
    elsewhere = HouseholdFactory(village=geo.jia2)
    response = client_for(users.team_user).post(reverse("resident_teams:my_records"), {
        "form": "visit", "household": elsewhere.pk, "visited_on": "2023-10-25", "content": "走访"})
    assert response.status_code == 200
    assert not teams.jia.me.visits.exists()


def test_recalled_member_login_cannot_record(teams, users, client_for):
    services.member_recall(user=users.pinglu_reviewer, member=teams.jia.me, recalled_on=datetime.date(2023, 1, 1),
                           reason="不胜任")
    response = client_for(users.team_user).get(reverse("resident_teams:my_records"))
    assert "您的账号未关联在岗驻村队员" in response.content.decode()
