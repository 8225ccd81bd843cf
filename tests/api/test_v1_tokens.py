"""API tokens: only a hash is kept, shown once, expiry and revocation, last use; the administrators' pages."""

import datetime
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from selfdirect.api.models import ApiToken
from selfdirect.api.services import api_token_issue, api_token_revoke
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(user_of_role):
    return user_of_role(Role.ADMINISTRATOR, first_name="Ada", last_name="Admin")


def _issue(admin, user, days=30, **kw):
    return api_token_issue(
        name="Finance system",
        actor=admin,
        user=user,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        **kw,
    )


def _client(secret):
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_only_a_hash_of_the_token_is_stored(admin, social_worker):
    token, secret = _issue(admin, social_worker)
    assert secret.startswith("sd_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in ApiToken.objects.values().get().values()}
    assert stored.prefix == secret[:10]
    assert stored.expires_at.date() == timezone.localdate() + datetime.timedelta(days=30)


def test_a_token_works_and_notes_when_it_was_last_used(admin, social_worker):
    token, secret = _issue(admin, social_worker)
    assert token.last_used_at is None
    assert _client(secret).get("/api/v1/people", {"q": "Smith"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    "header, message",
    [
        ("", "Send an API token"),
        ("Bearer", "Send an API token"),
        ("Basic dXNlcjpwYXNz", "Send an API token"),
        ("Bearer sd_not-a-real-token", "not recognised"),
    ],
)
def test_a_missing_or_unknown_token_is_401(db, header, message):
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get("/api/v1/people", {"q": "Smith"})
    assert response.status_code == 401
    assert message in response.json()["errors"][0]["message"]


def test_an_expired_token_is_401(admin, social_worker):
    token, secret = _issue(admin, social_worker)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _client(secret).get("/api/v1/people", {"q": "Smith"})
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]


def test_a_revoked_token_stops_working_at_once_and_the_revocation_is_audited(admin, social_worker):
    token, secret = _issue(admin, social_worker)
    client = _client(secret)
    assert client.get("/api/v1/people", {"q": "Smith"}).status_code == 200
    api_token_revoke(token=token, actor=admin)
    response = client.get("/api/v1/people", {"q": "Smith"})
    assert response.status_code == 401 and "revoked" in response.json()["errors"][0]["message"]
    assert AuditEvent.objects.filter(
        actor=admin, action="update", object_type="api.apitoken", object_id=str(token.pk)
    ).exists()
    with pytest.raises(DomainError):
        api_token_revoke(token=token, actor=admin)


def test_a_token_for_someone_who_has_left_stops_working(admin, social_worker):
    _, secret = _issue(admin, social_worker)
    social_worker.is_active = False
    social_worker.save()
    assert _client(secret).get("/api/v1/people", {"q": "Smith"}).status_code == 401


def test_issuing_is_audited_without_the_secret(admin, social_worker):
    token, secret = _issue(admin, social_worker)
    event = AuditEvent.objects.get(actor=admin, action="create", object_type="api.apitoken")
    assert event.object_id == str(token.pk)
    assert "Finance system" in event.summary
    assert secret not in event.summary and secret not in str(event.changes)


@pytest.mark.parametrize(
    "days, kw, field",
    [
        (0, {}, "expires_on"),
        (-5, {}, "expires_on"),
        (367, {}, "expires_on"),
        (30, {"integration_role": Role.ASSESSOR}, "kind"),  # both a user and a role
    ],
)
def test_issuing_refuses_bad_choices(admin, social_worker, days, kw, field):
    with pytest.raises(DomainError) as refused:
        _issue(admin, social_worker, days=days, **kw)
    assert refused.value.field == field
    assert not ApiToken.objects.exists()


def test_a_token_can_last_a_year_but_no_more(admin, social_worker):
    token, _ = _issue(admin, social_worker, days=366)
    assert token.pk


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER, "wizard"])
def test_an_integration_cannot_have_an_administrators_or_dpos_role(admin, role):
    with pytest.raises(DomainError):
        api_token_issue(
            name="X", actor=admin, integration_role=role, expires_on=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_a_token_cannot_act_as_a_portal_user(admin, user_of_role):
    portal_user = user_of_role(role="")
    with pytest.raises(DomainError):
        _issue(admin, portal_user)


# --- pages --------------------------------------------------------------------------------------------------------


def _form(staff, **kw):
    expires = timezone.localdate() + datetime.timedelta(days=90)
    return {
        "name": "NHS discharge hub",
        "kind": "staff",
        "user": staff.pk,
        "integration_role": "",
        "expires_on_0": expires.day,
        "expires_on_1": expires.month,
        "expires_on_2": expires.year,
    } | kw


def test_an_administrator_issues_a_token_and_sees_it_once(admin, social_worker, client_as):
    client = client_as(admin)
    response = client.post("/api-tokens/new/", _form(social_worker))
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    listing = client.get("/api-tokens/")
    assert b"NHS discharge hub" in listing.content and secret.encode() not in listing.content
    assert _client(secret).get("/api/v1/people", {"q": "x"}).status_code == 200


def test_the_issue_form_says_what_is_missing(admin, client_as):
    response = client_as(admin).post("/api-tokens/new/", _form(admin, kind="integration", user=""))
    assert response.status_code == 200
    assert "Choose the role the integration has" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_integration_token_from_the_page(admin, client_as):
    response = client_as(admin).post(
        "/api-tokens/new/", _form(admin, kind="integration", user="", integration_role="finance_officer")
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.kind == "integration" and token.user.role == Role.FINANCE_OFFICER


def test_an_administrator_revokes_a_token_from_the_page(admin, social_worker, client_as):
    token, secret = _issue(admin, social_worker)
    client = client_as(admin)
    assert b"Revoke the token" in client.get(f"/api-tokens/{token.pk}/revoke/").content
    response = client.post(f"/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == admin and token.status == "Revoked"


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.DATA_PROTECTION_OFFICER])
def test_other_roles_cannot_use_the_token_pages(user_of_role, client_as, role):
    client = client_as(user_of_role(role))
    assert client.get("/api-tokens/").status_code == 403
    assert client.post("/api-tokens/new/", {}).status_code == 403


# --- the reference page -------------------------------------------------------------------------------------------


def test_the_reference_page_lists_every_operation_without_inline_script(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    for path in ("/api/v1/people/{person_id}/notes", "/api/v1/events", "/api/v1/calculators/charging"):
        assert path in html
    assert 'id="schema-NoteIn"' in html and "Add a case note (note.add)" in html


def test_integration_accounts_are_not_offered_as_workers_to_allocate_to(admin, social_worker, team):
    """An integration holding a social worker's role is a service account: the allocation form lists people only."""
    from selfdirect.people.forms import AllocationForm

    token, _secret = api_token_issue(name="NHS discharge feed", actor=admin, integration_role=Role.SOCIAL_WORKER,
                                     expires_on=timezone.localdate() + datetime.timedelta(days=30))  # fmt: skip
    workers = list(AllocationForm().fields["worker"].queryset)
    assert social_worker in workers and token.user not in workers


def test_the_tokens_page_has_a_plain_title(admin, client_as):
    html = client_as(admin).get("/api-tokens/").content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and title.strip().startswith("API tokens")
