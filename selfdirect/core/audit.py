"""Writing the audit log. Services call these inside their own transaction, so a change and its
audit record are saved together or not at all."""

import datetime
from decimal import Decimal

from django.db import models

from .models import AuditEvent


def _plain(value):
    """A JSON-safe form of a field value for the old -> new record."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    person_id: int | None = None,
    summary: str = "",
    changes: dict | None = None,
    request=None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        summary=summary[:300],
        changes=changes or {},
        ip_address=client_ip(request),
    )


def audit_person_view(*, actor, person, what: str, request=None) -> AuditEvent:
    """Every read of a person's record is logged (who, when, which page)."""
    return audit_record(
        actor=actor, action=AuditEvent.Action.VIEW, obj=person, person_id=person.pk, summary=what, request=request
    )
