"""The synthetic council's direct payments: agreements for approved plans with direct-payment lines (a mix of
holders and accounts), started weeks ago so that payments have been through runs and into the ledger, one with a
budget change part-way through (and its adjustment), and today's run prepared for a finance officer to mark paid.

Made through the real services, so audit records, timelines, schedules and ledgers are what real use leaves. The
seeded plans start in the future (planning/seeding.py); to have a history, each plan's start date and its personal
budget's effective date are moved back to the agreement's start (seeded records only, as planning ages its clock).
The nominee and authorised-person holders are contacts given that role, with the plan's suitability recorded for
them.

Runs after the plans are seeded. Skipped when agreements already exist, so `make demo` can run again;
`reset_direct_payments` removes everything here (demo databases only).
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.money.budget_services import SPLIT_FIELDS, personal_budget_set
from selfdirect.money.models import PersonalBudget
from selfdirect.people.models import Relationship
from selfdirect.people.services import contact_add, contact_update
from selfdirect.planning.models import DirectPaymentSuitability, Management, SupportPlan
from selfdirect.reviews.models import Task
from selfdirect.rules import direct_payments as dp_rules

from . import services
from .models import (
    DirectPaymentAgreement,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    MonitoringFinding,
    OneOffPayment,
    PaymentRun,
    ScheduledPayment,
    StatementImport,
    StatementLine,
)

A = DirectPaymentAgreement
# Holders, accounts and frequencies in turn, so every kind is on show.
HOLDERS = [dp_rules.S31_PERSON, dp_rules.S31_NOMINEE, dp_rules.S31_PERSON, dp_rules.S32_AUTHORISED]
ACCOUNTS = [A.AccountType.OWN_BANK, A.AccountType.PREPAID_CARD, A.AccountType.MANAGED]
FREQUENCIES = [A.Frequency.FOUR_WEEKLY, A.Frequency.WEEKLY, A.Frequency.FOUR_WEEKLY, A.Frequency.MONTHLY]
WEEKS_AGO = [18, 14, 10]
# Runs: eight and four weeks ago (marked paid), and today (prepared and exported, for a finance officer to pay).
PAID_RUNS_WEEKS_AGO = [8, 4]
BUDGET_CHANGE = Decimal("21.00")  # a week more direct payment for one person, from three weeks ago


def _staff(role):
    return get_user_model().objects.filter(role=role, is_active=True).order_by("pk").first()


def _identifier(account_type: str, rng: random.Random) -> str:
    if account_type == A.AccountType.OWN_BANK:
        return (
            f"{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)} {rng.randint(10_000_000, 99_999_999)}"
        )
    if account_type == A.AccountType.PREPAID_CARD:
        return f"5355 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    return f"MA-{rng.randint(100_000, 999_999)}"


def _holder_contact(plan: SupportPlan, route: str, actor, rng: random.Random):
    """For a nominee or authorised person: a contact with that role, and the plan's suitability recorded for them."""
    if route == dp_rules.S31_PERSON:
        return None
    role = "is_nominee" if route == dp_rules.S31_NOMINEE else "is_authorised_person"
    person = plan.person
    contact = person.contacts.filter(is_active=True).order_by("pk").first()
    if contact is None:
        contact = contact_add(
            person=person,
            actor=actor,
            name=f"{rng.choice(['Anne', 'David', 'Helen', 'Mark', 'Sara'])} {person.last_name}",
            relationship=Relationship.DAUGHTER if rng.random() < 0.5 else Relationship.SON,
            is_family=True,
            phone="01632 960010",
        )
    if not getattr(contact, role):
        contact = contact_update(contact=contact, actor=actor, **{role: True})
    conditions = {key: True for key in dp_rules.CONDITIONS[route]}
    # The plan is approved (no longer editable): the suitability is recorded as if the worker had chosen this route.
    DirectPaymentSuitability.objects.filter(plan=plan).update(route=route, recipient=contact, conditions=conditions)
    return contact


def _backdate(plan: SupportPlan, start: datetime.date) -> None:
    SupportPlan.objects.filter(pk=plan.pk).update(start_date=start)
    PersonalBudget.objects.filter(pk=plan.personal_budget_id, effective_from__gt=start).update(effective_from=start)


def _candidates():
    plans = (
        SupportPlan.objects.filter(
            status=SupportPlan.Status.APPROVED,
            personal_budget__isnull=False,
            personal_budget__weekly_direct_payment__gt=0,
            person__date_of_death__isnull=True,
            lines__management=Management.DIRECT_PAYMENT,
            dp_suitability__isnull=False,
        )
        .exclude(person__dp_agreements__isnull=False)
        .select_related("person", "personal_budget", "dp_suitability")
        .distinct()
        .order_by("pk")
    )
    return [p for p in plans if not p.dp_suitability.unmet]


def _agreement(plan, index: int, finance, rng: random.Random, today: datetime.date):
    route = HOLDERS[index % len(HOLDERS)]
    contact = _holder_contact(plan, route, finance, rng)
    start = today - datetime.timedelta(weeks=WEEKS_AGO[index % len(WEEKS_AGO)])
    start -= datetime.timedelta(days=start.weekday())  # a Monday
    _backdate(plan, start)
    plan.refresh_from_db()
    account_type = ACCOUNTS[index % len(ACCOUNTS)]
    provider = None
    if account_type == A.AccountType.MANAGED:
        from selfdirect.market.models import Provider

        provider = Provider.objects.filter(is_active=True).order_by("pk").first()
        if provider is None:
            account_type = A.AccountType.OWN_BANK
    budget = plan.personal_budget
    net = index % 2 == 0 and budget.weekly_direct_payment > budget.weekly_person_contribution
    one_offs = []
    if plan.lines.filter(management=Management.DIRECT_PAYMENT, support_kind="pa").exists():
        one_offs = [
            {"kind": OneOffPayment.Kind.START_UP, "description": "Recruiting a personal assistant",
             "amount": Decimal("250.00"), "due_on": start},
            {"kind": OneOffPayment.Kind.EMPLOYER, "description": "Employer's liability insurance for a year",
             "amount": Decimal("120.00"), "due_on": start},
        ]  # fmt: skip
    agreement = services.dp_agreement_create(
        plan=plan,
        actor=finance,
        holder=services.HOLDER_FOR_ROUTE[route],
        holder_contact=contact,
        account_type=account_type,
        account_identifier=_identifier(account_type, rng),
        managed_account_provider=provider,
        start_date=start,
        frequency=FREQUENCIES[index % len(FREQUENCIES)],
        net_of_contribution=net,
        cash_agreed=rng.random() < 0.3,
        one_offs=one_offs,
        today=today,
    )
    return services.dp_agreement_activate(agreement=agreement, actor=finance, today=today)


def _run(run_on: datetime.date, finance, *, pay: bool) -> PaymentRun | None:
    services.dp_schedule_extend(today=run_on)
    try:
        run = services.payment_run_prepare(run_on=run_on, actor=finance)
    except DomainError:
        return None
    services.payment_run_export(run=run, actor=finance)
    if pay:
        run.refresh_from_db()
        services.payment_run_mark_paid(run=run, actor=finance)
    return run


def _budget_change(agreement, finance, today: datetime.date):
    """A budget change for one person: more direct payment from three weeks ago, after payments were made."""
    current = PersonalBudget.objects.get(person=agreement.person, is_current=True)
    split = {name: getattr(current, name) for name in SPLIT_FIELDS}
    split["weekly_direct_payment"] += BUDGET_CHANGE
    budget = personal_budget_set(
        person=agreement.person,
        actor=finance,
        weekly_total_cost=current.weekly_total_cost + BUDGET_CHANGE,
        weekly_person_contribution=current.weekly_person_contribution,
        split=split,
        effective_from=today - datetime.timedelta(weeks=3),
        reason="Review: an extra hour a week of personal assistant support",
        financial_assessment=current.financial_assessment,
        indicative_budget=current.indicative_budget,
    )
    return services.dp_budget_changed(person=agreement.person, budget=budget, actor=finance)


def seed_direct_payments(*, seed: int = 1, today: datetime.date | None = None, limit: int = 12) -> dict:
    """Direct payments for up to `limit` approved plans with direct-payment lines. Returns counts."""
    if DirectPaymentAgreement.objects.exists():
        return {}
    finance = _staff(Role.FINANCE_OFFICER)
    if finance is None:
        return {}
    rng = random.Random(seed * 104_729)
    today = today or timezone.localdate()
    agreements = []
    with transaction.atomic():
        for index, plan in enumerate(_candidates()[:limit]):
            agreements.append(_agreement(plan, index, finance, rng, today))
        if not agreements:
            return {}
        runs = []
        for weeks in PAID_RUNS_WEEKS_AGO:
            runs.append(_run(today - datetime.timedelta(weeks=weeks), finance, pay=True))
        adjustments = _budget_change(agreements[0], finance, today)
        ending = []
        if len(agreements) >= 3:  # someone moving to a council-arranged service in three weeks
            ending.append(services.dp_agreement_end(agreement=agreements[-1], end_date=today + datetime.timedelta(
                days=20), reason=A.EndReason.CHOSE_OTHER, actor=finance, today=today))  # fmt: skip
        runs.append(_run(today, finance, pay=False))
    return {
        "direct payments": len(agreements),
        "payment runs": sum(1 for r in runs if r is not None),
        "payments made": ScheduledPayment.objects.filter(status=ScheduledPayment.Status.PAID).count(),
        "budget change adjustments": len(adjustments),
        "direct payments ending": len(ending),
    }


# --- Reset (demo databases only) ------------------------------------------------------------------------------


def _demo_reset_delete(model) -> int:
    """Delete every row of an append-only ledger table. Only reset_direct_payments calls this: the model's manager
    refuses deletes, so the base QuerySet's raw delete is called directly, and on PostgreSQL the trigger lets it
    through only while `selfdirect.allow_ledger_reset` is on for this transaction."""
    queryset = model.objects.all()
    return models.QuerySet._raw_delete(queryset, queryset.db)


def _set_ledger_reset(on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('selfdirect.allow_ledger_reset', %s, true)", ["on" if on else "off"])


def reset_direct_payments() -> None:
    """Remove every direct payment, payment run, statement and ledger record: run it first when resetting a demo
    council (agreements refer to plans, budgets, contacts and providers). Refused when any agreement is for a
    person with a real NHS number (outside the 999 test range): the ledger of a real council is never deleted."""
    from selfdirect.people.seeding import SeedError

    real = DirectPaymentAgreement.objects.exclude(person__nhs_number__startswith="999").exclude(
        person__nhs_number__isnull=True
    )
    if real.exists():
        raise SeedError(
            "Refusing to reset direct payments: some are for people with NHS numbers outside the 999 test range, "
            "so this database holds real records."
        )
    with transaction.atomic():
        # Tasks the payments made: checks of findings, and recovering what is left when a direct payment ends.
        Task.objects.filter(Q(source__startswith="finding:") | Q(source__startswith="dp-ended:")).delete()
        MonitoringFinding.objects.all().delete()
        StatementLine.objects.all().delete()
        StatementImport.objects.all().delete()
        # Set for this transaction only (set_config's third argument): undone at commit or rollback, and turned
        # off again at once in case the caller's transaction goes on to do other things.
        _set_ledger_reset(True)
        _demo_reset_delete(LedgerEntry)
        _demo_reset_delete(LedgerTransaction)
        _set_ledger_reset(False)
        ScheduledPayment.objects.all().delete()
        PaymentRun.objects.all().delete()
        OneOffPayment.objects.all().delete()
        LedgerAccount.objects.all().delete()
        DirectPaymentAgreement.objects.all().delete()
