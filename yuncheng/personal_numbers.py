"""Personal numbers (18-digit 居民身份证号, 11-digit mobile numbers) kept out of URLs and log lines.

Two guards:
1. ``PersonalNumberQueryMiddleware``: a search by personal number travels by POST (the page's
   ``static/js/personal-search.js`` switches a search form to POST when a number is typed) or — when it
   arrives as a GET anyway (a bookmark, the admin's search box without script) — is answered by a redirect.
   Either way the parameters are kept in the session under a random token and the page is shown as
   ``?_s=<token>``; links the page renders (pagination, sorting) carry the token, not the number.
2. ``MaskPersonalNumbersFilter``: every log record's message — Django's, gunicorn's access log — has
   such numbers masked before any handler writes it.
"""

import logging
import re
import secrets

from django.http import HttpResponseRedirect, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import urlencode

# Digits not preceded or followed by a digit, so a 20-digit 户编号 or a timestamp is not taken for one.
ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")

TOKEN_PARAM = "_s"
SESSION_KEY = "personal_searches"
MAX_SEARCHES = 20  # per session; the oldest token expires first


def mask_personal_numbers(text: str) -> str:
    text = ID_NUMBER.sub(r"\1********\2", text)
    return MOBILE.sub(r"\1****\2", text)


def has_personal_number(text: str) -> bool:
    return bool(ID_NUMBER.search(text) or MOBILE.search(text))


class MaskPersonalNumbersFilter(logging.Filter):
    """Masks personal numbers in the formatted message of every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours to hide
            return True
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _store(request, params: QueryDict) -> str:
    searches = request.session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(9)
    searches[token] = params.urlencode()
    while len(searches) > MAX_SEARCHES:
        searches.pop(next(iter(searches)))
    request.session[SESSION_KEY] = searches
    return token


def _redirect_with_token(request, params: QueryDict) -> HttpResponseRedirect:
    response = HttpResponseRedirect(f"{request.path}?{TOKEN_PARAM}={_store(request, params)}")
    response.status_code = 303
    return response


class PersonalNumberQueryMiddleware:
    """See the module docstring. Placed after the session and authentication middleware."""

    MARKER = "_personal_search"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "session"):
            return self.get_response(request)
        if request.method == "POST" and request.POST.get(self.MARKER) == "1":
            # Answered before any view, so the CSRF check that the view would get is made here.
            refused = CsrfViewMiddleware(self.get_response).process_view(request, None, (), {})
            if refused is not None:
                return refused
            params = request.POST.copy()
            for key in (self.MARKER, "csrfmiddlewaretoken"):
                params.pop(key, None)
            return _redirect_with_token(request, params)
        if request.method in ("GET", "HEAD"):
            token = request.GET.get(TOKEN_PARAM)
            if token is None and has_personal_number(request.META.get("QUERY_STRING", "")):
                return _redirect_with_token(request, request.GET)
            if token is not None:
                stored = request.session.get(SESSION_KEY, {}).get(token)
                if stored is None:
                    # An expired or foreign token: the plain page, not an error.
                    return HttpResponseRedirect(request.path)
                public = request.GET.copy()
                restored = QueryDict(stored, mutable=True)
                for key, values in public.lists():
                    if key != TOKEN_PARAM:
                        restored.setlist(key, values)
                restored._mutable = False
                request.GET = restored
                request.public_GET = public
        return self.get_response(request)

    def process_template_response(self, request, response):
        # The view has bound its forms and filters to the restored parameters; what the template renders
        # into links (pagination, sorting) is built from the token only.
        public = getattr(request, "public_GET", None)
        if public is not None:
            request.GET = public
            changelist = (response.context_data or {}).get("cl")
            if changelist is not None:
                # The admin builds its links (pages, sorting, filters) from its own copy of the parameters.
                changelist.params = {key: value for key, value in changelist.params.items()
                                     if not has_personal_number(str(value))}
                changelist.params[TOKEN_PARAM] = public[TOKEN_PARAM]
                changelist.filter_params = {key: values for key, values in changelist.filter_params.items()
                                            if not any(has_personal_number(str(v)) for v in values)}
                changelist.filter_params[TOKEN_PARAM] = [public[TOKEN_PARAM]]
                changelist.remove_facet_link = changelist.get_query_string(remove=["_facets"])
                changelist.add_facet_link = changelist.get_query_string({"_facets": True})
                # …and the links to each record and to "add" carry the list's filters back and forth.
                preserved = urlencode({"_changelist_filters": f"{TOKEN_PARAM}={public[TOKEN_PARAM]}"})
                changelist.preserved_filters = preserved
                response.context_data["preserved_filters"] = preserved
        return response


full_id_log = logging.getLogger("yuncheng.audit.full_id")


def full_id_viewed(request, *, number: str = "", where: str = "") -> None:
    """Record that a user whose daily work does not need full ID numbers (accounts.roles.FULL_ID_AUDITED_ROLES)
    was shown one: who, from which page, whose (the number masked by the log filter)."""
    full_id_shown(user=getattr(request, "user", None), path=request.get_full_path(), where=where, number=number)


def full_id_shown(*, user, path: str, where: str, number: str = "") -> None:
    """The same record for what leaves without a page: an export of full numbers (in a request or a background
    job), logged once per file with ``path`` naming the export."""
    from accounts.roles import FULL_ID_AUDITED_ROLES, role_of

    role = role_of(user)
    if role not in FULL_ID_AUDITED_ROLES:
        return
    full_id_log.info(
        "完整身份证号查看 user=%s role=%s path=%s where=%s number=%s",
        user.get_username(), role, path, where, mask_personal_numbers(number) or "-",
    )
