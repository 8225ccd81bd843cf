"""Ending a direct payment (dp_agreement_end): nothing is paid for days after the last one, what was already paid
for them is taken back by one adjustment, payments up to the end still go out, and finance is asked to recover
what the account still holds."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.payments import services
from selfdirect.payments.models import DirectPaymentAgreement, LedgerAccount, LedgerTransaction, ScheduledPayment
from selfdirect.people.models import PersonEvent
from selfdirect.reviews.models import Task
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import START, TODAY, approved_dp_plan, finance_officer, make_agreement

pytestmark = pytest.mark.django_db
A = DirectPaymentAgreement
P = ScheduledPayment
D = datetime.date
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def finance():
    return finance_officer()


@pytest.fixture
def mary(team):
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(team, mary):
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    return approved_dp_plan(worker=mary.allocated_worker, manager=manager, person=mary)


def live(agreement, **filters):
    return P.objects.filter(agreement=agreement, **filters).exclude(status=P.Status.CANCELLED)


def pay(agreement, day, finance):
    """Pay everything due by `day` through a real payment run, so the ledger holds the money."""
    run = services.payment_run_prepare(run_on=day, actor=finance)
    services.payment_run_export(run=run, actor=finance)
    services.payment_run_mark_paid(run=run, actor=finance)


def test_ending_part_way_through_a_paid_period_takes_back_the_days_after(plan, finance, mary):
    """Four-weekly £280 (£10 a day) paid in advance for 7 Dec to 3 Jan. Mary dies; the last day is Sunday 20 Dec:
    14 days were paid for after it, so £140 is to be taken back, and later payments are cancelled."""
    agreement = make_agreement(plan, finance)
    pay(agreement, START, finance)
    ended = services.dp_agreement_end(
        agreement=agreement, end_date=D(2026, 12, 20), reason=A.EndReason.DIED, actor=finance, today=D(2026, 12, 22)
    )
    assert ended.status == A.Status.ENDED and ended.end_date == D(2026, 12, 20)
    adjustment = live(agreement, kind=P.Kind.ADJUSTMENT).get()
    assert adjustment.amount == Decimal("-140.00") and "£140.00 to take back" in adjustment.note
    assert not live(agreement, kind=P.Kind.REGULAR, status=P.Status.SCHEDULED).exists()
    assert "ended on 20 December 2026" in P.objects.filter(status=P.Status.CANCELLED).first().note
    task = Task.objects.get(source=f"dp-ended:{agreement.pk}")
    assert task.role == Role.FINANCE_OFFICER and "£280.00 in the account" in task.detail
    assert "£140.00 paid for days after the end" in task.detail
    assert PersonEvent.objects.filter(person=mary, title="Direct payment ends").exists()
    event = AuditEvent.objects.filter(object_type__endswith="directpaymentagreement", summary__contains="ends on")
    assert event.get().changes["end_reason"][1] == "died"


def test_the_final_adjustment_goes_through_a_payment_run_and_the_ledger_balances(plan, finance):
    """After the end, the adjustment to take back is the only payment left, and a run still takes it: the holder's
    account goes down by what was overpaid, and the council's by the same amount (money never appears)."""
    agreement = make_agreement(plan, finance)
    pay(agreement, START, finance)
    services.dp_agreement_end(
        agreement=agreement, end_date=D(2026, 12, 20), reason=A.EndReason.CHOSE_OTHER, actor=finance,
        today=D(2026, 12, 22),
    )  # fmt: skip
    pay(agreement, D(2026, 12, 22), finance)
    holder = LedgerAccount.objects.get(agreement=agreement, kind=LedgerAccount.Kind.HOLDER)
    council = LedgerAccount.objects.get(agreement=agreement, kind=LedgerAccount.Kind.COUNCIL)
    assert sum(e.amount for e in holder.entries.all()) == Decimal("140.00")  # £280 paid, £140 taken back
    assert sum(e.amount for e in council.entries.all()) == Decimal("-140.00")
    assert LedgerTransaction.objects.filter(agreement=agreement).count() == 2


def test_an_end_still_to_come_keeps_paying_until_then(plan, finance):
    """Ending on 31 January, decided on 23 November: payments up to then stay, the one straddling the end is cut
    to the days before it, later ones go; the agreement is still paying until the day has passed."""
    agreement = make_agreement(plan, finance)
    ended = services.dp_agreement_end(
        agreement=agreement, end_date=D(2027, 1, 31), reason=A.EndReason.MOVED, actor=finance, today=TODAY
    )
    assert ended.status == A.Status.ACTIVE
    regular = list(live(agreement, kind=P.Kind.REGULAR).order_by("period_start"))
    # 7 Dec–3 Jan £280; 4 Jan–31 Jan £280 (28 days, all before the end); nothing after.
    assert [(p.period_start, p.amount) for p in regular] == [(D(2026, 12, 7), Decimal("280.00")),
                                                             (D(2027, 1, 4), Decimal("280.00"))]  # fmt: skip
    assert services.dp_schedule_extend(today=D(2027, 1, 31))["ended"] == 0
    result = services.dp_schedule_extend(today=D(2027, 2, 1))
    assert result["ended"] == 1
    agreement.refresh_from_db()
    assert agreement.status == A.Status.ENDED
    assert not live(agreement, period_start__gt=D(2027, 1, 31)).exists()


def test_a_straddling_scheduled_payment_is_cut_to_the_days_before_the_end(plan, finance):
    agreement = make_agreement(plan, finance)
    services.dp_agreement_end(
        agreement=agreement, end_date=D(2026, 12, 9), reason=A.EndReason.NEEDS_ENDED, actor=finance, today=TODAY
    )
    # 7, 8 and 9 December at £10 a day.
    assert [p.amount for p in live(agreement, kind=P.Kind.REGULAR)] == [Decimal("30.00")]


def test_one_off_payments_after_the_end_are_cancelled(plan, finance):
    agreement = make_agreement(
        plan,
        finance,
        one_offs=[
            {"kind": "start_up", "amount": Decimal("150.00"), "due_on": D(2027, 2, 1), "description": "Payroll set-up"}
        ],  # fmt: skip
    )
    services.dp_agreement_end(
        agreement=agreement, end_date=D(2027, 1, 10), reason=A.EndReason.OTHER, actor=finance, today=TODAY
    )
    assert not live(agreement, kind=P.Kind.ONE_OFF).exists()


@pytest.mark.parametrize(
    "end_date, reason, message",
    [
        (D(2026, 12, 1), "died", "the last day cannot be before the day before it"),
        (D(2027, 1, 1), "bored", "Choose why the direct payment is ending"),
        ("31/13/2026", "died", "the last day the direct payment pays for"),
    ],
)
def test_ends_that_make_no_sense_are_refused_and_change_nothing(plan, finance, end_date, reason, message):
    agreement = make_agreement(plan, finance)
    before = list(live(agreement).values_list("pk", "amount", "status"))
    with pytest.raises(DomainError, match=message):
        services.dp_agreement_end(agreement=agreement, end_date=end_date, reason=reason, actor=finance, today=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == A.Status.ACTIVE and agreement.end_date is None
    assert list(live(agreement).values_list("pk", "amount", "status")) == before


def test_an_ended_agreement_cannot_end_again_and_only_finance_ends_one(plan, finance, mary):
    agreement = make_agreement(plan, finance)
    with pytest.raises(DomainError):
        services.dp_agreement_end(agreement=agreement, end_date=D(2027, 1, 1), reason="died",
                                  actor=mary.allocated_worker, today=TODAY)  # fmt: skip
    services.dp_agreement_end(agreement=agreement, end_date=D(2026, 12, 6), reason="died", actor=finance, today=TODAY)
    with pytest.raises(DomainError, match="already ended"):
        services.dp_agreement_end(agreement=agreement, end_date=D(2027, 1, 1), reason="died", actor=finance,
                                  today=TODAY)  # fmt: skip


def test_the_end_page(plan, finance, client_as, mary):
    agreement = make_agreement(plan, finance)
    client = client_as(finance)
    url = reverse("dp_agreement_end", args=[agreement.pk])
    page = client.get(url)
    assert page.status_code == 200 and "The last day the direct payment pays for" in page.content.decode()
    bad = client.post(url, {"end_date_0": "31", "end_date_1": "2", "end_date_2": "2027"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "There is a problem" in html and "Choose why the direct payment is ending" in html
    good = client.post(url, {"end_date_0": "31", "end_date_1": "1", "end_date_2": "2027", "end_reason": "moved"})
    assert good.status_code == 302
    agreement.refresh_from_db()
    assert agreement.end_date == D(2027, 1, 31) and agreement.end_reason == "moved"
    assert client_as(mary.allocated_worker).get(url).status_code == 403


def test_an_error_is_named_once_in_the_page_title(plan, finance, client_as):
    agreement = make_agreement(plan, finance)
    html = client_as(finance).post(reverse("dp_agreement_end", args=[agreement.pk]), {}).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Error: End direct payment") and title.count("Error:") == 1
