import pytest
from django.urls import reverse

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_user_without_role_cannot_log_in(client, no_role_user):
    response = client.post(reverse("accounts:login"), {"username": "norole", "password": "pw"})
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_user_without_role_cannot_enter_admin_even_as_staff(client, no_role_user):
    no_role_user.is_staff = True  # (a superuser without a role is the city administrator: test_navigation)
    no_role_user.save()
    client.force_login(no_role_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_user_without_role_gets_no_page(client, no_role_user, geo):
    client.force_login(no_role_user)
    assert client.get(reverse("villages:county_list")).status_code == 403


def test_county_reviewer_logs_in_and_lands_on_home(client, users):
    response = client.post(reverse("accounts:login"), {"username": "pinglu_reviewer", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")


def test_login_page_is_chinese(client, db):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in body and "用户名" in body and 'lang="zh-CN"' in body


def test_header_shows_name_role_and_area(client_for, users):
    body = client_for(users.jia_clerk).get(reverse("villages:village_list")).content.decode()
    assert "乡镇录入员" in body and "甲镇" in body


def test_role_groups_hold_declared_permissions(users):
    group = users.pinglu_reviewer.groups.get()
    assert group.name == Role.COUNTY_REVIEWER.label
    assert users.pinglu_reviewer.has_perm("villages.change_village")
    assert not users.pinglu_leader.has_perm("villages.change_village")
    assert users.pinglu_leader.has_perm("villages.view_village")


def test_role_and_area_must_match(make_user, geo):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_user("bad", Role.VILLAGE_OFFICER, "140829")
    with pytest.raises(ValidationError):
        make_user("bad2", Role.COUNTY_REVIEWER, "140899")
