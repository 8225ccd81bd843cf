"""Webhooks: the event feed pushed to an integration's HTTPS endpoint.

Each delivery is a POST of the next batch of events the webhook's token may see (the same JSON as
GET /api/v1/events), with headers

    X-Selfdirect-Timestamp: 1767225600
    X-Selfdirect-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret>

The receiver recomputes the signature, refuses a mismatch or a timestamp more than 5 minutes old, and
de-duplicates by event id (delivery is at least once). A 2xx answer moves the webhook's cursor on; anything else
(or no answer in 10 seconds) is retried after 1, 2, 4 ... minutes, at most 6 hours apart, until it succeeds. A
webhook whose token is revoked or has expired stops.
"""

import datetime
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError

from .events import change_events
from .models import ApiToken, Webhook

BATCH = 100
TIMEOUT_SECONDS = 10
MAX_BACKOFF = datetime.timedelta(hours=6)


class Answer(NamedTuple):
    status: int | None  # None when there was no answer at all
    error: str = ""


Sender = Callable[[str, bytes, dict[str, str]], Answer]


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (https only)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return Answer(response.status)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return Answer(None, str(getattr(exc, "reason", exc))[:300])


def backoff(failures: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2 ** max(failures - 1, 0)), MAX_BACKOFF)


@transaction.atomic
def webhook_create(*, name: str, url: str, token: ApiToken, actor, request=None) -> tuple[Webhook, str]:
    """A webhook for `token`'s events from now on (history is read from the feed). Returns it and its secret."""
    if not url.startswith("https://"):
        raise DomainError("The address must start with https://: events about people are never sent unencrypted", "url")
    if not token.is_active():
        raise DomainError("Choose a token that is active", field="token")
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    secret = secrets.token_hex(32)
    webhook = Webhook.objects.create(
        name=name.strip(), url=url, token=token, secret=secret, after=latest, created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=webhook,
        summary=f"Added webhook '{webhook.name}' to {url} for token '{token.name}'",
        request=request,
    )
    return webhook, secret


@transaction.atomic
def webhook_stop(*, webhook: Webhook, actor, request=None) -> Webhook:
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False)
    webhook.is_active = False
    summary = f"Stopped webhook '{webhook.name}'"
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=webhook, summary=summary, request=request)
    return webhook


def webhook_deliver(*, webhook: Webhook, send: Sender | None = None, now=None) -> str:
    """Send the next batch, if any (by HTTPS POST unless `send` is given). Returns "sent", "nothing", "failed",
    "stopped" or "waiting"."""
    send = send or http_post
    now = now or timezone.now()
    if not webhook.is_active:
        return "stopped"
    if webhook.next_attempt_at > now:
        return "waiting"
    token = webhook.token
    if not token.is_active(now=now) or not token.user.is_staff_member:
        Webhook.objects.filter(pk=webhook.pk).update(is_active=False, last_error="The token is no longer active")
        return "stopped"
    events, has_more = change_events(user=token.user, after=webhook.after, limit=BATCH)
    if not events:
        return "nothing"
    payload = {"events": events, "next_after": events[-1]["id"], "has_more": has_more}
    body = json.dumps(payload, cls=DjangoJSONEncoder).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "selfdirect-webhooks/1",
        "X-Selfdirect-Timestamp": str(timestamp),
        "X-Selfdirect-Signature": sign(secret=webhook.secret, timestamp=timestamp, body=body),
    }
    answer = send(webhook.url, body, headers)
    with transaction.atomic():
        if answer.status is not None and 200 <= answer.status < 300:
            fields = {"after": payload["next_after"], "failures": 0, "last_error": "", "last_delivered_at": now}
            fields["next_attempt_at"] = now
            outcome = "sent"
            person_ids = sorted({e["person_id"] for e in events})
            audit_record(
                actor=token.user,
                action=AuditEvent.Action.EXPORT,
                obj=webhook,
                summary=f"Webhook '{webhook.name}' delivered {len(events)} change events",
                changes={"person_ids": person_ids},
            )
        else:
            failures = webhook.failures + 1
            fields = {
                "failures": failures,
                "last_error": answer.error or f"HTTP {answer.status}",
                "next_attempt_at": now + backoff(failures),
            }
            outcome = "failed"
        Webhook.objects.filter(pk=webhook.pk).update(**fields)
    for name, value in fields.items():
        setattr(webhook, name, value)
    return outcome
