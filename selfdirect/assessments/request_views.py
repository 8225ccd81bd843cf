"""Staff pages for requests for support (a "contact"; each is a CLD Request event).

Views stay thin: permission, selector or service, template. Person records are only fetched through
people.selectors, so a restricted record stays hidden from anyone who may not open it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, require, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people import selectors as people_selectors

from . import request_selectors as selectors
from . import services
from .models import SupportRequest
from .request_forms import (
    RequestConcludeForm,
    RequestCreatePersonForm,
    RequestFilterForm,
    RequestForm,
    RequestLinkForm,
)

PAGE_SIZE = 25
PROGRESS_TO_ASSESSMENT = "Progress to Assessment"


def _person_from_query(request):
    """The person named by ?person=<id>, through the access rule (404 if unknown, 403 if restricted)."""
    raw = request.GET.get("person", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("No such person")
    return people_selectors.person_get_for_user(user=request.user, pk=int(raw))


@staff_required(Action.REQUEST_RECORD)
def request_list(request):
    form = RequestFilterForm(request.GET)
    if not form.is_valid() and "person" in form.errors:
        raise Http404("No such person")
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    person = _person_from_query(request)
    if person is not None:
        audit_person_view(actor=request.user, person=person, what="Opened the record's requests", request=request)
    requests = selectors.request_list(user=request.user, status=status, person=person)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "person": person, "statuses": SupportRequest.Status}
    return render(request, "assessments/request_list.html", context)


@staff_required(Action.REQUEST_RECORD)
def request_create(request):
    person = _person_from_query(request)
    form = RequestForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = services.request_record(
                actor=request.user, person=person, request=request, **form.request_fields()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Request recorded for {support_request.subject_name}")
            return redirect(support_request)
    return render(request, "assessments/request_form.html", {"form": form, "person": person})


def _detail(request, support_request, person, *, error_form=None, conclude_form=None, create_form=None):
    """The request page. `error_form` is the form whose errors the error summary shows."""
    matches = []
    # A date of birth typed when creating the record (kept even when another field has an error).
    typed_birth = getattr(create_form, "cleaned_data", {}).get("date_of_birth")
    if person is None:
        matches = selectors.possible_matches(
            user=request.user, support_request=support_request, date_of_birth=typed_birth
        )
        if create_form is None:
            create_form = RequestCreatePersonForm(
                ask_date_of_birth=support_request.subject_date_of_birth is None, has_matches=bool(matches)
            )
    is_open = support_request.status == SupportRequest.Status.OPEN
    if conclude_form is None and is_open and person is not None:
        conclude_form = RequestConcludeForm()
    context = {
        "support_request": support_request,
        "person": person,
        "matches": matches,
        "create_form": create_form,
        "conclude_form": conclude_form,
        "form": error_form,
        "is_open": is_open,
        "can_create_person": can(request.user, Action.PERSON_CREATE),
    }
    return render(request, "assessments/request_detail.html", context)


@staff_required(Action.REQUEST_RECORD)
def request_detail(request, pk):
    support_request, person = selectors.request_get_for_user(user=request.user, pk=pk)
    if person is not None:
        audit_person_view(actor=request.user, person=person, what="Opened a request for support", request=request)
    return _detail(request, support_request, person)


@require_POST
@staff_required(Action.REQUEST_RECORD)
def request_link(request, pk):
    support_request, linked = selectors.request_get_for_user(user=request.user, pk=pk)
    form = RequestLinkForm(request.POST)
    if not form.is_valid():
        raise Http404("No such person")
    person = people_selectors.person_get_for_user(user=request.user, pk=form.cleaned_data["person_id"])
    try:
        services.request_link_person(
            support_request=support_request, person=person, actor=request.user, request=request
        )
    except DomainError as error:
        support_request.refresh_from_db()
        form.add_error(None, error.message)
        return _detail(request, support_request, linked, error_form=form)
    messages.success(request, f"Request linked to {person.full_name}'s record ({person.council_id})")
    return redirect(support_request)


@require_POST
@staff_required(Action.REQUEST_RECORD)
def request_create_person(request, pk):
    require(request.user, Action.PERSON_CREATE)
    support_request, linked = selectors.request_get_for_user(user=request.user, pk=pk)
    if linked is not None:
        form = RequestLinkForm({"person_id": linked.pk})
        form.is_valid()
        form.add_error(None, "This request is already linked to a person's record.")
        return _detail(request, support_request, linked, error_form=form)
    ask_birth = support_request.subject_date_of_birth is None
    matches = selectors.possible_matches(user=request.user, support_request=support_request)
    form = RequestCreatePersonForm(request.POST, ask_date_of_birth=ask_birth, has_matches=bool(matches))
    if not form.is_valid():
        return _detail(request, support_request, None, error_form=form, create_form=form)
    typed_birth = form.cleaned_data.get("date_of_birth")
    if typed_birth:
        # A date of birth typed now may match records the request alone did not.
        matches = selectors.possible_matches(
            user=request.user, support_request=support_request, date_of_birth=typed_birth
        )
    if matches:
        if "confirm_not_duplicate" not in form.fields:
            form = RequestCreatePersonForm(request.POST, ask_date_of_birth=ask_birth, has_matches=True)
            form.is_valid()
        if not form.cleaned_data.get("confirm_not_duplicate"):
            form.add_error(
                "confirm_not_duplicate",
                "There may already be a record for this person. Choose it, or confirm that none of these is them",
            )
            return _detail(request, support_request, None, error_form=form, create_form=form)
    extra = {"date_of_birth": typed_birth} if typed_birth else {}
    try:
        person = services.request_create_person(
            support_request=support_request, actor=request.user, request=request, **extra
        )
    except DomainError as error:
        support_request.refresh_from_db()
        form.add_domain_error(error)
        return _detail(request, support_request, None, error_form=form, create_form=form)
    messages.success(request, f"Record created for {person.full_name} ({person.council_id}) and linked to this request")
    return redirect(support_request)


@require_POST
@staff_required(Action.REQUEST_RECORD)
def request_conclude(request, pk):
    support_request, person = selectors.request_get_for_user(user=request.user, pk=pk)
    form = RequestConcludeForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.request_conclude(
                support_request=support_request,
                actor=request.user,
                request=request,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            # The service's transaction rolled back; the object in hand may not have.
            support_request.refresh_from_db()
            form.add_domain_error(error)
        else:
            if assessment is not None:
                messages.success(request, "Assessment started")
                return redirect(reverse("assessment_detail", args=[assessment.pk]))
            existing = support_request.assessments.order_by("id").first()
            if existing is not None and form.cleaned_data["outcome"] == PROGRESS_TO_ASSESSMENT:
                # An assessment (a self-assessment sent with the request) is already under way: carry on with it.
                messages.success(request, "Request concluded: the assessment already started continues")
                return redirect(reverse("assessment_detail", args=[existing.pk]))
            messages.success(request, "Request concluded")
            return redirect(support_request)
    return _detail(request, support_request, person, error_form=form, conclude_form=form)
