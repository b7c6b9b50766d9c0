"""帮扶车间: how many a workshop employs, and of whom 脱贫劳动力 — counted from the registry, not typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assistance import selectors
from assistance.models import Workshop, WorkshopEmployee

from .factories import WorkshopEmployeeFactory, WorkshopFactory


def test_poverty_labour_counts_members_of_poverty_and_monitored_households_only(geo, registry, year_2023):
    workshop = WorkshopFactory(village=geo.jia1)
    for member in (registry.poverty, registry.monitored, registry.both, registry.ordinary):
        WorkshopEmployeeFactory(workshop=workshop, name=member.name, member=member)
    WorkshopEmployeeFactory(workshop=workshop, name="外村人")  # not in the registry at all

    totals = selectors.workshop_totals(workshops=Workshop.objects.all(), start=year_2023[0], end=year_2023[1])

    assert totals == {"workshops": 1, "jobs": 5, "poverty_jobs": 3}
    row = selectors.workshop_list(workshops=Workshop.objects.all()).get()
    assert (row.employee_count, row.poverty_employee_count) == (5, 3)


def test_household_becoming_monitored_changes_the_count_without_retyping(geo, registry, year_2023):
    workshop = WorkshopFactory(village=geo.jia1)
    WorkshopEmployeeFactory(workshop=workshop, member=registry.ordinary)
    count = lambda: selectors.workshop_totals(  # noqa: E731
        workshops=Workshop.objects.all(), start=year_2023[0], end=year_2023[1]
    )["poverty_jobs"]
    assert count() == 0

    registry.ordinary.household.is_monitored = True
    registry.ordinary.household.save()

    assert count() == 1


def test_only_workshops_running_in_the_period_count(geo, year_2023):
    WorkshopFactory(village=geo.jia1, name="运营中")
    WorkshopFactory(village=geo.jia1, name="2022年停产", is_operating=False,
                    operating_until=datetime.date(2022, 6, 30))
    WorkshopFactory(village=geo.jia1, name="2023年中停产", is_operating=False,
                    operating_until=datetime.date(2023, 6, 30))
    WorkshopFactory(village=geo.jia1, name="2024年投产", operating_since=datetime.date(2024, 2, 1))
    WorkshopFactory(village=geo.jia1, name="停产无日期", is_operating=False)

    operating = selectors.workshops_operating(workshops=Workshop.objects.all(), start=year_2023[0], end=year_2023[1])

    assert sorted(operating.values_list("name", flat=True)) == ["2023年中停产", "运营中"]


def test_employee_who_left_before_the_period_is_not_counted(geo, registry, year_2023):
    workshop = WorkshopFactory(village=geo.jia1)
    WorkshopEmployeeFactory(workshop=workshop, member=registry.poverty,
                            hired_on=datetime.date(2021, 1, 1), left_on=datetime.date(2022, 12, 31))
    WorkshopEmployeeFactory(workshop=workshop, member=registry.monitored, hired_on=datetime.date(2023, 5, 1))

    totals = selectors.workshop_totals(workshops=Workshop.objects.all(), start=year_2023[0], end=year_2023[1])

    assert (totals["jobs"], totals["poverty_jobs"]) == (1, 1)


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
