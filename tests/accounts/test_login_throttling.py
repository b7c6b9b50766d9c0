"""Login throttling (django-axes), the city administrator's unlock, Chinese password messages and
demo accounts that must change their public password in production."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import lockouts_list
from accounts.services import account_unlock, users_flag_demo

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


def _wrong_passwords(client, username, times):
    for _ in range(times):
        client.post(reverse(LOGIN), {"username": username, "password": "wrong"})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, users, settings):
    _wrong_passwords(client, "jia1_officer", settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse(LOGIN), {"username": "jia1_officer", "password": "pw"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_logs_in(client, users, settings):
    _wrong_passwords(client, "jia1_officer", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse(LOGIN), {"username": "jia1_officer", "password": "pw"})
    assert response.status_code == 302


def test_lockout_of_one_user_leaves_a_colleague_at_the_same_address_free(client, users, settings):
    _wrong_passwords(client, "jia1_officer", settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse(LOGIN), {"username": "jia2_officer", "password": "pw"})
    assert response.status_code == 302


def test_city_admin_unlocks_a_locked_user_who_then_logs_in(client, client_for, users, settings):
    _wrong_passwords(client, "jia1_officer", settings.AXES_FAILURE_LIMIT)
    admin = client_for(users.city_admin)
    page = admin.get(reverse("accounts:lockouts")).content.decode()
    assert "jia1_officer" in page and "已锁定" in page
    admin.post(reverse("accounts:lockouts"), {"username": "jia1_officer"})
    admin.logout()
    response = client.post(reverse(LOGIN), {"username": "jia1_officer", "password": "pw"})
    assert response.status_code == 302


def test_county_reviewer_cannot_open_the_unlock_page(client_for, users):
    assert client_for(users.pinglu_reviewer).get(reverse("accounts:lockouts")).status_code == 403


def test_password_validators_speak_chinese(users):
    with pytest.raises(ValidationError) as error:
        validate_password("123", user=users.jia1_officer)
    assert error.value.messages == ["密码太短，至少需要 8 个字符。", "这个密码太常见了。", "密码只包含数字。"]


def test_demo_account_must_change_its_password_before_any_page_in_production(client, users, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    users_flag_demo(usernames=["jia1_officer"])
    client.post(reverse(LOGIN), {"username": "jia1_officer", "password": "pw"})
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw", "new_password1": "Huang-He-1408!", "new_password2": "Huang-He-1408!"},
    )
    users.jia1_officer.profile.refresh_from_db()
    assert users.jia1_officer.profile.must_change_password is False
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_demo_account_opens_pages_directly_where_demo_accounts_are_allowed(client, users, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    users_flag_demo(usernames=["jia1_officer"])
    client.post(reverse(LOGIN), {"username": "jia1_officer", "password": "pw"})
    assert client.get(reverse("dashboard:home")).status_code == 200


@pytest.fixture
def province(settings, users, make_user):
    """A province (PLATFORM_AREA=140000): 运城's accounts, 太原's administrator and one 太原 account."""
    settings.PLATFORM_AREA = "140000"
    return SimpleNamespace(
        taiyuan_admin=make_user("taiyuan_admin", Role.CITY_ADMIN, "140100"),
        taiyuan_leader=make_user("taiyuan_leader", Role.LEADER, "140100"),
        province_admin=make_user("province_admin", Role.CITY_ADMIN, "140000"),
    )


def _listed(user):
    return {a["username"] for a in lockouts_list(user=user)}


def test_a_city_administrator_sees_and_unlocks_only_their_own_citys_accounts(client, client_for, users, province,
                                                                              settings):
    for username in ("jia1_officer", "taiyuan_leader", "no_such_account"):
        _wrong_passwords(client, username, settings.AXES_FAILURE_LIMIT)
    assert _listed(province.taiyuan_admin) == {"taiyuan_leader"}
    assert _listed(users.city_admin) == {"jia1_officer"}
    # The platform's administrator also sees the attempts on a username that is no account.
    assert _listed(province.province_admin) == {"jia1_officer", "taiyuan_leader", "no_such_account"}

    with pytest.raises(PermissionDenied):
        account_unlock(user=province.taiyuan_admin, username="jia1_officer")
    for username in ("no_such_account", "taiyuan_leader"):
        with pytest.raises(PermissionDenied):
            account_unlock(user=users.city_admin, username=username)
    assert client_for(province.taiyuan_admin).post(reverse("accounts:lockouts"),
                                                   {"username": "jia1_officer"}).status_code == 403
    assert _listed(province.province_admin) == {"jia1_officer", "taiyuan_leader", "no_such_account"}

    assert account_unlock(user=province.taiyuan_admin, username="taiyuan_leader") == 1
    assert account_unlock(user=province.province_admin, username="no_such_account") == 1
    assert _listed(province.province_admin) == {"jia1_officer"}


def test_only_a_city_administrator_unlocks(client, users, settings):
    _wrong_passwords(client, "jia1_officer", settings.AXES_FAILURE_LIMIT)
    with pytest.raises(PermissionDenied):
        account_unlock(user=users.pinglu_reviewer, username="jia1_officer")
    assert _listed(users.pinglu_reviewer) == set()
    assert _listed(users.city_admin) == {"jia1_officer"}
