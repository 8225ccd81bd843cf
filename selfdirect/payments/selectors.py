"""Reads for direct payments, shared by the pages, the services and (later) the portal. An agreement is fetched only
through its person's access rules (restricted records), so an id typed into a URL reveals nothing. Balances are
sums of ledger entries, worked out when asked for, never stored."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from selfdirect.money.models import PersonalBudget
from selfdirect.people.selectors import can_see_restricted, person_get_for_user
from selfdirect.planning.models import DirectPaymentSuitability, Management, PlanLine, SupportPlan
from selfdirect.rules import dp_schedule

from .models import DirectPaymentAgreement, LedgerAccount, LedgerEntry, LedgerTransaction, PaymentRun, ScheduledPayment

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
AGREEMENT_RELATED = ("person", "plan", "holder_contact", "managed_account_provider", "created_by")


def _money(value) -> Decimal:
    # SQLite sums decimals as floating point: back to pence (PostgreSQL's numeric is exact already).
    return Decimal(value if value is not None else 0).quantize(PENNY)


def agreement_get_for_user(*, user, pk) -> DirectPaymentAgreement:
    """An agreement, if the user may open its person's record (404 if there is no such agreement)."""
    agreement = get_object_or_404(DirectPaymentAgreement.objects.select_related(*AGREEMENT_RELATED), pk=pk)
    agreement.person = person_get_for_user(user=user, pk=agreement.person_id)
    return agreement


def agreements_for_person(*, person) -> QuerySet[DirectPaymentAgreement]:
    return (
        DirectPaymentAgreement.objects.filter(person=person)
        .select_related("plan", "holder_contact", "managed_account_provider")
        .order_by("-start_date", "-id")
    )


def dp_lines(*, plan: SupportPlan) -> QuerySet[PlanLine]:
    return PlanLine.objects.filter(plan=plan, management=Management.DIRECT_PAYMENT).select_related("provider", "pa")


def plans_to_set_up(*, person) -> QuerySet[SupportPlan]:
    """The person's approved plans with support paid by direct payment."""
    return (
        SupportPlan.objects.filter(
            person=person, status=SupportPlan.Status.APPROVED, lines__management=Management.DIRECT_PAYMENT
        )
        .distinct()
        .order_by("-id")
    )


def set_up_blockers(*, plan: SupportPlan) -> list[str]:
    """Why a direct payment cannot be set up from this plan yet (the service checks again, and checks the rest)."""
    problems = []
    if plan.status != SupportPlan.Status.APPROVED:
        problems.append(
            f"The plan is {plan.get_status_display().lower()}: a direct payment is set up from an approved plan."
        )
    if not dp_lines(plan=plan).exists():
        problems.append("The plan has no support paid by direct payment.")
    suitability = suitability_for(plan=plan)
    if suitability is None:
        problems.append("The plan does not record who the direct payment is paid to, or the s31 or s32 conditions.")
    elif suitability.unmet:
        problems.append(f"Not every condition for a direct payment is met: {'; '.join(suitability.unmet)}.")
    if plan.status == SupportPlan.Status.APPROVED and plan.personal_budget_id is None:
        problems.append("The plan has no personal budget yet.")
    live = DirectPaymentAgreement.objects.filter(
        person_id=plan.person_id,
        status__in=[
            DirectPaymentAgreement.Status.DRAFT,
            DirectPaymentAgreement.Status.ACTIVE,
            DirectPaymentAgreement.Status.SUSPENDED,
        ],
    ).first()
    if live is not None:
        problems.append(f"{plan.person.full_name} already has a direct payment ({live.get_status_display().lower()}).")
    return problems


def suitability_for(*, plan: SupportPlan) -> DirectPaymentSuitability | None:
    return DirectPaymentSuitability.objects.filter(plan=plan).select_related("recipient").first()


def agreement_budget_versions(*, agreement: DirectPaymentAgreement) -> list[dp_schedule.BudgetVersion]:
    """The person's personal budget versions as the weekly amounts this agreement pays (gross, or net of the
    contribution), in version order: a later version takes over from its effective date."""
    budgets = PersonalBudget.objects.filter(person_id=agreement.person_id).order_by("version")
    versions = [
        dp_schedule.BudgetVersion(
            effective_from=budget.effective_from,
            weekly=dp_schedule.dp_weekly_amount(
                direct_payment=budget.weekly_direct_payment,
                contribution=budget.weekly_person_contribution,
                net=agreement.net_of_contribution,
            ),
            ref=budget.pk,
        )
        for budget in budgets
    ]
    if agreement.end_date is not None:
        # Nothing is payable after the last day: listed last, it overrides every budget from then on.
        versions.append(dp_schedule.BudgetVersion(effective_from=agreement.end_date + datetime.timedelta(days=1),
                                                  weekly=Decimal("0.00")))  # fmt: skip
    return versions


def weekly_amount_now(*, agreement: DirectPaymentAgreement, on: datetime.date) -> Decimal:
    """The weekly amount the agreement pays on a date, under the budget versions in force."""
    return dp_schedule.weekly_on(agreement_budget_versions(agreement=agreement), on)


def payments_for(*, agreement: DirectPaymentAgreement) -> QuerySet[ScheduledPayment]:
    return ScheduledPayment.objects.filter(agreement=agreement).select_related("run").order_by("due_on", "id")


def balance(
    *, agreement: DirectPaymentAgreement, kind: str = LedgerAccount.Kind.HOLDER, on: datetime.date | None = None
) -> Decimal:
    """The balance of one of the agreement's ledger accounts: the sum of its entries (up to and including `on`)."""
    entries = LedgerEntry.objects.filter(account__agreement=agreement, account__kind=kind)
    if on is not None:
        entries = entries.filter(transaction__occurred_on__lte=on)
    return _money(entries.aggregate(total=Sum("amount"))["total"])


@dataclass(frozen=True)
class LedgerRow:
    transaction: LedgerTransaction
    amount: Decimal
    balance: Decimal
    reversed: bool


def ledger_rows(*, agreement: DirectPaymentAgreement, kind: str = LedgerAccount.Kind.HOLDER) -> list[LedgerRow]:
    """One account's entries in date order, each with the running balance after it."""
    entries = (
        LedgerEntry.objects.filter(account__agreement=agreement, account__kind=kind)
        .select_related("transaction__reverses")
        .order_by("transaction__occurred_on", "transaction_id", "id")
    )
    reversed_ids = set(
        LedgerTransaction.objects.filter(agreement=agreement, reverses__isnull=False).values_list(
            "reverses_id", flat=True
        )
    )
    rows, running = [], ZERO
    for entry in entries:
        running += entry.amount
        rows.append(LedgerRow(entry.transaction, entry.amount, running, entry.transaction_id in reversed_ids))
    return rows


def ledger_transaction_get(*, agreement: DirectPaymentAgreement, pk) -> LedgerTransaction:
    return get_object_or_404(
        LedgerTransaction.objects.select_related("reverses").prefetch_related("entries__account"),
        pk=pk,
        agreement=agreement,
    )


# --- Payment runs ---------------------------------------------------------------------------------------------


def payment_runs() -> QuerySet[PaymentRun]:
    return PaymentRun.objects.select_related("created_by", "paid_by").order_by("-run_on", "-id")


def payment_run_get(*, pk) -> PaymentRun:
    return get_object_or_404(PaymentRun.objects.select_related("created_by", "paid_by"), pk=pk)


def run_payments(*, run: PaymentRun) -> QuerySet[ScheduledPayment]:
    return (
        ScheduledPayment.objects.filter(run=run)
        .select_related("agreement__person", "agreement__holder_contact")
        .order_by("id")
    )


def run_rows(*, user, payments) -> list[dict]:
    """Payments for a list page: a restricted person's name is shown only to those who may open their record."""
    rows = []
    for payment in payments:
        person = payment.agreement.person
        visible = not person.is_restricted or can_see_restricted(user=user, person=person)
        rows.append({"payment": payment, "person": person, "visible": visible})
    return rows


def due_not_in_a_run(*, on: datetime.date) -> dict:
    """What a run prepared on `on` would take: how many payments and how much."""
    due = ScheduledPayment.objects.filter(
        status=ScheduledPayment.Status.SCHEDULED,
        run__isnull=True,
        due_on__lte=on,
        agreement__status=DirectPaymentAgreement.Status.ACTIVE,
    )
    totals = due.aggregate(total=Sum("amount"))
    return {"count": due.count(), "total": _money(totals["total"])}


def money_moved(*, run: PaymentRun) -> dict:
    """For a paid run: what left council funding and what arrived in holders' accounts (always equal and
    opposite)."""
    entries = LedgerEntry.objects.filter(transaction__scheduled_payment__run=run)
    sums = entries.aggregate(
        council=Sum("amount", filter=Q(account__kind=LedgerAccount.Kind.COUNCIL)),
        holders=Sum("amount", filter=Q(account__kind=LedgerAccount.Kind.HOLDER)),
    )
    return {"council": _money(sums["council"]), "holders": _money(sums["holders"])}
