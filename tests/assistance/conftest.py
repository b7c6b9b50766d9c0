import datetime
from types import SimpleNamespace

import pytest

from .factories import HouseholdFactory, MemberFactory


@pytest.fixture
def registry(geo):
    """Members of 甲一村: one of a 脱贫户, one of a 监测户, one of a household both, one of a 一般农户;
    and one of a 脱贫户 in 丙一村 (夏县)."""
    poverty = HouseholdFactory(village=geo.jia1, is_poverty_alleviated=True)
    monitored = HouseholdFactory(village=geo.jia1, is_monitored=True)
    both = HouseholdFactory(village=geo.jia1, is_poverty_alleviated=True, is_monitored=True)
    ordinary = HouseholdFactory(village=geo.jia1)
    xia_poverty = HouseholdFactory(village=geo.bing1, is_poverty_alleviated=True)
    return SimpleNamespace(
        poverty=MemberFactory(household=poverty),
        monitored=MemberFactory(household=monitored),
        both=MemberFactory(household=both),
        ordinary=MemberFactory(household=ordinary),
        xia_poverty=MemberFactory(household=xia_poverty),
    )


@pytest.fixture
def year_2023():
    return datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


@pytest.fixture
def resources(geo, registry):
    """One record of every kind in 甲一村 (甲镇), 乙一村 (乙镇) and 丙一村 (夏县), named after its place;
    projects of 平陆县 and 夏县 at county level; a consumption platform with sales in both counties."""
    from decimal import Decimal

    from .factories import (
        AssistanceProjectFactory,
        CollectiveEconomyFactory,
        ConsumptionPlatformFactory,
        ConsumptionSaleFactory,
        PVEmployeeFactory,
        PVIncomeFactory,
        PVStationFactory,
        WorkshopEmployeeFactory,
        WorkshopFactory,
    )

    for village in (geo.jia1, geo.yi1, geo.bing1):
        label = village.name
        workshop = WorkshopFactory(village=village, name=f"{label}车间")
        WorkshopEmployeeFactory(workshop=workshop, name=f"{label}工人")
        station = PVStationFactory(village=village, name=f"{label}电站")
        PVIncomeFactory(station=station, year=2023, income=Decimal("10000"), posts=1)
        PVEmployeeFactory(station=station, year=2023, name=f"{label}光伏岗")
        AssistanceProjectFactory(county=village.county, village=village, name=f"{label}项目")
        CollectiveEconomyFactory(village=village, note=f"{label}集体经济")
    AssistanceProjectFactory(county=geo.pinglu, name="平陆县项目")
    AssistanceProjectFactory(county=geo.xia, name="夏县项目")
    platform = ConsumptionPlatformFactory(name="运城消费帮扶馆")
    ConsumptionSaleFactory(platform=platform, county=geo.pinglu, amount=Decimal("1000"))
    ConsumptionSaleFactory(platform=platform, county=geo.xia, amount=Decimal("2000"))
    return geo
