"""The statement of account (issue 6, item 6): opening balance + money in − money out = closing balance = the
ledger's balance at the end; spending by category with reversals netted out; the surplus over the council's limit;
the staff page (finance officers only; bad dates are an error message, not a 500) and the PDF (audited)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.payments import selectors, services
from selfdirect.payments.models import Category, DirectPaymentAgreement, LedgerAccount, LedgerTransaction
from selfdirect.payments.models import ScheduledPayment as P
from selfdirect.payments.statement_of_account import account_statement, default_period, period_from_query
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import approved_dp_plan, bare_agreement, finance_officer

pytestmark = pytest.mark.django_db
K = LedgerAccount.Kind
T = LedgerTransaction.Kind
D = datetime.date
DECEMBER = (D(2026, 12, 1), D(2026, 12, 31))


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def finance():
    return finance_officer()


@pytest.fixture
def agreement(worker, team, finance):
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    plan = approved_dp_plan(worker=worker, manager=manager, person=PersonFactory(allocated_team=team))
    return bare_agreement(plan, finance, person=plan.person, status=DirectPaymentAgreement.Status.ACTIVE)


def post(agreement, finance, kind, day, amount, other, category="", description="Money"):
    amount = Decimal(amount)
    return services.ledger_post(
        agreement=agreement,
        kind=kind,
        occurred_on=day,
        description=description,
        entries={K.HOLDER: amount, other: -amount},
        category=category,
        actor=finance,
    )


def december_account(agreement, finance):
    """£280 in November; in December £280 from the council, £20 contribution, £150 PA wages, £40 equipment
    (reversed), £10.50 transport, £50 paid back; £99 spent in January."""
    post(agreement, finance, T.COUNCIL_PAYMENT, D(2026, 11, 9), "280.00", K.COUNCIL, Category.COUNCIL_PAYMENT)
    post(agreement, finance, T.COUNCIL_PAYMENT, D(2026, 12, 7), "280.00", K.COUNCIL, Category.COUNCIL_PAYMENT)
    post(agreement, finance, T.CONTRIBUTION, D(2026, 12, 8), "20.00", K.CONTRIBUTION, Category.CONTRIBUTION)
    post(agreement, finance, T.SPENDING, D(2026, 12, 9), "-150.00", K.SPENDING, Category.PA_WAGES, "Wages")
    wrong = post(agreement, finance, T.SPENDING, D(2026, 12, 10), "-40.00", K.SPENDING, Category.EQUIPMENT, "Chair")
    services.ledger_reverse(transaction=wrong, actor=finance, reason="Not ours", occurred_on=D(2026, 12, 11))
    post(agreement, finance, T.SPENDING, D(2026, 12, 12), "-10.50", K.SPENDING, Category.TRANSPORT, "Taxi")
    post(agreement, finance, T.RECOUPMENT, D(2026, 12, 15), "-50.00", K.RECOUPMENT, description="Paid back")
    post(agreement, finance, T.SPENDING, D(2027, 1, 5), "-99.00", K.SPENDING, Category.ACTIVITIES, "Swimming")
    # Four weeks' regular payment: £70 a week.
    P.objects.create(
        agreement=agreement,
        due_on=D(2026, 12, 7),
        period_start=D(2026, 12, 7),
        period_end=D(2027, 1, 3),
        amount=Decimal("280.00"),
        status=P.Status.PAID,
    )


def test_opening_plus_movements_is_closing_is_the_ledger_balance(agreement, finance):
    december_account(agreement, finance)
    s = account_statement(agreement=agreement, start=DECEMBER[0], end=DECEMBER[1])
    assert s.opening == Decimal("280.00")
    assert (s.council_payments, s.contributions) == (Decimal("280.00"), Decimal("20.00"))
    assert s.recoupments == Decimal("50.00")
    assert [(c.category, c.amount) for c in s.spending] == [
        (Category.PA_WAGES, Decimal("150.00")),
        (Category.TRANSPORT, Decimal("10.50")),
    ]  # the reversed equipment nets out to nothing, so it is not listed
    assert s.spending_total == Decimal("160.50")
    assert s.closing == s.opening + s.money_in - s.money_out == Decimal("369.50")
    assert s.closing == selectors.balance(agreement=agreement, on=DECEMBER[1])
    assert s.rows[-1].balance == s.closing and len(s.rows) == 7
    whole = account_statement(agreement=agreement, start=D(2026, 1, 1), end=D(2027, 12, 31))
    assert whole.opening == 0 and whole.closing == selectors.balance(agreement=agreement) == Decimal("270.50")


def test_surplus_is_the_balance_above_the_councils_weeks_of_the_weekly_amount(agreement, finance):
    december_account(agreement, finance)
    s = account_statement(agreement=agreement, start=DECEMBER[0], end=DECEMBER[1])
    assert (s.weekly_amount, s.weekly_basis) == (Decimal("70.00"), "the latest regular payment")
    assert s.surplus_limit == Decimal("560.00") and s.surplus == 0  # 8 weeks by default
    settings = CouncilSettings.current()
    settings.dp_surplus_weeks = 4
    settings.save()
    s = account_statement(agreement=agreement, start=DECEMBER[0], end=DECEMBER[1])
    assert s.surplus_limit == Decimal("280.00") and s.surplus == Decimal("89.50")


def test_without_a_regular_payment_the_budget_gives_the_weekly_amount(agreement):
    s = account_statement(agreement=agreement, start=DECEMBER[0], end=DECEMBER[1])
    assert s.weekly_basis == "the personal budget" and s.weekly_amount == Decimal("70.00")  # 7 × £10 a week
    assert s.closing == 0 and s.spending == [] and s.surplus == 0


def test_the_period_from_the_query():
    today = D(2027, 3, 31)
    assert default_period(today) == (D(2027, 1, 1), today)  # January, February and March
    assert period_from_query({}, today=today)[:2] == (D(2027, 1, 1), today)
    assert period_from_query({"from": "2026-12-01", "to": "2026-12-31"}, today=today) == (*DECEMBER, {})
    _, _, errors = period_from_query({"from": "31/12/2026"}, today=today)
    assert "year-month-day" in errors["from"]
    _, _, errors = period_from_query({"from": "2027-01-01", "to": "2026-12-01"}, today=today)
    assert "after the start date" in errors["to"]


def test_finance_sees_the_statement_and_a_worker_is_refused(agreement, finance, worker, client_as):
    december_account(agreement, finance)
    url = reverse("dp_account_statement", args=[agreement.pk])
    response = client_as(finance).get(url, {"from": "2026-12-01", "to": "2026-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statement of account" in html and "Personal assistant wages" in html and "£369.50" in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, summary__contains="statement of account").exists()
    assert client_as(worker).get(url).status_code == 403
    detail = client_as(finance).get(reverse("dp_agreement", args=[agreement.pk])).content.decode()
    assert url in detail


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "yesterday"}, "Enter the start date as year-month-day"),
        ({"to": "2026-13-45"}, "Enter the end date as year-month-day"),
        ({"from": "2027-01-01", "to": "2026-12-01"}, "The end date must be the same as or after the start date"),
    ],
)
def test_bad_dates_are_an_error_message_not_a_500(agreement, finance, client_as, query, message):
    response = client_as(finance).get(reverse("dp_account_statement", args=[agreement.pk]), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html


def test_the_pdf_is_a_pdf_and_its_download_is_audited(agreement, finance, client_as):
    december_account(agreement, finance)
    url = reverse("dp_account_statement_pdf", args=[agreement.pk])
    response = client_as(finance).get(url, {"from": "2026-12-01", "to": "2026-12-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "statement-of-account" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(agreement.pk)).exists()
