"""`manage.py run_scheduled_jobs`: every daily job in order, each isolated, a log line per job, a non-zero exit
naming what failed, --only and --dry-run, and safe to run twice on the same day."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.reviews.models import Task

ALL_JOBS = ["reviews_due", "reminders", "check_alerts", "referrals", "dp_monitor", "directory_sync", "payment_run"]
MONDAY = datetime.date(2026, 3, 2)
SATURDAY = datetime.date(2026, 3, 7)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("run_scheduled_jobs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def job_lines(text: str) -> dict[str, str]:
    """job name -> its log line."""
    return {line.split()[0].removeprefix("job="): line for line in text.splitlines() if line.startswith("job=")}


@pytest.mark.django_db
def test_dry_run_lists_every_job_in_order_and_runs_none():
    out, _ = run("--date", MONDAY.isoformat(), "--dry-run")
    lines = [line for line in out.splitlines() if line.startswith("job=")]
    assert [line.split()[0] for line in lines] == [f"job={name}" for name in ALL_JOBS]
    assert all("status=would_run" in line for line in lines)
    assert "manage.py payment_run --date {date}" not in out  # the date is filled in
    assert "manage.py dp_monitor --today 2026-03-02 --no-progress" in out
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others_and_the_command_fails():
    """With no finance officer the payment run cannot run: every other job still runs, then the command fails."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 job\\(s\\) failed: payment_run"):
        call_command("run_scheduled_jobs", "--date", MONDAY.isoformat(), stdout=out, stderr=err)
    ok = job_lines(out.getvalue())
    assert sorted(ok) == sorted(ALL_JOBS[:-1])
    assert all("status=ok" in line for line in ok.values())
    assert "0 reviews overdue or due soon (0 overdue) on 2026-03-02" in ok["reviews_due"]
    assert "0 referrals taken on" in ok["referrals"]
    failed = job_lines(err.getvalue())
    assert list(failed) == ["payment_run"]
    assert "status=FAILED" in failed["payment_run"] and "no active finance officer" in failed["payment_run"]


@pytest.mark.django_db
def test_the_payment_run_runs_only_on_the_councils_payment_days(settings, user_of_role):
    user_of_role(Role.FINANCE_OFFICER)
    settings.PAYMENT_RUN_WEEKDAYS = "mon,thu"
    out, _ = run("--date", SATURDAY.isoformat(), "--only", "payment_run")
    assert "job=payment_run status=skipped" in out and "not a payment day (Saturday)" in out
    out, _ = run("--date", MONDAY.isoformat(), "--only", "payment_run")
    assert "job=payment_run status=ok" in out
    assert "No payments are due on or before 2 March 2026" in out


@pytest.mark.django_db
def test_a_misspelt_payment_day_is_refused(settings):
    settings.PAYMENT_RUN_WEEKDAYS = "monday,funday"
    with pytest.raises(CommandError, match="funday"):
        run("--date", MONDAY.isoformat(), "--only", "payment_run")


@pytest.mark.django_db
def test_only_runs_just_the_named_jobs_and_refuses_unknown_names():
    out, _ = run("--date", MONDAY.isoformat(), "--only", "referrals,reviews_due")
    assert list(job_lines(out)) == ["reviews_due", "referrals"]  # the daily order, not the order given
    with pytest.raises(CommandError, match="No such job: reminder"):
        run("--only", "reminder")


@pytest.mark.django_db
def test_bad_date_is_refused():
    with pytest.raises(CommandError, match="--date must be a date"):
        run("--date", "2 March")


@pytest.mark.django_db
def test_running_twice_on_the_same_day_sends_each_reminder_once(user_of_role):
    worker = user_of_role(Role.SOCIAL_WORKER, email="sam@example.org")
    Task.objects.create(kind=Task.Kind.OTHER, title="Ring Mrs Smith", assignee=worker, due_on=MONDAY)
    first, _ = run("--date", MONDAY.isoformat(), "--only", "reminders")
    second, _ = run("--date", MONDAY.isoformat(), "--only", "reminders")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.org"]
    assert "Sent 1 reminder for 2 March 2026" in first
    assert "Sent 0 reminders for 2 March 2026; 1 already reminded today" in second
    assert Task.objects.get().reminded_on == MONDAY
