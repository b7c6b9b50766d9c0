"""Reads of the monitoring app shared by the pages, the admin, the dashboard, exports and imports.

Querysets given to these functions are expected to be scoped already (``accounts.scoping.scope``).
"""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.roles import AREA_ROLES, Role, role_of
from accounts.scoping import area_filter, scope
from yuncheng.idcard import normalize_id_number

from .models import (
    DEVELOPMENT_MEASURES,
    LABOUR_SKILLS_ABLE,
    OUTSIDE_COUNTY,
    WORKING_AGE,
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

# ---------------------------------------------------------------- building blocks for the metrics


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def working_age_q(day: datetime.date, prefix: str = "") -> Q:
    """Members aged WORKING_AGE[0]..WORKING_AGE[1] full years (inclusive) on ``day``."""
    youngest, oldest = WORKING_AGE
    return Q(**{
        f"{prefix}birth_date__lte": _years_before(day, youngest),
        f"{prefix}birth_date__gt": _years_before(day, oldest + 1),
    })


def labour_force_q(day: datetime.date, prefix: str = "") -> Q:
    """劳动力: a member with labour capacity (普通 / 技能 / 弱或半劳动力) and of working age on ``day``."""
    return Q(**{f"{prefix}labour_skill__in": LABOUR_SKILLS_ABLE}) & working_age_q(day, prefix)


def members_labour_force(*, members: QuerySet, day: datetime.date) -> QuerySet:
    return members.filter(labour_force_q(day))


def members_working_outside(*, members: QuerySet, year: int) -> QuerySet:
    """Members with an employment record of ``year`` outside their county (省内县外 or 省外)."""
    return members.filter(
        Exists(Employment.objects.filter(member=OuterRef("pk"), year=year, location__in=OUTSIDE_COUNTY))
    )


def records_identified_as_of(*, records: QuerySet, day: datetime.date) -> QuerySet:
    return records.identified_as_of(day)


def records_eliminated_as_of(*, records: QuerySet, day: datetime.date) -> QuerySet:
    return records.eliminated_as_of(day)


def has_development_measure() -> Exists:
    return Exists(AssistanceMeasure.objects.filter(household=OuterRef("pk"), measure_type__in=DEVELOPMENT_MEASURES))


def has_labour() -> Q:
    return Q(is_no_labour=False) & Exists(
        Member.objects.filter(household=OuterRef("pk"), labour_skill__in=LABOUR_SKILLS_ABLE)
    )


# ---------------------------------------------------------------- the 监测对象 list and the household page


def in_area(queryset: QuerySet, code: str | None, field: str = "village__code") -> QuerySet:
    """Records whose area code lies inside the area ``code`` (a city, county, township or village code),
    written as a range on the code column. The range is what a plain B-tree index answers on any collation
    (``LIKE '140829%'`` needs a pattern index, and the planner misjudges its selectivity with a LIMIT)."""
    if not code:
        return queryset
    return queryset.filter(**area_filter(field, code))


def households_for(*, user) -> QuerySet:
    """The households the user may view, with their own area also stated as an indexable range."""
    households = scope(Household.objects.all(), user)
    role = role_of(user)
    if role in AREA_ROLES and role != Role.CITY_ADMIN:
        households = in_area(households, user.profile.area_code)
    return households



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
