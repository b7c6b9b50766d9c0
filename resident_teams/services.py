"""Writes of 驻村帮扶: each validates with ``full_clean`` and runs in one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import Role, role_of
from accounts.scoping import ADD, CHANGE, code_in_area, instance_in_scope
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


def _require_scope(user, obj, action: str) -> None:
    if not instance_in_scope(user, obj, action):
        raise PermissionDenied("该记录不在您的管辖范围内，或您无权进行此操作")


def member_account_check(member: TeamMember) -> None:
    """The account linked to a team member is a 驻村队员 account of the team's county: the link gives
    that account the team's households and members' ID numbers."""
    account = member.user
    if account is None:
        return
    if role_of(account) != Role.TEAM_MEMBER:
        raise ValidationError({"user": f"账号“{account.get_username()}”不是驻村队员账号，不能关联为工作队队员"})
    if not code_in_area(account.profile.area_code, member.team.county_id):
        raise ValidationError({"user": f"账号“{account.get_username()}”不属于{member.team.county}，不能关联为该队队员"})


@transaction.atomic
def team_save(*, user, team: WorkTeam) -> WorkTeam:
    """Create or change a work team (the admin's door): the station fixes the team's area, which must
    lie inside the writer's area before and after the change."""
    team_fill_station(team)
    _require_scope(user, team, CHANGE if team.pk else ADD)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_member_save(*, user, member: TeamMember) -> TeamMember:
    """Create or change a team member (the admin's door): inside the writer's area, with a linked
    account that is a 驻村队员 of the team's county."""
    _require_scope(user, member, CHANGE if member.pk else ADD)
    member.id_number = normalize_id_number(member.id_number)
    member_account_check(member)
    member.full_clean()
    member.save()
    return member


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
    member_account_check(member)
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
    values = {"days_on_station": days_on_station, "nights_on_station": nights_on_station, "leave_days": leave_days,
              "leave_approved_by": leave_approved_by.strip(), "note": note.strip()}
    week = _attendance_week(member, monday) or AttendanceWeek(member=member, week_start=monday)
    for name, value in values.items():
        setattr(week, name, value)
    # One week per member is this function's update-or-insert (and the database's constraint), not a
    # validation error: a second request for the same week writes its values into the first's row.
    week.full_clean(exclude=["member"], validate_unique=False)
    try:
        with transaction.atomic():
            week.save()
    except IntegrityError:
        # The same week sent twice at once (a double click): the other request inserted the row
        # between our look-up and our insert. This request's values are the newer; write them there.
        week = _attendance_week(member, monday)
        if week is None:
            raise
        for name, value in values.items():
            setattr(week, name, value)
        week.save()
    return week


def _attendance_week(member: TeamMember, monday: datetime.date) -> AttendanceWeek | None:
    return AttendanceWeek.objects.filter(member=member, week_start=monday).first()


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

