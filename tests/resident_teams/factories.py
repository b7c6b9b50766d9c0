"""Factories of 驻村帮扶 records (teams are built through the service so the station columns are set)."""

import datetime

import factory

from monitoring.models import Household
from resident_teams.models import (
    AttendanceWeek,
    DispatchLevel,
    Evaluation,
    EvaluationKind,
    Inspection,
    MemberRole,
    TeamMember,
    TrainingKind,
    TrainingSession,
    Visit,
    WorkTeam,
)
from resident_teams.services import team_fill_station
from yuncheng.idcard import make_id_number

MONDAY = datetime.date(2023, 10, 23)


class WorkTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTeam

    code = factory.Sequence(lambda n: f"ZC{n:04d}")
    name = factory.LazyAttribute(lambda o: f"{o.village or o.relocation_site or o.township}驻村工作队")
    village = None
    relocation_site = None
    township = None
    is_poverty_village_station = True
    dispatch_unit = "运城市乡村振兴局"
    dispatch_level = DispatchLevel.CITY
    arrived_on = datetime.date(2021, 6, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        team = model_class(*args, **kwargs)
        team_fill_station(team)
        team.full_clean()
        team.save()
        return team


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(WorkTeamFactory)
    name = factory.Sequence(lambda n: f"队员{n}")
    id_number = factory.Sequence(lambda n: make_id_number("140829", datetime.date(1985, 3, 4), n, n % 2 == 0))
    role = MemberRole.MEMBER
    unit = "运城市农业农村局"
    phone = "13800000000"
    joined_on = datetime.date(2021, 6, 1)


class AttendanceWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceWeek

    member = factory.SubFactory(TeamMemberFactory)
    week_start = MONDAY
    days_on_station = 5
    nights_on_station = 4


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"H{n:08d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")

    @classmethod
    def _create(cls, model_class, *args, is_monitored=False, **kwargs):
        household = super()._create(model_class, *args, **kwargs)
        if is_monitored:
            # The flag is the monitoring workflow's to set; tests plant it directly.
            Household.objects.filter(pk=household.pk).update(is_monitored=True)
            household.is_monitored = True
        return household


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    member = factory.SubFactory(TeamMemberFactory)
    household = factory.SubFactory(HouseholdFactory)
    visited_on = MONDAY
    content = "了解家庭收入和务工情况"


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = "第一书记能力提升培训"
    kind = TrainingKind.CENTRAL
    held_on = datetime.date(2023, 5, 10)
    area_code = "140829"
    organizer = "平陆县委组织部"
    attendees = 40


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    group = "市暗访组"
    inspected_on = datetime.date(2023, 9, 12)
    area_code = "140829"
    findings = "工作队员不在岗"
    findings_count = 1


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    team = factory.SubFactory(WorkTeamFactory)
    kind = EvaluationKind.BIMONTHLY
    year = 2023
    bimonth = 4
    score = 92
