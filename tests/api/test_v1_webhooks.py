"""Webhooks: the feed pushed, signed with HMAC-SHA256, the cursor moved only on 2xx, retries with back-off, stopped
with the token; the pages to add and stop them."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from selfdirect.api.models import ApiToken, Webhook
from selfdirect.api.services import api_token_issue, api_token_revoke
from selfdirect.api.webhooks import Answer, backoff, webhook_create, webhook_deliver
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.people import services as people_services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(user_of_role):
    return user_of_role(Role.ADMINISTRATOR)


@pytest.fixture
def token(admin, social_worker):
    token, _ = api_token_issue(
        name="Hub", actor=admin, user=social_worker, expires_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    return token


@pytest.fixture
def hook(admin, token):
    return webhook_create(name="Hub updates", url="https://hub.example.org/events", token=token, actor=admin)


def _note(person, actor):
    people_services.note_add(
        person=person, actor=actor, kind="phone", occurred_on=datetime.date(2026, 1, 5), subject="Call", text="T"
    )


class Receiver:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        return self.answers.pop(0) if self.answers else Answer(200)


def test_a_delivery_is_signed_and_carries_the_feeds_events(hook, social_worker, person):
    webhook, secret = hook
    _note(person, social_worker)
    receiver = Receiver(Answer(204))
    assert webhook_deliver(webhook=webhook, send=receiver) == "sent"
    url, body, headers = receiver.calls[0]
    assert url == "https://hub.example.org/events"
    expected = hmac.new(secret.encode(), headers["X-Selfdirect-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Selfdirect-Signature"] == "sha256=" + expected.hexdigest()
    payload = json.loads(body)
    assert [e["object_type"] for e in payload["events"]] == ["people.casenote"]
    webhook.refresh_from_db()
    assert webhook.after == payload["next_after"] and webhook.failures == 0 and webhook.last_delivered_at
    assert AuditEvent.objects.filter(action="export", object_type="api.webhook", changes={"person_ids": [person.pk]})
    # Nothing new: nothing sent.
    assert webhook_deliver(webhook=webhook, send=receiver) == "nothing" and len(receiver.calls) == 1


def test_changes_before_the_webhook_was_added_are_not_pushed(admin, token, social_worker, person):
    _note(person, social_worker)
    webhook, _ = webhook_create(name="Late", url="https://hub.example.org/e", token=token, actor=admin)
    assert webhook_deliver(webhook=webhook, send=Receiver()) == "nothing"


def test_a_failure_keeps_the_cursor_and_retries_after_a_growing_wait(hook, social_worker, person):
    webhook, _ = hook
    _note(person, social_worker)
    start = webhook.after
    now = timezone.now()
    receiver = Receiver(Answer(500, "HTTP 500"), Answer(None, "Connection refused"), Answer(200))
    assert webhook_deliver(webhook=webhook, send=receiver, now=now) == "failed"
    webhook.refresh_from_db()
    assert (webhook.after, webhook.failures, webhook.last_error) == (start, 1, "HTTP 500")
    assert webhook.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert webhook_deliver(webhook=webhook, send=receiver, now=now) == "waiting"
    later = now + datetime.timedelta(minutes=1)
    assert webhook_deliver(webhook=webhook, send=receiver, now=later) == "failed"
    webhook.refresh_from_db()
    assert webhook.failures == 2 and webhook.next_attempt_at == later + datetime.timedelta(minutes=2)
    assert webhook_deliver(webhook=webhook, send=receiver, now=later + datetime.timedelta(minutes=2)) == "sent"
    webhook.refresh_from_db()
    assert webhook.failures == 0 and webhook.after > start
    # The same batch was sent each time (at least once; the receiver de-duplicates by id).
    assert (
        receiver.calls[0][1] == receiver.calls[2][1]
        or json.loads(receiver.calls[0][1])["events"] == json.loads(receiver.calls[2][1])["events"]
    )


@pytest.mark.parametrize("failures, minutes", [(1, 1), (2, 2), (3, 4), (9, 256), (10, 360), (30, 360)])
def test_backoff_doubles_up_to_six_hours(failures, minutes):
    assert backoff(failures) == datetime.timedelta(minutes=minutes)


def test_a_webhook_stops_when_its_token_is_revoked(hook, admin, token, social_worker, person):
    webhook, _ = hook
    _note(person, social_worker)
    api_token_revoke(token=token, actor=admin)
    webhook.token.refresh_from_db()
    receiver = Receiver()
    assert webhook_deliver(webhook=webhook, send=receiver) == "stopped"
    assert receiver.calls == [] and not Webhook.objects.get(pk=webhook.pk).is_active


def test_a_webhook_sends_only_what_its_token_may_see(hook, user_of_role, social_worker):
    webhook, _ = hook
    other = user_of_role(Role.SOCIAL_WORKER)
    hidden = PersonFactory(is_restricted=True, allocated_worker=other)
    _note(hidden, other)
    assert webhook_deliver(webhook=webhook, send=Receiver()) == "nothing"


@pytest.mark.parametrize("url", ["http://hub.example.org/e", "ftp://x"])
def test_only_https_addresses(admin, token, url):
    with pytest.raises(DomainError):
        webhook_create(name="X", url=url, token=token, actor=admin)


def test_the_command_delivers_due_webhooks(hook, social_worker, person, monkeypatch, capsys):
    _note(person, social_worker)
    receiver = Receiver()
    monkeypatch.setattr("selfdirect.api.webhooks.http_post", receiver)
    call_command("deliver_webhooks")
    assert len(receiver.calls) == 1
    assert "1 nothing, 1 sent" in capsys.readouterr().out


def test_an_administrator_adds_and_stops_a_webhook_on_the_pages(admin, token, client_as):
    client = client_as(admin)
    response = client.post(
        "/api-tokens/webhooks/new/", {"name": "Finance", "url": "https://fin.example.org/hook", "token": token.pk}
    )
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    assert response.context["secret"] == webhook.secret and "no-store" in response["Cache-Control"]
    assert b"Finance" in client.get("/api-tokens/").content
    assert client.post(f"/api-tokens/webhooks/{webhook.pk}/stop/").status_code == 302
    assert not Webhook.objects.get().is_active


def test_the_page_refuses_an_unencrypted_address(admin, token, client_as):
    response = client_as(admin).post(
        "/api-tokens/webhooks/new/", {"name": "F", "url": "http://fin.example.org/hook", "token": token.pk}
    )
    assert response.status_code == 200 and "https://" in response.content.decode()
    assert not Webhook.objects.exists()
    assert ApiToken.objects.count() == 1
