"""A user whose password is known to others (the demo accounts of seed_demo) changes it before any page
opens — unless the deployment allows demo accounts (DEBUG, or DEMO_ACCOUNTS_ALLOWED=1)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a user who must change the password can still reach: the change itself and leaving.
_OPEN_NAMES = ("accounts:password_change", "accounts:logout", "accounts:login")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DEMO_ACCOUNTS_ALLOWED and self._must_change(request):
            if request.path_info not in {reverse(name) for name in _OPEN_NAMES}:
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        profile = getattr(user, "profile", None)
        return bool(profile and profile.must_change_password)
