"""`manage.py check_alerts`: one email a run to commissioners listing PA checks and employers' insurance lapsing
soon (insurance by council person ID only); nothing sent when nothing lapses; safe to run again."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from tests.factories import PersonFactory, UserFactory

from .factories import PaFactory, insure, with_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def run(*args) -> str:
    out = StringIO()
    call_command("check_alerts", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_one_email_to_commissioners_each_run():
    commissioner = UserFactory(role=Role.COMMISSIONER, email="gareth@staff.example")
    UserFactory(role=Role.COMMISSIONER, email="old@staff.example", is_active=False)
    UserFactory(role=Role.SOCIAL_WORKER, email="sam@staff.example")
    with_checks(PaFactory(first_name="Soon", last_name="Lapsing"), recorder=commissioner,
                dbs_issued=TODAY - datetime.timedelta(days=3 * 365 - 7))  # fmt: skip
    person = PersonFactory()
    insure(person, expires_on=TODAY + datetime.timedelta(days=20))
    assert "Sent to 1 commissioner(s)" in run()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["gareth@staff.example"]
    assert email.subject.startswith("1 personal assistant check and 1 employer's insurance policy lapsing by")
    assert "Soon Lapsing: Enhanced DBS check with adult barred list lapses on" in email.body
    assert f"{person.council_id}: covered until" in email.body and person.last_name not in email.body
    assert "/checks/alerts/" in email.body
    run()
    assert len(mail.outbox) == 2  # re-runnable: the same list again, nothing else changes
    assert AuditEvent.objects.filter(object_type="check_alerts").count() == 2


def test_nothing_lapsing_sends_nothing():
    UserFactory(role=Role.COMMISSIONER)
    assert "no email sent" in run()
    assert mail.outbox == []


def test_dry_run_and_bad_date():
    UserFactory(role=Role.COMMISSIONER, email="gareth@staff.example")
    insure(PersonFactory(), expires_on=TODAY + datetime.timedelta(days=3))
    out = run("--dry-run")
    assert "To: gareth@staff.example" in out and "Employer's liability insurance" in out
    assert mail.outbox == []
    with pytest.raises(CommandError, match="2026-04-01"):
        run("--date", "tomorrow")
    assert "no email sent" in run("--date", (TODAY + datetime.timedelta(days=400)).isoformat())
