"""The page of a request that failed unexpectedly (``handler500``).

A failure to reach the database — PostgreSQL restarting, a failover, a connection cut — answers 503 with
its own page: the request failed whole (every write runs in one transaction, so nothing of it stays),
and the same page works again a few seconds later, because the next request replaces the dead
connection by itself (``CONN_HEALTH_CHECKS``). Both pages are plain templates that need no database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 5


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
