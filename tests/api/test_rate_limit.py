"""Each API token may make so many calls a minute (its own limit, or the council's API_CALLS_PER_MINUTE): beyond it
the answer is 429 with Retry-After, counted in the database so every server process shares the count."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from selfdirect.api.models import ApiToken
from selfdirect.api.services import TooManyCalls, api_token_authenticate, api_token_issue
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError

pytestmark = pytest.mark.django_db

MINUTE = timezone.make_aware(datetime.datetime(2026, 11, 23, 10, 15))


@pytest.fixture
def admin(user_of_role):
    return user_of_role(Role.ADMINISTRATOR)


def _issue(admin, user, **kw):
    expires = timezone.localdate() + datetime.timedelta(days=30)
    return api_token_issue(name="Discharge hub", actor=admin, user=user, expires_on=expires, **kw)


def test_the_calls_beyond_the_limit_get_429_until_the_next_minute(admin, social_worker):
    token, secret = _issue(admin, social_worker, calls_per_minute=3)
    at = [MINUTE + datetime.timedelta(seconds=s) for s in (0, 10, 20)]
    assert [api_token_authenticate(secret=secret, now=now).window_calls for now in at] == [1, 2, 3]
    with pytest.raises(TooManyCalls) as over:
        api_token_authenticate(secret=secret, now=MINUTE + datetime.timedelta(seconds=45))
    assert over.value.retry_after == 15 and "may make 3 calls a minute" in str(over.value)
    next_minute = MINUTE + datetime.timedelta(minutes=1, seconds=1)
    assert api_token_authenticate(secret=secret, now=next_minute).window_calls == 1
    token.refresh_from_db()
    assert token.last_used_at == next_minute and token.window_start == MINUTE + datetime.timedelta(minutes=1)


def test_the_answer_is_429_json_with_retry_after(admin, social_worker):
    _token, secret = _issue(admin, social_worker, calls_per_minute=2)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert [client.get("/api/v1/people", {"q": "Smith"}).status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/people", {"q": "Smith"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    [error] = response.json()["errors"]
    assert error["field"] == "" and "may make 2 calls a minute: try again in" in error["message"]
    # A refused call reads nothing, so nothing is audited for it.
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=social_worker).count()
    client.get("/api/v1/people", {"q": "Smith"})
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=social_worker).count() == reads


def test_each_token_has_its_own_count(admin, social_worker, user_of_role):
    _a, first = _issue(admin, social_worker, calls_per_minute=1)
    _b, second = _issue(admin, user_of_role(Role.SOCIAL_WORKER), calls_per_minute=1)
    api_token_authenticate(secret=first, now=MINUTE)
    assert api_token_authenticate(secret=second, now=MINUTE).window_calls == 1
    with pytest.raises(TooManyCalls):
        api_token_authenticate(secret=first, now=MINUTE)


def test_the_councils_usual_limit_applies_unless_the_token_has_its_own(admin, social_worker, settings):
    settings.API_CALLS_PER_MINUTE = 120
    token, _secret = _issue(admin, social_worker)
    assert token.calls_per_minute == 120
    with pytest.raises(DomainError, match="from 1 to 10,000 calls a minute"):
        _issue(admin, social_worker, calls_per_minute=10_001)


def test_the_issue_page_takes_a_limit_and_says_what_is_wrong(admin, social_worker, client_as):
    expires = timezone.localdate() + datetime.timedelta(days=30)
    form = {"name": "Finance system", "kind": "staff", "user": social_worker.pk, "expires_on_0": expires.day,
            "expires_on_1": expires.month, "expires_on_2": expires.year}  # fmt: skip
    client = client_as(admin)
    refused = client.post("/api-tokens/new/", form | {"calls_per_minute": "lots"})
    assert "Enter the calls a minute as a whole number, like 300" in refused.content.decode()
    assert not ApiToken.objects.exists()
    client.post("/api-tokens/new/", form | {"calls_per_minute": "60"})
    assert ApiToken.objects.get().calls_per_minute == 60
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">60</td>'
        in client.get("/api-tokens/").content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_calls_at_the_same_time_are_each_counted(admin, social_worker):
    """Eight calls at once from eight threads (eight database connections, as eight server processes would have):
    the count is eight, none lost."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the test SQLite database is one in-memory file)")
    token, secret = _issue(admin, social_worker, calls_per_minute=100)
    errors = []

    def call():
        try:
            api_token_authenticate(secret=secret, now=MINUTE)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    token.refresh_from_db()
    assert token.window_calls == 8
