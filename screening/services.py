"""Writes of the screening app: warning rules, departments' events and the warnings they raise, the
verification of a warning (dismiss, or identification through monitoring's services), and the mock
national assessment (rounds, the seeded draw, answers and the rectification issues they raise).

Every function checks the user's role and area, validates the whole change and is atomic. The importer
(``reports.imports.warnings``) and the pages are faces of these functions.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import Role, role_of
from accounts.scoping import CHANGE, code_in_area, instance_in_scope
from monitoring import services as monitoring_services
from monitoring.models import Household, IdentificationChannel, Member
from rectification import services as rectification_services
from rectification.models import Aspect, Category, IssueSource

from . import selectors
from .models import (
    AssessmentAnswer,
    AssessmentRound,
    DepartmentEvent,
    EventType,
    Indicator,
    RoundStatus,
    SampleHousehold,
    ScreeningWarning,
    Stratum,
    WarningRule,
    WarningStatus,
)

BATCH = 1000

# ---------------------------------------------------------------- rules


@transaction.atomic
def rule_save(*, user, event_type: str, min_amount: Decimal | None = None, income_share_pct: Decimal | None = None,
              is_active: bool = True, note: str = "") -> WarningRule:
    """The city administrator sets the rule of an event type (one rule per type; saving again replaces it)."""
    if role_of(user) != Role.CITY_ADMIN:
        raise PermissionDenied("只有市级管理员可以设置预警规则")
    rule = WarningRule.objects.filter(event_type=event_type).first() or WarningRule(event_type=event_type)
    rule.min_amount, rule.income_share_pct, rule.is_active, rule.note = min_amount, income_share_pct, is_active, note
    rule.full_clean()
    rule.save()
    return rule


# ---------------------------------------------------------------- departments' events


@dataclass
class EventInput:
    """One row of a department's workbook, parsed."""

    row: int
    id_number: str
    name: str
    event_type: str
    event_date: datetime.date
    amount: Decimal | None
    description: str
    department: str


@dataclass
class EventGroup:
    """The rows (of the file, and the stored event if any) that are one event: person, type and date."""

    key: tuple[str, str, datetime.date]
    rows: list[EventInput]
    existing: DepartmentEvent | None
    member: Member | None
    name: str = ""
    amount: Decimal | None = None
    description: str = ""
    departments: str = ""
    raises: bool = False
    rule: str = ""

    @property
    def changed(self) -> bool:
        e = self.existing
        return e is None or (e.name, e.amount, e.description, e.departments) != (
            self.name, self.amount, self.description, self.departments)


@dataclass
class EventPlan:
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column header, reason)
    groups: list[EventGroup] = field(default_factory=list)


def _joined(values, sep: str, limit: int) -> str:
    out = []
    for value in values:
        for part in (value or "").split(sep):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return sep.join(out)[:limit]


def department_events_plan(*, user, events: list[EventInput]) -> EventPlan:
    """Check a department's rows against each other and the registry, without writing: errors by row,
    and the events they make (rows of the same person, type and date merged into one)."""
    plan = EventPlan()
    if not user.has_perm("screening.add_departmentevent"):
        plan.errors.append((0, "", "您的角色无权导入部门预警数据"))
        return plan
    area = user.profile.area_code
    today = timezone.localdate()
    ids = {e.id_number for e in events}
    members = {m.id_number: m for m in Member.objects.filter(id_number__in=ids).select_related("household")}
    stored = {(e.id_number, e.event_type, e.event_date): e
              for e in DepartmentEvent.objects.filter(id_number__in=ids).select_related("warning")}
    grouped: dict[tuple, list[EventInput]] = defaultdict(list)
    for event in events:
        ok = True
        if event.event_date > today:
            plan.errors.append((event.row, "事件日期", "事件日期不能晚于今天"))
            ok = False
        if selectors.event_needs_amount(event.event_type) and event.amount is None:
            plan.errors.append((event.row, "金额(元)", f"“{EventType(event.event_type).label}”须填写金额"))
            ok = False
        member = members.get(event.id_number)
        if member is not None and not code_in_area(member.household.village_id, area):
            plan.errors.append((event.row, "身份证号", "该人员登记在您管辖范围以外的农户"))
            ok = False
        if ok:
            grouped[(event.id_number, event.event_type, event.event_date)].append(event)
    if plan.errors:
        return plan
    rules = selectors.warning_rules()
    matched = [members[key[0]].household_id for key in grouped if key[0] in members]
    years = {key[2].year for key in grouped}
    incomes = {year: selectors.household_yearly_income(household_ids=matched, year=year) for year in years}
    for key, rows in grouped.items():
        existing = stored.get(key)
        if existing is not None and not code_in_area(existing.area_code, area):
            plan.errors.append((rows[0].row, "身份证号", "该事件已由上级登记，不在您的管辖范围内"))
            continue
        member = members.get(key[0])
        amounts = [r.amount for r in rows if r.amount is not None] + (
            [existing.amount] if existing is not None and existing.amount is not None else [])
        group = EventGroup(
            key=key, rows=rows, existing=existing, member=member,
            name=existing.name if existing else rows[0].name,
            amount=max(amounts) if amounts else None,
            description=_joined([existing.description if existing else ""] + [r.description for r in rows], "；", 2000),
            departments=_joined([existing.departments if existing else ""] + [r.department for r in rows], "、", 200),
        )
        if member is not None:
            verdict = selectors.event_verdict(
                event_type=key[1], amount=group.amount, yearly_income=incomes[key[2].year].get(member.household_id),
                rule=rules.get(key[1]))
            group.raises, group.rule = verdict.raises, verdict.rule
        plan.groups.append(group)
    return plan


def _has_warning(event: DepartmentEvent | None) -> bool:
    if event is None:
        return False
    try:
        return event.warning is not None
    except ScreeningWarning.DoesNotExist:
        return False


def group_outcome(group: EventGroup) -> str:
    """What the import does with the event, in words (the preview and the command's report)."""
    if group.member is None:
        return "未匹配到登记人员"
    if _has_warning(group.existing):
        return "已有预警"
    return "产生预警" if group.raises else f"未达预警条件（{group.rule}）"


@transaction.atomic
def department_events_apply(*, user, plan: EventPlan) -> dict[str, int]:
    """Write a checked plan: events created or merged, and a warning for each matched event that meets
    its rule and has none yet. The plan is the validation (every field was parsed and checked there), so
    a list of thousands of persons is written in bulk, with its history rows."""
    if plan.errors:
        raise ValidationError("文件有错误，未写入")
    if not user.has_perm("screening.add_departmentevent"):
        raise PermissionDenied("您的角色无权导入部门预警数据")
    area = user.profile.area_code
    today = timezone.localdate()
    history = dict(default_user=user, default_change_reason="部门预警导入")
    created, merged = [], []
    for group in plan.groups:
        event = group.existing
        if event is None:
            id_number, event_type, event_date = group.key
            event = group.existing = DepartmentEvent(
                id_number=id_number, event_type=event_type, event_date=event_date, member=group.member,
                imported_by=user, area_code=group.member.household.village_id if group.member else area)
            created.append(event)
        elif group.changed:
            merged.append(event)
        else:
            continue
        event.name, event.amount = group.name, group.amount
        event.description, event.departments = group.description, group.departments
    bulk_create_with_history(created, DepartmentEvent, batch_size=BATCH, **history)
    if any(e.pk is None for e in created):  # backends that do not return the new keys
        keys = {(i, t, d): pk for pk, i, t, d in DepartmentEvent.objects.filter(
            id_number__in={e.id_number for e in created}).values_list("pk", "id_number", "event_type", "event_date")}
        for event in created:
            event.pk = keys[(event.id_number, event.event_type, event.event_date)]
    bulk_update_with_history(merged, DepartmentEvent, ["name", "amount", "description", "departments"],
                             batch_size=BATCH, **history)
    new = {id(event) for event in created}
    raising = [g for g in plan.groups if g.member is not None and g.raises and
               (id(g.existing) in new or not _has_warning(g.existing))]
    warnings = []
    for year in {g.key[2].year for g in raising}:
        of_year = [g for g in raising if g.key[2].year == year]
        states = selectors.household_states(household_ids={g.member.household_id for g in of_year}, year=year)
        warnings += [
            ScreeningWarning(event=g.existing, household_id=g.member.household_id, event_type=g.key[1],
                             event_date=g.key[2], rule=g.rule[:200], household_state=states[g.member.household_id][:300],
                             raised_on=today)
            for g in of_year
        ]
    bulk_create_with_history(warnings, ScreeningWarning, batch_size=BATCH, **history)
    return {"events": len(created), "merged": len(merged),
            "unmatched": sum(1 for g in plan.groups if g.member is None), "warnings": len(warnings)}


# ---------------------------------------------------------------- verifying a warning


def _pending_warning(user, warning: ScreeningWarning) -> ScreeningWarning:
    warning = ScreeningWarning.objects.select_for_update(of=("self",)).select_related("household").get(pk=warning.pk)
    if role_of(user) not in (Role.VILLAGE_OFFICER, Role.TOWNSHIP_CLERK, Role.COUNTY_REVIEWER, Role.CITY_ADMIN) or \
            not instance_in_scope(user, warning, CHANGE):
        raise PermissionDenied("该预警不在您的管辖范围内，或您无权核实预警")
    if warning.status != WarningStatus.PENDING:
        raise ValidationError(f"该预警已核实（{warning.get_status_display()}），不能重复处理")
    return warning


@transaction.atomic
def warning_dismiss(*, user, warning: ScreeningWarning, reason: str,
                    verified_on: datetime.date | None = None) -> ScreeningWarning:
    """入户核实 found no risk: the warning is closed with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "核实排除须填写理由"})
    warning = _pending_warning(user, warning)
    warning.status = WarningStatus.DISMISSED
    warning.dismiss_reason = reason
    warning.verified_on, warning.verified_by = verified_on or timezone.localdate(), user
    warning.full_clean()
    warning.save()
    return warning


@transaction.atomic
def warning_identify(*, user, warning: ScreeningWarning, category: str, risk_types,
                     identified_month: datetime.date | None = None, situation: str = "",
                     verified_on: datetime.date | None = None) -> ScreeningWarning:
    """入户核实 confirmed a risk: a draft identification with channel 部门筛查预警 starts the monitoring
    workflow (the village then gives notice and submits it as any other)."""
    warning = _pending_warning(user, warning)
    verified_on = verified_on or timezone.localdate()
    event = warning.event
    record = monitoring_services.monitoring_create(
        user=user, household=warning.household, category=category, risk_types=risk_types,
        channel=IdentificationChannel.DEPARTMENT, identified_month=identified_month or verified_on,
        situation=situation or f"部门筛查预警：{event.departments}推送{event.get_event_type_display()}"
                               f"（{event.event_date}，{event.name}）",
    )
    warning.status = WarningStatus.IDENTIFIED
    warning.monitoring_record = record
    warning.verified_on, warning.verified_by = verified_on, user
    warning.full_clean()
    warning.save()
    return warning


# ---------------------------------------------------------------- the mock national assessment


def _require_city_admin(user, what: str) -> None:
    if role_of(user) != Role.CITY_ADMIN:
        raise PermissionDenied(f"只有市级管理员可以{what}")


@transaction.atomic
def round_create(*, user, name: str, year: int, counties, seed: int, sample_size: int = 330,
                 villages_per_county: int = 10, share_poverty: Decimal = Decimal("50"),
                 share_monitored: Decimal = Decimal("30"), share_general: Decimal = Decimal("20")) -> AssessmentRound:
    _require_city_admin(user, "组织模拟国考")
    counties = list(counties)
    if not counties:
        raise ValidationError({"counties": "请至少选择一个区县"})
    assessment = AssessmentRound(
        name=name, year=year, seed=seed, sample_size=sample_size, villages_per_county=villages_per_county,
        share_poverty=Decimal(share_poverty), share_monitored=Decimal(share_monitored),
        share_general=Decimal(share_general), created_by=user,
    )
    if sum(assessment.shares.values()) != 100:
        raise ValidationError({"share_general": "脱贫户、监测户、一般农户占比之和须为 100%"})
    assessment.full_clean()
    assessment.save()
    assessment.counties.set(counties)
    return assessment


def stratum_targets(*, size: int, shares: dict[str, Decimal]) -> dict[str, int]:
    """Split ``size`` by the shares (largest remainder): each stratum gets its exact share rounded down
    or up, so it is within one household of proportional, and the parts add up to ``size``."""
    exact = {s: Decimal(size) * share / 100 for s, share in shares.items()}
    targets = {s: int(v.to_integral_value(rounding=ROUND_FLOOR)) for s, v in exact.items()}
    rest = size - sum(targets.values())
    for s in sorted(exact, key=lambda s: (-(exact[s] - targets[s]), list(shares).index(s)))[:rest]:
        targets[s] += 1
    return targets


def household_stratum(*, is_poverty_alleviated: bool, is_monitored: bool) -> str:
    """A household that is both 脱贫户 and 监测户 (脱贫不稳定户) is drawn as 监测户."""
    if is_monitored:
        return Stratum.MONITORED
    return Stratum.POVERTY if is_poverty_alleviated else Stratum.GENERAL


@transaction.atomic
def round_draw(*, user, assessment: AssessmentRound) -> dict[str, dict[str, int]]:
    """Draw the sample: per county (in code order) its own generator seeded by the round's seed and the
    county's code, villages first (among the county's villages with households, in code order), then each
    stratum's target from the chosen villages' households (in 户编号 order). The same seed gives the same
    sample. A stratum with fewer households than its target gives all it has; the shortfall is returned
    ({county: {stratum: missing}})."""
    _require_city_admin(user, "抽样")
    assessment = AssessmentRound.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != RoundStatus.DRAFT:
        raise ValidationError("该轮已抽样，不能重新抽样")
    shortfall: dict[str, dict[str, int]] = {}
    samples = []
    targets = stratum_targets(size=assessment.sample_size, shares=assessment.shares)
    for county in assessment.counties.order_by("code"):
        rng = random.Random(f"{assessment.seed}:{county.code}")
        villages = sorted(set(Household.objects.filter(village__county=county).values_list("village_id", flat=True)))
        chosen = sorted(rng.sample(villages, min(assessment.villages_per_county, len(villages))))
        pools: dict[str, list[int]] = {s: [] for s in Stratum}
        for pk, poverty, monitored in (Household.objects.filter(village_id__in=chosen).order_by("code")
                                       .values_list("pk", "is_poverty_alleviated", "is_monitored")):
            pools[household_stratum(is_poverty_alleviated=poverty, is_monitored=monitored)].append(pk)
        for stratum in Stratum:
            pool, wanted = pools[stratum], targets[stratum]
            picked = rng.sample(pool, min(wanted, len(pool)))
            if len(picked) < wanted:
                shortfall.setdefault(county.code, {})[stratum] = wanted - len(picked)
            samples += [SampleHousehold(round=assessment, household_id=pk, stratum=stratum, county=county)
                        for pk in picked]
    SampleHousehold.objects.bulk_create(samples, batch_size=1000)
    assessment.status, assessment.drawn_at = RoundStatus.DRAWN, timezone.now()
    assessment.save(update_fields=["status", "drawn_at"])
    return shortfall


# Each national indicator's place in the problem tree (rectification.reference.TREE).
INDICATOR_CATEGORIES = {
    Indicator.INCOME: ("巩固成效", "脱贫人口收入增长不稳"),
    Indicator.FOOD_CLOTHING: ("政策落实", "兜底保障政策落实不到位"),
    Indicator.EDUCATION: ("政策落实", "教育帮扶政策落实不到位"),
    Indicator.MEDICAL: ("政策落实", "健康帮扶政策落实不到位"),
    Indicator.HOUSING: ("巩固成效", "住房安全保障有短板"),
    Indicator.WATER: ("巩固成效", "饮水安全保障有短板"),
    Indicator.POLICY: ("工作落实", "政策宣传不到位"),
    Indicator.SATISFACTION: ("责任落实", "帮扶责任人履职不到位"),
}
ISSUE_DAYS = 30  # the deadline of an issue a mock assessment raises


@dataclass
class AnswerInput:
    sheet: str
    row: int
    household_code: str
    answers: dict[str, bool]  # indicator → 达标
    note: str = ""


def answers_plan(*, user, assessment: AssessmentRound, rows: list[AnswerInput]) -> list[tuple[str, int, str, str]]:
    """Errors (sheet, row, column, reason) of the answer rows: each household must be a sample of the
    round inside the user's area, once."""
    errors = []
    if role_of(user) not in (Role.CITY_ADMIN, Role.COUNTY_REVIEWER) or \
            not user.has_perm("screening.add_assessmentanswer"):
        return [("", 0, "", "只有市级管理员或县级审核员可以导入模拟国考答卷")]
    area = user.profile.area_code
    samples = dict(SampleHousehold.objects.filter(round=assessment, household__code__in={r.household_code for r in rows})
                   .values_list("household__code", "household__village_id"))
    seen: dict[str, tuple[str, int]] = {}
    for row in rows:
        if row.household_code in seen:
            sheet, number = seen[row.household_code]
            errors.append((row.sheet, row.row, "户编号", f"该户重复（与「{sheet}」第 {number} 行相同）"))
            continue
        seen[row.household_code] = (row.sheet, row.row)
        village = samples.get(row.household_code)
        if village is None:
            errors.append((row.sheet, row.row, "户编号", "该户不是本轮抽中的农户"))
        elif not code_in_area(village, area):
            errors.append((row.sheet, row.row, "户编号", "该户不在您的管辖范围内"))
    return errors


@transaction.atomic
def answers_record(*, user, assessment: AssessmentRound, rows: list[AnswerInput],
                   found_date: datetime.date | None = None) -> dict[str, int]:
    """Store the answers; each newly failed indicator raises a 模拟国考 issue on the household (through
    the rectification services), linked from the answer. An answer already stored with the same verdict is
    left as it is, so importing the same sheets again changes nothing."""
    errors = answers_plan(user=user, assessment=assessment, rows=rows)
    if errors:
        raise ValidationError([f"{s} 第 {r} 行 {c}：{m}" for s, r, c, m in errors])
    found_date = found_date or timezone.localdate()
    samples = {s.household.code: s for s in SampleHousehold.objects.filter(
        round=assessment, household__code__in=[r.household_code for r in rows]).select_related("household")}
    stored = {(a.sample_id, a.indicator): a for a in AssessmentAnswer.objects.filter(sample__in=samples.values())}
    aspects = {a.name: a for a in Aspect.objects.all()}
    categories = {(c.aspect.name, c.name): c for c in Category.objects.select_related("aspect")}
    counts = {"answers": 0, "changed": 0, "issues": 0}
    created, changed = [], []
    for row in rows:
        sample = samples[row.household_code]
        for indicator, passed in row.answers.items():
            answer = stored.get((sample.pk, indicator))
            if answer is not None and answer.passed == passed and answer.note == row.note:
                continue
            if answer is None:
                answer = AssessmentAnswer(sample=sample, indicator=Indicator(indicator))
                created.append(answer)
            else:
                changed.append(answer)
            answer.passed, answer.note, answer.answered_by = passed, row.note[:200], user
            if not passed and answer.issue_id is None:
                aspect_name, category_name = INDICATOR_CATEGORIES[indicator]
                household = sample.household
                issue = rectification_services.issue_register(
                    user=user, source=IssueSource.MOCK_ASSESSMENT, aspect=aspects[aspect_name],
                    category=categories[(aspect_name, category_name)], county_id=sample.county_id,
                    village_id=household.village_id, household=household, found_date=found_date,
                    deadline=found_date + datetime.timedelta(days=ISSUE_DAYS),
                    description=f"模拟国考「{assessment.name}」：{household.code} {household.head_name}户"
                                f"“{Indicator(indicator).label}”未达标" + (f"（{row.note}）" if row.note else ""),
                )
                answer.issue = issue
                counts["issues"] += 1
    # A round answers thousands of indicators: written in bulk, with their history rows.
    history = dict(default_user=user, default_change_reason="模拟国考答卷导入")
    bulk_create_with_history(created, AssessmentAnswer, batch_size=1000, **history)
    bulk_update_with_history(changed, AssessmentAnswer, ["passed", "note", "answered_by", "issue"], batch_size=1000,
                             **history)
    counts["answers"], counts["changed"] = len(created), len(changed)
    return counts
