"""Requests for support, needs and carer's assessments, capacity and advocacy (Care Act s9, s10, s67)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules import cld
from selfdirect.rules.advocacy import Difficulty, Exception_


class Requester(models.TextChoices):
    SELF = "self", "The person themselves"
    FAMILY = "family", "Family member or friend"
    CARER = "carer", "Unpaid carer"
    ADVOCATE = "advocate", "Advocate"
    HEALTH = "health", "GP, hospital or other health professional"
    PROFESSIONAL = "professional", "Other professional"
    OTHER = "other", "Someone else"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Online (the portal)"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    REFERRAL = "referral", "Referral from another service"


class SupportRequest(models.Model):
    """A request for support (a contact): the first step of the pathway and a CLD Request event."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="support_requests"
    )
    # Who the request is about, as told: a person record is matched or created from these.
    subject_first_name = models.CharField("First name", max_length=100)
    subject_last_name = models.CharField("Last name", max_length=100)
    subject_date_of_birth = models.DateField("Date of birth", null=True, blank=True)
    subject_postcode = models.CharField("Postcode", max_length=8, blank=True)
    subject_phone = models.CharField("Phone number", max_length=30, blank=True)
    requester = models.CharField("Who asked", max_length=20, choices=Requester.choices)
    requester_name = models.CharField("Their name", max_length=200, blank=True)
    requester_contact = models.CharField("How to contact them", max_length=200, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    route_of_access = models.CharField(max_length=80, choices=cld.choices(cld.REQUEST_ROUTES))
    received_on = models.DateField(default=timezone.localdate)
    what_they_need = models.TextField("What they need help with")
    immediate_risk = models.BooleanField("Someone is at immediate risk", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=80, choices=cld.choices(cld.REQUEST_OUTCOMES), blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    portal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="portal_requests"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"Request {self.pk}: {self.subject_first_name} {self.subject_last_name}"

    def get_absolute_url(self):
        return reverse("request_detail", args=[self.pk])

    @property
    def subject_name(self) -> str:
        return f"{self.subject_first_name} {self.subject_last_name}"


class Frequency(models.TextChoices):
    """How often help is needed with an outcome (feeds the resource allocation system)."""

    LESS_THAN_WEEKLY = "less_than_weekly", "Less than once a week"
    WEEKLY = "weekly", "Once or a few times a week"
    DAILY = "daily", "Every day"
    SEVERAL_DAILY = "several_daily", "Several times a day"


class Supervision(models.TextChoices):
    NONE = "none", "No"
    SOME = "some", "Some of the day"
    MOST = "most", "Most of the day"
    CONSTANT = "constant", "All of the time, day and night"


class NightSupport(models.TextChoices):
    NONE = "none", "No"
    SLEEPING = "sleeping", "Someone nearby at night, in case"
    WAKING = "waking", "Help during the night, most nights"


class QuestionBank(models.Model):
    """A version of the assessment questions. Published versions are frozen: editing makes a new version,
    and each assessment keeps the version it was answered with."""

    version = models.PositiveIntegerField(unique=True)
    notes = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        state = "published" if self.published_at else "draft"
        return f"Question bank version {self.version} ({state})"


class Question(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", "An eligibility outcome (can they achieve it, and if not why)"
        TEXT = "text", "Free text in their own words"
        YES_NO = "yes_no", "Yes or no"
        CHOICE = "choice", "One of a list (the list belongs to the answer's field)"

    class AppliesTo(models.TextChoices):
        NEEDS = "needs", "Needs assessment"
        CARER = "carer", "Carer's assessment"
        BOTH = "both", "Both"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60, help_text="Stable name, the same across versions")
    section = models.CharField(max_length=80, help_text="The page heading it appears under")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    applies_to = models.CharField(max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    outcome_code = models.CharField(
        max_length=2, blank=True, help_text="For outcome questions: a-j (adults) or 1-8 (carers)"
    )
    text_you = models.CharField("Question for the person", max_length=300)
    text_they = models.CharField("Question for someone answering for them", max_length=300)
    hint_you = models.CharField(max_length=500, blank=True)
    hint_they = models.CharField(max_length=500, blank=True)
    # Hopes for the future: optional, skipping costs nothing, hidden from proxies unless they ask.
    is_optional = models.BooleanField(default=False)
    is_future_hopes = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["bank", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "key"], name="unique_question_key_per_bank")]

    def __str__(self):
        return f"v{self.bank.version} {self.key}"

    def wording(self, *, on_behalf: bool) -> tuple[str, str]:
        return (self.text_they, self.hint_they) if on_behalf else (self.text_you, self.hint_you)


class Assessment(models.Model):
    """A needs assessment (s9) or carer's assessment (s10), from first answers to signed-off decision."""

    class Kind(models.TextChoices):
        NEEDS = "needs", "Needs assessment"
        CARER = "carer", "Carer's assessment"

    class Status(models.TextChoices):
        DRAFT = "draft", "Being completed"
        SUBMITTED = "submitted", "Submitted, waiting for a worker"
        IN_PROGRESS = "in_progress", "With a worker"
        SIGNED_OFF = "signed_off", "Decision made"
        CANCELLED = "cancelled", "Cancelled"

    class Respondent(models.TextChoices):
        PERSON = "person", "The person themselves"
        ON_BEHALF = "on_behalf", "Someone on their behalf"
        PRACTITIONER = "practitioner", "A practitioner with the person"

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed as calculated"
        OVERRIDDEN = "overridden", "Overridden by a qualified practitioner"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEEDS)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    request = models.ForeignKey(
        SupportRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    cared_for = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carer_assessments",
        help_text="For a carer's assessment: the person they care for",
    )
    question_bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="assessments")
    respondent = models.CharField(max_length=12, choices=Respondent.choices, default=Respondent.PRACTITIONER)
    respondent_name = models.CharField(max_length=200, blank=True)
    respondent_relationship = models.CharField(max_length=100, blank=True)
    show_future_hopes_to_proxy = models.BooleanField(default=False)
    assessment_type = models.CharField(max_length=40, choices=cld.choices(cld.ASSESSMENT_TYPES))
    method = models.CharField(max_length=40, choices=cld.choices(cld.ASSESSMENT_METHODS))
    primary_support_reason = models.CharField(
        max_length=80, choices=cld.choices(cld.PRIMARY_SUPPORT_REASONS), blank=True
    )
    # The eligibility conditions other than the outcomes (None: not answered yet).
    needs_from_impairment = models.BooleanField(
        "Needs arise from a physical or mental impairment or illness", null=True, blank=True
    )
    needs_from_caring = models.BooleanField("Needs arise from providing necessary care", null=True, blank=True)
    # How much help, for the resource allocation system.
    supervision = models.CharField(max_length=10, choices=Supervision.choices, blank=True)
    night_support = models.CharField(max_length=10, choices=NightSupport.choices, blank=True)
    carer_health_deteriorating = models.BooleanField(
        "The carer's physical or mental health is, or is at risk of, deteriorating", null=True, blank=True
    )
    significant_impact = models.BooleanField(
        "There is, or is likely to be, a significant impact on wellbeing", null=True, blank=True
    )
    # s9(4): wellbeing, wishes and outcomes, fluctuating needs as a typical week (never "your worst day").
    wellbeing_impact = models.TextField(blank=True)
    wishes_and_outcomes = models.TextField(blank=True)
    typical_week = models.TextField(blank=True)
    needs_fluctuate = models.BooleanField(null=True, blank=True)
    fluctuation_frequency = models.CharField(max_length=300, blank=True)
    fluctuation_how_worse = models.TextField(blank=True)
    # s67: substantial difficulty in being involved, and who supports the person's involvement.
    difficulties = models.JSONField(default=list, blank=True, help_text=f"Any of {[d.value for d in Difficulty]}")
    advocacy_exceptions = models.JSONField(
        default=list, blank=True, help_text=f"Any of {[e.value for e in Exception_]}"
    )
    appropriate_person = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    involvement_recorded = models.BooleanField(default=False)
    # Complex work needs a qualified social worker.
    is_complex = models.BooleanField(default=False)
    complexity_reasons = models.TextField(blank=True)
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    # The computed eligibility (rules/eligibility.py) and the practitioner's decision on it.
    computed_eligible = models.BooleanField(null=True, blank=True)
    computed_unable = models.JSONField(default=list, blank=True)
    computed_explanation = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decision_eligible = models.BooleanField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # CLD Event Outcome, set when the decision is signed off (eligible needs lead on to support planning).
    event_outcome = models.CharField(max_length=80, choices=cld.choices(cld.EVENT_OUTCOMES), blank=True)
    started_on = models.DateField(default=timezone.localdate)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["status", "allocated_worker"])]

    def __str__(self):
        who = self.person or (self.request.subject_name if self.request else "unknown person")
        return f"{self.get_kind_display()} for {who}"

    def get_absolute_url(self):
        return reverse("assessment_detail", args=[self.pk])

    @property
    def on_behalf(self) -> bool:
        return self.respondent == self.Respondent.ON_BEHALF

    @property
    def eligible_needs_identified(self) -> bool | None:
        """CLD "Eligible Needs Identified": the signed-off decision."""
        return self.decision_eligible

    @property
    def event_end_date(self):
        """CLD Event End Date: the day the decision was made."""
        return timezone.localdate(self.signed_off_at) if self.signed_off_at else None


class OutcomeAnswer(models.Model):
    """One eligibility outcome: can the person achieve it, and if not, which reg 2(3) / 3(3) limbs apply."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="outcome_answers")
    code = models.CharField(max_length=2)
    unable_reasons = models.JSONField(default=list, blank=True)
    own_words = models.TextField(blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    met_by_unpaid_carer = models.BooleanField(
        default=False, help_text="Recorded, but still counted for eligibility (a carer may not always be there)"
    )

    class Meta:
        ordering = ["assessment", "code"]
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="one_answer_per_outcome")]

    def __str__(self):
        return f"{self.assessment_id} {self.code}: {', '.join(self.unable_reasons) or 'can achieve'}"

    @property
    def is_unable(self) -> bool:
        return bool(self.unable_reasons)


class TextAnswer(models.Model):
    """An answer to a text or yes/no question of the bank."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="text_answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.assessment_id} {self.question.key}"


class AnswerChange(models.Model):
    """A practitioner's change to a self-assessment answer while verifying it. Shown to the person."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answer_changes")
    item = models.CharField(max_length=80, help_text="The outcome code or question key changed")
    item_label = models.CharField(max_length=300)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.item_label}: {self.old_value} → {self.new_value}"


class CapacityAssessment(models.Model):
    """A decision-specific mental capacity assessment (MCA 2005 two-stage test)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="capacity_assessments")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    decision = models.CharField("The decision", max_length=300, help_text="For example, where to live")
    impairment = models.BooleanField("Stage 1: an impairment of, or disturbance in, the mind or brain")
    can_understand = models.BooleanField()
    can_retain = models.BooleanField()
    can_use_or_weigh = models.BooleanField()
    can_communicate = models.BooleanField()
    lacks_capacity = models.BooleanField()
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"Capacity to decide {self.decision}: {'lacks' if self.lacks_capacity else 'has'}"


class AdvocacyReferral(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Referral sent"
        ARRANGED = "arranged", "Advocate arranged"
        DECLINED = "declined", "Declined by the provider"
        CLOSED = "closed", "Closed"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="advocacy_referrals")
    organisation = models.CharField(max_length=200)
    referred_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    advocate_name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self):
        return f"Advocacy referral to {self.organisation} ({self.get_status_display()})"
