"""Writes of 驻村帮扶: each takes the acting ``user``, checks that the record and everything it points at
(team, member, household, area) lie inside the user's scope (``accounts.scoping``), validates with
``full_clean`` and runs in one transaction. The pages and the admin (its forms and inlines) come here."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import Role, role_of
from accounts.scoping import CHANGE, code_in_area, referable, require_writable, scope, writable_areas
from villages.models import RelocationSite, Township, Village
from yuncheng.idcard import normalize_id_number

from .models import (
    STATION_TYPE_FIELDS,
    AttendanceWeek,
    Evaluation,
    Inspection,
    StationKind,
    TeamMember,
    TrainingSession,
    Visit,
    WorkTeam,
)
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
    user,
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
    """A new team written by ``user`` (its station inside the user's area: :func:`team_save`)."""
    team = WorkTeam(
        code=code, name=name, village=village, relocation_site=relocation_site, township=township,
        dispatch_unit=dispatch_unit, dispatch_level=dispatch_level, arrived_on=arrived_on, departed_on=departed_on,
        **{field: kind in station_types for kind, field in STATION_TYPE_FIELDS.items()},
    )
    return team_save(user=user, team=team)


def _require_own_member(user, member: TeamMember) -> None:
    """The member a record is written for is one the user may refer to: a 驻村队员 only their own
    member record, an area role the members of teams inside their area."""
    if not referable(TeamMember.objects.filter(pk=member.pk), user).exists():
        raise PermissionDenied("只能为本人或本辖区工作队的队员填报")


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
    require_writable(user, team, references=("village", "relocation_site", "township"))
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_member_save(*, user, member: TeamMember) -> TeamMember:
    """Create or change a team member (the admin's door): inside the writer's area, with a linked
    account that is a 驻村队员 of the team's county."""
    require_writable(user, member, references=("team",))
    member.id_number = normalize_id_number(member.id_number)
    member_account_check(member)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_add(
    *,
    user,
    team: WorkTeam,
    name: str,
    id_number: str,
    role: str,
    unit: str,
    joined_on: datetime.date,
    phone: str = "",
    account=None,
) -> TeamMember:
    """A new member of ``team`` written by ``user``; ``account`` is the 驻村队员 login linked to it."""
    member = TeamMember(team=team, name=name, id_number=id_number, role=role, unit=unit, phone=phone,
                        joined_on=joined_on, user=account)
    return team_member_save(user=user, member=member)


@transaction.atomic
def member_recall(*, user, member: TeamMember, recalled_on: datetime.date, reason: str) -> TeamMember:
    """召回: the member leaves the post on ``recalled_on`` for ``reason``."""
    require_writable(user, member)
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
    user,
    member: TeamMember,
    week_start: datetime.date,
    days_on_station: int,
    nights_on_station: int,
    leave_days: int = 0,
    leave_approved_by: str = "",
    note: str = "",
) -> AttendanceWeek:
    """Record (or correct) a member's 五天四夜 attendance for the week containing ``week_start``: a
    驻村队员 for themselves, an area role for a member of a team inside their area."""
    _require_own_member(user, member)
    monday = week_start_of(week_start)
    if monday > datetime.date.today():
        raise ValidationError({"week_start": "不能填报未来的周"})
    _ensure_serving(member, monday, monday + datetime.timedelta(days=6), "week_start")
    values = {"days_on_station": days_on_station, "nights_on_station": nights_on_station, "leave_days": leave_days,
              "leave_approved_by": leave_approved_by.strip(), "note": note.strip()}
    week = _attendance_week(member, monday) or AttendanceWeek(member=member, week_start=monday)
    require_writable(user, week)
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
def visit_record(*, user, member: TeamMember, household, visited_on: datetime.date, content: str) -> Visit:
    """Record a member's visit to a household of the team's station."""
    return visit_save(user=user, visit=Visit(member=member, household=household, visited_on=visited_on,
                                             content=content))


@transaction.atomic
def visit_save(*, user, visit: Visit) -> Visit:
    """Create or correct a visit: the member is one the user may write for (a 驻村队员 only themselves),
    on post that day, and the household lies in the station of the member's team — which the member's
    scope puts inside the user's area."""
    _require_own_member(user, visit.member)
    require_writable(user, visit)
    if visit.visited_on > datetime.date.today():
        raise ValidationError({"visited_on": "走访日期不能晚于今天"})
    _ensure_serving(visit.member, visit.visited_on, visit.visited_on, "visited_on")
    if not station_households(team=visit.member.team).filter(pk=visit.household_id).exists():
        raise ValidationError({"household": "该农户不在本工作队的派驻地"})
    visit.content = visit.content.strip()
    visit.full_clean()
    visit.save()
    return visit


# ---------------------------------------------------------------- trainings, inspections, evaluations


@transaction.atomic
def training_save(*, user, session: TrainingSession) -> TrainingSession:
    """Create or change a 培训: its organising area is an area of the writer's (the city for the city
    administrator, the county or below for a county reviewer), before and after the change."""
    require_writable(user, session, area_fields=("area_code",))
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def inspection_save(*, user, inspection: Inspection) -> Inspection:
    """Create or change a 暗访: the team inspected lies in the writer's area, and so does the area (the
    team's station when a team is named, else an area of the writer's)."""
    if inspection.team_id is not None:
        inspection.area_code = inspection.team.station_code
    require_writable(user, inspection, references=("team",), area_fields=("area_code",))
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def evaluation_save(*, user, evaluation: Evaluation) -> Evaluation:
    """Create or change a 双月评议 or 年度考核: the team and the member evaluated lie in the writer's area
    (and the member belongs to the team: the model's rule)."""
    require_writable(user, evaluation, references=("team", "member"))
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# ---------------------------------------------------------------- the 驻村工作队 import (the bulk door)

IMPORT_REASON = "Excel 导入"
IMPORT_BATCH = 1000
TEAM_IMPORT_FIELDS = ("village_id", "relocation_site_id", "township_id", "station_kind", "station_code",
                      "county_id", "dispatch_unit", "dispatch_level", "arrived_on", "departed_on",
                      *STATION_TYPE_FIELDS.values())
MEMBER_IMPORT_FIELDS = ("name", "role", "unit", "phone", "joined_on", "left_on")


@dataclass
class TeamImportPlan:
    """What an import of the 驻村工作队 workbook would write: unsaved new teams and members, and loaded
    ones with their changed values. A new member refers to its team by object (the team may be new too)."""

    teams_new: list[WorkTeam] = field(default_factory=list)
    teams_changed: list[WorkTeam] = field(default_factory=list)
    members_new: list[TeamMember] = field(default_factory=list)
    members_changed: list[TeamMember] = field(default_factory=list)


def _rule_messages(exc: ValidationError, label: str) -> list[str]:
    return [f"{label}：{message}" for message in exc.messages]


def _teams_import_check(user, plan: TeamImportPlan) -> list[str]:
    """Every rule a team import must keep, as Chinese messages (empty: the plan may be written): the
    writer's permissions; every team's station (village, site, township) one the writer may refer to and
    inside the writer's area, before and after the change; every member's team and linked account inside
    the writer's scope; the models' own rules."""
    problems = []
    for perm, rows, text in (("add_workteam", plan.teams_new, "新增工作队"),
                             ("change_workteam", plan.teams_changed, "修改已有工作队"),
                             ("add_teammember", plan.members_new, "新增队员"),
                             ("change_teammember", plan.members_changed, "修改已有队员")):
        if rows and not user.has_perm(f"resident_teams.{perm}"):
            problems.append(f"您的角色无权{text}")
    teams = [*plan.teams_new, *plan.teams_changed]
    for team in teams:
        try:
            team_fill_station(team)
        except ValidationError as exc:
            problems += _rule_messages(exc, f"工作队 {team.code}")
    stations = {t.station_code for t in teams if t.station_code}
    writable = set(writable_areas(Village.objects.filter(code__in=stations), user).values_list("code", flat=True))
    writable |= set(writable_areas(Township.objects.filter(code__in=stations), user).values_list("code", flat=True))
    sites = {t.relocation_site_id for t in teams if t.relocation_site_id}
    sites_ok = set(referable(RelocationSite.objects.filter(pk__in=sites), user).values_list("pk", flat=True))
    for team in teams:
        if team.station_code and (team.station_code not in writable
                                  or (team.relocation_site_id and team.relocation_site_id not in sites_ok)):
            problems.append(f"工作队 {team.code}：派驻地 {team.station_code} 不在您的管辖范围内")
    # The stored rows: a team or member registered outside the writer's area is not the writer's to change.
    stored = {t.pk for t in plan.teams_changed} | {m.team_id for m in plan.members_changed}
    stored |= {m.team.pk for m in plan.members_new if m.team.pk}
    outside = stored - set(scope(WorkTeam.objects.filter(pk__in=stored), user, CHANGE).values_list("pk", flat=True))
    if outside:
        codes = sorted(WorkTeam.objects.filter(pk__in=outside).values_list("code", flat=True))
        problems.append(f"工作队编号 {'、'.join(codes[:5])} 等 {len(codes)} 个工作队已登记在您管辖范围以外")
    new_codes = [t.code for t in plan.teams_new]
    twice = sorted(code for code, n in Counter(new_codes).items() if n > 1)
    taken = sorted(WorkTeam.objects.filter(code__in=new_codes).values_list("code", flat=True))
    if twice or taken:
        problems.append(f"工作队编号 {'、'.join([*twice, *taken][:5])} 重复或已存在")
    for team in teams:
        try:  # the rules of the row itself; the station and the code were checked above, for all rows at once
            team.full_clean(exclude=["village", "relocation_site", "township", "county"], validate_unique=False)
        except ValidationError as exc:
            problems += _rule_messages(exc, f"工作队 {team.code}")
    problems += _members_import_check(user, plan)
    return problems


def _members_import_check(user, plan: TeamImportPlan) -> list[str]:
    problems = []
    members = [*plan.members_new, *plan.members_changed]
    teams = {t.pk: t for t in plan.teams_changed}
    teams.update(WorkTeam.objects.in_bulk({m.team_id for m in plan.members_changed} - set(teams)))
    for member in plan.members_changed:  # the changed member's team, as the plan changes it
        member.team = teams[member.team_id]
    accounts = {m.user_id for m in members if m.user_id}
    known = set(referable(get_user_model().objects.filter(pk__in=accounts), user).values_list("pk", flat=True))
    keys = set()
    for member in plan.members_new:
        key = (member.team.code, normalize_id_number(member.id_number))
        if key in keys:
            problems.append(f"工作队 {key[0]} 的队员 {member.name}：同一工作队中该身份证号重复")
        keys.add(key)
    stored_keys = set()
    for team_id, number in TeamMember.objects.filter(
            team_id__in={m.team.pk for m in plan.members_new if m.team.pk}).values_list("team_id", "id_number"):
        stored_keys.add((team_id, number))
    for member in members:
        label = f"工作队 {member.team.code} 的队员 {member.name}"
        member.id_number = normalize_id_number(member.id_number)
        if member.pk is None and member.team.pk and (member.team.pk, member.id_number) in stored_keys:
            problems.append(f"{label}：同一工作队中该身份证号已存在")
        if member.user_id and member.user_id not in known:
            problems.append(f"{label}：所选登录账号不在您的管辖范围内")
            continue
        try:
            member_account_check(member)
            member.full_clean(exclude=["team", "user"], validate_unique=False)
        except ValidationError as exc:
            problems += _rule_messages(exc, label)
    return problems


@transaction.atomic
def teams_import(*, user, plan: TeamImportPlan) -> set[str]:
    """Write an import of the 驻村工作队 workbook in bulk, after checking the whole plan (a ValidationError
    lists every problem and nothing is written). The station code and county of every team are derived
    here (:func:`team_fill_station`), not by the importer; every write has its history row. Returns the
    station codes of the teams written or whose members were."""
    problems = _teams_import_check(user, plan)
    if problems:
        raise ValidationError(problems)
    history = dict(default_user=user, default_change_reason=IMPORT_REASON, batch_size=IMPORT_BATCH)
    if plan.teams_new:
        bulk_create_with_history(plan.teams_new, WorkTeam, **history)
        if any(t.pk is None for t in plan.teams_new):  # bulk_create fills keys on PostgreSQL and SQLite ≥ 3.35
            ids = dict(WorkTeam.objects.filter(code__in=[t.code for t in plan.teams_new]).values_list("code", "id"))
            for team in plan.teams_new:
                team.pk = team.id = ids[team.code]
    if plan.teams_changed:
        bulk_update_with_history(plan.teams_changed, WorkTeam, list(TEAM_IMPORT_FIELDS), **history)
    for member in plan.members_new:
        member.team = member.team  # its team_id, now the team is written (the cached team stays)
    if plan.members_new:
        bulk_create_with_history(plan.members_new, TeamMember, **history)
    if plan.members_changed:
        bulk_update_with_history(plan.members_changed, TeamMember, list(MEMBER_IMPORT_FIELDS), **history)
    return {t.station_code for t in [*plan.teams_new, *plan.teams_changed]} | {
        m.team.station_code for m in [*plan.members_new, *plan.members_changed]}
