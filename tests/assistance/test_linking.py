"""A person employed is linked to the registry by ID number, so that 脱贫劳动力 are counted, not typed."""

from django.urls import reverse

from assistance.models import PVEmployee, WorkshopEmployee
from assistance.services import employees_link_members, workshop_employee_create

from .factories import PVEmployeeFactory, PVStationFactory, WorkshopEmployeeFactory, WorkshopFactory


def test_employee_registered_by_id_number_is_linked_and_counted(geo, users, registry, figures):
    workshop = WorkshopFactory(village=geo.jia1)

    employee = workshop_employee_create(user=users.jia1_officer, workshop=workshop, name="某某",
                                        id_number=registry.poverty.id_number.lower())

    assert employee.member == registry.poverty
    assert figures("employment.workshop_poverty_jobs") == {"employment.workshop_poverty_jobs": 1}


def test_employee_not_in_the_registry_stays_unlinked(geo, users):
    employee = workshop_employee_create(user=users.jia1_officer, workshop=WorkshopFactory(village=geo.jia1), name="外地人")
    assert employee.member is None


def test_link_fills_only_unlinked_rows_with_a_known_id_number(geo, registry):
    workshop = WorkshopFactory(village=geo.jia1)
    known = WorkshopEmployeeFactory(workshop=workshop, id_number=registry.monitored.id_number)
    WorkshopEmployeeFactory(workshop=workshop, id_number="")
    already = WorkshopEmployeeFactory(workshop=workshop, id_number=registry.both.id_number, member=registry.poverty)
    station = PVStationFactory(village=geo.jia1)
    pv = PVEmployeeFactory(station=station, id_number=registry.ordinary.id_number)

    assert employees_link_members(employees=WorkshopEmployee.objects.all()) == 1
    assert employees_link_members(employees=PVEmployee.objects.all()) == 1

    known.refresh_from_db(), already.refresh_from_db(), pv.refresh_from_db()
    assert (known.member, already.member, pv.member) == (registry.monitored, registry.poverty, registry.ordinary)


def test_village_officer_enters_a_workshop_with_an_employee_by_id_number(client_for, users, registry):
    response = client_for(users.jia1_officer).post(
        reverse("admin:assistance_workshop_add"),
        {"village": "140829100200", "name": "甲一村服装帮扶车间", "is_operating": "on",
         "employees-TOTAL_FORMS": "1", "employees-INITIAL_FORMS": "0",
         "employees-0-name": registry.poverty.name, "employees-0-id_number": registry.poverty.id_number},
    )

    assert response.status_code == 302
    employee = WorkshopEmployee.objects.get(workshop__name="甲一村服装帮扶车间")
    assert employee.member == registry.poverty


def test_admin_add_pages_open_for_the_city_administrator(client_for, users):
    client = client_for(users.city_admin)
    for name in ["workshop", "workshopemployee", "pvstation", "assistanceproject", "consumptionplatform",
                 "consumptionsale"]:
        assert client.get(reverse(f"admin:assistance_{name}_add")).status_code == 200, name
    assert client.get(reverse("admin:villages_villagecollectiveeconomy_add")).status_code == 200
