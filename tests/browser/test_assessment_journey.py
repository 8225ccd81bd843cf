"""A practitioner verifies a submitted self-assessment and signs off the decision, once an advocate is arranged."""

import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.assessments import services
from selfdirect.core.roles import Role
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, TeamFactory, UserFactory


@pytest.fixture
def submitted(transactional_db):
    team = TeamFactory(name="Older People North", code="opn")
    worker = UserFactory(username="sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro", teams=[team])
    person = PersonFactory(first_name="Winifred", last_name="Ashworth")
    assessment = services.assessment_start(
        actor=worker,
        person=person,
        respondent="on_behalf",
        respondent_name="Grace Ashworth",
        respondent_relationship="daughter",
        method="Supported Self-Assessment",
    )
    services.assessment_save_answers(
        assessment=assessment,
        actor=worker,
        outcomes={
            "a": {"unable_reasons": ["without_assistance"], "own_words": "Mum forgets to eat"},
            "b": {"unable_reasons": []},
        },
        answers={"needs_from_impairment": "yes", "significant_impact": "yes"},
    )
    services.assessment_submit(assessment=assessment, actor=worker)
    return assessment


def test_verify_and_sign_off_after_an_advocate_is_arranged(page: Page, live_server, submitted):
    staff_sign_in(page, live_server.url, "sam")

    page.get_by_role("link", name="Assessments").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Winifred Ashworth")).click()
    expect(page.get_by_text("Mum forgets to eat")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Take this assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("The assessment is now with you")

    # Verify: change "keeping clean" with a reason the daughter will see.
    page.get_by_role("link", name=re.compile("Check and change.*Keeping clean")).click()
    assert_no_axe_violations(page)
    page.get_by_label("None of these: they manage without help").uncheck()
    page.get_by_label("They need help, prompting or reminding").check()
    page.get_by_label("Reason for the change").fill("At the visit she could not wash without prompting.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="At the visit she could not wash without prompting.")).to_be_visible()

    # Substantial difficulty and nobody appropriate: sign-off is refused until an advocate is arranged.
    page.get_by_role("link", name="Record involvement and advocacy").click()
    page.get_by_label("Understanding relevant information").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("independent advocate must be arranged"))).to_be_visible()
    page.goto(f"{live_server.url}/assessments/{submitted.pk}/sign-off/")
    expect(page.get_by_text("This cannot be signed off yet")).to_be_visible()
    page.get_by_label("Confirm the calculated decision").check()
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("independent advocate must be arranged")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Back to the assessment").click()
    page.get_by_role("link", name="Refer for an independent advocate").click()
    page.get_by_label("Advocacy organisation").fill("Northmoor Advocacy Hub")
    page.get_by_role("button", name="Send referral").click()
    page.get_by_role("link", name=re.compile("Update.*Northmoor Advocacy Hub")).click()
    page.get_by_label("Advocate arranged").check()
    page.get_by_label("Advocate's name").fill("Sam Igwe")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Sign off the decision").click()
    page.get_by_label("Confirm the calculated decision").check()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("our decision")
    expect(page.get_by_text("Your needs are eligible for care and support from the council.")).to_be_visible()
    assert_no_axe_violations(page)
