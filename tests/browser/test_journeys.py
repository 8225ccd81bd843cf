"""Staff journeys in a real browser, with axe-core checking every page visited."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.people import services
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, TeamFactory, UserFactory

PASSWORD = "password"


@pytest.fixture
def council(transactional_db):
    team = TeamFactory(name="Older People North", code="opn")
    worker = UserFactory(username="sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro", teams=[team])
    manager = UserFactory(username="tess", role=Role.TEAM_MANAGER, first_name="Tess", last_name="Lane", teams=[team])
    person = PersonFactory(
        first_name="Winifred", last_name="Ashworth", date_of_birth=datetime.date(1938, 5, 17), postcode="NM1 2AB"
    )
    services.person_allocate(person=person, team=team, worker=worker, actor=manager, reason="New request")
    return {"team": team, "worker": worker, "manager": manager, "person": person}


def sign_in(page: Page, base_url: str, username: str) -> None:
    staff_sign_in(page, base_url, username, check_accessibility=True)


def test_social_worker_finds_a_person_and_adds_a_note(page: Page, live_server, council):
    """Sign in, search by name, open the record, add a note (first with a mistake), see it on the timeline."""
    sign_in(page, live_server.url, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")
    assert_no_axe_violations(page)

    page.get_by_label("Find a person").fill("Ashworth")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 person found")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Winifred Ashworth").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Winifred Ashworth")
    expect(page.get_by_text("Older People North", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add a case note").click()
    page.get_by_role("button", name="Save note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter date")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("Phone call").check()
    today = datetime.date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Subject").fill("Daughter rang about missed visits")
    page.get_by_label("Note", exact=True).fill("Two morning visits were missed this week. Agreed to call the agency.")
    page.get_by_role("button", name="Save note").click()

    expect(page.get_by_role("alert")).to_contain_text("Case note added")
    expect(page.get_by_role("heading", name="Phone call: Daughter rang about missed visits")).to_be_visible()
    expect(page.get_by_text("Agreed to call the agency.")).to_be_visible()
    assert_no_axe_violations(page)


def test_manager_sees_team_caseload_and_who_viewed_a_record(page: Page, live_server, council):
    """A manager opens the team caseload, then the record's audit trail, which shows the worker's visit."""
    person = council["person"]
    from selfdirect.core.audit import audit_person_view

    audit_person_view(actor=council["worker"], person=person, what="Opened the person's record")

    sign_in(page, live_server.url, "tess")
    page.get_by_role("link", name="Teams").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team caseloads")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Older People North").click()
    by_worker = page.get_by_role("table").filter(has_text="Open cases held")
    expect(by_worker.get_by_role("row").filter(has_text="Sam Okoro")).to_contain_text("1")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Winifred Ashworth").click()
    page.get_by_role("link", name="Who has looked at this record").click()
    expect(page.get_by_role("cell", name="Opened the person's record").first).to_be_visible()
    expect(page.get_by_text("Sam Okoro").first).to_be_visible()
    assert_no_axe_violations(page)


def test_new_person_form_shows_errors_accessibly(page: Page, live_server, council):
    """The add-a-person form with bad NHS number and postcode: summary links move focus to the field."""
    sign_in(page, live_server.url, "sam")
    page.goto(f"{live_server.url}/people/new/")
    assert_no_axe_violations(page)
    page.get_by_label("First name").fill("Olu")
    page.get_by_label("Last name").fill("Bello")
    page.get_by_label("NHS number").fill("123 456 7890")
    page.get_by_label("Postcode").fill("ZZZ")
    page.get_by_role("button", name="Create record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a valid NHS number")
    expect(summary).to_contain_text("Enter a real postcode")
    expect(summary).to_contain_text("Enter date of birth")
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Enter a real postcode, like NM1 2AB").click()
    expect(page.get_by_label("Postcode")).to_be_focused()
