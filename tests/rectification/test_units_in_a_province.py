"""Responsible units in a province (PLATFORM_AREA=140000): each city's departments and counties' units are
that city's — seen by everybody, referable and handed issues only within their city, changed only by their
city's administrator."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from accounts.scoping import CHANGE, DELETE, VIEW, instance_in_scope, referable, scope
from rectification import services
from rectification.forms import AssignForm
from rectification.models import IssueStatus, ResponsibleUnit

from .factories import ResponsibleUnitFactory
from .test_workflow import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings, rect, make_user):
    settings.PLATFORM_AREA = "140000"
    return SimpleNamespace(
        taiyuan_admin=make_user("taiyuan_admin", Role.CITY_ADMIN, "140100"),
        taiyuan_unit=ResponsibleUnitFactory(name="太原市人社局", area_code="140100"),
    )


def test_a_city_administrator_changes_only_their_own_citys_units(province, rect, users):
    units = ResponsibleUnit.objects.all()
    assert set(scope(units, province.taiyuan_admin, CHANGE)) == {province.taiyuan_unit}
    assert set(scope(units, province.taiyuan_admin, DELETE)) == {province.taiyuan_unit}
    assert not instance_in_scope(province.taiyuan_admin, rect.city_unit, CHANGE)
    assert instance_in_scope(province.taiyuan_admin, province.taiyuan_unit, CHANGE)
    # Moving a unit into another city is a change there: refused.
    province.taiyuan_unit.area_code = "140800"
    assert not instance_in_scope(province.taiyuan_admin, province.taiyuan_unit, CHANGE)
    # Everybody still sees every unit (reference data); 运城's administrator changes 运城's.
    assert set(scope(units, province.taiyuan_admin, VIEW)) == set(units)
    assert rect.city_unit in scope(units, users.city_admin, CHANGE)
    assert province.taiyuan_unit not in scope(units, users.city_admin, CHANGE)


def test_the_admin_refuses_another_citys_unit(province, rect, client_for):
    client = client_for(province.taiyuan_admin)
    url = f"/admin/rectification/responsibleunit/{rect.city_unit.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # shown, not editable
    client.post(url, {"name": "改名", "area_code": "140800"})
    rect.city_unit.refresh_from_db()
    assert rect.city_unit.name == "市人社局"
    assert client.post(f"/admin/rectification/responsibleunit/{rect.city_unit.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert ResponsibleUnit.objects.filter(pk=rect.city_unit.pk).exists()


def test_a_county_refers_to_its_own_units_and_its_citys_departments_only(province, rect, users):
    assert set(referable(ResponsibleUnit.objects.all(), users.pinglu_reviewer)) == {rect.pinglu_unit, rect.city_unit}


def test_an_issue_is_handed_to_a_department_of_its_own_city_only(province, rect, users):
    issue = make_issue(rect, IssueStatus.PENDING, unit=None)
    assert set(AssignForm(issue=issue).fields["unit"].queryset) == {rect.pinglu_unit, rect.city_unit}
    with pytest.raises(ValidationError, match="本市市直单位"):
        services.issue_assign(issue=issue, user=users.pinglu_reviewer, unit=province.taiyuan_unit)
    issue.refresh_from_db()
    assert issue.responsible_unit is None
    services.issue_assign(issue=issue, user=users.pinglu_reviewer, unit=rect.city_unit)
    issue.refresh_from_db()
    assert issue.responsible_unit == rect.city_unit
