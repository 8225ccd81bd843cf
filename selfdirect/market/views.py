"""Care market pages: the provider directory and rates, the personal assistant register and its checks, the
alerts for checks about to lapse, and arranging plan lines. Views stay thin: permission, selector or service,
template. Every view checks the role before it looks anything up, so an id typed into a URL reveals nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from selfdirect.core.audit import audit_person_view
from selfdirect.core.models import CouncilSettings
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person
from selfdirect.people.selectors import can_see_restricted, person_get_for_user
from selfdirect.planning.selectors import plan_get_for_user
from selfdirect.rules import pa_checks as pa_rules
from selfdirect.rules import plan_costs

from . import selectors, services
from .forms import (
    ArrangementEndForm,
    ArrangementForm,
    CheckKindForm,
    DbsCheckForm,
    InsuranceForm,
    OtherCheckForm,
    PaFilterForm,
    PaForm,
    ProviderFilterForm,
    ProviderForm,
    RateForm,
    ReinstateForm,
    SuspendForm,
)
from .models import PaCheck, PersonalAssistant, Provider

PAGE_SIZE = 50


def _filters(form) -> dict:
    """The filters typed that make sense (a value changed by hand in the address is ignored, not an error)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


def _query_string(request) -> str:
    """The list filters without the page number, for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --------------------------------------------------------------------------------------------------
# Providers and rates
# --------------------------------------------------------------------------------------------------


@staff_required(Action.MARKET_VIEW)
def provider_list(request):
    """The provider directory, filtered by name, service component, postcode district and registration."""
    form = ProviderFilterForm(request.GET or None)
    filters = _filters(form)
    providers = selectors.provider_list(**filters)
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": form,
        "page": page,
        "query": _query_string(request),
        "can_manage": can(request.user, Action.MARKET_MANAGE),
        "filtered": bool(filters),
    }
    return render(request, "market/provider_list.html", context)


@staff_required(Action.MARKET_MANAGE)
def provider_create(request):
    form = ProviderForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(actor=request.user, request=request, **form.service_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{provider.name} added to the directory")
            return redirect(provider)
    return render(request, "market/provider_form.html", {"form": form, "heading": "Add a provider"})


@staff_required(Action.MARKET_VIEW)
def provider_detail(request, pk):
    """A provider's registration, what it offers where, its vacancies, and its rates over time."""
    provider = selectors.provider_get(pk=pk)
    today = timezone.localdate()
    context = {
        "provider": provider,
        "today": today,
        "rate_groups": selectors.rate_groups(provider.rates.all(), on=today),
        "can_manage": can(request.user, Action.MARKET_MANAGE),
        "warns": any(provider.warns_for(c) for c in provider.service_components),
    }
    return render(request, "market/provider_detail.html", context)


@staff_required(Action.MARKET_MANAGE)
def provider_edit(request, pk):
    provider = selectors.provider_get(pk=pk)
    initial = {name: getattr(provider, name) for name in ProviderForm.base_fields}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(provider=provider, actor=request.user, request=request, **form.service_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Provider details saved")
            return redirect(provider)
    context = {"form": form, "provider": provider, "heading": f"Change {provider.name}"}
    return render(request, "market/provider_form.html", context)


def _rate_form_page(request, provider: Provider | None):
    form = RateForm(request.POST or None)
    back = provider.get_absolute_url() if provider else None
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_add(actor=request.user, provider=provider, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Rate added")
            return redirect(back or "council_rates")
    heading = f"Add a rate for {provider.name}" if provider else "Add a council standard rate"
    return render(request, "market/rate_form.html", {"form": form, "provider": provider, "heading": heading})


@staff_required(Action.MARKET_MANAGE)
def provider_rate_add(request, pk):
    """Add a rate from a date. Earlier rates stay: they priced the days before."""
    return _rate_form_page(request, selectors.provider_get(pk=pk))


@staff_required(Action.MARKET_VIEW)
def council_rates(request):
    """The council's standard rates: used for personal assistants and when a provider has no rate of its own."""
    today = timezone.localdate()
    context = {
        "rate_groups": selectors.rate_groups(selectors.council_rates(), on=today),
        "today": today,
        "can_manage": can(request.user, Action.MARKET_MANAGE),
    }
    return render(request, "market/council_rates.html", context)


@staff_required(Action.MARKET_MANAGE)
def council_rate_add(request):
    return _rate_form_page(request, None)


# --------------------------------------------------------------------------------------------------
# Personal assistants
# --------------------------------------------------------------------------------------------------


@staff_required(Action.MARKET_VIEW)
def pa_list(request):
    """The register of personal assistants with each one's check status."""
    form = PaFilterForm(request.GET or None)
    rows = selectors.pa_list(**_filters(form))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": form,
        "page": page,
        "query": _query_string(request),
        "can_record": can(request.user, Action.PA_CHECKS),
        "settings": CouncilSettings.current(),
    }
    return render(request, "market/pa_list.html", context)


@staff_required(Action.PA_CHECKS)
def pa_create(request):
    form = PaForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            pa = services.pa_register(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{pa.full_name} added to the register: now record their checks")
            return redirect(pa)
    return render(request, "market/pa_form.html", {"form": form, "heading": "Add a personal assistant"})


@staff_required(Action.MARKET_VIEW)
def pa_detail(request, pk):
    """A PA's details, every check recorded, and what is missing or lapsed (with the council's re-check period)."""
    pa = selectors.pa_get(pk=pk)
    settings = CouncilSettings.current()
    today = timezone.localdate()
    checks = sorted(pa.checks.all(), key=lambda c: (c.kind, -(c.issued_on.toordinal() if c.issued_on else 0)))
    rows = []
    for check in checks:
        until = (
            pa_rules.dbs_current_until(check.as_rule(), recheck_years=settings.dbs_recheck_years)
            if check.kind == PaCheck.Kind.DBS
            else check.expires_on
        )
        rows.append({"check": check, "until": until, "lapsed": until is not None and until < today})
    context = {
        "pa": pa,
        "status": selectors.pa_status(pa, on=today, settings=settings),
        "rows": rows,
        "settings": settings,
        "can_record": can(request.user, Action.PA_CHECKS),
        "arrangements": pa.arrangements.filter(status="active").count(),
    }
    return render(request, "market/pa_detail.html", context)


@staff_required(Action.PA_CHECKS)
def pa_edit(request, pk):
    pa = selectors.pa_get(pk=pk)
    initial = {name: getattr(pa, name) for name in PaForm.base_fields}
    form = PaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.pa_update(pa=pa, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Personal assistant's details saved")
            return redirect(pa)
    return render(request, "market/pa_form.html", {"form": form, "pa": pa, "heading": f"Change {pa.full_name}"})


@staff_required(Action.PA_CHECKS)
def pa_check_add(request, pk):
    """Record a check: first which kind (?kind=...), then its details."""
    pa = selectors.pa_get(pk=pk)
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in PaCheck.Kind.values:
        chooser = CheckKindForm(request.GET if "kind" in request.GET else None)
        chooser.is_valid()
        return render(request, "market/pa_check_kind.html", {"pa": pa, "form": chooser})
    data = request.POST if request.method == "POST" else None
    form = DbsCheckForm(data) if kind == PaCheck.Kind.DBS else OtherCheckForm(data, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.pa_check_record(pa=pa, actor=request.user, kind=kind, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{PaCheck.Kind(kind).label} recorded")
            return redirect(pa)
    context = {"pa": pa, "form": form, "kind": kind, "kind_label": PaCheck.Kind(kind).label}
    return render(request, "market/pa_check_form.html", context)


@staff_required(Action.PA_CHECKS)
def pa_suspend(request, pk):
    """Suspend a PA while a concern is looked into: every plan line using them is flagged."""
    pa = selectors.pa_get(pk=pk)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pa_suspend(pa=pa, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{pa.full_name} is suspended")
            return redirect(pa)
    return render(request, "market/pa_suspend.html", {"pa": pa, "form": form, "suspending": True})


@staff_required(Action.PA_CHECKS)
def pa_reinstate(request, pk):
    pa = selectors.pa_get(pk=pk)
    form = ReinstateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pa_reinstate(pa=pa, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{pa.full_name}'s suspension is lifted")
            return redirect(pa)
    return render(request, "market/pa_suspend.html", {"pa": pa, "form": form, "suspending": False})


@staff_required(Action.MARKET_VIEW)
def check_alerts(request):
    """PA checks and employer's liability insurance that lapse within the council's alert window, or have."""
    alerts = selectors.check_alerts()
    user = request.user
    people = Person.objects.in_bulk([a.person_id for a in alerts.insurance])
    insurance = []
    for alert in alerts.insurance:
        person = people.get(alert.person_id)
        visible = (
            person is not None
            and can(user, Action.PERSON_VIEW)
            and (not person.is_restricted or can_see_restricted(user=user, person=person))
        )
        insurance.append({"alert": alert, "person": person if visible else None})
    context = {"alerts": alerts, "insurance": insurance, "settings": CouncilSettings.current()}
    return render(request, "market/check_alerts.html", context)


# --------------------------------------------------------------------------------------------------
# Arrangements
# --------------------------------------------------------------------------------------------------


def _chosen(kind: str, pk: int):
    if kind == "provider":
        return Provider.objects.filter(pk=pk).first(), None
    return None, PersonalAssistant.objects.filter(pk=pk).first()


@staff_required(Action.ARRANGE)
def line_arrange(request, plan_pk, line_pk):
    """Brokerage for one plan line: who could meet it (best first), and putting it in place."""
    plan = plan_get_for_user(user=request.user, pk=plan_pk, action=Action.ARRANGE)
    line = get_object_or_404(plan.lines.select_related("rate", "provider", "pa"), pk=line_pk)
    line.plan = plan
    person = plan.person
    audit_person_view(
        actor=request.user, person=person, what=f"Opened arranging for plan line {line.pk}", request=request
    )
    today = timezone.localdate()
    settings = CouncilSettings.current()
    existing = list(selectors.arrangements_for_line(line=line))
    active = next((a for a in existing if a.status == "active" and not a.is_emergency_cover), None)
    arrangeable = plan.status == plan.Status.APPROVED and line.management != plan_costs.NOT_PAID and not active
    matches = selectors.matches_for_line(line=line, on=today)
    others = selectors.other_candidates(line=line, matches=matches)
    warnings = {
        p.pk: w
        for p in [m.provider for m in matches.providers] + others[0]
        if (w := selectors.provider_warning(provider=p, service_component=line.service_component))
    }
    form = None
    if arrangeable:
        form = ArrangementForm(
            request.POST or None,
            initial={"start_date": max(plan.start_date or today, today)},
            matches=matches,
            others=others,
            unit_type=line.unit_type,
            allow_informed_choice=settings.pa_checks_policy == pa_rules.RECOMMENDED and matches.wants_pas,
        )
        if not warnings:
            del form.fields["acknowledge_unregistered"]
        if request.method == "POST" and form.is_valid():
            provider, pa = _chosen(*form.cleaned_data["chosen"])
            if provider is None and pa is None:
                form.add_error(None, "That provider or personal assistant is no longer listed: choose again")
            else:
                try:
                    arrangement = services.arrangement_make(
                        line=line,
                        actor=request.user,
                        start_date=form.cleaned_data["start_date"],
                        provider=provider,
                        pa=pa,
                        informed_choice=form.cleaned_data.get("informed_choice", ""),
                        acknowledge_unregistered=form.cleaned_data.get("acknowledge_unregistered", False),
                        request=request,
                    )
                except DomainError as error:
                    if error.field == "choice" and not form.cleaned_data.get("choice"):
                        error.field = "other"  # the person was chosen from the list of everyone else
                    form.add_domain_error(error)
                else:
                    messages.success(request, f"Support arranged from {arrangement.start_date:%-d %B %Y}")
                    return redirect("arrangement_detail", pk=arrangement.pk)
    context = {
        "plan": plan,
        "line": line,
        "person": person,
        "matches": matches,
        "others": others,
        "warnings": warnings,
        "existing": existing,
        "active": active,
        "form": form,
        "settings": settings,
        "not_paid": line.management == plan_costs.NOT_PAID,
        "approved": plan.status == plan.Status.APPROVED,
    }
    return render(request, "market/arrange.html", context)


@staff_required(Action.PERSON_VIEW)
def arrangement_detail(request, pk):
    """An arrangement and the CLD Service event it makes."""
    arrangement = selectors.arrangement_get_for_user(user=request.user, pk=pk)
    audit_person_view(
        actor=request.user, person=arrangement.person, what=f"Opened arrangement {arrangement.pk}", request=request
    )
    context = {
        "arrangement": arrangement,
        "person": arrangement.person,
        "event": selectors.cld_service_event(arrangement),
        "can_arrange": can(request.user, Action.ARRANGE),
    }
    return render(request, "market/arrangement_detail.html", context)


@staff_required(Action.ARRANGE)
def arrangement_end(request, pk):
    arrangement = selectors.arrangement_get_for_user(user=request.user, pk=pk, action=Action.ARRANGE)
    if arrangement.status != "active":
        raise Http404("This arrangement has ended")
    form = ArrangementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.arrangement_end(arrangement=arrangement, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Arrangement ended")
            return redirect("arrangement_detail", pk=arrangement.pk)
    return render(request, "market/arrangement_end.html", {"arrangement": arrangement, "form": form})


@staff_required(Action.ARRANGE)
def employer_insurance(request, pk):
    """A person's employer's liability insurance (for employing PAs with a direct payment), and recording a policy."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened employer's liability insurance", request=request)
    form = InsuranceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_insurance_record(person=person, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Employer's liability insurance recorded")
            return redirect("employer_insurance", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "policies": selectors.insurance_for_person(person=person),
        "today": timezone.localdate(),
    }
    return render(request, "market/employer_insurance.html", context)
