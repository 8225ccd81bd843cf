"""Staff pages for support plans. Each view checks the role, fetches the plan through the person's access rules,
and hands the page to plan_pages (shared with the portal) or a service. Every read of a plan is logged."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from selfdirect.assessments.models import Assessment
from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import person_get_for_user

from . import forms, plan_pages, selectors, services
from .plan_pages import STAFF


def _plan(request, pk, action=Action.PLAN_WRITE):
    return selectors.plan_get_for_user(user=request.user, pk=pk, action=action)


@staff_required(Action.PERSON_VIEW)
def person_plans(request, pk):
    """A person's support plans, and the assessments a new plan can start from."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the support plans", request=request)
    context = {
        "person": person,
        "plans": selectors.plans_for_person(person=person),
        "startable": selectors.assessments_to_plan_from(person=person),
        "can_write": can(request.user, Action.PLAN_WRITE),
    }
    return render(request, "planning/person_plans.html", context)


@staff_required(Action.PLAN_WRITE)
def plan_start(request, assessment_pk):
    assessment = get_object_or_404(Assessment.objects.select_related("person"), pk=assessment_pk)
    if assessment.person_id is None:
        return redirect("assessment_detail", pk=assessment.pk)
    person = person_get_for_user(user=request.user, pk=assessment.person_id)
    form = forms.StartPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.support_plan_start(
                assessment=assessment, actor=request.user, planner=form.cleaned_data["planner"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("plan_detail", pk=plan.pk)
    return render(request, "planning/plan_start.html", {"form": form, "assessment": assessment, "person": person})


@staff_required(Action.PERSON_VIEW)
def plan_detail(request, pk):
    plan = _plan(request, pk, Action.PERSON_VIEW)
    audit_person_view(actor=request.user, person=plan.person, what=f"Opened support plan {plan.pk}", request=request)
    return plan_pages.plan_detail(
        request,
        STAFF,
        plan,
        can_write=can(request.user, Action.PLAN_WRITE),
        can_approve=can(request.user, Action.PLAN_APPROVE),
        can_agree_budget=can(request.user, Action.FINANCE_ASSESS),
        pdf_url=reverse("plan_pdf", args=[plan.pk]),
        refer_url=reverse("plan_refer", args=[plan.pk]),
        clock=selectors.plan_clock_lines(plan=plan),
        arrange=plan.status == plan.Status.APPROVED and can(request.user, Action.ARRANGE),
    )


@staff_required(Action.PLAN_WRITE)
def plan_about(request, pk):
    return plan_pages.plan_about(request, STAFF, _plan(request, pk))


@require_POST
@staff_required(Action.PLAN_WRITE)
def plan_about_autosave(request, pk):
    return plan_pages.plan_about_autosave(request, STAFF, _plan(request, pk))


@staff_required(Action.PLAN_WRITE)
def plan_need(request, pk, need_pk):
    return plan_pages.plan_need(request, STAFF, _plan(request, pk), need_pk)


@staff_required(Action.PLAN_WRITE)
def plan_line(request, pk, line_pk=None):
    return plan_pages.plan_line(request, STAFF, _plan(request, pk), line_pk)


@staff_required(Action.PLAN_WRITE)
def plan_risk(request, pk, risk_pk=None):
    return plan_pages.plan_risk(request, STAFF, _plan(request, pk), risk_pk)


@staff_required(Action.PLAN_WRITE)
def plan_remove(request, pk, kind, item_pk):
    return plan_pages.plan_remove(request, STAFF, _plan(request, pk), kind, item_pk)


@staff_required(Action.PLAN_WRITE)
def plan_contingency(request, pk):
    return plan_pages.plan_contingency(request, STAFF, _plan(request, pk))


@staff_required(Action.PLAN_WRITE)
def plan_direct_payment(request, pk):
    return plan_pages.plan_direct_payment(request, STAFF, _plan(request, pk))


@require_POST
@staff_required(Action.PLAN_WRITE)
def plan_hand_over(request, pk):
    return plan_pages.plan_hand_over(request, STAFF, _plan(request, pk))


@staff_required(Action.PLAN_WRITE)
def plan_submit(request, pk):
    """Check the plan is complete, say who will decide it, and send it."""
    plan = _plan(request, pk)
    form = forms.SubmitForm(request.POST or None, initial={"version": plan.version})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.support_plan_submit(
                plan=plan, actor=request.user, expected_version=form.cleaned_data["version"], request=request
            )
        except services.PlanIncomplete as error:
            problems = error.problems
        except DomainError as error:
            form.add_domain_error(error)
        else:
            where = "a team manager" if plan.approval_route == "manager" else "the funding panel"
            messages.success(request, f"Plan sent to {where}")
            return redirect("plan_detail", pk=plan.pk)
    view = selectors.plan_view(plan=plan)
    context = {"form": form, "problems": problems or view.problems, "route": selectors.expected_route(plan=plan)}
    return plan_pages._page(request, STAFF, plan, "planning/plan_submit.html", view=view, **context)


@staff_required(Action.PLAN_APPROVE)
def plan_decide(request, pk):
    """A team manager's decision on a plan within their limit (panel decisions are made from the meeting)."""
    plan = _plan(request, pk, Action.PLAN_APPROVE)
    form = forms.DecisionForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        try:
            services.support_plan_decide(
                plan=plan, actor=request.user, expected_version=form.cleaned_data["version"], request=request, **args
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Decision recorded")
            return redirect("plan_detail", pk=plan.pk)
    view = selectors.plan_view(plan=plan)
    return plan_pages._page(request, STAFF, plan, "planning/plan_decide.html", form=form, view=view)


@staff_required(Action.FINANCE_ASSESS)
def plan_agree_budget(request, pk):
    plan = _plan(request, pk, Action.FINANCE_ASSESS)
    form = forms.SubmitForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_budget_agree(
                plan=plan, actor=request.user, expected_version=form.cleaned_data["version"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Personal budget agreed")
            return redirect("plan_detail", pk=plan.pk)
    return plan_pages._page(request, STAFF, plan, "planning/plan_agree_budget.html", form=form)


@staff_required(Action.PLAN_WRITE)
def plan_cancel(request, pk):
    plan = _plan(request, pk)
    form = forms.CancelForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_cancel(
                plan=plan,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Plan cancelled")
            return redirect("plan_detail", pk=plan.pk)
    return plan_pages._page(request, STAFF, plan, "planning/plan_cancel.html", form=form)
