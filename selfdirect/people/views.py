"""Person record pages. Views stay thin: permission, selector or service, template."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from selfdirect.core.audit import audit_person_view, audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.workforce.models import Team

from . import selectors, services
from .forms import AllocationForm, ContactForm, NoteForm, PersonCreateForm, PersonEditForm, SearchForm
from .models import CaseNote, Contact

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@staff_required(Action.PERSON_VIEW)
def person_search(request):
    form = SearchForm(request.GET or None)
    kind, page = None, None
    if form.is_valid() and form.cleaned_data["q"]:
        kind, people = selectors.person_search(user=request.user, query=form.cleaned_data["q"])
        page = _page(request, people)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            object_type="people.person",
            summary=f"Searched by {kind.replace('_', ' ')}",
            request=request,
        )
    return render(request, "people/search.html", {"search_form": form, "kind": kind, "page": page})


@staff_required(Action.PERSON_CREATE)
def person_create(request):
    form = PersonCreateForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.person_fields()
        duplicates = list(
            selectors.duplicates_for(
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                nhs_number=data["nhs_number"],
            )
        )
        same_nhs = [p for p in duplicates if data["nhs_number"] and p.nhs_number == data["nhs_number"]]
        if same_nhs:
            form.add_error("nhs_number", "A person with this NHS number already has a record: open it below")
        elif duplicates and not form.cleaned_data["confirm_not_duplicate"]:
            form.add_error(
                "confirm_not_duplicate",
                "There may already be a record for this person. Open it, or confirm that none of these is them",
            )
        else:
            try:
                person = services.person_create(actor=request.user, request=request, **data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Record created for {person.full_name} ({person.council_id})")
                return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "duplicates": duplicates, "creating": True})


@staff_required(Action.PERSON_VIEW)
def person_detail(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the person's record", request=request)
    context = {
        "person": person,
        "contacts": person.contacts.all(),
        "events": person.events.select_related("actor")[:10],
        "allocation": person.allocations.select_related("allocated_by").first(),
        "assessments": person.assessments.order_by("-started_on", "-id")[:10],
        # Everyone knows their money: the latest figures, each linking to how it was reached.
        "indicative": person.indicative_budgets.order_by("-computed_at").first(),
        "financial": person.financial_assessments.filter(status="complete").select_related("year").first(),
        "budget": person.personal_budgets.filter(is_current=True).first(),
        "can_edit": can(request.user, Action.PERSON_EDIT),
        "can_note": can(request.user, Action.NOTE_ADD),
        "can_allocate": can(request.user, Action.ALLOCATE),
        "can_audit": can(request.user, Action.AUDIT_PERSON),
    }
    return render(request, "people/person_detail.html", context)


@staff_required(Action.PERSON_EDIT)
def person_edit(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    initial = {name: getattr(person, name) for name in PersonEditForm.FIELDS} | {"version": person.version}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                request=request,
                **form.person_fields(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Details saved")
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@staff_required(Action.PERSON_EDIT)
def contact_edit(request, pk, contact_pk=None):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    contact = get_object_or_404(Contact, pk=contact_pk, person=person) if contact_pk else Contact(person=person)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        fields = form.contact_fields()
        if contact.pk:
            services.contact_update(contact=contact, actor=request.user, request=request, **fields)
            messages.success(request, f"Contact {contact.name} saved")
        else:
            contact = services.contact_add(person=person, actor=request.user, request=request, **fields)
            messages.success(request, f"Contact {contact.name} added")
        return redirect(person)
    heading = f"Change {contact.name}" if contact.pk else f"Add someone who supports {person.known_as}"
    context = {"form": form, "person": person, "heading": heading, "submit_label": "Save contact"}
    return render(request, "people/form_page.html", context)


@staff_required(Action.NOTE_ADD)
def note_create(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.note_add(person=person, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, "Case note added")
        return redirect("person_timeline", pk=person.pk)
    context = {"form": form, "person": person, "heading": "Add a case note", "submit_label": "Save note"}
    return render(request, "people/form_page.html", context)


@staff_required(Action.PERSON_VIEW)
def person_timeline(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the timeline", request=request)
    page = _page(request, person.events.select_related("actor", "note"))
    return render(request, "people/timeline.html", {"person": person, "page": page, "kinds": CaseNote.Kind})


@staff_required(Action.ALLOCATE)
def person_allocate(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = AllocationForm(
        request.POST or None, initial={"team": person.allocated_team, "worker": person.allocated_worker}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_allocate(person=person, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{person.full_name} allocated")
            _warn_if_unqualified_for(request, person, form.cleaned_data)
            return redirect(person)
    history = person.allocations.select_related("team", "worker", "allocated_by")
    context = {"form": form, "person": person, "history": history, "heading": "Allocate or reallocate"}
    return render(request, "people/allocate.html", context | {"submit_label": "Allocate"})


def _warn_if_unqualified_for(request, person, allocated: dict) -> None:
    """Complex and safeguarding work belongs with qualified social workers: say so when it has just gone to
    someone else (the allocation stands: a manager may have reasons, and the allocation check keeps listing it)."""
    from selfdirect.workforce.selectors import allocation_concerns

    worker = allocated.get("worker")
    if worker is None or not any(c.person.pk == person.pk for c in allocation_concerns(team=allocated["team"])):
        return
    messages.warning(
        request,
        f"{person.full_name} has complex or safeguarding work, and {worker} is not recorded as a qualified social "
        "worker. The allocation check lists this until it changes.",
    )


@staff_required(Action.AUDIT_PERSON)
def person_audit(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the record's audit trail", request=request)
    page = _page(request, selectors.person_audit_trail(person=person))
    return render(request, "people/audit.html", {"person": person, "page": page})


@staff_required(Action.CASELOAD_OWN)
def my_caseload(request):
    page = _page(request, selectors.caseload_for_worker(worker=request.user))
    return render(request, "people/caseload.html", {"page": page, "title": "My caseload", "mine": True})


@staff_required(Action.CASELOAD_TEAMS)
def team_list(request):
    return render(request, "people/team_list.html", {"teams": selectors.team_summaries()})


@staff_required(Action.CASELOAD_TEAMS)
def team_caseload(request, team_pk):
    team = get_object_or_404(Team, pk=team_pk)
    # Analysts see the counts; only roles that may view people see the names.
    people = _page(request, selectors.team_caseload(team=team)) if can(request.user, Action.PERSON_VIEW) else None
    context = {"team": team, "page": people, "workers": selectors.worker_caseload_counts(team=team)}
    return render(request, "people/team_caseload.html", context)
