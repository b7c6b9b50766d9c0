"""The menu offers exactly the pages a role may open, decided by each page's own rule."""

import re

import pytest

from accounts.roles import Role

ROLE_USERS = ["city_admin", "city_leader", "pinglu_leader", "pinglu_reviewer", "jia_clerk", "jia1_officer",
              "team_user", "unit_user"]


def menu_of(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    menu = html.split('data-testid="main-menu"', 1)[1].split("</ul>", 1)[0]
    return [(label, href) for href, label in re.findall(r'href="([^"]+)">([^<]+)</a>', menu)]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLE_USERS)
def test_every_menu_entry_of_every_role_opens(users, client_for, username):
    client = client_for(getattr(users, username))
    home = client.get("/", follow=True)
    assert home.status_code == 200
    menu = menu_of(home)
    assert menu, "the role has a menu"
    answers = {label: client.get(href, follow=True).status_code for label, href in menu}
    assert answers == {label: 200 for label, _ in menu}


@pytest.mark.django_db
def test_village_officer_is_not_offered_rectification(users, client_for):
    labels = [label for label, _ in menu_of(client_for(users.jia1_officer).get("/"))]
    assert labels == ["首页", "监测对象", "收入就业", "驻村帮扶", "帮扶资源", "筛查预警", "报表", "省级报送", "区划", "数据录入"]


@pytest.mark.django_db
def test_team_member_sees_only_their_records_and_data_entry(users, client_for):
    response = client_for(users.team_user).get("/", follow=True)
    assert [label for label, _ in menu_of(response)] == ["驻村帮扶", "数据录入"]


@pytest.mark.django_db
def test_responsible_unit_sees_only_the_rectification_ledger_and_data_entry(users, client_for):
    response = client_for(users.unit_user).get("/", follow=True)
    assert [label for label, _ in menu_of(response)] == ["问题整改", "数据录入"]


@pytest.mark.django_db
def test_leader_has_no_data_entry(users, client_for):
    labels = [label for label, _ in menu_of(client_for(users.city_leader).get("/"))]
    assert "数据录入" not in labels and "问题整改" in labels


@pytest.mark.django_db
def test_superuser_without_profile_works_as_city_administrator(geo, django_user_model, client):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    home = client.get("/")
    assert home.status_code == 200
    assert "市级管理员 · 运城市" in home.content.decode()
    assert client.get("/api/metrics/").status_code == 200
    assert not hasattr(django_user_model.objects.get(pk=admin.pk), "profile")  # nothing written for them
    assert Role.CITY_ADMIN.label == "市级管理员"


@pytest.mark.django_db
def test_superuser_made_by_createsuperuser_signs_in_through_the_login_form(geo, django_user_model, client):
    django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    response = client.post("/accounts/login/", {"username": "root", "password": "pw"})
    assert (response.status_code, response.url) == (302, "/")
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_city_administrator_is_offered_the_lockouts_and_the_audit(users, client_for):
    labels = [label for label, _ in menu_of(client_for(users.city_admin).get("/"))]
    assert labels[-3:] == ["账号锁定", "操作审计", "数据录入"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u in ROLE_USERS if u != "city_admin"])
def test_no_other_role_is_offered_the_lockouts_or_the_audit(users, client_for, username):
    labels = [label for label, _ in menu_of(client_for(getattr(users, username)).get("/", follow=True))]
    assert "账号锁定" not in labels and "操作审计" not in labels
    client = client_for(getattr(users, username))
    assert (client.get("/accounts/lockouts/").status_code, client.get("/reports/audit/").status_code) == (403, 403)


@pytest.mark.django_db
def test_the_audit_page_lights_its_own_entry_only(users, client_for):
    html = client_for(users.city_admin).get("/reports/audit/").content.decode()
    menu = html.split('data-testid="main-menu"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'class="nav-link active"[^>]*href="[^"]+">([^<]+)</a>', menu) == ["操作审计"]


@pytest.mark.django_db
def test_a_page_with_a_table_builds_its_menu_once(users, client_for, monkeypatch):
    """{% render_table %} renders the table's template with the context processors again: the menu (each of
    its pages asked who may open it) is built once a request all the same."""
    from yuncheng import navigation

    built = []
    original = navigation.menu_for
    monkeypatch.setattr(navigation, "menu_for", lambda *args, **kwargs: built.append(1) or original(*args, **kwargs))
    response = client_for(users.pinglu_reviewer).get("/monitoring/")
    assert response.status_code == 200 and 'data-testid="household-table"' in response.content.decode()
    assert len(built) == 1
    assert menu_of(response)
