"""Reads of 驻村帮扶 shared by the pages, the admin, the dashboard's metrics and the exports.

Every function takes querysets that the caller has already passed through ``accounts.scoping.scope``
(or builds on such a queryset), so scoping stays the caller's one call; the figures themselves are
database aggregates.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from accounts.scoping import area_filter
from yuncheng.numbers import percent
from monitoring.models import Household

from .models import (
    TEAM_MAX_SIZE,
    TEAM_MIN_OTHERS,
    AttendanceWeek,
    AttendanceWeekQuerySet,
    MemberRole,
    StationKind,
    TeamMember,
    WorkTeam,
)

COMPLIANT = AttendanceWeekQuerySet.COMPLIANT  # 五天四夜


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of the week ``day`` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def weeks_ending(day: datetime.date, count: int = 12) -> tuple[datetime.date, datetime.date]:
    """(first Monday, last Monday) of the ``count`` whole weeks ending on or before ``day``."""
    last = week_start_of(day + datetime.timedelta(days=1)) - datetime.timedelta(days=7)
    return last - datetime.timedelta(days=7 * (count - 1)), last


# --- teams and the team rule ----------------------------------------------------------------------


def _count(queryset: QuerySet, outer: str):
    """COUNT(*) of ``queryset`` correlated to the outer team by ``outer`` (0 when none), as a subquery
    annotation: each team's counts come from the index on the foreign key, with no join fan-out."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def team_list(*, teams: QuerySet, on: datetime.date, week_from: datetime.date | None = None,
              week_to: datetime.date | None = None) -> QuerySet:
    """Teams with their serving members on ``on`` (第一书记 counted apart) and their attendance
    member-weeks in [week_from, week_to] (compliant ones apart), all counted by the database."""
    serving = TeamMember.objects.serving_on(on)
    weeks = AttendanceWeek.objects.all()
    if week_from is not None:
        weeks = weeks.filter(week_start__gte=week_from)
    if week_to is not None:
        weeks = weeks.filter(week_start__lte=week_to)
    return teams.select_related("county", "village", "relocation_site", "township").annotate(
        member_count=_count(serving, "team"),
        secretary_count=_count(serving.filter(role=MemberRole.FIRST_SECRETARY), "team"),
        member_weeks=_count(weeks, "member__team"),
        compliant_weeks=_count(weeks.filter(COMPLIANT), "member__team"),
    ).order_by("station_code", "code")


TEAM_RULE_BROKEN = (
    ~Q(secretary_count=1)
    | Q(member_count__lt=F("secretary_count") + TEAM_MIN_OTHERS)
    | Q(member_count__gt=TEAM_MAX_SIZE)
)


def team_rule_violations(*, teams: QuerySet, on: datetime.date) -> QuerySet:
    """Teams (active on ``on``) whose serving members break the rule: exactly one 第一书记, at least two
    other members, five people at most. Each row carries ``member_count`` and ``secretary_count``."""
    return team_list(teams=teams.active_on(on), on=on).filter(TEAM_RULE_BROKEN)


def team_rule_problems(team) -> list[str]:
    """What is wrong with a team annotated by :func:`team_list`, in Chinese (empty when nothing is)."""
    problems = []
    if team.secretary_count == 0:
        problems.append("没有在岗第一书记")
    elif team.secretary_count > 1:
        problems.append(f"有 {team.secretary_count} 名在岗第一书记（应为 1 名）")
    others = team.member_count - team.secretary_count
    if others < TEAM_MIN_OTHERS:
        problems.append(f"除第一书记外在岗队员 {others} 名（至少 {TEAM_MIN_OTHERS} 名）")
    if team.member_count > TEAM_MAX_SIZE:
        problems.append(f"在岗 {team.member_count} 人（最多 {TEAM_MAX_SIZE} 人）")
    return problems


def team_get_annotated(*, teams: QuerySet, pk: int, on: datetime.date) -> WorkTeam:
    return team_list(teams=teams, on=on).get(pk=pk)


ROLE_ORDER = Case(
    When(role=MemberRole.FIRST_SECRETARY, then=0), When(role=MemberRole.LEADER, then=1), default=2,
    output_field=IntegerField(),
)


def team_members(*, team: WorkTeam) -> QuerySet:
    """The team's members, 第一书记 first, then 队长, then 队员, earliest on post first."""
    return TeamMember.objects.filter(team=team).order_by(ROLE_ORDER, "joined_on", "id")


# --- attendance (五天四夜) -------------------------------------------------------------------------


def attendance_weeks(*, weeks: QuerySet) -> QuerySet:
    """Attendance rows with ``compliant`` computed by the database."""
    return weeks.annotate(compliant=ExpressionWrapper(COMPLIANT, output_field=BooleanField()))


def attendance_calendar(*, team: WorkTeam, members: list[TeamMember], week_count: int = 12) -> dict:
    """The team's attendance as weeks × members: ``{"weeks": [monday, ...], "rows": [(monday, [cell, ...])]}``,
    where a cell is the member's AttendanceWeek (annotated ``compliant``) or None. The weeks are the
    latest ``week_count`` weeks the team has records for."""
    recorded = list(
        AttendanceWeek.objects.filter(member__team=team)
        .values_list("week_start", flat=True)
        .distinct()
        .order_by("-week_start")[:week_count]
    )
    if not recorded:
        return {"weeks": [], "rows": []}
    cells = {
        (row.member_id, row.week_start): row
        for row in attendance_weeks(
            weeks=AttendanceWeek.objects.filter(member__team=team, week_start__gte=recorded[-1])
        )
    }
    return {
        "weeks": recorded,
        "rows": [(week, [cells.get((m.pk, week)) for m in members]) for week in recorded],
    }


# --- visits (走访) and their coverage -------------------------------------------------------------


def station_households(*, team: WorkTeam) -> QuerySet:
    """Households of the registry in the team's station: its village, the households relocated to its
    site, or every village of its township."""
    if team.station_kind == StationKind.VILLAGE:
        return Household.objects.filter(village_id=team.village_id)
    if team.station_kind == StationKind.RELOCATION_SITE:
        return Household.objects.filter(relocation_site_id=team.relocation_site_id)
    return Household.objects.filter(**area_filter("village_id", team.township_id))


@dataclass(frozen=True)
class Coverage:
    households: int
    visited: int

    @property
    def pct(self) -> Decimal | None:
        return percent(self.visited, self.households, Decimal("0.1"))


def visit_coverage(*, team: WorkTeam, date_from: datetime.date, date_to: datetime.date) -> Coverage:
    """Share of the monitored households (监测户) in the team's station that a member of the team
    visited between ``date_from`` and ``date_to`` (inclusive)."""
    visited = Q(team_visits__member__team=team, team_visits__visited_on__gte=date_from,
                team_visits__visited_on__lte=date_to)
    row = station_households(team=team).filter(is_monitored=True).aggregate(
        households=Count("pk", distinct=True), visited=Count("pk", filter=visited, distinct=True)
    )
    return Coverage(**row)


def visit_list(*, visits: QuerySet) -> QuerySet:
    return visits.select_related("member", "member__team", "household")


def attendance_period(*, weeks: QuerySet, count: int = 12) -> tuple[datetime.date, datetime.date] | None:
    """(first Monday, last Monday) of the ``count`` weeks ending with the latest week recorded in
    ``weeks``; None when nothing is recorded."""
    latest = weeks.aggregate(latest=Max("week_start"))["latest"]
    if latest is None:
        return None
    return latest - datetime.timedelta(days=7 * (count - 1)), latest


def member_of_user(*, user, on: datetime.date) -> TeamMember | None:
    """The serving member record of a 驻村队员 login (the latest one, if several)."""
    return (
        TeamMember.objects.serving_on(on).filter(user=user).select_related("team", "team__village",
                                                                          "team__relocation_site", "team__township")
        .order_by("-joined_on").first()
    )
