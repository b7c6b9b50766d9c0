"""A small rectification world on top of the shared ``geo`` / ``users`` fixtures.

平陆县 has a county unit (平陆县乡村振兴局, whose account is ``unit_user``) and the city a unit of its own
(市人社局, account ``rsj_user``); issues are made with ``IssueFactory``.
"""

from types import SimpleNamespace

import pytest

from accounts.roles import CITY_CODE, Role

from .factories import CategoryFactory, ResponsibleUnitFactory


@pytest.fixture
def rect(users, make_user):
    category = CategoryFactory(aspect__name="防止返贫动态监测", name="监测对象识别不精准")
    other_category = CategoryFactory(aspect__name="就业帮扶", name="就业帮扶政策落实不到位")
    rsj_user = make_user("rsj_user", Role.UNIT, CITY_CODE, unit_name="市人社局")
    return SimpleNamespace(
        category=category,
        aspect=category.aspect,
        other_category=other_category,
        pinglu_unit=ResponsibleUnitFactory(name="平陆县乡村振兴局", county_id="140829", users=[users.unit_user]),
        xia_unit=ResponsibleUnitFactory(name="夏县乡村振兴局", county_id="140828"),
        city_unit=ResponsibleUnitFactory(name="市人社局", users=[rsj_user]),
        rsj_user=rsj_user,
    )
