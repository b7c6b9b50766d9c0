"""Factories of the monitoring app's records (hand-built, tiny)."""

import datetime
import itertools
from decimal import Decimal

import factory

from monitoring.models import Household, IncomeRecord, Member, MonitoringRecord, Relation
from yuncheng.idcard import make_id_number

_sequence = itertools.count(1)


def id_number(county="140829", born=datetime.date(1980, 5, 17), male=True) -> str:
    return make_id_number(county, born, next(_sequence) * 2 % 1000, male)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    # A valid 户编号: the village's code + a sequence number (Household.clean's rule).
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.village.code if o.village else '000000000000'}{n % 9999 + 1:04d}")
    head_name = "张三"
    is_poverty_alleviated = True


class MemberFactory(factory.django.DjangoModelFactory):
    """A member whose household size is NOT refreshed (tests that need the size use the services)."""

    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    id_number = factory.LazyFunction(id_number)
    relation = Relation.SON
    sex = "男"
    birth_date = factory.LazyAttribute(lambda o: datetime.date(int(o.id_number[6:10]), int(o.id_number[10:12]),
                                                               int(o.id_number[12:14])))


class IncomeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeRecord

    household = factory.SubFactory(HouseholdFactory)
    year = 2023
    quarter = 3
    wage_income = Decimal("6000")
    persons = 1
    net_income = factory.LazyAttribute(lambda o: o.wage_income)
    per_capita_income = factory.LazyAttribute(lambda o: o.net_income / o.persons)


class MonitoringRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringRecord

    household = factory.SubFactory(HouseholdFactory)
    category = "marginal"
    channel = "cadre"
    identified_month = datetime.date(2023, 1, 1)
