"""Health checks and the "database unavailable" page: /health/ answers 200 "ok" with the database up and 503
without it; a page whose database connection fails gets a plain 503 "try again" page, not a 500 or a traceback.
(The real restart, with a real server, is tests/faults/test_database_restart.py.)"""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from selfdirect.core.roles import Role
from selfdirect.people import selectors

pytestmark = pytest.mark.django_db


def test_health_answers_ok_with_no_sign_in_and_no_cache():
    response = Client().get("/health/")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain") and "no-cache" in response["Cache-Control"]
    assert Client().get("/health/live/").content == b"ok\n"


def test_health_says_503_when_the_database_does_not_answer(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/health/")
    assert response.status_code == 503 and response.content == b"database unavailable\n"


def test_health_is_get_only():
    assert Client().post("/health/").status_code == 405


def test_a_page_whose_database_fails_gets_a_503_try_again_page(monkeypatch, user_of_role, client_as):
    client = client_as(user_of_role(Role.SOCIAL_WORKER))

    def lost_connection(**kwargs):
        raise OperationalError('server closed the connection unexpectedly: SELECT "people_person"."nhs_number"')

    monkeypatch.setattr(selectors, "person_search", lost_connection)
    response = client.get("/people/?q=Smith")
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Sorry, the service is unavailable for a moment" in body and "Try again in a minute" in body
    assert "nhs_number" not in body and "Traceback" not in body and "OperationalError" not in body


def test_other_database_errors_are_not_hidden_as_unavailable(monkeypatch, user_of_role, client_as):
    """A data error is a bug, not an outage: it stays a 500 (raised here by the test client)."""
    from django.db import IntegrityError

    client = client_as(user_of_role(Role.SOCIAL_WORKER))

    def bug(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(selectors, "person_search", bug)
    with pytest.raises(IntegrityError):
        client.get("/people/?q=Smith")
