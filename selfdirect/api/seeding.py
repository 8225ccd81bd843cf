"""Demo API tokens for the synthetic council: the tokens page has something to show (an integration's token in
use, one revoked, one expired). Their secrets are thrown away: nobody can use a seeded token, so a demo database
never holds a working credential. To try the API, the demo administrator issues a new token on the page.

Runs after the demo staff exist (usernames admin, finance). Re-runnable: existing seeded tokens are kept.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.roles import Role

from .models import ApiToken, Webhook
from .services import api_token_issue, api_token_revoke

SEEDED = [
    # (name, acts as: a username or an integration role, days until expiry, what happens to it)
    ("Finance system ledger sync", Role.FINANCE_OFFICER, 300, "used"),
    ("NHS discharge hub (old)", Role.ASSESSOR, 120, "revoked"),
    ("Finance officer's spreadsheet", "finance", 30, "expired"),
]


@transaction.atomic
def seed_api_tokens(*, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is None or ApiToken.objects.filter(name__in=[name for name, *_ in SEEDED]).exists():
        return {"api_tokens": 0}
    made = 0
    now = timezone.now()
    for name, acts_as, days, fate in SEEDED:
        staff = User.objects.filter(username=acts_as).first() if acts_as not in Role.values else None
        if acts_as not in Role.values and staff is None:
            continue
        token, _ = api_token_issue(
            name=name,
            actor=admin,
            user=staff,
            integration_role="" if staff else acts_as,
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
        )
        if fate == "used":
            last_used = now - datetime.timedelta(minutes=rng.randint(2, 600))
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=last_used)
        elif fate == "revoked":
            api_token_revoke(token=token, actor=admin)
        elif fate == "expired":
            ApiToken.objects.filter(pk=token.pk).update(expires_at=now - datetime.timedelta(days=rng.randint(1, 20)))
        made += 1
    return {"api_tokens": made}


@transaction.atomic
def reset_api_tokens() -> None:
    """Remove webhooks and tokens. Integration accounts stay (audit records and notes point at them), deactivated."""
    Webhook.objects.all().delete()
    integration_users = list(ApiToken.objects.filter(kind=ApiToken.Kind.INTEGRATION).values_list("user_id", flat=True))
    ApiToken.objects.all().delete()
    get_user_model().objects.filter(pk__in=integration_users).update(is_active=False)
