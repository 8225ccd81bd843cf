"""Email commissioners what lapses soon: personal assistants' checks and employers' liability insurance within the
council's alert window (CouncilSettings.check_alert_days), and what has already lapsed.

    python manage.py check_alerts [--date 2026-04-01] [--dry-run]

One email a run, to every active commissioner with an email address, through Django's email framework
(EMAIL_BACKEND). Safe to run again: it reads the register each time and changes nothing but the audit log.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.progress import Progress
from selfdirect.core.roles import Role
from selfdirect.market.models import PersonalAssistant
from selfdirect.market.selectors import check_alerts


class Command(BaseCommand):
    help = "Email commissioners the personal assistants' checks and employers' insurance that lapse soon."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Look ahead from this day (YYYY-MM-DD) instead of today")
        parser.add_argument("--dry-run", action="store_true", help="Print the email instead of sending it")

    def handle(self, *args, date=None, dry_run=False, **options):
        on = None
        if date:
            try:
                on = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be a date like 2026-04-01, not {date!r}") from None
        total = PersonalAssistant.objects.filter(is_active=True).count()
        with Progress(
            total, label="Reading personal assistants' checks", stream=self.stderr, enabled=total > 200
        ) as bar:
            alerts = check_alerts(on=on, advance=bar.advance)
        if not alerts.count:
            self.stdout.write(f"Nothing lapses by {alerts.horizon:%-d %B %Y}: no email sent.")
            return
        recipients = sorted(
            get_user_model()
            .objects.filter(role=Role.COMMISSIONER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        body = render_to_string(
            "market/email/check_alerts.txt",
            {
                "alerts": alerts,
                "days": CouncilSettings.current().check_alert_days,
                "product_name": settings.PRODUCT_NAME,
                "url": reverse("check_alerts"),
            },
        )
        subject = (
            f"{len(alerts.pas)} personal assistant check{'s' if len(alerts.pas) != 1 else ''} and "
            f"{len(alerts.insurance)} employer's insurance polic{'ies' if len(alerts.insurance) != 1 else 'y'} "
            f"lapsing by {alerts.horizon:%-d %B %Y}"
        )
        if dry_run:
            self.stdout.write(f"To: {', '.join(recipients) or '(no commissioner with an email address)'}")
            self.stdout.write(f"Subject: {subject}\n\n{body}")
            return
        if not recipients:
            raise CommandError("No active commissioner has an email address: nobody to send the alerts to.")
        EmailMessage(subject=subject, body=body, to=recipients).send()
        audit_record(
            actor=None,
            action=AuditEvent.Action.EXPORT,
            object_type="check_alerts",
            summary=f"Emailed check alerts to {len(recipients)} commissioner(s): {subject}",
            changes={"pas": len(alerts.pas), "insurance": len(alerts.insurance), "on": str(alerts.on)},
        )
        self.stdout.write(f"Sent to {len(recipients)} commissioner(s): {subject}")
