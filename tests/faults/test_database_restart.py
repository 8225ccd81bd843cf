"""The database restarting while the service is in use (issue 9 item 7): requests made while it is down get a plain
503 "try again" page (no traceback, nothing about the error), and the first request after it is back succeeds,
whether or not a request failed in between. A real gunicorn against a PostgreSQL server of the test's own, which
it stops and starts (made from a dump of the migrated test database, so no migrations run)."""

import subprocess

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from selfdirect.core.roles import Role
from selfdirect.core.second_factor import SESSION_KEY as SECOND_FACTOR_KEY
from tests.deploy.pgutil import PGBIN, ThrowawayPostgres, _free_port, database_url
from tests.factories import PersonFactory, UserFactory

from .conftest import ROOT, Gunicorn, app_env, get, postgresql_only

pytestmark = postgresql_only


def signed_in_cookie(user) -> str:
    """A session for `user` that has passed the password and the second factor, as the sign-in pages leave it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SECOND_FACTOR_KEY] = user.pk
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@pytest.fixture
def own_server(tmp_path):
    server = ThrowawayPostgres()
    yield server
    server.remove()


def copy_test_database_to(server: ThrowawayPostgres, tmp_path) -> None:
    dump = tmp_path / "test.dump"
    env = {
        "PATH": f"{PGBIN}:/usr/bin:/bin",
        "PGBIN": str(PGBIN),
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    for args in (["scripts/backup.sh", str(dump)], ["scripts/restore.sh", str(dump), server.url]):
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
        assert done.returncode == 0, done.stderr


@pytest.mark.django_db(transaction=True)  # committed, so the dump holds the user and the session
def test_requests_fail_cleanly_while_the_database_restarts_and_then_recover(own_server, tmp_path):
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    PersonFactory(first_name="Mary", last_name="Restart")
    cookie = signed_in_cookie(worker)
    copy_test_database_to(own_server, tmp_path)

    server = Gunicorn(app_env(own_server.url, settings.SECRET_KEY), port=_free_port())
    search = f"{server.base}/people/?q=Restart"
    try:
        status, body = get(search, cookie)
        assert status == 200 and "Restart" in body, server.output()
        assert get(f"{server.base}/health/") == (200, "ok\n")

        own_server.stop("fast")  # ends every session, as a restart or fail-over does
        for url in (search, f"{server.base}/people/"):
            status, body = get(url, cookie)
            assert status == 503, body
            assert "Sorry, the service is unavailable for a moment" in body and "Try again" in body
            assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body
        assert get(f"{server.base}/health/") == (503, "database unavailable\n")
        assert get(f"{server.base}/health/live/") == (200, "ok\n")  # the process itself is fine

        own_server.start()
        status, body = get(search, cookie)
        assert status == 200 and "Restart" in body, server.output()

        # A restart nobody noticed (no request while it was down): the next request still succeeds.
        own_server.stop("fast")
        own_server.start()
        status, body = get(search, cookie)
        assert status == 200 and "Restart" in body, server.output()
        assert "Traceback" not in server.output()
    finally:
        server.stop()
