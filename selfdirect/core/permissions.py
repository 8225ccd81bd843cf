"""The permission matrix: which role may do which action. One table, in code, mirrored in
docs/roles.md (a test checks the two agree). Relationship rules (restricted records, a manager's own
teams) sit with the selectors that fetch the records, so an id typed into a URL reveals nothing.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models

from .roles import Role
from .second_factor import redirect_to_second_factor, second_factor_missing


class Action(models.TextChoices):
    PERSON_VIEW = "person.view", "Search for and view person records"
    PERSON_CREATE = "person.create", "Create a person record"
    PERSON_EDIT = "person.edit", "Change a person's details and contacts"
    NOTE_ADD = "note.add", "Add a case note"
    CASELOAD_OWN = "caseload.own", "See their own caseload"
    CASELOAD_TEAMS = "caseload.teams", "See every team's caseload"
    ALLOCATE = "person.allocate", "Allocate or reallocate a person"
    AUDIT_PERSON = "audit.person", "See who viewed or changed a person's record"
    AUDIT_ALL = "audit.all", "See the whole audit log"
    STAFF_MANAGE = "staff.manage", "Manage staff accounts, roles and teams"
    REQUEST_RECORD = "request.record", "Record and conclude requests for support"
    ASSESSMENT_WORK = "assessment.work", "Carry out and verify assessments"
    ASSESSMENT_SIGN_OFF = "assessment.sign_off", "Sign off eligibility decisions (qualified practitioners)"
    ASSESSMENT_ALLOCATE = "assessment.allocate", "Allocate assessments to workers"
    FINANCE_ASSESS = "finance.assess", "Carry out financial assessments"
    FINANCE_FIGURES = "finance.figures", "Confirm charging figures"
    PLAN_WRITE = "plan.write", "Write support plans and submit them for approval"
    PLAN_APPROVE = "plan.approve", "Approve or return support plans within the manager's limit"
    PANEL_DECIDE = "panel.decide", "Decide support plans at the funding panel"
    PANEL_MANAGE = "panel.manage", "Schedule funding panel meetings and their agendas"
    PLAN_REPORTS = "plan.reports", "See where the time went on plans, by team and month"
    MARKET_VIEW = "market.view", "See providers, rates and the personal assistant register"
    MARKET_MANAGE = "market.manage", "Keep providers, rates and support-planning organisations up to date"
    PA_CHECKS = "pa.checks", "Record personal assistants and their checks"
    ARRANGE = "arrangement.make", "Put plan lines in place with providers and personal assistants"
    SETTINGS_MANAGE = "settings.manage", "Change the council's settings"
    SAFEGUARDING_RAISE = "safeguarding.raise", "Raise a safeguarding concern about a person"
    SAFEGUARDING_TRIAGE = "safeguarding.triage", "Triage safeguarding concerns and review break-glass openings"
    SAFEGUARDING_ENQUIRE = "safeguarding.enquire", "Lead safeguarding enquiries"
    REVIEW_WORK = "review.work", "Carry out reviews and record failed arrangements"
    REVIEW_OVERDUE = "review.overdue", "See reviews due and overdue by team and worker"
    PAYMENTS_MANAGE = "payments.manage", "Set up direct payments, run payments, import statements and invoices"
    CLD_RETURN = "reporting.cld", "Produce, validate and download the Client Level Data return"
    DASHBOARD_VIEW = "reporting.dashboard", "See outcome measures and management dashboards"
    WORKFORCE_MANAGE = "workforce.manage", "Keep staff skills and training, run readiness surveys, form peer groups"
    SHORT_TERM_WORK = "short_term.work", "Run reablement and other short-term support, and their follow-ups"
    OTHER_FUNDING = "funding.other", "Record other public money and joint funding for a person's support"
    DIRECTORY_MANAGE = "directory.manage", "Keep the public directory and information pages up to date"
    API_TOKENS = "api.tokens", "Issue and revoke integration API tokens"
    SUBJECT_ACCESS = "dpo.subject_access", "Produce everything held on a person (subject access)"
    RETENTION_REVIEW = "dpo.retention", "Review records past their retention period before erasure"


_PRACTICE = {
    Action.PERSON_VIEW,
    Action.PERSON_CREATE,
    Action.PERSON_EDIT,
    Action.NOTE_ADD,
    Action.CASELOAD_OWN,
    Action.REQUEST_RECORD,
    Action.ASSESSMENT_WORK,
    Action.PLAN_WRITE,
    Action.MARKET_VIEW,
    Action.ARRANGE,
    Action.SAFEGUARDING_RAISE,
    Action.REVIEW_WORK,
    Action.SHORT_TERM_WORK,
    Action.OTHER_FUNDING,
}
# Qualified practitioners decide eligibility; assessors prepare assessments for them.
_QUALIFIED = _PRACTICE | {Action.ASSESSMENT_SIGN_OFF, Action.SAFEGUARDING_ENQUIRE}

MATRIX: dict[str, frozenset[str]] = {
    Role.SOCIAL_WORKER: frozenset(_QUALIFIED),
    Role.ASSESSOR: frozenset(_PRACTICE),
    Role.OCCUPATIONAL_THERAPIST: frozenset(_QUALIFIED),
    Role.SUPPORT_PLANNER: frozenset(
        {
            Action.PERSON_VIEW,
            Action.NOTE_ADD,
            Action.CASELOAD_OWN,
            Action.PLAN_WRITE,
            Action.MARKET_VIEW,
            Action.PA_CHECKS,
            Action.ARRANGE,
            Action.SAFEGUARDING_RAISE,
        }
    ),
    Role.TEAM_MANAGER: frozenset(
        _QUALIFIED
        | {
            Action.CASELOAD_TEAMS,
            Action.ALLOCATE,
            Action.AUDIT_PERSON,
            Action.AUDIT_ALL,
            Action.ASSESSMENT_ALLOCATE,
            Action.FINANCE_ASSESS,
            Action.PLAN_APPROVE,
            Action.PANEL_DECIDE,
            Action.PANEL_MANAGE,
            Action.PLAN_REPORTS,
            Action.PA_CHECKS,
            Action.REVIEW_OVERDUE,
            Action.CLD_RETURN,
            Action.DASHBOARD_VIEW,
            Action.WORKFORCE_MANAGE,
        }
    ),
    Role.PANEL_MEMBER: frozenset(
        {Action.PERSON_VIEW, Action.PANEL_DECIDE, Action.PANEL_MANAGE, Action.MARKET_VIEW, Action.SAFEGUARDING_RAISE}
    ),
    Role.FINANCE_OFFICER: frozenset(
        {
            Action.PERSON_VIEW,
            Action.NOTE_ADD,
            Action.FINANCE_ASSESS,
            Action.FINANCE_FIGURES,
            Action.MARKET_VIEW,
            Action.SAFEGUARDING_RAISE,
            Action.PAYMENTS_MANAGE,
            Action.OTHER_FUNDING,
        }
    ),
    Role.SAFEGUARDING_LEAD: frozenset(
        _PRACTICE
        | {Action.AUDIT_PERSON, Action.SAFEGUARDING_TRIAGE, Action.SAFEGUARDING_ENQUIRE, Action.REVIEW_OVERDUE}
    ),
    # Commissioners and analysts work with providers and aggregates, not individual records.
    Role.COMMISSIONER: frozenset(
        {Action.MARKET_VIEW, Action.MARKET_MANAGE, Action.PA_CHECKS, Action.DASHBOARD_VIEW, Action.DIRECTORY_MANAGE}
    ),
    Role.PERFORMANCE_ANALYST: frozenset(
        {
            Action.CASELOAD_TEAMS,
            Action.PLAN_REPORTS,
            Action.REVIEW_OVERDUE,
            Action.CLD_RETURN,
            Action.DASHBOARD_VIEW,
            Action.WORKFORCE_MANAGE,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            Action.STAFF_MANAGE,
            Action.AUDIT_ALL,
            Action.FINANCE_FIGURES,
            Action.SETTINGS_MANAGE,
            Action.WORKFORCE_MANAGE,
            Action.DIRECTORY_MANAGE,
            Action.API_TOKENS,
        }
    ),
    # The data protection officer answers subject access requests and decides what is erased when.
    Role.DATA_PROTECTION_OFFICER: frozenset({Action.AUDIT_ALL, Action.SUBJECT_ACCESS, Action.RETENTION_REVIEW}),
}


def can(user, action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return False
    return action in MATRIX.get(user.role, frozenset())


def require(user, action: str) -> None:
    if not can(user, action):
        raise PermissionDenied(f"Your role does not allow this: {Action(action).label.lower()}.")


def staff_required(action: str | None = None):
    """View decorator: signed-in staff who have confirmed their second factor this session, and (if given) a role
    allowed to do `action`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.is_staff_member:
                raise PermissionDenied("This page is for council staff.")
            # Before the role check: until the code is confirmed, the session learns nothing about any page.
            if second_factor_missing(request):
                return redirect_to_second_factor(request)
            if action is not None:
                require(request.user, action)
            return view(request, *args, **kwargs)

        wrapped.required_action = action
        wrapped.access = f"staff:{action}" if action else "staff"
        return wrapped

    return decorator


def matrix_markdown() -> str:
    """The matrix as a markdown table: docs/roles.md carries exactly this (a test checks)."""
    roles = list(Role)
    header = "| action | " + " | ".join(r.label for r in roles) + " |"
    rows = [header, "|" + " --- |" * (len(roles) + 1)]
    for action in Action:
        marks = ["yes" if action in MATRIX.get(r, ()) else "–" for r in roles]
        rows.append(f"| {action.label} | " + " | ".join(marks) + " |")
    return "\n".join(rows) + "\n"
