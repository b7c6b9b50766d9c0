"""seed_demo --province's copy (yuncheng.province): every 运城 row comes back once per city with the city's codes,
ids moved past 运城's, ID numbers moved to the city with a valid check digit. PostgreSQL only (COPY)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from monitoring.models import Household, Member
from resident_teams.models import WorkTeam
from villages.models import County, Village
from yuncheng.idcard import check_digit, make_id_number, validate_id_number
from yuncheng.province import ID_STEP, province_copy


@pytest.fixture
def postgresql(db):
    """PostgreSQL, with the copied tables' id sequences back at 1: a copy moves them past its ids, and a
    sequence is not rolled back with the test's transaction — the next test's rows would then have ids no
    copy takes for 运城's."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY: PostgreSQL only")
    from django.db import models

    from yuncheng.province import _history_models, _models

    tables = [model for model in _models() if not isinstance(model._meta.pk, models.CharField)]
    with connection.cursor() as cursor:
        for model in [*tables, *_history_models(_models())]:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)",
                           [model._meta.db_table, model._meta.pk.column])


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
    # Born before 2000 with 运城地区's 142732 (平陆): 太原's copy of 平陆, 140129 — the city's own code.
    assert numbers["王大山"] == "140129" + old.id_number[6:17] + check_digit("140129" + old.id_number[6:17])
    assert Household.objects.filter(code="1402291002000001", pk=household.pk + 2 * ID_STEP).exists()
    # A second run changes nothing; new rows get ids past the copies.
    assert province_copy(city_codes=["140100"], log=lambda message: None) == {}
    assert Household.objects.create(code="1408291002000002", village=geo.jia1, head_name="新户").pk > 2 * ID_STEP


def test_copied_id_numbers_carry_the_copys_county_and_are_real_where_the_city_has_that_county(
        postgresql, geo, settings):
    """临猗 (140821) is 142724 before 2000; 太原's copy of 临猗 is 140121, which is 清徐县 — a real code, valid
    in 1975 — so the copied number passes the full check (region at the birth date, check digit)."""
    settings.PLATFORM_AREA = "140000"
    household = Household.objects.create(code="1408291002000001", village=geo.jia1, head_name="李大河")
    born = datetime.date(1975, 3, 9)
    original = Member.objects.create(household=household, name="李大河", sex="男", birth_date=born, relation="head",
                                     id_number=make_id_number("140821", born, 21, True))
    assert original.id_number.startswith("142724")
    province_copy(city_codes=["140100"], log=lambda message: None)
    copy = Member.objects.get(pk=original.pk + ID_STEP)
    assert copy.id_number[:6] == "140121"
    assert validate_id_number(copy.id_number) == copy.id_number


def test_copies_have_their_originals_history(postgresql, geo, settings):
    settings.PLATFORM_AREA = "140000"
    household = Household.objects.create(code="1408291002000001", village=geo.jia1, head_name="王大山")
    household.head_name = "王大山（改）"
    household.save()
    born = datetime.date(2005, 3, 9)
    member = Member.objects.create(household=household, name="王小山", sex="男", birth_date=born, relation="head",
                                   id_number=make_id_number("140829", born, 13, True))
    originals = list(Household.history.filter(id=household.pk).order_by("history_id")
                     .values_list("history_type", "head_name", "village_id"))
    assert len(originals) == 2
    province_copy(city_codes=["140100"], log=lambda message: None)

    copied = list(Household.history.filter(id=household.pk + ID_STEP).order_by("history_id")
                  .values_list("history_type", "head_name", "village_id"))
    assert copied == [(kind, name, "140129" + village[6:]) for kind, name, village in originals]
    assert Household.history.filter(id=household.pk + ID_STEP, history_user__isnull=False).count() == 0
    copy = Member.objects.get(pk=member.pk + ID_STEP)
    assert list(Member.history.filter(id=copy.pk).values_list("id_number", "household_id")) == [
        (copy.id_number, household.pk + ID_STEP)]
    assert County.history.filter(code="140129", name="太原平陆县").exists()
    # Sequences are past the copies: the next history row of 运城 gets a fresh id.
    household.save()
    assert Household.history.order_by("-history_id").first().history_id > ID_STEP


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
