"""Factories for 帮扶资源 tests. Households and members are built here (not in monitoring's tests) so that
these tests depend on the registry's models only."""

import datetime
from decimal import Decimal

import factory

from assistance.models import (
    AssistanceProject,
    ConsumptionPlatform,
    ConsumptionSale,
    FundingSource,
    PVEmployee,
    PVIncome,
    PVStation,
    Workshop,
    WorkshopEmployee,
)
from monitoring.models import Household, Member
from villages.models import VillageCollectiveEconomy
from yuncheng.idcard import make_id_number


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"H{n:08d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    birth_date = factory.Sequence(lambda n: datetime.date(1970, 1, 1) + datetime.timedelta(days=n))
    sex = "男"
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number(o.household.village_id[:6], o.birth_date, n, True)
    )


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    name = factory.Sequence(lambda n: f"帮扶车间{n}")
    operator = "某某农业合作社"
    is_operating = True
    operating_since = datetime.date(2021, 3, 1)


class WorkshopEmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopEmployee

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"工人{n}")


class PVStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PVStation

    name = factory.Sequence(lambda n: f"光伏电站{n}")
    capacity_kw = Decimal("300.00")


class PVIncomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PVIncome

    year = 2023
    income = Decimal("18000.00")
    posts = 2


class PVEmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PVEmployee

    year = 2023
    name = factory.Sequence(lambda n: f"光伏岗{n}")


class AssistanceProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceProject

    name = factory.Sequence(lambda n: f"帮扶项目{n}")
    funding_source = FundingSource.LINKAGE
    amount = Decimal("500000.00")
    year = 2023


class ConsumptionPlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsumptionPlatform
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"消费帮扶平台{n}")


class ConsumptionSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsumptionSale

    platform = factory.SubFactory(ConsumptionPlatformFactory)
    year = 2023
    quarter = 1
    amount = Decimal("100000.00")
    beneficiaries = 10


class CollectiveEconomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillageCollectiveEconomy

    year = 2023
    income = Decimal("150000.00")
