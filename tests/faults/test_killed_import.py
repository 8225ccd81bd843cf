"""An import killed half-way (issue 9 item 7): `manage.py statement_import` is killed with SIGKILL while it is writing
lines (no chance to clean up), and nothing of it is left in the database; run again, it completes with every line.
A real process on the real (PostgreSQL) test database, killed once its progress bar shows lines written."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from selfdirect.core.models import AuditEvent
from selfdirect.payments.models import LedgerTransaction, StatementImport, StatementLine
from tests.deploy.pgutil import database_url
from tests.payments.test_statements import GENERIC, HEADER, make_agreement

from .conftest import ROOT, app_env, postgresql_only

pytestmark = postgresql_only
LINES = 3_000  # six batches of 500: it is killed between two of them
START = datetime.date(2025, 6, 2)


def write_statement(path) -> None:
    """LINES distinct card payments, a few a day from the agreement's start (all in the past)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(LINES):
            day = START + datetime.timedelta(days=i % 150)
            out.write(f"{day:%d/%m/%Y},Bus fare {i},First Bus,-2.50,REF{i},\n")


def import_command(path, agreement) -> list[str]:
    return [sys.executable, "manage.py", "statement_import", str(path), "--agreement", str(agreement.pk),
            "--mapping", GENERIC]  # fmt: skip


def rows_of(agreement) -> tuple[int, int, int]:
    return (
        StatementImport.objects.filter(agreement=agreement).count(),
        StatementLine.objects.filter(agreement=agreement).count(),
        LedgerTransaction.objects.filter(agreement=agreement).count(),
    )


@pytest.mark.django_db(transaction=True)  # committed, so the command's own process sees the agreement
def test_a_statement_import_killed_half_way_leaves_nothing_and_the_rerun_completes(tmp_path):
    agreement = make_agreement(account_identifier="KILL-1")
    statement = tmp_path / "statement.csv"
    write_statement(statement)
    audit_before = AuditEvent.objects.count()
    env = app_env(database_url(connection.settings_dict), settings.SECRET_KEY)

    process = subprocess.Popen(  # noqa: S603 - this interpreter running manage.py
        import_command(statement, agreement), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    seen = []
    deadline = time.monotonic() + 120
    try:
        # Non-terminal progress: a full line every ~10%. Kill once some lines are written but not all.
        for line in process.stderr:
            seen.append(line.strip())
            if line.startswith("Importing (lines)") and " 0/" not in line and "100%" not in line:
                os.kill(process.pid, signal.SIGKILL)
                break
            assert time.monotonic() < deadline, "the import never reached the writing stage"
    finally:
        if process.poll() is None and not any(s.startswith("Importing (lines)") for s in seen):
            process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, f"not killed mid-way: {seen[-3:]}"

    # Killed mid-write: the server rolls the transaction back. Nothing of it is visible, now or ever.
    assert rows_of(agreement) == (0, 0, 0)
    assert AuditEvent.objects.count() == audit_before

    rerun = subprocess.run(  # noqa: S603
        [*import_command(statement, agreement), "--no-progress"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert f"{LINES:,} lines read, {LINES:,} added, 0 already held" in rerun.stdout
    imports, lines, ledger = rows_of(agreement)
    assert (imports, lines) == (1, LINES)
    assert ledger == LINES  # every card payment posted to the ledger once
    assert sorted(StatementLine.objects.filter(agreement=agreement).values_list("line_number", flat=True)) == list(
        range(2, LINES + 2)
    )
