"""The platform as one product: the admin in the app's dress, a favicon, nothing wider than a phone."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_data_entry_leads_back_to_the_platform(users, client_for):
    html = client_for(users.jia_clerk).get(reverse("admin:monitoring_household_add")).content.decode()
    assert 'data-testid="admin-crumb-app" href="/"' in html or 'href="/" data-testid="admin-crumb-app"' in html
    assert "css/admin.css" in html
    assert "运城市巩固衔接工作平台" in html
    assert "查看站点" not in html


@pytest.mark.django_db
def test_browsers_asking_for_favicon_ico_get_the_platform_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response.url) == (302, "/static/favicon.svg")



@pytest.mark.django_db
def test_household_list_states_its_total(users, client_for, a_household):
    html = client_for(users.jia_clerk).get(reverse("monitoring:household_list"), {"type": "all"}).content.decode()
    assert 'data-testid="list-total">共 1 户<' in html


@pytest.mark.django_db
def test_township_clerk_opening_areas_gets_their_own_township(users, client_for):
    response = client_for(users.jia_clerk).get(reverse("villages:county_list"))
    assert (response.status_code, response.url) == (302, "/areas/township/140829100/")
    assert client_for(users.jia1_officer).get(reverse("villages:county_list")).url == "/areas/village/140829100200/"


@pytest.fixture
def a_household(users, geo):
    from monitoring import services

    return services.household_create(user=users.jia1_officer, code="1408291002000001", village=geo.jia1,
                                     head_name="王大山", is_poverty_alleviated=True)
