"""Resource allocation in a real browser: the equity page an analyst reads, and an assessment page (staff and
portal) showing the indicative budget, each checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.assessments import services
from selfdirect.assessments.models import Assessment
from selfdirect.core.roles import Role
from selfdirect.money import ras_services
from selfdirect.money.models import IndicativeBudget
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, UserFactory, portal_self_assessment_with_record
from tests.money.test_ras_calibrate import synthetic_council
from tests.portal.bank import ensure_question_bank

DAILY_HELP = {"unable_reasons": ["without_assistance"], "frequency": "daily"}
PASSWORD = "password"


@pytest.fixture
def council(transactional_db):
    """The question bank and the default RAS table (an earlier transactional test may have flushed both), a
    team manager, and synthetic cases with learning disability support under-funded by the RAS."""
    ensure_question_bank()
    ras_services.ras_table_install_default()
    synthetic_council()
    return UserFactory(username="tess", role=Role.TEAM_MANAGER, first_name="Tess", last_name="Manager")


def with_supervision(assessment, level: str):
    """Set supervision directly: the bank reloaded after a flush is version 1, which does not ask about it."""
    Assessment.objects.filter(pk=assessment.pk).update(supervision=level)
    assessment.refresh_from_db()
    return assessment


def signed_off(worker, person, *, supervision):
    assessment = services.assessment_start(actor=worker, person=person)
    services.assessment_allocate(assessment=assessment, worker=worker, actor=worker)
    assessment = services.assessment_save_answers(
        assessment=assessment,
        actor=worker,
        outcomes={"a": DAILY_HELP, "b": DAILY_HELP | {"met_by_unpaid_carer": True}},
        answers={"needs_from_impairment": "yes", "significant_impact": "yes"},
    )
    assessment = with_supervision(assessment, supervision)
    services.involvement_record(assessment=assessment, actor=worker, difficulties=[])
    return services.assessment_sign_off(assessment=assessment, actor=worker)


def test_analyst_reads_the_equity_page(page: Page, live_server, council):
    """The chart (an image with a name) and its table both show learning disability support under-funded."""
    UserFactory(username="ana", role=Role.PERFORMANCE_ANALYST)
    staff_sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/ras/equity/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resource allocation: calibration and equity")
    chart = page.get_by_role("img", name=re.compile("Median of indicative budget"))
    expect(chart).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Learning Disability Support"))
    expect(row).to_contain_text("Under-funded by the RAS")
    expect(row).to_contain_text("0.70")
    assert_no_axe_violations(page)


def test_manager_sees_the_indicative_budget_on_the_assessment(page: Page, live_server, council):
    """Signed off as eligible: the week and year amounts, the lines that add up to them, the early-idea
    sentence and, with constant supervision, the exceptional-needs tag for a manager."""
    person = PersonFactory(first_name="Winifred", last_name="Ashworth")
    assessment = signed_off(council, person, supervision="constant")
    budget = IndicativeBudget.objects.get(assessment=assessment)
    assert budget.points == 80 and budget.exceptional  # 6 + (6 - 4 for the carer) + 72 for supervision
    staff_sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    section = page.locator("#indicative-budget")
    expect(section.get_by_role("heading", name="Indicative budget")).to_be_visible()
    expect(section).to_contain_text("£1,488.00")
    expect(section).to_contain_text("£77,376.00")
    expect(section).to_contain_text("an unpaid carer meets this need")
    expect(section).to_contain_text("This is an early idea of how much money is available")
    expect(section.get_by_text("Exceptional needs: a manager should look")).to_be_visible()
    assert_no_axe_violations(page)


def test_person_sees_their_indicative_budget_in_the_portal(page: Page, live_server, council):
    """The person who asked online sees their money and how it was reached, without the staff-only tag."""
    account, assessment = portal_self_assessment_with_record(worker=council)
    assessment = services.assessment_save_answers(
        assessment=assessment,
        actor=account,
        outcomes={"a": DAILY_HELP, "d": DAILY_HELP},
        answers={"needs_from_impairment": "yes", "significant_impact": "yes"},
    )
    assessment = with_supervision(assessment, "constant")
    services.assessment_submit(assessment=assessment, actor=account)
    services.assessment_allocate(assessment=assessment, worker=council, actor=council)
    services.involvement_record(assessment=assessment, actor=council, difficulties=[])
    services.assessment_sign_off(assessment=assessment, actor=council)

    page.goto(f"{live_server.url}/portal/sign-in/")
    page.get_by_label("Email address").fill("priya@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/portal/assessments/{assessment.pk}/")
    section = page.locator("#indicative-budget")
    expect(section).to_contain_text("£1,562.40")
    expect(section).to_contain_text("Being appropriately clothed: needs help or prompting, every day: 6 points")
    expect(section).not_to_contain_text("Exceptional needs")
    assert_no_axe_violations(page)
