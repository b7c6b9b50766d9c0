"""Area pages: what each role sees, and a fixed number of queries."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_county_page_lists_its_townships_and_villages_with_counts(client_for, users):
    response = client_for(users.pinglu_reviewer).get(reverse("villages:county_detail", args=["140829"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "平陆县" in body and "甲镇" in body and "乙镇" in body and "甲一村" in body
    assert response.context["summary"].village_count == 3
    assert response.context["summary"].poverty_village_count == 1


@pytest.mark.parametrize(
    "username, url_name, code",
    [
        ("pinglu_reviewer", "villages:county_detail", "140828"),
        ("pinglu_leader", "villages:county_detail", "140828"),
        ("jia_clerk", "villages:township_detail", "140829101"),
        ("jia1_officer", "villages:village_detail", "140829100201"),
        ("xia_reviewer", "villages:village_detail", "140829100200"),
    ],
)
def test_detail_outside_scope_is_404(client_for, users, username, url_name, code):
    response = client_for(getattr(users, username)).get(reverse(url_name, args=[code]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "username, expected",
    [
        ("city_admin", {"甲一村", "甲二村", "乙一村", "丙一村"}),
        ("pinglu_leader", {"甲一村", "甲二村", "乙一村"}),
        ("jia_clerk", {"甲一村", "甲二村"}),
        ("jia1_officer", {"甲一村"}),
    ],
)
def test_village_list_shows_only_the_users_area(client_for, users, username, expected):
    response = client_for(getattr(users, username)).get(reverse("villages:village_list"))
    assert {v.name for v in response.context["table"].data} == expected


@pytest.mark.parametrize("username", ["team_user", "unit_user"])
def test_owner_roles_get_403_on_area_pages(client_for, users, username):
    assert client_for(getattr(users, username)).get(reverse("villages:county_list")).status_code == 403


def test_anonymous_is_sent_to_login(client, geo):
    response = client.get(reverse("villages:county_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_village_list_filters_by_poverty_flag(client_for, users):
    response = client_for(users.city_admin).get(reverse("villages:village_list"), {"is_poverty_village": "true"})
    assert {v.name for v in response.context["table"].data} == {"甲一村", "丙一村"}


def test_county_list_query_count_does_not_grow_with_counties(client_for, users, django_assert_num_queries):
    client = client_for(users.city_admin)
    client.get(reverse("villages:county_list"))  # warm the session
    # session, user with profile, user permissions, group permissions, count, the page of counties (annotated)
    with django_assert_num_queries(6):
        response = client.get(reverse("villages:county_list"))
    assert len(response.context["table"].rows) == 13


def test_county_page_query_count_is_fixed(client_for, users, django_assert_num_queries):
    client = client_for(users.pinglu_reviewer)
    client.get(reverse("villages:county_detail", args=["140829"]))
    # session, user with profile, user + group permissions (2), the county (scoped), its area name,
    # townships: count + page, villages: count + page, the county summary counts
    with django_assert_num_queries(11):
        response = client.get(reverse("villages:county_detail", args=["140829"]))
    assert response.status_code == 200
    assert [row.record.name for row in response.context["township_table"].rows] == ["甲镇", "乙镇"]


def test_county_page_lists_townships_in_code_order(client_for, users):
    response = client_for(users.city_admin).get(reverse("villages:county_detail", args=["140829"]))
    codes = [row.record.code for row in response.context["township_table"].paginated_rows]
    assert codes == sorted(codes) == ["140829100", "140829101"]
