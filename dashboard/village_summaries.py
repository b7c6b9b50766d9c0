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

Refreshed on write, so that readers do not wait: a writer forgets its villages' rows inside its
transaction (readers keep seeing the old rows until it commits) and, once it has committed, rebuilds the
periods it forgot at once (:func:`summaries_rebuild`, an on-commit callback of the writer's own request
or job). A reader builds only what nobody has built yet: a period read for the first time, or villages
whose writer's rebuild it reaches first.

Concurrency (PostgreSQL), with advisory locks held to the end of a transaction:

- one lock per village (its 12-digit code as the key): a writer takes it shared when it forgets the
  village — so that no build reads the registry before that write commits and then stores a summary the
  write has already made stale — and a builder takes it exclusively, then looks again for what is missing.
  A builder never queues for a village's lock: it takes what is free (``pg_try_advisory_xact_lock``),
  builds that, commits, and comes back for the rest, so that writers are never stuck behind a queue of
  builders and two builders never deadlock (inserting the same rows in different orders did, under the
  load run, when every build took one lock for all villages);
- one lock for all summaries, shared by everyone above; taken exclusively by what forgets or builds more
  villages than per-village locks are made for (``MANY``: a city's first read of a period, a bulk import,
  the monitoring threshold), which waits for the writers and builders in flight and holds the others off.
"""

import datetime
import time
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from accounts.scoping import in_area
from villages.models import Village

from .completeness import completeness_income_q, completeness_measure_q
from .figures_cache import everything_changed, writes_of_villages, writes_that_change_no_figure
from .models import SUMMARY_PARTS, VillageBreakdown, VillageSummary
from .periods import Period


# Any fixed number, the same in every process: the key of the lock on all summaries. A village's lock is its
# code (12 digits), never this 9-digit number.
SUMMARIES_LOCK = 140_800_001
# More villages than this at once take the lock on all summaries instead of one lock each: PostgreSQL's lock
# table holds max_locks_per_transaction (64) × max_connections (100) locks for all sessions together.
MANY = 400
# How long a builder waits before it tries again for the villages another transaction holds.
RETRY_SECONDS = 0.02


def _advisory(key: int, *, shared: bool, wait: bool = True) -> bool:
    """Take the advisory lock ``key`` until the current transaction ends (PostgreSQL; SQLite writes one
    transaction at a time anyway: always True). ``wait=False``: True if it was free, False if not."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return True
    name = f"pg_{'' if wait else 'try_'}advisory_xact_lock{'_shared' if shared else ''}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name}(%s)", [key])
        return wait or cursor.fetchone()[0]


def summaries_lock(*, shared: bool) -> None:
    """The lock on all summaries, held until the current transaction ends."""
    _advisory(SUMMARIES_LOCK, shared=shared)


def summaries_invalidate(*, village_codes=None, households_changed: bool = True) -> int:
    """Forget the summaries of these villages (None: every village) — after a bulk write, an import,
    or a change of reference data (the monitoring threshold) — and, when their households or members may
    have changed (``households_changed``), of the villages whose workshops employ people of these villages.
    Once the transaction commits, the periods forgotten are rebuilt (:func:`summaries_rebuild`); a read
    before that builds what it needs itself."""
    rows = VillageSummary.objects.all()
    if village_codes is None:
        # A bulk write (the seed's COPY) may have touched any table unseen: every cached figure goes.
        transaction.on_commit(everything_changed)
        summaries_lock(shared=False)
        return rows.delete()[0]
    codes = {code for code in village_codes if code}
    if not codes:
        return 0
    if households_changed:
        codes |= workshop_villages_employing(members_of=Q(member__household__village_id__in=codes))
    if len(codes) > MANY:
        summaries_lock(shared=False)
    else:
        summaries_lock(shared=True)
        for code in sorted(codes):
            _advisory(int(code), shared=True)
    rows = rows.filter(village_id__in=codes)
    periods = [Period(*row) for row in rows.values_list("year", "quarter").distinct().order_by()]
    with writes_of_villages(codes):  # the figures of these villages' areas change, not every area's
        deleted = rows.delete()[0]
    if periods:
        _rebuild_after_commit(codes, periods)
    return deleted


class _Rebuild:
    """The villages and periods one transaction forgot, rebuilt once it has committed."""

    def __init__(self):
        self.villages: dict[Period, set[str]] = defaultdict(set)

    def __call__(self):
        for period, codes in sorted(self.villages.items()):
            summaries_rebuild(village_codes=codes, periods=[period])


def _rebuild_after_commit(codes: set[str], periods: list[Period]) -> None:
    if not connection.in_atomic_block:  # each statement commits by itself: the write is in already
        summaries_rebuild(village_codes=codes, periods=periods)
        return
    pending = getattr(connection, "_summaries_rebuild", None)
    # A rolled-back transaction (or savepoint) drops its on-commit callbacks: start a new one then.
    if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = connection._summaries_rebuild = _Rebuild()
        # robust: the write has committed whatever happens here; a failed rebuild is logged and the next
        # read builds the missing rows.
        transaction.on_commit(pending, robust=True)
    for period in periods:
        pending.villages[period] |= codes


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
    """Build the summaries of villages inside ``prefix`` that have none for one of ``periods`` (a reader,
    before it adds them up)."""
    if summaries_complete(prefix=prefix, periods=periods):
        return
    stale = Q()
    for period in periods:
        # The summaries narrowed to the area as well: PostgreSQL hashes the subquery's rows once, and without
        # the range those are the whole province's (23,892 per period: 60–90 ms per read of a city).
        stale |= ~Exists(in_area(VillageSummary.objects.filter(village_id=OuterRef("code"), year=period.year,
                                                               quarter=period.quarter), "village_id", prefix))
    villages = in_area(Village.objects.all(), "code", prefix).filter(stale)
    missing = list(villages.values_list("code", flat=True)[:MANY + 1])
    if not missing:
        return
    if len(missing) <= MANY:
        summaries_rebuild(village_codes=missing, periods=periods)
        return
    with transaction.atomic(), writes_that_change_no_figure():
        summaries_lock(shared=False)
        missing = list(villages.values_list("code", flat=True))  # what another builder has not built meanwhile
        if not missing:
            return
        everything = len(missing) == in_area(Village.objects.all(), "code", prefix).count()
        for period in periods:
            summaries_build(period=period, village_codes=None if everything else missing, prefix=prefix)


def summaries_complete(*, prefix: str, periods: list[Period]) -> bool:
    """Whether every village inside ``prefix`` has its summary of each of ``periods``: two index-only counts
    (a summary row is unique per village and period, and goes with its village), so that a read of fresh
    figures does not look for the missing villages one by one — the province's 23,892 villages hashed and
    probed per period took 60–90 ms on every read of the province, ~5 ms counted."""
    from django.db.models import F, Func, IntegerField, Subquery

    villages = in_area(Village.objects.all(), "code", prefix).order_by().annotate(
        n=Func(F("code"), function="COUNT", output_field=IntegerField())).values("n")
    rows = (in_area(VillageSummary.objects.filter(_periods_q(periods)), "village_id", prefix)
            .values("year", "quarter").annotate(n=Count("pk"), villages=Subquery(villages)).order_by())
    complete = {(row["year"], row["quarter"]) for row in rows if row["n"] == row["villages"]}  # one query
    return all((period.year, period.quarter) in complete for period in periods)


def _periods_q(periods: list[Period]) -> Q:
    """Summary rows of any of ``periods``."""
    found = Q()
    for period in periods:
        found |= Q(year=period.year, quarter=period.quarter)
    return found


def summaries_rebuild(*, village_codes, periods: list[Period]) -> None:
    """Build what is missing of these villages' summaries for ``periods``, each village under its own lock:
    those another transaction holds (a writer before its commit, another builder) are tried again after
    the others are built, until none is left. Few villages at a time (≤ ``MANY``)."""
    remaining = sorted(set(village_codes))
    while remaining:
        with transaction.atomic(), writes_that_change_no_figure():
            summaries_lock(shared=True)
            mine = [code for code in remaining if _advisory(int(code), shared=False, wait=False)]
            for period in periods:
                # Looked at again under the lock: another builder may have built them meanwhile.
                built = set(VillageSummary.objects.filter(village_id__in=mine, year=period.year,
                                                          quarter=period.quarter).values_list("village_id", flat=True))
                missing = [code for code in mine if code not in built]
                if missing:
                    summaries_build(period=period, village_codes=missing)
        taken = set(mine)
        remaining = [code for code in remaining if code not in taken]
        if remaining:
            time.sleep(RETRY_SECONDS)


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


# The household columns the summaries are computed from (besides the key): a household save that changes
# none of them (its phone, its address, its 自然村) leaves every summary as it was (``dashboard.signals``).
# tests/dashboard/test_freshness.py reads the columns off the build's SQL: one read here and not
# listed fails it.
HOUSEHOLD_COLUMNS = ("village_id", "is_poverty_alleviated", "is_relocated", "is_monitored", "is_no_labour")


def _narrow(queryset, path: str, *, village_codes, prefix: str):
    """Narrow ``queryset`` (its village code at ``path``) to the villages being computed: those listed, or
    (None) every village inside ``prefix``. For a list of villages, rows of the registry's tables are
    picked by ``household IN (the villages' households)`` so that both databases go through the household
    index (SQLite otherwise preferred e.g. the labour-skill index and read every labourer)."""
    from monitoring.models import Household

    if village_codes is None:
        return in_area(queryset, path, prefix)
    if path.endswith("household__village_id"):
        households = Household.objects.filter(village_id__in=village_codes).values("pk")
        return queryset.filter(**{path.replace("__village_id", "__in"): households})
    return queryset.filter(**{f"{path}__in": village_codes})


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

    def narrow(queryset, path):
        return _narrow(queryset, path, village_codes=village_codes, prefix=prefix)

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

    rows = VillageSummary.objects.filter(_periods_q(periods))
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
    from monitoring.models import MonitoringRecord

    records = _narrow(MonitoringRecord.objects.identified_as_of(period.end), "household__village_id",
                      village_codes=village_codes, prefix=prefix)
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
