"""Village collective economy (村集体经济): one record per village and year; the collective.* figures."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from villages.models import VillageCollectiveEconomy

from ..assistance.factories import CollectiveEconomyFactory


COLLECTIVE_FIGURES = ("collective.villages_over_100k_pct", "collective.villages_over_300k",
                      "collective.villages_over_300k_pct", "collective.cooperatives", "collective.trusteeship_services")


def test_share_of_villages_over_100k_and_300k_with_cooperatives_and_services(geo, figures):
    CollectiveEconomyFactory(village=geo.jia1, income=Decimal("300000.00"), party_branch_cooperatives=2,
                             trusteeship_services=1)
    CollectiveEconomyFactory(village=geo.jia2, income=Decimal("299999.99"), party_branch_cooperatives=1)
    CollectiveEconomyFactory(village=geo.yi1, income=Decimal("99999.99"))
    CollectiveEconomyFactory(village=geo.bing1, income=Decimal("500000.00"), trusteeship_services=3)
    CollectiveEconomyFactory(village=geo.jia1, year=2022, income=Decimal("80000.00"), party_branch_cooperatives=1)

    # four villages in the area, three of them at 10万 or more, two at 30万 or more
    assert list(figures(*COLLECTIVE_FIGURES).values()) == [Decimal("75.00"), 2, Decimal("50.00"), 3, 4]


def test_a_village_without_a_record_counts_against_the_share(geo, figures):
    CollectiveEconomyFactory(village=geo.jia1, income=Decimal("120000"))

    # one of 平陆县's three villages
    assert figures("collective.villages_over_100k_pct", area="140829") == {
        "collective.villages_over_100k_pct": Decimal("33.33")}


def test_a_village_has_one_record_a_year(geo):
    CollectiveEconomyFactory(village=geo.jia1, year=2023)
    duplicate = VillageCollectiveEconomy(village=geo.jia1, year=2023, income=Decimal("1"))

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "同一行政村同一年度只能有一条集体经济记录" in str(error.value)


def test_negative_income_is_refused(geo):
    record = VillageCollectiveEconomy(village=geo.jia1, year=2023, income=Decimal("-1"))

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert "集体经济收入不能为负数" in str(error.value)
