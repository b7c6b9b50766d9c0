"""The sources of the catalogue: each computes, for an area and a period, the parts a group of metrics
is made of — for the area as a whole (``group_len=None`` → ``{"": parts}``) or for each child area
(``group_len`` = the child codes' length → ``{child code: parts}``). A value for every group alike (a
city-wide standard) is given under ``"*"``.

Each source is a fixed, small number of grouped aggregates: the area is a prefix filter on an indexed
code column and the grouping a ``Substr`` of it, so the number of queries does not grow with the number
of counties or records. The registry's figures (households, persons, income, employment), the households'
录入进度, the workshops' jobs and the monitoring breakdowns come from the per-village summaries
(``dashboard.village_summaries``); the other tables are small enough to aggregate directly.
"""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr

from accounts.scoping import code_in_area, in_area
from villages.models import Village, parent_code
from villages.selectors import Area

from .completeness import completeness_attendance_q, completeness_issue_q
from .models import COMPLETENESS_PARTS, WORKSHOP_PARTS, VillageBreakdown
from .periods import Period
from .village_summaries import breakdown_totals, summaries_ensure, summary_totals

ALL_GROUPS = "*"


def _grouped(queryset, field: str, area: Area, group_len: int | None, **aggregates) -> dict[str, dict]:
    """Aggregate ``queryset`` inside the area, as a whole or per child area (by the code's prefix)."""
    queryset = in_area(queryset, field, area.code)
    if group_len is None:
        row = queryset.aggregate(**aggregates)
        return {"": {key: value or 0 for key, value in row.items()}}
    rows = queryset.annotate(_group=Substr(F(field), 1, group_len)).values("_group").annotate(**aggregates).order_by()
    return {row.pop("_group"): {key: value or 0 for key, value in row.items()} for row in rows}


def _merge(*results: dict[str, dict]) -> dict[str, dict]:
    merged: dict[str, dict] = defaultdict(dict)
    for result in results:
        for group, parts in result.items():
            merged[group].update(parts)
    return dict(merged)


# ---------------------------------------------------------------- the registry (summaries)


def registry(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Monitoring, income and employment parts from the village summaries, this period and the same
    quarter of the year before (for the 序时 growth): ``prev_<part>``."""
    periods = [period, period.previous_year]
    summaries_ensure(prefix=area.prefix, periods=periods)
    totals = summary_totals(prefix=area.prefix, periods=periods, group_len=group_len)
    result: dict[str, dict] = defaultdict(dict)
    for (year, quarter, group), parts in totals.items():
        if (year, quarter) == (period.year, period.quarter):
            result[group].update(parts)
        else:
            result[group].update({f"prev_{part}": value for part, value in parts.items()})
    return dict(result)


def _summarised(*, area: Area, period: Period, group_len: int | None, parts: list[str]) -> dict[str, dict]:
    """``parts`` of the village summaries of the period, for the area or per child area."""
    summaries_ensure(prefix=area.prefix, periods=[period])
    totals = summary_totals(prefix=area.prefix, periods=[period], group_len=group_len, parts=parts)
    result = {group: found for (_, _, group), found in totals.items()}
    if group_len is None:
        result.setdefault("", {part: 0 for part in parts})
    return result


def _breakdown(*, area: Area, period: Period, group_len: int | None, part: str, dimension: str,
               labels: dict) -> dict[str, dict]:
    """Monitored households (county-approved as of the period end) counted once per value of one dimension
    of their records, from the village summaries (``VillageBreakdown``); every label present, zeros
    included, in enumeration order. Counting the records directly joined them to the area's households
    (a city inside a province: 120–310 ms per breakdown)."""
    summaries_ensure(prefix=area.prefix, periods=[period])
    totals = breakdown_totals(prefix=area.prefix, period=period, dimension=dimension, group_len=group_len)
    result = {}
    for group, by_value in totals.items():
        found: dict[str, int] = {}
        for value, households in by_value.items():
            label = labels.get(value, value)
            found[label] = found.get(label, 0) + households
        result[group] = {part: {label: found.get(label, 0) for label in labels.values()}}
    if group_len is None:
        result.setdefault("", {part: {label: 0 for label in labels.values()}})
    else:
        result[ALL_GROUPS] = {part: {label: 0 for label in labels.values()}}
    return result


def monitoring_by_category(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from monitoring.models import MonitoringCategory

    return _breakdown(area=area, period=period, group_len=group_len, part="by_category",
                      dimension=VillageBreakdown.Dimension.CATEGORY, labels=dict(MonitoringCategory.choices))


def monitoring_by_channel(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from monitoring.models import IdentificationChannel

    return _breakdown(area=area, period=period, group_len=group_len, part="by_channel",
                      dimension=VillageBreakdown.Dimension.CHANNEL, labels=dict(IdentificationChannel.choices))


def monitoring_by_risk(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """A household counts once per risk type it has."""
    from monitoring.models import RiskType

    return _breakdown(area=area, period=period, group_len=group_len, part="by_risk",
                      dimension=VillageBreakdown.Dimension.RISK,
                      labels=dict(RiskType.objects.values_list("code", "name")))


def employment_targets(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """The migrant-work target of the area for the year: its own, else the sum of its children's."""
    from monitoring.models import EmploymentTarget

    targets = dict(in_area(EmploymentTarget.objects.filter(year=period.year), "area_code", area.code)
                   .values_list("area_code", "migrant_target"))

    def target_of(code: str) -> int:
        if code in targets:
            return targets[code]
        return sum(target for c, target in targets.items() if parent_code(c) == code)

    if group_len is None:
        return {"": {"migrant_target": target_of(area.code)}}
    # Each child area (a city 140100, grouped as "1401"; a county; a township) that has a target or a
    # target below it.
    children = {code[:group_len] for code in targets if len(code) >= group_len and code_in_area(code, area.code)}
    result = {}
    for group in children:
        child = group + "00" if group_len == 4 else group
        if child != area.code:
            result[group] = {"migrant_target": target_of(child)}
    return result


# ---------------------------------------------------------------- assistance resources


def workshops(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Workshops operating in the quarter and the persons they employed in it (those from 脱贫户 / 监测户
    apart), from the village summaries of the workshops' villages: telling the registry's persons apart
    joins every employee to the person table (45–135 ms for the city on each read)."""
    return _summarised(area=area, period=period, group_len=group_len, parts=WORKSHOP_PARTS)


def pv(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """PV stations connected by the period end; their income and posts in the year; persons of 脱贫户 /
    监测户 on their posts in the year."""
    from assistance.models import PVEmployee, PVIncome, PVStation

    stations = _grouped(PVStation.objects.connected_by(period.end), "village__code", area, group_len,
                        pv_stations=Count("id"))
    incomes = _grouped(PVIncome.objects.filter(year=period.year), "station__village__code", area, group_len,
                       pv_income=Sum("income"), pv_posts=Sum("posts"))
    people = _grouped(
        PVEmployee.objects.beneficiaries(period.year), "station__village__code", area, group_len,
        pv_beneficiaries=Count("member_id", distinct=True),
    )
    return _merge(stations, incomes, people)


def projects(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from assistance.models import UNIT_PROJECT_MIN, AssistanceProject, FundingSource

    unit = Q(funding_source=FundingSource.UNIT)
    return _grouped(
        AssistanceProject.objects.of_year(period.year),
        "area_code", area, group_len,
        linkage=Sum("amount", filter=Q(funding_source=FundingSource.LINKAGE)),
        unit_amount=Sum("amount", filter=unit),
        unit_projects=Count("id", filter=unit & Q(amount__gte=UNIT_PROJECT_MIN)),
    )


def consumption(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from assistance.models import ConsumptionSale

    return _grouped(
        ConsumptionSale.objects.up_to(period.year, period.quarter), "county__code", area, group_len,
        platforms=Count("platform_id", distinct=True), sales=Sum("amount"), beneficiaries=Sum("beneficiaries"),
    )


def collective(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Villages of the area, those with collective income ≥ 10万 / ≥ 30万 in the year, cooperatives, services."""
    from villages.models import COLLECTIVE_100K, COLLECTIVE_300K, VillageCollectiveEconomy

    villages = _grouped(Village.objects.all(), "code", area, group_len, villages=Count("code"))
    economy = _grouped(
        VillageCollectiveEconomy.objects.filter(year=period.year), "village__code", area, group_len,
        villages_over_100k=Count("id", filter=Q(income__gte=COLLECTIVE_100K)),
        villages_over_300k=Count("id", filter=Q(income__gte=COLLECTIVE_300K)),
        cooperatives=Sum("party_branch_cooperatives"),
        trusteeship=Sum("trusteeship_services"),
    )
    return _merge(villages, economy)


def policy(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """The year's 农村低保标准 (one for the whole city)."""
    from monitoring.models import DibaoStandard

    amount = DibaoStandard.objects.filter(year=period.year).values_list("amount", flat=True).first()
    return {ALL_GROUPS: {"dibao_standard": amount or Decimal(0)}}


# ---------------------------------------------------------------- resident teams


def teams(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Teams on station at the period end, by station type, and their serving members."""
    from resident_teams.models import StationType, TeamMember, WorkTeam

    end = period.end
    type_fields = {
        StationType.POVERTY_VILLAGE.label: "is_poverty_village_station",
        StationType.RELOCATION_SITE.label: "is_relocation_site_station",
        StationType.KEY_TOWNSHIP.label: "is_key_township_station",
        StationType.DEMO_VILLAGE.label: "is_demo_village_station",
    }
    active = WorkTeam.objects.active_on(end)
    counted = _grouped(
        active, "station_code", area, group_len, teams=Count("id"),
        **{f"type_{i}": Count("id", filter=Q(**{field: True})) for i, field in enumerate(type_fields.values())},
    )
    members = _grouped(
        TeamMember.objects.serving_on(end).filter(team__in=active), "team__station_code", area, group_len,
        team_members=Count("id"),
    )
    for parts in counted.values():
        parts["by_station"] = {label: parts.pop(f"type_{i}", 0) for i, label in enumerate(type_fields)}
    result = _merge(counted, members)
    if group_len is None:
        result[""].setdefault("by_station", {label: 0 for label in type_fields})
    else:  # an area without teams shows every type at 0, as the area's own figure does
        result[ALL_GROUPS] = {"by_station": {label: 0 for label in type_fields}}
    return result


def attendance(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Member-weeks of the quarter and those meeting 五天四夜 (≥ 5 days and ≥ 4 nights on station)."""
    from resident_teams.models import AttendanceWeek, AttendanceWeekQuerySet

    return _grouped(
        AttendanceWeek.objects.starting_between(period.quarter_start, period.end),
        "member__team__station_code", area, group_len,
        weeks=Count("id"), weeks_compliant=Count("id", filter=AttendanceWeekQuerySet.COMPLIANT),
    )


def trainings(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from resident_teams.models import TrainingKind, TrainingSession

    return _grouped(
        TrainingSession.objects.filter(held_on__gte=period.start, held_on__lte=period.end),
        "area_code", area, group_len,
        training_person_times=Sum("attendees"), peer_sessions=Count("id", filter=Q(kind=TrainingKind.PEER)),
    )


def inspections(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from resident_teams.models import Inspection

    return _grouped(
        Inspection.objects.filter(notification_issued=True, notified_on__gte=period.start,
                                  notified_on__lte=period.end),
        "area_code", area, group_len, inspection_reports=Count("id"),
    )


# ---------------------------------------------------------------- rectification


def issues(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Issues found in the year up to the period end, by source and state as of the period end."""
    from django.db.models import DurationField, ExpressionWrapper

    from rectification.models import Issue, IssueQuerySet, IssueSource

    screening = ~Q(source=IssueSource.INSPECTION)
    closed = IssueQuerySet.closed_q(period.end)
    result = _grouped(
        Issue.objects.found_between(period.start, period.end), "area_code", area, group_len,
        total=Count("id"),
        screening=Count("id", filter=screening),
        inspection_issues=Count("id", filter=~screening),
        aspects=Count("aspect_id", filter=screening, distinct=True),
        categories=Count("category_id", filter=screening, distinct=True),
        rectified=Count("id", filter=closed),
        in_progress=Count("id", filter=IssueQuerySet.open_q(period.end)),
        overdue=Count("id", filter=IssueQuerySet.overdue_q(period.end)),
        closed_days=Sum(ExpressionWrapper(F("closed_date") - F("found_date"), output_field=DurationField()),
                        filter=closed),
    )
    for parts in result.values():
        days = parts.get("closed_days") or 0
        parts["closed_days"] = days.days if hasattr(days, "days") else int(days)
        parts["closed"] = parts["rectified"]
    return result


def letters(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    from rectification.models import SupervisionLetter

    return _grouped(
        SupervisionLetter.objects.filter(issued_date__gte=period.start, issued_date__lte=period.end),
        "area_code", area, group_len, letters=Count("id"),
    )


def completeness(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Records due for the period and those entered (the rules: ``dashboard.completeness``). The households'
    income and measures come from the village summaries (a scan of the registry per read cost 75–160 ms
    for the city); the teams' attendance depends on today and the issues are few, so they are counted here."""
    from rectification.models import Issue
    from resident_teams.models import WorkTeam

    parts = [_summarised(area=area, period=period, group_len=group_len, parts=COMPLETENESS_PARTS)]
    for prefix, model, field, rule in (
        ("attendance", WorkTeam, "station_code", completeness_attendance_q),
        ("issue_update", Issue, "area_code", completeness_issue_q),
    ):
        due, done = rule(period)
        parts.append(_grouped(model.objects.filter(due), field, area, group_len,
                              **{f"{prefix}_due": Count("pk"), f"{prefix}_done": Count("pk", filter=done)}))
    result = _merge(*parts)
    for group_parts in result.values():
        for prefix in ("income", "measure", "attendance", "issue_update"):
            group_parts[f"{prefix}_missing"] = group_parts.get(f"{prefix}_due", 0) - group_parts.get(f"{prefix}_done", 0)
    return result

# ---------------------------------------------------------------- screening


def screening_warnings(*, area: Area, period: Period, group_len: int | None) -> dict[str, dict]:
    """Warnings whose event lies in the year up to the period end, and their verification as of the end."""
    from screening.models import ScreeningWarning, WarningStatus

    verified = ScreeningWarning.objects.verified_q(period.end)
    return _grouped(
        ScreeningWarning.objects.in_year_to(period.end), "household__village_id", area, group_len,
        warnings=Count("id"),
        warnings_verified=Count("id", filter=verified),
        warnings_to_monitoring=Count("id", filter=verified & Q(status=WarningStatus.IDENTIFIED)),
        warnings_overdue=Count("id", filter=ScreeningWarning.objects.overdue_q(period.end)),
    )


SOURCES: dict[str, Callable[..., dict[str, dict]]] = {
    "registry": registry,
    "monitoring_by_category": monitoring_by_category,
    "monitoring_by_channel": monitoring_by_channel,
    "monitoring_by_risk": monitoring_by_risk,
    "employment_targets": employment_targets,
    "workshops": workshops,
    "pv": pv,
    "projects": projects,
    "consumption": consumption,
    "collective": collective,
    "policy": policy,
    "teams": teams,
    "attendance": attendance,
    "trainings": trainings,
    "inspections": inspections,
    "issues": issues,
    "letters": letters,
    "completeness": completeness,

    "screening_warnings": screening_warnings,
}


def latest_income_period() -> Period | None:
    """The latest (year, quarter) with an income record (served by the (year, quarter) index)."""
    from monitoring.models import IncomeRecord

    row = IncomeRecord.objects.order_by("-year", "-quarter").values_list("year", "quarter").first()
    return Period(*row) if row else None


def earliest_income_period() -> Period | None:
    """The first (year, quarter) with an income record (the same index, read from the other end)."""
    from monitoring.models import IncomeRecord

    row = IncomeRecord.objects.order_by("year", "quarter").values_list("year", "quarter").first()
    return Period(*row) if row else None
