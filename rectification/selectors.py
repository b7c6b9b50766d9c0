"""Reads of the 问题整改 app shared by pages, the dashboard's metrics, exports and imports.

Every function takes an already scoped queryset (``accounts.scoping.scope``); none decides visibility
itself. The figures (issues found, rectified, in progress, overdue) are the metrics catalogue's; the
rules they count by are ``IssueQuerySet``'s (``open_q``, ``closed_q``, ``overdue_q``).
"""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Issue, IssueTransition


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
    open_on = Q(found_date__lte=on) & Issue.objects.open_q(on)
    return (
        issues.values("county_id", "county__name")
        .annotate(
            open_count=Count("pk", filter=open_on),
            overdue_count=Count("pk", filter=Issue.objects.overdue_q(on) & Q(found_date__lte=on)),
        )
        .order_by("county_id")
    )


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
