"""The council settings page: choices each council makes for itself (not national rules), changed by an
administrator, every change audited with its old and new values.

`council_settings_update` is the service the page uses (kept here, beside the only page that changes settings).
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from .audit import audit_record, diff, snapshot
from .models import AuditEvent, CouncilSettings
from .permissions import Action, staff_required
from .services import DomainError, StaleEditError
from .settings_forms import CouncilSettingsForm

AUDITED = list(CouncilSettingsForm.FIELDS)


def _stamp(settings: CouncilSettings) -> str:
    return settings.updated_at.isoformat() if settings.updated_at else ""


@transaction.atomic
def council_settings_update(*, actor, seen: str | None = None, request=None, **fields) -> CouncilSettings:
    """Change the council's settings. `seen` is the stamp of the settings the change started from: if someone
    else has saved since, nothing is changed."""
    unknown = set(fields) - set(AUDITED)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}")
    if "pa_checks_policy" in fields and fields["pa_checks_policy"] not in CouncilSettings.PaChecksPolicy.values:
        raise DomainError("Choose the council's policy on personal assistants' checks", field="pa_checks_policy")
    CouncilSettings.current()  # make sure the row exists before locking it
    settings = CouncilSettings.objects.select_for_update().get(pk=1)
    if seen is not None and seen != _stamp(settings):
        raise StaleEditError(
            "Someone else changed the settings while you were editing them. Your changes have not been saved: "
            "check the values below and save again."
        )
    before = snapshot(settings, AUDITED)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.updated_by = actor if getattr(actor, "pk", None) else None
    settings.save()
    changes = diff(before, snapshot(settings, AUDITED))
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=settings,
            summary="Changed the council settings: " + ", ".join(CouncilSettings._meta.get_field(n).verbose_name
                                                                for n in changes),
            changes=changes,
            request=request,
        )  # fmt: skip
    return settings


@staff_required(Action.SETTINGS_MANAGE)
def council_settings(request):
    settings = CouncilSettings.current()
    initial = {**snapshot(settings, AUDITED), "seen": _stamp(settings)}
    initial["manager_approval_limit_weekly"] = settings.manager_approval_limit_weekly
    form = CouncilSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            council_settings_update(
                actor=request.user,
                seen=form.cleaned_data.get("seen") or None,
                request=request,
                **form.service_arguments(),
            )
        except DomainError as error:
            form.add_domain_error(error)
            if isinstance(error, StaleEditError):
                fresh = CouncilSettings.current()
                form.data = form.data.copy()
                form.data["seen"] = _stamp(fresh)
        else:
            messages.success(request, "Council settings saved")
            return redirect("council_settings")
    context = {"form": form, "settings": settings}
    return render(request, "core/council_settings.html", context)
