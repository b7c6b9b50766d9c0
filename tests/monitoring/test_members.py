"""Members: ID numbers validated and unique across the city; sex, birth date, household size and per-capita
income derived, never typed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monitoring import services
from monitoring.models import Household
from yuncheng.idcard import make_id_number

pytestmark = pytest.mark.django_db

GOOD = make_id_number("140829", datetime.date(1990, 2, 14), 123, male=True)


def test_a_valid_id_gives_the_members_sex_and_birth_date(users, family):
    member = services.member_add(user=users.jia1_officer, household=family, name="王小山", id_number=GOOD)
    assert member.birth_date == datetime.date(1990, 2, 14)
    assert member.sex == "男"


def test_a_lower_case_x_is_stored_normalised(users, family):
    number = next(make_id_number("140829", datetime.date(1990, 2, n), 5, male=True) for n in range(1, 29)
                  if make_id_number("140829", datetime.date(1990, 2, n), 5, male=True).endswith("X"))
    member = services.member_add(user=users.jia1_officer, household=family, name="王小山",
                                 id_number=" " + number.lower())
    assert member.id_number == number


def test_an_id_with_a_wrong_check_digit_is_refused(users, family):
    wrong = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.member_add(user=users.jia1_officer, household=family, name="王小山", id_number=wrong)
    assert "校验位" in str(error.value)


def test_an_id_with_an_impossible_birth_date_is_refused(users, family):
    first17 = "14082919900230123"  # 30 February
    from yuncheng.idcard import check_digit

    with pytest.raises(ValidationError) as error:
        services.member_add(user=users.jia1_officer, household=family, name="王小山",
                            id_number=first17 + check_digit(first17))
    assert "出生日期" in str(error.value)


def test_the_same_person_cannot_be_entered_in_a_second_household(users, geo, family):
    existing = family.members.first().id_number
    other = services.household_create(user=users.jia_clerk, code="1408291002010001", village=geo.jia2,
                                      head_name="赵四")
    with pytest.raises(ValidationError) as error:
        services.member_add(user=users.jia_clerk, household=other, name="赵四", id_number=existing)
    assert "已登记在其他户" in str(error.value)


def test_household_size_is_the_number_of_members(users, family):
    assert family.size == 2
    member = services.member_add(user=users.jia1_officer, household=family, name="王小山", id_number=GOOD)
    assert Household.objects.get(pk=family.pk).size == 3
    services.member_remove(user=users.jia1_officer, member=member)
    assert Household.objects.get(pk=family.pk).size == 2


def test_per_capita_income_is_net_income_over_household_size(users, family):
    income = family.incomes.get(year=2023, quarter=3)
    assert income.net_income == Decimal("12000.00")  # 9000 + 3000 + 0 + 1000 − 1000
    assert income.per_capita_income == Decimal("6000.00")
    services.member_add(user=users.jia1_officer, household=family, name="王小山", id_number=GOOD)
    income.refresh_from_db()
    assert (income.persons, income.per_capita_income) == (3, Decimal("4000.00"))


def test_a_second_income_record_of_the_same_quarter_replaces_the_first(users, family):
    services.income_record_save(user=users.jia1_officer, household=family, year=2023, quarter=3,
                                wage_income=Decimal("4000"))
    assert family.incomes.count() == 1
    assert family.incomes.get().per_capita_income == Decimal("2000.00")


def test_a_negative_income_is_refused(users, family):
    with pytest.raises(ValidationError):
        services.income_record_save(user=users.jia1_officer, household=family, year=2023, quarter=2,
                                    wage_income=Decimal("-1"))


def test_the_head_names_the_household(users, family):
    head = family.members.get(relation="head")
    services.member_update(user=users.jia1_officer, member=head, name="王大川")
    assert Household.objects.get(pk=family.pk).head_name == "王大川"
