"""Writes on 帮扶资源 that touch more than one model."""

import datetime

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery

from monitoring.models import Member
from yuncheng.idcard import normalize_id_number

from .models import Workshop, WorkshopEmployee


def employees_link_members(*, employees: QuerySet) -> int:
    """Link employees (workshop or PV) whose ID number is in the registry but who are not linked yet,
    so that "of whom 脱贫劳动力" follows the registry without anybody typing it. Returns how many."""
    registry = Member.objects.filter(id_number=OuterRef("id_number")).values("pk")[:1]
    return (
        employees.filter(member__isnull=True)
        .exclude(id_number="")
        .filter(id_number__in=Member.objects.values("id_number"))
        .update(member=Subquery(registry))
    )


@transaction.atomic
def workshop_employee_create(
    *, workshop: Workshop, name: str, id_number: str = "", hired_on: datetime.date | None = None
) -> WorkshopEmployee:
    """Register a person employed by a workshop, linked to the registry member with the same ID number."""
    number = normalize_id_number(id_number)
    employee = WorkshopEmployee(
        workshop=workshop,
        name=name,
        id_number=number,
        hired_on=hired_on,
        member=Member.objects.filter(id_number=number).first() if number else None,
    )
    employee.full_clean()
    employee.save()
    return employee
