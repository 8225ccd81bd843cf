"""Look over direct-payment accounts for things worth a friendly check (monitoring.py): a balance above the council's
limit, no PA wages for weeks, contributions not paid in, spending outside the plan, cash not agreed. Each new
finding becomes a task for the person's allocated worker (or the finance officers' queue).

    python manage.py dp_monitor [--agreement ID] [--today YYYY-MM-DD]

Safe to run every night: a finding already raised (or one of the same kind still open) is not raised again.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from selfdirect.core.progress import Progress
from selfdirect.payments.models import DirectPaymentAgreement
from selfdirect.payments.monitoring import dp_monitor


class Command(BaseCommand):
    help = "Raise direct-payment monitoring findings (and their tasks) for every paying agreement, or one."

    def add_arguments(self, parser):
        parser.add_argument("--agreement", type=int, help="Only this direct payment")
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")

    def handle(self, *args, agreement=None, today=None, no_progress=False, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today must be a date like 2026-03-31, not {today!r}.") from None
        one = None
        if agreement is not None:
            one = (
                DirectPaymentAgreement.objects.select_related("person__allocated_worker", "plan")
                .filter(pk=agreement)
                .first()
            )
            if one is None:
                raise CommandError(f"There is no direct payment {agreement}.")
            total = 1
        else:
            total = DirectPaymentAgreement.objects.filter(
                status__in=(DirectPaymentAgreement.Status.ACTIVE, DirectPaymentAgreement.Status.SUSPENDED)
            ).count()
        with Progress(total=total, label="Direct payments", stream=self.stderr, enabled=not no_progress) as bar:
            result = dp_monitor(agreement=one, today=day, progress=bar)
        by_kind: dict[str, int] = {}
        for finding in result.created:
            label = finding.get_kind_display()
            by_kind[label] = by_kind.get(label, 0) + 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Looked over {result.agreements:,} direct payment{'s' if result.agreements != 1 else ''} on {day}: "
                f"{len(result.created):,} new finding{'s' if len(result.created) != 1 else ''}"
                f" ({result.already_open:,} already open, {result.already_raised:,} already raised)."
            )
        )
        for label, count in sorted(by_kind.items()):
            self.stdout.write(f"  {label}: {count:,}")
