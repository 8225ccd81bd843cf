"""Payment runs: preparing (a payment is never in two runs), the finance system's CSV and its sha256, marking paid
(the ledger, the first payment date and the first direct payment review), the `payment_run` command, money neither
appearing nor vanishing across a run, and the demo seeding."""

import csv
import datetime
import hashlib
import io
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.payments import selectors, services
from selfdirect.payments.models import (
    DirectPaymentAgreement,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PaymentRun,
    ScheduledPayment,
)
from selfdirect.people.models import Person
from selfdirect.reviews.models import Review
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import (
    START,
    TODAY,
    approved_dp_plan,
    bare_agreement,
    budget_version,
    finance_officer,
    make_agreement,
    nominee_for,
)

pytestmark = pytest.mark.django_db
A = DirectPaymentAgreement
P = ScheduledPayment
R = PaymentRun.Status
K = LedgerAccount.Kind
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
    return finance_officer(username="ruth.finance")


@pytest.fixture
def mary(team, worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(worker, manager, mary):
    return approved_dp_plan(worker=worker, manager=manager, person=mary)


@pytest.fixture
def agreement(plan, finance):
    """Four-weekly £280 from 7 December 2026."""
    return make_agreement(plan, finance)


def run_and_pay(run_on, finance):
    run = services.payment_run_prepare(run_on=run_on, actor=finance)
    services.payment_run_export(run=run, actor=finance)
    return services.payment_run_mark_paid(run=run, actor=finance)


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


# --- Preparing -------------------------------------------------------------------------------------------------


def test_a_run_takes_what_is_due_for_paying_agreements_and_never_twice(agreement, finance, plan):
    draft = bare_agreement(plan, finance)
    P.objects.create(agreement=draft, due_on=START, amount=Decimal("9.00"))
    suspended = bare_agreement(plan, finance, status=A.Status.SUSPENDED)
    P.objects.create(agreement=suspended, due_on=START, amount=Decimal("9.00"))
    run = services.payment_run_prepare(run_on=START, actor=finance)
    assert (run.payment_count, run.total, run.status) == (1, Decimal("280.00"), R.PREPARED)
    taken = P.objects.get(run=run)
    assert taken.agreement == agreement and taken.status == P.Status.IN_RUN and taken.due_on == START
    with pytest.raises(DomainError, match="No payments are due"):
        services.payment_run_prepare(run_on=START + WEEK, actor=finance)
    assert PaymentRun.objects.count() == 1  # the refused run left nothing behind
    later = services.payment_run_prepare(run_on=START + 4 * WEEK, actor=finance)
    assert later.payment_count == 1 and P.objects.get(run=later).due_on == START + 4 * WEEK
    assert P.objects.filter(run__isnull=False).values("pk").distinct().count() == 2


def test_guards_on_preparing(agreement, finance, worker):
    with pytest.raises(DomainError, match="does not allow"):
        services.payment_run_prepare(run_on=START, actor=worker)
    with pytest.raises(DomainError, match="Enter the date"):
        services.payment_run_prepare(run_on="2026-12-07", actor=finance)


@pytest.mark.django_db(transaction=True)
def test_two_runs_prepared_at_the_same_moment_never_share_a_payment(team):
    """On PostgreSQL, two sessions prepare runs at once: the second waits for the first's row locks, then finds the
    payments taken; every payment is in exactly one run and each run's count and total are its own."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    finance = finance_officer()
    plan = approved_dp_plan(worker=worker, manager=manager, person=PersonFactory(allocated_team=team))
    for _ in range(20):
        agreement = bare_agreement(plan, finance, status=A.Status.ACTIVE)
        P.objects.bulk_create(P(agreement=agreement, due_on=START, amount=Decimal("10.00")) for _ in range(10))
    barrier = threading.Barrier(2)
    results = []

    def prepare():
        from django.db import connections

        try:
            barrier.wait()
            results.append(services.payment_run_prepare(run_on=START, actor=finance).pk)
        except DomainError:
            results.append(None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=prepare) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    runs = list(PaymentRun.objects.all())
    assert sum(run.payment_count for run in runs) == 200 == P.objects.filter(run__isnull=False).count()
    for run in runs:
        assert run.payment_count == P.objects.filter(run=run).count()
        assert run.total == Decimal("10.00") * run.payment_count


# --- Exporting -------------------------------------------------------------------------------------------------


def test_the_export_file_for_the_finance_system(worker, manager, mary, finance):
    ann = nominee_for(mary, '=HYPERLINK("http://x")')
    plan = approved_dp_plan(worker=worker, manager=manager, person=mary, route="s31_nominee", recipient=ann)
    agreement = make_agreement(plan, finance, holder=A.Holder.NOMINEE, holder_contact=ann)
    run = services.payment_run_prepare(run_on=START, actor=finance)
    content = services.payment_run_export(run=run, actor=finance)
    run.refresh_from_db()
    payment = P.objects.get(run=run)
    assert rows(content) == [
        ["Payment reference", "Council person ID", "Payee", "Account identifier", "Amount", "Due date"],
        [payment.reference, mary.council_id, '\'=HYPERLINK("http://x")', "12-34-56 12345678", "280.00", "2026-12-07"],
    ]
    assert payment.reference == f"DP{agreement.pk:06d}-{payment.pk:07d}"
    assert run.status == R.EXPORTED and run.export_sha256 == hashlib.sha256(content).hexdigest()
    assert services.payment_run_export(run=run, actor=finance) == content  # the same file again
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="payments.paymentrun").count() == 2
    ann.name = "Ann Jones"
    ann.save()
    with pytest.raises(DomainError, match="changed since this run was exported"):
        services.payment_run_export(run=run, actor=finance)


# --- Marking paid ----------------------------------------------------------------------------------------------


def test_marking_paid_posts_the_ledger_and_sets_the_first_payment(agreement, finance, mary):
    run = services.payment_run_prepare(run_on=START, actor=finance)
    with pytest.raises(DomainError, match="Export the run"):
        services.payment_run_mark_paid(run=run, actor=finance)
    services.payment_run_export(run=run, actor=finance)
    run = services.payment_run_mark_paid(run=run, actor=finance)
    assert run.status == R.PAID and run.paid_by == finance and run.paid_at is not None
    payment = P.objects.get(run=run)
    assert payment.status == P.Status.PAID
    txn = LedgerTransaction.objects.get(scheduled_payment=payment)
    assert txn.kind == LedgerTransaction.Kind.COUNCIL_PAYMENT and txn.occurred_on == START
    assert {e.account.kind: e.amount for e in txn.entries.all()} == {
        K.HOLDER: Decimal("280.00"),
        K.COUNCIL: Decimal("-280.00"),
    }
    assert selectors.balance(agreement=agreement) == Decimal("280.00")
    agreement.refresh_from_db()
    assert agreement.first_payment_on == START
    with pytest.raises(DomainError, match="already marked paid"):
        services.payment_run_mark_paid(run=run, actor=finance)
    # The second run leaves the first payment date alone.
    run_and_pay(START + 4 * WEEK, finance)
    agreement.refresh_from_db()
    assert agreement.first_payment_on == START
    assert selectors.balance(agreement=agreement) == Decimal("560.00")
    assert selectors.money_moved(run=run) == {"council": Decimal("-280.00"), "holders": Decimal("280.00")}


def test_the_first_payment_moves_the_direct_payment_review_to_six_months_after_it(agreement, finance, plan):
    """Reg 7: the first DP review is due within 6 months of the first payment. It was scheduled from the plan's
    start; paying the first run moves it (and its task) to 6 months after that payment."""
    from selfdirect.reviews.models import Task
    from selfdirect.rules.reviews import first_dp_review_due

    run_and_pay(START, finance)
    review = Review.objects.get(plan=plan, kind=Review.Kind.DIRECT_PAYMENT, status=Review.Status.SCHEDULED)
    assert review.due_on == first_dp_review_due(START)
    assert Task.objects.get(source=f"review:{review.pk}", done_at__isnull=True).due_on == review.due_on
    run_and_pay(START + 4 * WEEK, finance)  # later payments leave it alone
    assert Review.objects.get(pk=review.pk).due_on == first_dp_review_due(START)


def test_a_negative_adjustment_takes_money_back_through_the_ledger(agreement, finance, mary):
    run_and_pay(START, finance)
    cut = budget_version(mary, version=2, effective_from=D(2026, 12, 21), direct_payment="35.00")
    services.dp_budget_change_apply(agreement=agreement, budget=cut, today=TODAY)
    run = run_and_pay(D(2026, 12, 21), finance)
    assert P.objects.get(run=run).amount == Decimal("-70.00")
    assert selectors.balance(agreement=agreement) == Decimal("210.00")
    assert selectors.money_moved(run=run) == {"council": Decimal("70.00"), "holders": Decimal("-70.00")}


# --- No money appears or vanishes ------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    agreements=st.lists(
        st.tuples(
            st.sampled_from(list(A.Frequency.values)),
            st.integers(min_value=1, max_value=200_000).map(lambda p: Decimal(p) / 100),
            st.integers(min_value=0, max_value=27),
        ),
        min_size=1,
        max_size=4,
    ),
    run_weeks=st.lists(st.integers(min_value=0, max_value=16), min_size=1, max_size=3, unique=True),
)
def test_across_payment_runs_money_leaving_the_council_arrives_in_holders_accounts(
    plan, finance, agreements, run_weeks
):
    """For every run: what left council funding equals what arrived in holders' accounts and equals the run's
    total; each payment is posted once; each holder's balance is what was paid to them."""
    made = []
    for frequency, weekly, offset in agreements:
        person = PersonFactory()
        start = START + datetime.timedelta(days=offset)
        budget_version(person, version=1, effective_from=start, direct_payment=weekly)
        agreement = bare_agreement(plan, finance, person=person, start=start, frequency=frequency)
        made.append(services.dp_agreement_activate(agreement=agreement, actor=finance, today=TODAY))
    for weeks in sorted(run_weeks):
        run_on = START + weeks * WEEK
        services.dp_schedule_extend(today=run_on)
        try:
            run = services.payment_run_prepare(run_on=run_on, actor=finance)
        except DomainError:
            continue
        services.payment_run_export(run=run, actor=finance)
        run = services.payment_run_mark_paid(run=run, actor=finance)
        moved = selectors.money_moved(run=run)
        assert moved["council"] == -moved["holders"] == -run.total
        assert LedgerTransaction.objects.filter(scheduled_payment__run=run).count() == run.payment_count
    for agreement in made:
        paid = sum((p.amount for p in P.objects.filter(agreement=agreement, status=P.Status.PAID)), Decimal("0"))
        assert selectors.balance(agreement=agreement) == paid == -selectors.balance(agreement=agreement, kind=K.COUNCIL)
    for txn in LedgerTransaction.objects.all():
        assert sum((e.amount for e in txn.entries.all()), Decimal("0")) == 0
    assert P.objects.filter(status=P.Status.PAID, ledger__isnull=True).count() == 0


# --- The command -----------------------------------------------------------------------------------------------


def test_the_payment_run_command_is_safe_to_run_again(agreement, finance, tmp_path):
    out = io.StringIO()
    call_command("payment_run", "--date", "2026-12-07", "--mark-paid", "--export-to", str(tmp_path), stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    run = PaymentRun.objects.get()
    assert run.status == R.PAID and run.payment_count == 1
    written = tmp_path / f"payment-run-{run.pk}-2026-12-07.csv"
    assert hashlib.sha256(written.read_bytes()).hexdigest() == run.export_sha256
    assert "marked paid" in out.getvalue()
    again = io.StringIO()
    call_command("payment_run", "--date", "2026-12-07", "--mark-paid", stdout=again, stderr=io.StringIO())
    assert PaymentRun.objects.count() == 1 and "No payments are due" in again.getvalue()
    assert LedgerTransaction.objects.count() == 1


def test_the_command_without_mark_paid_leaves_the_run_exported(agreement, finance):
    call_command("payment_run", "--date", "2026-12-07", "--user", "ruth.finance", stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    assert PaymentRun.objects.get().status == R.EXPORTED
    call_command("payment_run", "--date", "2026-12-07", "--mark-paid", stdout=io.StringIO(), stderr=io.StringIO())
    assert PaymentRun.objects.get().status == R.PAID


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--date", "7/12/2026"], "YYYY-MM-DD"),
        (["--date", "2026-02-30"], "YYYY-MM-DD"),
        (["--date", "2026-12-07", "--user", "nobody"], "no active user"),
    ],
)
def test_the_command_refuses_bad_input(agreement, finance, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("payment_run", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert not PaymentRun.objects.exists()


# --- Seeding ---------------------------------------------------------------------------------------------------


def test_seeding_makes_paid_runs_a_budget_change_and_can_be_reset(worker, manager, team, finance):
    from selfdirect.payments.seeding import reset_direct_payments, seed_direct_payments

    people = [PersonFactory(allocated_team=team, allocated_worker=worker) for _ in range(4)]
    for person in people:
        approved_dp_plan(worker=worker, manager=manager, person=person)
    counts = seed_direct_payments(seed=1, today=TODAY)
    assert counts["direct payments"] == 4 and counts["payment runs"] == 3
    assert counts["budget change adjustments"] == 1 and counts["payments made"] > 4
    holders = set(A.objects.values_list("holder", flat=True))
    assert holders == {A.Holder.PERSON, A.Holder.NOMINEE, A.Holder.AUTHORISED}
    assert set(A.objects.values_list("account_type", flat=True)) >= {A.AccountType.OWN_BANK, A.AccountType.PREPAID_CARD}
    assert PaymentRun.objects.filter(status=R.PAID).count() == 2
    assert PaymentRun.objects.filter(status=R.EXPORTED, run_on=TODAY).count() == 1
    assert all(a.first_payment_on for a in A.objects.all())
    for txn in LedgerTransaction.objects.all():
        assert sum((e.amount for e in txn.entries.all()), Decimal("0")) == 0
    ending = A.objects.get(end_date__isnull=False)
    assert counts["direct payments ending"] == 1 and ending.end_reason == A.EndReason.CHOSE_OTHER
    assert not P.objects.filter(agreement=ending, period_start__gt=ending.end_date, status=P.Status.SCHEDULED).exists()
    # It ends before today's run takes its next payment, which is cut to the days up to the end: no adjustment.
    straddling = P.objects.filter(agreement=ending, period_end__gt=ending.end_date).exclude(status=P.Status.CANCELLED)
    full = P.objects.filter(agreement=ending, status=P.Status.PAID).first().amount
    assert len(straddling) == 1 and Decimal("0") < straddling[0].amount < full
    assert P.objects.filter(kind=P.Kind.ADJUSTMENT).exclude(status=P.Status.CANCELLED).count() == 1
    assert seed_direct_payments(seed=1, today=TODAY) == {}  # already seeded: nothing changes
    reset_direct_payments()
    assert not A.objects.exists() and not LedgerEntry.objects.exists() and not PaymentRun.objects.exists()
    assert Person.objects.count() >= 4
