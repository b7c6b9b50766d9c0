"""A hand-built period for provincial review: 2023 Q3 in 平陆县 140829.

    甲一村 140829100200: 脱贫户 P1, P2, P3 with their Q3 income, P4 without → 3 of 4 = 75 %, P4 missing
    甲二村 140829100201: 脱贫户 P5 with its Q3 income → complete
    工作队 T1 at 甲一村: member 书记 on post the whole quarter, every week filled except 2023-08-14
    Issues of 平陆: Q1 overdue (deadline 2023-06-30) with an update after it; Q2 overdue without one
"""

import datetime
from types import SimpleNamespace

import pytest

from tests.dashboard.conftest import _household, _income, _reference_data
from yuncheng.idcard import make_id_number

d = datetime.date
YEAR, QUARTER = 2023, 3
MISSING_WEEK = d(2023, 8, 14)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def period(geo):
    from django.utils import timezone

    from rectification.models import Aspect, Category, Issue, IssueTransition
    from resident_teams.models import AttendanceWeek, TeamMember, WorkTeam

    _reference_data()
    households = {code: _household(code, village, poverty=True)
                  for code, village in (("P1", geo.jia1), ("P2", geo.jia1), ("P3", geo.jia1), ("P4", geo.jia1),
                                        ("P5", geo.jia2))}
    for code in ("P1", "P2", "P3", "P5"):
        _income(households[code], YEAR, 12000, 2)
    team = WorkTeam.objects.create(code="T1", name="甲一村工作队", dispatch_unit="市直单位", dispatch_level="city",
                                   station_kind="village", village=geo.jia1, station_code=geo.jia1.code,
                                   county=geo.pinglu, is_poverty_village_station=True, arrived_on=d(2022, 1, 1))
    secretary = TeamMember.objects.create(team=team, name="书记", role="secretary", unit="市直单位",
                                          joined_on=d(2022, 1, 1),
                                          id_number=make_id_number("140800", d(1985, 1, 1), 11, True))
    monday = d(2023, 7, 3)
    while monday <= d(2023, 9, 30):
        if monday != MISSING_WEEK:
            AttendanceWeek.objects.create(member=secretary, week_start=monday, days_on_station=5, nights_on_station=4)
        monday += datetime.timedelta(days=7)
    aspect = Aspect.objects.get_or_create(name="测试方面")[0]
    category = Category.objects.get_or_create(aspect=aspect, name="测试类别")[0]
    q1 = Issue.objects.create(number="YC-2023-0101", description="问题一", source="city", aspect=aspect,
                              category=category, county=geo.pinglu, village=geo.jia1, found_date=d(2023, 3, 1),
                              deadline=d(2023, 6, 30), status="in_progress")
    q2 = Issue.objects.create(number="YC-2023-0102", description="问题二", source="city", aspect=aspect,
                              category=category, county=geo.pinglu, village=geo.jia2, found_date=d(2023, 3, 1),
                              deadline=d(2023, 6, 30), status="in_progress")
    IssueTransition.objects.create(issue=q1, action="start", from_status="pending", to_status="in_progress",
                                   at=timezone.make_aware(datetime.datetime(2023, 7, 15, 10)))
    return SimpleNamespace(households=households, team=team, secretary=secretary, q1=q1, q2=q2)


@pytest.fixture
def enter_income():
    def enter(household, net=12000):
        return _income(household, YEAR, net, 2)

    return enter


