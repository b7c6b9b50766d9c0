"""The bulk door of the 住户信息 import: ``households_import`` checks a whole ``HouseholdImportPlan`` and
writes it in batches with history."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scoping import user_covers_area
from accounts.versioning import versions_up
from yuncheng.idcard import id_birth_date, id_sex, validate_id_number

from ..models import (
    AssistanceMeasure,
    EliminationStatus,
    Employment,
    Household,
    IncomeRecord,
    Member,
    MonitoringRecord,
    Relation,
    ReviewAction,
    ReviewEvent,
    ReviewStage,
    ReviewStatus,
    household_code_error,
)
from .records import EDITABLE_STATUSES, WORKFLOW_FIELDS


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
