"""Fixtures every app's tests share: a small geography and named users of every role.

Geography (real county codes, generated below them):

    平陆县 140829 ─ 140829100 甲镇 ─ 140829100200 甲一村, 140829100201 甲二村
                 └ 140829101 乙镇 ─ 140829101200 乙一村
    夏县   140828 ─ 140828100 丙镇 ─ 140828100200 丙一村

Users (password ``pw``): ``city_admin``, ``city_leader``, ``pinglu_leader``, ``pinglu_reviewer``,
``xia_reviewer`` (夏县), ``jia_clerk`` (甲镇), ``yi_clerk`` (乙镇), ``jia1_officer`` (甲一村),
``jia2_officer`` (甲二村), ``team_user`` (驻村队员), ``unit_user`` (责任单位).
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import make_password

from accounts.roles import CITY_CODE, Role
from accounts.services import user_create
from villages.models import County
from villages.services import counties_load

from .factories import TownshipFactory, VillageFactory

PASSWORD = "pw"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def geo(db):
    counties_load()
    pinglu, xia = County.objects.get(code="140829"), County.objects.get(code="140828")
    jia = TownshipFactory(code="140829100", county=pinglu, name="甲镇")
    yi = TownshipFactory(code="140829101", county=pinglu, name="乙镇")
    bing = TownshipFactory(code="140828100", county=xia, name="丙镇")
    return SimpleNamespace(
        pinglu=pinglu,
        xia=xia,
        jia=jia,
        yi=yi,
        bing=bing,
        jia1=VillageFactory(code="140829100200", township=jia, name="甲一村", is_poverty_village=True),
        jia2=VillageFactory(code="140829100201", township=jia, name="甲二村"),
        yi1=VillageFactory(code="140829101200", township=yi, name="乙一村"),
        bing1=VillageFactory(code="140828100200", township=bing, name="丙一村", is_poverty_village=True),
    )


@pytest.fixture
def make_user(db):
    def make(username: str, role: str, area_code: str, **extra):
        return user_create(username=username, password=PASSWORD, role=role, area_code=area_code, **extra)

    return make


@pytest.fixture
def users(geo, make_user):
    return SimpleNamespace(
        city_admin=make_user("city_admin", Role.CITY_ADMIN, CITY_CODE),
        city_leader=make_user("city_leader", Role.LEADER, CITY_CODE),
        pinglu_leader=make_user("pinglu_leader", Role.LEADER, "140829"),
        pinglu_reviewer=make_user("pinglu_reviewer", Role.COUNTY_REVIEWER, "140829"),
        xia_reviewer=make_user("xia_reviewer", Role.COUNTY_REVIEWER, "140828"),
        jia_clerk=make_user("jia_clerk", Role.TOWNSHIP_CLERK, "140829100"),
        yi_clerk=make_user("yi_clerk", Role.TOWNSHIP_CLERK, "140829101"),
        jia1_officer=make_user("jia1_officer", Role.VILLAGE_OFFICER, "140829100200"),
        jia2_officer=make_user("jia2_officer", Role.VILLAGE_OFFICER, "140829100201"),
        team_user=make_user("team_user", Role.TEAM_MEMBER, "140829100200"),
        unit_user=make_user("unit_user", Role.UNIT, CITY_CODE, unit_name="市人社局"),
    )


@pytest.fixture
def no_role_user(django_user_model):
    return django_user_model.objects.create(username="norole", password=make_password(PASSWORD))


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def figures(make_user):
    """``figures(*keys, year=2023, quarter=4, area=None)`` → the catalogue's figures (``metric_values``) of the
    area (None: the city), read as a city leader — the one path every page, chart and report reads them by."""
    from dashboard.catalogue import metric_values
    from villages.selectors import area_get

    leader = make_user("figures_leader", Role.LEADER, CITY_CODE)

    def read(*keys, year=2023, quarter=4, area=None):
        return metric_values(user=leader, area=area_get(code=area), year=year, quarter=quarter, keys=keys)

    return read


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests (the browser's, the figures' cache's) run on a database that is flushed after
    each such test, which also wipes the reference data the migrations load (risk types, thresholds, the
    problem tree): load it again, the way those migrations do (idempotently)."""
    from importlib import import_module

    from django.apps import apps

    from rectification.reference import tree_load

    import_module("monitoring.migrations.0002_reference_data").load(apps, None)
    tree_load(apps.get_model("rectification", "Aspect"), apps.get_model("rectification", "Category"))
