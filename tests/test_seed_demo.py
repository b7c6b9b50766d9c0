"""seed_demo builds the city's geography and demo users: deterministic and idempotent."""

import pytest
from django.core.management import call_command

from accounts.models import Profile
from villages.models import County, CountyCategory, RelocationSite, Township, Village
from villages.selectors import geography_counts

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", "--scale", "0.01", "--only", "villages", "accounts", stdout=open("/dev/null", "w"))


def test_seed_builds_the_city_of_the_report():
    seed()
    assert geography_counts() == {
        "counties": 13,
        "townships": Township.objects.count(),
        "villages": 2172,
        "poverty_villages": 370,
        "demo_villages": 16,
        "relocation_sites": 101,
    }
    categories = list(County.objects.values_list("category", flat=True))
    assert categories.count(CountyCategory.KEY_ASSISTANCE) == 3
    assert categories.count(CountyCategory.OVERALL) == 8
    assert categories.count(CountyCategory.DEMONSTRATION) == 2
    assert set(County.objects.filter(category=CountyCategory.KEY_ASSISTANCE).values_list("name", flat=True)) == {
        "平陆县", "垣曲县", "绛县"
    }


def test_every_generated_code_is_valid_and_nested():
    seed()
    for village in Village.objects.select_related("township"):
        assert len(village.code) == 12 and village.code.isdigit()
        assert village.code.startswith(village.township_id) and village.township_id.startswith(village.county_id)
    for site in RelocationSite.objects.all():
        assert site.township_id.startswith(site.county_id)


def test_seed_is_idempotent_and_deterministic():
    seed()
    first = list(Village.objects.order_by("code").values_list("code", "name", "is_poverty_village"))
    seed()
    assert list(Village.objects.order_by("code").values_list("code", "name", "is_poverty_village")) == first
    assert Village.objects.count() == 2172


def test_seed_creates_one_demo_user_per_foundation_role():
    seed()
    roles = dict(Profile.objects.values_list("user__username", "role"))
    assert roles["city_admin"] == "city_admin"
    assert roles["city_leader"] == "leader"
    assert roles["pinglu_reviewer"] == "county_reviewer"
    assert roles["pinglu_clerk"] == "township_clerk"
    assert roles["pinglu_officer"] == "village_officer"
    assert Profile.objects.get(user__username="pinglu_reviewer").area_name == "平陆县"
