"""Keeping direct payments scheduled (dp_schedule_extend) and following budget changes (dp_budget_change_apply):
scheduled payments are replaced, payments already made are put right by one adjustment, and the totals always equal
what the budget versions say, to the penny."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.payments import selectors, services
from selfdirect.payments.models import DirectPaymentAgreement, ScheduledPayment
from selfdirect.people.models import PersonEvent
from selfdirect.rules import dp_schedule
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import (
    START,
    TODAY,
    approved_dp_plan,
    bare_agreement,
    budget_version,
    finance_officer,
    make_agreement,
)

pytestmark = pytest.mark.django_db
A = DirectPaymentAgreement
P = ScheduledPayment
D = datetime.date
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


@pytest.fixture
def finance():
    return finance_officer()


@pytest.fixture
def mary(team, worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(worker, manager, mary):
    return approved_dp_plan(worker=worker, manager=manager, person=mary)


def live(agreement, **filters):
    return P.objects.filter(agreement=agreement, **filters).exclude(status=P.Status.CANCELLED)


def pay_up_to(agreement, day):
    """As if payment runs had paid everything due by `day` (the runs themselves are tested in test_runs.py)."""
    live(agreement, due_on__lte=day).update(status=P.Status.PAID)


# --- Keeping payments scheduled ------------------------------------------------------------------------------


def test_extend_is_idempotent_and_moves_with_the_date(plan, finance):
    agreement = make_agreement(plan, finance, frequency=A.Frequency.WEEKLY)
    before = live(agreement).count()
    assert services.dp_schedule_extend(today=TODAY) == {
        "agreements": 1,
        "payments_added": 0,
        "payments_replaced": 0,
        "ended": 0,
    }
    assert live(agreement).count() == before
    result = services.dp_schedule_extend(today=TODAY + 4 * WEEK)
    assert result["payments_added"] == 2  # activation reached 12 weeks after the start (7 Dec); now 21 Dec + 12
    assert services.dp_schedule_extend(today=TODAY + 4 * WEEK)["payments_added"] == 0
    last = live(agreement).order_by("-due_on").first()
    assert last.due_on <= dp_schedule.horizon(TODAY + 4 * WEEK, A.Frequency.WEEKLY)
    assert len({p.period_start for p in live(agreement)}) == live(agreement).count()  # no period twice


def test_extend_leaves_draft_suspended_and_ended_agreements_alone(plan, finance):
    agreement = make_agreement(plan, finance)
    A.objects.filter(pk=agreement.pk).update(status=A.Status.SUSPENDED)
    count = P.objects.count()
    assert services.dp_schedule_extend(today=TODAY + 20 * WEEK)["agreements"] == 0
    assert P.objects.count() == count


def test_the_database_refuses_a_second_live_payment_for_a_period(plan, finance):
    from django.db import IntegrityError, transaction

    agreement = make_agreement(plan, finance)
    first = live(agreement).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        P.objects.create(agreement=agreement, due_on=first.due_on, period_start=first.period_start, amount=1)


# --- Budget changes ------------------------------------------------------------------------------------------


def test_a_rise_part_way_through_a_paid_period_is_paid_as_an_adjustment(plan, finance, mary):
    """Weekly at £70 from 7 December. Two weeks are paid; the budget rises to £140 from Thursday 17 December (in
    the second paid week): that week should have been 3 × £10 + 4 × £20 = £110, so £40 more is due; the scheduled
    weeks are replaced at £140."""
    agreement = make_agreement(plan, finance, frequency=A.Frequency.WEEKLY)
    pay_up_to(agreement, START + WEEK)
    budget = budget_version(mary, version=2, effective_from=D(2026, 12, 17), direct_payment="140.00")
    adjustment = services.dp_budget_change_apply(agreement=agreement, budget=budget, actor=finance, today=TODAY)
    assert adjustment.kind == P.Kind.ADJUSTMENT and adjustment.amount == Decimal("40.00")
    assert adjustment.due_on == D(2026, 12, 17)  # not before the change takes effect
    assert (adjustment.period_start, adjustment.period_end) == (D(2026, 12, 14), D(2026, 12, 20))
    assert "£40.00 more" in adjustment.note
    scheduled = live(agreement, kind=P.Kind.REGULAR, status=P.Status.SCHEDULED)
    assert {p.amount for p in scheduled} == {Decimal("140.00")}
    assert P.objects.filter(agreement=agreement, status=P.Status.CANCELLED).count() == scheduled.count()
    paid = live(agreement, status=P.Status.PAID).order_by("due_on")
    assert [p.amount for p in paid] == [Decimal("70.00"), Decimal("70.00")]  # payments made are never changed
    assert PersonEvent.objects.filter(person=mary, title="Direct payment changed with the budget").exists()
    # Applying the same version again leaves the same result: one live adjustment of £40.
    again = services.dp_budget_change_apply(agreement=agreement, budget=budget, actor=finance, today=TODAY)
    assert again.amount == Decimal("40.00")
    assert [a.amount for a in live(agreement, kind=P.Kind.ADJUSTMENT)] == [Decimal("40.00")]


def test_a_cut_takes_money_back_with_a_negative_adjustment(plan, finance, mary):
    """Four-weekly £280 paid in advance for 7 Dec to 3 Jan; from 21 December the budget is £35 a week: the last two
    weeks should have been £70, not £140, so £70 is taken back."""
    agreement = make_agreement(plan, finance)
    pay_up_to(agreement, START)
    budget = budget_version(mary, version=2, effective_from=D(2026, 12, 21), direct_payment="35.00")
    adjustment = services.dp_budget_change_apply(agreement=agreement, budget=budget, actor=finance, today=TODAY)
    assert adjustment.amount == Decimal("-70.00")
    assert "£70.00 to take back" in adjustment.note
    assert live(agreement, kind=P.Kind.REGULAR, status=P.Status.SCHEDULED).first().amount == Decimal("140.00")


def test_a_scheduled_adjustment_is_folded_into_the_next_one(plan, finance, mary):
    agreement = make_agreement(plan, finance, frequency=A.Frequency.WEEKLY)
    pay_up_to(agreement, START + WEEK)
    first = services.dp_budget_change_apply(
        agreement=agreement,
        budget=budget_version(mary, version=2, effective_from=D(2026, 12, 7), direct_payment="140.00"),
        today=TODAY,
    )
    assert first.amount == Decimal("140.00")
    second = services.dp_budget_change_apply(
        agreement=agreement,
        budget=budget_version(mary, version=3, effective_from=D(2026, 12, 7), direct_payment="105.00"),
        today=TODAY,
    )
    first.refresh_from_db()
    assert first.status == P.Status.CANCELLED and second.amount == Decimal("70.00")


def test_no_adjustment_when_nothing_paid_changes(plan, finance, mary):
    agreement = make_agreement(plan, finance, frequency=A.Frequency.WEEKLY)
    pay_up_to(agreement, START)
    later = budget_version(mary, version=2, effective_from=D(2027, 2, 1), direct_payment="77.00")
    assert services.dp_budget_change_apply(agreement=agreement, budget=later, today=TODAY) is None
    assert live(agreement, due_on__gte=D(2027, 2, 1), status=P.Status.SCHEDULED).first().amount == Decimal("77.00")


def test_guards_on_budget_changes(plan, finance, mary):
    agreement = make_agreement(plan, finance, activate=False)
    stranger = PersonFactory()
    other = budget_version(stranger, version=1, effective_from=START, direct_payment="10.00")
    with pytest.raises(DomainError, match="someone else"):
        services.dp_budget_change_apply(agreement=agreement, budget=other, today=TODAY)
    mine = budget_version(mary, version=2, effective_from=START, direct_payment="10.00")
    assert services.dp_budget_change_apply(agreement=agreement, budget=mine, today=TODAY) is None  # still a draft
    assert not P.objects.filter(agreement=agreement).exists()


def test_the_person_level_hook_applies_to_every_paying_agreement(plan, finance, mary):
    agreement = make_agreement(plan, finance, frequency=A.Frequency.WEEKLY)
    pay_up_to(agreement, START)
    budget = budget_version(mary, version=2, effective_from=START, direct_payment="84.00")
    made = services.dp_budget_changed(person=mary, budget=budget, actor=finance)
    assert [a.amount for a in made] == [Decimal("14.00")]


# --- The promise, by hypothesis --------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=100_000).map(lambda p: Decimal(p) / 100)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    frequency=st.sampled_from(dp_schedule.FREQUENCIES),
    first=amounts,
    second=amounts,
    paid_weeks=st.integers(min_value=0, max_value=14),
    change_day=st.integers(min_value=-10, max_value=120),
    net=st.booleans(),
    contribution=amounts,
)
def test_after_any_budget_change_the_total_is_what_the_budgets_say(
    plan, finance, frequency, first, second, paid_weeks, change_day, net, contribution
):
    """Whatever was paid, and wherever the change falls: payments made are never altered, and everything paid or
    scheduled (regular payments and adjustments) adds up to exactly what the budget versions say for the periods
    scheduled, rounded once. Nothing is scheduled twice for a period."""
    person = PersonFactory()
    budget_version(person, version=1, effective_from=START, direct_payment=first, contribution=contribution)
    agreement = bare_agreement(plan, finance, person=person, frequency=frequency, net=net)
    if dp_schedule.dp_weekly_amount(direct_payment=first, contribution=contribution, net=net) > 0:
        services.dp_agreement_activate(agreement=agreement, actor=finance, today=TODAY)
    else:  # nothing to pay yet: activation would refuse, so it is made active directly
        A.objects.filter(pk=agreement.pk).update(status=A.Status.ACTIVE)
    pay_up_to(agreement, START + paid_weeks * WEEK)
    paid_before = {p.pk: p.amount for p in live(agreement, status=P.Status.PAID)}
    change = budget_version(
        person, version=2, effective_from=START + datetime.timedelta(days=change_day), direct_payment=second
    )
    services.dp_budget_change_apply(agreement=agreement, budget=change, today=TODAY)

    assert {p.pk: p.amount for p in P.objects.filter(pk__in=paid_before)} == paid_before
    regular = list(live(agreement, kind=P.Kind.REGULAR).order_by("period_start"))
    assert len({p.period_start for p in regular}) == len(regular)
    versions = selectors.agreement_budget_versions(agreement=agreement)
    if regular:
        last_end = regular[-1].period_end
        expected = dp_schedule.round_pence(dp_schedule.exact_between(versions, START, last_end))
        total = sum((p.amount for p in live(agreement)), Decimal("0"))
        assert total == expected
    # And the scheduled (not yet paid) payments are exactly the new schedule's.
    schedule = {
        p.start: p.amount
        for p in dp_schedule.schedule(start=START, frequency=frequency, versions=versions, until=TODAY + 30 * WEEK)
    }
    for payment in regular:
        if payment.status == P.Status.SCHEDULED:
            assert payment.amount == schedule[payment.period_start]
