"""scripts/backup.sh and scripts/restore.sh: a dump of the database restored into a fresh database holds the
same rows in every table, and the audit log stays append-only there. PostgreSQL only (pg_dump/pg_restore)."""

import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from tests.deploy.pgutil import PGBIN, database_url, have_postgres_binaries
from tests.factories import PersonFactory, TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" or not have_postgres_binaries(),
    reason="backup and restore use pg_dump/pg_restore: run with DATABASE_URL=postgres://... (make test does)",
)


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def script(*args: str, env_url: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": f"{PGBIN}:/usr/bin:/bin", "PGBIN": str(PGBIN)}
    if env_url:
        env["DATABASE_URL"] = env_url
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


@pytest.fixture
def restored_name():
    """A database name for the restore, dropped afterwards whatever happens."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql_only
@pytest.mark.django_db(transaction=True)  # committed rows, so pg_dump (another session) sees them
def test_a_backup_restores_into_a_fresh_database_with_every_row(tmp_path, restored_name):
    import psycopg

    team = TeamFactory(name="Backup team", code="bk")
    worker = UserFactory(teams=[team])
    people = PersonFactory.create_batch(7)
    for person in people:
        audit_record(actor=worker, action=AuditEvent.Action.VIEW, obj=person, summary="Viewed record")
    source_url = database_url(connection.settings_dict)
    with connection.cursor() as cursor:
        before = row_counts(cursor)
    assert before["people_person"] == 7 and before["core_auditevent"] >= 7 and before["django_migrations"] > 50

    dump = tmp_path / "nightly.dump"
    backed_up = script("scripts/backup.sh", str(dump), env_url=source_url)
    assert backed_up.returncode == 0, backed_up.stderr
    assert dump.stat().st_size > 0 and not (tmp_path / "nightly.dump.partial").exists()
    assert dump.stat().st_mode & 0o077 == 0, "a backup holds every person's record: owner-only"

    target = database_url(connection.settings_dict, name=restored_name)
    restored = script("scripts/restore.sh", "--create", str(dump), target)
    assert restored.returncode == 0, restored.stderr

    with psycopg.connect(target, autocommit=True) as other, other.cursor() as cursor:
        after = row_counts(cursor)
        assert after == before
        # The append-only trigger came back with the data.
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass")
        assert "core_auditevent_no_update_delete" in {name for (name,) in cursor.fetchall()}
        with pytest.raises(psycopg.Error, match="append-only"):
            cursor.execute("DELETE FROM core_auditevent")

    again = script("scripts/restore.sh", str(dump), target)
    assert again.returncode != 0 and "restore into a fresh database" in again.stderr


def test_backup_refuses_without_a_postgresql_url(tmp_path):
    result = script("scripts/backup.sh", str(tmp_path / "x.dump"))
    assert result.returncode != 0 and "set DATABASE_URL" in result.stderr
    result = script("scripts/backup.sh", str(tmp_path / "x.dump"), env_url="sqlite:///db.sqlite3")
    assert result.returncode != 0 and "not PostgreSQL" in result.stderr
    assert not list(tmp_path.iterdir())
