"""Village collective economy (村集体经济): one record per village and year; the collective.* figures."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistance import selectors
from villages.models import Village, VillageCollectiveEconomy

from ..assistance.factories import CollectiveEconomyFactory


def test_share_of_villages_over_100k_and_300k_with_cooperatives_and_services(geo):
    CollectiveEconomyFactory(village=geo.jia1, income=Decimal("300000.00"), party_branch_cooperatives=2,
                             trusteeship_services=1)
    CollectiveEconomyFactory(village=geo.jia2, income=Decimal("299999.99"), party_branch_cooperatives=1)
    CollectiveEconomyFactory(village=geo.yi1, income=Decimal("99999.99"))
    CollectiveEconomyFactory(village=geo.bing1, income=Decimal("500000.00"), trusteeship_services=3)
    CollectiveEconomyFactory(village=geo.jia1, year=2022, income=Decimal("80000.00"), party_branch_cooperatives=1)

    totals = selectors.collective_economy_totals(
        records=VillageCollectiveEconomy.objects.all(), villages=Village.objects.all(), year=2023
    )

    assert totals == {
        "villages": 4, "reported": 4, "over_100k": 3, "over_300k": 2, "cooperatives": 3,
        "trusteeship_services": 4, "over_100k_pct": Decimal("75.00"), "over_300k_pct": Decimal("50.00"),
    }


def test_a_village_without_a_record_counts_against_the_share(geo):
    CollectiveEconomyFactory(village=geo.jia1, income=Decimal("120000"))

    totals = selectors.collective_economy_totals(
        records=VillageCollectiveEconomy.objects.filter(village__county=geo.pinglu),
        villages=Village.objects.filter(county=geo.pinglu), year=2023,
    )

    assert (totals["villages"], totals["over_100k"], totals["over_100k_pct"]) == (3, 1, Decimal("33.33"))


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
