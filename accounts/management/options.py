"""What the management commands that act for a user (``--user``, ``--area``) share: whose rights they use
and which area they default to."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from villages.selectors import area_get

from ..roles import Role
from ..scoping import user_area_code


def command_account(username: str | None):
    """The named active account, or the first active city administrator."""
    users = get_user_model().objects.filter(is_active=True).select_related("profile")
    account = (users.filter(username=username).first() if username
               else users.filter(profile__role=Role.CITY_ADMIN).order_by("pk").first())
    if account is None:
        raise CommandError(f"用户不存在：{username}" if username else "没有市级管理员，请用 --user 指定")
    return account


def command_area(account, code: str | None):
    """The area ``code`` names, by default the account's own — never a fixed city: in a province the first
    city administrator may be 太原's."""
    code = code or user_area_code(account) or ""
    found = area_get(code=code)
    if found is None:
        raise CommandError(f"区域代码不存在：{code}")
    return found
