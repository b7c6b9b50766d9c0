"""A search by 身份证号 never leaves the number in a URL: the form posts it, the server keeps it in the
session and shows the list as ?_s=<token>; a number typed into a URL is moved there by a redirect."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.models import Member

pytestmark = pytest.mark.django_db


def _head_id(family):
    return Member.objects.get(household=family, name="王大山").id_number


def test_clerk_posts_an_id_search_and_lands_on_a_token_url_listing_the_household(client_for, users, family):
    client = client_for(users.jia_clerk)
    number = _head_id(family)
    response = client.post(reverse("monitoring:household_list"), {"q": number, "type": "all", "_personal_search": "1"})
    assert response.status_code == 303
    assert number not in response["Location"]
    assert response["Location"].startswith(reverse("monitoring:household_list") + "?_s=")
    page = client.get(response["Location"]).content.decode()
    assert "1408291002000001" in page


def test_id_typed_into_the_url_is_redirected_to_a_token(client_for, users, family):
    client = client_for(users.jia_clerk)
    number = _head_id(family)
    response = client.get(reverse("monitoring:household_list"), {"q": number, "type": "all"})
    assert response.status_code == 303
    assert number not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "1408291002000001" in page


def test_links_on_the_result_page_carry_the_token_not_the_number(client_for, users, family):
    client = client_for(users.jia_clerk)
    number = _head_id(family)
    location = client.get(reverse("monitoring:household_list"), {"q": number, "type": "all"})["Location"]
    page = client.get(location).content.decode()
    hrefs = [part.split('"')[0] for part in page.split('href="')[1:]]
    assert [href for href in hrefs if number in href] == []


def test_a_token_from_another_session_shows_the_plain_list(client_for, users, family):
    location = client_for(users.jia_clerk).get(reverse("monitoring:household_list"),
                                                {"q": _head_id(family), "type": "all"})["Location"]
    other = Client()
    other.force_login(users.yi_clerk)
    response = other.get(location)
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:household_list")


def test_admin_member_search_by_id_goes_through_a_token(client_for, users, family):
    client = client_for(users.jia_clerk)
    number = _head_id(family)
    response = client.get(reverse("admin:monitoring_member_changelist"), {"q": number})
    assert response.status_code == 303
    assert number not in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "王大山" in page.content.decode()
    hrefs = [part.split('"')[0] for part in page.content.decode().split('href="')[1:]]
    assert [href for href in hrefs if number in href] == []


def test_city_admin_seeing_full_ids_is_logged_and_a_village_officer_is_not(client_for, users, family, caplog):
    with caplog.at_level(logging.INFO, logger="yuncheng.audit.full_id"):
        client_for(users.jia1_officer).get(reverse("monitoring:household_detail", args=[family.code]))
        assert [r for r in caplog.records if r.name == "yuncheng.audit.full_id"] == []
        client_for(users.city_admin).get(reverse("monitoring:household_detail", args=[family.code]))
    lines = [r.getMessage() for r in caplog.records if r.name == "yuncheng.audit.full_id"]
    assert len(lines) == 2  # the two members' numbers
    assert all("user=city_admin" in line and _head_id(family) not in line for line in lines)


def test_a_cross_site_post_of_a_search_is_refused(users, family):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.jia_clerk)
    response = client.post(reverse("monitoring:household_list"), {"q": _head_id(family), "_personal_search": "1"})
    assert response.status_code == 403
