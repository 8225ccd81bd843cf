"""Direct payments (agreements, schedules, payment runs, a double-entry ledger per account, statements and their
classification, proportionate monitoring) and council-managed budgets (commitments to providers, invoices).

Ledger entries are never edited or deleted: corrections are reversals, and balances are sums of entries, never
stored. Each ledger transaction's entries add up to zero (money moves, it never appears or vanishes)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone

MONEY = {"max_digits": 12, "decimal_places": 2}


class Category(models.TextChoices):
    """What money in or out of a direct-payment account was for."""

    PA_WAGES = "pa_wages", "Personal assistant wages"
    TAX_PENSION = "tax_pension", "Tax and pension (HMRC)"
    PAYROLL_SERVICE = "payroll_service", "Payroll service"
    AGENCY_CARE = "agency_care", "Agency care"
    INSURANCE = "insurance", "Insurance"
    EQUIPMENT = "equipment", "Equipment"
    ACTIVITIES = "activities", "Activities"
    TRANSPORT = "transport", "Transport"
    CASH = "cash", "Cash"
    CONTRIBUTION = "contribution", "Contribution paid in"
    COUNCIL_PAYMENT = "council_payment", "Council payment"
    OTHER = "other", "Other"


class DirectPaymentAgreement(models.Model):
    class Holder(models.TextChoices):
        PERSON = "person", "The person (Care Act s31)"
        NOMINEE = "nominee", "A nominee chosen by the person (s31)"
        AUTHORISED = "authorised", "An authorised person (s32)"

    class AccountType(models.TextChoices):
        OWN_BANK = "own_bank", "Their own bank account"
        MANAGED = "managed", "A managed account with a provider"
        PREPAID_CARD = "prepaid_card", "A prepaid card"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FOUR_WEEKLY = "four_weekly", "Every four weeks"
        MONTHLY = "monthly", "Monthly"

    class Status(models.TextChoices):
        DRAFT = "draft", "Being set up"
        ACTIVE = "active", "Paying"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"

    class EndReason(models.TextChoices):
        DIED = "died", "The person died"
        CHOSE_OTHER = "chose_other", "The person chose another way to arrange their support"
        CONDITIONS = "conditions", "The conditions for a direct payment are no longer met"
        NEEDS_ENDED = "needs_ended", "The person no longer needs this support"
        MOVED = "moved", "The person moved to another council's area"
        OTHER = "other", "Another reason"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dp_agreements")
    plan = models.ForeignKey("planning.SupportPlan", on_delete=models.PROTECT, related_name="dp_agreements")
    holder = models.CharField(max_length=12, choices=Holder.choices)
    holder_contact = models.ForeignKey(
        "people.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The nominee or authorised person (blank: the person)",
    )
    account_type = models.CharField(max_length=14, choices=AccountType.choices)
    account_identifier = models.CharField(
        max_length=40, help_text="The account or card number the statements show (matched on import)"
    )
    managed_account_provider = models.ForeignKey(
        "market.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.FOUR_WEEKLY)
    net_of_contribution = models.BooleanField(
        "Paid net of the person's contribution",
        default=True,
        help_text="Net: the council pays its share only. Gross: the council pays it all and collects the contribution",
    )
    plan_lines = models.ManyToManyField("planning.PlanLine", related_name="dp_agreements", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    cash_agreed = models.BooleanField("Cash withdrawals agreed in the plan", default=False)
    finance_flag = models.CharField(
        max_length=300, blank=True, help_text="Why finance should look at this account (for example an allegation)"
    )
    first_payment_on = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="The last day the direct payment pays for")
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self):
        return f"Direct payment {self.pk} for {self.person}"

    def get_absolute_url(self):
        return reverse("dp_agreement", args=[self.pk])

    @property
    def holder_name(self) -> str:
        """Who the payments go to: the person, or their nominee or authorised person."""
        if self.holder != self.Holder.PERSON and self.holder_contact is not None:
            return self.holder_contact.name
        return self.person.full_name


class OneOffPayment(models.Model):
    class Kind(models.TextChoices):
        START_UP = "start_up", "Start-up costs"
        EMPLOYER = "employer", "Employer costs (for example recruitment, insurance)"
        OTHER = "other", "Other"

    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.CASCADE, related_name="one_offs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY)
    due_on = models.DateField()

    def __str__(self):
        return f"{self.get_kind_display()} £{self.amount}"


class PaymentRun(models.Model):
    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared"
        EXPORTED = "exported", "Exported to the finance system"
        PAID = "paid", "Paid"

    run_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARED)
    payment_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(**MONEY, default=0)
    export_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-run_on", "-id"]

    def __str__(self):
        return f"Payment run {self.pk} on {self.run_on}"


class ScheduledPayment(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", "Regular payment"
        ONE_OFF = "one_off", "One-off payment"
        ADJUSTMENT = "adjustment", "Adjustment for a budget change"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_RUN = "in_run", "In a payment run"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    due_on = models.DateField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    budget = models.ForeignKey(
        "money.PersonalBudget", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    run = models.ForeignKey(PaymentRun, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    note = models.CharField(max_length=200, blank=True)
    one_off = models.OneToOneField(
        OneOffPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="scheduled_payment"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            # Scheduling again (dp_schedule_extend, a budget change) never pays a period twice.
            models.UniqueConstraint(
                fields=["agreement", "period_start"],
                condition=models.Q(kind="regular") & ~models.Q(status="cancelled"),
                name="one_live_regular_payment_per_period",
            )
        ]

    def __str__(self):
        return f"£{self.amount} due {self.due_on}"

    @property
    def reference(self) -> str:
        """The payment reference the finance system and the holder's bank statement show."""
        return f"DP{self.agreement_id:06d}-{self.pk:07d}"


class LedgerAccount(models.Model):
    """One side of the money for a direct payment: the holder's account, the council's funding, contributions,
    spending and recoupment. Balances are the sum of entries."""

    class Kind(models.TextChoices):
        HOLDER = "holder", "The direct-payment account"
        COUNCIL = "council", "Council funding"
        CONTRIBUTION = "contribution", "The person's contributions"
        SPENDING = "spending", "Spending on support"
        RECOUPMENT = "recoupment", "Returned to the council"

    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="ledger_accounts")
    kind = models.CharField(max_length=14, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "kind"], name="one_ledger_account_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.agreement_id})"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Ledger records are never changed: post a reversal instead.")

    def delete(self):
        raise PermissionDenied("Ledger records are never deleted: post a reversal instead.")

    def _raw_delete(self, using=None):
        # Django's deletion collector calls this with `using`; refused the same way (demo resets go through
        # payments.seeding._demo_reset_delete).
        raise PermissionDenied("Ledger records are never deleted: post a reversal instead.")


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        COUNCIL_PAYMENT = "council_payment", "Council payment"
        CONTRIBUTION = "contribution", "Contribution paid in"
        SPENDING = "spending", "Spending"
        RECOUPMENT = "recoupment", "Recoupment"
        REVERSAL = "reversal", "Reversal"

    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_on = models.DateField()
    description = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    scheduled_payment = models.ForeignKey(
        ScheduledPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self):
        return f"{self.occurred_on} {self.description}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("Ledger records are never changed: post a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Ledger records are never deleted: post a reversal instead.")


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(**MONEY, help_text="Positive: money into this account; negative: out of it")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["transaction", "id"]
        verbose_name_plural = "ledger entries"

    def __str__(self):
        return f"{self.account}: {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("Ledger records are never changed: post a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Ledger records are never deleted: post a reversal instead.")


class ColumnMapping(models.Model):
    """How one statement format's columns map to a statement line. Editable by finance officers."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    delimiter = models.CharField(max_length=1, default=",")
    encoding = models.CharField(max_length=20, default="utf-8")
    skip_rows = models.PositiveSmallIntegerField(default=0, help_text="Lines before the header row")
    date_column = models.CharField(max_length=60)
    date_format = models.CharField(max_length=20, default="%d/%m/%Y")
    description_column = models.CharField(max_length=60)
    payee_column = models.CharField(max_length=60, blank=True)
    amount_column = models.CharField(max_length=60, blank=True, help_text="One signed amount column, or ...")
    money_out_column = models.CharField(max_length=60, blank=True, help_text="... separate money out and ...")
    money_in_column = models.CharField(max_length=60, blank=True, help_text="... money in columns")
    mcc_column = models.CharField("Merchant category code column", max_length=60, blank=True)
    account_column = models.CharField(max_length=60, blank=True, help_text="Account or card number, if shown")
    reference_column = models.CharField(max_length=60, blank=True, help_text="A transaction ID, if the file has one")

    def __str__(self):
        return self.name


class StatementImport(models.Model):
    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="imports")
    mapping = models.ForeignKey(ColumnMapping, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    rows_added = models.PositiveIntegerField(default=0)
    rows_already_held = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0, help_text="Lines with no money in or out (nothing to record)")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank when imported by the statement_import command without --user",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.rows_added} added)"


class ClassificationRule(models.Model):
    """A visible, editable rule: the first active rule that matches a line (in order) sets its category."""

    class Direction(models.TextChoices):
        ANY = "any", "Money in or out"
        IN = "in", "Money in"
        OUT = "out", "Money out"

    order = models.PositiveIntegerField(default=100)
    category = models.CharField(max_length=20, choices=Category.choices)
    payee_pattern = models.CharField(max_length=200, blank=True, help_text="Words the payee contains (case ignored)")
    description_pattern = models.CharField(max_length=200, blank=True, help_text="Words the description contains")
    mcc_codes = models.CharField("Merchant category codes", max_length=200, blank=True, help_text="Comma-separated")
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.ANY)
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_category_display()} ({self.order})"


class StatementLine(models.Model):
    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="statement_lines")
    statement_import = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    line_number = models.PositiveIntegerField()
    occurred_on = models.DateField()
    description = models.CharField(max_length=300)
    payee = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(**MONEY, help_text="Positive: money in; negative: money out")
    mcc = models.CharField(max_length=4, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="The statement's transaction ID, if it has one")
    fingerprint = models.CharField(max_length=64, help_text="Identifies the same line in another file")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    rule = models.ForeignKey(ClassificationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reclassified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reclassified_at = models.DateTimeField(null=True, blank=True)
    ledger_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_line"
    )

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "fingerprint"], name="statement_line_once_per_account")
        ]
        indexes = [models.Index(fields=["agreement", "category", "occurred_on"], name="statement_line_monitoring")]

    def __str__(self):
        return f"{self.occurred_on} {self.description} {self.amount}"


class MonitoringFinding(models.Model):
    """Something worth a friendly check, never an automatic block. Becomes a task for a named worker."""

    class Kind(models.TextChoices):
        SURPLUS = "surplus", "Balance above the council's limit: propose a recoupment"
        NO_PA_WAGES = "no_pa_wages", "No PA wages for four weeks: is the support still happening?"
        CONTRIBUTION_MISSING = "contribution_missing", "Contribution not paid in"
        OUTSIDE_PLAN = "outside_plan", "Spending outside what the plan covers: ask about it"
        CASH = "cash", "Cash withdrawals not agreed in the plan"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    agreement = models.ForeignKey(DirectPaymentAgreement, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=22, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    detail = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    recoupment = models.OneToOneField(
        LedgerTransaction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finding",
        help_text="The recoupment agreed with the person, if one was",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "period_start"], name="one_finding_per_period")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.agreement_id})"


class Commitment(models.Model):
    """A service order to a provider for a council-managed or ISF plan line: what the council expects to pay for."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    plan_line = models.ForeignKey("planning.PlanLine", on_delete=models.PROTECT, related_name="commitments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="commitments")
    provider = models.ForeignKey("market.Provider", on_delete=models.PROTECT, related_name="commitments")
    service_component = models.CharField(max_length=60)
    unit_type = models.CharField(max_length=30)
    units_per_week = models.DecimalField(max_digits=8, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # From the plan line: the most one visit or session is expected to bill (blank: no limit), the rate's note
    # (for example "night waking") and the rate agreed in the plan, used only on days no market rate is in force.
    units_each_time = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Units expected each time (blank: no limit)"
    )
    rate_note = models.CharField(max_length=200, blank=True)
    agreed_rate = models.DecimalField(**MONEY, null=True, blank=True)
    arrangement = models.ForeignKey(
        "market.Arrangement", null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["provider", "person", "start_date"])]

    def __str__(self):
        return f"Commitment {self.pk}: {self.service_component} with {self.provider}"

    def get_absolute_url(self):
        return reverse("commitment_detail", args=[self.pk])

    def covers(self, day) -> bool:
        """Whether the service order is for `day` (an ended order still covers the days before it ended)."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class ProviderInvoice(models.Model):
    provider = models.ForeignKey("market.Provider", on_delete=models.PROTECT, related_name="invoices")
    reference = models.CharField(max_length=60)
    period_start = models.DateField()
    period_end = models.DateField()
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    total_claimed = models.DecimalField(**MONEY, default=0)
    total_expected = models.DecimalField(**MONEY, default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "reference"], name="invoice_once_per_provider")]
        indexes = [models.Index(fields=["provider", "sha256"])]

    def __str__(self):
        return f"Invoice {self.reference} from {self.provider}"

    def get_absolute_url(self):
        return reverse("invoice_detail", args=[self.pk])


class InvoiceLine(models.Model):
    class Match(models.TextChoices):
        MATCHED = "matched", "As planned"
        VARIANCE = "variance", "Differs from the plan"
        UNMATCHED = "unmatched", "No commitment for this"

    class Resolution(models.TextChoices):
        PAY_CLAIMED = "pay_claimed", "Accepted: pay what was billed"
        PAY_EXPECTED = "pay_expected", "Pay the expected amount only"
        QUERIED = "queried", "Queried with the provider: not paid yet"

    invoice = models.ForeignKey(ProviderInvoice, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    units = models.DecimalField(max_digits=8, decimal_places=2)
    amount_claimed = models.DecimalField(**MONEY)
    amount_expected = models.DecimalField(**MONEY, default=0)
    match = models.CharField(max_length=10, choices=Match.choices)
    explanation = models.TextField(blank=True)
    units_expected = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="The units the commitment expects for this line"
    )
    # A finance officer's decision on a line that differs from the plan (audited).
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invoice", "line_number"]
        indexes = [models.Index(fields=["commitment", "service_date"])]

    def __str__(self):
        return f"{self.invoice} line {self.line_number}"
