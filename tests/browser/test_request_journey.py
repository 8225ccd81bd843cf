"""A request for support in a real browser, from the phone call to its CLD outcome, with axe-core
checking every page visited."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.assessments.models import SupportRequest
from selfdirect.core.roles import Role
from selfdirect.people.models import Person
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import TeamFactory, UserFactory

PASSWORD = "password"
INFO_AND_ADVICE = "NFA - Information & Advice / Signposting only"


@pytest.fixture
def worker(transactional_db):
    team = TeamFactory(name="Older People North", code="opn")
    return UserFactory(username="sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro", teams=[team])


def sign_in(page: Page, base_url: str, username: str) -> None:
    staff_sign_in(page, base_url, username, check_accessibility=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")
    assert_no_axe_violations(page)


def test_daughter_phones_record_created_and_request_concluded_with_advice(page: Page, live_server, worker):
    """A social worker records a daughter's phone call (first with a mistake), creates her father's record
    from it without retyping anything, and concludes it as information and advice only."""
    sign_in(page, live_server.url, "sam")

    page.goto(f"{live_server.url}/requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for support")
    expect(page.get_by_text("No requests for support have been recorded.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record a request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a request for support")
    today = datetime.date.today()
    received = page.get_by_role("group", name="Date received")
    expect(received.get_by_label("Day")).to_have_value(str(today.day))
    assert_no_axe_violations(page)

    page.get_by_label("Family member or friend").check()
    page.get_by_label("Their name (optional)").fill("Joan Pemberton")
    page.get_by_label("How to contact them (optional)").fill("07700 900123")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Route of access (CLD list still to be confirmed by your administrator)").select_option(
        "Community/Other route"
    )
    page.get_by_label("First name").fill("Harold")
    page.get_by_label("Last name").fill("Pemberton")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("3")
    born.get_by_label("Month").fill("9")
    born.get_by_label("Year").fill("1941")
    page.get_by_label("Postcode (optional)").fill("nm2 3fg")
    page.get_by_role("button", name="Save request").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter what they need help with")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("First name")).to_have_value("Harold")
    assert_no_axe_violations(page)

    summary.get_by_role("link", name="Enter what they need help with").click()
    expect(page.get_by_label("What they need help with")).to_be_focused()
    page.get_by_label("What they need help with").fill(
        "Dad fell last month and is struggling to wash and dress. Joan visits twice a week."
    )
    page.get_by_role("button", name="Save request").click()

    expect(page.get_by_role("alert")).to_contain_text("Request recorded for Harold Pemberton")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harold Pemberton")
    expect(page.get_by_text("Family member or friend: Joan Pemberton")).to_be_visible()
    expect(page.get_by_text("NM2 3FG", exact=True)).to_be_visible()
    expect(page.get_by_text("No record has the same name and date of birth")).to_be_visible()
    expect(page.get_by_text("before concluding it")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Create a new record from this request").click()
    person = Person.objects.get(last_name="Pemberton")
    assert person.date_of_birth == datetime.date(1941, 9, 3) and person.postcode == "NM2 3FG"
    expect(page.get_by_role("alert")).to_contain_text(f"Record created for Harold Pemberton ({person.council_id})")
    expect(page.get_by_role("link", name=f"Harold Pemberton ({person.council_id})")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Conclude request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the outcome of the request")
    assert_no_axe_violations(page)

    page.get_by_label(INFO_AND_ADVICE, exact=True).check()
    page.get_by_label("Notes (optional)").fill("Sent details of the falls prevention group and the OT self-referral.")
    page.get_by_role("button", name="Conclude request").click()

    expect(page.get_by_role("alert")).to_contain_text("Request concluded")
    outcome = page.locator(".govuk-summary-list").first
    expect(outcome).to_contain_text(INFO_AND_ADVICE)
    expect(outcome).to_contain_text(today.strftime("%-d %B %Y"))
    expect(page.get_by_role("button", name="Conclude request")).to_have_count(0)
    assert_no_axe_violations(page)
    saved = SupportRequest.objects.get()
    assert saved.status == SupportRequest.Status.CLOSED and saved.outcome == INFO_AND_ADVICE
    assert saved.person == person

    page.get_by_role("link", name="All requests for Harold Pemberton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for support")
    row = page.get_by_role("row", name=re.compile("Harold Pemberton"))
    expect(row).to_contain_text("Closed")
    expect(row).to_contain_text("Family member or friend")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Open", exact=True).click()
    expect(page.get_by_text("There are no open requests.")).to_be_visible()
    assert_no_axe_violations(page)
