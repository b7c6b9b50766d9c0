"""Writes on users: creating a user with a role, changing a role or area."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from villages.selectors import area_get

from .models import Profile
from .roles import ROLE_AREA_LENGTHS, STAFF_ROLES, Role, role_of


def _check_area(role: str, area_code: str) -> str:
    lengths = ROLE_AREA_LENGTHS[Role(role)]
    if len(area_code) not in lengths:
        raise ValidationError({"area_code": f"{Role(role).label}的管辖区域须为 {'/'.join(map(str, sorted(lengths)))} 位代码"})
    if role in (Role.COUNTY_REVIEWER,) and area_code.endswith("00"):
        raise ValidationError({"area_code": "县级审核员的管辖区域须为一个区县"})
    area = area_get(code=area_code)
    if area is None:
        raise ValidationError({"area_code": f"区域代码 {area_code} 不存在"})
    return area.name


@transaction.atomic
def user_set_role(*, user, role: str, area_code: str, unit_name: str = "", phone: str = "") -> Profile:
    """Give ``user`` a role over an area; the role's group and staff status follow."""
    area_name = _check_area(role, area_code)
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={"role": role, "area_code": area_code, "area_name": area_name, "unit_name": unit_name, "phone": phone},
    )
    profile.full_clean()
    group, _ = Group.objects.get_or_create(name=Role(role).label)
    user.groups.set([group])
    user.is_staff = role in STAFF_ROLES
    user.save(update_fields=["is_staff"])
    return profile


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, area_code: str, full_name: str = "", unit_name: str = "", phone: str = ""
):
    """Create (or, for the demo seed, update) a user with a role over an area."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.set_password(password)
    user.is_active = True
    user.save()
    user_set_role(user=user, role=role, area_code=area_code, unit_name=unit_name, phone=phone)
    return user


def users_flag_demo(*, usernames: list[str]) -> int:
    """Mark accounts whose password is public (the demo logins) so that a production start makes
    them choose their own at first login."""
    return Profile.objects.filter(user__username__in=usernames).update(must_change_password=True)


@transaction.atomic
def user_password_change(*, user, password: str) -> None:
    """A user's own new password (already validated by the form); clears the demo flag."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Profile.objects.filter(user=user).update(must_change_password=False)


def account_unlock(*, user, username: str) -> int:
    """Lift a login lockout before its cool-off ends (the city administrator's 解锁, for the accounts of
    their own area: :func:`~accounts.selectors.lockout_usernames_visible`); the failed attempts are
    forgotten, the access log keeps them."""
    from axes.utils import reset

    from .selectors import lockout_usernames_visible

    if role_of(user) != Role.CITY_ADMIN:
        raise PermissionDenied("只有市级管理员可以解锁账号")
    visible = lockout_usernames_visible(user)
    if visible is not None and not visible.filter(username=username).exists():
        raise PermissionDenied(f"账号 {username} 不在您的管辖范围内")
    return reset(username=username)
