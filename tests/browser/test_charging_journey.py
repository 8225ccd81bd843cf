"""Charging in a real browser, with axe-core checking every page visited: a finance officer completes a
financial assessment (after a mistake) and opens the letter; anyone estimates their contribution."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.money.models import FinancialAssessment
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, UserFactory
from tests.money import load_charging_figures


@pytest.fixture
def council(transactional_db):
    load_charging_figures()
    officer = UserFactory(username="fiona", role=Role.FINANCE_OFFICER, first_name="Fiona", last_name="Reid")
    person = PersonFactory(first_name="Edith", last_name="Clarke", date_of_birth=datetime.date(1950, 2, 3))
    return {"officer": officer, "person": person}


def sign_in(page: Page, base_url: str, username: str) -> None:
    staff_sign_in(page, base_url, username)


def test_finance_officer_completes_an_assessment_and_opens_the_letter(page: Page, live_server, council):
    """Open the form (age pre-filled), leave out capital, fix it, complete, read the result and the letter."""
    person = council["person"]
    sign_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/people/{person.pk}/financial-assessments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial assessments")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Start a new financial assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial assessment")
    expect(page.get_by_label("Age", exact=True)).to_have_value(str(person.age))
    assert_no_axe_violations(page)

    page.get_by_role("group", name="Financial year").get_by_label("2021-22").check()
    page.get_by_role("group", name="Where do they get care?").get_by_label("At home or in the community").check()
    page.get_by_role("group", name="Household").get_by_label("Single", exact=True).check()
    page.get_by_role("group", name="Have they reached pension credit age?").get_by_label("Yes").check()
    page.get_by_label("State Pension", exact=True).fill("179.60")
    page.get_by_label("Attendance Allowance", exact=True).fill("60.00")
    page.get_by_label("Personal Independence Payment (mobility)", exact=True).fill("24.45")
    page.get_by_label("Disability-related expenditure", exact=True).fill("10")
    page.get_by_label("Weekly cost of care", exact=True).fill("250")
    page.get_by_role("button", name="Complete the financial assessment").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter capital")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("State Pension", exact=True)).to_have_value("179.60")
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Enter capital").click()
    expect(page.get_by_label("Capital", exact=True)).to_be_focused()
    page.get_by_label("Capital", exact=True).fill("18,450")
    page.get_by_role("button", name="Complete the financial assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Financial assessment 2021-22")
    expect(page.get_by_role("alert")).to_contain_text("Financial assessment complete: £57.60 a week")
    expect(page.locator(".govuk-panel__title")).to_have_text("£57.60 a week")
    expect(page.get_by_text("Your weekly contribution is £57.60.")).to_be_visible()
    assert_no_axe_violations(page)
    assert FinancialAssessment.objects.get(person=person).completed_by == council["officer"]

    page.get_by_role("link", name=re.compile("Open the letter")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your financial assessment: what you pay towards your care"
    )
    expect(page.get_by_text("You will pay £57.60 a week towards your care.")).to_be_visible()
    expect(page.get_by_role("heading", name="If you think something is wrong, or your money changes")).to_be_visible()
    assert_no_axe_violations(page)


def test_finance_officer_sees_what_blocks_assessments(page: Page, live_server, council):
    """The charging figures page lists each year's figures and tags the UNCONFIRMED ones."""
    sign_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/charging-figures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Charging figures")
    expect(page.locator(".govuk-warning-text").first).to_contain_text("UNCONFIRMED")
    assert_no_axe_violations(page)


def test_public_estimate(page: Page, live_server, council):
    """From the information page, anyone estimates their contribution, first with a mistake, without signing in."""
    page.goto(f"{live_server.url}/information/")
    page.get_by_role("link", name="Estimate what you might pay towards your care").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Estimate what you might pay towards your care")
    assert_no_axe_violations(page)

    page.get_by_role("group", name="Where do you get care, or expect to?").get_by_label(
        "At home or in the community"
    ).check()
    page.get_by_role("group", name="Which of these describes you?").get_by_label("I am single", exact=True).check()
    page.get_by_label("How old are you?").fill("72")
    page.get_by_role("group", name="Have you reached State Pension age?").get_by_label("Yes").check()
    page.get_by_label("State Pension", exact=True).fill("179.60")
    page.get_by_label("Attendance Allowance", exact=True).fill("60")
    page.get_by_role("button", name="See your estimate").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your savings and capital")
    assert_no_axe_violations(page)
    page.get_by_label("How much do you have in savings and other capital?").fill("18450")
    page.get_by_label(re.compile("extra costs because of your disability")).fill("10")
    page.get_by_role("button", name="See your estimate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You might pay up to £57.60 a week")
    expect(page.get_by_text("This is an estimate, not a decision.")).to_be_visible()
    expect(page.get_by_text("Your answers have not been saved or sent to anyone.")).to_be_visible()
    assert_no_axe_violations(page)
    assert not FinancialAssessment.objects.exists()
