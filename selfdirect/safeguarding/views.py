"""Safeguarding pages: raising a concern (staff, and the public form), triage, enquiries, and break-glass openings
of restricted records. Views stay thin: permission first, then the selector or service, then the template."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from selfdirect.core.access import public
from selfdirect.core.audit import audit_record, client_ip
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person
from selfdirect.people.selectors import active_break_glass, can_see_restricted

from . import selectors, services
from .forms import (
    ActionForm,
    BreakGlassForm,
    CloseForm,
    EnquiryEditForm,
    MatchSearchForm,
    NameAllegedForm,
    PublicConcernForm,
    ReviewForm,
    StaffConcernForm,
    StageForm,
    TriageForm,
    as_choice,
)
from .models import EnquiryAction, SafeguardingConcern

PAGE_SIZE = 50
SESSION_REFERENCE = "safeguarding_concern_reference"
# The public form: at most this many concerns (or refused attempts) from one address in the window.
PUBLIC_WINDOW = datetime.timedelta(hours=1)
PUBLIC_LIMIT = 5
THROTTLED_MESSAGE = (
    "Too many concerns have been sent from this connection in the last hour. If someone is in danger now, phone "
    "999. Otherwise, phone the council's adult social care team, or try again later."
)
CONCERN_TYPE = "safeguarding.safeguardingconcern"


def _audit_read(request, obj, person_id, what):
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=obj, person_id=person_id, summary=what,
                 request=request)  # fmt: skip


# --------------------------------------------------------------------------------------------------
# The public form
# --------------------------------------------------------------------------------------------------


def _public_throttled(ip: str | None) -> bool:
    if not ip:
        return False
    since = timezone.now() - PUBLIC_WINDOW
    recent = AuditEvent.objects.filter(
        object_type=CONCERN_TYPE, actor__isnull=True, ip_address=ip, occurred_at__gte=since
    )
    return recent.count() >= PUBLIC_LIMIT


def _public_refused(request, why: str) -> None:
    audit_record(actor=None, action=AuditEvent.Action.DENIED, object_type=CONCERN_TYPE,
                 summary=f"Public concern refused: {why}", request=request)  # fmt: skip


@public
@require_http_methods(["GET", "HEAD", "POST"])
def concern_raise_public(request):
    """Anyone can tell the council they are worried about an adult, without signing in."""
    status = 200
    if request.method == "POST":
        form = PublicConcernForm(request.POST)
        if _public_throttled(client_ip(request)):
            _public_refused(request, "too many from this address")
            form.is_valid()  # so the answers are shown again, with the refusal on top
            form.errors.clear()
            form.add_error(None, THROTTLED_MESSAGE)
            status = 429
        elif form.is_valid():
            try:
                concern = services.concern_raise(from_public_form=True, request=request, **form.service_arguments())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                request.session[SESSION_REFERENCE] = concern.reference
                return redirect("concern_raise_public_sent")
        elif form.problem:
            _public_refused(request, {"honeypot": "hidden field filled in", "too_fast": "sent too quickly",
                                      "expired": "timestamp expired or altered"}[form.problem])  # fmt: skip
            if form.problem == "expired":
                form.refresh_timestamp()
    else:
        form = PublicConcernForm()
    context = {"form": form, "triage_days": CouncilSettings.current().safeguarding_triage_days}
    return render(request, "safeguarding/public_form.html", context, status=status)


@public
@require_http_methods(["GET", "HEAD"])
def concern_raise_public_sent(request):
    """The thank-you page: the reference number, and nothing about the person."""
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("concern_raise_public")
    context = {"reference": reference, "triage_days": CouncilSettings.current().safeguarding_triage_days}
    return render(request, "safeguarding/public_sent.html", context)


# --------------------------------------------------------------------------------------------------
# Staff raising a concern
# --------------------------------------------------------------------------------------------------


def _after_raising(request, concern):
    if selectors.can_see_safeguarding(user=request.user, person=concern.person):
        return redirect(concern)
    person = concern.person
    if person is not None and (not person.is_restricted or can_see_restricted(user=request.user, person=person)):
        return redirect(person)
    return redirect("home")


@staff_required(Action.SAFEGUARDING_RAISE)
def concern_raise_staff(request, pk=None):
    """Raise a concern: from a person's record (prefilled with them), or about anyone from the safeguarding menu.
    A concern can be raised about a restricted record too: only its name and council ID are shown."""
    person = get_object_or_404(Person, pk=pk) if pk is not None else None
    initial = {"raised_by": SafeguardingConcern.RaisedBy.WORKER, "raised_by_name": request.user.get_full_name()}
    if person is not None:
        initial |= {"subject_name": person.full_name, "subject_postcode": person.postcode}
    form = StaffConcernForm(request.POST or None, initial=initial)
    if person is not None and request.method == "GET":
        _audit_read(request, person, person.pk, "Opened raising a safeguarding concern")
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_raise(actor=request.user, person=person, request=request,
                                             **form.service_arguments())  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            due = timezone.localtime(concern.triage_due_at)
            messages.success(
                request,
                f"Safeguarding concern {concern.reference} raised: the safeguarding team will triage it by "
                f"{due:%-d %B %Y}",
            )
            return _after_raising(request, concern)
    visible = person is not None and (not person.is_restricted or can_see_restricted(user=request.user, person=person))
    context = {"form": form, "person": person, "person_visible": visible}
    return render(request, "safeguarding/concern_form.html", context)


# --------------------------------------------------------------------------------------------------
# Triage
# --------------------------------------------------------------------------------------------------


@staff_required(Action.SAFEGUARDING_TRIAGE)
def safeguarding_home(request):
    """The safeguarding lead's queue: concerns to triage and open enquiries, with what is overdue."""
    context = {
        "concerns": selectors.concerns_awaiting_triage(),
        "enquiries": selectors.enquiries_open(user=request.user),
        "overdue": selectors.overdue_counts(),
        "unreviewed": selectors.break_glass_unreviewed().count(),
    }
    return render(request, "safeguarding/home.html", context)


@staff_required(Action.SAFEGUARDING_RAISE)
def concern_detail(request, pk):
    concern = selectors.concern_get_for_user(user=request.user, pk=pk)
    _audit_read(request, concern, concern.person_id, f"Opened safeguarding concern {concern.reference}")
    context = {
        "concern": concern,
        "enquiry": getattr(concern, "enquiry", None),
        "can_triage": can(request.user, Action.SAFEGUARDING_TRIAGE),
    }
    return render(request, "safeguarding/concern_detail.html", context)


@staff_required(Action.SAFEGUARDING_TRIAGE)
def concern_match(request, pk):
    """Find the person's record a concern is about, and match it."""
    concern = selectors.concern_get_for_user(user=request.user, pk=pk)
    error = ""
    if request.method == "POST":
        raw = request.POST.get("person", "")
        person = Person.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if person is None:
            error = "Choose the person's record from the search results"
        else:
            try:
                services.concern_match_person(concern=concern, person=person, actor=request.user, request=request)
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"Concern {concern.reference} matched to {person.full_name}")
                return redirect(concern)
    search = MatchSearchForm(request.GET or {"q": concern.subject_name})
    kind, people = None, []
    if search.is_valid() and search.cleaned_data["q"]:
        kind, people = selectors.person_matches(user=request.user, query=search.cleaned_data["q"])
        audit_record(actor=request.user, action=AuditEvent.Action.SEARCH, object_type="people.person",
                     summary=f"Searched by {kind.replace('_', ' ')} to match concern {concern.reference}",
                     request=request)  # fmt: skip
    context = {"concern": concern, "search_form": search, "people": people, "kind": kind, "error": error}
    return render(request, "safeguarding/concern_match.html", context)


@staff_required(Action.SAFEGUARDING_TRIAGE)
def concern_name_alleged(request, pk):
    """Name the personal assistant or provider on the register that a concern (often from the public) is about."""
    concern = selectors.concern_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        _audit_read(request, concern, concern.person_id, f"Opened safeguarding concern {concern.reference}")
    form = NameAllegedForm(request.POST if request.method == "POST" else None)  # an empty post shows its errors
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_name_alleged(
                concern=concern,
                actor=request.user,
                alleged_pa=form.cleaned_data.get("alleged_pa"),
                alleged_provider=form.cleaned_data.get("alleged_provider"),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            pa = form.cleaned_data.get("alleged_pa")
            messages.success(request, f"{pa.full_name} named and suspended" if pa else "Provider named")
            return redirect(concern)
    return render(request, "safeguarding/concern_name_alleged.html", {"concern": concern, "form": form})


@staff_required(Action.SAFEGUARDING_TRIAGE)
def concern_triage(request, pk):
    concern = selectors.concern_get_for_user(user=request.user, pk=pk)
    if concern.status != SafeguardingConcern.Status.NEW:
        messages.info(request, f"Concern {concern.reference} has already been triaged")
        return redirect(concern)
    form = TriageForm(request.POST or None, lead_queryset=selectors.enquiry_lead_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_triage(concern=concern, actor=request.user, request=request, **form.service_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            concern.refresh_from_db()
            enquiry = getattr(concern, "enquiry", None)
            if enquiry is not None:
                messages.success(request, f"{enquiry.get_kind_display()} opened, led by {enquiry.lead}")
                return redirect(enquiry)
            messages.success(request, f"Concern {concern.reference} closed: no further safeguarding action")
            return redirect("safeguarding_home")
    return render(request, "safeguarding/concern_triage.html", {"concern": concern, "form": form})


# --------------------------------------------------------------------------------------------------
# Enquiries
# --------------------------------------------------------------------------------------------------


@staff_required(Action.SAFEGUARDING_ENQUIRE)
def enquiry_list(request):
    """Open enquiries (every one for safeguarding leads; otherwise those the user leads), and closed ones."""
    closed = request.GET.get("show") == "closed"
    enquiries = (selectors.enquiries_closed if closed else selectors.enquiries_open)(user=request.user)
    page = Paginator(enquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "safeguarding/enquiry_list.html", {"page": page, "closed": closed})


def _enquiry_page(request, enquiry, **extra):
    context = {
        "enquiry": enquiry,
        "concern": enquiry.concern,
        "actions": selectors.enquiry_actions(enquiry=enquiry),
        "can_change": enquiry.is_open and selectors.can_change_enquiry(user=request.user, enquiry=enquiry),
        "stage_form": StageForm(initial={"stage": enquiry.stage}),
        "today": timezone.localdate(),
    }
    return render(request, "safeguarding/enquiry_detail.html", context | extra)


@staff_required(Action.SAFEGUARDING_RAISE)
def enquiry_detail(request, pk):
    enquiry = selectors.enquiry_get_for_user(user=request.user, pk=pk)
    _audit_read(request, enquiry, enquiry.person_id, f"Opened safeguarding enquiry {enquiry.pk}")
    return _enquiry_page(request, enquiry)


def _changeable(request, pk):
    return selectors.enquiry_get_for_user(user=request.user, pk=pk, action=Action.SAFEGUARDING_ENQUIRE)


@staff_required(Action.SAFEGUARDING_ENQUIRE)
@require_POST
def enquiry_stage(request, pk):
    enquiry = _changeable(request, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.enquiry_stage_set(enquiry=enquiry, actor=request.user, stage=form.cleaned_data["stage"],
                                       request=request)  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            enquiry.refresh_from_db()
            messages.success(request, f"Stage: {enquiry.get_stage_display()}")
            return redirect(enquiry)
    return _enquiry_page(request, enquiry, stage_form=form)


@staff_required(Action.SAFEGUARDING_ENQUIRE)
def enquiry_edit(request, pk):
    enquiry = _changeable(request, pk)
    initial = {
        "safeguarding_plan": enquiry.safeguarding_plan,
        "needs_advocate": as_choice(enquiry.needs_advocate),
        "advocate_arranged": enquiry.advocate_arranged,
    }
    form = EnquiryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_update(enquiry=enquiry, actor=request.user, request=request, **form.service_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Safeguarding plan and advocacy saved")
            return redirect(enquiry)
    context = {"form": form, "enquiry": enquiry, "heading": "Safeguarding plan and advocacy", "submit": "Save"}
    return render(request, "safeguarding/enquiry_form.html", context)


@staff_required(Action.SAFEGUARDING_ENQUIRE)
def enquiry_action_add(request, pk):
    enquiry = _changeable(request, pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_action_add(enquiry=enquiry, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Action added")
            return redirect(enquiry)
    context = {"form": form, "enquiry": enquiry, "heading": "Add an action", "submit": "Add the action"}
    return render(request, "safeguarding/enquiry_form.html", context)


@staff_required(Action.SAFEGUARDING_ENQUIRE)
@require_POST
def enquiry_action_done(request, pk, action_pk):
    enquiry = _changeable(request, pk)
    item = get_object_or_404(EnquiryAction, pk=action_pk, enquiry=enquiry)
    try:
        services.enquiry_action_done(item=item, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Done: {item.action}")
    return redirect(enquiry)


@staff_required(Action.SAFEGUARDING_ENQUIRE)
def enquiry_close(request, pk):
    enquiry = _changeable(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_close(enquiry=enquiry, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Enquiry closed")
            return redirect(enquiry)
    context = {"form": form, "enquiry": enquiry, "heading": "Close the enquiry", "submit": "Close the enquiry"}
    return render(request, "safeguarding/enquiry_form.html", context)


# --------------------------------------------------------------------------------------------------
# Break glass
# --------------------------------------------------------------------------------------------------


@staff_required(Action.PERSON_VIEW)
def break_glass(request, pk):
    """A restricted record: say so, and offer to open it anyway with a reason (break glass)."""
    person = get_object_or_404(Person, pk=pk)
    if (
        not person.is_restricted
        or selectors.can_see_safeguarding(user=request.user, person=person)
        or active_break_glass(user=request.user, person=person) is not None
    ):
        return redirect(person)  # open to them already (or the glass is already broken)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            glass = services.break_glass_open(user=request.user, person=person, reason=form.cleaned_data["reason"],
                                              request=request)  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            until = timezone.localtime(glass.expires_at)
            messages.success(request, f"Record opened until {until:%H:%M}. The safeguarding lead has been told.")
            return redirect(person)
    minutes = CouncilSettings.current().break_glass_minutes
    return render(request, "safeguarding/break_glass.html", {"form": form, "person": person, "minutes": minutes})


@staff_required(Action.SAFEGUARDING_TRIAGE)
def break_glass_report(request):
    """Break-glass openings not yet reviewed, oldest first, and the latest reviewed."""
    context = {"unreviewed": selectors.break_glass_unreviewed(), "reviewed": selectors.break_glass_reviewed()}
    return render(request, "safeguarding/break_glass_report.html", context)


@staff_required(Action.SAFEGUARDING_TRIAGE)
def break_glass_review(request, pk):
    glass = selectors.break_glass_get(pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(glass=glass, actor=request.user, note=form.cleaned_data["note"],
                                        request=request)  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Opening by {glass.user} marked reviewed")
            return redirect("break_glass_report")
    return render(request, "safeguarding/break_glass_review.html", {"glass": glass, "form": form})
