"""Reads of the 问题整改 app shared by pages, the dashboard's metrics, exports and imports.

Every function takes an already scoped queryset (``accounts.scoping.scope``) or an area code; none
decides visibility itself.
"""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.scoping import area_prefix

from .models import HandOver, Issue, IssueSource, IssueStatus, IssueTransition


def issues_in_area(*, code: str | None, issues: QuerySet | None = None) -> QuerySet:
    """Issues whose area lies inside the area with this code (None or the city's code → all)."""
    issues = Issue.objects.all() if issues is None else issues
    if not code:
        return issues
    return issues.filter(area_code__startswith=area_prefix(code))


def issue_list(*, issues: QuerySet, on: datetime.date | None = None) -> QuerySet:
    """The ledger's rows: every related name in the same query, and ``is_overdue`` as of ``on``."""
    return issues.select_related("aspect", "category", "county", "village", "responsible_unit").with_overdue(on=on)


def issue_detail(*, issues: QuerySet, pk: int) -> QuerySet:
    return (
        issues.filter(pk=pk)
        .select_related("aspect", "category", "county", "village", "responsible_unit")
        .prefetch_related(
            Prefetch("transitions", queryset=IssueTransition.objects.select_related("user__profile")),
            "evidence__uploaded_by",
        )
    )


def overdue_by_county(*, issues: QuerySet, on: datetime.date) -> QuerySet:
    """Per county: open issues (not closed by ``on``) and of those the overdue ones, as of ``on``."""
    open_on = Q(found_date__lte=on) & (Q(closed_date__isnull=True) | Q(closed_date__gt=on))
    return (
        issues.values("county_id", "county__name")
        .annotate(
            open_count=Count("pk", filter=open_on),
            overdue_count=Count("pk", filter=Issue.objects.overdue_q(on) & Q(found_date__lte=on)),
        )
        .order_by("county_id")
    )


def issue_summary(*, issues: QuerySet, start: datetime.date, end: datetime.date) -> dict:
    """Counts of the issues found in [start, end], as of ``end`` (the metrics catalogue's 问题整改 block)."""
    found = issues.filter(found_date__gte=start, found_date__lte=end)
    screening = found.exclude(source=IssueSource.INSPECTION)
    closed_by_end = Q(closed_date__isnull=False, closed_date__lte=end)
    row = found.aggregate(
        total=Count("pk"),
        screening=Count("pk", filter=~Q(source=IssueSource.INSPECTION)),
        inspection=Count("pk", filter=Q(source=IssueSource.INSPECTION)),
        rectified=Count("pk", filter=closed_by_end),
        in_progress=Count("pk", filter=Q(status=IssueStatus.IN_PROGRESS)),
        overdue=Count("pk", filter=Issue.objects.overdue_q(end)),
    )
    row["aspects"] = screening.values("aspect_id").distinct().count()
    row["categories"] = screening.values("category_id").distinct().count()
    return row


def letter_list(*, letters: QuerySet) -> QuerySet:
    return letters.select_related("addressee_county", "addressee_unit").annotate(issue_count=Count("issues")).order_by(
        "-issued_date", "-id"
    )


def letter_detail(*, letters: QuerySet, pk: int) -> QuerySet:
    return letters.filter(pk=pk).select_related("addressee_county", "addressee_unit", "issued_by")




def handover_list(*, handovers: QuerySet) -> QuerySet:
    """双交办 lists with how many issues each holds and how many the county has handed on to a unit."""
    return handovers.select_related("county").annotate(
        issue_count=Count("items"),
        handed_on_count=Count("items", filter=Q(items__unit__isnull=False)),
    ).order_by("county_id", "-handed_date", "id")
