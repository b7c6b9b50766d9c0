"""Writes of 驻村帮扶: each validates with ``full_clean`` and runs in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from yuncheng.idcard import normalize_id_number

from .models import STATION_TYPE_FIELDS, AttendanceWeek, StationKind, TeamMember, Visit, WorkTeam
from .selectors import station_households, week_start_of


def team_fill_station(team: WorkTeam) -> WorkTeam:
    """Set the team's ``station_kind``, ``station_code`` and ``county`` from the one station it names
    (a village, a relocation site or a township). Used by the services, the admin, imports and the seed."""
    stations = [s for s in (team.village_id, team.relocation_site_id, team.township_id) if s]
    if len(stations) != 1:
        raise ValidationError("派驻地须且只能是一个行政村、一个安置点或一个乡镇")
    if team.village_id:
        team.station_kind = StationKind.VILLAGE
        team.station_code = team.village_id
    elif team.relocation_site_id:
        team.station_kind = StationKind.RELOCATION_SITE
        team.station_code = team.relocation_site.township_id
    else:
        team.station_kind = StationKind.TOWNSHIP
        team.station_code = team.township_id
    team.county_id = team.station_code[:6]
    return team


@transaction.atomic
def team_create(
    *,
    code: str,
    name: str,
    dispatch_unit: str,
    dispatch_level: str,
    arrived_on: datetime.date,
    village=None,
    relocation_site=None,
    township=None,
    station_types: set[str] = frozenset(),
    departed_on: datetime.date | None = None,
) -> WorkTeam:
    team = WorkTeam(
        code=code, name=name, village=village, relocation_site=relocation_site, township=township,
        dispatch_unit=dispatch_unit, dispatch_level=dispatch_level, arrived_on=arrived_on, departed_on=departed_on,
        **{field: kind in station_types for kind, field in STATION_TYPE_FIELDS.items()},
    )
    team_fill_station(team)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def member_add(
    *,
    team: WorkTeam,
    name: str,
    id_number: str,
    role: str,
    unit: str,
    joined_on: datetime.date,
    phone: str = "",
    user=None,
) -> TeamMember:
    member = TeamMember(team=team, name=name, id_number=normalize_id_number(id_number), role=role, unit=unit,
                        phone=phone, joined_on=joined_on, user=user)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_recall(*, member: TeamMember, recalled_on: datetime.date, reason: str) -> TeamMember:
    """召回: the member leaves the post on ``recalled_on`` for ``reason``."""
    if not reason.strip():
        raise ValidationError({"recall_reason": "请填写召回原因"})
    member.recalled_on = member.left_on = recalled_on
    member.recall_reason = reason.strip()
    member.full_clean()
    member.save()
    return member


def _ensure_serving(member: TeamMember, first: datetime.date, last: datetime.date, field: str) -> None:
    """The member was on post for at least part of [first, last]."""
    if last < member.joined_on or (member.left_on is not None and first >= member.left_on):
        raise ValidationError({field: f"{first:%Y-%m-%d} 不在该队员的在岗期间内"})


@transaction.atomic
def attendance_record(
    *,
    member: TeamMember,
    week_start: datetime.date,
    days_on_station: int,
    nights_on_station: int,
    leave_days: int = 0,
    leave_approved_by: str = "",
    note: str = "",
) -> AttendanceWeek:
    """Record (or correct) a member's 五天四夜 attendance for the week containing ``week_start``."""
    monday = week_start_of(week_start)
    if monday > datetime.date.today():
        raise ValidationError({"week_start": "不能填报未来的周"})
    _ensure_serving(member, monday, monday + datetime.timedelta(days=6), "week_start")
    week = AttendanceWeek.objects.filter(member=member, week_start=monday).first() or AttendanceWeek(
        member=member, week_start=monday
    )
    week.days_on_station = days_on_station
    week.nights_on_station = nights_on_station
    week.leave_days = leave_days
    week.leave_approved_by = leave_approved_by.strip()
    week.note = note.strip()
    week.full_clean(validate_unique=False)
    week.save()
    return week


@transaction.atomic
def visit_record(*, member: TeamMember, household, visited_on: datetime.date, content: str) -> Visit:
    """Record a member's visit to a household of the team's station."""
    if visited_on > datetime.date.today():
        raise ValidationError({"visited_on": "走访日期不能晚于今天"})
    _ensure_serving(member, visited_on, visited_on, "visited_on")
    if not station_households(team=member.team).filter(pk=household.pk).exists():
        raise ValidationError({"household": "该农户不在本工作队的派驻地"})
    visit = Visit(member=member, household=household, visited_on=visited_on, content=content.strip())
    visit.full_clean()
    visit.save()
    return visit

