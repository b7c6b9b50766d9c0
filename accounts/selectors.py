"""Reads about users and logins."""

from django.conf import settings

from .roles import Role, role_of


def lockout_usernames_visible(user):
    """The usernames whose failed logins ``user`` may see and lift: those of accounts inside the user's
    area. None means every username — for the administrator of the platform's whole area only, who alone
    also sees attempts on usernames that are no account: such a name lies in no area, and showing it to a
    city's administrator would show them what someone tries against the other cities (unlocking it gains
    nothing anyway: there is no account to log into, and the cool-off lifts it)."""
    from django.contrib.auth import get_user_model

    from .scoping import area_filter, covers_platform

    if role_of(user) != Role.CITY_ADMIN:
        return get_user_model().objects.none().values("username")
    if covers_platform(user):
        return None
    return (get_user_model().objects.filter(**area_filter("profile__area_code", user.profile.area_code))
            .values("username"))


def lockouts_list(*, user):
    """Usernames with failed logins still counted against them (django-axes), the locked first: those
    ``user`` may unlock (:func:`lockout_usernames_visible`)."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.all()
    visible = lockout_usernames_visible(user)
    if visible is not None:
        attempts = attempts.filter(username__in=visible)
    return (
        attempts.order_by("-failures_since_start", "-attempt_time")
        .values("username", "ip_address", "failures_since_start", "attempt_time")
    )


def failure_limit() -> int:
    return settings.AXES_FAILURE_LIMIT
