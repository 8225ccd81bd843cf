"""Direct payments (Care Act s31-s33): setting up the agreement, its payment schedule, budget changes, payment runs
and the double-entry ledger. Every change is one transaction with its audit record (and, for what happens to the
person's support, their timeline event).

- **Agreement.** Set up by a finance officer from an approved plan with direct-payment lines. The holder must be
  who the plan's direct-payment suitability says (the person under s31, their nominee under s31, or an authorised
  person under s32) and every condition must be met. One live agreement per person: the amount comes from the
  person's personal budget, so two would pay it twice.
- **Schedule.** rules/dp_schedule.py works out the periods and amounts (paid in advance, day by day at the weekly
  amount in force, rounding carried). Activation schedules the next 12 weeks (3 months for monthly payments) and the
  one-off payments; `dp_schedule_extend` keeps every active agreement scheduled that far ahead and can be run any
  number of times.
- **Budget changes.** `dp_budget_change_apply` recomputes the schedule with the new version: payments not yet in a
  run are replaced, and what was already paid (or is in a run) is put right with one adjustment payment, positive
  or negative, so that the total equals what the new budget says for those periods.
- **Payment runs.** Prepare (every scheduled payment due on or before the run date, for active agreements; a
  payment is never in two runs), export (a CSV for the finance system, its sha256 kept), mark paid (the ledger
  records each payment: the holder's account +amount, council funding -amount).
- **Ledger.** Entries are never changed or deleted; each transaction adds up to £0 (money moves, it never appears or
  vanishes); corrections are reversals, and a transaction is reversed at most once. Balances are sums of entries.
"""

import csv
import datetime
import hashlib
import io
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.db.models import Sum
from django.db.transaction import atomic
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can
from selfdirect.core.services import DomainError
from selfdirect.money.models import PersonalBudget
from selfdirect.people.models import Contact, PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.planning.models import DirectPaymentSuitability, Management, PlanLine, SupportPlan
from selfdirect.rules import direct_payments as dp_rules
from selfdirect.rules import dp_schedule
from selfdirect.rules.charging import pounds

from . import selectors
from .models import (
    Category,
    DirectPaymentAgreement,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    OneOffPayment,
    PaymentRun,
    ScheduledPayment,
)

A = DirectPaymentAgreement
P = ScheduledPayment
PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
# Anything this large is a typing mistake (the database holds 12 digits with 2 after the point).
TOO_LARGE = Decimal("1000000.00")
LIVE = (A.Status.DRAFT, A.Status.ACTIVE, A.Status.SUSPENDED)
PAYING = (A.Status.ACTIVE, A.Status.SUSPENDED)
HOLDER_FOR_ROUTE = {
    dp_rules.S31_PERSON: A.Holder.PERSON,
    dp_rules.S31_NOMINEE: A.Holder.NOMINEE,
    dp_rules.S32_AUTHORISED: A.Holder.AUTHORISED,
}
# Letters and digits with spaces or hyphens between: sort code and account number, a card number, a reference.
ACCOUNT_IDENTIFIER = re.compile(r"^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$")
# How far from today an agreement may start (a typing mistake otherwise).
START_WINDOW = datetime.timedelta(days=366)
AGREEMENT_AUDITED = [
    "holder",
    "holder_contact",
    "account_type",
    "account_identifier",
    "managed_account_provider",
    "start_date",
    "frequency",
    "net_of_contribution",
    "status",
    "cash_agreed",
    "first_payment_on",
    "end_date",
    "end_reason",
]
CSV_COLUMNS = ["Payment reference", "Council person ID", "Payee", "Account identifier", "Amount", "Due date"]


# --- Small checks ---------------------------------------------------------------------------------------------


def _check_allowed(actor, what: str) -> None:
    """People act through their role; seeding and commands pass a finance officer as well."""
    if getattr(actor, "pk", None) and not can(actor, Action.PAYMENTS_MANAGE):
        raise DomainError(f"Your role does not allow {what}")


def _money(value, *, label: str, field: str, allow_negative: bool = False, allow_zero: bool = False) -> Decimal:
    example = "for example 250.00"
    if value is None or value == "":
        raise DomainError(f"Enter {label} in pounds and pence, {example}", field=field)
    try:
        amount = Decimal(str(value).strip().replace(",", "").removeprefix("£"))
    except InvalidOperation:
        raise DomainError(f"Enter {label} as an amount in pounds and pence, {example}", field=field) from None
    if not amount.is_finite():
        raise DomainError(f"Enter {label} as an amount in pounds and pence, {example}", field=field)
    if amount != amount.quantize(PENNY):
        raise DomainError(f"Enter {label} to the nearest penny, {example}", field=field)
    if amount < 0 and not allow_negative:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be more than £0", field=field)
    if amount == 0 and not allow_zero:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be more than £0", field=field)
    if abs(amount) >= TOO_LARGE:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be less than {pounds(TOO_LARGE)}", field=field)
    return amount.quantize(PENNY)


def _text(value, *, label: str, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer", field=field)
    return text


def _date(value, *, label: str, field: str) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise DomainError(f"Enter {label}", field=field)
    return value


def _record(agreement, *, actor, action, summary, changes=None, title="", detail="", request=None, obj=None):
    person_change_record(
        actor=actor,
        action=action,
        obj=obj or agreement,
        person=agreement.person,
        summary=summary,
        changes=changes,
        request=request,
        event_type=PersonEvent.Type.ARRANGEMENT if title else "",
        title=title,
        detail=detail,
    )


# --- The agreement --------------------------------------------------------------------------------------------


def _check_holder(*, suitability: DirectPaymentSuitability, holder: str, holder_contact: Contact | None):
    expected = HOLDER_FOR_ROUTE[suitability.route]
    if holder not in A.Holder.values:
        raise DomainError("Choose who holds the direct payment", field="holder")
    if holder != expected:
        raise DomainError(
            f"The plan records the direct payment as {dp_rules.ROUTES[suitability.route][0].lower()}"
            f"{dp_rules.ROUTES[suitability.route][1:]}: the holder must be "
            f"{A.Holder(expected).label[0].lower()}{A.Holder(expected).label[1:]}",
            field="holder",
        )
    if holder == A.Holder.PERSON:
        return None
    if holder_contact is None:
        raise DomainError("Choose the contact who holds the direct payment", field="holder_contact")
    if holder_contact.pk != suitability.recipient_id:
        named = suitability.recipient.name if suitability.recipient else "nobody"
        raise DomainError(
            f"The plan names {named} to receive the payments: the holder must be the same person "
            "(record the suitability again on the plan to change it)",
            field="holder_contact",
        )
    if not holder_contact.is_active:
        raise DomainError(f"{holder_contact.name} is no longer an active contact", field="holder_contact")
    return holder_contact


def _check_account(*, account_type: str, account_identifier: str, managed_account_provider):
    if account_type not in A.AccountType.values:
        raise DomainError("Choose the kind of account the payments go into", field="account_type")
    identifier = " ".join((account_identifier or "").split())
    if not identifier:
        raise DomainError(
            "Enter the account identifier: the sort code and account number, or the card or account number",
            field="account_identifier",
        )
    if len(identifier) > 40:
        raise DomainError("The account identifier must be 40 characters or fewer", field="account_identifier")
    if not ACCOUNT_IDENTIFIER.match(identifier) or sum(ch.isdigit() for ch in identifier) < 4:
        raise DomainError(
            "The account identifier must be letters and numbers (at least 4 numbers), with spaces or hyphens "
            "between them, for example 12-34-56 12345678",
            field="account_identifier",
        )
    if account_type == A.AccountType.MANAGED:
        if managed_account_provider is None:
            raise DomainError("Choose the provider that manages the account", field="managed_account_provider")
        if not managed_account_provider.is_active:
            raise DomainError(f"{managed_account_provider} is no longer active", field="managed_account_provider")
        return identifier, managed_account_provider
    return identifier, None


def _dp_lines(plan: SupportPlan):
    return PlanLine.objects.filter(plan=plan, management=Management.DIRECT_PAYMENT)


@atomic
def dp_agreement_create(
    *,
    plan: SupportPlan,
    actor,
    holder: str,
    account_type: str,
    account_identifier: str,
    start_date,
    frequency: str,
    net_of_contribution: bool = True,
    holder_contact: Contact | None = None,
    managed_account_provider=None,
    plan_lines=None,
    cash_agreed: bool = False,
    one_offs: list[dict] | None = None,
    today: datetime.date | None = None,
    request=None,
) -> DirectPaymentAgreement:
    """Set up a direct-payment agreement (being set up until activated) from an approved plan with direct-payment
    lines. `plan_lines` defaults to all the plan's direct-payment lines; `one_offs` are dicts of kind, description,
    amount and due_on (start-up or employer costs)."""
    _check_allowed(actor, "setting up direct payments")
    today = today or timezone.localdate()
    plan = (
        SupportPlan.objects.select_for_update(of=("self",)).select_related("person", "personal_budget").get(pk=plan.pk)
    )
    person = plan.person
    if plan.status != SupportPlan.Status.APPROVED:
        raise DomainError(
            f"This plan is {plan.get_status_display().lower()}: a direct payment is set up from an approved plan"
        )
    if person.date_of_death:
        raise DomainError(f"{person.full_name} has died: no direct payment can be set up")
    all_lines = list(_dp_lines(plan))
    if not all_lines:
        raise DomainError("The plan has no support paid by direct payment")
    suitability = DirectPaymentSuitability.objects.filter(plan=plan).select_related("recipient").first()
    if suitability is None:
        raise DomainError("Record on the plan who the direct payment is paid to and the s31 or s32 conditions first")
    if suitability.unmet:
        raise DomainError(
            f"Not every condition for a direct payment is met ({len(suitability.unmet)} not met): "
            + "; ".join(suitability.unmet)
        )
    holder_contact = _check_holder(suitability=suitability, holder=holder, holder_contact=holder_contact)
    identifier, provider = _check_account(
        account_type=account_type,
        account_identifier=account_identifier,
        managed_account_provider=managed_account_provider,
    )
    if frequency not in A.Frequency.values:
        raise DomainError("Choose how often the payments are made", field="frequency")
    start_date = _date(start_date, label="the date the direct payment starts", field="start_date")
    if abs(start_date - today) > START_WINDOW:
        raise DomainError("The start date must be within a year of today", field="start_date")
    budget = plan.personal_budget
    if budget is None:
        raise DomainError("The plan has no personal budget yet: it is set when the financial assessment is complete")
    if start_date < budget.effective_from:
        raise DomainError(
            f"The direct payment cannot start before the personal budget does ({budget.effective_from:%-d %B %Y})",
            field="start_date",
        )
    weekly = dp_schedule.dp_weekly_amount(
        direct_payment=budget.weekly_direct_payment,
        contribution=budget.weekly_person_contribution,
        net=bool(net_of_contribution),
    )
    if weekly <= 0:
        raise DomainError(
            f"Paid net of the contribution, nothing would be paid: {person.full_name}'s contribution "
            f"({pounds(budget.weekly_person_contribution)} a week) covers the whole direct payment "
            f"({pounds(budget.weekly_direct_payment)}). Pay it gross and collect the contribution instead.",
            field="net_of_contribution",
        )
    chosen = list(all_lines) if not plan_lines else list(plan_lines)
    allowed = {line.pk for line in all_lines}
    if any(line.pk not in allowed for line in chosen):
        raise DomainError("Choose only this plan's support paid by direct payment", field="plan_lines")
    if DirectPaymentAgreement.objects.filter(person=person, status__in=LIVE).exists():
        raise DomainError(
            f"{person.full_name} already has a direct payment being set up or paid: use that one "
            "(a budget change adjusts its payments)"
        )
    agreement = DirectPaymentAgreement.objects.create(
        person=person,
        plan=plan,
        holder=holder,
        holder_contact=holder_contact,
        account_type=account_type,
        account_identifier=identifier,
        managed_account_provider=provider,
        start_date=start_date,
        frequency=frequency,
        net_of_contribution=bool(net_of_contribution),
        cash_agreed=bool(cash_agreed),
        created_by=actor,
    )
    agreement.plan_lines.set(chosen)
    _record(
        agreement,
        actor=actor,
        action=AuditEvent.Action.CREATE,
        summary=f"Direct payment set up from plan {plan.pk}: {agreement.get_frequency_display().lower()}",
        changes=diff({}, snapshot(agreement, AGREEMENT_AUDITED)),
        title="Direct payment being set up",
        detail=(
            f"Paid to {agreement.holder_name} ({agreement.get_account_type_display().lower()}), "
            f"{agreement.get_frequency_display().lower()} from {start_date:%-d %B %Y}, "
            f"{pounds(weekly)} a week {'net of' if agreement.net_of_contribution else 'before'} the contribution."
        ),
        request=request,
    )
    for one_off in one_offs or []:
        dp_one_off_add(agreement=agreement, actor=actor, today=today, request=request, **one_off)
    return agreement


def _schedule_one_off(one_off: OneOffPayment) -> ScheduledPayment:
    existing = ScheduledPayment.objects.filter(one_off=one_off).first()
    if existing is not None:
        return existing
    return ScheduledPayment.objects.create(
        agreement_id=one_off.agreement_id,
        kind=P.Kind.ONE_OFF,
        due_on=one_off.due_on,
        amount=one_off.amount,
        one_off=one_off,
        note=f"{one_off.get_kind_display()}: {one_off.description}"[:200],
    )


@atomic
def dp_one_off_add(
    *, agreement: DirectPaymentAgreement, actor, kind: str, description: str, amount, due_on, today=None, request=None
) -> OneOffPayment:
    """A one-off payment (start-up costs, employer costs such as recruitment or insurance). Scheduled at once when
    the agreement is paying, otherwise when it is activated."""
    _check_allowed(actor, "adding one-off payments")
    today = today or timezone.localdate()
    agreement = A.objects.select_for_update().select_related("person").get(pk=agreement.pk)
    if agreement.status not in (A.Status.DRAFT, A.Status.ACTIVE):
        raise DomainError(f"This direct payment is {agreement.get_status_display().lower()}: no payment can be added")
    if kind not in OneOffPayment.Kind.values:
        raise DomainError("Choose what the one-off payment is for", field="kind")
    description = _text(description, label="what the payment is for", field="description", limit=200)
    amount = _money(amount, label="the amount", field="amount")
    due_on = _date(due_on, label="the date the payment is due", field="due_on")
    if abs(due_on - today) > START_WINDOW:
        raise DomainError("The date the payment is due must be within a year of today", field="due_on")
    one_off = OneOffPayment.objects.create(
        agreement=agreement, kind=kind, description=description, amount=amount, due_on=due_on
    )
    if agreement.status == A.Status.ACTIVE:
        _schedule_one_off(one_off)
    _record(
        agreement,
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=one_off,
        summary=f"One-off direct payment added: {one_off.get_kind_display()} {pounds(amount)} due {due_on}",
        changes={"kind": [None, kind], "amount": [None, str(amount)], "due_on": [None, str(due_on)]},
        request=request,
    )
    return one_off


def _reconcile(
    agreement: DirectPaymentAgreement, *, until: datetime.date, why: str = "Replaced: the personal budget changed"
) -> tuple[int, int]:
    """Make the agreement's regular payments match its schedule up to `until`: periods without a payment get one,
    scheduled payments (not yet in a run) whose amount is now different are cancelled and replaced. Payments in a
    run or paid are left alone (a budget change adjusts them separately). Returns (made, cancelled): a
    replaced payment counts in both."""
    versions = selectors.agreement_budget_versions(agreement=agreement)
    periods = dp_schedule.schedule(
        start=agreement.start_date, frequency=agreement.frequency, versions=versions, until=until
    )
    live = {
        payment.period_start: payment
        for payment in ScheduledPayment.objects.filter(agreement=agreement, kind=P.Kind.REGULAR).exclude(
            status=P.Status.CANCELLED
        )
    }
    new, cancelled = [], []
    for period in periods:
        payment = live.get(period.start)
        if payment is not None:
            if payment.status != P.Status.SCHEDULED or payment.amount == period.amount:
                continue
            cancelled.append(payment.pk)
        if period.amount != 0:
            new.append(
                ScheduledPayment(
                    agreement=agreement,
                    kind=P.Kind.REGULAR,
                    due_on=period.due_on,
                    period_start=period.start,
                    period_end=period.end,
                    amount=period.amount,
                    budget_id=period.ref,
                )
            )
    if cancelled:
        ScheduledPayment.objects.filter(pk__in=cancelled).update(status=P.Status.CANCELLED, note=why)
    ScheduledPayment.objects.bulk_create(new)
    return len(new), len(cancelled)


@atomic
def dp_agreement_activate(
    *, agreement: DirectPaymentAgreement, actor, today: datetime.date | None = None, request=None
) -> DirectPaymentAgreement:
    """Start paying: schedule the regular payments for the next 12 weeks (3 months for monthly payments) from
    today or the start date, whichever is later, and the one-off payments."""
    _check_allowed(actor, "activating direct payments")
    today = today or timezone.localdate()
    agreement = A.objects.select_for_update(of=("self",)).select_related("person", "plan").get(pk=agreement.pk)
    if agreement.status != A.Status.DRAFT:
        raise DomainError(f"This direct payment is {agreement.get_status_display().lower()}: it is not being set up")
    if agreement.plan.status != SupportPlan.Status.APPROVED:
        raise DomainError(
            f"Support plan {agreement.plan_id} is {agreement.plan.get_status_display().lower()}: set the direct "
            "payment up again from the current plan"
        )
    if agreement.person.date_of_death:
        raise DomainError(f"{agreement.person.full_name} has died: the direct payment cannot start")
    before = snapshot(agreement, AGREEMENT_AUDITED)
    added, _ = _reconcile(agreement, until=dp_schedule.horizon(max(today, agreement.start_date), agreement.frequency))
    for one_off in agreement.one_offs.all():
        _schedule_one_off(one_off)
    if not ScheduledPayment.objects.filter(agreement=agreement).exclude(status=P.Status.CANCELLED).exists():
        raise DomainError("Nothing would be paid: check the personal budget's direct payment amount")
    agreement.status = A.Status.ACTIVE
    agreement.version += 1
    agreement.save(update_fields=["status", "version"])
    first = ScheduledPayment.objects.filter(agreement=agreement, kind=P.Kind.REGULAR).order_by("due_on").first()
    _record(
        agreement,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary=f"Direct payment activated: {added} regular payments scheduled",
        changes=diff(before, snapshot(agreement, AGREEMENT_AUDITED)),
        title="Direct payment starts",
        detail=(
            f"Paid {agreement.get_frequency_display().lower()} to {agreement.holder_name}"
            + (f", the first {pounds(first.amount)} due {first.due_on:%-d %B %Y}." if first else ".")
        ),
        request=request,
    )
    return agreement


def _schedule_until(agreement: DirectPaymentAgreement, today: datetime.date) -> datetime.date:
    """As far as payments are scheduled: the horizon from today, or further if payments already reach further."""
    until = dp_schedule.horizon(max(today, agreement.start_date), agreement.frequency)
    furthest = (
        ScheduledPayment.objects.filter(agreement=agreement, kind=P.Kind.REGULAR)
        .exclude(status=P.Status.CANCELLED)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return max(until, furthest) if furthest else until


def dp_schedule_extend(*, today: datetime.date, progress=None) -> dict:
    """Keep every active agreement scheduled 12 weeks (3 months) ahead of `today`. Running it again adds nothing;
    a scheduled payment whose amount no longer matches the budget is replaced. Each agreement is its own
    transaction. `progress` (core.progress.Progress) advances once per agreement."""
    ids = list(A.objects.filter(status=A.Status.ACTIVE).order_by("pk").values_list("pk", flat=True))
    added = replaced = ended = 0
    for pk in ids:
        with atomic():
            agreement = A.objects.select_for_update().get(pk=pk)
            if agreement.status == A.Status.ACTIVE:
                made, cancelled = _reconcile(agreement, until=_schedule_until(agreement, today))
                added, replaced = added + made - cancelled, replaced + cancelled
                if agreement.end_date is not None and agreement.end_date < today:
                    _mark_ended(agreement)
                    ended += 1
        if progress is not None:
            progress.advance(1)
    return {"agreements": len(ids), "payments_added": added, "payments_replaced": replaced, "ended": ended}


def _mark_ended(agreement: DirectPaymentAgreement) -> None:
    """An agreement whose last day has passed is ended (its end was decided, with its audit, by dp_agreement_end)."""
    agreement.status = A.Status.ENDED
    agreement.version += 1
    agreement.save(update_fields=["status", "version"])
    audit_record(actor=None, action=AuditEvent.Action.UPDATE, obj=agreement, person_id=agreement.person_id,
                 summary=f"Direct payment ended: its last day, {agreement.end_date}, has passed",
                 changes={"status": [A.Status.ACTIVE, A.Status.ENDED]})  # fmt: skip


def _follow_schedule(
    agreement: DirectPaymentAgreement, *, today, due_on, note: str, why: str, budget: PersonalBudget | None = None
) -> tuple[int, ScheduledPayment | None, Decimal]:
    """Bring the agreement's payments into line with its schedule as it now stands (a new budget version, or an
    end date): scheduled payments not yet in a run are replaced, and one adjustment payment (positive, or negative
    to take back) makes what was already paid or is in a run equal what the schedule says for those periods.
    Returns (payments replaced, the adjustment or None, its amount)."""
    # A scheduled adjustment not yet in a run is folded into the new one.
    ScheduledPayment.objects.filter(agreement=agreement, kind=P.Kind.ADJUSTMENT, status=P.Status.SCHEDULED).update(
        status=P.Status.CANCELLED, note="Replaced by a later adjustment"
    )
    until = _schedule_until(agreement, today)
    _, replaced = _reconcile(agreement, until=until, why=why)
    versions = selectors.agreement_budget_versions(agreement=agreement)
    periods = {
        p.start: p
        for p in dp_schedule.schedule(
            start=agreement.start_date, frequency=agreement.frequency, versions=versions, until=until
        )
    }
    made = ScheduledPayment.objects.filter(agreement=agreement, status__in=[P.Status.IN_RUN, P.Status.PAID])
    regular = list(made.filter(kind=P.Kind.REGULAR).order_by("period_start"))
    earlier = list(made.filter(kind=P.Kind.ADJUSTMENT).values_list("amount", flat=True))
    due_now = [periods[p.period_start].amount if p.period_start in periods else ZERO for p in regular]
    amount = dp_schedule.adjustment(due_now=due_now, already_paid=[p.amount for p in regular] + earlier)
    amount = amount.quantize(PENNY)
    adjustment = None
    if amount:
        affected = [p for p, new in zip(regular, due_now, strict=True) if new != p.amount] or regular
        adjustment = ScheduledPayment.objects.create(
            agreement=agreement,
            kind=P.Kind.ADJUSTMENT,
            due_on=due_on,
            period_start=affected[0].period_start,
            period_end=affected[-1].period_end,
            amount=amount,
            budget=budget,
            note=(
                f"{note}: "
                + (f"{pounds(amount)} more" if amount > 0 else f"{pounds(-amount)} to take back")
                + " for payments already made"
            )[:200],
        )
    return replaced, adjustment, amount


@atomic
def dp_budget_change_apply(
    *, agreement: DirectPaymentAgreement, budget: PersonalBudget, actor=None, today=None, request=None
) -> ScheduledPayment | None:
    """A new personal budget version applies from its effective date. Scheduled payments not yet in a run are
    replaced with the new amounts; for payments already paid or in a run whose periods straddle or follow the
    effective date, one adjustment payment (positive, or negative to take back) makes the total paid equal what the
    new budget says for those periods. Returns the adjustment, if one was needed. An agreement still being set up
    or ended needs nothing (activation uses the budget as it is then)."""
    today = today or timezone.localdate()
    agreement = A.objects.select_for_update(of=("self",)).select_related("person").get(pk=agreement.pk)
    if budget.person_id != agreement.person_id:
        raise DomainError("That personal budget is for someone else")
    if agreement.status not in PAYING:
        return None
    replaced, adjustment, amount = _follow_schedule(
        agreement,
        today=today,
        due_on=max(today, budget.effective_from),
        budget=budget,
        note=f"Budget version {budget.version} from {budget.effective_from:%-d %B %Y}",
        why="Replaced: the personal budget changed",
    )
    _record(
        agreement,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=adjustment or agreement,
        summary=(
            f"Direct payment follows personal budget version {budget.version} from {budget.effective_from}: "
            f"{replaced} scheduled payments replaced"
            + (f", adjustment {pounds(amount)}" if adjustment else ", no adjustment needed")
        ),
        title="Direct payment changed with the budget" if (adjustment or replaced) else "",
        detail=(
            f"From {budget.effective_from:%-d %B %Y} the direct payment follows the new personal budget."
            + (f" An adjustment of {pounds(amount)} is due {adjustment.due_on:%-d %B %Y}." if adjustment else "")
        ),
        request=request,
    )
    return adjustment


@atomic
def dp_agreement_end(
    *, agreement: DirectPaymentAgreement, end_date, reason: str, actor, today=None, request=None
) -> DirectPaymentAgreement:
    """End a direct payment on `end_date` (the last day it pays for). Payments for days after it that are not yet
    in a run are cancelled; what was already paid for those days becomes one adjustment to take back; one-off
    payments due after it are cancelled. Payments up to the end still go out, so an end date still to come leaves
    the agreement paying until then (`dp_schedule_extend` marks it ended once the day has passed). Finance gets a
    task to recover what the account still holds and what was paid for after the end."""
    _check_allowed(actor, "ending direct payments")
    today = today or timezone.localdate()
    end_date = _date(end_date, label="the last day the direct payment pays for", field="end_date")
    if reason not in A.EndReason.values:
        raise DomainError("Choose why the direct payment is ending", field="end_reason")
    agreement = A.objects.select_for_update(of=("self",)).select_related("person").get(pk=agreement.pk)
    if agreement.status == A.Status.ENDED:
        raise DomainError("This direct payment has already ended")
    if end_date < agreement.start_date - datetime.timedelta(days=1):
        raise DomainError(
            f"The direct payment starts on {agreement.start_date:%-d %B %Y}: the last day cannot be before the day "
            "before it",
            field="end_date",
        )
    was_paying = agreement.status in PAYING
    before = snapshot(agreement, AGREEMENT_AUDITED)
    agreement.end_date, agreement.end_reason = end_date, reason
    # Ended at once when the last day has passed, nothing was being paid, or nothing will be (it ends before it
    # starts); otherwise it pays until the last day.
    over = end_date < today or end_date < agreement.start_date or not was_paying
    agreement.status = A.Status.ENDED if over else agreement.status
    agreement.version += 1
    agreement.save(update_fields=["end_date", "end_reason", "status", "version"])
    cancelled_one_offs = ScheduledPayment.objects.filter(
        agreement=agreement, kind=P.Kind.ONE_OFF, status=P.Status.SCHEDULED, due_on__gt=end_date
    ).update(status=P.Status.CANCELLED, note=f"The direct payment ended on {end_date:%-d %B %Y}")
    replaced, adjustment, amount = (
        _follow_schedule(
            agreement,
            today=today,
            due_on=max(today, end_date + datetime.timedelta(days=1)),
            note=f"Ended on {end_date:%-d %B %Y}",
            why=f"Cancelled: the direct payment ended on {end_date:%-d %B %Y}",
        )
        if was_paying
        else (0, None, ZERO)
    )
    held = selectors.balance(agreement=agreement)
    to_recover = max(held, ZERO) + max(-amount, ZERO)
    summary = (
        f"Direct payment ends on {end_date} ({agreement.get_end_reason_display().lower()}): {replaced} scheduled "
        f"payments cancelled, {cancelled_one_offs} one-off payments cancelled"
        + (f", adjustment {pounds(amount)}" if adjustment else "")
    )
    _record(
        agreement,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary=summary,
        changes=diff(before, snapshot(agreement, AGREEMENT_AUDITED)),
        title="Direct payment ends",
        detail=(
            f"The direct payment pays for support up to {end_date:%-d %B %Y}: "
            f"{agreement.get_end_reason_display().lower()}."
        ),
        request=request,
    )
    if to_recover > 0:
        _recovery_task(agreement, held=held, overpaid=max(-amount, ZERO), due_on=today + datetime.timedelta(days=28))
    return agreement


def _recovery_task(agreement: DirectPaymentAgreement, *, held: Decimal, overpaid: Decimal, due_on) -> None:
    """Finance's task to get back what an ended direct payment should return (the unspent balance, and what was
    paid for days after the end), after the holder's last bills are settled."""
    from selfdirect.core.roles import Role
    from selfdirect.reviews.models import Task
    from selfdirect.reviews.task_services import task_open

    parts = [f"{pounds(held)} in the account"] if held > 0 else []
    parts += [f"{pounds(overpaid)} paid for days after the end"] if overpaid > 0 else []
    task_open(
        kind=Task.Kind.DP_FINDING,
        title=f"Recover money from {agreement.person.full_name}'s ended direct payment",
        due_on=due_on,
        source=f"dp-ended:{agreement.pk}",
        person=agreement.person,
        role=Role.FINANCE_OFFICER,
        url=reverse("dp_agreement", args=[agreement.pk]),
        detail="To recover once the last bills are paid: " + " and ".join(parts) + ".",
    )


def dp_budget_changed(*, person, budget: PersonalBudget, actor=None, request=None) -> list[ScheduledPayment]:
    """The hook for a new personal budget version: every direct payment the person is paid follows it. Call it
    after the budget is saved, in the same transaction. Returns the adjustments made."""
    made = []
    for agreement in A.objects.filter(person=person, status__in=PAYING).order_by("pk"):
        adjustment = dp_budget_change_apply(agreement=agreement, budget=budget, actor=actor, request=request)
        if adjustment is not None:
            made.append(adjustment)
    return made


# --- The ledger -----------------------------------------------------------------------------------------------


def _accounts(agreement_ids, kinds) -> dict[tuple[int, str], LedgerAccount]:
    """The ledger accounts of these agreements, made when first needed."""
    kinds = list(kinds)
    found = {
        (a.agreement_id, a.kind): a
        for a in LedgerAccount.objects.filter(agreement_id__in=agreement_ids, kind__in=kinds)
    }
    missing = [
        LedgerAccount(agreement_id=agreement_id, kind=kind)
        for agreement_id in agreement_ids
        for kind in kinds
        if (agreement_id, kind) not in found
    ]
    if missing:
        LedgerAccount.objects.bulk_create(missing, ignore_conflicts=True)
        found = {
            (a.agreement_id, a.kind): a
            for a in LedgerAccount.objects.filter(agreement_id__in=agreement_ids, kind__in=kinds)
        }
    return found


def _entries(entries) -> dict[str, Decimal]:
    if not isinstance(entries, dict) or len(entries) < 2:
        raise DomainError("A ledger transaction moves money between at least two accounts")
    checked = {}
    for kind, value in entries.items():
        if kind not in LedgerAccount.Kind.values:
            raise DomainError(f"Unknown ledger account: {kind}")
        amount = _money(value, label="each amount", field="entries", allow_negative=True)
        checked[LedgerAccount.Kind(kind).value] = amount
    total = sum(checked.values(), ZERO)
    if total != 0:
        raise DomainError(
            f"The entries add up to {pounds(total)}, not £0: money moves between accounts, it never appears or vanishes"
        )
    return checked


def _write_transaction(*, agreement_id, kind, occurred_on, description, entries, category, actor, **more):
    accounts = _accounts([agreement_id], entries)
    transaction = LedgerTransaction.objects.create(
        agreement_id=agreement_id,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        category=category,
        created_by=actor if getattr(actor, "pk", None) else None,
        **more,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=transaction, account=accounts[(agreement_id, k)], amount=amount)
        for k, amount in entries.items()
    )
    return transaction


@atomic
def ledger_post(
    *,
    agreement: DirectPaymentAgreement,
    kind: str,
    occurred_on,
    description: str,
    entries: dict,
    category: str = "",
    actor,
    scheduled_payment: ScheduledPayment | None = None,
    request=None,
) -> LedgerTransaction:
    """Post a transaction: entries {LedgerAccount.Kind: amount} that add up to £0 exactly (positive: money into
    that account; negative: out of it). Refused otherwise, and nothing is written."""
    if kind not in LedgerTransaction.Kind.values:
        raise DomainError("Unknown kind of ledger transaction")
    if kind == LedgerTransaction.Kind.REVERSAL:
        raise DomainError("Reversals are posted by reversing the transaction they correct")
    if category and category not in Category.values:
        raise DomainError("Unknown category", field="category")
    occurred_on = _date(occurred_on, label="the date", field="occurred_on")
    description = _text(description, label="a description", field="description", limit=300)
    checked = _entries(entries)
    if scheduled_payment is not None and scheduled_payment.agreement_id != agreement.pk:
        raise DomainError("That payment belongs to another direct payment")
    transaction = _write_transaction(
        agreement_id=agreement.pk,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        entries=checked,
        category=category,
        actor=actor,
        scheduled_payment=scheduled_payment,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=transaction,
        person_id=agreement.person_id,
        summary=f"Ledger: {description}"[:300],
        changes={k: [None, str(v)] for k, v in checked.items()},
        request=request,
    )
    return transaction


@atomic
def ledger_reverse(
    *, transaction: LedgerTransaction, actor, reason: str, occurred_on: datetime.date | None = None, request=None
) -> LedgerTransaction:
    """Correct a transaction by posting its entries negated. A transaction is reversed at most once, and a reversal
    is not itself reversed (post the original again instead)."""
    _check_allowed(actor, "correcting the ledger")
    reason = _text(reason, label="why the transaction is reversed", field="reason", limit=200)
    original = LedgerTransaction.objects.select_for_update().select_related("agreement").get(pk=transaction.pk)
    if original.kind == LedgerTransaction.Kind.REVERSAL:
        raise DomainError("This is a reversal already: post the original transaction again instead")
    already = LedgerTransaction.objects.filter(reverses=original).first()
    if already is not None:
        raise DomainError(f"This transaction was already reversed on {already.occurred_on:%-d %B %Y}")
    entries = {e.account.kind: -e.amount for e in original.entries.select_related("account")}
    try:
        with atomic():
            reversal = _write_transaction(
                agreement_id=original.agreement_id,
                kind=LedgerTransaction.Kind.REVERSAL,
                occurred_on=occurred_on or timezone.localdate(),
                description=f"Reversal of {original.description}: {reason}"[:300],
                entries=entries,
                category=original.category,
                actor=actor,
                reverses=original,
            )
    except IntegrityError:  # reversed by someone else at the same moment
        raise DomainError("This transaction was already reversed") from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=reversal,
        person_id=original.agreement.person_id,
        summary=f"Ledger transaction {original.pk} reversed: {reason}"[:300],
        changes={"reverses": [None, original.pk]},
        request=request,
    )
    return reversal


# --- Payment runs ---------------------------------------------------------------------------------------------


def _batches(ids: list, size: int = 1000):
    """Ids in slices small enough for any database's limit on query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@atomic
def payment_run_prepare(*, run_on, actor, request=None) -> PaymentRun:
    """A run of every scheduled payment due on or before `run_on` for active (or ended) agreements. A payment
    already in a run is never taken again (two runs prepared at once take different payments)."""
    _check_allowed(actor, "running payments")
    run_on = _date(run_on, label="the date of the payment run", field="run_on")
    # Lock what is due first: a payment a concurrent run has just taken is no longer "scheduled" once its lock is
    # released, so it is skipped here (PostgreSQL re-checks the row's own columns after waiting for the lock).
    due = ScheduledPayment.objects.select_for_update(of=("self",)).filter(
        status=P.Status.SCHEDULED,
        run__isnull=True,
        due_on__lte=run_on,
        # An ended agreement's payments after its end are cancelled; what is left (up to the end, and the final
        # adjustment) still goes through the finance system.
        agreement__status__in=(A.Status.ACTIVE, A.Status.ENDED),
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    nothing = f"No payments are due on or before {run_on:%-d %B %Y} that are not in a run already"
    if not ids:
        raise DomainError(nothing)
    run = PaymentRun.objects.create(run_on=run_on, created_by=actor)
    taken = 0
    for batch in _batches(ids):
        taken += ScheduledPayment.objects.filter(pk__in=batch, status=P.Status.SCHEDULED, run__isnull=True).update(
            status=P.Status.IN_RUN, run=run
        )
    if not taken:
        raise DomainError(nothing)
    total = run.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    run.payment_count, run.total = taken, Decimal(total).quantize(PENNY)
    run.save(update_fields=["payment_count", "total"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=run,
        summary=f"Payment run prepared for {run_on}: {taken} payments, {pounds(run.total)}",
        request=request,
    )
    return run


def _cell(text) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def payment_run_csv(run: PaymentRun) -> bytes:
    """The run as the finance system's CSV (UTF-8), one line per payment, in a fixed order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for payment in selectors.run_payments(run=run):
        agreement = payment.agreement
        writer.writerow(
            [
                _cell(payment.reference),
                _cell(agreement.person.council_id),
                _cell(agreement.holder_name),
                _cell(agreement.account_identifier),
                f"{payment.amount:.2f}",
                payment.due_on.isoformat(),
            ]
        )
    return buffer.getvalue().encode("utf-8")


@atomic
def payment_run_export(*, run: PaymentRun, actor=None, request=None) -> bytes:
    """The CSV for the finance system. The first export keeps its sha256 on the run; exporting again gives the same
    file, or is refused if a payee's details have changed since (so finance never gets two different files for one
    run)."""
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    content = payment_run_csv(run)
    digest = hashlib.sha256(content).hexdigest()
    if run.export_sha256 and run.export_sha256 != digest:
        raise DomainError(
            "The payees' details have changed since this run was exported, so the file would differ from the one "
            f"sent to finance (sha256 {run.export_sha256[:12]}...). Check with finance before paying it again."
        )
    if not run.export_sha256:
        run.export_sha256 = digest
        if run.status == PaymentRun.Status.PREPARED:
            run.status = PaymentRun.Status.EXPORTED
        run.save(update_fields=["export_sha256", "status"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=run,
        summary=f"Payment run {run.pk} exported for the finance system ({run.payment_count} payments)",
        changes={"sha256": [None, digest]},
        request=request,
    )
    return content


def _first_payment_review(agreement: DirectPaymentAgreement, actor) -> None:
    """Reg 7: the first direct payment review is due within 6 months of the first payment.

    reviews.services schedules it from the plan's start as a stand-in until payments are recorded; the first
    payment moves it to 6 months after that payment (or books it)."""
    from selfdirect.reviews.services import reviews_dp_first_payment

    reviews_dp_first_payment(plan=agreement.plan, first_payment_on=agreement.first_payment_on, actor=actor)


@atomic
def payment_run_mark_paid(*, run: PaymentRun, actor, request=None, progress=None) -> PaymentRun:
    """The finance system has paid the run: every payment in it is marked paid and posted to the ledger (the
    holder's account +amount, council funding -amount), all in one transaction. The first payment of an agreement
    sets its first payment date and its first direct payment review."""
    _check_allowed(actor, "marking payment runs paid")
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.status == PaymentRun.Status.PAID:
        raise DomainError(f"Payment run {run.pk} was already marked paid")
    if run.status != PaymentRun.Status.EXPORTED:
        raise DomainError("Export the run for the finance system before marking it paid")
    payments = list(
        ScheduledPayment.objects.filter(run=run, status=P.Status.IN_RUN).select_related("agreement").order_by("pk")
    )
    agreement_ids = sorted({p.agreement_id for p in payments})
    kinds = (LedgerAccount.Kind.HOLDER, LedgerAccount.Kind.COUNCIL)
    accounts = _accounts(agreement_ids, kinds)
    posted = []
    for payment in payments:
        if progress is not None:
            progress.advance(1)
        if payment.amount == 0:
            continue
        posted.append(
            LedgerTransaction(
                agreement_id=payment.agreement_id,
                kind=LedgerTransaction.Kind.COUNCIL_PAYMENT,
                occurred_on=run.run_on,
                description=f"{payment.get_kind_display()} {payment.reference}"
                + (
                    f" for {payment.period_start:%-d %b} to {payment.period_end:%-d %b %Y}"
                    if payment.period_start
                    else ""
                ),
                category=Category.COUNCIL_PAYMENT,
                scheduled_payment=payment,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    LedgerTransaction.objects.bulk_create(posted, batch_size=1000)
    entries = []
    for transaction in posted:
        amount = transaction.scheduled_payment.amount
        holder, council = (accounts[(transaction.agreement_id, kind)] for kind in kinds)
        entries.append(LedgerEntry(transaction=transaction, account=holder, amount=amount))
        entries.append(LedgerEntry(transaction=transaction, account=council, amount=-amount))
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    for batch in _batches([p.pk for p in payments]):
        ScheduledPayment.objects.filter(pk__in=batch).update(status=P.Status.PAID)
    run.status, run.paid_by, run.paid_at = PaymentRun.Status.PAID, actor, timezone.now()
    run.save(update_fields=["status", "paid_by", "paid_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=run,
        summary=f"Payment run {run.pk} marked paid: {len(payments)} payments, {pounds(run.total)}",
        changes={"status": [PaymentRun.Status.EXPORTED, PaymentRun.Status.PAID]},
        request=request,
    )
    firsts = (
        A.objects.filter(pk__in=agreement_ids, first_payment_on__isnull=True)
        .filter(payments__run=run, payments__amount__gt=0)
        .distinct()
        .select_related("person", "plan")
    )
    for agreement in firsts:
        before = snapshot(agreement, AGREEMENT_AUDITED)
        agreement.first_payment_on = run.run_on
        agreement.save(update_fields=["first_payment_on"])
        _record(
            agreement,
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            summary=f"First direct payment made on {run.run_on}",
            changes=diff(before, snapshot(agreement, AGREEMENT_AUDITED)),
            title="First direct payment made",
            detail=f"Paid on {run.run_on:%-d %B %Y}. The direct payment is reviewed within 6 months, then at least "
            "every 12 months.",
            request=request,
        )
        _first_payment_review(agreement, actor)
    return run
