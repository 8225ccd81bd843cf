"""The direct-payment holder in a real browser (issue 6, items 6 and 9), with axe-core on every page visited:
Priya signs in to the portal, opens "Your direct payment", sees the balance and the next payment, opens the
statement of account with spending by category, chooses a period (a bad date is an error message), and sends a
receipt."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.payments import services
from selfdirect.payments.models import Category, DirectPaymentAgreement, LedgerAccount, LedgerTransaction
from selfdirect.payments.models import ScheduledPayment as P
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PersonFactory, TeamFactory, UserFactory, portal_self_assessment_with_record
from tests.payments.factories import approved_dp_plan, bare_agreement, finance_officer
from tests.portal.bank import ensure_question_bank

PASSWORD = "password"  # every UserFactory account's
K = LedgerAccount.Kind
T = LedgerTransaction.Kind
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def holder(transactional_db, settings, tmp_path):
    """Priya asked for support online; her direct payment received £280 from the council and paid £120 in PA
    wages and £15 for a taxi; the next payment is in a week."""
    settings.MEDIA_ROOT = tmp_path
    ensure_question_bank()
    team = TeamFactory(name="Older people north", code="opn")
    worker = UserFactory(username="sam", role=Role.SOCIAL_WORKER, teams=[team])
    manager = UserFactory(username="tess", role=Role.TEAM_MANAGER, teams=[team])
    account, assessment = portal_self_assessment_with_record(worker=worker, email="priya@example.com")
    finance = finance_officer(username="ruth")
    plan = approved_dp_plan(worker=worker, manager=manager, person=PersonFactory(allocated_team=team))
    agreement = bare_agreement(plan, finance, person=assessment.person, status=DirectPaymentAgreement.Status.ACTIVE)
    today = timezone.localdate()
    for kind, days_ago, amount, other, category in [
        (T.COUNCIL_PAYMENT, 20, "280.00", K.COUNCIL, Category.COUNCIL_PAYMENT),
        (T.SPENDING, 10, "-120.00", K.SPENDING, Category.PA_WAGES),
        (T.SPENDING, 5, "-15.00", K.SPENDING, Category.TRANSPORT),
    ]:
        services.ledger_post(
            agreement=agreement,
            kind=kind,
            occurred_on=today - datetime.timedelta(days=days_ago),
            description="Council payment" if kind == T.COUNCIL_PAYMENT else "Card payment",
            entries={K.HOLDER: Decimal(amount), other: -Decimal(amount)},
            category=category,
            actor=finance,
        )
    P.objects.create(agreement=agreement, due_on=today + datetime.timedelta(weeks=1), amount=Decimal("280.00"))
    return account, agreement


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_the_holder_sees_the_balance_and_the_statement_of_account(page: Page, live_server, holder):
    _, agreement = holder
    page.goto(f"{live_server.url}/portal/sign-in/")
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("priya@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Your requests for support")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Your direct payment").click()
    expect(heading(page)).to_have_text("Your direct payment")
    expect(page.locator(".govuk-summary-list__row", has_text="Balance")).to_contain_text("£145.00")
    expect(page.locator(".govuk-summary-list__row", has_text="Next payments")).to_contain_text("£280.00")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile("See the statement of account")).click()
    expect(heading(page)).to_have_text("Statement of account")
    table = page.locator("#spending-by-category")
    expect(table.get_by_role("row", name=re.compile("Personal assistant wages"))).to_contain_text("£120.00")
    expect(table.get_by_role("row", name=re.compile("Transport"))).to_contain_text("£15.00")
    expect(page.locator("#statement-summary")).to_contain_text("£280.00")
    assert_no_axe_violations(page)

    page.get_by_label("From").fill("last week")
    page.get_by_role("button", name="Show the statement").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the start date as year-month-day")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Your direct payment").first.click()
    page.get_by_role("link", name=re.compile("Send receipts or payslips")).click()
    expect(heading(page)).to_have_text("Send receipts or payslips")
    assert_no_axe_violations(page)
    page.get_by_label("Upload a file").set_input_files({"name": "taxi.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="Send the file").click()
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text("Thank you")
    expect(page.get_by_role("listitem").filter(has_text="taxi.png")).to_be_visible()
    assert_no_axe_violations(page)
