"""Middleware of the accounts app.

``PasswordChangeRequiredMiddleware``: a user whose password is known to others (the demo accounts of
seed_demo) changes it before any page opens — unless the deployment allows demo accounts (DEBUG, or
DEMO_ACCOUNTS_ALLOWED=1).

``IntegrityErrorMiddleware``: a write refused by the database (a unique or check constraint, a row
deleted meanwhile) reaches the user as a Chinese message on the page they came from, never as a 500.
Services validate first, so this is the last net: two requests racing past a check (a double click),
or a rule only the database holds. The write ran in an atomic block and was rolled back."""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


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


logger = logging.getLogger(__name__)

INTEGRITY_MESSAGE = "保存失败：与已有记录重复或冲突（可能是重复提交），本次未保存，请刷新页面后核对"


class IntegrityErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError) or request.method != "POST":
            return None
        logger.warning("IntegrityError on %s (the message may name personal data: not logged)", request.path)
        messages.error(request, INTEGRITY_MESSAGE)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = request.path
        return HttpResponseRedirect(back)
