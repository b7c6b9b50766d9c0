"""seed_demo --province's copy (yuncheng.province): every 运城 row comes back once per city with the city's codes,
ids moved past 运城's, ID numbers moved to the city with a valid check digit. PostgreSQL only (COPY)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from monitoring.models import Household, Member
from resident_teams.models import WorkTeam
from villages.models import County, Village
from yuncheng.idcard import check_digit, make_id_number
from yuncheng.province import ID_STEP, province_copy


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("COPY: PostgreSQL only")


def test_copy_gives_each_city_its_own_codes_ids_and_id_numbers(postgresql, geo, settings):
    settings.PLATFORM_AREA = "140000"
    household = Household.objects.create(code="1408291002000001", village=geo.jia1, head_name="王大山")
    born_1975, born_2005 = datetime.date(1975, 3, 9), datetime.date(2005, 3, 9)
    old = Member.objects.create(household=household, name="王大山", sex="男", birth_date=born_1975, relation="head",
                                id_number=make_id_number("140829", born_1975, 11, True))
    young = Member.objects.create(household=household, name="王小山", sex="男", birth_date=born_2005, relation="son",
                                  id_number=make_id_number("140829", born_2005, 13, True))
    assert old.id_number.startswith("1427") and young.id_number.startswith("140829")

    written = province_copy(city_codes=["140100", "140200"], log=lambda message: None)

    assert set(written) == {"140100", "140200"}
    assert County.objects.filter(code="140129", name="太原平陆县").exists()
    assert Village.objects.filter(code="140129100200", township_id="140129100", county_id="140129").exists()
    copy = Household.objects.get(code="1401291002000001")
    assert copy.village_id == "140129100200" and copy.pk == household.pk + ID_STEP
    numbers = dict(Member.objects.filter(household=copy).values_list("name", "id_number"))
    assert numbers["王小山"] == "140129" + young.id_number[6:17] + check_digit("140129" + young.id_number[6:17])
    assert numbers["王大山"][:4] == "1441" and numbers["王大山"][4:17] == old.id_number[4:17]
    assert numbers["王大山"][17] == check_digit(numbers["王大山"][:17])
    assert Household.objects.filter(code="1402291002000001", pk=household.pk + 2 * ID_STEP).exists()
    # A second run changes nothing; new rows get ids past the copies.
    assert province_copy(city_codes=["140100"], log=lambda message: None) == {}
    assert Household.objects.create(code="1408291002000002", village=geo.jia1, head_name="新户").pk > 2 * ID_STEP


def test_province_seed_refuses_a_one_city_platform(postgresql):
    with pytest.raises(CommandError, match="PLATFORM_AREA=140000"):
        call_command("seed_demo", "--province")


def test_workteam_codes_follow_the_city(postgresql, geo, settings):
    settings.PLATFORM_AREA = "140000"
    WorkTeam.objects.create(code="ZC140829001", name="甲一村工作队", station_kind="village", village=geo.jia1,
                            county=geo.pinglu, station_code=geo.jia1.code, dispatch_unit="市乡村振兴局",
                            dispatch_level="city", arrived_on=datetime.date(2023, 1, 1),
                            is_poverty_village_station=True)
    province_copy(city_codes=["140100"], log=lambda message: None)
    assert WorkTeam.objects.filter(code="ZC140129001", station_code="140129100200", county_id="140129").exists()
