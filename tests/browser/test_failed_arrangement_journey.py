"""A failed arrangement from end to end in a real browser (issue 7 items 5 and 9), with axe-core on every page.

Mary's home care agency hands back her morning calls. Her social worker records the failed arrangement from Mary's
list of failed arrangements, sees what Mary's contingency plan says to do, is refused emergency cover lasting longer
than six weeks, then puts two weeks of cover in place with another agency. The agency's arrangement has ended, an
unplanned review ("Unplanned - Provider Failure") is booked within the council's five days and shows in the worker's
task inbox, and the worker was emailed. Her team manager sees the failure counted in the report."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement
from selfdirect.planning.models import ContingencyPlan
from selfdirect.reviews.models import FailedArrangement, Review, Task
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.market.factories import ProviderFactory, approved_line
from tests.planning.plans import CONTINGENCY

PASSWORD = "password"  # every UserFactory account's
TODAY = timezone.localdate()


@pytest.fixture
def council(transactional_db):
    """Mary, allocated to Sam, with an approved plan (and its contingency plan) whose morning calls are arranged with
    Moorside Home Care; Rapid Response Care can give emergency cover; Tess manages the team."""
    team = TeamFactory(name="Older people north", code="opn")
    worker = UserFactory(username="sam", role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")
    UserFactory(username="tess", role=Role.TEAM_MANAGER, teams=[team], first_name="Tess", last_name="Manager")
    person = PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)
    line = approved_line(person=person, created_by=worker)
    ContingencyPlan.objects.create(plan=line.plan, **CONTINGENCY)
    moorside = ProviderFactory(name="Moorside Home Care")
    arrangement = Arrangement.objects.create(
        plan_line=line, person=person, provider=moorside, start_date=TODAY - datetime.timedelta(days=60),
        service_type="Long Term Support: Community", service_component="Home Support",
        delivery_mechanism="CASSR Managed Personal Budget", unit_cost=Decimal("24.00"), cost_frequency="Hourly",
        planned_units_per_week=Decimal("10"), weekly_cost=Decimal("240.00"), created_by=worker,
    )  # fmt: skip
    ProviderFactory(name="Rapid Response Care")
    return {"person": person, "worker": worker, "arrangement": arrangement, "plan": line.plan}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def success(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def sign_in(page: Page, base: str, username: str) -> None:
    staff_sign_in(page, base, username, check_accessibility=True)


def fill_date(page: Page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_failed_arrangement_gets_emergency_cover_and_an_unplanned_review(page: Page, live_server, council):
    base = live_server.url
    person = council["person"]
    sign_in(page, base, "sam")

    # Nothing is due yet.
    page.goto(f"{base}/tasks/")
    expect(heading(page)).to_have_text("Your tasks")
    expect(page.get_by_text("Nothing is due.")).to_be_visible()
    assert_no_axe_violations(page)

    # 1. Record the failure.
    page.goto(f"{base}/people/{person.pk}/failed-arrangements/")
    expect(heading(page)).to_have_text("Failed arrangements")
    expect(page.get_by_text("No failed arrangements recorded.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Record a failed arrangement").click()
    expect(heading(page)).to_have_text("Record a failed arrangement")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the failed arrangement").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose what went wrong")
    expect(summary).to_contain_text("Enter what happened")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    page.get_by_label("A provider has handed back the care").check()
    page.get_by_label(re.compile(r"Home Support with Moorside Home Care")).check()
    page.get_by_label("What happened?").fill("Moorside rang: they cannot staff Mary's morning calls from tomorrow.")
    fill_date(page, "Date it happened", TODAY)
    page.get_by_role("button", name="Record the failed arrangement").click()

    # 2. What the plan says to do comes first, then the cover.
    success(page, "Failed arrangement recorded. Emailed the allocated worker, Sam Worker")
    expect(heading(page)).to_have_text("Failed arrangement: a provider has handed back the care")
    expect(page.locator(".govuk-inset-text")).to_contain_text("The agency sends another carer; Ann covers mornings")
    contacts = page.get_by_role("definition").filter(has_text="07700 900456")
    expect(contacts).to_contain_text("Bob Smith")
    due = TODAY + datetime.timedelta(days=5)
    expect(page.get_by_text(f"Due {due:%-d %B %Y} (Unplanned - Provider Failure)")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Provider (optional)").select_option(label="Rapid Response Care")
    fill_date(page, "Date the cover ends", TODAY + datetime.timedelta(days=60))
    page.get_by_label("Unit cost").fill("26.50")
    page.get_by_label("The cost is charged").select_option("Hourly")
    page.get_by_label("Planned units a week").fill("14")
    page.get_by_role("button", name="Arrange emergency cover").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Emergency cover lasts at most 6 weeks")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    assert not Arrangement.objects.filter(service_component="Emergency Support").exists()

    fill_date(page, "Date the cover ends", TODAY + datetime.timedelta(days=14))
    page.get_by_role("button", name="Arrange emergency cover").click()
    success(page, "Emergency cover arranged from")
    expect(page.get_by_text("Short Term Support: Other Short Term")).to_be_visible()
    expect(page.get_by_role("button", name="Arrange emergency cover")).to_have_count(0)
    assert_no_axe_violations(page)

    # 3. The unplanned review is in Sam's inbox; the failure's own task closed when the cover was arranged.
    page.goto(f"{base}/tasks/")
    inbox = page.get_by_role("table", name="Tasks, soonest due first")
    row = inbox.get_by_role("row", name=re.compile("Unplanned review"))
    expect(row).to_contain_text("Mary Smith")
    expect(row).to_contain_text(f"{due:%-d %B %Y}")
    expect(inbox).not_to_contain_text("Failed arrangement:")
    assert_no_axe_violations(page)
    page.get_by_label("Kind of task").select_option(label="Failed arrangement")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Nothing is due that matches the filters.")).to_be_visible()
    assert_no_axe_violations(page)

    failure = FailedArrangement.objects.get()
    assert failure.arrangement.status == Arrangement.Status.ENDED
    review = failure.review
    assert review.kind == Review.Kind.UNPLANNED and review.reason == "Unplanned - Provider Failure"
    assert review.due_on == due and review.assigned_to == council["worker"]
    cover = failure.emergency_cover
    assert (cover.service_type, cover.service_component, cover.delivery_mechanism) == (
        "Short Term Support: Other Short Term", "Emergency Support", "CASSR Commissioned Support")  # fmt: skip
    assert cover.provider.name == "Rapid Response Care" and cover.weekly_cost == Decimal("371.00")
    assert cover.end_date == TODAY + datetime.timedelta(days=14)
    assert Task.objects.get(source=f"failed_arrangement:{failure.pk}").done_at is not None
    assert [m.to for m in mail.outbox] == [[council["worker"].email]]

    # 4. The team manager sees it counted.
    sign_in(page, base, "tess")
    page.goto(f"{base}/reports/failed-arrangements/")
    expect(heading(page)).to_have_text("Failed arrangements by month")
    month = page.get_by_role("row", name=re.compile(f"^{TODAY:%B %Y}"))
    expect(month).to_contain_text("1")
    expect(page.get_by_role("table", name=re.compile("Provider hand-backs"))).to_contain_text("Moorside Home Care")
    assert_no_axe_violations(page)
