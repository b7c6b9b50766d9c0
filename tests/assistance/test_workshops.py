"""帮扶车间: how many a workshop employs, and of whom 脱贫劳动力 — counted from the registry, not typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assistance import selectors
from assistance.models import Workshop, WorkshopEmployee
from dashboard.catalogue import metric_records

from .factories import WorkshopEmployeeFactory, WorkshopFactory


WORKSHOP_FIGURES = ("employment.workshops", "employment.workshop_jobs", "employment.workshop_poverty_jobs")


def test_poverty_labour_counts_members_of_poverty_and_monitored_households_only(geo, registry, figures):
    workshop = WorkshopFactory(village=geo.jia1)
    for member in (registry.poverty, registry.monitored, registry.both, registry.ordinary):
        WorkshopEmployeeFactory(workshop=workshop, name=member.name, member=member)
    WorkshopEmployeeFactory(workshop=workshop, name="外村人")  # not in the registry at all

    assert list(figures(*WORKSHOP_FIGURES).values()) == [1, 5, 3]
    row = selectors.workshop_list(workshops=Workshop.objects.all()).get()
    assert (row.employee_count, row.poverty_employee_count) == (5, 3)


def test_household_becoming_monitored_changes_the_count_without_retyping(geo, registry, figures):
    workshop = WorkshopFactory(village=geo.jia1)
    WorkshopEmployeeFactory(workshop=workshop, member=registry.ordinary)
    count = lambda: figures("employment.workshop_poverty_jobs")["employment.workshop_poverty_jobs"]  # noqa: E731
    assert count() == 0

    registry.ordinary.household.is_monitored = True
    registry.ordinary.household.save()

    assert count() == 1


def test_only_workshops_running_in_the_quarter_count(geo, users):
    WorkshopFactory(village=geo.jia1, name="运营中")
    WorkshopFactory(village=geo.jia1, name="2022年停产", is_operating=False,
                    operating_until=datetime.date(2022, 6, 30))
    WorkshopFactory(village=geo.jia1, name="2023年中停产", is_operating=False,
                    operating_until=datetime.date(2023, 6, 30))
    WorkshopFactory(village=geo.jia1, name="2024年投产", operating_since=datetime.date(2024, 2, 1))
    WorkshopFactory(village=geo.jia1, name="停产无日期", is_operating=False)

    operating = metric_records(user=users.city_leader, key="employment.workshops", area=None, year=2023, quarter=2)

    assert sorted(operating.values_list("name", flat=True)) == ["2023年中停产", "运营中"]


def test_employee_who_left_before_the_quarter_is_not_counted(geo, registry, figures):
    workshop = WorkshopFactory(village=geo.jia1)
    WorkshopEmployeeFactory(workshop=workshop, member=registry.poverty,
                            hired_on=datetime.date(2021, 1, 1), left_on=datetime.date(2022, 12, 31))
    WorkshopEmployeeFactory(workshop=workshop, member=registry.monitored, hired_on=datetime.date(2023, 5, 1))

    assert list(figures(*WORKSHOP_FIGURES[1:], quarter=2).values()) == [1, 1]


def test_same_member_cannot_be_registered_twice_in_one_workshop(geo, registry):
    workshop = WorkshopFactory(village=geo.jia1)
    WorkshopEmployeeFactory(workshop=workshop, member=registry.poverty)
    duplicate = WorkshopEmployee(workshop=workshop, name="重复", member=registry.poverty)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "该成员已在本车间登记" in str(error.value)


def test_a_bad_id_number_of_an_employee_is_refused_in_chinese(geo):
    employee = WorkshopEmployee(workshop=WorkshopFactory(village=geo.jia1), name="张三", id_number="14082919900101123")

    with pytest.raises(ValidationError) as error:
        employee.full_clean()

    assert "身份证号须为 18 位" in str(error.value)


def test_workshop_cannot_stop_before_it_started(geo):
    workshop = WorkshopFactory.build(village=geo.jia1, operating_since=datetime.date(2023, 5, 1),
                                     operating_until=datetime.date(2023, 4, 1))

    with pytest.raises(ValidationError) as error:
        workshop.full_clean()

    assert "停产日期不能早于投产日期" in str(error.value)
