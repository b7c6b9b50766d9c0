"""Reads on 帮扶资源 shared by the list pages, the dashboard's metrics catalogue, exports and the API.

Every function takes querysets that the caller has already passed through ``accounts.scoping.scope``
(or narrowed to an area), and answers with database aggregates only."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import FundingSource, ProjectStatus, PVEmployee, PVIncome, WorkshopEmployee

UNIT_PROJECT_MIN = Decimal("10000")  # 万元以上帮扶项目
COLLECTIVE_100K = Decimal("100000")
COLLECTIVE_300K = Decimal("300000")
_ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def poverty_member_q(prefix: str = "member__") -> Q:
    """A person linked to a member of a 脱贫户 or 监测户 (a 一般农户's member does not count)."""
    return Q(**{f"{prefix}household__is_poverty_alleviated": True}) | Q(**{f"{prefix}household__is_monitored": True})


def year_bounds(year: int, quarter: int | None = None) -> tuple[datetime.date, datetime.date]:
    """First and last day of a year, or of the year up to the end of a quarter (序时)."""
    end_month = 3 * quarter if quarter else 12
    end = datetime.date(year + (end_month == 12), end_month % 12 + 1, 1) - datetime.timedelta(days=1)
    return datetime.date(year, 1, 1), end


# ------------------------------------------------------------------------------- workshops


def workshops_operating(*, workshops: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    """Workshops that ran at some time between start and end (a closed one without a date: not running)."""
    return workshops.filter(
        Q(operating_since__isnull=True) | Q(operating_since__lte=end),
        Q(operating_until__gte=start) | Q(operating_until__isnull=True, is_operating=True),
    )


def workshop_employees_in_period(*, employees: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    return employees.filter(
        Q(hired_on__isnull=True) | Q(hired_on__lte=end),
        Q(left_on__isnull=True) | Q(left_on__gte=start),
    )


def workshop_list(*, workshops: QuerySet) -> QuerySet:
    """Workshops with their village and the number employed now, and of whom 脱贫劳动力 (from the registry)."""
    current = Q(employees__left_on__isnull=True)
    return workshops.select_related("village__county").annotate(
        employee_count=Count("employees", filter=current, distinct=True),
        poverty_employee_count=Count(
            "employees", filter=current & poverty_member_q("employees__member__"), distinct=True
        ),
    )


def workshop_totals(*, workshops: QuerySet, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """employment.workshops / workshop_jobs / workshop_poverty_jobs for a period."""
    operating = workshops_operating(workshops=workshops, start=start, end=end)
    employees = workshop_employees_in_period(
        employees=WorkshopEmployee.objects.filter(workshop__in=operating.values("pk")), start=start, end=end
    )
    totals = employees.aggregate(jobs=Count("pk"), poverty_jobs=Count("pk", filter=poverty_member_q()))
    return {"workshops": operating.count(), **totals}


# ------------------------------------------------------------------------------- PV stations


def pv_station_list(*, stations: QuerySet, year: int) -> QuerySet:
    """PV stations with the year's income, posts, people on posts and of whom from 脱贫户/监测户."""
    income = PVIncome.objects.filter(station=OuterRef("pk"), year=year)
    people = (
        PVEmployee.objects.filter(station=OuterRef("pk"), year=year)
        .order_by()
        .values("station")
        .annotate(n=Count("pk"), poor=Count("pk", filter=poverty_member_q()))
    )
    return stations.select_related("village__county").annotate(
        year_income=Subquery(income.values("income")[:1]),
        year_posts=Subquery(income.values("posts")[:1]),
        employee_count=Coalesce(Subquery(people.values("n")[:1], output_field=IntegerField()), 0),
        beneficiary_count=Coalesce(Subquery(people.values("poor")[:1], output_field=IntegerField()), 0),
    )


def pv_totals(*, stations: QuerySet, year: int) -> dict:
    """employment.pv_stations / pv_income / pv_posts / pv_beneficiaries for a year."""
    incomes = PVIncome.objects.filter(station__in=stations.values("pk"), year=year).aggregate(
        income=Coalesce(Sum("income"), _ZERO), posts=Coalesce(Sum("posts"), 0)
    )
    beneficiaries = (
        PVEmployee.objects.filter(station__in=stations.values("pk"), year=year)
        .filter(poverty_member_q())
        .aggregate(n=Count("member", distinct=True))["n"]
    )
    return {"stations": stations.count(), **incomes, "beneficiaries": beneficiaries}


# ------------------------------------------------------------------------------- projects and funds


def project_list(*, projects: QuerySet) -> QuerySet:
    return projects.select_related("county", "village")


def project_totals(*, projects: QuerySet, year: int) -> dict:
    """funds.linkage / funds.unit_assistance / funds.unit_projects for a year (cancelled projects left out)."""
    linkage, unit = Q(funding_source=FundingSource.LINKAGE), Q(funding_source=FundingSource.UNIT)
    return projects.filter(year=year).exclude(status=ProjectStatus.CANCELLED).aggregate(
        linkage=Coalesce(Sum("amount", filter=linkage), _ZERO),
        unit_assistance=Coalesce(Sum("amount", filter=unit), _ZERO),
        unit_projects=Count("pk", filter=unit & Q(amount__gte=UNIT_PROJECT_MIN)),
    )


# ------------------------------------------------------------------------------- consumption assistance


def consumption_sales_in_period(*, sales: QuerySet, year: int, quarter: int | None = None) -> QuerySet:
    """Sales of a year, or of the year up to a quarter's end (序时). A whole-year record counts in every
    quarter of its year, as the dashboard's catalogue counts it."""
    sales = sales.filter(year=year)
    if quarter and quarter < 4:
        sales = sales.filter(Q(quarter__isnull=True, month__isnull=True) | Q(quarter__lte=quarter)
                             | Q(month__lte=3 * quarter))
    return sales


def consumption_sale_list(*, sales: QuerySet) -> QuerySet:
    return sales.select_related("platform", "county")


def consumption_totals(*, sales: QuerySet, year: int, quarter: int | None = None) -> dict:
    """consumption.platforms (platforms with sales) / sales / beneficiaries for a period."""
    return consumption_sales_in_period(sales=sales, year=year, quarter=quarter).aggregate(
        platforms=Count("platform", distinct=True),
        sales=Coalesce(Sum("amount"), _ZERO),
        beneficiaries=Coalesce(Sum("beneficiaries"), 0),
    )


# ------------------------------------------------------------------------------- village collective economy


def collective_economy_list(*, records: QuerySet) -> QuerySet:
    return records.select_related("village__township", "village__county")


def collective_economy_totals(*, records: QuerySet, villages: QuerySet, year: int) -> dict:
    """collective.*: villages of the area (denominator), of them ≥ 10万 and ≥ 30万, cooperatives, services.

    ``villages`` are the area's villages; a village without a record of the year counts as below 10万."""
    totals = records.filter(year=year).aggregate(
        reported=Count("pk"),
        over_100k=Count("pk", filter=Q(income__gte=COLLECTIVE_100K)),
        over_300k=Count("pk", filter=Q(income__gte=COLLECTIVE_300K)),
        cooperatives=Coalesce(Sum("party_branch_cooperatives"), 0),
        trusteeship_services=Coalesce(Sum("trusteeship_services"), 0),
    )
    village_count = villages.count()

    def pct(n):
        return (Decimal(n) * 100 / village_count).quantize(Decimal("0.01")) if village_count else Decimal("0")

    return {
        "villages": village_count,
        **totals,
        "over_100k_pct": pct(totals["over_100k"]),
        "over_300k_pct": pct(totals["over_300k"]),
    }


def latest_year(queryset: QuerySet, default: int) -> int:
    """The latest year that has records (for a page's default year)."""
    return queryset.order_by("-year").values_list("year", flat=True).first() or default

