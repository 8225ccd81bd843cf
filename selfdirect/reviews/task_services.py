"""Opening and closing tasks. Every part of the pathway that makes work for someone calls task_open with a source
key ("review:12", "concern:7"), so calling it again while the task is open changes nothing."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent

from .models import Task


def task_open(
    *,
    kind: str,
    title: str,
    due_on,
    source: str,
    person=None,
    assignee=None,
    role: str = "",
    url: str = "",
    detail: str = "",
) -> Task:
    """The open task for `source`, made if there is none. A named assignee, or else a role's shared queue."""
    existing = Task.objects.filter(source=source, done_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Task.objects.create(
                kind=kind,
                title=title[:300],
                due_on=due_on,
                source=source,
                person=person,
                assignee=assignee,
                role="" if assignee else role,
                url=url,
                detail=detail,
            )
    except IntegrityError:  # made at the same moment by another request
        return Task.objects.get(source=source, done_at__isnull=True)


def task_close(*, source: str, actor=None) -> int:
    """Close the open task for `source` (its work is done). Returns how many were closed (0 or 1)."""
    return Task.objects.filter(source=source, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)


@transaction.atomic
def task_done(*, task: Task, actor, request=None) -> Task:
    """A worker marks a task done by hand."""
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=task, person_id=task.person_id,
                     summary=f"Task done: {task.title}", request=request)  # fmt: skip
    return task
