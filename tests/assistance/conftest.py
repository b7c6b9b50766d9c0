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
