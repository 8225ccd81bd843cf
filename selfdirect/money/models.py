"""Money: charging figures by year, financial assessments, the resource allocation system (RAS), indicative
budgets, personal budgets (Care Act s26) and the yearly uprating."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules.charging import HOUSEHOLDS, SETTINGS
from selfdirect.rules.charging_figures import LABELS

MONEY = {"max_digits": 12, "decimal_places": 2}
WEEKS_PER_YEAR = 52


class ChargingYear(models.Model):
    """A financial year's charging figures (April to March)."""

    financial_year = models.CharField(max_length=7, unique=True, help_text="For example 2025-26")
    effective_from = models.DateField()

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self):
        return self.financial_year

    def figures(self) -> dict:
        """{key: amount} with None for anything not set and confirmed: what the engine may use."""
        return {f.key: f.amount if f.confirmed else None for f in self.charging_figures.all()}

    def unconfirmed(self):
        """Figures an administrator still has to confirm (or set) before the engine will use them."""
        return self.charging_figures.filter(confirmed=False)


class ChargingFigure(models.Model):
    year = models.ForeignKey(ChargingYear, on_delete=models.CASCADE, related_name="charging_figures")
    key = models.CharField(max_length=60, choices=list(LABELS.items()))
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    confirmed = models.BooleanField(default=False)
    source = models.CharField(max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year", "key"]
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="one_figure_per_key_per_year")]

    def __str__(self):
        return f"{self.year} {self.get_key_display()}: {self.amount if self.amount is not None else 'not set'}"


class FinancialAssessment(models.Model):
    """A person's financial assessment for one year: what they told us and what the engine worked out."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"
        SUPERSEDED = "superseded", "Replaced by a later assessment"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="financial_assessments")
    year = models.ForeignKey(ChargingYear, on_delete=models.PROTECT, related_name="financial_assessments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    setting = models.CharField(max_length=10, choices=[(s, s.replace("_", " ").capitalize()) for s in SETTINGS])
    household = models.CharField(max_length=12, choices=[(h, h.replace("_", " ").capitalize()) for h in HOUSEHOLDS])
    age = models.PositiveSmallIntegerField()
    reached_pension_credit_age = models.BooleanField()
    dependent_children = models.PositiveSmallIntegerField(default=0)
    disability_premium = models.BooleanField(default=False)
    enhanced_disability_premium = models.BooleanField(default=False)
    carer_premium = models.BooleanField(default=False)
    capital = models.DecimalField(**MONEY)
    weekly_income = models.JSONField(default=list, help_text='[{"type": "state_pension", "amount": "179.60"}]')
    weekly_housing_costs = models.DecimalField(**MONEY, default=Decimal("0.00"))
    weekly_disability_related_expenditure = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Blank: the council's standard allowance"
    )
    weekly_cost_of_care = models.DecimalField(**MONEY)
    # What the engine worked out (rules/charging.py), kept as it was on the day.
    tariff_income = models.DecimalField(**MONEY, null=True, blank=True)
    counted_income = models.DecimalField(**MONEY, null=True, blank=True)
    disregarded_income = models.DecimalField(**MONEY, null=True, blank=True)
    minimum_income_guarantee = models.DecimalField(**MONEY, null=True, blank=True)
    personal_expenses_allowance = models.DecimalField(**MONEY, null=True, blank=True)
    disability_related_expenditure_used = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="What the calculation allowed (the assessed amount or the standard)"
    )
    weekly_contribution = models.DecimalField(**MONEY, null=True, blank=True)
    full_cost = models.BooleanField(default=False)
    explanation = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why this assessment was made")
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_contribution__isnull=True) | Q(weekly_contribution__lte=F("weekly_cost_of_care")),
                name="contribution_never_above_cost_of_care",
            )
        ]

    def __str__(self):
        return f"Financial assessment {self.year} for {self.person}"

    def get_absolute_url(self):
        return reverse("financial_assessment_detail", args=[self.pk])


class RasTable(models.Model):
    """A version of the resource allocation points table. Published versions are frozen; every indicative
    budget records the version that produced it."""

    class Method(models.TextChoices):
        PRICE_PER_POINT = "price_per_point", "Price per point"
        BANDS = "bands", "Bands of points"

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=120)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.PRICE_PER_POINT)
    exceptional_points = models.DecimalField(
        max_digits=8, decimal_places=1, help_text="At or above this many points a manager is asked to look (no cap)"
    )
    notes = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"RAS version {self.version}: {self.name}"


class RasRule(models.Model):
    """Points for one kind of answer, e.g. key "outcome:a" (unable to achieve nutrition), "limb:endangers",
    "frequency:several_daily", "supervision:constant", "night:waking", "unpaid_carer" (a reduction)."""

    table = models.ForeignKey(RasTable, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(max_length=60)
    points = models.DecimalField(max_digits=8, decimal_places=1)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["table", "key"]
        constraints = [models.UniqueConstraint(fields=["table", "key"], name="one_rule_per_key")]

    def __str__(self):
        return f"{self.key}: {self.points}"


class RasPrice(models.Model):
    """Points to money for an age band and client group: a price per point, or a band's weekly amount."""

    table = models.ForeignKey(RasTable, on_delete=models.CASCADE, related_name="prices")
    age_band = models.CharField(
        max_length=8, choices=[("any", "Any age"), ("18-64", "18 to 64"), ("65+", "65 and over")]
    )
    client_group = models.CharField(max_length=80, default="any", help_text="A primary support reason, or 'any'")
    min_points = models.DecimalField(max_digits=8, decimal_places=1, default=Decimal("0"))
    max_points = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    price_per_point = models.DecimalField(**MONEY, null=True, blank=True)
    weekly_amount = models.DecimalField(**MONEY, null=True, blank=True, help_text="For bands")

    class Meta:
        ordering = ["table", "age_band", "client_group", "min_points"]

    def __str__(self):
        return f"{self.age_band} {self.client_group} from {self.min_points} points"


class IndicativeBudget(models.Model):
    """The up-front estimate of a person's budget, computed when an assessment is signed off as eligible."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="indicative_budget"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="indicative_budgets")
    table = models.ForeignKey(RasTable, on_delete=models.PROTECT, related_name="indicative_budgets")
    points = models.DecimalField(max_digits=8, decimal_places=1)
    weekly_amount = models.DecimalField(**MONEY)
    explanation = models.JSONField(default=list, help_text="Item by item: what scored how many points, and the price")
    exceptional = models.BooleanField(default=False, help_text="Flagged for a manager: needs beyond the usual range")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self):
        return f"Indicative budget £{self.weekly_amount}/week for {self.person}"

    @property
    def yearly_amount(self) -> Decimal:
        return self.weekly_amount * WEEKS_PER_YEAR


class PersonalBudget(models.Model):
    """The personal budget statement (Care Act s26), one version per change. Its parts always add up:
    total cost = the person's contribution + the council's amount, and total = the sum of how it is managed."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="personal_budgets")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    effective_from = models.DateField()
    reason = models.CharField(max_length=300)
    weekly_total_cost = models.DecimalField(**MONEY)
    weekly_person_contribution = models.DecimalField(**MONEY)
    weekly_council_amount = models.DecimalField(**MONEY)
    weekly_direct_payment = models.DecimalField(**MONEY, default=Decimal("0.00"))
    weekly_council_managed = models.DecimalField(**MONEY, default=Decimal("0.00"))
    weekly_individual_service_fund = models.DecimalField(**MONEY, default=Decimal("0.00"))
    financial_assessment = models.ForeignKey(
        FinancialAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="personal_budgets"
    )
    indicative_budget = models.ForeignKey(
        IndicativeBudget, null=True, blank=True, on_delete=models.PROTECT, related_name="personal_budgets"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="one_budget_per_version"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_current=True), name="one_current_budget_per_person"
            ),
            # Sums are rounded to the penny before comparing: SQLite keeps decimals as floating point, where
            # 100.10 + 244.14 is not 344.24. On PostgreSQL (numeric) the rounding changes nothing.
            models.CheckConstraint(
                condition=Q(weekly_total_cost=Round(F("weekly_person_contribution") + F("weekly_council_amount"), 2)),
                name="budget_cost_is_contribution_plus_council",
            ),
            models.CheckConstraint(
                condition=Q(
                    weekly_total_cost=Round(
                        F("weekly_direct_payment") + F("weekly_council_managed") + F("weekly_individual_service_fund"),
                        2,
                    )
                ),
                name="budget_cost_is_sum_of_how_managed",
            ),
            models.CheckConstraint(
                condition=Q(weekly_person_contribution__gte=0) & Q(weekly_council_amount__gte=0),
                name="budget_parts_not_negative",
            ),
        ]

    def __str__(self):
        return f"Personal budget v{self.version} for {self.person}: £{self.weekly_total_cost}/week"

    def get_absolute_url(self):
        return reverse("personal_budget_detail", args=[self.pk])

    def yearly(self, field: str) -> Decimal:
        return getattr(self, field) * WEEKS_PER_YEAR


class UpratingRun(models.Model):
    """One run of `manage.py uprate`: to which year, what changed, and when."""

    to_year = models.ForeignKey(ChargingYear, on_delete=models.PROTECT, related_name="+")
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    started_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Uprating to {self.to_year} at {self.started_at:%Y-%m-%d %H:%M}"


class ContributionLetter(models.Model):
    """A letter queued for someone whose weekly contribution changes (uprating or a new assessment)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contribution_letters")
    financial_assessment = models.ForeignKey(FinancialAssessment, on_delete=models.PROTECT, related_name="+")
    uprating_run = models.ForeignKey(
        UpratingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    old_contribution = models.DecimalField(**MONEY, null=True, blank=True)
    new_contribution = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Contribution letter for {self.person}: £{self.old_contribution} → £{self.new_contribution}"
