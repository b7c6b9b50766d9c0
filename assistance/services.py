"""Writes of 帮扶资源. Each takes the acting ``user`` and checks, before anything is written, that the
record lies in the user's area before and after the change and that every object it points at (village,
county, workshop, station, platform) is one the user may refer to (``accounts.scoping``); then the
model's rules (``full_clean``), in one transaction. The admin's forms and inlines save through these."""

import datetime

from django.db import transaction
from django.db.models import Model, QuerySet

from accounts.scoping import require_writable
from monitoring.models import Member
from yuncheng.idcard import normalize_id_number

from .models import (
    AssistanceProject,
    ConsumptionPlatform,
    ConsumptionSale,
    PVEmployee,
    PVIncome,
    PVStation,
    Workshop,
    WorkshopEmployee,
)


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


def _checked_save(user, obj: Model, references: tuple[str, ...]) -> Model:
    """What every write of this app holds: the referenced objects, the area before and after, the rules."""
    require_writable(user, obj, references=references)
    obj.full_clean()
    obj.save()
    return obj


def _link_member(employee: WorkshopEmployee | PVEmployee) -> None:
    """The registry member with the employee's ID number (anywhere in the city: a person may work in
    another county's workshop), set by the system, never picked by hand."""
    employee.id_number = normalize_id_number(employee.id_number)
    employee.member = Member.objects.filter(id_number=employee.id_number).first() if employee.id_number else None


@transaction.atomic
def workshop_save(*, user, workshop: Workshop) -> Workshop:
    """Create or change a 帮扶车间 of a village inside the writer's area."""
    return _checked_save(user, workshop, ("village",))


@transaction.atomic
def workshop_employee_save(*, user, employee: WorkshopEmployee) -> WorkshopEmployee:
    """Create or change a person employed by a workshop of the writer's area, linked to the registry
    member with the same ID number."""
    _link_member(employee)
    return _checked_save(user, employee, ("workshop",))


@transaction.atomic
def workshop_employee_create(
    *, user, workshop: Workshop, name: str, id_number: str = "", hired_on: datetime.date | None = None
) -> WorkshopEmployee:
    """Register a person employed by a workshop, linked to the registry member with the same ID number."""
    employee = WorkshopEmployee(workshop=workshop, name=name, id_number=id_number, hired_on=hired_on)
    return workshop_employee_save(user=user, employee=employee)


@transaction.atomic
def pv_station_save(*, user, station: PVStation) -> PVStation:
    """Create or change a 村级光伏电站 of a village inside the writer's area."""
    return _checked_save(user, station, ("village",))


@transaction.atomic
def pv_income_save(*, user, income: PVIncome) -> PVIncome:
    """A station's income of a year, for a station inside the writer's area."""
    return _checked_save(user, income, ("station",))


@transaction.atomic
def pv_employee_save(*, user, employee: PVEmployee) -> PVEmployee:
    """A person on a station's post of a year, linked to the registry member with the same ID number."""
    _link_member(employee)
    return _checked_save(user, employee, ("station",))


@transaction.atomic
def project_save(*, user, project: AssistanceProject) -> AssistanceProject:
    """Create or change a 帮扶项目: its county and village lie in the writer's area (the area code
    follows them, so the project's figures stay in the area that entered it)."""
    return _checked_save(user, project, ("county", "village"))


@transaction.atomic
def platform_save(*, user, platform: ConsumptionPlatform) -> ConsumptionPlatform:
    """Create or change a 消费帮扶 platform (city reference data: the permission decides who)."""
    return _checked_save(user, platform, ())


@transaction.atomic
def sale_save(*, user, sale: ConsumptionSale) -> ConsumptionSale:
    """Create or change a 消费帮扶 sales figure of a county inside the writer's area."""
    return _checked_save(user, sale, ("platform", "county"))
