"""Run direct payments for a date.

    python manage.py payment_run --date YYYY-MM-DD [--mark-paid] [--export-to PATH] [--user USERNAME]

1. Keeps every active agreement scheduled 12 weeks (3 months) ahead of the date (dp_schedule_extend).
2. Prepares a run of every scheduled payment due on or before the date that is not in a run already, and exports
   it for the finance system (with --export-to, the CSV is written there; its sha256 is kept on the run).
3. With --mark-paid, marks every exported run on that date paid, posting each payment to the ledger.

Safe to run again: nothing is scheduled twice, a payment is never in two runs, and a paid run stays paid. The audit
log records the user given by --user (default: the first active finance officer).
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from selfdirect.core.progress import Progress
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.payments import services
from selfdirect.payments.models import DirectPaymentAgreement, PaymentRun, ScheduledPayment


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date must be a date written YYYY-MM-DD, for example 2026-04-06 (not {value!r})"
        ) from None


class Command(BaseCommand):
    help = "Schedule, prepare, export and (with --mark-paid) pay direct payments due on or before a date."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="The run date, YYYY-MM-DD")
        parser.add_argument("--mark-paid", action="store_true", help="Mark the date's exported runs paid")
        parser.add_argument("--export-to", help="Write the finance system's CSV to this file (or directory)")
        parser.add_argument("--user", help="Username recorded as running it (default: the first finance officer)")

    def _actor(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"There is no active user {username!r}.")
        else:
            actor = users.filter(role=Role.FINANCE_OFFICER).order_by("pk").first()
            if actor is None:
                raise CommandError("There is no active finance officer to run payments as: give --user.")
        return actor

    def handle(self, *args, date, mark_paid=False, export_to=None, user=None, **options):
        run_on = _date(date)
        actor = self._actor(user)
        show = options.get("verbosity", 1) > 0
        out = self.stdout
        active = DirectPaymentAgreement.objects.filter(status=DirectPaymentAgreement.Status.ACTIVE).count()
        with Progress(total=active, label="Scheduling payments", stream=self.stderr, enabled=show) as bar:
            extended = services.dp_schedule_extend(today=run_on, progress=bar)
        out.write(
            f"Scheduled ahead for {extended['agreements']} agreements: {extended['payments_added']} payments added, "
            f"{extended['payments_replaced']} replaced; {extended['ended']} ended (their last day has passed)."
        )
        try:
            run = services.payment_run_prepare(run_on=run_on, actor=actor)
        except DomainError as error:
            out.write(error.message + ".")
            run = None
        else:
            out.write(f"Payment run {run.pk} prepared: {run.payment_count} payments, £{run.total:,.2f}.")
        for pending in PaymentRun.objects.filter(run_on=run_on, status=PaymentRun.Status.PREPARED).order_by("pk"):
            content = services.payment_run_export(run=pending, actor=actor)
            pending.refresh_from_db()
            out.write(f"Payment run {pending.pk} exported: sha256 {pending.export_sha256}.")
            if export_to and (run is None or pending.pk == run.pk):
                target = Path(export_to)
                if target.is_dir():
                    target = target / f"payment-run-{pending.pk}-{run_on:%Y-%m-%d}.csv"
                try:
                    target.write_bytes(content)
                except OSError as error:
                    raise CommandError(f"Could not write {target}: {error.strerror}") from None
                out.write(f"Written to {target}.")
        if not mark_paid:
            return
        for exported in PaymentRun.objects.filter(run_on=run_on, status=PaymentRun.Status.EXPORTED).order_by("pk"):
            count = ScheduledPayment.objects.filter(run=exported, status=ScheduledPayment.Status.IN_RUN).count()
            with Progress(total=count, label=f"Paying run {exported.pk}", stream=self.stderr, enabled=show) as bar:
                try:
                    services.payment_run_mark_paid(run=exported, actor=actor, progress=bar)
                except DomainError as error:
                    raise CommandError(error.message) from None
            out.write(f"Payment run {exported.pk} marked paid and posted to the ledger.")
