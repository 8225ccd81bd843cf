"""Safeguarding concerns, s42 triage and enquiries (Making Safeguarding Personal), and break-glass openings of
restricted records."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class AbuseType(models.TextChoices):
    """Types of abuse and neglect named in the Care and Support Statutory Guidance, chapter 14."""

    PHYSICAL = "physical", "Physical abuse"
    DOMESTIC = "domestic", "Domestic violence or abuse"
    SEXUAL = "sexual", "Sexual abuse"
    PSYCHOLOGICAL = "psychological", "Psychological or emotional abuse"
    FINANCIAL = "financial", "Financial or material abuse"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational abuse"
    NEGLECT = "neglect", "Neglect or acts of omission"
    SELF_NEGLECT = "self_neglect", "Self-neglect"


class SafeguardingConcern(models.Model):
    """A concern that an adult is experiencing, or at risk of, abuse or neglect: raised by anyone."""

    class RaisedBy(models.TextChoices):
        WORKER = "worker", "A council worker"
        PA = "pa", "A personal assistant"
        PROVIDER = "provider", "A care provider"
        PERSON = "person", "The person themselves"
        FAMILY = "family", "Family or a friend"
        NEIGHBOUR = "neighbour", "A neighbour or member of the public"
        HEALTH = "health", "A health professional"
        POLICE = "police", "The police"
        OTHER = "other", "Someone else"

    class Status(models.TextChoices):
        NEW = "new", "Waiting for triage"
        ENQUIRY = "enquiry", "Enquiry open"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        S42 = "s42", "Section 42 enquiry"
        OTHER = "other", "Other safeguarding enquiry"
        NFA = "nfa", "No further safeguarding action"

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    # As told by whoever raised it: matched to a record at triage when it came from the public form.
    subject_name = models.CharField("Name of the adult at risk", max_length=200)
    subject_address = models.CharField("Where they live", max_length=300, blank=True)
    subject_postcode = models.CharField(max_length=8, blank=True)
    raised_by = models.CharField(max_length=12, choices=RaisedBy.choices)
    raised_by_name = models.CharField(max_length=200, blank=True)
    raised_by_contact = models.CharField(max_length=200, blank=True)
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_public_form = models.BooleanField(default=False)
    what_happened = models.TextField()
    when_happened = models.CharField(max_length=200, blank=True)
    abuse_types = models.JSONField(default=list, blank=True)
    immediate_risk = models.BooleanField(default=False)
    persons_views = models.TextField("What the person thinks and wants", blank=True)
    person_aware = models.BooleanField("The person knows this concern is being raised", null=True, blank=True)
    alleged_source = models.CharField("Who is thought to be causing harm", max_length=300, blank=True)
    alleged_pa = models.ForeignKey(
        "market.PersonalAssistant", null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    alleged_provider = models.ForeignKey(
        "market.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(default=timezone.now)
    triage_due_at = models.DateTimeField()
    # Triage: the three s42(1) criteria, and the decision with its reasons.
    has_care_needs = models.BooleanField("(a) has needs for care and support", null=True, blank=True)
    experiencing_abuse = models.BooleanField(
        "(b) is experiencing, or at risk of, abuse or neglect", null=True, blank=True
    )
    cannot_protect_self = models.BooleanField(
        "(c) because of those needs, cannot protect themselves", null=True, blank=True
    )
    decision = models.CharField(max_length=6, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "triage_due_at"])]

    def __str__(self):
        return f"Safeguarding concern {self.pk} about {self.subject_name}"

    def get_absolute_url(self):
        return reverse("safeguarding_concern", args=[self.pk])

    @property
    def alleges_financial_abuse(self) -> bool:
        return AbuseType.FINANCIAL in self.abuse_types

    @property
    def reference(self) -> str:
        """The reference given to whoever raised it (the public form's thank-you page shows only this)."""
        return f"SG{self.pk:06d}" if self.pk else ""

    @property
    def is_triage_overdue(self) -> bool:
        return self.status == self.Status.NEW and self.triage_due_at < timezone.now()

    def abuse_type_labels(self) -> list[str]:
        labels = dict(AbuseType.choices)
        return [labels.get(value, value) for value in self.abuse_types]


class SafeguardingEnquiry(models.Model):
    """An s42 (or other) enquiry, with the person's own desired outcomes asked at the start and whether they were
    achieved at the end (Making Safeguarding Personal)."""

    class Stage(models.TextChoices):
        PLANNING = "planning", "Planning the enquiry"
        GATHERING = "gathering", "Finding out what happened"
        DECIDING = "deciding", "Deciding what to do"
        PLAN = "plan", "Safeguarding plan in place"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", "Risk identified: substantiated"
        PARTLY = "partly", "Partly substantiated"
        NOT = "not", "Not substantiated"
        INCONCLUSIVE = "inconclusive", "Inconclusive"
        NO_RISK = "no_risk", "No risk identified"

    class Achieved(models.TextChoices):
        FULLY = "fully", "Fully achieved"
        PARTLY = "partly", "Partly achieved"
        NOT = "not", "Not achieved"
        NOT_ASKED = "not_asked", "Not asked, or the person did not say"

    concern = models.OneToOneField(SafeguardingConcern, on_delete=models.PROTECT, related_name="enquiry")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="safeguarding_enquiries")
    kind = models.CharField(max_length=6, choices=SafeguardingConcern.Decision.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PLANNING)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    desired_outcomes = models.TextField("What the person wants to happen")
    needs_advocate = models.BooleanField(
        "Substantial difficulty being involved: an advocate is needed (s68)", default=False
    )
    advocate_arranged = models.CharField("Advocate arranged", max_length=200, blank=True)
    safeguarding_plan = models.TextField(blank=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True)
    outcomes_achieved = models.CharField(max_length=10, choices=Achieved.choices, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name_plural = "safeguarding enquiries"

    def __str__(self):
        return f"Safeguarding enquiry {self.pk}"

    def get_absolute_url(self):
        return reverse("safeguarding_enquiry", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_overdue(self) -> bool:
        return self.closed_at is None and self.due_at < timezone.now()


class EnquiryAction(models.Model):
    enquiry = models.ForeignKey(SafeguardingEnquiry, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["enquiry", "due_on", "id"]

    def __str__(self):
        return self.action

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class BreakGlass(models.Model):
    """Someone without the right opened a restricted record, giving a reason: audited, time-limited, and reported
    to the safeguarding lead, who marks it reviewed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name_plural = "break-glass openings"

    def __str__(self):
        return f"{self.user} opened {self.person_id} at {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
