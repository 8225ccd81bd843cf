"""Information governance: staff recovery codes, the retention schedule and decisions, and flags on the records of
staff members and their relatives (for the unusual-access report)."""

from django.conf import settings
from django.db import models

from selfdirect.rules import retention


class RecoveryCode(models.Model):
    """A one-time code a member of staff can use instead of an authenticator code. Only a keyed hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]

    def __str__(self):
        return f"Recovery code for {self.user} ({'used' if self.used_at else 'unused'})"


class GovernanceSettings(models.Model):
    """The council's retention schedule and unusual-access thresholds (one row). Council choices, not national rules:
    the data protection officer keeps them on the retention settings page."""

    years_after_support_ends = models.PositiveSmallIntegerField(
        "Years a record is kept after the council's support ends", default=retention.DEFAULT_YEARS_AFTER_SUPPORT
    )
    years_after_death = models.PositiveSmallIntegerField(
        "Years a record is kept after the person's death", default=retention.DEFAULT_YEARS_AFTER_DEATH
    )
    unusual_access_threshold = models.PositiveSmallIntegerField(
        "Records outside their caseload a worker may open in the period before the report lists them", default=20
    )
    unusual_access_days = models.PositiveSmallIntegerField("Days the unusual-access report looks back", default=7)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "governance settings"

    def __str__(self):
        return "Governance settings"

    @classmethod
    def current(cls) -> "GovernanceSettings":
        row, _ = cls.objects.get_or_create(pk=1)
        return row


class SensitiveRecordFlag(models.Model):
    """The person is a member of staff, or a relative of one: every read by anyone outside their caseload is
    listed on the unusual-access report."""

    class Kind(models.TextChoices):
        STAFF_MEMBER = "staff_member", "A member of staff"
        STAFF_RELATIVE = "staff_relative", "A relative of a member of staff"

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="sensitive_flag")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The member of staff (themself, or the one they are related to), if known.",
    )  # fmt: skip
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.get_kind_display()}: person {self.person_id}"


class RetentionDecision(models.Model):
    """The data protection officer's decision on a record past its retention date. Nothing is erased or anonymised
    without one. After erasure the decision keeps only the record's internal number, never personal data."""

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep it for now"
        ANONYMISE = "anonymise", "Anonymise it (keep the figures, remove who it is)"
        ERASE = "erase", "Erase it"

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="retention_decisions")  # fmt: skip
    person_number = models.BigIntegerField("Internal record number", db_index=True)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = models.CharField(max_length=500, blank=True)
    keep_until = models.DateField(null=True, blank=True)
    retain_until = models.DateField("Retention date when decided")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self):
        return f"{self.get_decision_display()} (record {self.person_number})"
