"""Keeping :class:`~dashboard.models.VillageSummary` fresh.

A summary row exists for every village and every period that has been read. Writes delete the rows of
the village they touch (``dashboard.signals``; bulk writers call :func:`summaries_invalidate`), so "a
village without a row for the period" *is* "stale": :func:`summaries_ensure` finds those villages with
one anti-join over the 2,172 villages and recomputes them all at once with a fixed number of grouped
queries (``_village_parts``), whatever their number.

One figure crosses villages: a workshop's employees of 脱贫户 / 监测户 are counted in the workshop's
village, but whether a person counts depends on a household that may live in another village. So
forgetting a village also forgets the villages of the workshops that employ its people
(:func:`summaries_invalidate`). Cost: a read of a fresh area is one indexed query
over ≤ 2,172 × 2 rows; a recompute costs a few aggregates over the registry rows of the stale villages
only (one village: milliseconds; the whole city after a seed or an import: a few seconds, once).

Concurrency (PostgreSQL): several web processes may find the same villages stale at once. A builder
takes the summaries' advisory lock alone and looks again for what is missing once it holds it (the
others wait, then find nothing left to build): two builders inserting the same rows in different
orders deadlocked under the load run. A writer that forgets summaries shares the lock until its
transaction ends, so that no build reads the registry before that write commits and then stores a
summary the write has already made stale.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from accounts.scoping import in_area
from villages.models import Village

from .completeness import completeness_income_q, completeness_measure_q
from .figures_cache import everything_changed, writes_that_change_no_figure
from .models import SUMMARY_PARTS, VillageBreakdown, VillageSummary
from .periods import Period


# Any fixed number, the same in every process: the key of the summaries' advisory lock.
SUMMARIES_LOCK = 140_800_001


def summaries_lock(*, shared: bool) -> None:
    """The summaries' advisory lock (PostgreSQL; SQLite writes one transaction at a time anyway), held
    until the current transaction ends: alone for a build, shared for a writer forgetting summaries."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock{'_shared' if shared else ''}(%s)", [SUMMARIES_LOCK])


def summaries_invalidate(*, village_codes=None, households_changed: bool = True) -> int:
    """Forget the summaries of these villages (None: every village) — after a bulk write, an import,
    or a change of reference data (the monitoring threshold) — and, when their households or members may
    have changed (``households_changed``), of the villages whose workshops employ people of these villages.
    The next read recomputes them."""
    rows = VillageSummary.objects.all()
    if village_codes is not None:
        codes = {code for code in village_codes if code}
        if not codes:
            return 0
        if households_changed:
            codes |= workshop_villages_employing(members_of=Q(member__household__village_id__in=codes))
        rows = rows.filter(village_id__in=codes)
    else:
        # A bulk write (the seed's COPY) may have touched any table unseen: every cached figure goes.
        transaction.on_commit(everything_changed)
    summaries_lock(shared=True)
    return rows.delete()[0]


def workshop_villages_employing(*, members_of: Q) -> set[str]:
    """The villages of the workshops employing the persons ``members_of`` selects (a Q on WorkshopEmployee)."""
    from assistance.models import WorkshopEmployee

    return set(WorkshopEmployee.objects.filter(members_of).order_by().values_list("workshop__village_id", flat=True)
               .distinct())


def refresh_summaries(*, periods=None) -> int:
    """Forget every summary and rebuild those of ``periods`` (a list of Period) now; the seed and the
    importers call it after bulk writes. Returns the number of rows built."""
    summaries_invalidate()
    built = 0
    for period in periods or []:
        built += summaries_build(period=period, village_codes=None)
    return built


def summaries_ensure(*, prefix: str, periods: list[Period]) -> None:
    """Recompute the summaries of villages inside ``prefix`` that have none for one of ``periods``."""
    stale = Q()
    for period in periods:
        # The summaries narrowed to the area as well: PostgreSQL hashes the subquery's rows once, and without
        # the range those are the whole province's (23,892 per period: 60–90 ms per read of a city).
        stale |= ~Exists(in_area(VillageSummary.objects.filter(village_id=OuterRef("code"), year=period.year,
                                                               quarter=period.quarter), "village_id", prefix))
    villages = in_area(Village.objects.all(), "code", prefix).filter(stale)
    if not villages.exists():
        return
    with transaction.atomic(), writes_that_change_no_figure():
        summaries_lock(shared=False)
        missing = list(villages.values_list("code", flat=True))  # what another builder has not built meanwhile
        if not missing:
            return
        everything = len(missing) == in_area(Village.objects.all(), "code", prefix).count()
        for period in periods:
            summaries_build(period=period, village_codes=None if everything else missing, prefix=prefix)


@transaction.atomic
def summaries_build(*, period: Period, village_codes=None, prefix: str = "") -> int:
    """Compute and store the summaries of the villages (None: every village inside ``prefix``)."""
    if connection.vendor == "postgresql":
        # The sets of households (identified, at risk, with labour, measured) are IN subqueries that
        # PostgreSQL hashes once only when the hash fits in work_mem. A province's (~1.9 million ids) does
        # not at the default 4 MB: the plan then re-runs the subquery per household (hours, not minutes).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
    if village_codes is None:
        codes = list(in_area(Village.objects.all(), "code", prefix).values_list("code", flat=True))
    else:
        codes = list(village_codes)
    parts = _village_parts(period=period, village_codes=None if village_codes is None else codes, prefix=prefix)
    breakdowns = _village_breakdowns(period=period, village_codes=None if village_codes is None else codes,
                                     prefix=prefix)
    for model in (VillageSummary, VillageBreakdown):
        old = model.objects.filter(year=period.year, quarter=period.quarter)
        if village_codes is None:
            in_area(old, "village__code", prefix).delete()
        else:
            old.filter(village_id__in=codes).delete()
    rows = [
        VillageSummary(village_id=code, year=period.year, quarter=period.quarter, **parts.get(code, {}))
        for code in codes
    ]
    VillageSummary.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    VillageBreakdown.objects.bulk_create(
        [VillageBreakdown(village_id=code, year=period.year, quarter=period.quarter, dimension=dimension, value=value,
                          households=households)
         for (code, dimension, value), households in breakdowns.items()],
        batch_size=2000,
    )
    return len(rows)


def _village_parts(*, period: Period, village_codes, prefix: str) -> dict[str, dict]:
    """The summarised parts of the metrics per village: nine grouped aggregates, whatever the number of villages."""
    from assistance.models import Workshop, WorkshopEmployee, registry_member_q
    from monitoring.models import (
        AssistanceMeasure,
        Employment,
        Household,
        IncomeRecord,
        Member,
        MonitoringRecord,
        MonitoringThreshold,
    )

    end = period.end

    village_households = (
        Household.objects.filter(village_id__in=village_codes).values("pk") if village_codes is not None else None
    )

    def narrow(queryset, path):
        """Narrow to the villages being computed. For a list of villages, rows of the registry's tables are
        picked by ``household IN (the villages' households)`` so that both databases go through the household
        index (SQLite otherwise preferred e.g. the labour-skill index and read every labourer)."""
        if village_codes is not None:
            if path.endswith("household__village_id"):
                return queryset.filter(**{path.replace("__village_id", "__in"): village_households})
            return queryset.filter(**{f"{path}__in": village_codes})
        return in_area(queryset, path, prefix)

    parts: dict[str, dict] = defaultdict(dict)

    # Sets of households as non-correlated IN subqueries: each is evaluated once (a hashed subplan on
    # PostgreSQL, an ephemeral index on SQLite). Correlated EXISTS on the monitoring records made SQLite
    # scan the (status, month) index once per household.
    # The sets are narrowed to the villages being computed, so that recomputing one village after a
    # write reads that village's rows only.
    identified_ids = narrow(MonitoringRecord.objects.identified_as_of(end), "household__village_id").values(
        "household_id")
    open_ids = narrow(MonitoringRecord.objects.open_as_of(end), "household__village_id").values("household_id")
    with_labour = Household.objects.with_labour_q(end, members=narrow(Member.objects.all(), "household__village_id"))
    measured_ids = narrow(AssistanceMeasure.objects.development(end), "household__village_id").values("household_id")

    # 1. monitored households, eliminated, at risk with labour (and with a development measure)
    at_risk = Q(pk__in=open_ids)
    households = (
        narrow(Household.objects.filter(pk__in=identified_ids), "village_id")
        .values("village_id")
        .annotate(
            households=Count("id"),
            households_eliminated=Count("id", filter=~at_risk),
            at_risk_labour=Count("id", filter=at_risk & with_labour),
            at_risk_labour_measured=Count("id", filter=at_risk & with_labour & Q(pk__in=measured_ids)),
        )
        .order_by()
    )
    for row in households:
        parts[row.pop("village_id")].update(row)

    # 2. their members
    members = (
        narrow(Member.objects.filter(household__in=identified_ids), "household__village_id")
        .values("household__village_id")
        .annotate(persons=Count("id"), persons_eliminated=Count("id", filter=~Q(household__in=open_ids)))
        .order_by()
    )
    for row in members:
        parts[row.pop("household__village_id")].update(row)

    # 3. income of the period: 脱贫户 (persons-weighted), relocated 脱贫户, and households below the line
    threshold = MonitoringThreshold.objects.filter(year=period.year).values_list("amount", flat=True).first()
    poverty = Q(household__is_poverty_alleviated=True)
    sums = {
        "income_total": Sum("net_income", filter=poverty),
        "income_persons": Sum("persons", filter=poverty),
        "relocated_total": Sum("net_income", filter=poverty & Q(household__is_relocated=True)),
        "relocated_persons": Sum("persons", filter=poverty & Q(household__is_relocated=True)),
    }
    if threshold is not None:
        sums["below_threshold"] = Count("household_id", filter=below_threshold_q(period, threshold), distinct=True)
    incomes = (
        narrow(IncomeRecord.objects.filter(year=period.year, quarter=period.quarter), "household__village_id")
        .values("household__village_id")
        .annotate(**sums)
        .order_by()
    )
    for row in incomes:
        code = row.pop("household__village_id")
        parts[code].update({key: value or 0 for key, value in row.items()})

    # 4. labour force of 脱贫户 and those working outside the county in the year
    labour = (
        narrow(Member.objects.labour_force(end), "household__village_id")
        .filter(household__is_poverty_alleviated=True)
        .annotate(away=Member.objects.working_outside_q(period.year))
        .values("household__village_id")
        .annotate(labour_force=Count("id"), migrant_workers=Count("id", filter=Q(away=True)))
        .order_by()
    )
    for row in labour:
        parts[row.pop("household__village_id")].update(row)

    # 5. relocated households with labour and nobody employed in the year
    jobless = (
        narrow(Household.objects.filter(with_labour, is_relocated=True), "village_id")
        .exclude(pk__in=narrow(Employment.objects.filter(year=period.year),
                                "member__household__village_id").values("member__household_id"))
        .values("village_id")
        .annotate(relocated_jobless=Count("id"))
        .order_by()
    )
    for row in jobless:
        parts[row.pop("village_id")].update(row)

    # 6. 录入进度 of the households: the quarter's income, a measure for those at risk
    records = narrow(MonitoringRecord.objects.all(), "household__village_id")
    income_due, income_done = completeness_income_q(
        period, records=records, incomes=narrow(IncomeRecord.objects.all(), "household__village_id"))
    measure_due, measure_done = completeness_measure_q(period, records=records)
    progress = (
        narrow(Household.objects.filter(income_due | measure_due), "village_id")
        .values("village_id")
        .annotate(income_due=Count("id", filter=income_due), income_done=Count("id", filter=income_due & income_done),
                  measure_due=Count("id", filter=measure_due),
                  measure_done=Count("id", filter=measure_due & Q(measure_done)))
        .order_by()
    )
    for row in progress:
        parts[row.pop("village_id")].update(row)

    # 7. workshops operating in the quarter, in their own village, and the persons they employed in it
    start = period.quarter_start
    shops = (narrow(Workshop.objects.operating_between(start, end), "village_id")
             .values("village_id").annotate(workshops=Count("id")).order_by())
    for row in shops:
        parts[row.pop("village_id")].update(row)
    jobs = (
        narrow(WorkshopEmployee.objects.employed_between(start, end), "workshop__village_id")
        .values("workshop__village_id")
        .annotate(workshop_jobs=Count("id"), workshop_poverty_jobs=Count("id", filter=registry_member_q()))
        .order_by()
    )
    for row in jobs:
        parts[row.pop("workshop__village_id")].update(row)
    return parts


def below_threshold_q(period: Period, threshold: Decimal) -> Q:
    """Income records (of the period) of 脱贫户 and 监测户 whose per-capita net income, annualised
    (cumulative × 4 / quarter), is below the year's monitoring threshold."""
    from monitoring.models import MonitoringRecord

    identified = MonitoringRecord.objects.identified_as_of(period.end)
    households = Q(household__is_poverty_alleviated=True) | Q(household__in=identified.values("household_id"))
    return households & Q(per_capita_income__lt=threshold * period.quarter / Decimal(4))


def summary_totals(*, prefix: str, periods: list[Period], group_len: int | None, parts=SUMMARY_PARTS) -> dict:
    """{(year, quarter, group): {part: total}} of ``parts`` over the summaries of ``prefix`` (one query)."""
    from django.db.models.functions import Substr

    period_q = Q()
    for period in periods:
        period_q |= Q(year=period.year, quarter=period.quarter)
    rows = VillageSummary.objects.filter(period_q)
    rows = in_area(rows, "village__code", prefix)
    group_fields = ["year", "quarter"]
    if group_len:
        rows = rows.annotate(group=Substr("village_id", 1, group_len))
        group_fields.append("group")
    rows = rows.values(*group_fields).annotate(**{part: Sum(part) for part in parts}).order_by()
    totals = {}
    for row in rows:
        key = (row.pop("year"), row.pop("quarter"), row.pop("group", ""))
        totals[key] = {part: value or 0 for part, value in row.items()}
    return totals


def breakdown_totals(*, prefix: str, period: Period, dimension: str, group_len: int | None) -> dict[str, dict]:
    """{group: {value: households}} of one dimension of the breakdowns of ``prefix`` (one query over the
    summaries; group "" when ``group_len`` is None). Call :func:`summaries_ensure` first."""
    from django.db.models.functions import Substr

    rows = in_area(VillageBreakdown.objects.filter(year=period.year, quarter=period.quarter, dimension=dimension),
                   "village_id", prefix)
    fields = ["value"]
    if group_len:
        rows = rows.annotate(group=Substr("village_id", 1, group_len))
        fields.append("group")
    totals: dict[str, dict] = defaultdict(dict)
    for row in rows.values(*fields).annotate(n=Sum("households")).order_by():
        totals[row.get("group", "")][row["value"]] = row["n"] or 0
    return dict(totals)


def _village_breakdowns(*, period: Period, village_codes, prefix: str) -> dict[tuple[str, str, str], int]:
    """{(village, dimension, value): households} of the monitored households (county-approved records
    as of the period end) counted once per value of the records' category, channel and risk types: three
    grouped queries, whatever the number of villages. Zero counts are left out."""
    from monitoring.models import Household, MonitoringRecord

    records = MonitoringRecord.objects.identified_as_of(period.end)
    if village_codes is not None:
        # household IN (the villages' households): the household index, as in _village_parts' narrow()
        records = records.filter(household__in=Household.objects.filter(village_id__in=village_codes).values("pk"))
    else:
        records = in_area(records, "household__village_id", prefix)
    counts: dict[tuple[str, str, str], int] = {}
    for dimension, field, queryset in (
        (VillageBreakdown.Dimension.CATEGORY, "category", records),
        (VillageBreakdown.Dimension.CHANNEL, "channel", records),
        (VillageBreakdown.Dimension.RISK, "risk_types", records.filter(risk_types__isnull=False)),
    ):
        rows = (queryset.values_list("household__village_id", field)
                .annotate(n=Count("household_id", distinct=True)).order_by())
        for code, value, households in rows:
            if households:
                counts[(code, dimension.value, value)] = households
    return counts
