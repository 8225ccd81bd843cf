"""A finance officer imports a direct-payment statement and resolves a finding, in a real browser (issue 6, items
3-5), with axe-core on every page visited.

Fran, a finance officer, starts from the short list of direct payment checks (empty). She uploads Mary's October
bank statement with the wrong format chosen and gets a clear report naming the columns; with the bank's format it
imports, the council's payment in is matched to the payment already made, and each line has a category. She
changes the category of a mobility aids purchase to equipment. The nightly monitoring then finds Mary's account
has built up well beyond eight weeks of her direct payment (and asks about the cash and the equipment); Fran
resolves the surplus with a recoupment Mary agreed to, which is posted to the ledger and closes Sam's task."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.payments.models import MonitoringFinding, StatementLine
from selfdirect.payments.monitoring import dp_monitor
from selfdirect.payments.selectors import balance
from selfdirect.reviews.models import Task
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, UserFactory
from tests.payments.test_statements import FIXTURES, council_payment, make_agreement

PASSWORD = "password"  # every UserFactory account's
BANK = "High-street bank (Money In and Money Out)"
MONITORED_ON = datetime.date(2025, 11, 20)


@pytest.fixture
def council(transactional_db):
    """Mary, allocated to Sam, with an active £100-a-week direct payment for a personal assistant into her bank
    account 40-11-22 12345678 (cash not agreed). The council paid £3,000 on 1 September and £1,120 on 1 October."""
    fran = UserFactory(username="fran", role=Role.FINANCE_OFFICER, first_name="Fran", last_name="Finance")
    sam = UserFactory(username="sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Worker")
    mary = PersonFactory(first_name="Mary", last_name="Smith", allocated_worker=sam)
    agreement = make_agreement(
        account_identifier="40-11-22 12345678", weekly_dp="100.00", person=mary, actor=fran, worker=sam
    )
    council_payment(agreement, "3000.00", datetime.date(2025, 9, 1), actor=fran)
    october = council_payment(agreement, "1120.00", datetime.date(2025, 10, 1), actor=fran)
    return {"agreement": agreement, "october": october, "mary": mary, "sam": sam}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def success(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def sign_in(page: Page, base: str, username: str) -> None:
    staff_sign_in(page, base, username, check_accessibility=True)


def test_a_finance_officer_imports_a_statement_and_resolves_a_finding(page: Page, live_server, council):
    base = live_server.url
    agreement = council["agreement"]
    sign_in(page, base, "fran")

    # The short list starts empty.
    page.goto(f"{base}/direct-payments/findings/")
    expect(heading(page)).to_have_text("Direct payment checks")
    expect(page.get_by_text("Nothing to check.")).to_be_visible()
    assert_no_axe_violations(page)

    # 1. The wrong format: a report naming the columns, nothing imported.
    page.get_by_role("link", name="Import a statement").click()
    expect(heading(page)).to_have_text("Import a statement")
    assert_no_axe_violations(page)
    page.get_by_label("Direct payment number").fill(str(agreement.pk))
    page.get_by_label("Generic CSV").check()
    page.get_by_label("Statement file (CSV)").set_input_files(str(FIXTURES / "bank_money_in_out.csv"))
    page.get_by_role("button", name="Import the statement").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The statement has 1 problem, so nothing was imported")
    expect(summary).to_contain_text("Line 1 (the header row) has no “Date”, “Description”")
    expect(summary).to_contain_text("“Transaction Date”")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    assert not StatementLine.objects.exists()

    # 2. The bank's format: imported, classified, the council's payment matched rather than counted again.
    page.get_by_label("Direct payment number").fill(str(agreement.pk))
    page.get_by_label(BANK).check()
    page.get_by_label("Statement file (CSV)").set_input_files(str(FIXTURES / "bank_money_in_out.csv"))
    page.get_by_role("button", name="Import the statement").click()
    success(page, "Statement imported: 10 new lines")
    expect(heading(page)).to_have_text("Statement imported")
    lines = page.get_by_role("table", name="The lines added")
    expect(lines.get_by_role("row", name=re.compile("J SMITH WAGES")).first).to_contain_text("Personal assistant wages")
    expect(lines.get_by_role("row", name=re.compile("NORTHMOOR COUNCIL DP PAYMENT"))).to_contain_text("Council payment")
    assert_no_axe_violations(page)
    council_line = StatementLine.objects.get(category="council_payment")
    assert council_line.ledger_transaction == council["october"]

    # 3. A line no rule recognised: Fran changes it to equipment (reversed and posted again in the ledger).
    row = lines.get_by_role("row", name=re.compile("MOBILITY AIDS DIRECT"))
    expect(row).to_contain_text("No rule matched")
    row.get_by_role("link", name=re.compile("Change")).click()
    expect(heading(page)).to_have_text("Change what the money was for")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Change the category").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The line is already other")
    assert_no_axe_violations(page)
    page.get_by_label("Equipment").check()
    page.get_by_label("Why (optional)").fill("Receipt for a rollator")
    page.get_by_role("button", name="Change the category").click()
    success(page, "Line changed to equipment: MOBILITY AIDS DIRECT")
    expect(heading(page)).to_have_text("Statement imported")
    expect(page.get_by_role("row", name=re.compile("MOBILITY AIDS DIRECT"))).to_contain_text("changed by hand")
    assert_no_axe_violations(page)
    expected_balance = Decimal("3000.00") + Decimal("1120.00") + Decimal("98.00") - Decimal("1878.15")
    assert balance(agreement=agreement) == expected_balance

    # The lines page, filtered to equipment.
    page.goto(f"{base}/direct-payments/{agreement.pk}/statements/")
    expect(heading(page)).to_have_text("Statements")
    page.get_by_label("Category").select_option(label="Equipment")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("status")).to_have_text("1 line in this category")
    assert_no_axe_violations(page)

    # 4. The nightly monitoring: a surplus, and questions about cash and about the equipment and taxi.
    created = dp_monitor(today=MONITORED_ON).created
    assert {f.kind for f in created} == {"surplus", "cash", "outside_plan"}
    surplus = next(f for f in created if f.kind == "surplus")
    assert surplus.amount == expected_balance - Decimal("800.00")
    task = Task.objects.get(source=f"finding:{surplus.pk}")
    assert task.assignee == council["sam"]

    page.goto(f"{base}/direct-payments/findings/")
    expect(page.get_by_role("status")).to_have_text("3 open checks")
    expect(page.get_by_text("Sam Worker").first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Mary Smith's direct payment has built up: agree what to do with the extra").click()
    expect(heading(page)).to_have_text("Mary Smith's direct payment has built up: agree what to do with the extra")
    expect(page.get_by_text("more than 8 weeks of the direct payment (£100.00 a week)")).to_be_visible()
    assert_no_axe_violations(page)

    # 5. Resolving: a recoupment larger than the balance is refused; the agreed amount is posted.
    page.get_by_label("What was found or agreed").fill("Mary is saving for a holiday with her PA; agreed to return")
    page.get_by_label("Amount agreed to return to the council (optional)").fill("99999")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("the recoupment cannot be more than that")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    page.get_by_label("Amount agreed to return to the council (optional)").fill("1,000.00")
    page.get_by_role("button", name="Resolve").click()
    success(page, "Resolved: Mary Smith's direct payment has built up")
    expect(page.get_by_role("status")).to_have_text("2 open checks")
    assert_no_axe_violations(page)

    surplus = MonitoringFinding.objects.get(pk=surplus.pk)
    assert surplus.status == "resolved" and surplus.resolved_by.username == "fran"
    assert balance(agreement=agreement) == expected_balance - Decimal("1000.00")
    assert Task.objects.get(source=f"finding:{surplus.pk}").done_at is not None

    # The resolved finding reads back with the recoupment.
    page.goto(f"{base}/direct-payments/findings/{surplus.pk}/")
    expect(page.get_by_text("Recoupment agreed with Mary Smith")).to_be_visible()
    assert_no_axe_violations(page)

    # 6. Mary moves away: Fran ends the direct payment (a missing answer is named first).
    page.goto(f"{base}/direct-payments/{agreement.pk}/end/")
    expect(heading(page)).to_have_text("End this direct payment")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="End the direct payment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose why the direct payment is ending")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    last_day = page.get_by_role("group", name="The last day the direct payment pays for")
    last_day.get_by_label("Day").fill("30")
    last_day.get_by_label("Month").fill("11")
    last_day.get_by_label("Year").fill("2025")
    page.get_by_label("The person moved to another council's area").check()
    page.get_by_role("button", name="End the direct payment").click()
    success(page, "The direct payment will end")
    assert_no_axe_violations(page)
    agreement.refresh_from_db()
    assert agreement.end_date == datetime.date(2025, 11, 30) and agreement.end_reason == "moved"
