"""Writes of the 问题整改 app: the issue workflow, evidence, letters and 双交办.

The workflow, by role (each function checks it; pages only show the buttons these allow):

    待整改 --交办 (county reviewer of the county / city admin)----------> 待整改 (unit assigned)
    待整改 --开始整改 (a user of the assigned unit)---------------------> 整改中
    整改中 --整改完成 (a user of the assigned unit, measures required)---> 已整改待核验
    已整改待核验 --核验销号 (county reviewer / city admin, not the one who marked it rectified)--> 已销号
    已整改待核验 --退回 (county reviewer / city admin, reason required)--> 整改中

A refused role raises ``PermissionDenied``; a refused state or missing data raises ``ValidationError``
(both with a Chinese message).
"""

import datetime
import re
import zipfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.roles import Role, role_of
from accounts.scoping import CHANGE, instance_in_scope, require_referable
from accounts.versioning import versioned_save

from .models import (
    Aspect,
    Category,
    HandOver,
    HandOverItem,
    Issue,
    IssueEvidence,
    IssueStatus,
    IssueTransition,
    ResponsibleUnit,
    SupervisionLetter,
    TransitionAction,
)

REVIEWER_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_REVIEWER})

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Extension → the leading bytes a genuine file of that type starts with.
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
EVIDENCE_TYPES_LABEL = "PDF、JPG、PNG、DOCX、XLSX"
# An Office file is a zip holding these parts; a zip merely renamed .docx holds neither.
OOXML_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
# Markup a browser would run if it ever took the file for a web page (a PDF/HTML or image/HTML polyglot).
ACTIVE_MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|object|embed)\b|javascript:", re.I)


# --- who may do what ---------------------------------------------------------------------------


def user_is_issue_reviewer(user, issue: Issue) -> bool:
    """The county reviewer of the issue's county, or the city administrator."""
    return role_of(user) in REVIEWER_ROLES and instance_in_scope(user, issue, CHANGE)


def user_is_issue_unit(user, issue: Issue) -> bool:
    """A user of the unit the issue is assigned to."""
    return (
        role_of(user) == Role.UNIT
        and issue.responsible_unit_id is not None
        and issue.responsible_unit.users.filter(pk=user.pk).exists()
    )


def last_rectifier_id(issue: Issue) -> int | None:
    """Who marked the issue rectified most recently (the one person who may not close it)."""
    return (
        issue.transitions.filter(action=TransitionAction.RECTIFY).order_by("-at", "-id").values_list("user_id", flat=True)
    ).first()


def issue_allowed_actions(*, issue: Issue, user) -> list[str]:
    """The workflow actions (``TransitionAction`` values) this user may take on the issue now."""
    actions = []
    reviewer = user_is_issue_reviewer(user, issue)
    unit = user_is_issue_unit(user, issue)
    if issue.status == IssueStatus.PENDING and reviewer:
        actions.append(TransitionAction.ASSIGN)
    if issue.status == IssueStatus.PENDING and unit:
        actions.append(TransitionAction.START)
    if issue.status == IssueStatus.IN_PROGRESS and unit:
        actions.append(TransitionAction.RECTIFY)
    if issue.status == IssueStatus.RECTIFIED and reviewer:
        if last_rectifier_id(issue) != user.pk:
            actions.append(TransitionAction.VERIFY)
        actions.append(TransitionAction.RETURN)
    return actions


def _require_reviewer(user, issue: Issue, what: str) -> None:
    if not user_is_issue_reviewer(user, issue):
        raise PermissionDenied(f"只有该问题所在区县的县级审核员或市级管理员可以{what}")


def _require_unit(user, issue: Issue, what: str) -> None:
    if not user_is_issue_unit(user, issue):
        raise PermissionDenied(f"只有该问题的责任单位可以{what}")


def _require_status(issue: Issue, expected: str, what: str) -> None:
    if issue.status != expected:
        raise ValidationError(
            f"问题 {issue.number} 当前状态为“{issue.get_status_display()}”，"
            f"只有“{IssueStatus(expected).label}”的问题可以{what}"
        )


def _locked(issue: Issue) -> Issue:
    """Re-read the issue under a row lock so that two people cannot move it at once."""
    return Issue.objects.select_for_update(of=("self",)).select_related("responsible_unit").get(pk=issue.pk)


def _record(issue: Issue, *, action: str, from_status: str, user, note: str = "") -> IssueTransition:
    transition = IssueTransition(
        issue=issue, action=action, from_status=from_status, to_status=issue.status, user=user,
        at=timezone.now(), note=note,
    )
    transition.full_clean()
    transition.save()
    return transition


# --- the workflow --------------------------------------------------------------------------------


def issue_next_number(*, year: int, prefix: str = "YC") -> str:
    """The next free number of the year (``YC-2023-0001`` …)."""
    stem = f"{prefix}-{year}-"
    last = Issue.objects.filter(number__startswith=stem).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{n:04d}"


@transaction.atomic
def issue_register(
    *,
    user,
    source: str,
    aspect: Aspect,
    category: Category,
    county_id: str,
    description: str,
    found_date: datetime.date,
    deadline: datetime.date,
    village_id: str | None = None,
    number: str | None = None,
    household=None,
) -> Issue:
    """登记: a county reviewer (for the county) or the city administrator enters a newly found issue
    (optionally of one household of the village, as a mock assessment's failed indicator is)."""
    issue = Issue(
        number=number or issue_next_number(year=found_date.year),
        source=source, aspect=aspect, category=category, county_id=county_id, village_id=village_id,
        household=household,
        description=description, found_date=found_date, deadline=deadline, status=IssueStatus.PENDING,
    )
    issue.sync_area_code()
    if role_of(user) not in REVIEWER_ROLES or not instance_in_scope(user, issue, "add"):
        raise PermissionDenied("只有本区县的县级审核员或市级管理员可以登记问题")
    require_referable(user, issue, references=("village", "household"))
    issue.full_clean()
    versioned_save(issue)
    _record(issue, action=TransitionAction.REGISTER, from_status="", user=user)
    return issue


@transaction.atomic
def issue_assign(
    *,
    issue: Issue,
    user,
    unit: ResponsibleUnit,
    person: str = "",
    deadline: datetime.date | None = None,
    note: str = "",
) -> Issue:
    """交办: the reviewer hands a pending issue to a responsible unit (a city unit or one of the county's)."""
    issue = _locked(issue)
    _require_reviewer(user, issue, "交办问题")
    _require_status(issue, IssueStatus.PENDING, "交办")
    if not unit.serves(issue.county_id):
        raise ValidationError({"unit": f"责任单位“{unit}”不属于{issue.county}，也不是本市市直单位"})
    issue.responsible_unit = unit
    issue.responsible_person = person or issue.responsible_person
    if deadline is not None:
        issue.deadline = deadline
    issue.full_clean()
    versioned_save(issue)
    _record(issue, action=TransitionAction.ASSIGN, from_status=IssueStatus.PENDING, user=user,
            note=note or f"交办至{unit}")
    # The county's 双交办 list records where it handed the issue on.
    for item in HandOverItem.objects.select_for_update().filter(issue=issue, unit__isnull=True):
        item.unit, item.handed_on_date = unit, timezone.localdate()
        item._history_user = user
        item.save(update_fields=["unit", "handed_on_date"])  # a save, so that its history keeps the hand-on
    return issue


@transaction.atomic
def issue_start(*, issue: Issue, user, measures: str = "") -> Issue:
    """开始整改: the responsible unit takes the issue up (待整改 → 整改中)."""
    issue = _locked(issue)
    _require_unit(user, issue, "开始整改")
    _require_status(issue, IssueStatus.PENDING, "开始整改")
    issue.status = IssueStatus.IN_PROGRESS
    if measures.strip():
        issue.measures = measures.strip()
    issue.full_clean()
    versioned_save(issue)
    _record(issue, action=TransitionAction.START, from_status=IssueStatus.PENDING, user=user)
    return issue


@transaction.atomic
def issue_update_measures(*, issue: Issue, user, measures: str, responsible_person: str | None = None,
                          loaded_version: int | None = None) -> Issue:
    """The responsible unit records its measures (待整改 or 整改中; no status change)."""
    issue = _locked(issue)
    _require_unit(user, issue, "填写整改措施")
    if issue.status not in (IssueStatus.PENDING, IssueStatus.IN_PROGRESS):
        raise ValidationError(f"问题 {issue.number} 当前状态为“{issue.get_status_display()}”，不能修改整改措施")
    issue.measures = measures.strip()
    if responsible_person is not None:
        issue.responsible_person = responsible_person.strip()
    issue.full_clean()
    versioned_save(issue, loaded_version=loaded_version)
    return issue


# Moved only by the workflow above (交办 sets the unit; the other steps the status and dates).
ISSUE_WORKFLOW_FIELDS = frozenset({"status", "completed_date", "closed_date", "responsible_unit", "area_code"})


@transaction.atomic
def issue_update(*, issue: Issue, user, loaded_version: int | None = None, **fields) -> Issue:
    """The reviewer corrects the record of an issue not yet closed (description, category, village…).
    The unit is changed by 交办 and the status by the workflow, never here."""
    _require_reviewer(user, issue, "修改问题")
    stored = _locked(issue)
    if stored.status == IssueStatus.CLOSED:
        raise ValidationError(f"问题 {issue.number} 已销号，不能再修改")
    for name, value in fields.items():
        if name in ISSUE_WORKFLOW_FIELDS:
            raise ValidationError(f"“{Issue._meta.get_field(name).verbose_name}”只能通过整改流程改变")
        if name == "related":
            continue
        setattr(stored, name, value)
    stored.sync_area_code()
    if not instance_in_scope(user, stored, CHANGE):
        raise PermissionDenied("不能把问题移到您的管辖范围以外")
    require_referable(user, stored, references=("village", "household", "inspection"))
    stored.full_clean()
    versioned_save(stored, loaded_version=loaded_version)
    if "related" in fields:
        issue_link_related(issue=stored, user=user, others=list(fields["related"]), replace=True)
    return stored


@transaction.atomic
def issue_mark_rectified(
    *, issue: Issue, user, measures: str | None = None, completed_date: datetime.date | None = None, note: str = ""
) -> Issue:
    """整改完成: the responsible unit reports the issue rectified (整改中 → 已整改待核验)."""
    issue = _locked(issue)
    _require_unit(user, issue, "报告整改完成")
    _require_status(issue, IssueStatus.IN_PROGRESS, "报告整改完成")
    if measures is not None and measures.strip():
        issue.measures = measures.strip()
    if not issue.measures.strip():
        raise ValidationError({"measures": "请先填写整改措施，再报告整改完成"})
    issue.completed_date = completed_date or timezone.localdate()
    issue.status = IssueStatus.RECTIFIED
    issue.full_clean()
    versioned_save(issue)
    _record(issue, action=TransitionAction.RECTIFY, from_status=IssueStatus.IN_PROGRESS, user=user, note=note)
    return issue


@transaction.atomic
def issue_verify(*, issue: Issue, user, note: str = "", closed_date: datetime.date | None = None) -> Issue:
    """核验销号: the reviewer closes a rectified issue — never the person who reported it rectified."""
    issue = _locked(issue)
    _require_reviewer(user, issue, "核验销号")
    _require_status(issue, IssueStatus.RECTIFIED, "核验销号")
    if last_rectifier_id(issue) == user.pk or (
        issue.responsible_unit_id and issue.responsible_unit.users.filter(pk=user.pk).exists()
    ):
        raise PermissionDenied("整改单位不能核验本单位的整改：不能对本人（本单位）报告整改完成的问题核验销号，须由其他角色核验")
    issue.closed_date = closed_date or timezone.localdate()
    issue.status = IssueStatus.CLOSED
    issue.full_clean()
    versioned_save(issue)
    _record(issue, action=TransitionAction.VERIFY, from_status=IssueStatus.RECTIFIED, user=user, note=note)
    return issue


@transaction.atomic
def issue_return(*, issue: Issue, user, reason: str) -> Issue:
    """退回: the reviewer sends a rectified issue back to the unit (已整改待核验 → 整改中) with a reason."""
    issue = _locked(issue)
    _require_reviewer(user, issue, "退回")
    _require_status(issue, IssueStatus.RECTIFIED, "退回")
    if not (reason or "").strip():
        raise ValidationError({"reason": "退回须说明理由"})
    issue.status = IssueStatus.IN_PROGRESS
    issue.completed_date = None
    issue.full_clean()
    versioned_save(issue)
    _record(issue, action=TransitionAction.RETURN, from_status=IssueStatus.RECTIFIED, user=user, note=reason.strip())
    return issue


@transaction.atomic
def issue_link_related(*, issue: Issue, user, others: list[Issue], replace: bool = False) -> Issue:
    """举一反三: link issues of the same kind found elsewhere (both issues must be the reviewer's).
    ``replace`` makes ``others`` the whole list (the admin's field); links to issues outside the
    writer's area, which the writer cannot see, are kept."""
    _require_reviewer(user, issue, "关联举一反三问题")
    for other in others:
        if other.pk == issue.pk:
            raise ValidationError("问题不能与自身关联")
        if not user_is_issue_reviewer(user, other):
            raise PermissionDenied(f"问题 {other.number} 不在您的管辖范围内")
    if replace:
        mine = [other for other in issue.related.all() if user_is_issue_reviewer(user, other)]
        issue.related.remove(*[other for other in mine if other not in others])
    issue.related.add(*others)
    return issue


# --- evidence ------------------------------------------------------------------------------------


def evidence_validate(uploaded) -> str:
    """Refuse a file of a type not allowed, one whose content does not match its extension, or one too
    large; answers the extension (lower case)."""
    name = getattr(uploaded, "name", "") or ""
    ext = Path(name).suffix.lower()
    if ext not in EVIDENCE_SIGNATURES:
        raise ValidationError(
            f"文件“{name}”的类型不允许上传：佐证材料仅支持 {EVIDENCE_TYPES_LABEL} 格式", code="file_type"
        )
    if uploaded.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"文件“{name}”过大（{uploaded.size / 1024 / 1024:.1f} MB）：单个文件不能超过 "
            f"{EVIDENCE_MAX_BYTES // (1024 * 1024)} MB",
            code="file_size",
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES[ext]):
        raise ValidationError(f"文件“{name}”的内容与扩展名 {ext} 不符，请上传真实的 {ext[1:].upper()} 文件",
                              code="file_content")
    if ext in OOXML_MAIN_PART:
        _check_ooxml(uploaded, name, ext)
    else:
        _check_no_markup(uploaded, name)
    return ext


def _check_no_markup(uploaded, name: str) -> None:
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    if ACTIVE_MARKUP.search(content):
        raise ValidationError(f"文件“{name}”中含有网页脚本或标记，不能作为佐证材料上传", code="file_active_content")


def _check_ooxml(uploaded, name: str, ext: str) -> None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        names = set()
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names or OOXML_MAIN_PART[ext] not in names:
        raise ValidationError(f"文件“{name}”不是有效的 {ext[1:].upper()} 文档（只是改了扩展名的压缩包？）",
                              code="file_content")
    if any(part.lower().endswith("vbaproject.bin") for part in names):
        raise ValidationError(f"文件“{name}”含有宏，不能作为佐证材料上传", code="file_active_content")


@transaction.atomic
def issue_evidence_add(*, issue: Issue, user, uploaded) -> IssueEvidence:
    """Attach a supporting file (by the responsible unit or the reviewer) to an issue not yet closed."""
    issue = _locked(issue)
    if not (user_is_issue_unit(user, issue) or user_is_issue_reviewer(user, issue)):
        raise PermissionDenied("只有该问题的责任单位或审核员可以上传佐证材料")
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError(f"问题 {issue.number} 已销号，不能再上传佐证材料")
    evidence_validate(uploaded)
    evidence = IssueEvidence(
        issue=issue, original_name=Path(uploaded.name).name[:255], size=uploaded.size, uploaded_by=user
    )
    evidence.file.save(Path(uploaded.name).name, uploaded, save=False)
    evidence.save()
    return evidence


# --- letters and 双交办 ---------------------------------------------------------------------------


@transaction.atomic
def letter_issue(
    *,
    user,
    number: str,
    issued_date: datetime.date,
    reply_deadline: datetime.date,
    issues: list[Issue],
    county_id: str | None = None,
    unit: ResponsibleUnit | None = None,
    title: str = "",
    content: str = "",
) -> SupervisionLetter:
    """发督办函: the city administrator writes to a county or a unit about some of its issues."""
    if role_of(user) != Role.CITY_ADMIN:
        raise PermissionDenied("只有市级管理员可以下发督办函")
    letter = SupervisionLetter(
        number=number, issued_date=issued_date, reply_deadline=reply_deadline, addressee_county_id=county_id,
        addressee_unit=unit, title=title, content=content, issued_by=user,
    )
    letter.sync_area_code()
    letter.full_clean()
    for issue in issues:
        if county_id and issue.county_id != county_id:
            raise ValidationError({"issues": f"问题 {issue.number} 不属于受函区县"})
        if unit and issue.responsible_unit_id != unit.pk:
            raise ValidationError({"issues": f"问题 {issue.number} 不是受函单位负责的问题"})
    letter.save()
    letter.issues.set(issues)
    return letter


@transaction.atomic
def letter_reply(*, letter: SupervisionLetter, user, reply_text: str, reply_date: datetime.date | None = None):
    """回复督办函: the addressed county's reviewer or a user of the addressed unit."""
    role = role_of(user)
    allowed = (
        (role == Role.COUNTY_REVIEWER and letter.addressee_county_id
         and instance_in_scope(user, letter, CHANGE))
        or (role == Role.UNIT and letter.addressee_unit_id
            and letter.addressee_unit.users.filter(pk=user.pk).exists())
    )
    if not allowed:
        raise PermissionDenied("只有受函区县或受函单位可以回复督办函")
    if not (reply_text or "").strip():
        raise ValidationError({"reply_text": "请填写回复内容"})
    letter.reply_text = reply_text.strip()
    letter.reply_date = reply_date or timezone.localdate()
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def handover_create(
    *, user, county_id: str, title: str, handed_date: datetime.date, issues: list[Issue], note: str = ""
) -> HandOver:
    """交办: the city hands a list of a county's issues to that county."""
    if role_of(user) != Role.CITY_ADMIN:
        raise PermissionDenied("只有市级管理员可以下发双交办清单")
    handover = HandOver(county_id=county_id, title=title, handed_date=handed_date, note=note)
    handover.full_clean()
    handover.save()
    items = [HandOverItem(handover=handover, issue=issue) for issue in issues]
    for item in items:
        item.full_clean()
    HandOverItem.objects.bulk_create(items)
    return handover


@transaction.atomic
def handover_hand_on(*, item: HandOverItem, user, unit: ResponsibleUnit, date: datetime.date | None = None):
    """二次交办: the county hands one issue of its list on to a unit (and assigns the issue to it if pending)."""
    if role_of(user) not in REVIEWER_ROLES or not instance_in_scope(user, item.handover, CHANGE):
        raise PermissionDenied("只有该区县的县级审核员可以转交问题")
    if not unit.serves(item.handover.county_id):
        raise ValidationError({"unit": f"责任单位“{unit}”不属于{item.handover.county}，也不是本市市直单位"})
    item.unit = unit
    item.handed_on_date = date or timezone.localdate()
    item.full_clean()
    item.save()
    if item.issue.status == IssueStatus.PENDING:
        issue_assign(issue=item.issue, user=user, unit=unit, note=f"双交办：{item.handover.title}")
    return item



# Facts of an issue a reviewer may correct outside the workflow; status and unit move only by the steps above.
ISSUE_FACT_FIELDS = frozenset({
    "source", "aspect_id", "category_id", "county_id", "village_id", "description", "responsible_person",
    "found_date", "deadline", "measures", "completed_date",
})


@transaction.atomic
def issue_update_fields(*, issue: Issue, user, change_reason: str = "Excel 导入", **fields) -> Issue:
    """The reviewer corrects the recorded facts of an open issue (the ledger import's way in): never its
    status or unit, never a closed issue, never moving it out of the reviewer's area."""
    unknown = set(fields) - ISSUE_FACT_FIELDS
    if unknown:
        raise ValueError(f"issue_update_fields cannot change {sorted(unknown)}")
    issue = _locked(issue)
    _require_reviewer(user, issue, "修改问题")
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError(f"问题 {issue.number} 已销号，不能修改")
    for name, value in fields.items():
        setattr(issue, name, value)
    issue.sync_area_code()
    if not instance_in_scope(user, issue, CHANGE):
        raise PermissionDenied("修改后的问题不在您的管辖范围内")
    issue.full_clean()
    issue._history_user = user
    issue._change_reason = change_reason
    issue.save()
    return issue
