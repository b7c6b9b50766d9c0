"""Writes of households and their members (keeping the derived size), employment, income and measures.

Every function checks the user's scope with the accounts function, runs ``full_clean()`` and is atomic.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max

from accounts.scoping import ADD, CHANGE, DELETE, area_filter, instance_in_scope
from accounts.versioning import versioned_save
from yuncheng.idcard import normalize_id_number

from ..models import AssistanceMeasure, Employment, Household, IncomeRecord, Member, Relation


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
