from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.core.paginator import Paginator
from django.dispatch import receiver
from django.shortcuts import redirect, render

from selfdirect.people.selectors import caseload_for_worker

from .access import public
from .audit import audit_record
from .models import AuditEvent
from .permissions import Action, can, staff_required


def home(request):
    """Staff home; people with portal accounts are taken to the portal's home instead."""
    if request.user.is_authenticated and request.user.is_portal_user:
        return redirect("portal_home")
    return _staff_home(request)


home.access = "staff"


@staff_required()
def _staff_home(request):
    user = request.user
    recent_ids = (
        AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.VIEW, person_id__isnull=False)
        .order_by("-occurred_at")
        .values_list("person_id", flat=True)[:50]
    )
    context = {"caseload_count": None, "recent": []}
    if can(user, Action.CASELOAD_OWN):
        context["caseload_count"] = caseload_for_worker(worker=user).count()
    if can(user, Action.PERSON_VIEW):
        from selfdirect.people.models import Person

        ordered = list(dict.fromkeys(recent_ids))[:8]
        by_id = Person.objects.in_bulk(ordered)
        context["recent"] = [by_id[pk] for pk in ordered if pk in by_id]
    context["teams"] = user.teams.all()
    return render(request, "core/home.html", context)


@public
def accessibility(request):
    return render(request, "core/accessibility.html")


@staff_required(Action.AUDIT_ALL)
def audit_log(request):
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "actions": AuditEvent.Action, "action": action})


@receiver(user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditEvent.Action.SIGN_IN, obj=user, summary="Signed in", request=request)


@receiver(user_logged_out)
def _audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.SIGN_OUT, obj=user, summary="Signed out", request=request)


@receiver(user_login_failed)
def _audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    # The username typed is kept (to spot attacks on one account); never the password.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        object_type="core.user",
        object_id=username.strip().lower()[:40],
        summary=f"Failed sign-in as {username!r}",
        request=request,
    )


@staff_required(Action.STAFF_MANAGE)
def code_lists(request):
    """Administrators see every CLD code list, which ones the reference leaves UNCONFIRMED, and confirm them."""
    from django.contrib import messages

    from .code_lists import code_list_confirm
    from .code_lists import code_lists as all_lists
    from .services import DomainError

    if request.method == "POST":
        try:
            code_list_confirm(
                name=request.POST.get("list_name", ""),
                actor=request.user,
                note=request.POST.get("note", ""),
                request=request,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Code list confirmed")
        return redirect("code_lists")
    return render(request, "core/code_lists.html", {"lists": all_lists()})
