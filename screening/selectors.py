"""Reads of the screening app shared by its pages, the importer, the dashboard's sources and the tests.

Querysets given to these functions are expected to be scoped already (``accounts.scoping.scope``), except
where a function takes the ``user`` and scopes itself.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When

from accounts.scoping import scope
from monitoring.models import EliminationStatus, Household, IncomeRecord, MonitoringRecord

from .models import (
    AMOUNT_EVENT_TYPES,
    EventType,
    Indicator,
    ScreeningWarning,
    WarningRule,
)

# ---------------------------------------------------------------- rules


def warning_rules() -> dict[str, WarningRule]:
    return {rule.event_type: rule for rule in WarningRule.objects.all()}


def household_yearly_income(*, household_ids, year: int) -> dict[int, Decimal]:
    """Each household's net income of ``year`` (or the latest year before it): the latest quarter's
    cumulative amount scaled to the full year (×4/quarter, as income is recorded 序时)."""
    latest: dict[int, Decimal] = {}
    rows = (
        IncomeRecord.objects.filter(household_id__in=list(household_ids), year__lte=year)
        .order_by("household_id", "-year", "-quarter")
        .values_list("household_id", "net_income", "quarter")
    )
    for household_id, net_income, quarter in rows:
        if household_id not in latest:
            latest[household_id] = (net_income * 4 / quarter).quantize(Decimal("0.01"))
    return latest


@dataclass(frozen=True)
class Verdict:
    raises: bool
    rule: str  # the rule as the worklist shows it


def event_verdict(*, event_type: str, amount: Decimal | None, yearly_income: Decimal | None,
                  rule: WarningRule | None) -> Verdict:
    """Whether an event raises a warning under its type's rule.

    No rule, or a rule without thresholds → every event warns (an event type without an amount warns by
    default). Thresholds compare the amount "达到或超过" (>=); either one reached is enough. A share of
    income cannot be judged for a household without recorded income (or with none): it warns, because a
    large expense with no known income is exactly what the village should look at."""
    label = EventType(event_type).label
    if rule is None:
        return Verdict(True, f"{label}：发生即预警（未设规则）")
    if not rule.is_active:
        return Verdict(False, f"{label}：规则已停用")
    described = f"{label}：{rule.describe()}"
    if rule.min_amount is None and rule.income_share_pct is None:
        return Verdict(True, described)
    if amount is None:
        return Verdict(True, described)
    if rule.min_amount is not None and amount >= rule.min_amount:
        return Verdict(True, described)
    if rule.income_share_pct is not None:
        if yearly_income is None or yearly_income <= 0:
            return Verdict(True, f"{described}（家庭无收入记录）")
        if amount * 100 >= yearly_income * rule.income_share_pct:
            return Verdict(True, described)
    return Verdict(False, described)


def event_needs_amount(event_type: str) -> bool:
    return event_type in AMOUNT_EVENT_TYPES


def household_states(*, household_ids, year: int) -> dict[int, str]:
    """A short description of each household as the warning records it: its type, its monitoring state,
    its size and its yearly income."""
    household_ids = list(household_ids)
    incomes = household_yearly_income(household_ids=household_ids, year=year)
    open_records = set(
        MonitoringRecord.objects.filter(household_id__in=household_ids)
        .exclude(elimination_status=EliminationStatus.APPROVED)
        .values_list("household_id", flat=True)
    )
    states = {}
    for household in Household.objects.filter(pk__in=household_ids).only(
        "pk", "is_poverty_alleviated", "is_monitored", "size"
    ):
        parts = [household.household_type_display]
        if household.pk in open_records:
            parts.append("有未消除风险的监测记录")
        parts.append(f"{household.size}人")
        income = incomes.get(household.pk)
        parts.append(f"家庭年纯收入约{income:,.0f}元" if income is not None else "无收入记录")
        states[household.pk] = "，".join(parts)
    return states


# ---------------------------------------------------------------- the worklist


def warnings_for(*, user, action: str = "view") -> QuerySet:
    return scope(ScreeningWarning.objects.all(), user, action)


def warning_list(*, warnings: QuerySet, on: datetime.date) -> QuerySet:
    """Warnings with the household, village and event the worklist shows, and ``is_overdue`` as of ``on``."""
    return warnings.select_related("household__village__township", "event").annotate(
        is_overdue=Case(When(ScreeningWarning.objects.overdue_q(on), then=Value(True)), default=Value(False),
                        output_field=BooleanField()),
    )


# ---------------------------------------------------------------- the mock assessment's results


def round_counts(*, samples: QuerySet) -> dict[str, dict[str, int]]:
    """Sampled households by county and stratum: {county code: {stratum: n}}."""
    counts: dict[str, dict[str, int]] = {}
    for row in samples.values("county_id", "stratum").annotate(n=Count("id")).order_by():
        counts.setdefault(row["county_id"], {})[row["stratum"]] = row["n"]
    return counts


def _rate(passed: int, total: int) -> Decimal | None:
    return (Decimal(passed) * 100 / total).quantize(Decimal("0.1")) if total else None


def round_results(*, answers: QuerySet, worst: int = 10) -> dict:
    """Pass rates per indicator (overall and per county) and the villages with the most failed answers."""
    passed = Count("id", filter=Q(passed=True))
    by_indicator = {
        row["indicator"]: row
        for row in answers.values("indicator").annotate(total=Count("id"), passed=passed).order_by()
    }
    indicators = [
        {"indicator": ind, "label": ind.label, "total": by_indicator.get(ind, {}).get("total", 0),
         "passed": by_indicator.get(ind, {}).get("passed", 0),
         "rate": _rate(by_indicator.get(ind, {}).get("passed", 0), by_indicator.get(ind, {}).get("total", 0))}
        for ind in Indicator
    ]
    cells: dict[str, dict[str, Decimal | None]] = {}
    names = {}
    for row in (answers.values("sample__county_id", "sample__county__name", "indicator")
                .annotate(total=Count("id"), passed=passed).order_by()):
        county = row["sample__county_id"]
        names[county] = row["sample__county__name"]
        cells.setdefault(county, {})[row["indicator"]] = _rate(row["passed"], row["total"])
    counties = [
        {"code": code, "name": names[code], "rates": [cells[code].get(ind) for ind in Indicator]}
        for code in sorted(cells)
    ]
    villages = list(
        answers.values(village=F("sample__household__village_id"), village_name=F("sample__household__village__name"),
                       county_name=F("sample__county__name"))
        .annotate(total=Count("id"), failed=Count("id", filter=Q(passed=False)))
        .filter(failed__gt=0)
        .order_by("-failed", "village")[:worst]
    )
    for village in villages:
        village["rate"] = _rate(village["total"] - village["failed"], village["total"])
    return {"indicators": indicators, "counties": counties, "worst_villages": villages}


def round_samples(*, samples: QuerySet) -> QuerySet:
    return samples.select_related("household__village__township", "county").order_by(
        "household__village_id", "household__code")


def answers_of(*, answers: QuerySet) -> QuerySet:
    return answers.select_related("sample__household", "issue")


def round_counties(*, assessment) -> list:
    return list(assessment.counties.order_by("code"))
