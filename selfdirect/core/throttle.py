"""Sign-in throttling, counted from the audit log (which every failed sign-in already writes), so every
server process sees the same count without another moving part."""

import datetime

from django.utils import timezone

from .models import AuditEvent

WINDOW = datetime.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
LOCKED_MESSAGE = (
    "There have been too many failed attempts to sign in. Wait 15 minutes and try again, or ask for your "
    "password to be reset."
)


def sign_in_locked(*, username: str, ip: str | None) -> bool:
    """True after 5 failures for one account, or 20 from one address, in the last 15 minutes."""
    failures = AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN_FAILED, occurred_at__gte=timezone.now() - WINDOW
    )
    if failures.filter(object_id=username.strip().lower()[:40]).count() >= MAX_FAILURES_PER_ACCOUNT:
        return True
    return bool(ip) and failures.filter(ip_address=ip).count() >= MAX_FAILURES_PER_ADDRESS
