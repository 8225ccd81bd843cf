"""The public form at /raise-a-concern/: no sign-in, spam protection without third-party services (a honeypot, a
minimum time to fill in from a signed timestamp, a per-address limit), clear errors for bad input and never a 500,
and a thank-you page that gives the reference number and nothing about the person."""

import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.html import escape

from selfdirect.core.models import AuditEvent
from selfdirect.reviews.models import Task
from selfdirect.safeguarding import forms as sg_forms
from selfdirect.safeguarding import views as sg_views
from selfdirect.safeguarding.models import SafeguardingConcern

URL = "/raise-a-concern/"


def started(seconds_ago: float = 60) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=sg_forms.TIMESTAMP_SALT)


def answers(**overrides) -> dict:
    data = {
        "subject_name": "Edna Marsh",
        "subject_address": "Flat 3, Ryecroft Court",
        "subject_postcode": "nm1 2ab",
        "what_happened": "Shouting every night and a bruise on her arm.",
        "when_happened": "The last two weeks",
        "abuse_types": ["physical", "psychological"],
        "immediate_risk": "no",
        "persons_views": "She says she is fine.",
        "person_aware": "dont_know",
        "alleged_source": "Her grandson",
        "raised_by": "neighbour",
        "raised_by_name": "",
        "raised_by_contact": "",
        "started": started(),
        "website": "",
    }
    return data | overrides


def test_the_form_opens_without_signing_in(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "If someone is in danger now, phone 999" in page
    assert 'name="started"' in page and 'name="website"' in page
    assert reverse("concern_raise_public") == URL


def test_a_concern_is_raised_and_the_thank_you_page_gives_only_the_reference(client, db):
    response = client.post(URL, answers())
    assert response.status_code == 302 and response["Location"] == reverse("concern_raise_public_sent")
    concern = SafeguardingConcern.objects.get()
    assert concern.from_public_form and concern.person is None and concern.raised_by_user is None
    assert concern.subject_postcode == "NM1 2AB" and concern.abuse_types == ["physical", "psychological"]
    assert concern.person_aware is None and concern.immediate_risk is False
    assert Task.objects.filter(source=f"concern:{concern.pk}", role="safeguarding_lead").exists()
    created = AuditEvent.objects.get(object_type="safeguarding.safeguardingconcern", action=AuditEvent.Action.CREATE)
    assert created.ip_address == "127.0.0.1" and created.actor is None
    page = client.get(response["Location"]).content.decode()
    assert concern.reference in page
    for private in ("Edna", "Marsh", "Ryecroft", "grandson", "bruise"):
        assert private not in page


def test_the_thank_you_page_without_a_concern_goes_back_to_the_form(client, db):
    response = client.get(reverse("concern_raise_public_sent"))
    assert response.status_code == 302 and response["Location"] == URL


def test_the_honeypot_refuses_and_logs(client, db):
    response = client.post(URL, answers(website="http://spam.example"))
    assert response.status_code == 200
    assert escape(sg_forms.SPAM_MESSAGE) in response.content.decode()
    assert not SafeguardingConcern.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, summary__contains="hidden field").exists()


def test_a_form_sent_too_quickly_is_refused_then_accepted_once_time_has_passed(client, db, monkeypatch):
    """Sent within the minimum time: refused, answers kept and the same timestamp kept, so sending again after a
    few seconds works."""
    token = started(seconds_ago=1)
    response = client.post(URL, answers(started=token))
    page = response.content.decode()
    assert response.status_code == 200 and sg_forms.TOO_FAST_MESSAGE in page
    assert "Shouting every night" in page and token in page
    assert not SafeguardingConcern.objects.exists()
    monkeypatch.setattr(sg_forms, "MIN_FILL_SECONDS", 0)
    assert client.post(URL, answers(started=token)).status_code == 302


@pytest.mark.parametrize("token", ["", "not-a-token", signing.dumps(time.time() - 60, salt="another-salt")])
def test_a_missing_or_altered_timestamp_is_refused_with_a_fresh_one(client, db, token):
    response = client.post(URL, answers(started=token))
    page = response.content.decode()
    assert response.status_code == 200 and sg_forms.EXPIRED_MESSAGE in page
    assert not SafeguardingConcern.objects.exists()
    fresh = page.split('name="started" value="')[1].split('"')[0]
    assert fresh != token and signing.loads(fresh, salt=sg_forms.TIMESTAMP_SALT)


def test_an_expired_timestamp_is_refused(client, db):
    response = client.post(URL, answers(started=started(seconds_ago=sg_forms.MAX_FORM_AGE_SECONDS + 60)))
    assert sg_forms.EXPIRED_MESSAGE in response.content.decode()


def test_too_many_from_one_address_are_refused(client, db):
    """After the limit in an hour from one address, the form refuses with a clear message (429), and the person is
    told to phone 999 if someone is in danger."""
    for _ in range(sg_views.PUBLIC_LIMIT):
        assert client.post(URL, answers()).status_code == 302
    response = client.post(URL, answers())
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many concerns have been sent from this connection" in page and "999" in page
    assert SafeguardingConcern.objects.count() == sg_views.PUBLIC_LIMIT
    # Another address is not affected.
    assert client.post(URL, answers(), REMOTE_ADDR="192.0.2.7").status_code == 302


def test_refused_attempts_count_towards_the_limit(client, db):
    for _ in range(sg_views.PUBLIC_LIMIT):
        client.post(URL, answers(website="spam"))
    assert client.post(URL, answers()).status_code == 429


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"subject_name": ""}, "Enter the name of the adult"),
        ({"what_happened": "  "}, "Enter what has happened, or what you are worried about"),
        ({"immediate_risk": ""}, "Select yes if anyone is in danger right now"),
        ({"immediate_risk": "perhaps"}, "Select yes if anyone is in danger right now"),
        ({"person_aware": ""}, "Select whether the person knows you are telling us"),
        ({"raised_by": ""}, "Select who you are"),
        ({"raised_by": "worker"}, "Select who you are"),
        ({"subject_postcode": "XYZ"}, "Enter a real postcode"),
        ({"abuse_types": ["martian"]}, "Select a valid choice"),
        ({"what_happened": "x" * 10_001}, "10,000 characters or fewer"),
        ({"subject_name": "x" * 201}, "200 characters or fewer"),
    ],
)
def test_bad_input_gets_a_clear_error(client, db, overrides, message):
    response = client.post(URL, answers(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not SafeguardingConcern.objects.exists()


def test_nonsense_posts_never_500(client, db):
    for data in ({}, {"abuse_types": "x" * 5000}, {"started": "\x00"}, {"website": ["a", "b"]}):
        assert client.post(URL, data).status_code in (200, 429)
    assert client.post(URL, "not form data", content_type="application/json").status_code in (200, 429)
    assert client.put(URL).status_code == 405


def test_immediate_risk_is_recorded_and_flagged_for_triage(client, db):
    client.post(URL, answers(immediate_risk="yes"))
    concern = SafeguardingConcern.objects.get()
    assert concern.immediate_risk
    assert "immediate risk" in Task.objects.get(source=f"concern:{concern.pk}").title
