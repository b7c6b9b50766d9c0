"""Factories of the 问题整改 app's tests."""

import datetime

import factory

from rectification.models import Aspect, Category, Issue, IssueSource, IssueStatus, ResponsibleUnit


class AspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aspect
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"问题方面{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("aspect", "name")

    aspect = factory.SubFactory(AspectFactory)
    name = factory.Sequence(lambda n: f"问题类别{n}")


class ResponsibleUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibleUnit
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"责任单位{n}")

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create and extracted:
            self.users.add(*extracted)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    number = factory.Sequence(lambda n: f"YC-2023-{n + 1:04d}")
    source = IssueSource.CITY_SCREENING
    category = factory.SubFactory(CategoryFactory)
    aspect = factory.LazyAttribute(lambda o: o.category.aspect)
    county_id = "140829"
    village = None
    description = factory.Sequence(lambda n: f"第{n}条问题：监测对象帮扶措施未落实")
    found_date = datetime.date(2023, 3, 1)
    deadline = datetime.date(2023, 6, 30)
    status = IssueStatus.PENDING
