"""Complex and safeguarding work should be held by qualified social workers: who counts as qualified, and the
people whose allocated worker is not."""

import datetime

import pytest
from django.urls import reverse

from selfdirect.core.roles import Role
from selfdirect.workforce import selectors, services
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    "role, qualified",
    [
        (Role.SOCIAL_WORKER, True),
        (Role.TEAM_MANAGER, True),
        (Role.ASSESSOR, False),
        (Role.OCCUPATIONAL_THERAPIST, False),
        (Role.SUPPORT_PLANNER, False),
        (Role.SAFEGUARDING_LEAD, False),
    ],
)
def test_without_a_profile_the_role_decides(user_of_role, role, qualified):
    assert selectors.qualified_for_complex_work(user_of_role(role)) is qualified


def test_the_profile_decides_when_there_is_one(user_of_role, team_manager):
    """A social worker whose profile records no registration is not qualified; an assessor who has since
    qualified and registered with Social Work England is."""
    worker, assessor = user_of_role(Role.SOCIAL_WORKER), user_of_role(Role.ASSESSOR)
    services.staff_profile_save(
        user=worker,
        actor=team_manager,
        qualified_social_worker=False,
        registration_number="",
        registered_on=None,
        job_title="Social worker",
    )
    services.staff_profile_save(
        user=assessor,
        actor=team_manager,
        qualified_social_worker=True,
        registration_number="sw 123456",
        registered_on=datetime.date(2024, 9, 1),
        job_title="Newly qualified social worker",
    )
    assert selectors.qualified_for_complex_work(worker) is False
    assert selectors.qualified_for_complex_work(assessor) is True
    assert assessor.staff_profile.registration_number == "SW123456"


def test_inactive_or_missing_users_are_not_qualified(user_of_role):
    assert selectors.qualified_for_complex_work(None) is False
    assert selectors.qualified_for_complex_work(user_of_role(Role.SOCIAL_WORKER, is_active=False)) is False


@pytest.fixture
def council(user_of_role, team, social_worker, open_enquiry, complex_assessment):
    assessor = user_of_role(Role.ASSESSOR, teams=[team], first_name="Alex", last_name="Assessor")
    people = {
        "safeguarding_with_assessor": PersonFactory(allocated_team=team, allocated_worker=assessor),
        "complex_with_assessor": PersonFactory(allocated_team=team, allocated_worker=assessor),
        "cancelled_complex_with_assessor": PersonFactory(allocated_team=team, allocated_worker=assessor),
        "closed_enquiry_with_assessor": PersonFactory(allocated_team=team, allocated_worker=assessor),
        "plain_with_assessor": PersonFactory(allocated_team=team, allocated_worker=assessor),
        "safeguarding_with_social_worker": PersonFactory(allocated_team=team, allocated_worker=social_worker),
        "dead_safeguarding_with_assessor": PersonFactory(
            allocated_team=team, allocated_worker=assessor, date_of_death=datetime.date(2026, 1, 5)
        ),
    }
    open_enquiry(people["safeguarding_with_assessor"])
    complex_assessment(people["complex_with_assessor"])
    complex_assessment(people["cancelled_complex_with_assessor"], status="cancelled")
    open_enquiry(people["closed_enquiry_with_assessor"], closed=True)
    complex_assessment(people["plain_with_assessor"], is_complex=False)
    open_enquiry(people["safeguarding_with_social_worker"])
    open_enquiry(people["dead_safeguarding_with_assessor"])
    return people | {"assessor": assessor}


def test_allocation_concerns(council):
    """Only living people with an open enquiry or a live complex assessment, held by someone not qualified."""
    concerns = {c.person.pk: c for c in selectors.allocation_concerns()}
    assert set(concerns) == {council["safeguarding_with_assessor"].pk, council["complex_with_assessor"].pk}
    assert concerns[council["safeguarding_with_assessor"].pk].reasons == ["Open safeguarding enquiry"]
    assert concerns[council["complex_with_assessor"].pk].reasons == ["Assessment marked complex"]
    assert all(c.worker == council["assessor"] for c in concerns.values())


def test_allocation_concerns_follow_the_staff_profile(council, team_manager):
    """Once the assessor's profile records a Social Work England registration, nothing is flagged."""
    services.staff_profile_save(
        user=council["assessor"],
        actor=team_manager,
        qualified_social_worker=True,
        registration_number="SW99",
        registered_on=None,
        job_title="Social worker",
    )
    assert selectors.allocation_concerns() == []


def test_allocation_concerns_by_team(council):
    from tests.factories import TeamFactory

    assert selectors.allocation_concerns(team=TeamFactory()) == []
    assert len(selectors.allocation_concerns(team=council["safeguarding_with_assessor"].allocated_team)) == 2


def test_a_support_plan_marked_high_risk_counts(council):
    from selfdirect.planning.models import SupportPlan

    person = council["plain_with_assessor"]
    SupportPlan.objects.create(
        person=person,
        assessment=person.assessments.first(),
        high_risk=True,
        created_by=council["assessor"],
        status=SupportPlan.Status.APPROVED,
    )
    reasons = {c.person.pk: c.reasons for c in selectors.allocation_concerns()}
    assert reasons[person.pk] == ["Support plan marked complex or high-risk"]


def test_the_page_hides_the_safeguarding_reason_from_a_manager(council, team_manager, client_as):
    """A team manager sees that the person needs a qualified social worker, but not that there is a safeguarding
    enquiry (safeguarding records are open only to safeguarding staff and the allocated worker)."""
    html = client_as(team_manager).get(reverse("workforce_allocation_concerns")).content.decode()
    assert council["complex_with_assessor"].full_name in html
    assert "Assessment marked complex" in html
    assert "Open safeguarding enquiry" not in html
    assert "the reason is open only to safeguarding staff" in html


def test_the_selector_for_a_safeguarding_lead_names_the_reason(council, user_of_role):
    rows = selectors.allocation_concerns_for_user(user=user_of_role(Role.SAFEGUARDING_LEAD))
    reasons = {r["person"].pk: r["reasons"] for r in rows}
    assert reasons[council["safeguarding_with_assessor"].pk] == ["Open safeguarding enquiry"]


def test_restricted_records_are_not_named(council, team_manager):
    person = council["complex_with_assessor"]
    person.is_restricted = True
    person.save(update_fields=["is_restricted"])
    rows = {r["person"].pk: r for r in selectors.allocation_concerns_for_user(user=team_manager)}
    assert rows[person.pk]["visible"] is False


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.PERFORMANCE_ANALYST, Role.ADMINISTRATOR])
def test_only_those_who_allocate_see_the_page(role, user_of_role, client_as):
    assert client_as(user_of_role(role)).get(reverse("workforce_allocation_concerns")).status_code == 403
