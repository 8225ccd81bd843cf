from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models

from .roles import Role


class User(AbstractUser):
    """A member of staff (with a role) or, in later issues, a portal user (no role)."""

    role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    # Portal accounts must verify their email address before they can use the portal.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return bool(self.role) and self.is_active

    @property
    def is_portal_user(self) -> bool:
        """A member of the public (or their family or advocate): an account with no staff role."""
        return not self.role and self.is_active


class AuditEventQuerySet(models.QuerySet):
    """Bulk updates and deletes bypass save() and delete(), so the queryset refuses them too."""

    def update(self, **kwargs):
        raise PermissionDenied("Audit records cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit records cannot be deleted.")

    _raw_delete = delete


class AuditEvent(models.Model):
    """Append-only record of who read or changed what. Never updated or deleted.

    On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE as well, so the promise
    does not rest on the application alone.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        DENIED = "denied", "Access refused"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events")
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    # The person the record is about, kept as a plain id so core does not depend on people.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit records cannot be deleted.")


class Sequence(models.Model):
    """Named counters for human-facing reference numbers (council person IDs). Blocks can be
    reserved at once for bulk loads; gaps are harmless, reuse is not."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"


class CodeListConfirmation(models.Model):
    """An administrator's confirmation that a code list the reference marks UNCONFIRMED matches the current
    CLD specification (rules/cld.py holds the values)."""

    list_name = models.CharField(max_length=60, unique=True)
    note = models.CharField(max_length=300, blank=True)
    confirmed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.list_name} confirmed by {self.confirmed_by}"


class CouncilSettings(models.Model):
    """Choices each council makes for itself (one row). None of these is a national rule: an administrator sets
    them on the council settings page, and the page says so."""

    class PaChecksPolicy(models.TextChoices):
        MANDATORY = "mandatory", "Mandatory: a PA starts only when every check is current"
        RECOMMENDED = (
            "recommended",
            "Recommended: a PA may start without them if the employer's informed choice is recorded",
        )

    manager_approval_limit_weekly = models.DecimalField(
        "Highest weekly plan cost a team manager may approve",
        max_digits=12,
        decimal_places=2,
        default=500,
        help_text="Plans above this, or above the indicative budget, go to the funding panel.",
    )
    panel_quorum = models.PositiveSmallIntegerField(
        "Members needed at a funding panel meeting for its decisions to count", default=3
    )
    pa_checks_policy = models.CharField(
        "Checks on personal assistants", max_length=12, choices=PaChecksPolicy.choices, default=PaChecksPolicy.MANDATORY
    )
    dbs_recheck_years = models.PositiveSmallIntegerField(
        "Years after which a DBS certificate must be renewed (unless on the Update Service)", default=3
    )
    check_alert_days = models.PositiveSmallIntegerField("Days' warning before a check lapses", default=42)
    safeguarding_triage_days = models.PositiveSmallIntegerField(
        "Days to triage a safeguarding concern against the s42 criteria", default=2
    )
    safeguarding_enquiry_days = models.PositiveSmallIntegerField("Days to complete a safeguarding enquiry", default=28)
    unplanned_review_days = models.PositiveSmallIntegerField(
        "Days within which an unplanned review follows a failed arrangement", default=5
    )
    dp_surplus_weeks = models.PositiveSmallIntegerField(
        "Weeks of budget a direct-payment balance may hold before a recoupment is proposed", default=8
    )
    dp_no_wages_weeks = models.PositiveSmallIntegerField(
        "Weeks without PA wages (where the plan has a PA) before a check-in", default=4
    )
    break_glass_minutes = models.PositiveSmallIntegerField(
        "Minutes a break-glass opening of a restricted record lasts", default=60
    )
    updated_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "council settings"

    def __str__(self):
        return "Council settings"

    @classmethod
    def current(cls) -> "CouncilSettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
