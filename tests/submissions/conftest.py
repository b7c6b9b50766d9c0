"""A hand-built period for provincial review: 2023 Q3 in 平陆县 140829.

    甲一村 140829100200: 脱贫户 P1, P2, P3 with their Q3 income, P4 without → 3 of 4 = 75 %, P4 missing
    甲二村 140829100201: 脱贫户 P5 with its Q3 income → complete
    工作队 T1 at 甲一村: member 书记 on post the whole quarter, every week filled except 2023-08-14
    Issues of 平陆: Q1 overdue (deadline 2023-06-30) with an update after it; Q2 overdue without one
"""

import datetime
from decimal import Decimal
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
def competition(period, users):
    """大比拼 rounds 2022 and 2023 (the hand-computed example is in test_competition.py)."""
    from rectification.models import ResponsibleUnit
    from submissions.models import CompetitionRound, ItemKind, Participant, ParticipantKind, ScoringItem
    from submissions.services import score_enter
    from villages.models import County

    counties = {code: County.objects.get(code=code) for code in ("140829", "140828", "140802", "140830")}
    unit = ResponsibleUnit.objects.get_or_create(name="市人社局")[0]
    unit.users.add(users.unit_user)

    def make_round(year, codes):
        competition = CompetitionRound.objects.create(year=year, name=f"{year}年度大比拼", quarter=3)
        participants = {code: Participant.objects.create(round=competition, kind=ParticipantKind.COUNTY,
                                                         county=counties[code]) for code in codes}
        field = ScoringItem.objects.create(round=competition, name="实地核查", kind=ItemKind.ENTERED, weight=60,
                                           sort_order=2)
        field.evaluators.add(users.city_leader)
        return competition, participants, field

    before, before_p, before_field = make_round(2022, ["140829", "140828"])
    score_enter(user=users.city_leader, item=before_field, participant=before_p["140828"], score=Decimal(80))
    score_enter(user=users.city_leader, item=before_field, participant=before_p["140829"], score=Decimal(60))

    now, participants, field = make_round(2023, list(counties))
    overdue = ScoringItem.objects.create(round=now, name="逾期问题", kind=ItemKind.COMPUTED, weight=40,
                                         metric_key="issues.overdue", zero_value=4, full_value=0, sort_order=1)
    department = Participant.objects.create(round=now, kind=ParticipantKind.DEPARTMENT, unit=unit)
    evaluation = ScoringItem.objects.create(round=now, name="部门评价", kind=ItemKind.ENTERED, weight=100,
                                            applies_to=ParticipantKind.DEPARTMENT, sort_order=3)
    evaluation.evaluators.add(users.unit_user)
    for code, score in (("140829", 100), ("140828", 50), ("140802", 50)):
        score_enter(user=users.city_leader, item=field, participant=participants[code], score=Decimal(score))
    score_enter(user=users.unit_user, item=evaluation, participant=department, score=Decimal(90))
    return {"round": now, "field": field, "overdue": overdue, "evaluation": evaluation, "department": department,
            "participants": participants}


@pytest.fixture
def enter_income():
    def enter(household, net=12000):
        return _income(household, YEAR, net, 2)

    return enter


