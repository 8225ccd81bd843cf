"""Run every daily job in order, once a day from cron or a systemd timer.

    python manage.py run_scheduled_jobs [--date YYYY-MM-DD] [--only reminders,dp_monitor] [--dry-run]

The jobs, in this order:

    reviews_due       count the reviews overdue or due soon (workers see them in their task inbox)
    reminders         task_reminders: each worker's digest of tasks due today or overdue
    check_alerts      check_alerts: personal assistants' checks and insurance lapsing soon, to commissioners
    referrals         planning_referrals_promote: queued support-planning referrals into free places
    dp_monitor        dp_monitor: direct-payment monitoring findings and their tasks
    payment_run       payment_run --date: schedule, prepare and export payments due (council payment days only,
                      settings.PAYMENT_RUN_WEEKDAYS; it never marks a run paid: finance confirm that)

Each job is isolated: one failing is logged and the others still run; the command then exits non-zero naming
the failures, so cron mails them or systemd marks the unit failed. Every job is safe to re-run on the same day
(each command documents why), so a failed night is put right by running the command again.
"""

import datetime
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

logger = logging.getLogger("selfdirect.jobs")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_PAYMENT_WEEKDAYS = "mon,tue,wed,thu,fri"


def payment_weekdays() -> set[int]:
    """The council's payment days as weekday numbers (Monday 0), from settings.PAYMENT_RUN_WEEKDAYS."""
    names = getattr(settings, "PAYMENT_RUN_WEEKDAYS", DEFAULT_PAYMENT_WEEKDAYS)
    days = set()
    for name in str(names).split(","):
        key = name.strip().lower()[:3]
        if not key:
            continue
        if key not in WEEKDAYS:
            raise CommandError(f"PAYMENT_RUN_WEEKDAYS names {name.strip()!r}: use mon, tue, wed, thu, fri, sat, sun")
        days.add(WEEKDAYS.index(key))
    return days


def drop_broken_connections() -> None:
    """Close connections the database dropped, so the next job opens a fresh one."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


def _reviews_due(day: datetime.date, out) -> None:
    from selfdirect.reviews.selectors import due_reviews

    reviews = due_reviews(today=day)
    overdue = reviews.filter(due_on__lt=day).count()
    out.write(f"{reviews.count()} reviews overdue or due soon ({overdue} overdue) on {day}")


def _command(name: str, *args: str) -> Callable[[datetime.date, object], None]:
    """A job that calls a management command; `{date}` in an argument becomes the run date."""

    def run(day: datetime.date, out) -> None:
        call_command(name, *[a.format(date=day.isoformat()) for a in args], stdout=out, stderr=out)

    run.command = " ".join(("manage.py", name, *args))
    return run


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime.date, object], None]
    # Whether the job runs on a given day (payment runs only on the council's payment days).
    runs_on: Callable[[datetime.date], bool] = lambda day: True

    def describe(self, day: datetime.date) -> str:
        return getattr(self.run, "command", f"{self.name} (built in)").format(date=day.isoformat())


JOBS = (
    Job("reviews_due", _reviews_due),
    Job("reminders", _command("task_reminders", "--date", "{date}")),
    Job("check_alerts", _command("check_alerts", "--date", "{date}")),
    Job("referrals", _command("planning_referrals_promote")),
    Job("dp_monitor", _command("dp_monitor", "--today", "{date}", "--no-progress")),
    # Providers and support-planning organisations into the public directory (closed ones marked closed).
    Job("directory_sync", _command("directory_sync")),
    Job(
        "payment_run",
        _command("payment_run", "--date", "{date}", "--verbosity", "0"),
        runs_on=lambda day: day.weekday() in payment_weekdays(),
    ),
)
JOB_NAMES = tuple(job.name for job in JOBS)


class Command(BaseCommand):
    help = "Run the daily jobs (reviews due, reminders, check alerts, referrals, DP monitoring, payment runs)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today")
        parser.add_argument("--only", help=f"Comma-separated jobs to run, of: {', '.join(JOB_NAMES)}")
        parser.add_argument("--dry-run", action="store_true", help="List the jobs that would run; run nothing")

    def handle(self, *args, date=None, only=None, dry_run=False, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be a date like 2026-04-01, not {date!r}") from None
        chosen = JOBS
        if only:
            names = [n.strip() for n in only.split(",") if n.strip()]
            unknown = [n for n in names if n not in JOB_NAMES]
            if unknown:
                raise CommandError(f"No such job: {', '.join(unknown)}. The jobs are: {', '.join(JOB_NAMES)}")
            chosen = tuple(job for job in JOBS if job.name in names)
        failed = []
        for job in chosen:
            if not job.runs_on(day):
                self._log(job, "skipped", 0.0, f"not a payment day ({day:%A})")
                continue
            if dry_run:
                self._log(job, "would run", 0.0, job.describe(day))
                continue
            out = io.StringIO()
            started = time.monotonic()
            try:
                job.run(day, out)
            except Exception as error:  # noqa: BLE001 - one job failing must not stop the others
                failed.append(job.name)
                message = error.args[0] if isinstance(error, CommandError) and error.args else repr(error)
                self._log(job, "FAILED", time.monotonic() - started, str(message), level=logging.ERROR)
                logger.debug("job %s output:\n%s", job.name, out.getvalue())
                # A dropped database connection (a restart in the night) must not fail every job after it.
                drop_broken_connections()
                continue
            summary = " | ".join(line.strip() for line in out.getvalue().splitlines() if line.strip())
            self._log(job, "ok", time.monotonic() - started, summary)
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}. Run again to retry them.")

    def _log(self, job: Job, status: str, seconds: float, detail: str, level: int = logging.INFO) -> None:
        line = f"job={job.name} status={status.replace(' ', '_')} seconds={seconds:.2f} {detail}".rstrip()
        logger.log(level, line)
        (self.stderr if level >= logging.ERROR else self.stdout).write(line)
