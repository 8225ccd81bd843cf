"""Who plans: the support-planning organisations with their waits, keeping them up to date, and referring a plan
to one. Views stay thin: permission first, then a selector or a service, then the template."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError

from . import referral_services as services
from . import report_selectors as selectors
from .models import PlanningReferral
from .panel_forms import PlanningOrganisationForm, ProblemForm, ReferralEndForm, ReferralForm
from .selectors import plan_get_for_user


@staff_required(Action.MARKET_VIEW)
def planning_organisations(request):
    """Every organisation's capacity, places taken this month, queue and waits: open to everyone who refers (and
    to commissioners, who keep the list up to date). Opening it takes queued referrals into any new places."""
    today = timezone.localdate()
    services.planning_referral_promote(today=today)
    context = {
        "rows": selectors.organisation_rows(today=today),
        "today": today,
        "can_manage": can(request.user, Action.MARKET_MANAGE),
        "can_refer": can(request.user, Action.PLAN_WRITE),
        "window": selectors.WAIT_WINDOW_MONTHS,
    }
    return render(request, "planning/organisation_list.html", context)


@staff_required(Action.PLAN_WRITE)
def planning_organisation_detail(request, pk):
    """One organisation: its queue in order with each referral's expected start, and the referrals it has taken
    on."""
    organisation = selectors.organisation_get(pk=pk)
    today = timezone.localdate()
    row = next(r for r in selectors.organisation_rows(today=today) if r.organisation.pk == organisation.pk)
    context = {
        "organisation": organisation,
        "row": row,
        "referrals": selectors.organisation_referrals(organisation=organisation, user=request.user),
        "can_manage": can(request.user, Action.MARKET_MANAGE),
        "today": today,
    }
    return render(request, "planning/organisation_detail.html", context)


def _organisation_form(request, organisation=None):
    initial = {"is_active": True}
    if organisation is not None:
        initial = {name: getattr(organisation, name) for name in services.ORGANISATION_FIELDS}
    form = PlanningOrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.planning_organisation_save(
                actor=request.user, organisation=organisation, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("planning_organisations")
    heading = f"Change {organisation.name}" if organisation else "Add a support-planning organisation"
    return render(
        request, "planning/organisation_form.html", {"form": form, "organisation": organisation, "heading": heading}
    )


@staff_required(Action.MARKET_MANAGE)
def planning_organisation_create(request):
    return _organisation_form(request)


@staff_required(Action.MARKET_MANAGE)
def planning_organisation_edit(request, pk):
    return _organisation_form(request, selectors.organisation_get(pk=pk))


def _refer_page(request, plan, *, refer_form=None, end_form=None, problem=None):
    """The referral page. The form with a problem is the one the error summary reads (`form`)."""
    today = timezone.localdate()
    rows = [r for r in selectors.organisation_rows(today=today, active_only=True) if r.organisation.monthly_capacity]
    if refer_form is None:
        refer_form = ReferralForm(initial={"version": plan.version}, organisations=[r.organisation for r in rows])
    end_form = end_form or ReferralEndForm()
    capacity = services.planning_capacity_assessment(person=plan.person)
    context = {
        "plan": plan,
        "person": plan.person,
        "form": problem or (end_form if end_form.errors else refer_form),
        "refer_form": refer_form,
        "end_form": end_form,
        "rows": rows,
        "capacity": capacity,
        "needs_advocacy": bool(capacity and capacity.lacks_capacity),
        "current": services.active_referral(plan=plan),
        "history": selectors.plan_referrals(plan=plan),
        "today": today,
    }
    return render(request, "planning/organisation_refer.html", context)


@staff_required(Action.PLAN_WRITE)
def plan_refer(request, pk):
    """Refer a plan being written to a support-planning organisation, seeing each one's expected wait first."""
    plan = plan_get_for_user(user=request.user, pk=pk, action=Action.PLAN_WRITE)
    audit_person_view(
        actor=request.user, person=plan.person, what=f"Opened the referral page for plan {plan.pk}", request=request
    )
    organisations = [r.organisation for r in selectors.organisation_rows(active_only=True)]
    form = ReferralForm(request.POST or None, initial={"version": plan.version}, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.planning_referral_make(
                plan=plan,
                organisation=form.cleaned_data["organisation"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if referral.status == PlanningReferral.Status.ACCEPTED:
                messages.success(request, f"Referred to {referral.organisation.name}: they take the plan on now")
            else:
                messages.success(
                    request,
                    f"Referred to {referral.organisation.name}: waiting for a place, expected to start on "
                    f"{referral.expected_start:%-d %B %Y}",
                )
            return redirect("plan_refer", pk=plan.pk)
    return _refer_page(request, plan, refer_form=form)


def _referral(request, pk):
    referral = get_object_or_404(PlanningReferral.objects.select_related("organisation"), pk=pk)
    plan = plan_get_for_user(user=request.user, pk=referral.plan_id, action=Action.PLAN_WRITE)
    return referral, plan


@staff_required(Action.PLAN_WRITE)
@require_POST
def planning_referral_complete(request, pk):
    """The organisation has finished planning: the referral is done and the plan is back with the worker."""
    referral, plan = _referral(request, pk)
    try:
        services.planning_referral_complete(referral=referral, actor=request.user, request=request)
    except DomainError as error:
        return _refer_page(request, plan, problem=ProblemForm.showing(error))
    messages.success(request, f"Support planning by {referral.organisation.name} recorded as finished")
    return redirect("plan_refer", pk=plan.pk)


@staff_required(Action.PLAN_WRITE)
@require_POST
def planning_referral_withdraw(request, pk):
    """Withdraw a referral (the plan goes back to a council worker; a place it held goes to the next in line)."""
    referral, plan = _referral(request, pk)
    form = ReferralEndForm(request.POST)
    if form.is_valid():
        try:
            services.planning_referral_withdraw(
                referral=referral, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Referral to {referral.organisation.name} withdrawn")
            return redirect("plan_refer", pk=plan.pk)
    return _refer_page(request, plan, end_form=form)
