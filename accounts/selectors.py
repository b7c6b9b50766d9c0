"""Reads about users and logins."""

from django.conf import settings


def lockouts_list():
    """Usernames with failed logins still counted against them (django-axes), the locked first."""
    from axes.models import AccessAttempt

    return (
        AccessAttempt.objects.order_by("-failures_since_start", "-attempt_time")
        .values("username", "ip_address", "failures_since_start", "attempt_time")
    )


def failure_limit() -> int:
    return settings.AXES_FAILURE_LIMIT
