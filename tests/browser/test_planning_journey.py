"""Support planning from end to end in a real browser (issue 5), with axe-core on every page visited.

Priya's daughter drafts her mother's support plan in the portal and sends it to the worker; the worker records the
direct payment conditions, explains the cost and sends it for approval; the funding panel returns it for missing
information; the worker fixes the contingency plan and sends it again; the panel approves it, which sets the
personal budget; then a broker arranges the personal assistant: one whose DBS check has lapsed is refused, one
with every check current is taken on."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from selfdirect.core.models import CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement
from selfdirect.money import ras_services
from selfdirect.planning.models import SupportPlan
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import TeamFactory, UserFactory
from tests.market.factories import PaFactory, with_checks
from tests.planning.factories_panel import meeting
from tests.planning.test_plan_services import complete_financial_assessment
from tests.planning.test_portal_plans import signed_off_portal_assessment
from tests.portal.bank import ensure_question_bank

PASSWORD = "password"  # every UserFactory account's
S = SupportPlan.Status


@pytest.fixture
def council(transactional_db):
    """Priya (whose daughter's portal request led to an eligible assessment; a complete financial assessment),
    her worker, a broker, a funding panel of three meeting twice today, and two personal assistants."""
    ensure_question_bank()
    ras_services.ras_table_install_default()
    settings = CouncilSettings.current()
    settings.manager_approval_limit_weekly = Decimal("50.00")  # so this plan goes to the funding panel
    settings.save()
    team = TeamFactory(name="Older people north", code="opn")
    worker = UserFactory(username="sam", role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")
    # Priya's daughter Asha asked for support for her mother online, with her own portal account.
    _, assessment = signed_off_portal_assessment(worker, email="asha@example.com", family_member="Asha Shah")
    complete_financial_assessment(assessment.person)
    UserFactory(username="bea", role=Role.SUPPORT_PLANNER, first_name="Bea", last_name="Broker")
    panel = [
        UserFactory(username=username, role=Role.PANEL_MEMBER, first_name=first, last_name=last)
        for username, first, last in (("martin", "Martin", "Cole"), ("jo", "Jo", "Price"), ("ravi", "Ravi", "Shah"))
    ]
    today = timezone.localdate()

    def at(hour):
        return timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour)))

    # A meeting decides a plan once: the plan comes back, fixed, to the afternoon meeting.
    morning = meeting(members=panel, quorum=3, meets_at=at(9))
    afternoon = meeting(members=panel, quorum=3, meets_at=at(15))
    lapsed = PaFactory(first_name="Dana", last_name="Lapsed")
    with_checks(lapsed, dbs_issued=today - datetime.timedelta(days=5 * 365), update_service=False)
    with_checks(PaFactory(first_name="Priya", last_name="Current"))
    return {"person": assessment.person, "morning": morning, "afternoon": afternoon}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def success(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def sign_in(page: Page, url: str, label: str, username: str) -> None:
    """Sign in afresh (no one else's session left in the browser)."""
    page.context.clear_cookies()
    page.goto(url)
    expect(heading(page)).to_have_text(re.compile(r"^Sign in"))
    assert_no_axe_violations(page)
    page.get_by_label(label).fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page: Page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def status(page: Page):
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text="Status")).first


# --- 1. The family writes the plan in the portal --------------------------------------------------------------


def family_drafts_the_plan(page: Page, base: str, start: datetime.date) -> SupportPlan:
    sign_in(page, f"{base}/portal/sign-in/", "Email address", "asha@example.com")
    expect(heading(page)).to_have_text("Your requests for support")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Plan your support").click()
    expect(heading(page)).to_have_text("Plan your support")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Start the plan").click()
    expect(heading(page)).to_have_text("Support plan")
    success(page, "Your support plan has been started")
    assert_no_axe_violations(page)
    plan = SupportPlan.objects.get()
    assert plan.planner == SupportPlan.Planner.PERSON

    page.get_by_role("link", name="Change what matters").click()
    expect(heading(page)).to_have_text("About the person and the plan")
    assert_no_axe_violations(page)
    page.get_by_label("What matters to me").fill("Cooking with my granddaughter and my Thursday choir")
    page.get_by_label("What I want to achieve").fill("Eat a hot meal every evening and stay in my own home")
    fill_date(page, "When the support should start", start)
    page.get_by_role("button", name="Save").click()
    success(page, "Saved")
    expect(page.locator("#about + dl")).to_contain_text("Cooking with my granddaughter")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add support").click()
    expect(heading(page)).to_have_text("Add support")
    assert_no_axe_violations(page)
    page.get_by_label("What the support is").fill("Help to cook the evening meal")
    page.get_by_label("Which need it meets").select_option(label="Managing and maintaining nutrition")
    page.get_by_label("A personal assistant").check()
    page.get_by_label("Kind of service").select_option("Home Support")
    page.get_by_label("The rate is charged").select_option("Hourly")
    page.get_by_label("Units each time").fill("1")
    page.get_by_label("Times a week").fill("7")
    page.get_by_label("Unit rate in pounds").fill("15.50")
    page.get_by_label("Days and times").fill("Every evening, 5pm to 6pm")
    page.get_by_label("Direct payment").check()
    page.get_by_role("button", name="Save support").click()
    success(page, "Support saved")
    paid = page.get_by_role("table", name="Paid support")
    expect(paid).to_contain_text("Help to cook the evening meal")
    expect(paid).to_contain_text("Direct payment")
    expect(paid).to_contain_text("£108.50")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add support").click()
    expect(heading(page)).to_have_text("Add support")
    assert_no_axe_violations(page)
    page.get_by_label("What the support is").fill("A bath on Wednesdays and Sunday lunch together")
    page.get_by_label("Which need it meets").select_option(label="Maintaining personal hygiene")
    page.get_by_label("Family, friends or a community group (unpaid)").check()
    page.get_by_label("Name of who helps").fill("Ann (daughter)")
    page.get_by_role("button", name="Save support").click()
    success(page, "Support saved")
    expect(page.get_by_role("table", name=re.compile("Support from family, friends"))).to_contain_text("Ann (daughter)")

    page.get_by_role("link", name="Add a risk").click()
    expect(heading(page)).to_have_text("Add a risk")
    assert_no_axe_violations(page)
    page.get_by_label("What could go wrong").fill("A burn or a fall while cooking alone")
    page.get_by_role("group", name="How likely it is").get_by_label("Low").check()
    page.get_by_role("group", name="How serious it would be").get_by_label("Medium").check()
    page.get_by_label("What will reduce the risk").fill("The PA cooks with me; a smoke alarm in the kitchen")
    page.get_by_label("Who will do that").fill("The personal assistant")
    page.get_by_label("What the person thinks about this risk").fill("I want to keep cooking, with help")
    page.get_by_label("The person chooses to take this risk (positive risk-taking)").check()
    page.get_by_role("button", name="Save risk").click()
    expect(page.locator(".govuk-summary-card")).to_contain_text("Their choice to take this risk")
    expect(page.locator(".govuk-summary-card")).to_contain_text("I want to keep cooking, with help")

    page.get_by_role("link", name="Change the contingency plan").click()
    expect(heading(page)).to_have_text("If things go wrong")
    assert_no_axe_violations(page)
    page.get_by_label("If the main support fails").fill("Ann comes round to cook")
    page.get_by_label("If a personal assistant or carer cannot come").fill("Ann, or a ready meal from the freezer")
    page.get_by_label("If the money runs out").fill("Ring the council's finance team")
    page.get_by_label("In a crisis").fill("Ring the out of hours team")
    page.get_by_label("Backup contact's name").fill("Ann Shah")
    page.get_by_label("Backup contact's phone number").fill("07700 900123")
    page.get_by_label("Emergency contact's name").fill("Ann Shah")
    page.get_by_label("Emergency contact's phone number").fill("07700 900123")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#contingency + dl")).to_contain_text("Ring the council's finance team")

    page.get_by_role("button", name="Send the plan to my worker").click()
    success(page, "The plan is now with your worker")
    expect(page.get_by_role("button", name="Send the plan to my worker")).to_have_count(0)
    assert_no_axe_violations(page)
    plan.refresh_from_db()
    assert plan.held_by == "worker" and plan.weekly_total == Decimal("108.50")
    return plan


# --- 2 and 4. The worker completes the plan and sends it for approval ----------------------------------------


def send_for_approval(page: Page) -> None:
    page.get_by_role("link", name="Check and send for approval").click()
    expect(heading(page)).to_have_text("Send the plan for approval")
    expect(page.get_by_text("It will go to the funding panel")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send for approval").click()
    success(page, "Plan sent to the funding panel")
    expect(status(page)).to_contain_text("With the funding panel")
    assert_no_axe_violations(page)


def worker_sends_it_for_approval(page: Page, base: str, plan: SupportPlan) -> None:
    staff_sign_in(page, base, "sam", check_accessibility=True)
    page.goto(f"{base}/plans/{plan.pk}/")
    expect(heading(page)).to_have_text("Support plan")
    expect(status(page)).to_contain_text("Being written")
    with_row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile("^With$")))
    expect(with_row).to_contain_text("Council worker")
    expect(page.get_by_text("Record the direct payment conditions (Care Act s31 or s32)")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record the direct payment conditions", exact=True).click()
    expect(heading(page)).to_have_text("Direct payment conditions")
    assert_no_axe_violations(page)
    page.get_by_label("To the person, who has capacity (s31)").check()
    for n in range(1, 5):
        page.get_by_label(f"Condition {n}", exact=True).check()
    page.get_by_label("Notes").fill("Ann will help Priya with the payroll service")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#money ~ p").first).to_contain_text("To the person, who has capacity (s31)")
    expect(page.get_by_text("All the conditions are met.")).to_be_visible()

    page.get_by_role("link", name="Change why the cost differs").click()
    expect(heading(page)).to_have_text("About the person and the plan")
    assert_no_axe_violations(page)
    page.get_by_label("Why the cost differs from the indicative budget").fill(
        "A personal assistant every evening: Priya cannot cook safely on her own"
    )
    page.get_by_role("button", name="Save").click()
    success(page, "Saved")
    expect(page.locator("#cost + dl")).to_contain_text("Priya cannot cook safely on her own")

    send_for_approval(page)


def worker_fixes_and_sends_it_again(page: Page, base: str, plan: SupportPlan) -> None:
    staff_sign_in(page, base, "sam", check_accessibility=True)
    page.goto(f"{base}/plans/{plan.pk}/")
    expect(status(page)).to_contain_text("Returned for changes")
    page.get_by_role("link", name="Change the contingency plan").click()
    expect(heading(page)).to_have_text("If things go wrong")
    assert_no_axe_violations(page)
    page.get_by_label("If the money runs out").fill(
        "Ann rings the direct payments team on 01632 960500; the council pays the PA while it is sorted out"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#contingency + dl")).to_contain_text("direct payments team on 01632 960500")
    send_for_approval(page)


# --- 3 and 4. The funding panel decides ---------------------------------------------------------------------


def panel_decides(page: Page, base: str, plan: SupportPlan, panel_meeting, decide) -> None:
    """A member records who attended, puts the plan on the agenda and records the decision (`decide` fills the
    decision form)."""
    staff_sign_in(page, base, "martin", check_accessibility=True)
    page.goto(f"{base}/panel/{panel_meeting.pk}/")
    expect(page.get_by_text("Not quorate")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record who attended").click()
    expect(heading(page)).to_have_text("Who attended")
    assert_no_axe_violations(page)
    for name in ("Martin Cole", "Jo Price", "Ravi Shah"):
        page.get_by_label(f"{name} (funding panel member)").check()
    page.get_by_role("button", name="Save attendance").click()
    success(page, "Attendance recorded")
    expect(page.get_by_text("Quorate", exact=True)).to_be_visible()

    page.get_by_role("button", name=f"Add plan {plan.pk} to the agenda").click()
    success(page, f"Plan {plan.pk} added to the agenda")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=f"Decide plan {plan.pk}").click()
    expect(heading(page)).to_have_text("Decide the plan for Priya Shah")
    assert_no_axe_violations(page)
    decide(page)
    page.get_by_role("button", name="Record the panel's decision").click()
    success(page, f"Decision recorded for plan {plan.pk}")
    assert_no_axe_violations(page)

    page.goto(f"{base}/plans/{plan.pk}/")
    expect(heading(page)).to_have_text("Support plan")


def return_for_missing_information(page: Page) -> None:
    page.get_by_label("Return for changes").check()
    page.get_by_label("Missing information").check()
    page.get_by_label("Reasons for the decision").fill(
        "The contingency plan does not say who to ring if the direct payment is late"
    )


def approve(page: Page) -> None:
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("Meets the eligible needs; the contingency plan is clear")


# --- 5. The broker arranges the personal assistant ------------------------------------------------------------


def broker_arranges_the_pa(page: Page, base: str, plan: SupportPlan, person) -> None:
    staff_sign_in(page, base, "bea", check_accessibility=True)
    page.goto(f"{base}/plans/{plan.pk}/")
    expect(status(page)).to_contain_text("Approved")
    page.get_by_role("link", name="Arrange Help to cook the evening meal").click()
    expect(heading(page)).to_have_text("Arrange: Help to cook the evening meal")
    pas = page.get_by_role("table", name=re.compile("Personal assistants"))
    expect(pas.get_by_role("row", name=re.compile("Dana Lapsed"))).to_contain_text("The DBS check has lapsed")
    assert_no_axe_violations(page)
    arrange_url = page.url

    # A PA on a direct payment is employed by Priya, who needs employer's liability insurance.
    page.get_by_role("link", name="employer's liability insurance").click()
    expect(heading(page)).to_have_text("Employer's liability insurance")
    assert_no_axe_violations(page)
    today = timezone.localdate()
    page.get_by_label("Insurer").fill("Northmoor Mutual")
    page.get_by_label("Policy number").fill("EL-12345")
    fill_date(page, "Date the cover starts", today)
    fill_date(page, "Date the cover ends", today + datetime.timedelta(days=364))
    page.get_by_role("button", name="Record the policy").click()
    success(page, "Employer's liability insurance recorded")
    expect(page.get_by_role("table", name="Policies recorded")).to_contain_text("Northmoor Mutual, EL-12345")
    assert_no_axe_violations(page)

    page.goto(arrange_url)
    page.get_by_label(re.compile(r"^Dana Lapsed \(personal assistant\)")).check()
    page.get_by_role("button", name="Arrange this support").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Dana Lapsed cannot start yet")
    expect(summary).to_contain_text("The DBS check has lapsed")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    assert not Arrangement.objects.exists()

    page.get_by_label(re.compile(r"^Priya Current \(personal assistant\)")).check()
    page.get_by_role("button", name="Arrange this support").click()
    success(page, "Support arranged from")
    assert_no_axe_violations(page)

    arrangement = Arrangement.objects.get()
    assert arrangement.pa.full_name == "Priya Current" and arrangement.person == person
    assert arrangement.plan_line.plan_id == plan.pk
    assert arrangement.delivery_mechanism == "Direct Payment"
    assert arrangement.planned_units_per_week == Decimal("7")
    assert arrangement.unit_cost == Decimal("15.50")


# --- The journey ---------------------------------------------------------------------------------------------


def test_a_family_plan_goes_through_the_panel_to_a_personal_assistant(page: Page, live_server, council):
    base = live_server.url
    start = timezone.localdate() + datetime.timedelta(days=7)

    plan = family_drafts_the_plan(page, base, start)
    worker_sends_it_for_approval(page, base, plan)
    plan.refresh_from_db()
    assert plan.status == S.AT_PANEL and plan.approval_route == "panel"

    panel_decides(page, base, plan, council["morning"], return_for_missing_information)
    expect(status(page)).to_contain_text("Returned for changes")
    decision = page.locator(".govuk-inset-text").first
    expect(decision).to_contain_text("Return for changes")
    expect(decision).to_contain_text("Reason for return: Missing information")
    expect(decision).to_contain_text("does not say who to ring if the direct payment is late")
    assert_no_axe_violations(page)

    worker_fixes_and_sends_it_again(page, base, plan)
    panel_decides(page, base, plan, council["afternoon"], approve)
    expect(status(page)).to_contain_text("Approved")
    expect(page.locator(".govuk-inset-text").first).to_contain_text("Approve")
    expect(page.locator("#decisions + ul")).to_contain_text("Return for changes (missing information)")
    assert_no_axe_violations(page)
    plan.refresh_from_db()
    assert plan.status == S.APPROVED
    budget = plan.personal_budget
    assert budget is not None and budget.person == council["person"]
    assert budget.weekly_direct_payment == plan.weekly_total == Decimal("108.50")

    broker_arranges_the_pa(page, base, plan, council["person"])
