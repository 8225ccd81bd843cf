"""Integration API tokens. Only a SHA-256 hash of each token is stored: the token itself is shown once, when it is
issued, and cannot be recovered (a lost token is revoked and a new one issued)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


def default_calls_per_minute() -> int:
    return settings.API_CALLS_PER_MINUTE


class ApiToken(models.Model):
    """A bearer token for /api/v1/. It acts as `user`: a member of staff's own account (their role, teams and
    allocations apply), or the service account made for a system integration with the role it was given."""

    class Kind(models.TextChoices):
        STAFF = "staff", "A member of staff (acts as them)"
        INTEGRATION = "integration", "A system integration (its own account, with a role)"

    name = models.CharField(max_length=100, help_text="What the token is for, for example 'NHS discharge hub'")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it by")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    calls_per_minute = models.PositiveIntegerField(
        default=default_calls_per_minute, help_text="Calls beyond this in one minute get 429 Too Many Requests"
    )
    # The calls made in the current minute (a fixed window), counted in the database so every server process
    # shares the count.
    window_start = models.DateTimeField(null=True, blank=True)
    window_calls = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if self.is_active() else "Expired"


class Webhook(models.Model):
    """Pushes the event feed to an integration's HTTPS endpoint (`manage.py deliver_webhooks`): the same events its
    token would read from /api/v1/events, in batches, signed with HMAC-SHA256, retried with back-off until the
    endpoint answers 2xx. Delivery is at least once: receivers de-duplicate by event id."""

    name = models.CharField(max_length=100)
    url = models.URLField("Address the events are sent to", max_length=500)
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="webhooks")
    # Kept in clear: the council signs with it and the receiver checks with it (shown once, at creation).
    secret = models.CharField(max_length=64)
    after = models.BigIntegerField(default=0, help_text="The last event id delivered")
    is_active = models.BooleanField(default=True)
    failures = models.PositiveIntegerField(default=0, help_text="Failed attempts since the last delivery")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} → {self.url}"
