"""Staff pages for charging: completing a financial assessment, its result and letter, a person's assessments,
and the charging figures (what is confirmed, what still blocks assessments). Views stay thin: a selector to
fetch, a service to change."""

from django.contrib import messages
from django.shortcuts import redirect, render

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import person_get_for_user

from . import charging_selectors as selectors
from . import charging_services as services
from .charging_forms import FinancialAssessmentForm


@staff_required(Action.FINANCE_ASSESS)
def financial_assessment_create(request, person_pk):
    person = person_get_for_user(user=request.user, pk=person_pk)
    form = FinancialAssessmentForm(
        request.POST if request.method == "POST" else None,
        years=selectors.charging_years(),
        initial=selectors.financial_assessment_initial(person=person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.financial_assessment_complete(
                person=person, actor=request.user, request=request, **form.service_kwargs()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Financial assessment complete: £{assessment.weekly_contribution:,.2f} a week")
            return redirect(assessment)
    elif request.method != "POST":
        audit_person_view(actor=request.user, person=person, what="Opened a new financial assessment", request=request)
    context = {
        "form": form,
        "person": person,
        "previous": selectors.financial_assessment_current(person=person),
        "non_field_anchor": "id_year_0",
    }
    return render(request, "money/financial_assessment_form.html", context)


@staff_required(Action.FINANCE_ASSESS)
def person_financial_assessments(request, person_pk):
    person = person_get_for_user(user=request.user, pk=person_pk)
    audit_person_view(actor=request.user, person=person, what="Viewed financial assessments", request=request)
    context = {"person": person, "assessments": selectors.financial_assessments_for_person(person=person)}
    return render(request, "money/financial_assessment_list.html", context)


def _assessment_context(request, pk, what: str) -> dict:
    assessment = selectors.financial_assessment_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=assessment.person, what=what, request=request)
    return {
        "assessment": assessment,
        "person": assessment.person,
        "summary": selectors.financial_assessment_summary(assessment),
    }


@staff_required(Action.FINANCE_ASSESS)
def financial_assessment_detail(request, pk):
    context = _assessment_context(request, pk, "Opened a financial assessment")
    context["history"] = selectors.financial_assessments_for_person(person=context["person"])
    return render(request, "money/financial_assessment_detail.html", context)


@staff_required(Action.FINANCE_ASSESS)
def financial_assessment_letter(request, pk):
    context = _assessment_context(request, pk, "Opened a financial assessment letter")
    return render(request, "money/financial_assessment_letter.html", context)


@staff_required(Action.FINANCE_FIGURES)
def charging_figures(request):
    return render(request, "money/charging_figures.html", {"years": selectors.charging_figures_overview()})
