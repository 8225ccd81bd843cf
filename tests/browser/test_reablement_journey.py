"""Reablement from end to end in a real browser (issue 11), with axe-core on every page.

Ada, 80, left Northmoor General today. Sam, her social worker, starts reablement from her individual budget
statement: a hospital discharge, with two goals in Ada's words. The episode page shows the goals, the free six
weeks and the 91-day follow-up (Ada is 65 or over and came from hospital). Sam adds a third goal, marks one
achieved, tries to close the episode without saying what happens next (an error summary), then closes it with "no
further support". Tess, the team manager, sees it counted in the short-term support report (STS002a, new
clients)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.reablement.models import ShortTermEpisode
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, TeamFactory, UserFactory

TODAY = timezone.localdate()


@pytest.fixture
def council(transactional_db):
    team = TeamFactory(name="Reablement north", code="rn")
    sam = UserFactory(username="sam", role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")
    UserFactory(username="tess", role=Role.TEAM_MANAGER, teams=[team], first_name="Tess", last_name="Manager")
    ada = PersonFactory(
        first_name="Ada",
        last_name="Jones",
        date_of_birth=datetime.date(TODAY.year - 80, 1, 1),
        allocated_team=team,
        allocated_worker=sam,
    )
    return {"ada": ada}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def fill_date(page: Page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_hospital_discharge_to_reablement_to_no_further_support_in_the_report(page: Page, live_server, council):
    base = live_server.url
    ada = council["ada"]
    staff_sign_in(page, base, "sam")

    page.goto(f"{base}/people/{ada.pk}/individual-budget/")
    expect(page.get_by_role("heading", name="Individual budget statement")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Start short-term support").click()

    expect(heading(page)).to_have_text("Start short-term support")
    assert_no_axe_violations(page)
    page.get_by_label(re.compile(r"^Reablement")).check()
    page.get_by_label("Discharge from hospital").check()
    fill_date(page, "Date they left hospital", TODAY)
    page.get_by_label("Hospital", exact=True).fill("Northmoor General")
    fill_date(page, "Planned end date", TODAY + datetime.timedelta(weeks=6))
    page.get_by_label("Goals, in the person's own words").fill(
        "I want to make my own breakfast again\nI want to walk to the corner shop"
    )
    page.get_by_role("button", name="Start the support").click()

    expect(heading(page)).to_have_text(re.compile("^Reablement"))
    expect(page.get_by_text("I want to make my own breakfast again")).to_be_visible()
    free_until = TODAY + datetime.timedelta(days=41)
    expect(page.get_by_text(f"Free until {free_until.day} {free_until:%B %Y}")).to_be_visible()
    due = TODAY + datetime.timedelta(days=91)
    expect(page.get_by_text(f"Due {due.day} {due:%B %Y}")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Goal, in the person's own words").fill("I want to get washed and dressed without help")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("I want to get washed and dressed without help")).to_be_visible()
    page.get_by_role("link", name="Update progress on goal 1").click()
    expect(heading(page)).to_have_text("How is this goal going?")
    assert_no_axe_violations(page)
    page.get_by_label("Achieved", exact=True).check()
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("cell", name="Achieved", exact=True)).to_be_visible()

    page.get_by_role("link", name="Close the episode").click()
    expect(heading(page)).to_have_text("Close short-term support")
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose what happens next")
    assert_no_axe_violations(page)
    page.get_by_label("No further support: back to independence").check()
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_text("Client Level Data outcome: Service ended as planned")).to_be_visible()
    assert_no_axe_violations(page)
    episode = ShortTermEpisode.objects.get(person=ada)
    assert (episode.status, episode.sequel, episode.actual_end) == ("closed", "no_further_support", TODAY)

    page.goto(f"{base}/short-term/")
    expect(page.get_by_role("row", name=re.compile("Ada Jones"))).to_contain_text("No further support")
    assert_no_axe_violations(page)

    staff_sign_in(page, base, "tess")
    page.goto(f"{base}/reports/short-term/")
    expect(heading(page)).to_have_text("Short-term support")
    row = page.get_by_role("row", name="No services – other / No identified needs")
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")  # new clients (STS002a)
    expect(row.get_by_role("cell").nth(1)).to_have_text("0")  # existing clients (STS002b)
    assert_no_axe_violations(page)
