"""A finance officer reads and changes a personal budget statement in a real browser, with axe-core on every page."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.money.budget_services import personal_budget_set
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, UserFactory

PASSWORD = "password"


@pytest.fixture
def budget(transactional_db):
    finance = UserFactory(username="ruth", role=Role.FINANCE_OFFICER, first_name="Ruth", last_name="Evans")
    person = PersonFactory(first_name="Winifred", last_name="Ashworth", date_of_birth=datetime.date(1938, 5, 17))
    return personal_budget_set(
        person=person,
        actor=finance,
        weekly_total_cost=Decimal("312.50"),
        weekly_person_contribution=Decimal("62.50"),
        split={"weekly_direct_payment": Decimal("112.50"), "weekly_council_managed": Decimal("200.00")},
        effective_from=datetime.date(2026, 4, 6),
        reason="Support plan agreed at panel",
    )


def test_finance_officer_reads_and_changes_a_personal_budget(page: Page, live_server, budget):
    """Sign in, open the person's personal budget (total, contribution, council amount, weekly and yearly, and how
    it is managed), the printable statement, then change it: first with a mistake, then correctly."""
    person = budget.person
    staff_sign_in(page, live_server.url, "ruth")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ruth")

    page.goto(f"{live_server.url}/people/{person.pk}/personal-budget/")
    expect(page.get_by_role("heading", level=2, name="Personal budget")).to_be_visible()
    statement = page.get_by_role("table", name="The personal budget", exact=True)
    expect(statement.get_by_role("row", name=re.compile("Total cost of meeting needs"))).to_contain_text("£312.50")
    expect(statement.get_by_role("row", name=re.compile("Total cost of meeting needs"))).to_contain_text("£16,250.00")
    expect(statement.get_by_role("row", name=re.compile("contribution"))).to_contain_text("£62.50")
    expect(statement.get_by_role("row", name=re.compile("council's amount"))).to_contain_text("£250.00")
    managed = page.get_by_role("table", name="How the money is managed")
    expect(managed.get_by_role("row")).to_have_count(4)  # the header and all three ways, used or not
    expect(managed.get_by_role("row", name=re.compile("Individual service fund"))).to_contain_text("£0.00")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Printable statement for Winifred").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your personal budget")
    expect(page.get_by_text("Dear Winifred,")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/people/{person.pk}/personal-budget/")
    page.get_by_role("link", name="Change the personal budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the personal budget")
    page.get_by_label("Individual service fund").fill("20")
    page.get_by_label("Reason for this budget or change").fill("Day centre twice a week")
    page.get_by_role("button", name="Save personal budget").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("they need £20.00 less in all")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("Total weekly cost of meeting their needs").fill("332.50")
    page.get_by_role("button", name="Save personal budget").click()
    expect(page.get_by_role("alert")).to_contain_text("Personal budget saved")
    expect(page.get_by_role("table", name="The personal budget", exact=True)).to_contain_text("£332.50")
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()
    assert_no_axe_violations(page)
