"""The rules of 录入进度 (data-entry progress): what a period still lacks before it is handed upward.

Each rule is one pair of filters ``(due, done)`` on the model whose records are due, used by the figures
(``completeness.*`` in the catalogue: the households' pair through the per-village summaries,
``dashboard.village_summaries``; the teams' and issues' pair by ``dashboard.sources.completeness``) and by
the record lists of what is missing (``dashboard.drilldown``) alike, so a share and its list cannot drift.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from .periods import Period


def completeness_income_q(period: Period, *, records: QuerySet | None = None,
                          incomes: QuerySet | None = None) -> tuple[Q, Q]:
    """(脱贫户 or 监测户 identified by the period end, an income record of the quarter exists) on Household.
    "Exists" is an IN over the quarter's records rather than a correlated EXISTS: PostgreSQL hashes the
    quarter's household ids once instead of probing the index per household (city: 160 ms instead of 480 ms).
    ``records`` / ``incomes``: the monitoring records and income records to look in (a caller computing a
    few villages narrows them to those villages, so that the IN reads their rows only)."""
    from monitoring.models import IncomeRecord, MonitoringRecord

    records = MonitoringRecord.objects.all() if records is None else records
    incomes = IncomeRecord.objects.all() if incomes is None else incomes
    due = Q(is_poverty_alleviated=True) | Q(pk__in=records.identified_as_of(period.end).values("household_id"))
    done = Q(pk__in=incomes.filter(year=period.year, quarter=period.quarter).values("household_id"))
    return due, done


def completeness_measure_q(period: Period, *, records: QuerySet | None = None) -> tuple[Q, Exists]:
    """(monitored household still at risk at the period end, an assistance measure begun by then) on Household.
    ``records``: the monitoring records to look in (narrowed by a caller, as above)."""
    from monitoring.models import AssistanceMeasure, MonitoringRecord

    records = MonitoringRecord.objects.all() if records is None else records
    due = Q(pk__in=records.open_as_of(period.end).values("household_id"))
    done = Exists(AssistanceMeasure.objects.filter(household=OuterRef("pk"), start_date__lte=period.end))
    return due, done


def quarter_mondays(period: Period, today: datetime.date | None = None) -> list[datetime.date]:
    """The attendance weeks (their Mondays) of the quarter that have begun: a week not yet begun cannot be missing."""
    last = min(period.end, today or datetime.date.today())
    day = period.quarter_start + datetime.timedelta(days=(7 - period.quarter_start.weekday()) % 7)
    mondays = []
    while day <= last:
        mondays.append(day)
        day += datetime.timedelta(days=7)
    return mondays


def completeness_attendance_q(period: Period) -> tuple[Q, Q]:
    """(team on station at the period end, no member on post a whole week of the quarter without that
    week's attendance) on WorkTeam. It depends on today (weeks not yet begun are not due), so it is
    computed on each read, not kept in the summaries."""
    from resident_teams.models import AttendanceWeek, TeamMember

    due = Q(arrived_on__lte=period.end) & (Q(departed_on__isnull=True) | Q(departed_on__gt=period.end))
    gaps = Q()
    for monday in quarter_mondays(period):
        on_post = Q(joined_on__lte=monday) & (Q(left_on__isnull=True) | Q(left_on__gte=monday + datetime.timedelta(days=6)))
        filled = Exists(AttendanceWeek.objects.filter(member=OuterRef("pk"), week_start=monday))
        gaps |= on_post & ~Q(filled)
    if not gaps:
        return due, Q(pk__isnull=False)  # no week of the quarter has begun: nothing can be missing
    return due, ~Q(Exists(TeamMember.objects.filter(gaps, team=OuterRef("pk"))))


def completeness_issue_q(period: Period) -> tuple[Q, Exists]:
    """(issue found by the period end and overdue on it, a status update after its deadline) on Issue."""
    from rectification.models import IssueQuerySet, IssueTransition

    due = Q(found_date__lte=period.end) & IssueQuerySet.overdue_q(period.end)
    done = Exists(IssueTransition.objects.filter(issue=OuterRef("pk"), at__date__gt=OuterRef("deadline"),
                                                 at__date__lte=period.end))
    return due, done
