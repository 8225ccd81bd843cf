"""The care market a plan draws on: providers (with their CQC registration), effective-dated rates, the register
of personal assistants with their checks, and the arrangements that put a plan's lines in place."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from selfdirect.rules import cld
from selfdirect.rules import pa_checks as pa_rules

MONEY = {"max_digits": 12, "decimal_places": 2}


class Provider(models.Model):
    """An organisation that provides care or support: a home care agency, day centre, care home, Shared Lives
    scheme, community group. Registration details are as the Care Quality Commission (CQC) publishes them."""

    class Registration(models.TextChoices):
        REGISTERED = "registered", "Registered with CQC"
        NOT_REQUIRED = "not_required", "Not required to register (no regulated activity)"
        APPLIED = "applied", "Applied, not yet registered"
        NOT_REGISTERED = "not_registered", "Not registered"
        DEREGISTERED = "deregistered", "Deregistered"

    class Rating(models.TextChoices):
        OUTSTANDING = "Outstanding", "Outstanding"
        GOOD = "Good", "Good"
        REQUIRES_IMPROVEMENT = "Requires improvement", "Requires improvement"
        INADEQUATE = "Inadequate", "Inadequate"
        NOT_YET_RATED = "Not yet rated", "Not yet rated"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    cqc_location_id = models.CharField("CQC location ID", max_length=20, blank=True, db_index=True)
    registration = models.CharField(max_length=20, choices=Registration.choices, default=Registration.NOT_REGISTERED)
    rating = models.CharField("CQC rating", max_length=25, choices=Rating.choices, blank=True)
    rating_published_on = models.DateField(null=True, blank=True)
    regulated_activities = models.JSONField(default=list, blank=True, help_text='For example ["Personal care"]')
    service_components = models.JSONField(default=list, blank=True, help_text="CLD service components offered")
    areas = models.JSONField(default=list, blank=True, help_text='Postcode districts served, for example ["NE1"]')
    vacancies = models.PositiveIntegerField(
        null=True, blank=True, help_text="Hours a week or places it can take on now (blank: not known)"
    )
    vacancies_updated_on = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("provider_detail", args=[self.pk])

    @property
    def is_registered(self) -> bool:
        return self.registration == self.Registration.REGISTERED

    def warns_for(self, service_component: str) -> bool:
        """Personal care from a provider that is not registered with CQC: warn whoever puts it on a plan."""
        return service_component in cld.PERSONAL_CARE_COMPONENTS and not self.is_registered


class Rate(models.Model):
    """A price per unit from a date. With a provider, that provider's rate; without one, the council's standard
    rate (used for personal assistants and when no provider rate applies). A rate change mid-week means each day
    is priced at the rate in force that day."""

    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="rates")
    service_component = models.CharField(max_length=60, choices=cld.choices(cld.SERVICE_COMPONENTS))
    unit_type = models.CharField(max_length=30, choices=cld.choices(cld.COST_FREQUENCIES))
    amount = models.DecimalField(**MONEY)
    effective_from = models.DateField()
    note = models.CharField(max_length=200, blank=True, help_text="For example 'night waking' or 'with transport'")

    class Meta:
        ordering = ["provider_id", "service_component", "unit_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_component", "unit_type", "note", "effective_from"], name="one_rate_per_day"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="rate_not_negative"),
        ]

    def __str__(self):
        who = self.provider or "Council standard rate"
        return f"{who}: {self.service_component} £{self.amount} {self.unit_type.lower()} from {self.effective_from}"


class PersonalAssistant(models.Model):
    """A personal assistant (PA) on the council's register, employed by people with direct payments."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    areas = models.JSONField(default=list, blank=True, help_text='Postcode districts, for example ["NE1", "NE2"]')
    service_components = models.JSONField(default=list, blank=True)
    hourly_rate = models.DecimalField(**MONEY, null=True, blank=True, help_text="What they usually ask for")
    hours_available = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Hours a week free now")
    skills = models.TextField(blank=True, help_text="For example moving and handling, autism, British Sign Language")
    # Suspended while an allegation is looked into (safeguarding); no new arrangements start.
    is_suspended = models.BooleanField(default=False)
    suspended_reason = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "personal assistant"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("pa_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def rule_checks(self) -> list[pa_rules.Check]:
        return [check.as_rule() for check in self.checks.all()]


class PaCheck(models.Model):
    """One check on a PA: a DBS certificate, a reference, right to work, or training."""

    class Kind(models.TextChoices):
        DBS = pa_rules.DBS, pa_rules.KINDS[pa_rules.DBS]
        REFERENCE = pa_rules.REFERENCE, pa_rules.KINDS[pa_rules.REFERENCE]
        RIGHT_TO_WORK = pa_rules.RIGHT_TO_WORK, pa_rules.KINDS[pa_rules.RIGHT_TO_WORK]
        TRAINING = pa_rules.TRAINING, pa_rules.KINDS[pa_rules.TRAINING]

    pa = models.ForeignKey(PersonalAssistant, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(
        max_length=200, blank=True, help_text="Referee's name, document seen, or course (for example Care Certificate)"
    )
    certificate_number = models.CharField(max_length=20, blank=True)
    adult_barred_list = models.BooleanField("Includes the adult barred list", default=False)
    update_service = models.BooleanField("Subscribed to the DBS Update Service", default=False)
    update_service_checked_on = models.DateField("Update Service status last checked", null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pa", "kind", "-issued_on"]
        verbose_name = "PA check"

    def __str__(self):
        return f"{self.pa}: {self.get_kind_display()}"

    def as_rule(self) -> pa_rules.Check:
        return pa_rules.Check(
            kind=self.kind,
            issued_on=self.issued_on,
            expires_on=self.expires_on,
            certificate_number=self.certificate_number,
            adult_barred_list=self.adult_barred_list,
            update_service=self.update_service,
            update_service_checked_on=self.update_service_checked_on,
        )


class EmployerInsurance(models.Model):
    """Employer's liability insurance held by a direct-payment holder who employs PAs."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="employer_insurance")
    insurer = models.CharField(max_length=200)
    policy_number = models.CharField(max_length=60)
    starts_on = models.DateField()
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "-expires_on"]

    def __str__(self):
        return f"{self.insurer} {self.policy_number} to {self.expires_on}"

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.expires_on


class Arrangement(models.Model):
    """A plan line put in place with a provider, a PA, or unpaid support, from a start date. Each arrangement is a
    CLD Service event (service type, component, delivery mechanism, unit cost, cost frequency, planned units)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In place"
        ENDED = "ended", "Ended"

    plan_line = models.ForeignKey("planning.PlanLine", on_delete=models.PROTECT, related_name="arrangements")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="arrangements")
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="arrangements")
    pa = models.ForeignKey(
        PersonalAssistant, null=True, blank=True, on_delete=models.PROTECT, related_name="arrangements"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    service_type = models.CharField(max_length=60, choices=cld.choices(cld.SERVICE_TYPES))
    service_component = models.CharField(max_length=60, choices=cld.choices(cld.SERVICE_COMPONENTS))
    delivery_mechanism = models.CharField(max_length=40, choices=cld.choices(cld.DELIVERY_MECHANISMS), blank=True)
    unit_cost = models.DecimalField(**MONEY)
    cost_frequency = models.CharField(max_length=30, choices=cld.choices(cld.COST_FREQUENCIES))
    planned_units_per_week = models.DecimalField(max_digits=8, decimal_places=2)
    weekly_cost = models.DecimalField(**MONEY)
    # Under a "recommended" checks policy: the employer's informed choice to go ahead without every check.
    informed_choice = models.TextField(blank=True)
    unregistered_warning_acknowledged = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(provider__isnull=False) & models.Q(pa__isnull=False)),
                name="arrangement_provider_or_pa",
            )
        ]

    def __str__(self):
        who = self.provider or self.pa or "unpaid support"
        return f"{self.service_component} with {who} from {self.start_date}"

    @property
    def is_emergency_cover(self) -> bool:
        """Short-term cover after a failed arrangement: it stands in for the line, it does not occupy it."""
        return self.service_type.startswith("Short Term Support")
