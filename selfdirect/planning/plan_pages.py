"""The pages that write a plan, shared by staff and the portal. A `Surface` says which base template and which
URL names to use; staff views and portal views fetch the plan through their own access rules and then hand it
here, so both ways in behave the same and no page is written twice."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.rules import direct_payments as dp_rules

from . import forms, selectors, services
from .models import ContingencyPlan, Management, Party, PlanLine, PlanRisk, SupportPlan


@dataclass(frozen=True)
class Surface:
    name: str  # "staff" or "portal"
    base: str  # the template the pages extend
    prefix: str  # URL names are prefix + "detail", prefix + "about" ...

    def url(self, page: str) -> str:
        return self.prefix + page

    @property
    def is_portal(self) -> bool:
        return self.name == "portal"


STAFF = Surface("staff", "base.html", "plan_")
PORTAL = Surface("portal", "portal/base.html", "portal_plan_")


def _page(request, surface: Surface, plan: SupportPlan, template: str, **context):
    context |= {"plan": plan, "person": plan.person, "surface": surface, "base_template": surface.base}
    return render(request, template, context)


def _save(form, call) -> bool:
    """Run a service with the form's data; on a refusal, show it on the form (a stale edit keeps what was typed)."""
    try:
        call()
    except StaleEditError as error:
        form.add_error(None, error.message)
        return False
    except DomainError as error:
        form.add_domain_error(error)
        return False
    return True


def _back(surface: Surface, plan: SupportPlan, anchor: str = ""):
    response = redirect(surface.url("detail"), pk=plan.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


CANCELLABLE = [
    SupportPlan.Status.DRAFT,
    SupportPlan.Status.RETURNED,
    SupportPlan.Status.WITH_MANAGER,
    SupportPlan.Status.AT_PANEL,
]


def plan_detail(request, surface: Surface, plan: SupportPlan, **extra):
    context = {"view": selectors.plan_view(plan=plan), "cancellable": CANCELLABLE} | extra
    return _page(request, surface, plan, "planning/plan_detail.html", **context)


def plan_about(request, surface: Surface, plan: SupportPlan):
    initial = {name: getattr(plan, name) for name in forms.PlanAboutForm.SERVICE_FIELDS} | {"version": plan.version}
    form = forms.PlanAboutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if _save(
            form,
            lambda: services.support_plan_update(
                plan=plan, actor=request.user, expected_version=form.cleaned_data["version"], request=request, **args
            ),
        ):
            messages.success(request, "Saved")
            return _back(surface, plan, "about")
    now = timezone.now()
    return _page(
        request,
        surface,
        plan,
        "planning/plan_about.html",
        form=form,
        last_saved_ms=int(plan.updated_at.timestamp() * 1000),
        server_now_ms=int(now.timestamp() * 1000),
    )


def plan_about_autosave(request, surface: Surface, plan: SupportPlan):
    """Save the 'about' page as it is typed. JSON always; 409 when someone else saved first (nothing overwritten)."""
    form = forms.PlanAboutForm(request.POST)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"saved": False, "errors": errors}, status=400)
    try:
        saved = services.support_plan_update(
            plan=plan,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            request=request,
            **form.service_arguments(),
        )
    except StaleEditError as error:
        return JsonResponse({"saved": False, "errors": {"__all__": [error.message]}}, status=409)
    except DomainError as error:
        return JsonResponse({"saved": False, "errors": {error.field or "__all__": [error.message]}}, status=400)
    local = timezone.localtime(saved.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "version": saved.version,
            "saved_at_display": f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}",
            "saved_at_ms": int(saved.updated_at.timestamp() * 1000),
        }
    )


def plan_need(request, surface: Surface, plan: SupportPlan, need_pk):
    need = get_object_or_404(plan.needs, pk=need_pk)
    form = forms.NeedForm(request.POST or None, initial={"how_met": need.how_met, "version": plan.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.plan_need_update(
                plan=plan,
                need=need,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                how_met=form.cleaned_data["how_met"],
                request=request,
            ),
        )
    ):
        return _back(surface, plan, "needs")
    return _page(request, surface, plan, "planning/plan_need.html", form=form, need=need)


def plan_line(request, surface: Surface, plan: SupportPlan, line_pk=None):
    line = get_object_or_404(plan.lines, pk=line_pk) if line_pk else None
    initial = {"version": plan.version}
    if line is not None:
        initial |= {name: getattr(line, name) for name in services.LINE_FIELDS}
        initial["unit_rate"] = line.unit_rate if line.rate_id is None else ""
    form = forms.PlanLineForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if _save(
            form,
            lambda: services.plan_line_save(
                plan=plan,
                line=line,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                request=request,
                **args,
            ),
        ):
            messages.success(request, "Support saved")
            return _back(surface, plan, "lines")
    return _page(request, surface, plan, "planning/plan_line.html", form=form, line=line)


def plan_risk(request, surface: Surface, plan: SupportPlan, risk_pk=None):
    risk = get_object_or_404(plan.risks, pk=risk_pk) if risk_pk else None
    initial = {"version": plan.version}
    if risk is not None:
        initial |= {name: getattr(risk, name) for name in services.RISK_FIELDS}
    form = forms.RiskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if _save(
            form,
            lambda: services.plan_risk_save(
                plan=plan,
                existing=risk,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                request=request,
                **args,
            ),
        ):
            return _back(surface, plan, "risks")
    return _page(request, surface, plan, "planning/plan_risk.html", form=form, risk=risk)


def plan_remove(request, surface: Surface, plan: SupportPlan, kind: str, item_pk):
    """Confirm, then remove a line or a risk."""
    model = {"line": PlanLine, "risk": PlanRisk}.get(kind)
    if model is None:
        raise Http404("Nothing to remove")
    item = get_object_or_404(model, plan=plan, pk=item_pk)
    form = forms.SubmitForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        if kind == "line":
            call = lambda: services.plan_line_remove(  # noqa: E731
                plan=plan, line=item, actor=request.user, expected_version=version, request=request
            )
        else:
            call = lambda: services.plan_risk_remove(  # noqa: E731
                plan=plan, risk=item, actor=request.user, expected_version=version, request=request
            )
        if _save(form, call):
            messages.success(request, "Removed")
            return _back(surface, plan, f"{kind}s")
    return _page(request, surface, plan, "planning/plan_remove.html", form=form, item=item, kind=kind)


def plan_contingency(request, surface: Surface, plan: SupportPlan):
    contingency, _ = ContingencyPlan.objects.get_or_create(plan=plan)
    initial = {name: getattr(contingency, name) for name in services.CONTINGENCY_FIELDS} | {"version": plan.version}
    form = forms.ContingencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        args = form.service_arguments()
        if _save(
            form,
            lambda: services.contingency_save(
                plan=plan, actor=request.user, expected_version=form.cleaned_data["version"], request=request, **args
            ),
        ):
            return _back(surface, plan, "contingency")
    return _page(request, surface, plan, "planning/plan_contingency.html", form=form)


def plan_hand_over(request, surface: Surface, plan: SupportPlan, **extra):
    """POST only: pass the plan to the worker (from the portal) or to the person (from staff pages)."""
    form = forms.HandOverForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: services.plan_hand_over(
            plan=plan,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            to=form.cleaned_data["to"],
            request=request,
        ),
    ):
        to = Party(form.cleaned_data["to"]).label.lower()
        messages.success(request, f"The plan is now with {'your worker' if surface.is_portal else to}")
        return _back(surface, plan)
    return plan_detail(request, surface, plan, hand_over_form=form, **extra)


def dp_conditions() -> dict:
    return {route: list(conditions.items()) for route, conditions in dp_rules.CONDITIONS.items()}


def plan_direct_payment(request, surface: Surface, plan: SupportPlan):
    existing = getattr(plan, "dp_suitability", None)
    initial = {"version": plan.version}
    if existing is not None:
        initial |= {"route": existing.route, "recipient": existing.recipient, "notes": existing.notes}
        initial |= existing.conditions
    form = forms.DirectPaymentForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(
            form,
            lambda: services.dp_suitability_record(
                plan=plan,
                actor=request.user,
                expected_version=data["version"],
                route=data["route"],
                conditions=form.conditions(),
                recipient=data["recipient"],
                notes=data["notes"],
                request=request,
            ),
        ):
            return _back(surface, plan, "money")
    has_dp_lines = plan.lines.filter(management=Management.DIRECT_PAYMENT).exists()
    return _page(
        request,
        surface,
        plan,
        "planning/plan_direct_payment.html",
        form=form,
        conditions=dp_conditions(),
        has_dp_lines=has_dp_lines,
    )
