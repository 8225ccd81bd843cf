"""Demo tokens: one in use, one revoked, one expired; none usable (their secrets are not kept); re-runnable."""

import pytest
from django.test import Client

from selfdirect.api.models import ApiToken, Webhook
from selfdirect.api.seeding import reset_api_tokens, seed_api_tokens
from selfdirect.api.webhooks import webhook_create
from selfdirect.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_staff():
    UserFactory(username="admin", role=Role.ADMINISTRATOR)
    UserFactory(username="finance", role=Role.FINANCE_OFFICER)


def test_seed_makes_three_tokens_in_three_states_and_is_rerunnable(demo_staff):
    assert seed_api_tokens(seed=3) == {"api_tokens": 3}
    assert sorted(t.status for t in ApiToken.objects.all()) == ["Active", "Expired", "Revoked"]
    active = ApiToken.objects.get(name="Finance system ledger sync")
    assert active.kind == "integration" and active.user.role == Role.FINANCE_OFFICER and active.last_used_at
    assert seed_api_tokens(seed=3) == {"api_tokens": 0}
    assert ApiToken.objects.count() == 3


def test_seeded_tokens_cannot_be_used(demo_staff):
    seed_api_tokens(seed=3)
    response = Client(headers={"Authorization": "Bearer sd_guess"}).get("/api/v1/people", {"q": "Smith"})
    assert response.status_code == 401


def test_reset_removes_webhooks_and_tokens_and_deactivates_integration_accounts(demo_staff):
    seed_api_tokens(seed=3)
    active = ApiToken.objects.get(name="Finance system ledger sync")
    webhook_create(name="Ledger", url="https://ledger.example.org/hook", token=active, actor=active.created_by)
    users = [t.user for t in ApiToken.objects.filter(kind="integration")]
    reset_api_tokens()
    assert not ApiToken.objects.exists() and not Webhook.objects.exists()
    for user in users:
        user.refresh_from_db()
        assert not user.is_active
