"""Reads of the monitoring app shared by the pages, the admin, the dashboard, exports and imports.

Querysets given to these functions are expected to be scoped already (``accounts.scoping.scope``).
"""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.roles import Role, role_of
from accounts.scoping import scope
from yuncheng.idcard import normalize_id_number

from .models import (
    AssistanceMeasure,
    EliminationStatus,
    Employment,
    Household,
    IncomeRecord,
    Member,
    MonitoringRecord,
    ReviewEvent,
    ReviewStatus,
)

# ---------------------------------------------------------------- the 监测对象 list and the household page


def households_for(*, user) -> QuerySet:
    """The households the user may view (the scope states their area as an indexable range)."""
    return scope(Household.objects.all(), user)


def _current_record() -> QuerySet:
    """The household's latest identification (the one its list row describes)."""
    return MonitoringRecord.objects.filter(household=OuterRef("pk")).order_by("-identified_month", "-id")


def household_list(*, households: QuerySet) -> QuerySet:
    """Households with their village and township names and their latest identification's headline fields."""
    current = _current_record()
    latest_income = IncomeRecord.objects.filter(household=OuterRef("pk")).order_by("-year", "-quarter")
    return households.select_related("village__township").annotate(
        record_category=Subquery(current.values("category")[:1]),
        record_month=Subquery(current.values("identified_month")[:1]),
        record_status=Subquery(current.values("status")[:1]),
        record_elimination_status=Subquery(current.values("elimination_status")[:1]),
        latest_per_capita=Subquery(latest_income.values("per_capita_income")[:1]),
    )


def household_detail(*, household: Household, user) -> dict:
    """What the household page shows, each part through the scoping function (a fixed number of queries)."""
    members = scope(Member.objects.filter(household=household), user).prefetch_related(
        Prefetch("employments", queryset=Employment.objects.order_by("-year"))
    )
    incomes = scope(IncomeRecord.objects.filter(household=household), user).order_by("-year", "-quarter")
    measures = scope(AssistanceMeasure.objects.filter(household=household), user)
    records = (
        scope(MonitoringRecord.objects.filter(household=household), user)
        .select_related("author", "township_reviewer", "county_reviewer")
        .prefetch_related(
            "risk_types",
            Prefetch("events", queryset=ReviewEvent.objects.select_related("user").order_by("at", "id")),
        )
    )
    return {"members": members, "incomes": incomes, "measures": measures, "records": records}


def search_households(queryset, term: str):
    """An 18-digit ID number (exact, through the member's unique index), a 户编号 prefix, or the head's name
    (prefix) — each answered from an index, never a join across members."""
    term = normalize_id_number(term)
    if not term:
        return queryset
    if len(term) == 18 and term[:17].isdigit():
        return queryset.filter(pk__in=Member.objects.filter(id_number=term).values("household_id"))
    if term.isdigit():
        return queryset.filter(code__startswith=term)
    return queryset.filter(Q(code__startswith=term) | Q(head_name__startswith=term))


# ---------------------------------------------------------------- the 待审核 worklist


def worklist(*, user) -> QuerySet:
    """Records waiting for this user's step: township review for township clerks, county approval for
    county reviewers, both for the city administrator; village officers see their records sent back."""
    role = role_of(user)
    records = scope(MonitoringRecord.objects.all(), user, "change")
    if role == Role.TOWNSHIP_CLERK:
        wanted = Q(status=ReviewStatus.SUBMITTED) | Q(elimination_status=EliminationStatus.SUBMITTED)
    elif role == Role.COUNTY_REVIEWER:
        wanted = Q(status=ReviewStatus.TOWNSHIP_APPROVED) | Q(elimination_status=EliminationStatus.TOWNSHIP_APPROVED)
    elif role == Role.CITY_ADMIN:
        wanted = Q(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.TOWNSHIP_APPROVED]) | Q(
            elimination_status__in=[EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED]
        )
    elif role == Role.VILLAGE_OFFICER:
        wanted = Q(status__in=[ReviewStatus.DRAFT, ReviewStatus.REJECTED]) | Q(
            elimination_status=EliminationStatus.REJECTED
        )
    else:
        return records.none()
    return (
        records.filter(wanted)
        .select_related("household__village__township", "author")
        .prefetch_related("risk_types")
        .order_by("submitted_at", "id")
    )
