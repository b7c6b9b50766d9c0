"""Writes of the monitoring app: households and members (keeping the derived size), income, measures,
employment, and the identification → approval → risk-elimination workflow.

Every function checks the user's scope with the accounts function, runs ``full_clean()`` and is atomic.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scoping import ADD, CHANGE, DELETE, area_filter, instance_in_scope, user_covers_area
from accounts.versioning import versioned_save, versions_up
from yuncheng.idcard import id_birth_date, id_sex, normalize_id_number, validate_id_number

from .models import (
    ELIMINATION_MIN_MONTHS,
    AssistanceMeasure,
    EliminationStatus,
    Employment,
    Household,
    IncomeRecord,
    Member,
    MonitoringRecord,
    MonitoringThreshold,
    Relation,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    ReviewStatus,
    RiskType,
    household_code_error,
    month_start,
    months_between,
)

MAX_RISK_TYPES = 5


def _require(user, obj, action: str) -> None:
    if not instance_in_scope(user, obj, action):
        raise PermissionDenied("该记录不在您的管辖范围内，或您无权进行此操作")


def _require_perm(user, codename: str, message: str) -> None:
    if not user.has_perm(f"monitoring.{codename}"):
        raise PermissionDenied(message)


# ---------------------------------------------------------------- households and members


def household_next_code(*, village) -> str:
    """The next free 户编号 of the village: its 12-digit code + the next 4-digit sequence number."""
    code = village.pk if hasattr(village, "pk") else str(village)
    last = (Household.objects.filter(**area_filter("code", code), code__regex=r"^[0-9]{16}$")
            .aggregate(m=Max("code"))["m"])
    sequence = int(last[12:]) + 1 if last else 1
    if sequence > 9999:
        raise ValidationError({"code": f"行政村 {code} 的户编号已用完（9999）"})
    return f"{code}{sequence:04d}"


@transaction.atomic
def household_create(*, user, code: str, village, head_name: str = "", **fields) -> Household:
    household = Household(code=(code or "").strip(), village=village, head_name=head_name, created_by=user, **fields)
    _require(user, household, ADD)
    household.full_clean()
    versioned_save(household)
    return household


@transaction.atomic
def household_update(*, user, household: Household, loaded_version: int | None = None, **fields) -> Household:
    """Change a household; ``loaded_version`` is the version the user's form showed (a newer stored
    version refuses the change, naming what a colleague changed meanwhile)."""
    _require(user, household, CHANGE)
    for name, value in fields.items():
        setattr(household, name, value)
    _require(user, household, CHANGE)  # the new village must be in scope too
    if not household.is_relocated:
        household.relocation_site = None
    household.full_clean()
    versioned_save(household, loaded_version=loaded_version)
    return household


@transaction.atomic
def household_refresh(*, household: Household) -> Household:
    """Recompute what is derived from the members: size, the head's name, and the income records'
    net and per-capita amounts (the latest income year takes the current size; older years keep the
    size they were recorded with, unless they had none)."""
    members = household.members.aggregate(n=Count("id"))["n"]
    head = household.members.filter(relation=Relation.HEAD).values_list("name", flat=True).first()
    stored = Household.objects.filter(pk=household.pk).values_list("size", "head_name").first()
    household.size = members
    if head:
        household.head_name = head
    if stored != (household.size, household.head_name):
        # A form of the household opened before this change shows the old head's name: count the
        # version up so that it cannot write the old name back.
        Household.objects.filter(pk=household.pk).update(size=household.size, head_name=household.head_name,
                                                         version=F("version") + 1)
    latest_year = household.incomes.aggregate(y=Max("year"))["y"]
    changed = []
    for record in household.incomes.all():
        before = (record.persons, record.net_income, record.per_capita_income)
        if record.year == latest_year or not record.persons:
            record.persons = household.size
        record.compute()
        if (record.persons, record.net_income, record.per_capita_income) != before:
            changed.append(record)
    for record in changed:
        record.save(update_fields=["persons", "net_income", "per_capita_income"])
    return household


@transaction.atomic
def member_add(*, user, household: Household, name: str, id_number: str, relation: str = Relation.OTHER,
               **fields) -> Member:
    member = Member(household=household, name=name, id_number=normalize_id_number(id_number), relation=relation,
                    **fields)
    _require(user, member, ADD)
    member.full_clean()
    versioned_save(member)
    household_refresh(household=household)
    return member


@transaction.atomic
def member_update(*, user, member: Member, loaded_version: int | None = None, **fields) -> Member:
    _require(user, member, CHANGE)
    for name, value in fields.items():
        setattr(member, name, normalize_id_number(value) if name == "id_number" else value)
    _require(user, member, CHANGE)  # a member is not moved into a household outside the writer's area
    member.full_clean()
    versioned_save(member, loaded_version=loaded_version)
    household_refresh(household=member.household)
    return member


@transaction.atomic
def member_remove(*, user, member: Member) -> None:
    _require(user, member, DELETE)
    household = member.household
    member.delete()
    household_refresh(household=household)


@transaction.atomic
def employment_save(*, user, member: Member, year: int, location: str, months: int, channel: str,
                    employer: str = "") -> Employment:
    """The member's employment of the year (one record per member and year; saving again replaces it)."""
    record = Employment.objects.filter(member=member, year=year).first() or Employment(member=member, year=year)
    _require(user, record, CHANGE if record.pk else ADD)
    record.location, record.months, record.channel, record.employer = location, months, channel, employer
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def income_record_save(*, user, household: Household, year: int, quarter: int, wage_income: Decimal,
                       business_income: Decimal = Decimal("0"), property_income: Decimal = Decimal("0"),
                       transfer_income: Decimal = Decimal("0"),
                       production_expense: Decimal = Decimal("0")) -> IncomeRecord:
    """The household's income cumulative to the quarter (saving the same year and quarter replaces it)."""
    record = IncomeRecord.objects.filter(household=household, year=year, quarter=quarter).first()
    record = record or IncomeRecord(household=household, year=year, quarter=quarter)
    _require(user, record, CHANGE if record.pk else ADD)
    record.wage_income = Decimal(wage_income)
    record.business_income = Decimal(business_income)
    record.property_income = Decimal(property_income)
    record.transfer_income = Decimal(transfer_income)
    record.production_expense = Decimal(production_expense)
    record.persons = household.size
    record.compute()
    record.full_clean()
    record.save()
    household_refresh(household=household)
    record.refresh_from_db()
    return record


@transaction.atomic
def measure_add(*, user, household: Household, measure_type: str, start_date: datetime.date, content: str = "",
                amount: Decimal | None = None, responsible_person: str = "") -> AssistanceMeasure:
    measure = AssistanceMeasure(household=household, measure_type=measure_type, start_date=start_date,
                                content=content, amount=amount, responsible_person=responsible_person)
    _require(user, measure, ADD)
    measure.full_clean()
    measure.save()
    return measure


# ---------------------------------------------------------------- identification


def _log(record, stage, action, user, comment=""):
    ReviewEvent.objects.create(record=record, stage=stage, action=action, user=user, at=timezone.now(),
                               comment=comment)


def _validate_risk_types(risk_types) -> list:
    risk_types = list(risk_types)
    if not risk_types:
        raise ValidationError({"risk_types": "请至少选择一项风险类型"})
    if len(risk_types) > MAX_RISK_TYPES:
        raise ValidationError({"risk_types": f"风险类型最多 {MAX_RISK_TYPES} 项"})
    return [r if isinstance(r, RiskType) else RiskType.objects.get(pk=r) for r in risk_types]


def household_open_record(*, household: Household) -> MonitoringRecord | None:
    """The household's identification that is not closed (not risk-eliminated)."""
    return (
        household.monitoring_records.exclude(elimination_status=EliminationStatus.APPROVED)
        .order_by("-identified_month", "-id")
        .first()
    )


@transaction.atomic
def monitoring_create(*, user, household: Household, category: str, risk_types, channel: str,
                      identified_month: datetime.date, notice_start: datetime.date | None = None,
                      notice_end: datetime.date | None = None, situation: str = "", housing_secure: bool = True,
                      education_secure: bool = True, medical_secure: bool = True,
                      water_secure: bool = True) -> MonitoringRecord:
    """村级初选: a draft identification of the household (submitted later with the public notice)."""
    if household_open_record(household=household) is not None:
        raise ValidationError("该户已有未消除风险的监测记录，不能重复识别")
    risk_types = _validate_risk_types(risk_types)
    record = MonitoringRecord(
        household=household, category=category, channel=channel, identified_month=month_start(identified_month),
        notice_start=notice_start, notice_end=notice_end, situation=situation, housing_secure=housing_secure,
        education_secure=education_secure, medical_secure=medical_secure, water_secure=water_secure,
        author=user, status=ReviewStatus.DRAFT,
    )
    _require(user, record, ADD)
    record.full_clean()
    versioned_save(record)
    record.risk_types.set(risk_types)
    return record


EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.REJECTED)


@transaction.atomic
def monitoring_update(*, user, record: MonitoringRecord, loaded_version: int | None = None, risk_types=None,
                      **fields) -> MonitoringRecord:
    """Correct the identification data of a draft or a record sent back (the workflow fields move only
    by the review steps below)."""
    _require(user, record, CHANGE)
    stored = MonitoringRecord.objects.values_list("status", flat=True).get(pk=record.pk)
    if stored not in EDITABLE_STATUSES:
        raise ValidationError("已提交审核或已审定的监测记录不能修改，请退回后再改")
    for name, value in fields.items():
        if name in WORKFLOW_FIELDS:
            raise ValidationError(f"“{MonitoringRecord._meta.get_field(name).verbose_name}”只能通过审核流程改变")
        setattr(record, name, value)
    _require(user, record, CHANGE)
    record.full_clean()
    versioned_save(record, loaded_version=loaded_version)
    if risk_types is not None:
        record.risk_types.set(_validate_risk_types(risk_types))
    return record


# Moved only by the review steps (submit, township review, county approval, rejection, elimination).
WORKFLOW_FIELDS = frozenset({
    "household", "status", "author", "submitted_at", "township_reviewer", "township_reviewed_at", "county_reviewer",
    "approved_at", "rejection_reason", "elimination_status", "elimination_mode", "elimination_month",
    "elimination_reason", "elimination_notice_start", "elimination_notice_end", "elimination_author",
    "elimination_submitted_at", "elimination_township_reviewer", "elimination_township_reviewed_at",
    "elimination_county_reviewer", "eliminated_at", "elimination_rejection_reason", "elimination_warnings",
})


def _last_submitter_id(record: MonitoringRecord, stage: str) -> int | None:
    return (record.events.filter(stage=stage, action=ReviewAction.SUBMIT).order_by("-at", "-id")
            .values_list("user_id", flat=True).first())


def _require_other_person(user, previous_user_id: int | None, step: str) -> None:
    """Separation of duties: the person whose step is under review does not approve it. (A refusal of
    the step, not of the role: the page shows it as a message like any other workflow refusal.)"""
    if previous_user_id is not None and previous_user_id == user.pk:
        raise ValidationError(f"不能审核本人{step}的记录：同一人不能连续办理两个环节，须由其他人员审核",
                              code="separation_of_duties")


def _check_notice(start, end, field_prefix=""):
    if not start or not end:
        raise ValidationError({f"{field_prefix}notice_start": "提交前须填写公示起止日期"})


@transaction.atomic
def monitoring_submit(*, user, record: MonitoringRecord, notice_start: datetime.date | None = None,
                      notice_end: datetime.date | None = None) -> MonitoringRecord:
    """The village submits its initial selection after the public notice (公示 ≥ 5 days) to the township."""
    record = MonitoringRecord.objects.select_for_update().get(pk=record.pk)
    _require(user, record, CHANGE)
    if record.status not in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        raise ValidationError(f"当前状态为“{record.get_status_display()}”，不能提交")
    if notice_start:
        record.notice_start = notice_start
    if notice_end:
        record.notice_end = notice_end
    _check_notice(record.notice_start, record.notice_end)
    if not record.risk_types.exists():
        raise ValidationError({"risk_types": "请至少选择一项风险类型"})
    if not record.household.members.filter(relation=Relation.HEAD).exists():
        raise ValidationError("该户尚未登记户主，请先在“家庭成员”中录入户主后再提交")
    record.status = ReviewStatus.SUBMITTED
    record.submitted_at = timezone.now()
    record.rejection_reason = ""
    record.full_clean()
    versioned_save(record)
    _log(record, ReviewStage.IDENTIFICATION, ReviewAction.SUBMIT, user)
    return record


def pending_stage(record: MonitoringRecord) -> str | None:
    """Which review the record is waiting for: identification, elimination, or none."""
    if record.status in (ReviewStatus.SUBMITTED, ReviewStatus.TOWNSHIP_APPROVED):
        return ReviewStage.IDENTIFICATION
    if record.elimination_status in (EliminationStatus.SUBMITTED, EliminationStatus.TOWNSHIP_APPROVED):
        return ReviewStage.ELIMINATION
    return None


@transaction.atomic
def monitoring_township_review(*, user, record: MonitoringRecord, comment: str = "") -> MonitoringRecord:
    """乡镇审核 of whichever step is waiting for it (identification or risk elimination)."""
    record = MonitoringRecord.objects.select_for_update().get(pk=record.pk)
    _require_perm(user, "review_township", "只有乡镇录入员可以进行乡镇审核")
    _require(user, record, CHANGE)
    now = timezone.now()
    stage = pending_stage(record)
    if stage == ReviewStage.IDENTIFICATION and record.status == ReviewStatus.SUBMITTED:
        _require_other_person(user, _last_submitter_id(record, stage), "提交")
        record.status = ReviewStatus.TOWNSHIP_APPROVED
        record.township_reviewer, record.township_reviewed_at = user, now
    elif stage == ReviewStage.ELIMINATION and record.elimination_status == EliminationStatus.SUBMITTED:
        _require_other_person(user, record.elimination_author_id or _last_submitter_id(record, stage), "提交")
        record.elimination_status = EliminationStatus.TOWNSHIP_APPROVED
        record.elimination_township_reviewer, record.elimination_township_reviewed_at = user, now
    else:
        raise ValidationError("该记录当前不在乡镇审核环节")
    record.full_clean()
    versioned_save(record)
    _log(record, stage, ReviewAction.TOWNSHIP_APPROVE, user, comment)
    return record


@transaction.atomic
def monitoring_county_approve(*, user, record: MonitoringRecord, comment: str = "",
                              confirm_warnings: bool = False) -> MonitoringRecord:
    """县级审定. An identification marks the household as 监测户; an elimination closes the record.
    An elimination with warnings is approved only when the reviewer confirms having seen them."""
    record = MonitoringRecord.objects.select_for_update().get(pk=record.pk)
    _require_perm(user, "approve_county", "只有县级审核员可以进行县级审定")
    _require(user, record, CHANGE)
    now = timezone.now()
    stage = pending_stage(record)
    if stage == ReviewStage.IDENTIFICATION and record.status == ReviewStatus.TOWNSHIP_APPROVED:
        _require_other_person(user, record.township_reviewer_id, "乡镇审核")
        _require_other_person(user, _last_submitter_id(record, stage), "提交")
        record.status = ReviewStatus.APPROVED
        record.county_reviewer, record.approved_at = user, now
        record.full_clean()
        versioned_save(record)
        # A save, not an UPDATE: the household's history shows who made it a 监测户 and when.
        household = Household.objects.select_for_update().get(pk=record.household_id)
        if not household.is_monitored:
            household.is_monitored = True
            household._history_user = user
            household.save(update_fields=["is_monitored"])
    elif stage == ReviewStage.ELIMINATION and record.elimination_status == EliminationStatus.TOWNSHIP_APPROVED:
        _require_other_person(user, record.elimination_township_reviewer_id, "乡镇审核")
        _require_other_person(user, record.elimination_author_id, "提交")
        warnings = elimination_warnings(record=record, month=record.elimination_month)
        record.elimination_warnings = warnings
        if warnings and not confirm_warnings:
            raise ValidationError("风险消除存在预警：" + "；".join(warnings) + "。请核实后确认审定或退回")
        record.elimination_status = EliminationStatus.APPROVED
        record.elimination_county_reviewer, record.eliminated_at = user, now
        record.full_clean()
        versioned_save(record)
    else:
        raise ValidationError("该记录当前不在县级审定环节")
    _log(record, stage, ReviewAction.COUNTY_APPROVE, user, comment)
    return record


def monitoring_approve_next(*, user, record: MonitoringRecord, comment: str = "",
                            confirm_warnings: bool = False) -> MonitoringRecord:
    """Approve whichever review the record waits for: 乡镇审核 of a submitted step, else 县级审定."""
    waiting = record.status if pending_stage(record) == ReviewStage.IDENTIFICATION else record.elimination_status
    if waiting in (ReviewStatus.SUBMITTED, EliminationStatus.SUBMITTED):
        return monitoring_township_review(user=user, record=record, comment=comment)
    return monitoring_county_approve(user=user, record=record, comment=comment, confirm_warnings=confirm_warnings)


@transaction.atomic
def monitoring_reject(*, user, record: MonitoringRecord, reason: str) -> MonitoringRecord:
    """退回: the step waiting for review goes back to its author with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回须填写原因"})
    record = MonitoringRecord.objects.select_for_update().get(pk=record.pk)
    _require(user, record, CHANGE)
    stage = pending_stage(record)
    waiting = record.status if stage == ReviewStage.IDENTIFICATION else record.elimination_status
    needed = "review_township" if waiting == ReviewStatus.SUBMITTED else "approve_county"
    if stage is None:
        raise ValidationError("该记录当前没有待审核的环节")
    _require_perm(user, needed, "您无权退回该环节的记录")
    if stage == ReviewStage.IDENTIFICATION:
        record.status = ReviewStatus.REJECTED
        record.rejection_reason = reason
    else:
        record.elimination_status = EliminationStatus.REJECTED
        record.elimination_rejection_reason = reason
    record.full_clean()
    versioned_save(record)
    _log(record, stage, ReviewAction.REJECT, user, reason)
    return record


# ---------------------------------------------------------------- risk elimination


def household_has_labour(household: Household, day: datetime.date) -> bool:
    """The rule 落实开发式帮扶措施占比 counts by (``Household.objects.with_labour``)."""
    return Household.objects.filter(pk=household.pk).with_labour(day).exists()


def elimination_warnings(*, record: MonitoringRecord, month: datetime.date) -> list[str]:
    """What the county reviewer should know before approving a risk elimination (domain rules)."""
    warnings = []
    month = month_start(month)
    elapsed = months_between(record.identified_month, month)
    if elapsed < ELIMINATION_MIN_MONTHS:
        warnings.append(f"识别后仅 {elapsed} 个月即申请消除（原则上不少于 {ELIMINATION_MIN_MONTHS} 个月）")
    income = record.household.incomes.filter(year__lte=month.year).order_by("-year", "-quarter").first()
    if income is None:
        warnings.append("没有收入记录，无法判断人均纯收入是否高于监测范围")
    else:
        threshold = MonitoringThreshold.objects.filter(year=income.year).values_list("amount", flat=True).first()
        annual = income.per_capita_income * 4 / income.quarter
        if threshold is not None and annual <= threshold:
            warnings.append(
                f"{income.year} 年人均纯收入（按第 {income.quarter} 季度累计折算全年 {annual:.0f} 元）"
                f"未高于监测范围 {threshold:.0f} 元"
            )
    # As of the elimination month's last day, as 落实开发式帮扶措施占比 counts as of its period's last day.
    month_end = (month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    if household_has_labour(record.household, month_end) and not AssistanceMeasure.objects.development(
        month_end
    ).filter(household=record.household).exists():
        warnings.append("有劳动能力但未落实开发式帮扶措施（产业、就业、金融、公益岗位）")
    return warnings


@transaction.atomic
def elimination_request(*, user, record: MonitoringRecord, mode: str, month: datetime.date, reason: str = "",
                        notice_start: datetime.date | None = None,
                        notice_end: datetime.date | None = None) -> MonitoringRecord:
    """The village asks to mark the risk as eliminated (after its own notice); the warnings go with it."""
    record = MonitoringRecord.objects.select_for_update().select_related("household").get(pk=record.pk)
    _require(user, record, CHANGE)
    if record.status != ReviewStatus.APPROVED:
        raise ValidationError("县级审定后的监测对象才能申请风险消除")
    if record.elimination_status not in (EliminationStatus.NONE, EliminationStatus.REJECTED):
        raise ValidationError(f"当前状态为“{record.get_elimination_status_display()}”，不能再次申请")
    if not mode:
        raise ValidationError({"elimination_mode": "请选择风险消除方式"})
    _check_notice(notice_start, notice_end, "elimination_")
    record.elimination_mode = mode
    record.elimination_month = month_start(month)
    record.elimination_reason = reason
    record.elimination_notice_start, record.elimination_notice_end = notice_start, notice_end
    record.elimination_status = EliminationStatus.SUBMITTED
    record.elimination_author, record.elimination_submitted_at = user, timezone.now()
    record.elimination_rejection_reason = ""
    record.elimination_warnings = elimination_warnings(record=record, month=record.elimination_month)
    record.full_clean()
    versioned_save(record)
    _log(record, ReviewStage.ELIMINATION, ReviewAction.SUBMIT, user, "；".join(record.elimination_warnings))
    return record


# ---------------------------------------------------------------- bulk: the import of the 住户信息 workbook
#
# The importer (reports.imports.households) parses the workbook and works out, for its preview, which rows
# are new, changed or unchanged. What it may write is decided here, for the whole file at once: a row-by-row
# ``full_clean`` of 200,000 members would take minutes, so the rules the row services get from the model
# are checked here in bulk — the same definitions (scope, ``household_code_error``, the ID rule, the size
# rule of ``household_refresh``, the workflow fields) applied to lists.

BULK_BATCH = 2000
IMPORT_REASON = "Excel 导入"
HOUSEHOLD_IMPORT_FIELDS = ("village", "head_name", "phone", "is_poverty_alleviated", "is_relocated",
                           "relocation_site", "is_dibao", "is_tekun", "is_no_labour")
MEMBER_IMPORT_FIELDS = ("name", "relation", "education", "school_status", "health", "labour_skill",
                        "has_medical_insurance")
EMPLOYMENT_IMPORT_FIELDS = ("location", "months", "channel")
INCOME_IMPORT_FIELDS = ("wage_income", "business_income", "property_income", "transfer_income",
                        "production_expense")
MEASURE_IMPORT_FIELDS = ("content", "amount")
RECORD_IMPORT_FIELDS = ("category", "channel")
# The workflow fields an approving import may set, on a county-approved record, by the one transition
# the file can express: 风险已消除 (the step a county reviewer takes on the page).
ELIMINATION_BY_IMPORT = frozenset({"elimination_status", "elimination_mode", "elimination_month"})


def imports_as_approved(user) -> bool:
    """Imports of county reviewers and the city administrator are county-approved data (they come from the
    national system's approved records); those of village and township staff enter the review workflow."""
    from accounts.roles import Role, role_of

    return role_of(user) in (Role.COUNTY_REVIEWER, Role.CITY_ADMIN)


def import_may_change_record(*, user, record: MonitoringRecord) -> bool:
    """Whether an import by ``user`` may change the identification data of an existing record: an approving
    import always; other staff only a draft or a record sent back (as ``monitoring_update`` on the page)."""
    return imports_as_approved(user) or record.status in EDITABLE_STATUSES


class NewMember(NamedTuple):
    """A member an import adds (a tuple, not a model instance: 200,000 instances would not fit the memory
    budget; the service makes the instances a batch at a time)."""

    household: Household
    id_number: str
    name: str
    relation: str
    education: str
    school_status: str
    health: str
    labour_skill: str
    has_medical_insurance: bool


class NewEmployment(NamedTuple):
    """A year of employment an import adds, of a member named by ID number (new or stored)."""

    id_number: str
    year: int
    location: str
    months: int
    channel: str


@dataclass
class HouseholdImportPlan:
    """What an import of the 住户信息 workbook would write: unsaved new rows and loaded rows with their
    changed values, of each kind. New rows refer to their household or member by object (it may be new
    too). A monitoring record carries ``_risks`` (risk type codes) and, when new, ``_eliminated`` (the file
    says its risk is eliminated)."""

    households_new: list[Household] = field(default_factory=list)
    households_changed: list[Household] = field(default_factory=list)
    members_new: list[NewMember] = field(default_factory=list)
    members_changed: list[Member] = field(default_factory=list)
    employments_new: list[NewEmployment] = field(default_factory=list)
    employments_changed: list[Employment] = field(default_factory=list)
    incomes_new: list[IncomeRecord] = field(default_factory=list)
    incomes_changed: list[IncomeRecord] = field(default_factory=list)
    measures_new: list[AssistanceMeasure] = field(default_factory=list)
    measures_changed: list[AssistanceMeasure] = field(default_factory=list)
    records_new: list[MonitoringRecord] = field(default_factory=list)
    records_changed: list[MonitoringRecord] = field(default_factory=list)


def _chunks(items, size=BULK_BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _stored(model, pks, *fields) -> dict:
    """{pk: {field: value}} of the stored rows (what a bulk change is checked against)."""
    out = {}
    for chunk in _chunks(pks):
        for row in model.objects.filter(pk__in=chunk).values("pk", *fields):
            out[row.pop("pk")] = row
    return out


def _import_check(user, plan: HouseholdImportPlan) -> list[str]:
    """Every rule a bulk import must keep, as Chinese messages (empty: the plan may be written)."""
    problems = []
    if plan.households_new and not user.has_perm("monitoring.add_household"):
        problems.append("您的角色无权新增农户")
    if plan.households_changed and not user.has_perm("monitoring.change_household"):
        problems.append("您的角色无权修改已有农户")
    # Scope: the village of every household written or referred to, before and after the change.
    referred = {h.pk for h in plan.households_changed}
    referred |= {m.household.pk for m in [*plan.members_new, *plan.members_changed] if m.household.pk}
    referred |= {r.household.pk for r in [*plan.incomes_new, *plan.incomes_changed, *plan.measures_new,
                                          *plan.measures_changed, *plan.records_new, *plan.records_changed]
                 if r.household.pk}
    referred |= {e.member.household.pk for e in plan.employments_changed}
    stored = _stored(Household, referred, "village_id")
    for household in [*plan.households_new, *plan.households_changed]:
        if not user_covers_area(user, household.village_id):
            problems.append(f"户编号 {household.code}：行政村 {household.village_id} 不在您的管辖范围内")
        message = household_code_error(household.code, household.village_id)
        if message:
            problems.append(f"户编号 {household.code}：{message}")
    outside = [pk for pk, row in stored.items() if not user_covers_area(user, row["village_id"])]
    if outside:
        codes = Household.objects.filter(pk__in=outside[:5]).values_list("code", flat=True)
        problems.append(f"户编号 {'、'.join(codes)} 等 {len(outside)} 户已登记在您管辖范围以外的行政村")
    # 家庭人口数 is the number of members: a new household comes with its head.
    heads = {m.household.code for m in plan.members_new if m.relation == Relation.HEAD}
    headless = [h.code for h in plan.households_new if h.code not in heads]
    if headless:
        problems.append(f"新增农户须同时登记户主：户编号 {'、'.join(headless[:5])} 没有户主成员")
    for member in plan.members_new:
        try:
            validate_id_number(member.id_number)
        except ValidationError as exc:
            problems.append(f"身份证号 {member.id_number}：{exc.messages[0]}")
    new_ids = {m.id_number for m in plan.members_new}
    stored_members = _members_of(plan.employments_new, new_ids)
    unknown = {e.id_number for e in plan.employments_new} - new_ids - set(stored_members)
    if unknown:
        problems.append(f"身份证号 {'、'.join(sorted(unknown)[:5])} 的人员不在系统中，不能导入其务工情况")
    outside = sorted(n for n, (_, village) in stored_members.items() if not user_covers_area(user, village))
    if outside:
        problems.append(f"身份证号 {'、'.join(outside[:5])} 等 {len(outside)} 人登记在您管辖范围以外的户")
    problems += _import_check_records(user, plan)
    return problems


def _members_of(employments, new_ids) -> dict[str, tuple[int, str]]:
    """{ID number: (member id, village code)} of the stored members the new employments are of."""
    wanted = {e.id_number for e in employments} - new_ids
    out = {}
    for chunk in _chunks(wanted):
        for number, pk, village in Member.objects.filter(id_number__in=chunk).values_list(
                "id_number", "pk", "household__village_id"):
            out[number] = (pk, village)
    return out


def _import_check_records(user, plan: HouseholdImportPlan) -> list[str]:
    """Workflow fields are never changed by an import, except the one transition it may express."""
    problems = []
    approved = imports_as_approved(user)
    for record in plan.records_new:
        if record._eliminated and not approved:
            problems.append(f"户编号 {record.household.code}：新识别的监测对象须经县级审定后才能申请风险消除")
    names = {f: MonitoringRecord._meta.get_field(f).attname for f in WORKFLOW_FIELDS}
    stored = _stored(MonitoringRecord, [r.pk for r in plan.records_changed], *names.values())
    for record in plan.records_changed:
        before = stored[record.pk]
        label = f"户编号 {record.household.code} 的监测记录"
        if not import_may_change_record(user=user, record=MonitoringRecord(status=before["status"])):
            problems.append(f"{label}已进入审核流程，导入不能修改")
            continue
        moved = {f for f, attname in names.items() if getattr(record, attname) != before[attname]}
        allowed = set()
        if approved and before["status"] == ReviewStatus.APPROVED and (
            before["elimination_status"] == EliminationStatus.APPROVED
            or (before["elimination_status"] in (EliminationStatus.NONE, EliminationStatus.REJECTED)
                and record.elimination_status == EliminationStatus.APPROVED)
        ):
            allowed = ELIMINATION_BY_IMPORT
        if moved - allowed:
            fields = "、".join(str(MonitoringRecord._meta.get_field(f).verbose_name) for f in sorted(moved - allowed))
            problems.append(f"{label}：导入不能改变审核流程字段（{fields}），请在系统中办理")
        record._eliminated_now = (before["elimination_status"] != EliminationStatus.APPROVED
                                  and record.elimination_status == EliminationStatus.APPROVED)
    return problems


@transaction.atomic
def households_import(*, user, plan: HouseholdImportPlan) -> set[str]:
    """Write an import of the 住户信息 workbook in bulk, after checking the whole plan (a ValidationError
    lists every problem and nothing is written). Derived values are set here, not by the importer: sex and
    birth date from the ID number, 家庭人口数 from the members, net and per-capita income, the review
    state of new identifications (submitted, or county-approved when the importer approves), 监测户.
    Every changed row counts its version up and every write has its history row. Returns the codes of the
    villages whose records were written: bulk writes send no signals, so the caller tells the dashboard
    (``dashboard.village_summaries.summaries_invalidate``; a domain app does not import the dashboard)."""
    problems = _import_check(user, plan)
    if problems:
        raise ValidationError(problems)
    history = dict(default_user=user, default_change_reason=IMPORT_REASON, batch_size=BULK_BATCH)
    villages: set[str] = set()

    # Written a batch at a time, history included: the history rows of 200,000 members are never all in memory.
    def create(model, rows):
        if hasattr(model, "version"):
            for row in rows:
                row.version = 1
        for chunk in _chunks(rows):
            bulk_create_with_history(chunk, model, **history)

    def update(model, rows, fields):
        if hasattr(model, "version"):
            versions_up(rows)
            fields = (*fields, "version")
        for chunk in _chunks(rows):
            bulk_update_with_history(chunk, model, list(fields), **history)

    for household in plan.households_new:
        household.created_by = user
    create(Household, plan.households_new)
    _fill_pks(plan.households_new, Household, "code")
    update(Household, plan.households_changed, HOUSEHOLD_IMPORT_FIELDS)
    villages |= {h.village_id for h in [*plan.households_new, *plan.households_changed]}
    employed = {e.id_number for e in plan.employments_new}
    stored = _members_of(plan.employments_new, {m.id_number for m in plan.members_new})
    member_ids = {number: pk for number, (pk, _) in stored.items()}
    villages |= {village for _, village in stored.values()}
    for chunk in _chunks(plan.members_new):
        members = [Member(household_id=m.household.pk, id_number=m.id_number, name=m.name, relation=m.relation,
                          education=m.education, school_status=m.school_status, health=m.health,
                          labour_skill=m.labour_skill, has_medical_insurance=m.has_medical_insurance,
                          sex=id_sex(m.id_number), birth_date=id_birth_date(m.id_number)) for m in chunk]
        create(Member, members)
        _fill_pks(members, Member, "id_number")
        member_ids.update((m.id_number, m.pk) for m in members if m.id_number in employed)
    update(Member, plan.members_changed, MEMBER_IMPORT_FIELDS)
    villages |= {m.household.village_id for m in [*plan.members_new, *plan.members_changed]}
    for chunk in _chunks(plan.employments_new):
        create(Employment, [Employment(member_id=member_ids[e.id_number], year=e.year, location=e.location,
                                       months=e.months, channel=e.channel) for e in chunk])
    update(Employment, plan.employments_changed, EMPLOYMENT_IMPORT_FIELDS)
    villages |= {e.member.household.village_id for e in plan.employments_changed}
    sizes = _import_sizes(plan)
    for record in [*plan.incomes_new, *plan.incomes_changed]:
        record.household_id = record.household.pk
        record.persons = sizes.get(record.household_id, record.household.size)
        record.compute()
    create(IncomeRecord, plan.incomes_new)
    update(IncomeRecord, plan.incomes_changed, (*INCOME_IMPORT_FIELDS, "persons", "net_income", "per_capita_income"))
    for measure in plan.measures_new:
        measure.household_id = measure.household.pk
    create(AssistanceMeasure, plan.measures_new)
    update(AssistanceMeasure, plan.measures_changed, MEASURE_IMPORT_FIELDS)
    villages |= {r.household.village_id for r in [*plan.incomes_new, *plan.incomes_changed, *plan.measures_new,
                                                  *plan.measures_changed]}
    villages |= _import_records(user, plan, create, update)
    return villages


def _fill_pks(rows, model, key: str) -> None:
    """``bulk_create`` fills primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them where it does not."""
    missing = [r for r in rows if r.pk is None]
    for chunk in _chunks(missing):
        ids = dict(model.objects.filter(**{f"{key}__in": [getattr(r, key) for r in chunk]}).values_list(key, "id"))
        for row in chunk:
            row.pk = row.id = ids[getattr(row, key)]


def _import_sizes(plan: HouseholdImportPlan) -> dict[int, int]:
    """家庭人口数 = the household's members (``household_refresh``'s rule), for every household the import
    gave members; the changed sizes are written one version up. Returns {household id: size}."""
    households = {m.household.pk: m.household for m in plan.members_new}
    households.update({h.pk: h for h in plan.households_new})
    sizes = {}
    for chunk in _chunks(households):
        sizes.update(Member.objects.filter(household_id__in=chunk).values_list("household_id")
                     .annotate(n=Count("id")).order_by().values_list("household_id", "n"))
    resized = []
    for pk, household in households.items():
        if household.size != sizes.get(pk, 0):
            household.size = sizes.get(pk, 0)
            resized.append(household)
    counted = {h.pk for h in [*plan.households_changed, *plan.households_new]}  # one version up per import
    versions_up([h for h in resized if h.pk not in counted])
    Household.objects.bulk_update(resized, ["size", "version"], batch_size=BULK_BATCH)
    return sizes


def _import_records(user, plan: HouseholdImportPlan, create, update) -> set[str]:
    """Identifications: new ones enter the workflow as submitted (or county-approved for an approving
    import), logged like the page's steps; a county-approved import of 风险已消除 is that step."""
    now = timezone.now()
    approved = imports_as_approved(user)
    for record in plan.records_new:
        record.household_id = record.household.pk
        record.author = user
        if approved:
            record.status, record.county_reviewer, record.approved_at = ReviewStatus.APPROVED, user, now
        else:
            record.status, record.submitted_at = ReviewStatus.SUBMITTED, now
            record.elimination_status, record.elimination_mode, record.elimination_month = (
                EliminationStatus.NONE, "", None)
        record._eliminated_now = approved and record._eliminated
        if not record._eliminated:
            record.elimination_status, record.elimination_mode, record.elimination_month = (
                EliminationStatus.NONE, "", None)
    for record in [*plan.records_new, *plan.records_changed]:
        if record._eliminated_now:
            record.elimination_status = EliminationStatus.APPROVED
            record.elimination_county_reviewer, record.eliminated_at = user, now
    create(MonitoringRecord, plan.records_new)
    if plan.records_new and any(r.pk is None for r in plan.records_new):
        found = {(r.household_id, r.identified_month): r.pk for chunk in _chunks(plan.records_new)
                 for r in MonitoringRecord.objects.filter(household_id__in=[x.household_id for x in chunk])}
        for record in plan.records_new:
            record.pk = record.id = found[(record.household_id, record.identified_month)]
    update(MonitoringRecord, plan.records_changed, (*RECORD_IMPORT_FIELDS, *ELIMINATION_BY_IMPORT,
                                                    "elimination_county_reviewer", "eliminated_at"))
    events = [
        ReviewEvent(record_id=r.pk, stage=ReviewStage.IDENTIFICATION, user=user, at=now, comment=IMPORT_REASON,
                    action=ReviewAction.COUNTY_APPROVE if approved else ReviewAction.SUBMIT)
        for r in plan.records_new
    ] + [
        ReviewEvent(record_id=r.pk, stage=ReviewStage.ELIMINATION, user=user, at=now,
                    action=ReviewAction.COUNTY_APPROVE, comment=IMPORT_REASON)
        for r in [*plan.records_new, *plan.records_changed] if r._eliminated_now
    ]
    ReviewEvent.objects.bulk_create(events, batch_size=BULK_BATCH)
    through = MonitoringRecord.risk_types.through
    relinked = [r for r in plan.records_changed if r._risks is not None]
    for chunk in _chunks(relinked):
        through.objects.filter(monitoringrecord_id__in=[r.pk for r in chunk]).delete()
    through.objects.bulk_create([through(monitoringrecord_id=r.pk, risktype_id=code)
                                 for r in [*plan.records_new, *relinked] for code in r._risks], batch_size=BULK_BATCH)
    monitored = {r.household_id for r in [*plan.records_new, *plan.records_changed]
                 if r.status == ReviewStatus.APPROVED}
    for chunk in _chunks(monitored):
        Household.objects.filter(pk__in=chunk, is_monitored=False).update(is_monitored=True)
    return {r.household.village_id for r in [*plan.records_new, *plan.records_changed]}
