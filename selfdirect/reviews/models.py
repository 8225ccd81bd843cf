"""Reviews (Care Act s27, DP regulations reg 7): the schedule, unplanned reviews and review records; failed
arrangements with their emergency cover; and the tasks each worker has to do."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules import cld


class Review(models.Model):
    """A review due or done: a CLD Review event once completed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Due"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        FIRST = "first", "First review of a new plan (6 to 8 weeks)"
        ANNUAL = "annual", "Yearly review"
        DIRECT_PAYMENT = "direct_payment", "Direct payment review"
        UNPLANNED = "unplanned", "Unplanned review"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="reviews")
    plan = models.ForeignKey(
        "planning.SupportPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField("Review reason", max_length=80, choices=cld.choices(cld.REVIEW_REASONS))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    due_on = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    # The record of the review (CLD Review event fields).
    method = models.CharField(max_length=40, choices=cld.choices(cld.REVIEW_METHODS), blank=True)
    participants = models.TextField("Who took part", blank=True)
    outcomes_achieved = models.CharField(max_length=40, choices=cld.choices(cld.REVIEW_OUTCOMES_ACHIEVED), blank=True)
    what_changes = models.TextField(blank=True)
    event_outcome = models.CharField(max_length=80, choices=cld.choices(cld.EVENT_OUTCOMES), blank=True)
    reassessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A reassessment showing changed needs: required before a review reduces the budget",
    )
    new_weekly_total = models.DecimalField(
        "Weekly cost agreed at the review",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Blank when the review did not change the cost of the plan",
    )
    cancelled_reason = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person} due {self.due_on}"

    def get_absolute_url(self):
        return reverse("review_detail", args=[self.pk])


class FailedArrangement(models.Model):
    """A breakdown of care: what happened, the contingency followed, the emergency cover and the unplanned review."""

    class Kind(models.TextChoices):
        PA_ABSENT = "pa_absent", "A personal assistant is absent or has left"
        PROVIDER_HANDBACK = "provider_handback", "A provider has handed back the care"
        DP_HOLDER_UNABLE = "dp_holder_unable", "The direct-payment holder cannot manage"
        MONEY_RUN_OUT = "money_run_out", "The money has run out"
        OTHER = "other", "Something else"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="failed_arrangements")
    plan = models.ForeignKey("planning.SupportPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    arrangement = models.ForeignKey(
        "market.Arrangement", null=True, blank=True, on_delete=models.PROTECT, related_name="failures"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    what_happened = models.TextField()
    occurred_on = models.DateField(default=timezone.localdate)
    emergency_cover = models.ForeignKey(
        "market.Arrangement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notified = models.CharField(max_length=300, blank=True, help_text="Who was told, and how")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person} on {self.occurred_on}"


class Task(models.Model):
    """Something a named worker (or a role's shared queue) must do by a date. Sources make tasks idempotently:
    one open task per source."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review due"
        TRIAGE = "triage", "Safeguarding triage"
        ENQUIRY = "enquiry", "Safeguarding enquiry"
        BREAK_GLASS = "break_glass", "Restricted record opened"
        FAILED_ARRANGEMENT = "failed_arrangement", "Failed arrangement"
        DP_FINDING = "dp_finding", "Direct payment finding"
        FINANCIAL_ABUSE = "financial_abuse", "Financial abuse alleged"
        PA_CHECK = "pa_check", "PA check lapsing"
        ADVOCACY = "advocacy", "Advocacy referral"
        RETURNED_PLAN = "returned_plan", "Plan returned"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField(max_length=40, blank=True, help_text="A role's shared queue when nobody is named")
    due_on = models.DateField()
    source = models.CharField(max_length=80, blank=True, help_text="For example review:12; one open task per source")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(done_at__isnull=True) & ~models.Q(source=""),
                name="one_open_task_per_source",
            )
        ]

    def __str__(self):
        return self.title
