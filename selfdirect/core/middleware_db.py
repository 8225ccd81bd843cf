"""When the database cannot be reached (restarting, failing over, out of connections), answer with a plain
503 "try again" page instead of a 500 and a traceback, and drop the broken connection so the next request
opens a fresh one and works as soon as the database is back.

Only connection-level failures (OperationalError, InterfaceError) are caught: constraint and data errors are
bugs and still go to the ordinary 500 handling.
"""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("selfdirect.db")

RETRY_AFTER_SECONDS = 10


def database_unavailable_response(request) -> HttpResponse:
    try:
        body = render_to_string("503.html", request=request)
    except Exception:  # noqa: BLE001 - the page must render even when its context processors need the database
        body = render_to_string("503.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _discard_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a dead connection can itself fail; it is gone either way
            conn.connection = None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            # Raised outside a view (a session or authentication middleware reading the database).
            return self._unavailable(request, error)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, error) -> HttpResponse:
        # The error class only: its message can carry query text, and no personal data goes to the logs.
        logger.warning("database unavailable: %s on %s %s", type(error).__name__, request.method, request.path)
        _discard_broken_connections()
        return database_unavailable_response(request)
