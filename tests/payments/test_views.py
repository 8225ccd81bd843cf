"""Direct payment pages: what they show, who may use them (finance officers; restricted records stay restricted),
that every read of a person's direct payment is logged, and that bad input gets a GOV.UK error summary, never a
500."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.payments import services
from selfdirect.payments.models import DirectPaymentAgreement, LedgerTransaction, PaymentRun, ScheduledPayment
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import approved_dp_plan, finance_officer, make_agreement
from tests.planning.plans import ready_plan

pytestmark = pytest.mark.django_db
A = DirectPaymentAgreement
P = ScheduledPayment
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def start(today):
    """Next Monday: every date here is relative to the real today, because the pages use it."""
    return today + datetime.timedelta(days=7 - today.weekday())


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


@pytest.fixture
def finance():
    return finance_officer(first_name="Ruth", last_name="Evans")


@pytest.fixture
def mary(team, worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(worker, manager, mary, start):
    return approved_dp_plan(worker=worker, manager=manager, person=mary, start=start)


@pytest.fixture
def agreement(plan, finance, start, today):
    return make_agreement(plan, finance, start=start, today=today)


def setup_form(start, **overrides):
    data = {
        "holder": A.Holder.PERSON,
        "holder_contact": "",
        "account_type": A.AccountType.PREPAID_CARD,
        "account_identifier": "5355 1234 5678 9012",
        "managed_account_provider": "",
        "start_date_0": str(start.day),
        "start_date_1": str(start.month),
        "start_date_2": str(start.year),
        "frequency": A.Frequency.WEEKLY,
        "paid": "gross",
        "start_up_amount": "250",
        "employer_amount": "",
    }
    return data | overrides


def viewed(person, what):
    return AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=person.pk, summary__contains=what)


# --- Setting up ------------------------------------------------------------------------------------------------


def test_setting_up_from_the_plan(client_as, finance, plan, mary, start):
    client = client_as(finance)
    url = reverse("dp_agreement_set_up", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Set up the direct payment" in text and "Help to get up, washed and dressed" in text
    assert viewed(mary, f"Set up a direct payment from plan {plan.pk}").exists()
    response = client.post(url, setup_form(start) | {"plan_lines": [plan.lines.get().pk]})
    agreement = A.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert (agreement.account_type, agreement.frequency, agreement.net_of_contribution) == (
        A.AccountType.PREPAID_CARD,
        A.Frequency.WEEKLY,
        False,
    )
    assert agreement.one_offs.get().amount == Decimal("250.00")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"holder": ""}, "Choose who holds the direct payment"),
        ({"holder": A.Holder.NOMINEE}, "the holder must be the person"),
        ({"account_identifier": ""}, "Enter the account identifier"),
        ({"account_identifier": "<b>hello</b>"}, "must be letters and numbers"),
        ({"account_identifier": "x" * 70}, "40 characters or fewer"),
        ({"account_type": "managed"}, "Choose the provider that manages the account"),
        ({"start_date_0": "31", "start_date_1": "2"}, "must be a real date"),
        ({"start_date_0": "", "start_date_1": "", "start_date_2": ""}, "Enter date the direct payment starts"),
        ({"start_date_2": "1999"}, "within a year of today"),
        ({"frequency": "daily"}, "Choose how often"),
        ({"paid": ""}, "Choose gross or net"),
        ({"start_up_amount": "-5"}, "must be £0 or more"),
        ({"start_up_amount": "12.345"}, "2 decimal places"),
        ({"plan_lines": ["999999"]}, "Choose support from this plan"),
        ({"holder_contact": "abc"}, "Choose one of the person"),
        ({"managed_account_provider": "999999"}, "Choose a provider from the list"),
    ],
)
def test_bad_set_up_input_gets_an_error_summary(client_as, finance, plan, start, overrides, message):
    response = client_as(finance).post(reverse("dp_agreement_set_up", args=[plan.pk]), setup_form(start, **overrides))
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text and message in text.replace("&#x27;", "'")
    assert not A.objects.exists()


def test_a_plan_that_cannot_pay_a_direct_payment_says_why(client_as, finance, worker, mary):
    draft = ready_plan(worker, mary, management="direct_payment")
    response = client_as(finance).get(reverse("dp_agreement_set_up", args=[draft.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "cannot be set up yet" in text and "a direct payment is set up from an approved plan" in text
    assert client_as(finance).post(reverse("dp_agreement_set_up", args=[draft.pk]), {}).status_code == 200
    assert not A.objects.exists()


# --- The agreement page -----------------------------------------------------------------------------------------


def test_the_agreement_page_shows_details_schedule_and_ledger(client_as, finance, agreement, mary, start):
    run = services.payment_run_prepare(run_on=start, actor=finance)
    services.payment_run_export(run=run, actor=finance)
    services.payment_run_mark_paid(run=run, actor=finance)
    response = client_as(finance).get(agreement.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    for words in ("Mary Smith", "12-34-56 12345678", "Every four weeks", "£70.00 a week", "£280.00", "Paid",
                  "Scheduled", "Download the agreement (PDF)", "Regular payment"):  # fmt: skip
        assert words in text, words
    assert viewed(mary, f"Opened direct payment {agreement.pk}").exists()
    listing = client_as(finance).get(reverse("person_direct_payments", args=[mary.pk]))
    assert listing.status_code == 200 and f"Direct payment {agreement.pk}" in listing.content.decode()
    assert viewed(mary, "Opened the direct payments").exists()


def test_the_person_page_offers_a_set_up_from_an_approved_plan(client_as, finance, plan, mary):
    response = client_as(finance).get(reverse("person_direct_payments", args=[mary.pk]))
    assert reverse("dp_agreement_set_up", args=[plan.pk]) in response.content.decode()


def test_the_pdf_download_is_logged(client_as, finance, agreement, mary):
    response = client_as(finance).get(reverse("dp_agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, person_id=mary.pk).exists()


def test_activating_from_the_page(client_as, finance, plan, start, today):
    agreement = make_agreement(plan, finance, start=start, today=today, activate=False)
    client = client_as(finance)
    response = client.post(reverse("dp_agreement_activate", args=[agreement.pk]))
    assert response.status_code == 302
    assert A.objects.get().status == A.Status.ACTIVE and P.objects.exists()
    again = client.post(reverse("dp_agreement_activate", args=[agreement.pk]))
    assert again.status_code == 400 and "govuk-error-summary" in again.content.decode()
    assert "not being set up" in again.content.decode()
    assert client.get(reverse("dp_agreement_activate", args=[agreement.pk])).status_code == 405


def test_adding_a_one_off_payment(client_as, finance, agreement, today):
    url = reverse("dp_one_off_add", args=[agreement.pk])
    client = client_as(finance)
    bad = client.post(url, {"kind": "holiday", "description": "", "amount": "lots", "due_on_0": "40"})
    text = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in text
    assert "Enter what the payment is for" in text and "must be an amount of money" in text
    too_far = {"kind": "employer", "description": "Insurance", "amount": "120", "due_on_0": "1", "due_on_1": "1",
               "due_on_2": str(today.year + 3)}  # fmt: skip
    assert "within a year of today" in client.post(url, too_far).content.decode()
    good = too_far | {"due_on_2": str(today.year), "due_on_0": str(today.day), "due_on_1": str(today.month)}
    assert client.post(url, good).status_code == 302
    assert P.objects.filter(agreement=agreement, kind=P.Kind.ONE_OFF, amount=Decimal("120.00")).exists()


def test_reversing_a_ledger_transaction(client_as, finance, agreement, start):
    run = services.payment_run_prepare(run_on=start, actor=finance)
    services.payment_run_export(run=run, actor=finance)
    services.payment_run_mark_paid(run=run, actor=finance)
    txn = LedgerTransaction.objects.get()
    url = reverse("dp_ledger_reverse", args=[agreement.pk, txn.pk])
    client = client_as(finance)
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": " "})
    assert "Enter why the transaction is reversed" in empty.content.decode()
    assert client.post(url, {"reason": "Returned by the bank"}).status_code == 302
    again = client.post(url, {"reason": "Twice"})
    assert again.status_code == 200 and "already reversed" in again.content.decode()
    assert LedgerTransaction.objects.count() == 2
    assert client.get(reverse("dp_ledger_reverse", args=[agreement.pk, 987654])).status_code == 404


# --- Payment runs ----------------------------------------------------------------------------------------------


def test_payment_runs_from_prepare_to_paid(client_as, finance, agreement, start):
    client = client_as(finance)
    listing = client.get(reverse("payment_runs"))
    assert listing.status_code == 200 and "Prepare a payment run" in listing.content.decode()
    nothing = client.post(reverse("payment_runs"), {"run_on_0": "1", "run_on_1": "1", "run_on_2": "2020"})
    assert nothing.status_code == 200 and "No payments are due" in nothing.content.decode()
    bad = client.post(reverse("payment_runs"), {"run_on_0": "x"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    response = client.post(
        reverse("payment_runs"), {"run_on_0": str(start.day), "run_on_1": str(start.month), "run_on_2": str(start.year)}
    )
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("payment_run", args=[run.pk])
    detail = client.get(reverse("payment_run", args=[run.pk])).content.decode()
    assert "Mary Smith" in detail and "£280.00" in detail
    not_yet = client.post(reverse("payment_run_mark_paid", args=[run.pk]), {"confirm": "on"})
    assert "Export the run" in not_yet.content.decode()
    assert client.get(reverse("payment_run_export", args=[run.pk])).status_code == 405
    export = client.post(reverse("payment_run_export", args=[run.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert export.content.decode().startswith("Payment reference,Council person ID,Payee")
    unconfirmed = client.post(reverse("payment_run_mark_paid", args=[run.pk]), {})
    assert "Confirm that the finance system has made these payments" in unconfirmed.content.decode()
    assert client.post(reverse("payment_run_mark_paid", args=[run.pk]), {"confirm": "on"}).status_code == 302
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.PAID
    assert "into holders" in client.get(reverse("payment_run", args=[run.pk])).content.decode()


def test_an_export_that_would_differ_is_refused_with_a_message(client_as, finance, agreement, start):
    run = services.payment_run_prepare(run_on=start, actor=finance)
    services.payment_run_export(run=run, actor=finance)
    A.objects.filter(pk=agreement.pk).update(account_identifier="99-99-99 99999999")
    response = client_as(finance).post(reverse("payment_run_export", args=[run.pk]), follow=True)
    assert response.status_code == 200 and "changed since this run was exported" in response.content.decode()


def test_a_restricted_persons_name_is_hidden_in_a_run(client_as, finance, agreement, mary, start):
    mary.is_restricted = True
    mary.save()
    run = services.payment_run_prepare(run_on=start, actor=finance)
    text = client_as(finance).get(reverse("payment_run", args=[run.pk])).content.decode()
    assert "Restricted record" in text and "Mary Smith" not in text


# --- Who may use the pages ---------------------------------------------------------------------------------------


def test_only_finance_may_use_the_pages_and_restricted_records_stay_restricted(
    client_as, finance, worker, agreement, mary, plan
):
    urls = [
        reverse("person_direct_payments", args=[mary.pk]),
        reverse("dp_agreement", args=[agreement.pk]),
        reverse("dp_agreement_pdf", args=[agreement.pk]),
        reverse("dp_agreement_set_up", args=[plan.pk]),
        reverse("dp_one_off_add", args=[agreement.pk]),
        reverse("payment_runs"),
    ]
    social_worker = client_as(worker)
    for url in urls:
        assert social_worker.get(url).status_code == 403, url
    mary.is_restricted = True
    mary.save()
    for url in urls[:5]:
        assert client_as(finance).get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, person_id=mary.pk, actor=finance, summary__contains="direct payment"
    ).exists()
