"""Staff plan pages: who may see and change them, forms that keep what was typed, and the journey from draft to
decision through the pages."""

import pytest

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.planning import services
from selfdirect.planning.models import SupportPlan
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import ready_plan, signed_off_assessment

pytestmark = pytest.mark.django_db
S = SupportPlan.Status


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def subject(team, worker):
    return PersonFactory(allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(worker, subject):
    return ready_plan(worker, subject, rate="1.00")


def fresh(plan):
    return SupportPlan.objects.get(pk=plan.pk)


def test_the_person_page_lists_plans_and_offers_to_start_one(client_as, worker, subject):
    assessment = signed_off_assessment(worker, subject)
    page = client_as(worker).get(f"/people/{subject.pk}/plans/")
    assert page.status_code == 200
    assert f"/assessments/{assessment.pk}/plan/" in page.content.decode()
    response = client_as(worker).post(f"/assessments/{assessment.pk}/plan/", {"planner": "staff"})
    plan = SupportPlan.objects.get(person=subject)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"


def test_starting_with_an_organisation_says_to_refer_from_the_plan(client_as, worker, subject):
    assessment = signed_off_assessment(worker, subject)
    page = client_as(worker).post(f"/assessments/{assessment.pk}/plan/", {"planner": "organisation"})
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize(
    "role, status", [(Role.SOCIAL_WORKER, 200), (Role.PANEL_MEMBER, 200), (Role.FINANCE_OFFICER, 200),
                     (Role.COMMISSIONER, 403), (Role.PERFORMANCE_ANALYST, 403)]
)  # fmt: skip
def test_who_may_open_a_plan(client_as, plan, team, role, status):
    assert client_as(UserFactory(role=role, teams=[team])).get(f"/plans/{plan.pk}/").status_code == status


def test_opening_a_plan_is_audited(client_as, worker, plan):
    client_as(worker).get(f"/plans/{plan.pk}/")
    assert AuditEvent.objects.filter(action="view", person_id=plan.person_id, summary__contains="support plan").exists()


def test_a_restricted_persons_plan_is_closed_to_other_workers(client_as, plan, team):
    type(plan.person).objects.filter(pk=plan.person_id).update(is_restricted=True)
    other = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    assert client_as(other).get(f"/plans/{plan.pk}/").status_code == 403
    assert client_as(other).get(f"/plans/{plan.pk}/about/").status_code == 403


def test_a_panel_member_cannot_edit(client_as, plan):
    assert client_as(UserFactory(role=Role.PANEL_MEMBER)).get(f"/plans/{plan.pk}/about/").status_code == 403


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client_as, worker, plan):
    """The worker opened the form at version N; the family saved since. The worker's words stay on the page."""
    opened = fresh(plan).version
    services.support_plan_update(plan=plan, actor=worker, expected_version=opened, outcomes="The family's words")
    page = client_as(worker).post(
        f"/plans/{plan.pk}/about/", {"version": opened, "outcomes": "The worker's words", "what_matters": "Garden"}
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Someone else saved this plan" in body and "The worker&#x27;s words" in body
    assert fresh(plan).outcomes == "The family's words"


def test_bad_numbers_in_a_line_get_a_clear_error_not_a_500(client_as, worker, plan):
    data = {"version": fresh(plan).version, "description": "Evening call", "support_kind": "provider",
            "who_name": "Acme", "service_component": "Home Support", "unit_type": "Hourly", "units": "two",
            "per_week": "7", "unit_rate": "", "management": "council_managed"}  # fmt: skip
    page = client_as(worker).post(f"/plans/{plan.pk}/lines/new/", data)
    body = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in body and "the units each time as a number" in body
    assert 'href="#id_units"' in body


def test_autosave_returns_the_new_version_and_refuses_stale_saves(client_as, worker, plan):
    version = fresh(plan).version
    saved = client_as(worker).post(f"/plans/{plan.pk}/about/autosave/", {"version": version, "outcomes": "Typed"})
    assert saved.status_code == 200 and saved.json()["version"] == version + 1
    stale = client_as(worker).post(f"/plans/{plan.pk}/about/autosave/", {"version": version, "outcomes": "Old"})
    assert stale.status_code == 409 and "Someone else saved" in stale.json()["errors"]["__all__"][0]
    assert fresh(plan).outcomes == "Typed"


def test_the_submit_page_lists_what_is_missing(client_as, worker, subject):
    assessment = signed_off_assessment(worker, subject)
    plan = services.support_plan_start(assessment=assessment, actor=worker, planner="staff")
    page = client_as(worker).post(f"/plans/{plan.pk}/submit/", {"version": plan.version})
    body = page.content.decode()
    assert "The plan is not ready yet" in body and "Complete the contingency plan" in body
    assert fresh(plan).status == S.DRAFT


def test_submit_then_a_manager_returns_it_with_a_category(client_as, worker, plan, team):
    response = client_as(worker).post(f"/plans/{plan.pk}/submit/", {"version": fresh(plan).version})
    assert response.status_code == 302 and fresh(plan).status == S.WITH_MANAGER
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    page = client_as(manager).post(
        f"/plans/{plan.pk}/decide/", {"version": fresh(plan).version, "outcome": "return", "reasons": "Typo"}
    )
    assert page.status_code == 200 and "Choose why the plan is being returned" in page.content.decode()
    client_as(manager).post(
        f"/plans/{plan.pk}/decide/",
        {"version": fresh(plan).version, "outcome": "return", "return_category": "clerical", "reasons": "Typo"},
    )
    assert fresh(plan).status == S.RETURNED
    detail = client_as(worker).get(f"/plans/{plan.pk}/").content.decode()
    assert "Clerical" in detail and "Typo" in detail


def test_a_worker_cannot_reach_the_decision_page(client_as, worker, plan):
    assert client_as(worker).get(f"/plans/{plan.pk}/decide/").status_code == 403
