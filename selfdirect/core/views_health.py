"""Health checks for load balancers, container engines and monitoring.

    GET /health/        200 "ok" when the application and its database answer; 503 otherwise
    GET /health/live/   200 "ok" whenever the process serves requests (no database): a liveness probe

Plain text, no personal data, no session or audit rows: safe to poll every few seconds.
"""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from selfdirect.core.access import public


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


@public
@never_cache
@require_GET
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return _plain("database unavailable", status=503)
    return _plain("ok")


@public
@never_cache
@require_GET
def liveness(request):
    return _plain("ok")
