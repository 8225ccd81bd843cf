"""Personal budget pages (Care Act s26) and the uprating runs. Views stay thin: permission, selector or service,
template. Every read of a person's budget is logged."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import person_get_for_user

from . import budget_selectors as selectors
from .budget_forms import PersonalBudgetForm
from .budget_services import personal_budget_set

# Who may set or change a personal budget, and run or read the yearly uprating: finance officers (and managers).
BUDGET_CHANGE = Action.FINANCE_ASSESS
PAGE_SIZE = 50


@staff_required(Action.PERSON_VIEW)
def person_personal_budget(request, pk):
    """The person's current s26 statement and the history of every version."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the personal budget", request=request)
    current = selectors.personal_budget_current(person=person)
    context = {
        "person": person,
        "statement": selectors.budget_statement(current) if current else None,
        "history": selectors.personal_budget_history(person=person),
        "financial_assessment": selectors.current_financial_assessment(person=person),
        "indicative": selectors.latest_indicative_budget(person=person),
        "can_change": can(request.user, BUDGET_CHANGE),
    }
    return render(request, "money/budget_person.html", context)


@staff_required(Action.PERSON_VIEW)
def personal_budget_detail(request, pk):
    """One version of a personal budget, as it was set."""
    budget = selectors.personal_budget_get_for_user(user=request.user, pk=pk)
    audit_person_view(
        actor=request.user,
        person=budget.person,
        what=f"Opened personal budget version {budget.version}",
        request=request,
    )
    context = {"person": budget.person, "statement": selectors.budget_statement(budget)}
    return render(request, "money/budget_detail.html", context)


@staff_required(Action.PERSON_VIEW)
def personal_budget_statement(request, pk):
    """The printable personal budget statement for the person."""
    budget = selectors.personal_budget_get_for_user(user=request.user, pk=pk)
    audit_person_view(
        actor=request.user,
        person=budget.person,
        what=f"Opened the statement for budget version {budget.version}",
        request=request,
    )
    context = {"person": budget.person, "statement": selectors.budget_statement(budget), "today": timezone.localdate()}
    return render(request, "money/budget_statement.html", context)


@staff_required(BUDGET_CHANGE)
def personal_budget_change(request, pk):
    """Set a first personal budget, or change it (a new version)."""
    person = person_get_for_user(user=request.user, pk=pk)
    current = selectors.personal_budget_current(person=person)
    assessment = selectors.current_financial_assessment(person=person)
    indicative = selectors.latest_indicative_budget(person=person)
    initial = {"effective_from": timezone.localdate()}
    if current is not None:
        initial |= {name: getattr(current, name) for name in (*PersonalBudgetForm.SPLIT, "weekly_total_cost")}
        initial["weekly_person_contribution"] = current.weekly_person_contribution
    elif indicative is not None:
        initial["weekly_total_cost"] = indicative.weekly_amount
    if assessment is not None and assessment.weekly_contribution is not None:
        total = initial.get("weekly_total_cost")
        contribution = assessment.weekly_contribution
        initial["weekly_person_contribution"] = min(contribution, total) if total is not None else contribution
    form = PersonalBudgetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            personal_budget_set(
                person=person,
                actor=request.user,
                financial_assessment=assessment,
                indicative_budget=indicative,
                request=request,
                **form.service_arguments(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Personal budget saved")
            return redirect("person_personal_budget", pk=person.pk)
    context = {
        "form": form,
        "person": person,
        "current": current,
        "financial_assessment": assessment,
        "indicative": indicative,
        "heading": "Change the personal budget" if current else "Set the personal budget",
    }
    return render(request, "money/budget_form.html", context)


@staff_required(BUDGET_CHANGE)
def uprating_run_list(request):
    """Every yearly uprating run with its summary."""
    page = Paginator(selectors.uprating_runs(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "money/uprating_runs.html", {"page": page})


@staff_required(BUDGET_CHANGE)
def uprating_letters(request, pk):
    """The contribution letters an uprating run queued: one for everyone whose contribution changed."""
    run = selectors.uprating_run_get(pk=pk)
    page = Paginator(selectors.uprating_letters(run=run), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.letter_rows(user=request.user, letters=page.object_list)
    return render(request, "money/uprating_letters.html", {"run": run, "page": page, "rows": rows})
