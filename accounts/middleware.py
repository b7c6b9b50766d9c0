"""A write refused by the database (a unique or check constraint, a row deleted meanwhile) reaches the
user as a Chinese message on the page they came from, never as a 500.

Services validate first, so this is the last net: two requests racing past a check (a double click),
or a rule only the database holds. The transaction of the request was rolled back by the atomic block
the write ran in; nothing was saved."""

import logging

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

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
        logger.warning("IntegrityError on %s: %s", request.path, exception)
        messages.error(request, INTEGRITY_MESSAGE)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = request.path
        return HttpResponseRedirect(back)
