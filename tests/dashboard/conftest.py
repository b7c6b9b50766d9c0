"""A small city whose every figure for 2023 Q3 is known by hand (see the comments; the tests assert
those numbers, never what the catalogue computes).

平陆县 140829: 甲一村 (脱贫村) H1, H2; 甲二村 H3; 乙一村 H4, H5.   夏县 140828: 丙一村 H6.

    H1 甲一村 脱贫户           3 persons: A 40 ordinary · B 70 ordinary · C 10 none
       monitored 2023-03 (脱贫不稳定户, 基层干部排查, 因病 + 因残), at risk; 产业帮扶 from 2023-04
    H2 甲一村 脱贫户 搬迁      2 persons: D 30 skilled (works 省内县外 2023) · E 28 weak
       monitored 2022-11 (边缘易致贫户, 农户自主申报, 因病), eliminated 2023-08
    H3 甲二村 脱贫户 搬迁      1 person:  F 35 ordinary, nobody employed → relocated and jobless
    H4 乙一村 一般农户         monitored 2023-10 (after the period: not counted)
    H5 乙一村 一般农户         record only submitted (not county-approved: not counted)
    H6 丙一村 脱贫户           2 persons: G 45 ordinary (works 县内 2023) · H 50 lost labour
       monitored 2023-06 (突发严重困难户, 部门筛查预警, 住房安全), at risk, no measure

Income (cumulative to Q3; net / persons):  2023: H1 30000/3, H2 24000/2, H3 5000/1, H6 16000/2
                                          2022: H1 24000/3, H2 20000/2, H3 4000/1, H6 14000/2
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from yuncheng.idcard import make_id_number

END = datetime.date(2023, 9, 30)
_seq = iter(range(1, 10_000))


def _born(age: int) -> datetime.date:
    return datetime.date(END.year - age, 6, 1)


def _member(household, name, age, skill, relation="other"):
    from monitoring.models import Member

    born = _born(age)
    return Member.objects.create(
        household=household, name=name, id_number=make_id_number("140829", born, next(_seq) * 2 + 1, True),
        sex="男", birth_date=born, relation=relation, labour_skill=skill,
    )


def _household(code, village, *, poverty=False, relocated=False):
    from monitoring.models import Household

    return Household.objects.create(code=code, village=village, head_name=f"户主{code}",
                                    is_poverty_alleviated=poverty, is_relocated=relocated)


def _income(household, year, net, persons):
    from monitoring.models import IncomeRecord

    record = IncomeRecord(household=household, year=year, quarter=3, wage_income=Decimal(net), persons=persons)
    record.compute()
    record.save()
    return record


def _record(household, month, category, channel, risks, *, status="approved", eliminated=None):
    from monitoring.models import MonitoringRecord, RiskType

    record = MonitoringRecord.objects.create(
        household=household, category=category, channel=channel, identified_month=month, status=status,
        elimination_status="approved" if eliminated else "none",
        elimination_mode="assisted" if eliminated else "", elimination_month=eliminated,
    )
    record.risk_types.set(RiskType.objects.filter(code__in=risks))
    return record


def _sync_size(*households):
    for household in households:
        household.size = household.members.count()
        household.save()


def _reference_data():
    """The reference rows the monitoring migration loads (a transactional live-server test flushes them)."""
    from monitoring.models import DibaoStandard, MonitoringThreshold, RiskType

    for order, (code, name) in enumerate([("illness", "因病"), ("disability", "因残"), ("housing", "住房安全")]):
        RiskType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    MonitoringThreshold.objects.get_or_create(year=2023, defaults={"amount": Decimal("7100")})
    DibaoStandard.objects.get_or_create(year=2023, defaults={"amount": Decimal("6237")})


@pytest.fixture
def registry(geo):
    from monitoring.models import AssistanceMeasure, Employment, EmploymentTarget

    d = datetime.date
    _reference_data()
    h1 = _household("H1", geo.jia1, poverty=True)
    h2 = _household("H2", geo.jia1, poverty=True, relocated=True)
    h3 = _household("H3", geo.jia2, poverty=True, relocated=True)
    h4 = _household("H4", geo.yi1)
    h5 = _household("H5", geo.yi1)
    h6 = _household("H6", geo.bing1, poverty=True)
    a = _member(h1, "甲", 40, "ordinary", "head")
    _member(h1, "乙", 70, "ordinary")
    _member(h1, "丙", 10, "none")
    dd = _member(h2, "丁", 30, "skilled", "head")
    _member(h2, "戊", 28, "weak")
    f = _member(h3, "己", 35, "ordinary", "head")
    _member(h4, "庚", 33, "ordinary", "head")
    _member(h5, "辛", 33, "ordinary", "head")
    g = _member(h6, "壬", 45, "ordinary", "head")
    _member(h6, "癸", 50, "lost")
    _sync_size(h1, h2, h3, h4, h5, h6)
    Employment.objects.create(member=dd, year=2023, location="province", months=8)
    Employment.objects.create(member=g, year=2023, location="county", months=6)
    Employment.objects.create(member=f, year=2022, location="outside", months=6)  # another year
    _record(h1, d(2023, 3, 1), "unstable", "cadre", ["illness", "disability"])
    _record(h2, d(2022, 11, 1), "marginal", "self_apply", ["illness"], eliminated=d(2023, 8, 1))
    _record(h4, d(2023, 10, 1), "marginal", "cadre", ["illness"])
    _record(h5, d(2023, 1, 1), "marginal", "cadre", ["illness"], status="submitted")
    _record(h6, d(2023, 6, 1), "sudden", "department", ["housing"])
    AssistanceMeasure.objects.create(household=h1, measure_type="industry", start_date=d(2023, 4, 1))
    AssistanceMeasure.objects.create(household=h6, measure_type="health", start_date=d(2023, 7, 1))
    for household, now, then, persons in ((h1, 30000, 24000, 3), (h2, 24000, 20000, 2), (h3, 5000, 4000, 1),
                                          (h6, 16000, 14000, 2)):
        _income(household, 2023, now, persons)
        _income(household, 2022, then, persons)
    _income(h4, 2023, 1000, 1)  # below the line, but H4 is neither 脱贫户 nor monitored by Q3
    EmploymentTarget.objects.create(area_code="140800", year=2023, migrant_target=2)
    EmploymentTarget.objects.create(area_code="140829", year=2023, migrant_target=1)
    return SimpleNamespace(h1=h1, h2=h2, h3=h3, h4=h4, h5=h5, h6=h6, a=a, d=dd, f=f, g=g)


@pytest.fixture
def resources(geo, registry):
    """Workshops, PV, projects, consumption and the collective economy (2023)."""
    from assistance.models import (
        AssistanceProject,
        ConsumptionPlatform,
        ConsumptionSale,
        PVEmployee,
        PVIncome,
        PVStation,
        Workshop,
        WorkshopEmployee,
    )
    from villages.models import VillageCollectiveEconomy

    d = datetime.date
    w1 = Workshop.objects.create(village=geo.jia1, name="甲一车间", operating_since=d(2022, 1, 1))
    Workshop.objects.create(village=geo.bing1, name="丙一车间", operating_since=d(2021, 1, 1),
                            operating_until=d(2023, 5, 31), is_operating=False)
    WorkshopEmployee.objects.create(workshop=w1, name="甲", member=registry.a, hired_on=d(2023, 1, 1))
    WorkshopEmployee.objects.create(workshop=w1, name="王五", hired_on=d(2023, 2, 1))
    WorkshopEmployee.objects.create(workshop=w1, name="赵六", hired_on=d(2023, 1, 1), left_on=d(2023, 6, 15))
    p1 = PVStation.objects.create(village=geo.jia2, name="甲二电站", capacity_kw=Decimal("100"),
                                  connected_on=d(2020, 6, 1))
    PVIncome.objects.create(station=p1, year=2023, income=Decimal("12345.67"), posts=3)
    PVIncome.objects.create(station=p1, year=2022, income=Decimal("999"), posts=9)
    PVEmployee.objects.create(station=p1, year=2023, name="己", member=registry.f)
    PVEmployee.objects.create(station=p1, year=2023, name="路人")
    PVEmployee.objects.create(station=p1, year=2022, name="甲", member=registry.a)
    AssistanceProject.objects.create(county=geo.pinglu, name="衔接项目", funding_source="linkage",
                                     amount=Decimal("1000000"), year=2023)
    AssistanceProject.objects.create(county=geo.pinglu, village=geo.jia1, name="帮扶项目", funding_source="unit",
                                     amount=Decimal("50000"), year=2023, unit_name="市人社局")
    AssistanceProject.objects.create(county=geo.xia, name="小项目", funding_source="unit", amount=Decimal("5000"),
                                     year=2023, unit_name="市农业农村局")
    AssistanceProject.objects.create(county=geo.xia, name="取消项目", funding_source="linkage",
                                     amount=Decimal("999"), year=2023, status="cancelled")
    AssistanceProject.objects.create(county=geo.xia, name="去年项目", funding_source="linkage",
                                     amount=Decimal("7"), year=2022)
    x = ConsumptionPlatform.objects.create(name="平台甲")
    y = ConsumptionPlatform.objects.create(name="平台乙")
    ConsumptionSale.objects.create(platform=x, county=geo.pinglu, year=2023, quarter=2, amount=Decimal("100000"),
                                   beneficiaries=10)
    ConsumptionSale.objects.create(platform=y, county=geo.xia, year=2023, month=8, amount=Decimal("50000"),
                                   beneficiaries=5)
    ConsumptionSale.objects.create(platform=y, county=geo.pinglu, year=2023, quarter=4, amount=Decimal("9999"),
                                   beneficiaries=99)
    for village, income, coops, services in ((geo.jia1, 350000, 2, 1), (geo.jia2, 150000, 1, 0),
                                             (geo.yi1, 90000, 0, 0), (geo.bing1, 100000, 0, 0)):
        VillageCollectiveEconomy.objects.create(village=village, year=2023, income=Decimal(income),
                                                party_branch_cooperatives=coops, trusteeship_services=services)


@pytest.fixture
def teams(geo):
    """Teams, members, attendance, trainings and inspections."""
    from resident_teams.models import AttendanceWeek, Inspection, TeamMember, TrainingSession, WorkTeam

    d = datetime.date

    def team(code, **kwargs):
        return WorkTeam.objects.create(code=code, name=f"{code}队", dispatch_unit="市直单位", dispatch_level="city",
                                       **kwargs)

    t1 = team("T1", station_kind="village", village=geo.jia1, station_code=geo.jia1.code, county=geo.pinglu,
              is_poverty_village_station=True, is_demo_village_station=True, arrived_on=d(2022, 1, 1))
    team("T2", station_kind="township", township=geo.yi, station_code=geo.yi.code, county=geo.pinglu,
         is_key_township_station=True, arrived_on=d(2023, 1, 1), departed_on=d(2023, 6, 30))
    t3 = team("T3", station_kind="village", village=geo.bing1, station_code=geo.bing1.code, county=geo.xia,
              is_poverty_village_station=True, arrived_on=d(2021, 3, 1))

    def member(t, name, role, joined=d(2022, 1, 1), left=None):
        return TeamMember.objects.create(team=t, name=name, role=role, unit="单位", joined_on=joined, left_on=left,
                                         id_number=make_id_number("140800", d(1985, 1, 1), next(_seq) * 2 + 1, True))

    s1 = member(t1, "书记一", "secretary")
    member(t1, "队员一", "member")
    member(t1, "队员二", "member")
    member(t1, "队员三", "member", left=d(2023, 5, 1))
    member(t3, "书记三", "secretary")
    m3 = member(t3, "队员四", "member")
    for who, week, days, nights in ((s1, d(2023, 7, 3), 5, 4), (s1, d(2023, 7, 10), 4, 4), (m3, d(2023, 8, 7), 5, 3),
                                    (m3, d(2023, 8, 14), 6, 5), (s1, d(2023, 6, 26), 5, 4)):
        AttendanceWeek.objects.create(member=who, week_start=week, days_on_station=days, nights_on_station=nights)
    TrainingSession.objects.create(title="书记讲给书记听", kind="peer", held_on=d(2023, 5, 1), area_code="140800",
                                   organizer="市乡村振兴局", attendees=30)
    TrainingSession.objects.create(title="集中轮训", kind="central", held_on=d(2023, 6, 1), area_code="140829",
                                   organizer="平陆县", attendees=20)
    TrainingSession.objects.create(title="去年", kind="peer", held_on=d(2022, 6, 1), area_code="140829",
                                   organizer="平陆县", attendees=99)
    Inspection.objects.create(group="第一暗访组", inspected_on=d(2023, 5, 1), team=t1, area_code=geo.jia1.code,
                              notification_issued=True, notified_on=d(2023, 5, 10), findings_count=2)
    Inspection.objects.create(group="第二暗访组", inspected_on=d(2023, 5, 2), area_code="140828")
    Inspection.objects.create(group="第三暗访组", inspected_on=d(2023, 10, 2), area_code="140828",
                              notification_issued=True, notified_on=d(2023, 11, 1))


@pytest.fixture
def ledger(geo):
    """Issues found in 2023 (and one in 2022) and supervision letters."""
    from rectification.models import Aspect, Category, Issue, ResponsibleUnit, SupervisionLetter

    d = datetime.date
    a1 = Aspect.objects.get_or_create(name="测试方面一")[0]
    a2 = Aspect.objects.get_or_create(name="测试方面二")[0]
    c1 = Category.objects.get_or_create(aspect=a1, name="类别一")[0]
    c2 = Category.objects.get_or_create(aspect=a1, name="类别二")[0]
    c3 = Category.objects.get_or_create(aspect=a2, name="类别三")[0]
    unit = ResponsibleUnit.objects.get_or_create(name="测试责任单位")[0]

    def issue(number, **kwargs):
        return Issue.objects.create(number=number, description="问题", **kwargs)

    # I1 closed after 69 days (2023-02-01 → 2023-04-11)
    issue("YC-2023-0001", source="city", aspect=a1, category=c1, county=geo.pinglu, village=geo.jia1,
          found_date=d(2023, 2, 1), deadline=d(2023, 4, 30), completed_date=d(2023, 4, 1), closed_date=d(2023, 4, 11),
          status="closed")
    # I2 open past its deadline
    issue("YC-2023-0002", source="national", aspect=a1, category=c2, county=geo.pinglu, found_date=d(2023, 3, 1),
          deadline=d(2023, 6, 30), status="in_progress")
    # I3 暗访, open, deadline ahead
    issue("YC-2023-0003", source="inspection", aspect=a2, category=c3, county=geo.xia, found_date=d(2023, 5, 1),
          deadline=d(2023, 12, 31), status="pending")
    # I4 closed only after the period end, past its deadline at the end
    issue("YC-2023-0004", source="mock", aspect=a2, category=c3, county=geo.xia, found_date=d(2023, 6, 1),
          deadline=d(2023, 7, 1), completed_date=d(2023, 6, 20), closed_date=d(2023, 10, 10), status="closed")
    # I5 found the year before
    issue("YC-2022-0005", source="city", aspect=a1, category=c1, county=geo.pinglu, found_date=d(2022, 12, 1),
          deadline=d(2023, 1, 31), status="in_progress")
    SupervisionLetter.objects.create(number="督1", issued_date=d(2023, 5, 1), addressee_county=geo.pinglu,
                                     reply_deadline=d(2023, 5, 31))
    SupervisionLetter.objects.create(number="督2", issued_date=d(2023, 6, 1), addressee_unit=unit,
                                     reply_deadline=d(2023, 6, 30))
    SupervisionLetter.objects.create(number="督0", issued_date=d(2022, 6, 1), addressee_county=geo.xia,
                                     reply_deadline=d(2022, 6, 30))


@pytest.fixture
def city(registry, resources, teams, ledger):
    return registry
