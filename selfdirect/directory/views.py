"""Public pages: no sign-in, nothing saved, usable without JavaScript."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from selfdirect.core.access import public
from selfdirect.money.charging_forms import EstimateForm
from selfdirect.money.charging_selectors import charging_years_usable, contribution_estimate, income_rows
from selfdirect.rules.charging import ChargingError

from .forms import CARER, CHECKER_FORMS, CheckerKindForm
from .selectors import guides_published

CHECKER_TITLE = "Check if you might be eligible for care and support"


@public
@require_GET
def information(request):
    """The information and advice guides (maintained in the admin), the tools, and the directory."""
    return render(request, "directory/information_index.html", {"guides": guides_published()})


@public
@require_GET
def information_page(request, slug: str):
    page = guides_published().filter(slug=slug).first()
    if page is None:
        raise Http404("No such guide")
    return render(request, "directory/information_page.html", {"page": page, "guides": guides_published()})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def eligibility_checker(request):
    """Step 1: who the check is for. A valid answer goes to that kind's questions."""
    form = CheckerKindForm(request.POST) if request.method == "POST" else CheckerKindForm()
    if request.method == "POST" and form.is_valid():
        return redirect("eligibility_checker_questions", kind=form.cleaned_data["kind"])
    return render(request, "directory/checker_start.html", {"form": form, "title": CHECKER_TITLE})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def eligibility_checker_questions(request, kind: str):
    """Step 2: all the questions for that kind; a valid answer shows the result (nothing is stored)."""
    form_class = CHECKER_FORMS.get(kind)
    if form_class is None:
        raise Http404("No such checker")
    form = form_class(request.POST) if request.method == "POST" else form_class()
    context = {"form": form, "kind": kind, "title": CHECKER_TITLE}
    if request.method == "POST" and form.is_valid():
        result = form.result()
        if result is not None:
            context.update(result=result, unable=form.unable_summary(), is_carer=kind == CARER)
            return render(request, "directory/checker_result.html", context)
    return render(request, "directory/checker_questions.html", context)


ESTIMATE_TITLE = "Estimate what you might pay towards your care"


@public
@require_http_methods(["GET", "HEAD", "POST"])
def estimate_contribution(request):
    """The public contribution estimate: a short version of the financial assessment, on the latest year whose
    figures are confirmed (or a year the person picks). Nothing is saved; the council's assessment decides."""
    years = charging_years_usable()
    form = EstimateForm(request.POST if request.method == "POST" else None, years=years)
    context = {"form": form, "title": ESTIMATE_TITLE, "has_years": bool(years)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = {
            "setting": data["setting"],
            "household": data["household"],
            "age": data["age"],
            "reached_pension_credit_age": data["reached_pension_credit_age"] == "yes",
            "dependent_children": data["dependent_children"],
            "capital": data["capital"],
            "weekly_income": form.weekly_income(),
            "weekly_housing_costs": data.get("weekly_housing_costs") or Decimal("0.00"),
            "weekly_disability_related_expenditure": data.get("weekly_disability_related_expenditure"),
            "weekly_cost_of_care": data.get("weekly_cost_of_care"),
        }
        try:
            estimate = contribution_estimate(years=years, chosen=form.chosen_year(), answers=answers)
        except ChargingError as exc:
            form.add_error("year" if not exc.field else None, _estimate_refusal(exc))
        else:
            context.update(estimate=estimate, answers=answers, incomes=income_rows(answers["weekly_income"]))
            if estimate.cost_known:
                context["council_share"] = answers["weekly_cost_of_care"] - estimate.weekly_contribution
            return render(request, "directory/estimate_result.html", context)
    return render(request, "directory/estimate.html", context)


def _estimate_refusal(exc: ChargingError) -> str:
    """The engine's refusal in words for the public: the figure is named, the administrator part left out."""
    message = exc.message.split(" by an administrator")[0]
    if message != exc.message:
        message += ", so we cannot estimate with it yet. Choose another year, or leave the year as it is."
    return message
