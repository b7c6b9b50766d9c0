"""The identification → approval → risk-elimination workflow of monitoring records (识别、审核、风险消除).

Every step checks the user's scope and role, logs a ``ReviewEvent`` and is atomic.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scoping import ADD, CHANGE
from accounts.versioning import versioned_save

from ..models import (
    ELIMINATION_MIN_MONTHS,
    AssistanceMeasure,
    EliminationStatus,
    Household,
    MonitoringRecord,
    MonitoringThreshold,
    Relation,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    ReviewStatus,
    RiskType,
    month_start,
    months_between,
)
from .households import MAX_RISK_TYPES, _require, _require_perm


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
