"""The public eligibility checker in a real browser, with axe-core checking every page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations


@pytest.fixture
def checker(page: Page, live_server, transactional_db):
    """Open the checker's start page anonymously and return its URL."""
    url = f"{live_server.url}/eligibility-checker/"
    page.goto(url)
    return url


def test_adult_journey_with_a_mistake_then_a_result(page: Page, checker):
    """An adult: forgets to choose, then chooses; leaves a question out, fixes it; gets "might be eligible"."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Check if you might be eligible for care and support")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who you are checking for")
    assert_no_axe_violations(page)

    page.get_by_label("For myself, or for someone asking about their own needs").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your needs")
    assert_no_axe_violations(page)

    eating = page.get_by_role("group", name="Eating and drinking")
    eating.get_by_label("You need help, or need reminding or prompting, to do it").check()
    family = page.get_by_role("group", name="Family, friends and relationships")
    family.get_by_label("Doing it on your own causes you significant pain, distress or anxiety").check()
    page.get_by_role("group", name="Are your needs caused by").get_by_label("Yes").check()
    page.get_by_role("button", name="See your result").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("significant effect on your well-being")
    expect(eating.get_by_label("You need help, or need reminding or prompting, to do it")).to_be_checked()
    assert_no_axe_violations(page)

    summary.get_by_role("link").first.click()
    expect(page.locator("#id_significant_impact_on_wellbeing_0")).to_be_focused()
    page.get_by_role("group", name="Does all this have").get_by_label("Yes").check()
    page.get_by_role("button", name="See your result").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You might be eligible for care and support")
    expect(page.get_by_text("therefore your needs are eligible")).to_be_visible()
    expect(page.get_by_text("This is a guide only")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("for a needs assessment"))).to_be_visible()
    assert_no_axe_violations(page)


def test_carer_journey(page: Page, checker):
    """A carer whose health is getting worse, with no outcome ticked, might be eligible for support as a carer."""
    page.get_by_label("As an unpaid carer").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your needs as a carer")
    expect(page.get_by_label(re.compile("takes you much longer"))).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("group", name="Do your needs come from caring").get_by_label("Yes").check()
    page.get_by_role("group", name="Is your physical or mental health getting worse").get_by_label("Yes").check()
    page.get_by_role("group", name="Does all this have").get_by_label("Yes").check()
    page.get_by_role("button", name="See your result").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You might be eligible for support as a carer")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check if you might be eligible for care and support")
