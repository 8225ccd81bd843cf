"""Email each worker a digest of their tasks due today or overdue.

    python manage.py task_reminders [--date 2026-04-01] [--dry-run]

One plain-text email per worker per day, through Django's email framework (EMAIL_BACKEND), listing what their task
inbox shows as due on or before the day: stored tasks (theirs and their role's queue) and the work the pathway
derives (reviews, advocacy referrals, returned plans, PA checks). People are named by council ID only, never by
name, and restricted records the worker cannot open as "Restricted record".

Safe to run again: each digest sent is written to the audit log, and a worker who already had one that day gets
nothing more; the stored tasks in a digest have `reminded_on` set to the day.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.progress import Progress
from selfdirect.market.selectors import check_alerts
from selfdirect.reviews.models import Task
from selfdirect.reviews.task_selectors import PA_CHECK_ROLES, inbox_for_user

OBJECT_TYPE = "reviews.task_reminder"


def reminder_key(worker, on: datetime.date) -> str:
    return f"{worker.pk}:{on.isoformat()}"


class Command(BaseCommand):
    help = "Email each worker a digest of their tasks due today or overdue (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Remind as of this day (YYYY-MM-DD) instead of today")
        parser.add_argument("--dry-run", action="store_true", help="Print the emails instead of sending them")

    def handle(self, *args, date=None, dry_run=False, **options):
        on = timezone.localdate()
        if date:
            try:
                on = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be a date like 2026-04-01, not {date!r}") from None
        workers = list(
            get_user_model().objects.filter(is_active=True).exclude(role="").exclude(email="").order_by("pk")
        )
        already = set(
            AuditEvent.objects.filter(
                object_type=OBJECT_TYPE, object_id__in=[reminder_key(w, on) for w in workers]
            ).values_list("object_id", flat=True)
        )
        alerts = check_alerts(on=on) if any(w.role in PA_CHECK_ROLES for w in workers) else None
        base_url = getattr(settings, "SITE_URL", "").rstrip("/")
        sent = skipped = nothing = failed = 0
        with Progress(len(workers), label="Reminding workers", stream=self.stderr, enabled=len(workers) > 50) as bar:
            for worker in workers:
                bar.advance(1)
                if reminder_key(worker, on) in already:
                    skipped += 1
                    continue
                items = inbox_for_user(user=worker, on=on, due_by=on, pa_alerts=alerts)
                if not items:
                    nothing += 1
                    continue
                overdue = sum(1 for item in items if item.overdue)
                subject = (
                    f"{len(items)} task{'s' if len(items) != 1 else ''} due today or overdue"
                    + (f" ({overdue} overdue)" if overdue else "")
                    + f": {on:%-d %B %Y}"
                )
                body = render_to_string(
                    "reviews/email/task_reminders.txt",
                    {
                        "worker": worker,
                        "items": items,
                        "on": on,
                        "product_name": settings.PRODUCT_NAME,
                        "base_url": base_url,
                        "inbox_url": reverse("task_inbox"),
                    },
                )
                if dry_run:
                    self.stdout.write(f"To: {worker.email}\nSubject: {subject}\n\n{body}")
                    continue
                try:
                    EmailMessage(subject=subject, body=body, to=[worker.email]).send()
                except Exception as error:  # noqa: BLE001 - one worker's mail failing must not stop the rest
                    failed += 1
                    self.stderr.write(f"Could not email {worker.email}: {error}")
                    continue
                with transaction.atomic():
                    Task.objects.filter(pk__in=[i.task.pk for i in items if i.task is not None]).update(reminded_on=on)
                    audit_record(
                        actor=None,
                        action=AuditEvent.Action.EXPORT,
                        object_type=OBJECT_TYPE,
                        object_id=reminder_key(worker, on),
                        summary=f"Emailed {worker} a reminder: {subject}",
                        changes={"items": len(items), "overdue": overdue, "on": on.isoformat()},
                    )
                sent += 1
        if dry_run:
            return
        self.stdout.write(
            f"Sent {sent} reminder{'s' if sent != 1 else ''} for {on:%-d %B %Y}; {skipped} already reminded today; "
            f"{nothing} with nothing due" + (f"; {failed} could not be sent" if failed else "")
        )
        if failed:
            raise CommandError(f"{failed} reminder(s) could not be sent: run again to retry them")
