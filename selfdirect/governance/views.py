"""The data protection officer's pages (subject access, retention review and schedule) and the unusual-access
report with its staff flags. Thin: permission first, then the selector or service, then the template."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person

from . import selectors, services
from .forms import FlagForm, GovernanceSettingsForm, PersonReferenceForm, RetentionDecisionForm, UnusualAccessForm
from .models import GovernanceSettings, SensitiveRecordFlag
from .subject_access import build_bundle

SECTION = "governance"


# --- subject access ------------------------------------------------------------------------------------------


@staff_required(Action.SUBJECT_ACCESS)
def subject_access(request):
    """Find the person, see what the bundle will hold (how many records of each kind, what is marked for review),
    then download it."""
    form = PersonReferenceForm(request.GET or None)
    preview = None
    if request.GET and form.is_valid():
        person = selectors.person_by_reference(form.cleaned_data["reference"])
        if person is None:
            form.add_error("reference", "No record has that council person ID")
        else:
            preview = build_bundle(person=person, generated_by=str(request.user))
            audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=person, person_id=person.pk,
                         request=request, summary="Subject access: previewed what is held")  # fmt: skip
    context = {"form": form, "preview": preview, "section": SECTION}
    if preview:
        context["counts"] = [(rows[0].model, len(rows)) for rows in preview.by_model().values()]
        context["marked"] = [(row, mark) for row in preview.rows for mark in row.review]
    return render(request, "governance/subject_access.html", context)


@staff_required(Action.SUBJECT_ACCESS)
@require_POST
def subject_access_download(request, pk):
    person = get_object_or_404(Person, pk=pk)
    bundle = services.subject_access_produce(person=person, actor=request.user, request=request)
    response = HttpResponse(services.bundle_zip(bundle), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{services.bundle_file_stem(bundle)}.zip"'
    return response


# --- retention -----------------------------------------------------------------------------------------------


@staff_required(Action.RETENTION_REVIEW)
def retention_review(request):
    due = selectors.retention_review_list()
    return render(request, "governance/retention_list.html",
                  {"due": due, "settings": GovernanceSettings.current(), "section": SECTION})  # fmt: skip


@staff_required(Action.RETENTION_REVIEW)
def retention_decide(request, pk):
    person = get_object_or_404(Person, pk=pk)
    status = selectors.retention_status(person=person)
    if not status.is_due:
        raise Http404("This record is not past its retention date.")
    form = RetentionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.retention_decide(person_pk=person.pk, actor=request.user, request=request,
                                                 **form.cleaned_data)  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Record {decision.person_number}: {decision.get_decision_display().lower()}")
            return redirect("retention_review")
    else:
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, obj=person, person_id=person.pk,
                     request=request, summary="Retention review: opened the record's decision page")  # fmt: skip
    return render(request, "governance/retention_decide.html",
                  {"form": form, "status": status, "person": person, "section": SECTION})  # fmt: skip


@staff_required(Action.RETENTION_REVIEW)
def retention_settings(request):
    row = GovernanceSettings.current()
    form = GovernanceSettingsForm(request.POST or None, initial={f: getattr(row, f) for f in services.SETTINGS_FIELDS})
    if request.method == "POST" and form.is_valid():
        services.governance_settings_update(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, "Retention schedule saved")
        return redirect("retention_review")
    return render(request, "governance/settings.html", {"form": form, "section": SECTION})


# --- unusual access ------------------------------------------------------------------------------------------


@staff_required(Action.AUDIT_ALL)
def unusual_access(request):
    defaults = GovernanceSettings.current()
    data = request.GET if request.GET else None
    form = UnusualAccessForm(data, initial={"days": defaults.unusual_access_days,
                                            "threshold": defaults.unusual_access_threshold})  # fmt: skip
    report = None
    if data is None or form.is_valid():
        chosen = (
            form.cleaned_data
            if data is not None
            else {"days": defaults.unusual_access_days, "threshold": defaults.unusual_access_threshold}
        )
        report = selectors.unusual_access_report(**chosen)
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, object_type="governance.unusual_access",
                     request=request, summary=f"Unusual-access report, last {chosen['days']} days")  # fmt: skip
    return render(request, "governance/unusual_access.html", {"form": form, "report": report, "section": SECTION})


@staff_required(Action.AUDIT_ALL)
def flags(request):
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.person_by_reference(form.cleaned_data["council_id"])
        staff = None
        if form.cleaned_data["staff_username"]:
            staff = (
                get_user_model().objects.exclude(role="").filter(username=form.cleaned_data["staff_username"]).first()
            )
            if staff is None:
                form.add_error("staff_username", "No member of staff has that username")
        if person is None:
            form.add_error("council_id", "No record has that council person ID")
        if not form.errors:
            try:
                services.flag_add(person=person, kind=form.cleaned_data["kind"], staff_member=staff,
                                  actor=request.user, request=request)  # fmt: skip
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Record {person.council_id} flagged")
                return redirect("governance_flags")
    rows = SensitiveRecordFlag.objects.select_related("person", "staff_member", "flagged_by").order_by("-flagged_at")
    return render(request, "governance/flags.html", {"form": form, "rows": rows, "section": SECTION,
                                                      "today": timezone.localdate()})  # fmt: skip


@staff_required(Action.AUDIT_ALL)
@require_POST
def flag_remove(request, pk):
    flag = get_object_or_404(SensitiveRecordFlag, pk=pk)
    services.flag_remove(flag=flag, actor=request.user, request=request)
    messages.success(request, "Flag removed")
    return redirect("governance_flags")
