"""Writes on 帮扶资源 that touch more than one model."""

import datetime

from django.db import transaction
from django.db.models import QuerySet

from monitoring.models import Member
from yuncheng.idcard import normalize_id_number

from .models import Workshop, WorkshopEmployee


def employees_link_members(*, employees: QuerySet) -> int:
    """Link employees (workshop or PV) whose ID number is in the registry but who are not linked yet,
    so that "of whom 脱贫劳动力" follows the registry without anybody typing it. Returns how many.
    Each is saved on its own (not one ``update()``): the link is a figure's input and a visible field, so
    it leaves a history row and tells the dashboard's summaries (signals) like any other change."""
    unlinked = list(employees.filter(member__isnull=True).exclude(id_number="")
                    .filter(id_number__in=Member.objects.values("id_number")))
    members = dict(Member.objects.filter(id_number__in={employee.id_number for employee in unlinked})
                   .values_list("id_number", "pk"))
    for employee in unlinked:
        employee.member_id = members[employee.id_number]
        employee.save(update_fields=["member"])
    return len(unlinked)


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
