"""Support planning in the portal: the person or their family writes the plan, sends it to their worker, reads it
at every stage, and downloads it as a PDF.

Every view fetches the plan with `plan_get_for_portal_user`, so a plan for someone this account did not ask for
support for is simply not found (404). The pages themselves are the shared ones in plan_pages (PORTAL surface).
The family can change the plan only while they are the ones writing it (planner "person") and it is being
written or was returned; otherwise they read it, and the editing addresses take them back to it with a message.
They cannot submit it for approval: they send it to their worker, who does.
"""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from selfdirect.assessments.models import Assessment
from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.portal import selectors as portal_selectors
from selfdirect.portal.views import portal_json_required, portal_user_required

from . import plan_pages, selectors, services
from .models import Party, SupportPlan
from .pdf import plan_pdf_bytes, plan_pdf_filename
from .plan_pages import PORTAL


def _plan(request, pk) -> SupportPlan:
    return selectors.plan_get_for_portal_user(user=request.user, pk=pk)


def family_can_edit(plan: SupportPlan) -> bool:
    return plan.planner == SupportPlan.Planner.PERSON and plan.is_editable


def read_only_reason(plan: SupportPlan) -> str:
    """Why the family cannot change this plan here, in words they can act on ("" when they can)."""
    if family_can_edit(plan):
        return ""
    if not plan.is_editable:
        if plan.status in (SupportPlan.Status.WITH_MANAGER, SupportPlan.Status.AT_PANEL):
            return "The plan has been sent for approval, so it cannot be changed now. You can read it here."
        return f"This plan is {plan.get_status_display().lower()}, so it cannot be changed now."
    if plan.planner == SupportPlan.Planner.ORGANISATION:
        who = plan.planning_organisation.name if plan.planning_organisation else "A support-planning organisation"
        return f"{who} is writing this plan with you. You can read it here: to change something, contact them."
    return "Your council worker is writing this plan with you. You can read it here: to change something, contact them."


def _editing(view):
    """Editing pages: the plan is fetched for this account, then changed only if the family is writing it."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        plan = _plan(request, pk)
        if not family_can_edit(plan):
            messages.info(request, read_only_reason(plan))
            return redirect("portal_plan_detail", pk=plan.pk)
        return view(request, plan, *args, **kwargs)

    return wrapped


# --- Starting a plan ------------------------------------------------------------------------------------------


@portal_user_required
def plan_start(request, assessment_pk):
    """Start a plan from a signed-off eligible assessment on one of this account's requests: the family writes it."""
    assessment = portal_selectors.assessment_get_for_portal_user(user=request.user, pk=assessment_pk)
    open_plan = None
    if assessment.person_id is not None:
        open_plan = (
            SupportPlan.objects.filter(person_id=assessment.person_id, status__in=services.OPEN_STATUSES)
            .order_by("-created_at")
            .first()
        )
    if open_plan is not None:
        messages.info(request, "There is already a support plan in progress: here it is")
        return redirect("portal_plan_detail", pk=open_plan.pk)
    ready = (
        assessment.person_id is not None
        and assessment.status == Assessment.Status.SIGNED_OFF
        and bool(assessment.decision_eligible)
    )
    if not ready:
        messages.info(request, "A support plan can be started once the assessment has found eligible needs")
        return redirect("portal_assessment", pk=assessment.pk)
    error = ""
    if request.method == "POST":
        try:
            plan = services.support_plan_start(
                assessment=assessment, actor=request.user, planner=SupportPlan.Planner.PERSON, request=request
            )
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, "Your support plan has been started")
            return redirect("portal_plan_detail", pk=plan.pk)
    context = {"assessment": assessment, "support_request": assessment.request, "error": error}
    return render(request, "planning/portal_plan_start.html", context)


# --- The plan -------------------------------------------------------------------------------------------------


@portal_user_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    return plan_pages.plan_detail(
        request,
        PORTAL,
        plan,
        pdf_url=reverse("portal_plan_pdf", args=[plan.pk]),
        read_only=not family_can_edit(plan),
        read_only_reason=read_only_reason(plan),
        clock=selectors.plan_clock_lines(plan=plan),
    )


@portal_user_required
@_editing
def plan_about(request, plan):
    return plan_pages.plan_about(request, PORTAL, plan)


@require_POST
@portal_json_required
def plan_about_autosave(request, pk):
    """JSON in every case: a plan that is not this account's is 404, one they cannot change now is 409."""
    try:
        plan = _plan(request, pk)
    except Http404:
        return JsonResponse({"saved": False, "errors": {"__all__": ["There is no such plan."]}}, status=404)
    if not family_can_edit(plan):
        return JsonResponse({"saved": False, "errors": {"__all__": [read_only_reason(plan)]}}, status=409)
    return plan_pages.plan_about_autosave(request, PORTAL, plan)


@portal_user_required
@_editing
def plan_need(request, plan, need_pk):
    return plan_pages.plan_need(request, PORTAL, plan, need_pk)


@portal_user_required
@_editing
def plan_line(request, plan, line_pk=None):
    return plan_pages.plan_line(request, PORTAL, plan, line_pk)


@portal_user_required
@_editing
def plan_risk(request, plan, risk_pk=None):
    return plan_pages.plan_risk(request, PORTAL, plan, risk_pk)


@portal_user_required
@_editing
def plan_remove(request, plan, kind, item_pk):
    return plan_pages.plan_remove(request, PORTAL, plan, kind, item_pk)


@portal_user_required
@_editing
def plan_contingency(request, plan):
    return plan_pages.plan_contingency(request, PORTAL, plan)


@portal_user_required
def plan_direct_payment(request, pk):
    """The direct payment conditions are recorded by the council worker: the family is taken back to the plan."""
    plan = _plan(request, pk)
    messages.info(request, "Your council worker records the direct payment conditions with you")
    return redirect("portal_plan_detail", pk=plan.pk)


@require_POST
@portal_user_required
@_editing
def plan_hand_over(request, plan):
    """The family sends the plan to their worker (the only hand-over the portal offers)."""
    data = request.POST.copy()
    data["to"] = Party.WORKER
    request.POST = data
    return plan_pages.plan_hand_over(request, PORTAL, plan)


@portal_user_required
def plan_pdf(request, pk):
    plan = _plan(request, pk)
    return pdf_response(request, plan)


def pdf_response(request, plan: SupportPlan) -> HttpResponse:
    """The plan as a PDF download, with the export in the audit log (staff and portal alike)."""
    content = plan_pdf_bytes(plan)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=plan,
        person_id=plan.person_id,
        summary=f"Downloaded support plan {plan.pk} as a PDF",
        request=request,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{plan_pdf_filename(plan)}"'
    response["Cache-Control"] = "no-store"
    return response
