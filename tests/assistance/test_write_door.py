"""Writes of 帮扶资源 through one door: each record's service refuses a village, county, workshop or
station outside the writer's area, and every admin form and inline saves through its service."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assistance import services
from assistance.models import (
    AssistanceProject,
    ConsumptionSale,
    FundingSource,
    PVEmployee,
    PVIncome,
    PVStation,
    Workshop,
    WorkshopEmployee,
)

from ..admin_forms import admin_form_data, inline_prefixes, refusing_service
from .factories import (
    AssistanceProjectFactory,
    ConsumptionPlatformFactory,
    ConsumptionSaleFactory,
    PVStationFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def _foreign_records(geo):
    """One unsaved record of each kind that a 平陆 writer points at 夏县 (丙一村 / 夏县)."""
    xia_workshop = WorkshopFactory(village=geo.bing1)
    xia_station = PVStationFactory(village=geo.bing1)
    return [
        ("workshop_save", "workshop", Workshop(village=geo.bing1, name="外县车间"), "village"),
        ("workshop_employee_save", "employee", WorkshopEmployee(workshop=xia_workshop, name="某某"), "workshop"),
        ("pv_station_save", "station", PVStation(village=geo.bing1, name="外县电站", capacity_kw=Decimal("100")),
         "village"),
        ("pv_income_save", "income", PVIncome(station=xia_station, year=2023, income=Decimal("1000")), "station"),
        ("pv_employee_save", "employee", PVEmployee(station=xia_station, year=2023, name="某某"), "station"),
        ("project_save", "project", AssistanceProject(county=geo.xia, name="外县项目", amount=Decimal("1000"), year=2023,
                                                      funding_source=FundingSource.LINKAGE), "county"),
        ("project_save", "project", AssistanceProject(county=geo.pinglu, village=geo.bing1, name="跨县项目",
                                                      amount=Decimal("1000"), year=2023,
                                                      funding_source=FundingSource.LINKAGE), "village"),
        ("sale_save", "sale", ConsumptionSale(platform=ConsumptionPlatformFactory(), county=geo.xia, year=2023,
                                              quarter=1, amount=Decimal("1000"), beneficiaries=1), "county"),
    ]


def test_each_service_refuses_an_object_of_another_county(geo, users):
    before = {model: model.objects.count() for model in (Workshop, WorkshopEmployee, PVStation, PVIncome, PVEmployee,
                                                         AssistanceProject, ConsumptionSale)}
    cases = _foreign_records(geo)
    for service, argument, record, field in cases:
        with pytest.raises(ValidationError) as exc:
            getattr(services, service)(user=users.pinglu_reviewer, **{argument: record})
        assert field in exc.value.error_dict, service
        assert "不在您的管辖范围内" in str(exc.value)
    assert {model: model.objects.count() for model in before} == {**before, Workshop: before[Workshop] + 1,
                                                                  PVStation: before[PVStation] + 1}  # the fixtures'
    print(f"服务用例：{len(cases)} 个")


def test_a_village_officer_cannot_save_a_workshop_of_a_neighbouring_village(geo, users):
    with pytest.raises(ValidationError, match="所在行政村不在您的管辖范围内"):
        services.workshop_save(user=users.jia1_officer, workshop=Workshop(village=geo.jia2, name="邻村车间"))
    assert not Workshop.objects.filter(name="邻村车间").exists()


def test_a_workshop_cannot_be_moved_out_of_the_writers_area(geo, users):
    workshop = WorkshopFactory(village=geo.jia1)
    workshop.village = geo.jia2
    with pytest.raises(ValidationError):
        services.workshop_save(user=users.jia1_officer, workshop=workshop)
    other = WorkshopFactory(village=geo.bing1)
    other.name = "改名"
    with pytest.raises(PermissionDenied):
        services.workshop_save(user=users.pinglu_reviewer, workshop=other)
    assert Workshop.objects.get(pk=workshop.pk).village_id == geo.jia1.pk
    assert Workshop.objects.get(pk=other.pk).name != "改名"


def test_an_employee_is_linked_to_the_registry_member_by_the_service(geo, users, registry):
    employee = services.pv_employee_save(user=users.jia1_officer, employee=PVEmployee(
        station=PVStationFactory(village=geo.jia1), year=2023, name="某某", id_number=registry.poverty.id_number))
    assert employee.member == registry.poverty


ADMIN_SERVICES = [
    ("workshop", "workshop_save", lambda geo: WorkshopFactory(village=geo.jia1)),
    ("workshopemployee", "workshop_employee_save",
     lambda geo: services.WorkshopEmployee.objects.create(workshop=WorkshopFactory(village=geo.jia1), name="某某")),
    ("pvstation", "pv_station_save", lambda geo: PVStationFactory(village=geo.jia1)),
    ("assistanceproject", "project_save", lambda geo: AssistanceProjectFactory(county=geo.pinglu, village=geo.jia1)),
    ("consumptionsale", "sale_save", lambda geo: ConsumptionSaleFactory(county=geo.pinglu)),
]


@pytest.mark.parametrize(("model_name", "service", "make"), ADMIN_SERVICES)
def test_the_admin_form_saves_through_the_apps_service(geo, users, client_for, monkeypatch, model_name, service,
                                                       make):
    record = make(geo)
    calls = refusing_service(monkeypatch, services, service)
    client = client_for(users.pinglu_reviewer)
    url = reverse(f"admin:assistance_{model_name}_change", args=[record.pk])
    response = client.post(url, admin_form_data(client.get(url)), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["服务拒绝"]
    assert calls and calls[0]["user"] == users.pinglu_reviewer


def test_the_platform_admin_saves_through_its_service(geo, users, client_for, monkeypatch):
    platform = ConsumptionPlatformFactory()
    calls = refusing_service(monkeypatch, services, "platform_save")
    client = client_for(users.city_admin)
    url = reverse("admin:assistance_consumptionplatform_change", args=[platform.pk])
    response = client.post(url, admin_form_data(client.get(url)), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["服务拒绝"]
    assert calls


@pytest.mark.parametrize(("parent", "make", "inline_model", "service", "row"), [
    ("workshop", lambda geo: WorkshopFactory(village=geo.jia1), WorkshopEmployee, "workshop_employee_save",
     {"name": "新工人"}),
    ("pvstation", lambda geo: PVStationFactory(village=geo.jia1), PVIncome, "pv_income_save",
     {"year": "2023", "income": "1000", "posts": "1"}),
    ("pvstation", lambda geo: PVStationFactory(village=geo.jia1), PVEmployee, "pv_employee_save",
     {"year": "2023", "name": "新岗位"}),
])
def test_an_inline_row_is_saved_through_the_apps_service(geo, users, client_for, monkeypatch, parent, make,
                                                         inline_model, service, row):
    record = make(geo)
    calls = refusing_service(monkeypatch, services, service)
    client = client_for(users.pinglu_reviewer)
    url = reverse(f"admin:assistance_{parent}_change", args=[record.pk])
    page = client.get(url)
    prefix = inline_prefixes(page)[inline_model]
    data = admin_form_data(page)
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update({f"{prefix}-0-{name}": value for name, value in row.items()})
    response = client.post(url, data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["服务拒绝"]
    assert calls and calls[0]["user"] == users.pinglu_reviewer
    assert not inline_model.objects.exists()
