"""Public pages: no sign-in, nothing saved, usable without JavaScript."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import CARER, CHECKER_FORMS, CheckerKindForm

CHECKER_TITLE = "Check if you might be eligible for care and support"


@require_GET
def information(request):
    return render(request, "directory/information.html")


@require_http_methods(["GET", "HEAD", "POST"])
def eligibility_checker(request):
    """Step 1: who the check is for. A valid answer goes to that kind's questions."""
    form = CheckerKindForm(request.POST) if request.method == "POST" else CheckerKindForm()
    if request.method == "POST" and form.is_valid():
        return redirect("eligibility_checker_questions", kind=form.cleaned_data["kind"])
    return render(request, "directory/checker_start.html", {"form": form, "title": CHECKER_TITLE})


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
