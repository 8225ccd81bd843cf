"""A social worker answers the readiness survey and records a training need; a team manager closes the round, sees
the results with their confidence intervals beside the published figures, and forms a peer group from the recorded
needs (issue 8, items 4 and 5), with axe-core on every page visited.

Six colleagues in Older People North have already answered. Sam answers too (seven), and records that she needs
training in employing personal assistants and would join a peer group. Tess closes the round: seven answers, so
the results show overall, but the team breakdown hides the assessors' team of one and so the other team as well."""

import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.rules import workforce as rules
from selfdirect.workforce import services
from selfdirect.workforce.models import PeerGroup
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def council(transactional_db):
    north = TeamFactory(name="Older People North", code="opn")
    south = TeamFactory(name="Older People South", code="ops")
    sam = UserFactory(username="sam", role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Worker", teams=[north])
    tess = UserFactory(username="tess", role=Role.TEAM_MANAGER, first_name="Tess", last_name="Manager", teams=[north])
    colleagues = [UserFactory(role=Role.SOCIAL_WORKER, teams=[north]) for _ in range(5)]
    colleagues.append(UserFactory(role=Role.ASSESSOR, teams=[south]))
    survey = services.survey_create_default(actor=tess, name="Readiness for personalisation")
    survey_round = services.survey_round_open(survey=survey, actor=tess, label="Autumn 2026")
    for user in colleagues:
        answers = {q.key: rules.SCALES[q.scale].counts[0] for q in survey_round.questions.all()}
        services.survey_respond(survey_round=survey_round, user=user, answers=answers)
    return {"sam": sam, "tess": tess, "round": survey_round}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_social_worker_answers_and_a_manager_reads_the_results(page: Page, live_server, council):
    base = live_server.url
    staff_sign_in(page, base, "sam", check_accessibility=True)

    # Sam answers the survey, missing one question the first time.
    page.goto(f"{base}/readiness-survey/")
    expect(heading(page)).to_have_text("Readiness survey")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Readiness for personalisation")).click()
    expect(heading(page)).to_have_text("Readiness for personalisation")
    assert_no_axe_violations(page)
    for fieldset in page.locator("fieldset").all()[1:]:
        fieldset.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer: How well informed do you feel about direct")
    assert_no_axe_violations(page)
    page.get_by_role("group", name=re.compile("direct payments")).get_by_label("Fairly well informed").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text("without your name")
    expect(page.get_by_text("you have answered")).to_be_visible()
    assert_no_axe_violations(page)

    # Sam records a training need, and would join a peer group.
    page.goto(f"{base}/my-development/")
    expect(heading(page)).to_have_text("My training and development")
    assert_no_axe_violations(page)
    page.get_by_role("group", name="Which topics do you need training in?").get_by_label(
        "Employing personal assistants"
    ).check()
    page.get_by_role("group", name=re.compile("peer development group")).get_by_label(
        "Employing personal assistants"
    ).check()
    page.get_by_role("button", name="Save my training needs").click()
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text("Training needs saved")

    # Tess closes the round and reads the results.
    staff_sign_in(page, base, "tess")
    page.goto(f"{base}/workforce/rounds/{council['round'].pk}/close/")
    expect(heading(page)).to_have_text("Close Autumn 2026?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Close the round").click()
    expect(heading(page)).to_have_text("Results: Autumn 2026")
    expect(page.get_by_text("7 people answered")).to_be_visible()
    table = page.get_by_role("table", name="How well informed do you feel about direct payments?")
    expect(table).to_contain_text("50% in 2008, all respondents")
    expect(table).to_contain_text("100%")
    assert_no_axe_violations(page)
    page.get_by_label("Show results for").select_option(label="Team")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No group is large enough to show on its own.")).to_be_visible()
    assert_no_axe_violations(page)

    # Tess forms a peer group from the recorded needs: Sam is suggested, already ticked.
    page.goto(f"{base}/workforce/peer-groups/")
    expect(heading(page)).to_have_text("Peer groups and mentoring")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Employing personal assistants").click()
    expect(heading(page)).to_have_text("Form a peer group")
    expect(page.get_by_label("Sam Worker")).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Form the group").click()
    expect(heading(page)).to_have_text("Employing personal assistants peer group")
    assert_no_axe_violations(page)
    assert list(PeerGroup.objects.get().members.values_list("username", flat=True)) == ["sam"]
