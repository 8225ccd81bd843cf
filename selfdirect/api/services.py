"""Issuing, using and revoking API tokens. Each change is one transaction with its audit record."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.text import slugify

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError

from .models import ApiToken

TOKEN_PREFIX = "sd_"  # noqa: S105 (the visible start of every token, so leaks can be spotted: not a secret)
PREFIX_SHOWN = 10
# Longest a token may live: a leaked token stops working within a year even if nobody revokes it.
MAX_LIFETIME_DAYS = 366
MAX_CALLS_PER_MINUTE = 10_000
# How often last_used_at is written: not on every call, so a busy integration does not write on every read.
# An integration may hold any staff role but these: issuing tokens and answering subject access stay with people.
INTEGRATION_ROLES = [role for role in Role if role not in (Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER)]


def token_hash(secret: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough (no slow hash needed to resist guessing)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _integration_account(*, name: str, role: str):
    """The service account an integration acts as: a role, no password (it can never sign in to the pages)."""
    User = get_user_model()
    base = f"integration-{slugify(name)[:60] or 'token'}"
    username = base
    while User.objects.filter(username=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    user = User(username=username, first_name=name[:150], last_name="(integration)", role=role, is_active=True)
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def api_token_issue(
    *,
    name: str,
    actor,
    expires_on: datetime.date,
    user=None,
    integration_role: str = "",
    calls_per_minute: int | None = None,
    request=None,
) -> tuple[ApiToken, str]:
    """Issue a token for a member of staff (`user`) or a system integration (`integration_role`). Returns the token
    and its secret: the secret is not stored, so this is the only time anyone sees it."""
    name = name.strip()
    if not name:
        raise DomainError("Say what the token is for", field="name")
    today = timezone.localdate()
    if expires_on <= today:
        raise DomainError("The expiry date must be in the future", field="expires_on")
    if expires_on > today + datetime.timedelta(days=MAX_LIFETIME_DAYS):
        raise DomainError(f"A token can last at most {MAX_LIFETIME_DAYS} days: choose an earlier date", "expires_on")
    calls_per_minute = calls_per_minute or settings.API_CALLS_PER_MINUTE
    if not 1 <= calls_per_minute <= MAX_CALLS_PER_MINUTE:
        raise DomainError(f"Allow from 1 to {MAX_CALLS_PER_MINUTE:,} calls a minute", field="calls_per_minute")
    if (user is None) == (not integration_role):
        raise DomainError("Choose either a member of staff or an integration role", field="kind")
    if user is not None:
        if not user.is_staff_member:
            raise DomainError("Tokens can only act as an active member of staff", field="user")
        kind = ApiToken.Kind.STAFF
    else:
        if integration_role not in INTEGRATION_ROLES:
            raise DomainError("Choose a role an integration may have", field="integration_role")
        user = _integration_account(name=name, role=integration_role)
        kind = ApiToken.Kind.INTEGRATION
    secret = _new_secret()
    expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time(23, 59, 59)))
    token = ApiToken.objects.create(
        name=name,
        kind=kind,
        user=user,
        prefix=secret[:PREFIX_SHOWN],
        token_hash=token_hash(secret),
        expires_at=expires_at,
        calls_per_minute=calls_per_minute,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=token,
        summary=f"Issued API token '{name}' acting as {user} ({user.get_role_display()}), expires {expires_on}, "
        f"{calls_per_minute:,} calls a minute",
        changes={"user": [None, str(user)], "role": [None, user.role], "expires_at": [None, str(expires_at)]},
        request=request,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor, request=None) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise DomainError("This token has already been revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        summary=f"Revoked API token '{locked.name}'",
        changes={"revoked_at": [None, str(locked.revoked_at)]},
        request=request,
    )
    return locked


class TokenRefused(Exception):
    """The bearer token is unknown, expired or revoked; the message says which (a caller can act on it)."""


class TooManyCalls(Exception):
    """The token has used its calls for this minute; `retry_after` is the seconds until the next."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def api_token_authenticate(*, secret: str, now=None) -> ApiToken:
    """The active token with this secret, its call counted; TokenRefused if there is none, TooManyCalls when it is
    over its calls for the minute."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(secret)).first()
    if token is None:
        raise TokenRefused("The API token is not recognised: check it was copied whole, or ask for a new one")
    if token.revoked_at is not None:
        raise TokenRefused("This API token has been revoked: ask the council's administrator for a new one")
    if token.expires_at <= now:
        raise TokenRefused("This API token has expired: ask the council's administrator for a new one")
    if not token.user.is_staff_member:
        raise TokenRefused("The account this API token acts as is no longer active")
    token.window_calls = _count_call(token, now)
    token.last_used_at = now
    if token.window_calls > token.calls_per_minute:
        retry_after = 60 - now.second
        raise TooManyCalls(
            f"This token may make {token.calls_per_minute} calls a minute: try again in {retry_after} seconds",
            retry_after=retry_after,
        )
    return token


def _count_call(token: ApiToken, now) -> int:
    """Count the call in the token's current minute and return the count. One UPDATE whose SET reads the row as it
    was, so concurrent calls in several server processes each add one."""
    minute = now.replace(second=0, microsecond=0)
    same_minute = Case(When(window_start=minute, then=F("window_calls") + 1), default=Value(1))
    ApiToken.objects.filter(pk=token.pk).update(window_calls=same_minute, window_start=minute, last_used_at=now)
    return ApiToken.objects.values_list("window_calls", flat=True).get(pk=token.pk)
