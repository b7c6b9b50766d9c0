"""Factories shared by every app's tests (factory_boy). App-specific ones live in tests/<app>/factories.py."""

import factory

from villages.models import County, CountyCategory, RelocationSite, Township, Village


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1408{90 + n % 10:02d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    category = CountyCategory.OVERALL


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)

    county = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.county.code}{100 + n % 900:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("code",)

    township = factory.SubFactory(TownshipFactory)
    county = factory.LazyAttribute(lambda o: o.township.county)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.township.code}{200 + n % 800:03d}")
    name = factory.Sequence(lambda n: f"测试村{n}")


class RelocationSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelocationSite

    township = factory.SubFactory(TownshipFactory)
    county = factory.LazyAttribute(lambda o: o.township.county)
    name = factory.Sequence(lambda n: f"安置点{n}")
    households = 50
    persons = 160
