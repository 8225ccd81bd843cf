"""Support plans (Care Act s25) with their needs, lines, risks and contingency; who plans (the person, staff or a
support-planning organisation); approval by a manager or the funding panel; and the clock that shows where the
time went."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules import cld, plan_costs, short_term
from selfdirect.rules import direct_payments as dp_rules

MONEY = {"max_digits": 12, "decimal_places": 2}


class Party(models.TextChoices):
    """Who a plan is waiting on: the clock attributes every hour to one of these."""

    WORKER = "worker", "Council worker"
    PERSON = "person", "The person or their family"
    ORGANISATION = "organisation", "Support-planning organisation"
    PANEL = "panel", "Manager or funding panel"
    FINANCE = "finance", "Finance"


class Management(models.TextChoices):
    """How the money for a plan line is managed. Listed in no order of preference: none is the default."""

    DIRECT_PAYMENT = plan_costs.DIRECT_PAYMENT, "Direct payment"
    COUNCIL_MANAGED = plan_costs.COUNCIL_MANAGED, "Council-managed"
    INDIVIDUAL_SERVICE_FUND = plan_costs.INDIVIDUAL_SERVICE_FUND, "Individual service fund (held by a provider)"
    NOT_PAID = plan_costs.NOT_PAID, "Not paid for (family, friends, community)"


class PlanningOrganisation(models.Model):
    """A voluntary or user-led organisation that takes referrals for support planning, up to its capacity."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    monthly_capacity = models.PositiveSmallIntegerField(help_text="New referrals it can take each month")
    non_directed_advocacy = models.BooleanField(
        "Offers non-directed advocacy", default=False, help_text="Can plan with people who lack capacity to direct it"
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupportPlan(models.Model):
    """A care and support plan (s25): needs, how they will be met, at what cost, and what happens if it fails."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being written"
        WITH_MANAGER = "with_manager", "With a team manager for approval"
        AT_PANEL = "at_panel", "With the funding panel"
        RETURNED = "returned", "Returned for changes"
        AWAITING_FINANCE = "awaiting_finance", "Approved, waiting for the financial assessment"
        APPROVED = "approved", "Approved"
        CANCELLED = "cancelled", "Cancelled"
        SUPERSEDED = "superseded", "Replaced by a newer plan"

    class Planner(models.TextChoices):
        PERSON = "person", "The person or their family"
        STAFF = "staff", "A council worker"
        ORGANISATION = "organisation", "A support-planning organisation"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="support_plans")
    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.PROTECT, related_name="support_plans")
    indicative_budget = models.ForeignKey(
        "money.IndicativeBudget", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    planner = models.CharField("Who is planning", max_length=12, choices=Planner.choices, default=Planner.STAFF)
    planning_organisation = models.ForeignKey(
        PlanningOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    # Who has the plan now, while it is being written (the clock charges the time to them).
    held_by = models.CharField(max_length=12, choices=Party.choices, default=Party.WORKER)
    # s25(1)(d) and the person's own words.
    what_matters = models.TextField("What matters to me", blank=True)
    outcomes = models.TextField("What I want to achieve", blank=True)
    advice_given = models.TextField("Advice and information given", blank=True)
    budget_difference_reason = models.TextField("Why the cost differs from the indicative budget", blank=True)
    # Filled in when the plan is submitted, from its lines (kept so decisions can be read as they were made).
    weekly_total = models.DecimalField(**MONEY, default=0)
    weekly_direct_payment = models.DecimalField(**MONEY, default=0)
    weekly_council_managed = models.DecimalField(**MONEY, default=0)
    weekly_individual_service_fund = models.DecimalField(**MONEY, default=0)
    approval_route = models.CharField(max_length=10, blank=True, help_text="manager or panel")
    start_date = models.DateField(null=True, blank=True, help_text="When the support is planned to start")
    # Complex or high-risk plans are reviewed more often than yearly (reviews rules).
    high_risk = models.BooleanField("Complex or high-risk: review more often", default=False)
    personal_budget = models.ForeignKey(
        "money.PersonalBudget", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every change names the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"Support plan {self.pk} for {self.person}"

    def get_absolute_url(self):
        return reverse("plan_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class PlanNeed(models.Model):
    """A need from the assessment (pre-filled, never retyped): s25(1)(a)-(d)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="needs")
    outcome_code = models.CharField(max_length=2, blank=True, help_text="The eligibility outcome it comes from")
    title = models.CharField(max_length=200)
    in_own_words = models.TextField(blank=True)
    eligible = models.BooleanField(default=True)
    how_met = models.TextField("How this will be met", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.title


class PlanLine(models.Model):
    """One piece of support: what, who, how much, how often, and how it is paid for."""

    class SupportKind(models.TextChoices):
        PROVIDER = "provider", "A provider (agency, day centre, care home)"
        PA = "pa", "A personal assistant"
        UNPAID = "unpaid", "Family, friends or a community group (unpaid)"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="lines")
    need = models.ForeignKey(PlanNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines")
    description = models.CharField("What", max_length=300)
    support_kind = models.CharField("Who", max_length=10, choices=SupportKind.choices)
    provider = models.ForeignKey("market.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pa = models.ForeignKey(
        "market.PersonalAssistant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    who_name = models.CharField("Name of who helps", max_length=200, blank=True, help_text="For unpaid support")
    service_component = models.CharField(max_length=60, choices=cld.choices(cld.SERVICE_COMPONENTS), blank=True)
    unit_type = models.CharField(max_length=30, choices=cld.choices(cld.COST_FREQUENCIES), default="Hourly")
    units = models.DecimalField("Units each time", max_digits=8, decimal_places=2, default=1)
    per_week = models.DecimalField("Times a week", max_digits=6, decimal_places=2, default=1)
    unit_rate = models.DecimalField(**MONEY, default=0)
    rate = models.ForeignKey("market.Rate", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    days_times = models.CharField("Days and times", max_length=200, blank=True)
    management = models.CharField(max_length=30, choices=Management.choices, default=Management.NOT_PAID)
    weekly_cost = models.DecimalField(**MONEY, default=0)
    one_off_cost = models.DecimalField(**MONEY, default=0)
    flagged = models.CharField(
        max_length=300, blank=True, help_text="Why this line needs attention (for example a PA suspended)"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekly_cost__gte=0), name="plan_line_cost_not_negative"),
        ]

    def __str__(self):
        return self.description

    @property
    def who(self) -> str:
        return str(self.provider or self.pa or self.who_name or "")

    @property
    def is_costed(self) -> bool:
        return self.management != Management.NOT_PAID

    def costed(self) -> plan_costs.CostedLine:
        return plan_costs.CostedLine(
            weekly_cost=self.weekly_cost,
            management=self.management,
            free=short_term.is_free_component(self.service_component),
        )


class PlanRisk(models.Model):
    """A risk, how likely and serious it is, what reduces it, who does that, and what the person thinks."""

    class Level(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="risks")
    risk = models.TextField("What could go wrong")
    likelihood = models.CharField(max_length=6, choices=Level.choices)
    impact = models.CharField(max_length=6, choices=Level.choices)
    mitigation = models.TextField("What will reduce the risk")
    responsible = models.CharField("Who will do that", max_length=200)
    persons_view = models.TextField("What the person thinks", blank=True)
    positive_risk_taking = models.BooleanField(
        "The person chooses to take this risk", default=False, help_text="Positive risk-taking, recorded as a choice"
    )

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self):
        return self.risk[:60]


class ContingencyPlan(models.Model):
    """What happens if the support fails (part of every plan; a plan cannot be submitted without it)."""

    plan = models.OneToOneField(SupportPlan, on_delete=models.CASCADE, related_name="contingency")
    if_main_support_fails = models.TextField("If the main support fails", blank=True)
    if_pa_absent = models.TextField("If a personal assistant or carer cannot come", blank=True)
    if_money_runs_out = models.TextField("If the money runs out", blank=True)
    in_a_crisis = models.TextField("In a crisis", blank=True)
    backup_name = models.CharField("Backup contact's name", max_length=200, blank=True)
    backup_phone = models.CharField("Backup contact's phone number", max_length=30, blank=True)
    emergency_name = models.CharField("Emergency contact's name", max_length=200, blank=True)
    emergency_phone = models.CharField("Emergency contact's phone number", max_length=30, blank=True)

    def __str__(self):
        return f"Contingency for plan {self.plan_id}"


class DirectPaymentSuitability(models.Model):
    """The s31/s32 conditions for a direct payment, as the worker found them."""

    class Route(models.TextChoices):
        S31_PERSON = dp_rules.S31_PERSON, dp_rules.ROUTES[dp_rules.S31_PERSON]
        S31_NOMINEE = dp_rules.S31_NOMINEE, dp_rules.ROUTES[dp_rules.S31_NOMINEE]
        S32_AUTHORISED = dp_rules.S32_AUTHORISED, dp_rules.ROUTES[dp_rules.S32_AUTHORISED]

    plan = models.OneToOneField(SupportPlan, on_delete=models.CASCADE, related_name="dp_suitability")
    route = models.CharField(max_length=20, choices=Route.choices)
    recipient = models.ForeignKey(
        "people.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The nominee or authorised person (blank: the person themselves)",
    )
    conditions = models.JSONField(default=dict, help_text='{"c1": true, ...} as recorded')
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Direct payment suitability for plan {self.plan_id}"

    @property
    def unmet(self) -> list[str]:
        return dp_rules.unmet(self.route, self.conditions)


class PlanningReferral(models.Model):
    """A referral to a support-planning organisation: taken this month, or queued with an expected start."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a place"
        ACCEPTED = "accepted", "Taken on"
        COMPLETED = "completed", "Plan written"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organisation = models.ForeignKey(PlanningOrganisation, on_delete=models.PROTECT, related_name="referrals")
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    needs_non_directed_advocacy = models.BooleanField(default=False)
    referred_at = models.DateTimeField(default=timezone.now)
    accepted_on = models.DateField(null=True, blank=True)
    expected_start = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["referred_at", "id"]
        indexes = [models.Index(fields=["organisation", "status", "accepted_on"])]

    def __str__(self):
        return f"Referral of plan {self.plan_id} to {self.organisation}"


class PanelMeeting(models.Model):
    """A funding panel meeting: its agenda is the plans it will decide; decisions need a quorum."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    meets_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panel_meetings", blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panel_attendance", blank=True)
    quorum = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        ordering = ["meets_at"]

    def __str__(self):
        return f"Funding panel {timezone.localtime(self.meets_at):%-d %B %Y %H:%M}"

    def get_absolute_url(self):
        return reverse("panel_meeting", args=[self.pk])


class PanelAgendaItem(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="agenda")
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "plan"], name="plan_once_per_agenda")]

    def __str__(self):
        return f"{self.meeting}: plan {self.plan_id}"


class PlanDecision(models.Model):
    """A manager's or the panel's decision, with its reasons. A return always has a category."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CHANGES = "approve_with_changes", "Approve with changes"
        RETURN = "return", "Return for changes"

    class ReturnCategory(models.TextChoices):
        MISSING_INFORMATION = "missing_information", "Missing information"
        COST = "cost", "Cost"
        ALTERNATIVE = "alternative", "A suitable alternative is available"
        CLERICAL = "clerical", "Clerical (a correction that does not change the support)"

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="decisions")
    route = models.CharField(max_length=10)
    meeting = models.ForeignKey(PanelMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    return_category = models.CharField(max_length=24, choices=ReturnCategory.choices, blank=True)
    reasons = models.TextField()
    changes_required = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self):
        return f"{self.get_outcome_display()} plan {self.plan_id}"


class PlanClockSegment(models.Model):
    """A stretch of time a plan spent in one state, waiting on one party. Open while ended_at is empty."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="clock")
    status = models.CharField(max_length=20, choices=SupportPlan.Status.choices)
    party = models.CharField(max_length=12, choices=Party.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(ended_at__isnull=True), name="one_open_clock_segment"
            )
        ]

    def __str__(self):
        return f"Plan {self.plan_id} {self.status} ({self.party}) from {self.started_at}"
