"""The permission matrix and the staff_required decorator.

EXPECTED is the policy written out independently of permissions.MATRIX, so a change to the matrix has to
be made deliberately in both places.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from selfdirect.core.permissions import MATRIX, Action, can, require, staff_required
from selfdirect.core.roles import Role
from tests.factories import UserFactory

A = Action
PRACTICE = {
    A.PERSON_VIEW,
    A.PERSON_CREATE,
    A.PERSON_EDIT,
    A.NOTE_ADD,
    A.CASELOAD_OWN,
    A.REQUEST_RECORD,
    A.ASSESSMENT_WORK,
    A.PLAN_WRITE,
    A.MARKET_VIEW,
    A.ARRANGE,
    A.SAFEGUARDING_RAISE,
    A.REVIEW_WORK,
    A.SHORT_TERM_WORK,
    A.OTHER_FUNDING,
}
# Qualified practitioners decide eligibility and lead safeguarding enquiries.
QUALIFIED = PRACTICE | {A.ASSESSMENT_SIGN_OFF, A.SAFEGUARDING_ENQUIRE}

EXPECTED: dict[str, set[str]] = {
    Role.SOCIAL_WORKER: QUALIFIED,
    Role.ASSESSOR: PRACTICE,
    Role.OCCUPATIONAL_THERAPIST: QUALIFIED,
    # Brokers write plans and put them in place, and record PAs' checks; they do not assess.
    Role.SUPPORT_PLANNER: {
        A.PERSON_VIEW,
        A.NOTE_ADD,
        A.CASELOAD_OWN,
        A.PLAN_WRITE,
        A.MARKET_VIEW,
        A.PA_CHECKS,
        A.ARRANGE,
        A.SAFEGUARDING_RAISE,
    },
    Role.TEAM_MANAGER: QUALIFIED
    | {
        A.CASELOAD_TEAMS,
        A.ALLOCATE,
        A.AUDIT_PERSON,
        A.AUDIT_ALL,
        A.ASSESSMENT_ALLOCATE,
        A.FINANCE_ASSESS,
        A.PLAN_APPROVE,
        A.PANEL_DECIDE,
        A.PANEL_MANAGE,
        A.PLAN_REPORTS,
        A.PA_CHECKS,
        A.REVIEW_OVERDUE,
        A.CLD_RETURN,
        A.DASHBOARD_VIEW,
        A.WORKFORCE_MANAGE,
    },
    Role.PANEL_MEMBER: {A.PERSON_VIEW, A.PANEL_DECIDE, A.PANEL_MANAGE, A.MARKET_VIEW, A.SAFEGUARDING_RAISE},
    Role.FINANCE_OFFICER: {
        A.PERSON_VIEW,
        A.NOTE_ADD,
        A.FINANCE_ASSESS,
        A.FINANCE_FIGURES,
        A.MARKET_VIEW,
        A.SAFEGUARDING_RAISE,
        A.PAYMENTS_MANAGE,
        A.OTHER_FUNDING,
    },
    Role.SAFEGUARDING_LEAD: PRACTICE
    | {A.AUDIT_PERSON, A.SAFEGUARDING_TRIAGE, A.SAFEGUARDING_ENQUIRE, A.REVIEW_OVERDUE},
    # Commissioners keep the market up to date; they see no individual records.
    # They see aggregates (dashboards) and keep the public directory.
    Role.COMMISSIONER: {A.MARKET_VIEW, A.MARKET_MANAGE, A.PA_CHECKS, A.DASHBOARD_VIEW, A.DIRECTORY_MANAGE},
    Role.PERFORMANCE_ANALYST: {
        A.CASELOAD_TEAMS,
        A.PLAN_REPORTS,
        A.REVIEW_OVERDUE,
        A.CLD_RETURN,
        A.DASHBOARD_VIEW,
        A.WORKFORCE_MANAGE,
    },
    Role.ADMINISTRATOR: {
        A.STAFF_MANAGE,
        A.AUDIT_ALL,
        A.FINANCE_FIGURES,
        A.SETTINGS_MANAGE,
        A.WORKFORCE_MANAGE,
        A.DIRECTORY_MANAGE,
        A.API_TOKENS,
    },
    Role.DATA_PROTECTION_OFFICER: {A.AUDIT_ALL, A.SUBJECT_ACCESS, A.RETENTION_REVIEW},
}

ROLE_ACTION_PAIRS = [(role, action) for role in Role.values for action in Action.values]


def test_every_role_has_a_row_in_the_matrix():
    """No role is left out of the matrix (a role missing from it would silently be able to do nothing)."""
    assert set(MATRIX) == set(Role.values)
    assert set(EXPECTED) == set(Role.values)


def test_matrix_only_names_real_actions():
    """Every action in the matrix is a member of Action (a typo would grant nothing)."""
    for actions in MATRIX.values():
        assert set(actions) <= set(Action.values)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "action"), ROLE_ACTION_PAIRS)
def test_can_follows_the_policy_for_every_role_and_action(role, action):
    """An active user with a role can do exactly what the policy grants that role, and nothing else."""
    user = UserFactory(role=role)
    assert can(user, action) is (action in EXPECTED[role])


@pytest.mark.django_db
@pytest.mark.parametrize("action", Action.values)
def test_user_without_a_role_can_do_nothing(action):
    """A signed-in account with no role (a portal user) has no staff permission."""
    assert can(UserFactory(role=""), action) is False


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_inactive_user_can_do_nothing(role):
    """A deactivated account keeps its role but loses every permission."""
    user = UserFactory(role=role, is_active=False)
    assert not any(can(user, action) for action in Action.values)


@pytest.mark.parametrize("action", Action.values)
def test_anonymous_can_do_nothing(action):
    """Someone not signed in can do nothing."""
    assert can(AnonymousUser(), action) is False


@pytest.mark.django_db
def test_unknown_role_value_can_do_nothing():
    """A role string that is not in the matrix (e.g. left over from an old release) grants nothing."""
    assert not any(can(UserFactory(role="retired_role"), action) for action in Action.values)


@pytest.mark.django_db
def test_require_raises_with_the_action_in_the_message():
    """require() raises PermissionDenied naming what the role may not do, and passes silently otherwise."""
    planner = UserFactory(role=Role.SUPPORT_PLANNER)
    require(planner, Action.NOTE_ADD)
    with pytest.raises(PermissionDenied, match="allocate or reallocate a person"):
        require(planner, Action.ALLOCATE)


# staff_required, exercised with RequestFactory


def _view(request, pk=None):
    return HttpResponse(f"ok {pk}")


@pytest.fixture
def login_url(settings):
    """A fixed sign-in address, so these tests do not depend on the URL configuration."""
    settings.LOGIN_URL = "/sign-in/"
    return settings.LOGIN_URL


def test_staff_required_redirects_anonymous_to_sign_in(rf, login_url):
    """Anonymous visitors are redirected to the sign-in page with ?next= set to where they were going."""
    request = rf.get("/people/7/?tab=notes")
    request.user = AnonymousUser()
    response = staff_required(Action.PERSON_VIEW)(_view)(request, pk=7)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/people/7/%3Ftab%3Dnotes"


@pytest.mark.django_db
def test_staff_required_refuses_a_role_without_the_action(rf):
    """A member of staff whose role lacks the action gets PermissionDenied (403), and the view never runs."""
    request = rf.get("/allocate/")
    request.user = UserFactory(role=Role.SOCIAL_WORKER)
    called = []
    view = staff_required(Action.ALLOCATE)(lambda request: called.append(1))
    with pytest.raises(PermissionDenied):
        view(request)
    assert called == []


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"role": ""}, {"role": Role.TEAM_MANAGER, "is_active": False}])
def test_staff_required_refuses_non_staff_even_without_an_action(rf, fields):
    """Accounts with no role, or deactivated ones, cannot reach any staff page."""
    request = rf.get("/")
    request.user = UserFactory(**fields)
    with pytest.raises(PermissionDenied):
        staff_required()(_view)(request)


@pytest.mark.django_db
def test_staff_required_lets_an_allowed_role_through(rf):
    """A role that may do the action reaches the view, with its arguments passed on."""
    request = rf.get("/people/3/")
    request.user = UserFactory(role=Role.TEAM_MANAGER)
    response = staff_required(Action.ALLOCATE)(_view)(request, pk=3)
    assert response.status_code == 200
    assert response.content == b"ok 3"


@pytest.mark.django_db
def test_staff_required_without_action_admits_any_staff_role(rf):
    """With no action named, any active member of staff reaches the view (e.g. the home page)."""
    request = rf.get("/")
    request.user = UserFactory(role=Role.COMMISSIONER)
    assert staff_required()(_view)(request).status_code == 200


def test_staff_required_keeps_the_view_name_and_records_the_action():
    """The wrapper keeps the view's name (for URL debugging) and exposes required_action (for the roles doc)."""
    wrapped = staff_required(Action.AUDIT_ALL)(_view)
    assert wrapped.__name__ == "_view"
    assert wrapped.required_action == Action.AUDIT_ALL
    assert staff_required()(_view).required_action is None
