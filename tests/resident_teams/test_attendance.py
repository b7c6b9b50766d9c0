import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dashboard.catalogue import metric_values, metric_values_by_child
from resident_teams import selectors, services
from resident_teams.models import AttendanceWeek

from .factories import MONDAY, AttendanceWeekFactory, TeamMemberFactory, WorkTeamFactory


@pytest.mark.parametrize(
    ("days", "nights", "compliant"),
    [(4, 4, False), (5, 3, False), (5, 4, True), (7, 7, True), (0, 0, False)],
)
def test_weekly_compliance_is_computed_by_the_database_at_the_edges(teams, figures, days, nights, compliant):
    AttendanceWeekFactory(member=teams.jia.me, days_on_station=days, nights_on_station=nights)
    week = selectors.attendance_weeks(weeks=AttendanceWeek.objects.all()).get()
    assert week.compliant is compliant
    assert figures("teams.attendance_pct") == {"teams.attendance_pct": Decimal("100.00" if compliant else "0.00")}


def test_compliance_rate_of_the_city_and_of_each_county(teams, users):
    weeks = [MONDAY - datetime.timedelta(days=7 * i) for i in range(4)]
    # 甲一村 (平陆县): the secretary keeps every week, 李 misses one (5 days 3 nights), 王 misses two (4 days 4 nights).
    for i, week in enumerate(weeks):
        AttendanceWeekFactory(member=teams.jia.secretary, week_start=week, days_on_station=6, nights_on_station=5)
        AttendanceWeekFactory(member=teams.jia.me, week_start=week, days_on_station=5, nights_on_station=3 if i == 0 else 4)
        AttendanceWeekFactory(member=teams.jia.other, week_start=week, days_on_station=4 if i < 2 else 5,
                              nights_on_station=4)
    # 丙一村 (夏县): one member, one compliant week.
    AttendanceWeekFactory(member=teams.bing.m1, week_start=weeks[0])
    keys = ["teams.attendance_pct"]

    # 10 of 13 member-weeks in the city; 9 of 12 in 平陆县, 1 of 1 in 夏县
    assert metric_values(user=users.city_leader, area=None, year=2023, quarter=4, keys=keys) == {
        keys[0]: Decimal("76.92")}
    by_county = {area.code: values[keys[0]] for area, values in
                 metric_values_by_child(user=users.city_leader, area=None, year=2023, quarter=4, keys=keys)}
    assert (by_county["140829"], by_county["140828"]) == (Decimal("75.00"), Decimal("100.00"))


def test_team_list_counts_member_weeks_inside_the_period_only(teams):
    AttendanceWeekFactory(member=teams.jia.me, week_start=MONDAY)
    AttendanceWeekFactory(member=teams.jia.me, week_start=MONDAY - datetime.timedelta(days=7), days_on_station=3)
    AttendanceWeekFactory(member=teams.jia.other, week_start=MONDAY - datetime.timedelta(days=7 * 20))
    from resident_teams.models import WorkTeam

    team = selectors.team_list(teams=WorkTeam.objects.filter(pk=teams.jia_team.pk), on=datetime.date.today(),
                               week_from=MONDAY - datetime.timedelta(days=7 * 11), week_to=MONDAY).get()
    assert (team.member_count, team.secretary_count, team.member_weeks, team.compliant_weeks) == (3, 1, 2, 1)


def test_recording_a_week_keys_it_by_its_monday_and_corrects_it(teams, users):
    thursday = MONDAY + datetime.timedelta(days=3)
    services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=thursday, days_on_station=4,
                               nights_on_station=4)
    week = services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=MONDAY,
                                      days_on_station=5, nights_on_station=4)
    assert AttendanceWeek.objects.get().week_start == MONDAY
    assert week.is_compliant


def test_leave_needs_an_approver(teams, users):
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=MONDAY, days_on_station=4,
                                   nights_on_station=4,
                                   leave_days=1)
    assert "请假须填写审批人" in str(exc.value)
    week = services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=MONDAY,
                                      days_on_station=4, nights_on_station=4,
                                      leave_days=1, leave_approved_by="县委组织部 刘部长")
    assert not week.is_compliant


def test_more_than_seven_days_is_refused(teams, users):
    with pytest.raises(ValidationError):
        services.attendance_record(user=users.team_user, member=teams.jia.me, week_start=MONDAY, days_on_station=8,
                                   nights_on_station=4)


def test_a_week_before_the_member_joined_is_refused(geo, users):
    member = TeamMemberFactory(team=WorkTeamFactory(village=geo.jia2), joined_on=MONDAY)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(user=users.pinglu_reviewer, member=member,
                                   week_start=MONDAY - datetime.timedelta(days=7),
                                   days_on_station=5, nights_on_station=4)
    assert "不在该队员的在岗期间内" in str(exc.value)
