"""GET /api/v1/events: a feed of changes to people's records, read from the audit log.

Every change in selfdirect is written to the audit log in the same transaction as the change itself, so the log is
already a complete, ordered outbox: no second table to keep in step. The feed shows the changes (create, update,
delete) about a person the token may see, oldest first, with the audit record's id as the cursor.

Reads are not changes and are left out. Values are left out too (only the names of the fields that changed): an
integration reads the record it cares about through its endpoint, where the access rules and the audit apply.

Ids are allocated when a row is inserted but become visible when its transaction commits, so a long transaction
could commit an id lower than one already read. The feed therefore only shows events older than a few seconds
(settings.API_EVENT_FEED_SETTLE_SECONDS, 5 by default): long enough for any transaction of this application.
"""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action
from selfdirect.core.roles import Role
from selfdirect.people.models import Person

from .access import MAX_ID, audit_what, operation
from .schemas import EventPage

router = Router(tags=["events"])

CHANGES = (AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE)
DEFAULT_SETTLE_SECONDS = 5


def settle_seconds() -> int:
    return getattr(settings, "API_EVENT_FEED_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS)


def visible_changes(*, user, now: datetime.datetime) -> QuerySet[AuditEvent]:
    """Changes about people, minus restricted records the user may not open (as search hides their details:
    a safeguarding lead sees all, others only the restricted people allocated to them)."""
    changes = AuditEvent.objects.filter(
        action__in=CHANGES,
        person_id__isnull=False,
        occurred_at__lte=now - datetime.timedelta(seconds=settle_seconds()),
    )
    if user.role != Role.SAFEGUARDING_LEAD:
        hidden = Person.objects.filter(is_restricted=True).exclude(allocated_worker_id=user.pk).values("pk")
        changes = changes.exclude(person_id__in=hidden)
    return changes


def change_events(*, user, after: int, limit: int) -> tuple[list[dict], bool]:
    """Up to `limit` changes the user may see with ids above `after`, oldest first, and whether more are waiting."""
    rows = list(
        visible_changes(user=user, now=timezone.now())
        .filter(id__gt=after)
        .order_by("id")
        .values("id", "occurred_at", "action", "object_type", "object_id", "person_id", "summary", "changes")[
            : limit + 1
        ]
    )
    events = [
        {**{k: v for k, v in row.items() if k != "changes"}, "fields_changed": sorted(row["changes"] or {})}
        for row in rows[:limit]
    ]
    return events, len(rows) > limit


@operation(
    router,
    "GET",
    "/events",
    action=Action.PERSON_VIEW,
    response={200: EventPage},
    summary="Changes to people's records since a cursor",
    description="Oldest first. Start with `after=0`, then pass `next_after` from each answer. Events about "
    "restricted records the token may not open are left out. Poll every minute or so; when `has_more` is true, "
    "ask again at once.",
    operation_id="events_list",
)
def events_list(
    request: HttpRequest,
    after: int = Query(0, ge=0, le=MAX_ID, description="The last event id you have (0 to start from the beginning)"),
    limit: int = Query(100, ge=1, le=500, description="At most this many events"),
):
    events, has_more = change_events(user=request.user, after=after, limit=limit)
    person_ids = sorted({event["person_id"] for event in events})
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="api.events",
        summary=audit_what(request, f"Read {len(events)} change events after {after}"),
        changes={"person_ids": person_ids} if person_ids else None,
        request=request,
    )
    return {"events": events, "next_after": events[-1]["id"] if events else after, "has_more": has_more}
