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

