"""Short-term support episodes (reablement and other short-term support) with goals in the person's words and
their 91-day follow-ups; the other public money a person gets for their support; jointly funded packages; and
signposting at the end of a request. Code lists live in rules/short_term.py and rules/joint_funding.py."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules import cld, joint_funding, short_term

MONEY = {"max_digits": 12, "decimal_places": 2}


class ShortTermEpisode(models.Model):
    """An episode of short-term support (a CLD Service event of a short-term type)."""

    class Status(models.TextChoices):
        OPEN = "open", "Under way"
        CLOSED = "closed", "Closed"

    class StartedFrom(models.TextChoices):
        HOSPITAL = "hospital", "Discharge from hospital"
        REQUEST = "request", "A request for support"
        COMMUNITY = "community", "In the community (for example after a fall at home)"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="short_term_episodes")
    team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="short_term_episodes"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="short_term_episodes"
    )
    service_type = models.CharField(max_length=60, choices=[(t, t) for t in short_term.EPISODE_TYPES])
    service_component = models.CharField(
        max_length=60, choices=cld.choices(cld.SERVICE_COMPONENTS), default="Reablement"
    )
    intermediate_care = models.BooleanField(default=False, help_text="Intermediate care: free for six weeks")
    started_from = models.CharField(max_length=12, choices=StartedFrom.choices)
    support_request = models.ForeignKey(
        "assessments.SupportRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discharged_on = models.DateField(null=True, blank=True, help_text="The day the person left hospital")
    hospital = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    planned_end = models.DateField()
    actual_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    sequel = models.CharField(max_length=40, choices=short_term.SEQUEL_CHOICES, blank=True)
    closing_notes = models.TextField(blank=True)
    # CLD: a new client is not in receipt of long-term support when the event starts (STS002a or b).
    existing_client = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "team"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end__gte=models.F("start_date")), name="episode_plan"),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True) | models.Q(actual_end__gte=models.F("start_date")),
                name="episode_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.type_label} for {self.person}"

    def get_absolute_url(self):
        return reverse("episode_detail", args=[self.pk])

    @property
    def type_label(self) -> str:
        return short_term.EPISODE_TYPE_LABELS.get(self.service_type, self.service_type)

    @property
    def sequel_label(self) -> str:
        return short_term.SEQUELS_BY_CODE[self.sequel].label if self.sequel else ""

    @property
    def is_free_service(self) -> bool:
        return self.intermediate_care or short_term.is_free_component(self.service_component)

    @property
    def free_until(self):
        """The last free day (reg 3(2)): equipment is always free (None); reablement the first six weeks."""
        if self.service_component in short_term.ALWAYS_FREE_COMPONENTS:
            return None
        if not self.is_free_service:
            return None
        return short_term.free_period_end(self.start_date, self.actual_end or self.planned_end)


class Goal(models.Model):
    """A goal for the episode, in the person's own words."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PROGRESSING = "progressing", "Making progress"
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    episode = models.ForeignKey(ShortTermEpisode, on_delete=models.CASCADE, related_name="goals")
    in_own_words = models.TextField()
    progress = models.CharField(max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    progress_notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["episode", "order", "id"]

    def __str__(self):
        return self.in_own_words[:60]


class FollowUp91(models.Model):
    """Were they still at home 91 days after leaving hospital into reablement? (SALT STS004.)"""

    episode = models.OneToOneField(ShortTermEpisode, on_delete=models.CASCADE, related_name="follow_up")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=list(short_term.FOLLOW_UP_OUTCOMES.items()), blank=True)
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self):
        return f"91-day follow-up for {self.person}, due {self.due_on}"

    @property
    def is_done(self) -> bool:
        return bool(self.outcome)


class OtherFunding(models.Model):
    """Other public money the person gets for their support (s26(3)): shown on their individual budget
    statement beside the personal budget, never added to it."""

    class Source(models.TextChoices):
        CHC = "chc", "NHS continuing healthcare"
        PHB = "phb", "Personal health budget"
        DFG = "dfg", "Disabled Facilities Grant"
        ACCESS_TO_WORK = "access_to_work", "Access to Work"
        HOUSING_SUPPORT = "housing_support", "Housing-related support"
        OTHER = "other", "Other public money"

    class Period(models.TextChoices):
        WEEKLY = "Weekly", "a week"
        FOUR_WEEKLY = "4-weekly", "every 4 weeks"
        MONTHLY = "Monthly", "a month"
        ANNUALLY = "Annually", "a year"
        ONE_OFF = "One-off", "once (a one-off amount)"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="other_funding")
    source = models.CharField(max_length=20, choices=Source.choices)
    description = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(**MONEY)
    period = models.CharField(max_length=10, choices=Period.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="other_funding_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} for {self.person}"


class JointFunding(models.Model):
    """Another funder's share of a support plan's cost (usually the NHS), by a percentage or a weekly amount. The
    council's share is what is left (rules/joint_funding.py)."""

    class Method(models.TextChoices):
        PERCENT = joint_funding.PERCENT, joint_funding.METHODS[joint_funding.PERCENT]
        AMOUNT = joint_funding.AMOUNT, joint_funding.METHODS[joint_funding.AMOUNT]

    plan = models.ForeignKey("planning.SupportPlan", on_delete=models.PROTECT, related_name="joint_funding")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    funder = models.CharField(max_length=120, help_text="For example the integrated care board")
    method = models.CharField(max_length=10, choices=Method.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    weekly_amount = models.DecimalField(**MONEY, null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    agreement_reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self):
        return f"{self.funder}'s share of plan {self.plan_id}"

    def share(self) -> joint_funding.Share:
        value = self.percent if self.method == self.Method.PERCENT else self.weekly_amount
        return joint_funding.Share(funder=self.funder, method=self.method, value=value)

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class SignpostingReferral(models.Model):
    """A request resolved with information and advice, or a referral to a community service (CLD outcome
    "NFA - Information & Advice / Signposting only")."""

    support_request = models.OneToOneField(
        "assessments.SupportRequest", on_delete=models.PROTECT, related_name="signposting"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=list(short_term.ADVICE_KINDS.items()))
    service = models.CharField(max_length=120, blank=True, choices=cld.choices(short_term.DIRECTORY_SERVICES))
    notes = models.TextField(blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_on = models.DateField(default=timezone.localdate)

    def __str__(self):
        return f"{self.get_kind_display()} for request {self.support_request_id}"
