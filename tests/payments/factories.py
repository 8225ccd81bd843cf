"""Building direct payments for tests.

- `approved_dp_plan(...)`: an approved plan with a direct-payment line, its s31/s32 suitability and a personal
  budget, made through the real services (assessment, plan, approval).
- `make_agreement(...)`: an agreement set up (and, by default, activated) through the services.
- `bare_agreement(...)` and `budget_version(...)`: rows written directly, for property tests that need many cheap
  agreements and budgets (no audit records or timeline events).

Amounts are whole pounds or pence that binary floating point holds well enough for the budgets' CHECK constraints
on SQLite (they compare rounded to the penny).
"""

import datetime
from decimal import Decimal

from selfdirect.core.roles import Role
from selfdirect.money.models import ChargingYear, FinancialAssessment, PersonalBudget
from selfdirect.payments import services
from selfdirect.payments.models import DirectPaymentAgreement
from selfdirect.planning import services as planning_services
from selfdirect.planning.models import SupportPlan
from tests.factories import ContactFactory, PersonFactory, UserFactory
from tests.planning.plans import line, ready_plan

A = DirectPaymentAgreement
TODAY = datetime.date(2026, 11, 23)
# tests/planning/plans.py starts plans on Tuesday 1 December 2026; agreements here start the Monday after.
PLAN_START = datetime.date(2026, 12, 1)
START = datetime.date(2026, 12, 7)
ACCOUNT = "12-34-56 12345678"


def finance_officer(**fields):
    return UserFactory(role=Role.FINANCE_OFFICER, **fields)


def complete_financial_assessment(person, contribution="0.00"):
    return FinancialAssessment.objects.create(
        person=person,
        year=ChargingYear.objects.order_by("-effective_from").first(),
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=Decimal("0"),
        weekly_cost_of_care=Decimal("1000"),
        weekly_contribution=Decimal(contribution),
        full_cost=False,
    )


def approved_dp_plan(
    *,
    worker,
    manager,
    person,
    rate: str = "10.00",
    contribution: str = "0.00",
    route: str = "s31_person",
    recipient=None,
    council_managed_rate: str | None = None,
    start: datetime.date | None = None,
) -> SupportPlan:
    """An approved plan whose direct-payment line costs 7 × `rate` a week (one hour a day), optionally with a
    council-managed line too. With `start`, the plan and its budget are moved to start then (a test arrangement)."""
    complete_financial_assessment(person, contribution)
    plan = ready_plan(worker, person, rate=rate, management="direct_payment")
    if council_managed_rate is not None:
        line(plan, worker, unit_rate=council_managed_rate, management="council_managed", description="Day centre")
        plan.refresh_from_db()
        if plan.indicative_budget and plan.weekly_total != plan.indicative_budget.weekly_amount:
            planning_services.support_plan_update(
                plan=plan, actor=worker, expected_version=plan.version, budget_difference_reason="Day centre added"
            )
    plan.refresh_from_db()
    planning_services.dp_suitability_record(
        plan=plan,
        actor=worker,
        expected_version=plan.version,
        route=route,
        conditions={"c1": True, "c2": True, "c3": True, "c4": True, "c5": True},
        recipient=recipient,
    )
    plan.refresh_from_db()
    plan = planning_services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    decider = manager
    if plan.status == SupportPlan.Status.AT_PANEL:  # an expensive plan goes to panel: a manager decides it here
        SupportPlan.objects.filter(pk=plan.pk).update(status=SupportPlan.Status.WITH_MANAGER, approval_route="manager")
        plan.refresh_from_db()
    planning_services.support_plan_decide(
        plan=plan, actor=decider, expected_version=plan.version, outcome="approve", reasons="Meets the needs"
    )
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.APPROVED, plan.status
    if start is not None:
        SupportPlan.objects.filter(pk=plan.pk).update(start_date=start)
        PersonalBudget.objects.filter(pk=plan.personal_budget_id).update(effective_from=start)
        plan.refresh_from_db()
    return plan


def nominee_for(person, name="Ann Smith"):
    return ContactFactory(person=person, name=name, is_nominee=True)


def authorised_person_for(person, name="Bob Smith"):
    return ContactFactory(person=person, name=name, is_authorised_person=True)


def make_agreement(
    plan,
    actor,
    *,
    start: datetime.date = START,
    frequency: str = A.Frequency.FOUR_WEEKLY,
    net: bool = True,
    holder: str = A.Holder.PERSON,
    holder_contact=None,
    account_type: str = A.AccountType.OWN_BANK,
    identifier: str = ACCOUNT,
    provider=None,
    one_offs=None,
    today: datetime.date = TODAY,
    activate: bool = True,
) -> DirectPaymentAgreement:
    agreement = services.dp_agreement_create(
        plan=plan,
        actor=actor,
        holder=holder,
        holder_contact=holder_contact,
        account_type=account_type,
        account_identifier=identifier,
        managed_account_provider=provider,
        start_date=start,
        frequency=frequency,
        net_of_contribution=net,
        one_offs=one_offs,
        today=today,
    )
    if activate:
        agreement = services.dp_agreement_activate(agreement=agreement, actor=actor, today=today)
    return DirectPaymentAgreement.objects.get(pk=agreement.pk)


def budget_version(person, *, version: int, effective_from, direct_payment, contribution="0.00"):
    """A personal budget version written directly: all direct payment, the contribution from the same total."""
    total = Decimal(direct_payment)
    contribution = min(Decimal(contribution), total)
    PersonalBudget.objects.filter(person=person, is_current=True).update(is_current=False)
    return PersonalBudget.objects.create(
        person=person,
        version=version,
        effective_from=effective_from,
        reason="Test",
        weekly_total_cost=total,
        weekly_person_contribution=contribution,
        weekly_council_amount=total - contribution,
        weekly_direct_payment=total,
    )


def bare_agreement(
    plan, actor, *, person=None, start=START, frequency=A.Frequency.WEEKLY, net=False, status=A.Status.DRAFT
):
    """An agreement row for `person` (a new person by default) against an existing plan, written directly."""
    return DirectPaymentAgreement.objects.create(
        person=person or PersonFactory(),
        plan=plan,
        holder=A.Holder.PERSON,
        account_type=A.AccountType.OWN_BANK,
        account_identifier=ACCOUNT,
        start_date=start,
        frequency=frequency,
        net_of_contribution=net,
        status=status,
        created_by=actor,
    )
