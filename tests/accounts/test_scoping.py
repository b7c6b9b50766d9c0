"""What each role sees of the geography, by page and by the scoping function itself."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from accounts.scoping import area_prefix, code_in_area, scope, user_covers_area
from villages.models import County, RelocationSite, Township, Village

pytestmark = pytest.mark.django_db


def village_codes(user):
    return sorted(scope(Village.objects.all(), user).values_list("code", flat=True))


def test_area_prefix_of_city_county_township_village():
    assert area_prefix("140800") == "1408"
    assert area_prefix("140829") == "140829"
    assert area_prefix("140829100") == "140829100"
    assert code_in_area("140829100200", "140800")
    assert not code_in_area("140828100200", "140829")
    assert not code_in_area(None, "140800")


def test_city_admin_and_city_leader_see_every_village(users):
    assert len(village_codes(users.city_admin)) == 4
    assert len(village_codes(users.city_leader)) == 4


def test_county_reviewer_sees_only_own_county(users):
    assert village_codes(users.pinglu_reviewer) == ["140829100200", "140829100201", "140829101200"]
    assert village_codes(users.xia_reviewer) == ["140828100200"]


def test_township_clerk_cannot_see_other_township(users):
    assert village_codes(users.jia_clerk) == ["140829100200", "140829100201"]
    assert village_codes(users.yi_clerk) == ["140829101200"]


def test_village_officer_sees_only_own_village(users):
    assert village_codes(users.jia1_officer) == ["140829100200"]


def test_owner_roles_without_an_owner_rule_see_no_geography(users):
    assert village_codes(users.team_user) == []
    assert village_codes(users.unit_user) == []


def test_user_without_role_sees_nothing(no_role_user, geo):
    assert village_codes(no_role_user) == []


def test_leader_may_view_but_not_change(users):
    assert scope(Village.objects.all(), users.pinglu_leader).count() == 3
    assert scope(Village.objects.all(), users.pinglu_leader, "change").count() == 0


def test_county_reviewer_may_change_villages_of_own_county_only(users):
    changeable = scope(Village.objects.all(), users.pinglu_reviewer, "change")
    assert set(changeable.values_list("county_id", flat=True)) == {"140829"}


def test_covers_area_for_api_and_dashboards(users):
    assert user_covers_area(users.city_leader, None)
    assert user_covers_area(users.pinglu_leader, "140829100")
    assert not user_covers_area(users.pinglu_leader, None)
    assert not user_covers_area(users.pinglu_leader, "140828")
    assert not user_covers_area(users.unit_user, "140829")


def test_a_model_without_area_lookup_is_refused_loudly(users):
    class Unscoped(models.Model):
        class Meta:
            app_label = "villages"
            managed = False

    with pytest.raises(ImproperlyConfigured):
        scope(Unscoped.objects.all(), users.pinglu_reviewer)


@pytest.mark.parametrize(
    "model, expected",
    [(County, {"140829"}), (Township, {"140829100", "140829101"}), (RelocationSite, set())],
)
def test_every_geography_model_is_scoped_for_a_county_reviewer(users, model, expected):
    pks = {str(pk) for pk in scope(model.objects.all(), users.pinglu_reviewer).values_list("pk", flat=True)}
    assert pks == expected


@pytest.mark.parametrize(
    "code, inside, outside",
    [
        ("140800", ["140802100200", "140882999999"], ["140900100200", "140799999999"]),
        ("140829", ["140829", "140829100200", "140829999999"], ["140828999999", "140830", "14082"]),
        ("140829100", ["140829100200"], ["140829101200", "14082910"]),
    ],
)
def test_area_filter_range_holds_exactly_the_codes_with_the_prefix(code, inside, outside):
    from accounts.scoping import area_filter

    bounds = area_filter("code", code)
    low, high = bounds["code__gte"], bounds["code__lt"]
    assert all(low <= c < high for c in inside)
    assert not any(low <= c < high for c in outside)
