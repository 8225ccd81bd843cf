"""Records: people (search, read), their assessments, support plans, personal budgets, arrangements and reviews,
and adding a case note. Every call goes through the selectors the pages use, so the same rules apply (the role,
restricted records), and every read of a person's record is audited as a page view is."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from selfdirect.assessments.models import Assessment
from selfdirect.assessments.selectors import assessment_get_for_user
from selfdirect.core.audit import audit_person_view, audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action
from selfdirect.market.models import Arrangement
from selfdirect.market.selectors import arrangement_get_for_user
from selfdirect.money.budget_selectors import personal_budget_get_for_user, personal_budget_history
from selfdirect.people import selectors as people_selectors
from selfdirect.people import services as people_services
from selfdirect.planning.selectors import plan_get_for_user, plans_for_person
from selfdirect.reviews.selectors import person_reviews, review_get_for_user

from . import schemas as s
from .access import MAX_ID, audit_what, operation, person_for
from .errors import ApiError

router = Router(tags=["records"])
PAGE_SIZE = 25

PersonId = Path(..., ge=1, le=MAX_ID, description="The person's id (from search)")


def _id(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _pounds(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _ref(obj, name: str | None = None) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": name or str(obj)}


# --- people -------------------------------------------------------------------------------------------------------


def _summary(person, user) -> dict:
    hidden = person.is_restricted and not people_selectors.can_see_restricted(user=user, person=person)
    return {
        "id": person.pk,
        "council_id": person.council_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "is_restricted": person.is_restricted,
        "details_hidden": hidden,
        "date_of_birth": None if hidden else person.date_of_birth,
        "nhs_number": None if hidden else (person.nhs_number or None),
        "postcode": None if hidden else person.postcode,
        "allocated_team": None if hidden else _ref(person.allocated_team),
    }


@operation(
    router,
    "GET",
    "/people",
    action=Action.PERSON_VIEW,
    response={200: s.PersonSearchPage},
    summary="Search for people",
    description="The staff search box's rules: an NHS number, a date of birth (DD/MM/YYYY), a postcode or its "
    "first half, a council ID (P123) or a name. 25 a page, by last name.",
    operation_id="people_search",
)
def people_search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=100, pattern=r"^[^\x00]*$", description="What to search for"),
    page: int = Query(1, ge=1, le=10000, description="Which page of results"),
):
    kind, people = people_selectors.person_search(user=request.user, query=q)
    if kind == "invalid_date":
        raise ApiError([("q", "That date does not exist: check the day and month, for example 27/03/1947")])
    paginator = Paginator(people, PAGE_SIZE)
    results = list(people[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH,
        object_type="people.person",
        summary=audit_what(request, f"Searched by {kind.replace('_', ' ')}"),
        request=request,
    )
    return {
        "count": paginator.count,
        "page": page,
        "page_size": PAGE_SIZE,
        "results": [_summary(p, request.user) for p in results],
    }


@operation(
    router,
    "GET",
    "/people/{person_id}",
    action=Action.PERSON_VIEW,
    response={200: s.PersonDetail},
    summary="Read a person's record",
    description="403 if the record is restricted and the token may not open it (as the person page).",
    operation_id="person_read",
)
def person_read(request: HttpRequest, person_id: int = PersonId):
    person = person_for(request, person_id, what="Read the person's record")
    return {
        **{
            name: getattr(person, name)
            for name in (
                "id",
                "council_id",
                "first_name",
                "last_name",
                "preferred_name",
                "date_of_birth",
                "date_of_death",
                "gender",
                "primary_support_reason",
                "postcode",
                "preferred_contact_method",
                "communication_needs",
                "is_restricted",
                "version",
                "updated_at",
            )
        },
        "nhs_number": person.nhs_number or None,
        "allocated_team": _ref(person.allocated_team),
        "allocated_worker": _ref(person.allocated_worker),
    }


@operation(
    router,
    "POST",
    "/people/{person_id}/notes",
    action=Action.NOTE_ADD,
    response={201: s.NoteCreated},
    summary="Add a case note",
    description="Adds a note to the person's timeline, written by the token's user (or integration account).",
    operation_id="note_add",
)
def note_add(request: HttpRequest, payload: s.NoteIn, person_id: int = PersonId):
    if payload.occurred_on > timezone.localdate():
        raise ApiError([("occurred_on", "Must be today or in the past")])
    person = people_selectors.person_get_for_user(user=request.user, pk=person_id)
    note = people_services.note_add(
        person=person,
        actor=request.user,
        request=request,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        subject=payload.subject,
        text=payload.text,
    )
    return Status(
        201,
        {
            "id": note.pk,
            "person_id": person.pk,
            "kind": note.kind,
            "occurred_on": note.occurred_on,
            "subject": note.subject,
        },
    )


# --- assessments --------------------------------------------------------------------------------------------------


def _assessment_summary(a: Assessment) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "status": a.status,
        "assessment_type": a.assessment_type,
        "started_on": a.started_on,
        "signed_off_at": a.signed_off_at,
        "eligible": a.decision_eligible if a.status == Assessment.Status.SIGNED_OFF else None,
    }


@operation(
    router,
    "GET",
    "/people/{person_id}/assessments",
    action=Action.PERSON_VIEW,
    response={200: list[s.AssessmentSummary]},
    summary="List a person's assessments",
    description="Newest first, as on the person page.",
    operation_id="person_assessments",
)
def person_assessments(request: HttpRequest, person_id: int = PersonId):
    person = person_for(request, person_id, what="Listed the person's assessments")
    return [_assessment_summary(a) for a in person.assessments.order_by("-started_on", "-id")]


@operation(
    router,
    "GET",
    "/assessments/{assessment_id}",
    action=Action.ASSESSMENT_WORK,
    response={200: s.AssessmentDetail},
    summary="Read an assessment",
    description="The outcome codes and the eligibility decision (not the person's answers in their own words).",
    operation_id="assessment_read",
)
def assessment_read(request: HttpRequest, assessment_id: int = _id("The assessment's id")):
    a = assessment_get_for_user(user=request.user, pk=assessment_id)
    if a.person is not None:
        audit_person_view(
            actor=request.user, person=a.person, what=audit_what(request, f"Read assessment {a.pk}"), request=request
        )
    return {
        **_assessment_summary(a),
        "person_id": a.person_id,
        "cared_for_person_id": a.cared_for_id,
        "method": a.method,
        "primary_support_reason": a.primary_support_reason,
        "outcomes_unable": list(a.computed_unable or []),
        "computed_eligible": a.computed_eligible,
        "decision": a.decision,
        "event_outcome": a.event_outcome,
        "allocated_worker": _ref(a.allocated_worker),
    }


# --- plans --------------------------------------------------------------------------------------------------------


def _plan_summary(plan) -> dict:
    return {
        "id": plan.pk,
        "status": plan.status,
        "planner": plan.planner,
        "start_date": plan.start_date,
        "weekly_total": _pounds(plan.weekly_total),
        "version": plan.version,
        "decided_at": plan.decided_at,
    }


@operation(
    router,
    "GET",
    "/people/{person_id}/plans",
    action=Action.PERSON_VIEW,
    response={200: list[s.PlanSummary]},
    summary="List a person's support plans",
    description="Newest first, every version (superseded and cancelled ones too).",
    operation_id="person_plans",
)
def person_plans(request: HttpRequest, person_id: int = PersonId):
    person = person_for(request, person_id, what="Listed the person's support plans")
    return [_plan_summary(p) for p in plans_for_person(person=person)]


@operation(
    router,
    "GET",
    "/plans/{plan_id}",
    action=Action.PERSON_VIEW,
    response={200: s.PlanDetail},
    summary="Read a support plan",
    description="The plan's totals and each line of support with its cost.",
    operation_id="plan_read",
)
def plan_read(request: HttpRequest, plan_id: int = _id("The plan's id")):
    plan = plan_get_for_user(user=request.user, pk=plan_id)
    audit_person_view(
        actor=request.user,
        person=plan.person,
        what=audit_what(request, f"Read support plan {plan.pk}"),
        request=request,
    )
    lines = [
        {
            "id": line.pk,
            "description": line.description,
            "support_kind": line.support_kind,
            "service_component": line.service_component,
            "unit_type": line.unit_type,
            "units": str(line.units),
            "per_week": str(line.per_week),
            "unit_rate": _pounds(line.unit_rate),
            "weekly_cost": _pounds(line.weekly_cost),
            "one_off_cost": _pounds(line.one_off_cost),
            "management": line.management,
        }
        for line in plan.lines.order_by("order", "id")
    ]
    return {
        **_plan_summary(plan),
        "person_id": plan.person_id,
        "assessment_id": plan.assessment_id,
        "weekly_direct_payment": _pounds(plan.weekly_direct_payment),
        "weekly_council_managed": _pounds(plan.weekly_council_managed),
        "weekly_individual_service_fund": _pounds(plan.weekly_individual_service_fund),
        "high_risk": plan.high_risk,
        "lines": lines,
    }


# --- personal budgets ---------------------------------------------------------------------------------------------

_BUDGET_MONEY = (
    "weekly_total_cost",
    "weekly_person_contribution",
    "weekly_council_amount",
    "weekly_direct_payment",
    "weekly_council_managed",
    "weekly_individual_service_fund",
)


def _budget(budget) -> dict:
    return {
        "id": budget.pk,
        "person_id": budget.person_id,
        "version": budget.version,
        "is_current": budget.is_current,
        "effective_from": budget.effective_from,
        "reason": budget.reason,
        **{name: _pounds(getattr(budget, name)) for name in _BUDGET_MONEY},
    }


@operation(
    router,
    "GET",
    "/people/{person_id}/budgets",
    action=Action.PERSON_VIEW,
    response={200: list[s.BudgetOut]},
    summary="List a person's personal budgets",
    description="Every version, newest first; `is_current` marks the one in force.",
    operation_id="person_budgets",
)
def person_budgets(request: HttpRequest, person_id: int = PersonId):
    person = person_for(request, person_id, what="Listed the person's personal budgets")
    return [_budget(b) for b in personal_budget_history(person=person)]


@operation(
    router,
    "GET",
    "/budgets/{budget_id}",
    action=Action.PERSON_VIEW,
    response={200: s.BudgetOut},
    summary="Read a personal budget",
    operation_id="budget_read",
)
def budget_read(request: HttpRequest, budget_id: int = _id("The budget version's id")):
    budget = personal_budget_get_for_user(user=request.user, pk=budget_id)
    what = audit_what(request, f"Read personal budget {budget.pk}")
    audit_person_view(actor=request.user, person=budget.person, what=what, request=request)
    return _budget(budget)


# --- arrangements -------------------------------------------------------------------------------------------------


def _arrangement(a: Arrangement) -> dict:
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "plan_id": a.plan_line.plan_id,
        "plan_line_id": a.plan_line_id,
        "status": a.status,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "service_type": a.service_type,
        "service_component": a.service_component,
        "delivery_mechanism": a.delivery_mechanism,
        "provider": _ref(a.provider),
        "personal_assistant_id": a.pa_id,
        "unit_cost": _pounds(a.unit_cost),
        "cost_frequency": a.cost_frequency,
        "planned_units_per_week": str(a.planned_units_per_week),
        "weekly_cost": _pounds(a.weekly_cost),
    }


@operation(
    router,
    "GET",
    "/people/{person_id}/arrangements",
    action=Action.PERSON_VIEW,
    response={200: list[s.ArrangementOut]},
    summary="List a person's arrangements",
    description="The services put in place for the plan's lines (CLD service events), newest first.",
    operation_id="person_arrangements",
)
def person_arrangements(request: HttpRequest, person_id: int = PersonId):
    person = person_for(request, person_id, what="Listed the person's arrangements")
    arrangements = Arrangement.objects.filter(person=person).select_related("plan_line", "provider")
    return [_arrangement(a) for a in arrangements.order_by("-start_date", "-id")]


@operation(
    router,
    "GET",
    "/arrangements/{arrangement_id}",
    action=Action.PERSON_VIEW,
    response={200: s.ArrangementOut},
    summary="Read an arrangement",
    operation_id="arrangement_read",
)
def arrangement_read(request: HttpRequest, arrangement_id: int = _id("The arrangement's id")):
    arrangement = arrangement_get_for_user(user=request.user, pk=arrangement_id)
    what = audit_what(request, f"Read arrangement {arrangement.pk}")
    audit_person_view(actor=request.user, person=arrangement.person, what=what, request=request)
    return _arrangement(arrangement)


# --- reviews ------------------------------------------------------------------------------------------------------


def _review_summary(r) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "reason": r.reason,
        "status": r.status,
        "due_on": r.due_on,
        "completed_on": r.completed_on,
    }


@operation(
    router,
    "GET",
    "/people/{person_id}/reviews",
    action=Action.PERSON_VIEW,
    response={200: list[s.ReviewSummary]},
    summary="List a person's reviews",
    description="Due, done and cancelled, by due date.",
    operation_id="person_reviews",
)
def person_review_list(request: HttpRequest, person_id: int = PersonId):
    person = person_for(request, person_id, what="Listed the person's reviews")
    return [_review_summary(r) for r in person_reviews(person=person).order_by("due_on", "id")]


@operation(
    router,
    "GET",
    "/reviews/{review_id}",
    action=Action.REVIEW_WORK,
    response={200: s.ReviewDetail},
    summary="Read a review",
    description="When it is due and, once done, what was recorded (codes, not the conversation).",
    operation_id="review_read",
)
def review_read(request: HttpRequest, review_id: int = _id("The review's id")):
    review = review_get_for_user(user=request.user, pk=review_id)
    what = audit_what(request, f"Read review {review.pk}")
    audit_person_view(actor=request.user, person=review.person, what=what, request=request)
    return {
        **_review_summary(review),
        "person_id": review.person_id,
        "plan_id": review.plan_id,
        "method": review.method,
        "outcomes_achieved": review.outcomes_achieved,
        "event_outcome": review.event_outcome,
        "new_weekly_total": _pounds(review.new_weekly_total),
        "assigned_to": _ref(review.assigned_to),
    }
