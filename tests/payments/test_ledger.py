"""The double-entry ledger: every transaction adds up to £0, entries are never changed or deleted (by the
application, and on PostgreSQL by the database), corrections are reversals (at most one per transaction), and a
balance is always the sum of entries. Hypothesis checks the invariants over random postings and reversals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.payments import selectors, services
from selfdirect.payments.models import (
    Category,
    DirectPaymentAgreement,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from selfdirect.payments.seeding import reset_direct_payments
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import approved_dp_plan, bare_agreement, finance_officer

pytestmark = pytest.mark.django_db
K = LedgerAccount.Kind
T = LedgerTransaction.Kind
D = datetime.date
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")


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
def plan(worker, manager, team):
    return approved_dp_plan(worker=worker, manager=manager, person=PersonFactory(allocated_team=team))


@pytest.fixture
def agreement(plan, finance):
    return bare_agreement(plan, finance, status=DirectPaymentAgreement.Status.ACTIVE)


def post(agreement, finance, entries, **more):
    arguments = {
        "agreement": agreement,
        "kind": T.SPENDING,
        "occurred_on": D(2026, 12, 8),
        "description": "Wages for the personal assistant",
        "entries": entries,
        "category": Category.PA_WAGES,
        "actor": finance,
    } | more
    return services.ledger_post(**arguments)


def test_a_posting_moves_money_and_balances_are_sums(agreement, finance):
    services.ledger_post(
        agreement=agreement,
        kind=T.COUNCIL_PAYMENT,
        occurred_on=D(2026, 12, 7),
        description="Council payment",
        entries={K.HOLDER: Decimal("280.00"), K.COUNCIL: Decimal("-280.00")},
        category=Category.COUNCIL_PAYMENT,
        actor=finance,
    )
    wages = post(agreement, finance, {K.HOLDER: "-120.50", K.SPENDING: "120.50"})
    assert selectors.balance(agreement=agreement) == Decimal("159.50")
    assert selectors.balance(agreement=agreement, kind=K.COUNCIL) == Decimal("-280.00")
    assert selectors.balance(agreement=agreement, kind=K.SPENDING) == Decimal("120.50")
    assert selectors.balance(agreement=agreement, on=D(2026, 12, 7)) == Decimal("280.00")
    assert selectors.balance(agreement=agreement, kind=K.RECOUPMENT) == Decimal("0.00")
    assert AuditEvent.objects.filter(object_type="payments.ledgertransaction", object_id=str(wages.pk)).exists()
    rows = selectors.ledger_rows(agreement=agreement)
    assert [(r.amount, r.balance) for r in rows] == [
        (Decimal("280.00"), Decimal("280.00")),
        (Decimal("-120.50"), Decimal("159.50")),
    ]


@pytest.mark.parametrize(
    "entries, message",
    [
        ({K.HOLDER: "10.00", K.SPENDING: "-9.99"}, "add up to £0.01, not £0"),
        ({K.HOLDER: "10.00"}, "at least two accounts"),
        ({}, "at least two accounts"),
        ({K.HOLDER: "10.00", "pocket": "-10.00"}, "Unknown ledger account"),
        ({K.HOLDER: "10.001", K.SPENDING: "-10.001"}, "nearest penny"),
        ({K.HOLDER: "NaN", K.SPENDING: "NaN"}, "pounds and pence"),
        ({K.HOLDER: "ten", K.SPENDING: "-10"}, "pounds and pence"),
        ({K.HOLDER: "0", K.SPENDING: "0"}, "more than £0"),
        ({K.HOLDER: "1000000.00", K.SPENDING: "-1000000.00"}, "less than"),
        ([("holder", "10.00")], "at least two accounts"),
    ],
)
def test_postings_that_do_not_balance_or_make_sense_are_refused(agreement, finance, entries, message):
    with pytest.raises(DomainError, match=message):
        post(agreement, finance, entries)
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()


def test_other_posting_guards(agreement, finance, plan):
    good = {K.HOLDER: "-5.00", K.SPENDING: "5.00"}
    with pytest.raises(DomainError, match="Reversals are posted by reversing"):
        post(agreement, finance, good, kind=T.REVERSAL)
    with pytest.raises(DomainError, match="Unknown kind"):
        post(agreement, finance, good, kind="gift")
    with pytest.raises(DomainError, match="Unknown category"):
        post(agreement, finance, good, category="sweets")
    with pytest.raises(DomainError, match="Enter a description"):
        post(agreement, finance, good, description="  ")
    with pytest.raises(DomainError, match="Enter the date"):
        post(agreement, finance, good, occurred_on="2026-12-08")
    from selfdirect.payments.models import ScheduledPayment

    other = bare_agreement(plan, finance)
    payment = ScheduledPayment.objects.create(agreement=other, due_on=D(2026, 12, 7), amount=Decimal("1.00"))
    with pytest.raises(DomainError, match="another direct payment"):
        post(agreement, finance, good, scheduled_payment=payment)
    assert not LedgerTransaction.objects.exists()


def test_ledger_records_are_never_changed_or_deleted(agreement, finance):
    posted = post(agreement, finance, {K.HOLDER: "-5.00", K.SPENDING: "5.00"})
    entry = posted.entries.first()
    for attempt in (
        lambda: LedgerEntry.objects.update(amount=0),
        lambda: LedgerEntry.objects.all().delete(),
        lambda: LedgerTransaction.objects.filter(pk=posted.pk).update(description="x"),
        lambda: LedgerTransaction.objects.all().delete(),
        lambda: LedgerEntry.objects.all()._raw_delete(LedgerEntry.objects.db),
        entry.delete,
        posted.delete,
        entry.save,
        posted.save,
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert LedgerEntry.objects.filter(amount=Decimal("-5.00")).exists()


def test_a_reversal_cancels_exactly_and_happens_once(agreement, finance, worker):
    posted = post(agreement, finance, {K.HOLDER: "-45.99", K.SPENDING: "45.99"})
    with pytest.raises(DomainError, match="Enter why"):
        services.ledger_reverse(transaction=posted, actor=finance, reason=" ")
    with pytest.raises(DomainError, match="does not allow"):
        services.ledger_reverse(transaction=posted, actor=worker, reason="Mistake")
    reversal = services.ledger_reverse(
        transaction=posted, actor=finance, reason="Entered twice", occurred_on=D(2026, 12, 9)
    )
    assert reversal.kind == T.REVERSAL and reversal.reverses == posted and reversal.category == posted.category
    assert {e.account.kind: e.amount for e in reversal.entries.all()} == {
        K.HOLDER: Decimal("45.99"),
        K.SPENDING: Decimal("-45.99"),
    }
    assert selectors.balance(agreement=agreement) == 0 and selectors.balance(agreement=agreement, kind=K.SPENDING) == 0
    with pytest.raises(DomainError, match="already reversed"):
        services.ledger_reverse(transaction=posted, actor=finance, reason="Again")
    with pytest.raises(DomainError, match="is a reversal already"):
        services.ledger_reverse(transaction=reversal, actor=finance, reason="Undo")
    assert LedgerTransaction.objects.count() == 2
    assert [r.reversed for r in selectors.ledger_rows(agreement=agreement)] == [True, False]


# --- Invariants by hypothesis ----------------------------------------------------------------------------------

kinds = st.sampled_from(list(K))
pennies = st.integers(min_value=1, max_value=5_000_000).map(lambda p: Decimal(p) / 100)


@st.composite
def postings(draw):
    """Entries on 2 to 4 different accounts adding up to £0: the last one balances the others."""
    accounts = draw(st.lists(kinds, min_size=2, max_size=4, unique=True))
    amounts = [draw(pennies) * draw(st.sampled_from([1, -1])) for _ in accounts[:-1]]
    last = -sum(amounts, Decimal(0))
    if last == 0:  # the others cancel out: make the first a penny larger (away from £0, so it never becomes £0)
        amounts[0] += Decimal("0.01") if amounts[0] > 0 else Decimal("-0.01")
        last = -sum(amounts, Decimal(0))
    return dict(zip(accounts, [*amounts, last], strict=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(postings(), st.booleans()), min_size=1, max_size=8))
def test_balances_are_sums_transactions_are_zero_and_reversals_cancel(plan, finance, actions):
    """After any postings (some reversed): each balance equals the sum of that account's entries and of what was
    posted net of reversals; every transaction adds up to £0; reversing everything leaves every balance at £0."""
    agreement = bare_agreement(plan, finance, status=DirectPaymentAgreement.Status.ACTIVE)
    expected = dict.fromkeys(K, Decimal(0))
    posted = []
    for entries, reverse in actions:
        txn = post(agreement, finance, entries)
        posted.append(txn)
        if reverse:
            services.ledger_reverse(transaction=txn, actor=finance, reason="Test")
        else:
            for kind, amount in entries.items():
                expected[kind] += amount
    for kind in K:
        entries = LedgerEntry.objects.filter(account__agreement=agreement, account__kind=kind)
        assert selectors.balance(agreement=agreement, kind=kind) == sum((e.amount for e in entries), Decimal(0))
        assert selectors.balance(agreement=agreement, kind=kind) == expected[kind]
    for txn in LedgerTransaction.objects.filter(agreement=agreement):
        assert sum((e.amount for e in txn.entries.all()), Decimal(0)) == 0
    assert sum((selectors.balance(agreement=agreement, kind=k) for k in K), Decimal(0)) == 0
    for txn in posted:
        if not LedgerTransaction.objects.filter(reverses=txn).exists():
            services.ledger_reverse(transaction=txn, actor=finance, reason="Close")
    assert all(selectors.balance(agreement=agreement, kind=k) == 0 for k in K)


# --- The database guard (PostgreSQL) and the demo reset ----------------------------------------------------------


@on_postgresql
def test_the_database_refuses_changes_and_deletes(agreement, finance):
    posted = post(agreement, finance, {K.HOLDER: "-5.00", K.SPENDING: "5.00"})
    for sql, params in (
        ("UPDATE payments_ledgerentry SET amount = 0", []),
        ("DELETE FROM payments_ledgerentry", []),
        ("UPDATE payments_ledgertransaction SET description = 'x' WHERE id = %s", [posted.pk]),
        ("DELETE FROM payments_ledgertransaction WHERE id = %s", [posted.pk]),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with transaction.atomic(), connection.cursor() as cursor:  # the setting allows deletes, never updates
        cursor.execute("SELECT set_config('selfdirect.allow_ledger_reset', 'on', true)")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE payments_ledgerentry SET amount = 0")
    assert LedgerEntry.objects.count() == 2


@on_postgresql
def test_the_reset_setting_does_not_outlive_the_reset(agreement, finance):
    post(agreement, finance, {K.HOLDER: "-5.00", K.SPENDING: "5.00"})
    with transaction.atomic():
        reset_direct_payments()
        post(bare_agreement(agreement.plan, finance), finance, {K.HOLDER: "-1.00", K.SPENDING: "1.00"})
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM payments_ledgerentry")


def test_reset_removes_every_direct_payment_record(agreement, finance):
    post(agreement, finance, {K.HOLDER: "-5.00", K.SPENDING: "5.00"})
    txn = post(agreement, finance, {K.HOLDER: "-1.00", K.SPENDING: "1.00"})
    services.ledger_reverse(transaction=txn, actor=finance, reason="Test")
    reset_direct_payments()
    assert not LedgerEntry.objects.exists() and not LedgerTransaction.objects.exists()
    assert not LedgerAccount.objects.exists() and not DirectPaymentAgreement.objects.exists()


def test_reset_is_refused_for_a_real_council(agreement, finance):
    from selfdirect.people.models import Person
    from selfdirect.people.seeding import SeedError

    Person.objects.filter(pk=agreement.person_id).update(nhs_number="9434765919")
    with pytest.raises(SeedError, match="real records"):
        reset_direct_payments()
    assert DirectPaymentAgreement.objects.exists()
