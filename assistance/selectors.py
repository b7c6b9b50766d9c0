"""Reads on 帮扶资源 for the list pages.

Every function takes querysets that the caller has already passed through ``accounts.scoping.scope``,
and answers with database aggregates only. The figures (workshops, PV, funds, consumption, collective
economy) are the metrics catalogue's (``dashboard.catalogue``); the rules they count by are the QuerySet
methods of ``assistance.models``."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import PVEmployee, PVIncome, registry_member_q


def workshop_list(*, workshops: QuerySet) -> QuerySet:
    """Workshops with their village and the number employed now, and of whom 脱贫劳动力 (from the registry)."""
    current = Q(employees__left_on__isnull=True)
    return workshops.select_related("village__county").annotate(
        employee_count=Count("employees", filter=current, distinct=True),
        poverty_employee_count=Count(
            "employees", filter=current & registry_member_q("employees__member__"), distinct=True
        ),
    )


def pv_station_list(*, stations: QuerySet, year: int) -> QuerySet:
    """PV stations with the year's income, posts, people on posts and of whom from 脱贫户/监测户."""
    income = PVIncome.objects.filter(station=OuterRef("pk"), year=year)
    people = (
        PVEmployee.objects.filter(station=OuterRef("pk"), year=year)
        .order_by()
        .values("station")
        .annotate(n=Count("pk"), poor=Count("pk", filter=registry_member_q()))
    )
    return stations.select_related("village__county").annotate(
        year_income=Subquery(income.values("income")[:1]),
        year_posts=Subquery(income.values("posts")[:1]),
        employee_count=Coalesce(Subquery(people.values("n")[:1], output_field=IntegerField()), 0),
        beneficiary_count=Coalesce(Subquery(people.values("poor")[:1], output_field=IntegerField()), 0),
    )


def project_list(*, projects: QuerySet) -> QuerySet:
    return projects.select_related("county", "village")


def consumption_sale_list(*, sales: QuerySet) -> QuerySet:
    return sales.select_related("platform", "county")


def collective_economy_list(*, records: QuerySet) -> QuerySet:
    return records.select_related("village__township", "village__county")


def latest_year(queryset: QuerySet, default: int) -> int:
    """The latest year that has records (for a page's default year)."""
    return queryset.order_by("-year").values_list("year", flat=True).first() or default
