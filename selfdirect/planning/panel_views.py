"""Approval: the funding panel's meetings, agendas, attendance and decisions, the plans waiting for a panel, and
a team manager's queue of plans to decide. Permission is checked before anything is fetched, so an id typed into
a URL reveals nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from selfdirect.core.audit import audit_person_view
from selfdirect.core.models import CouncilSettings
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError

from . import panel_services as services
from . import report_selectors as selectors
from .models import PanelMeeting, PlanDecision, SupportPlan
from .panel_forms import (
    AgendaAddForm,
    AgendaMoveForm,
    AttendanceForm,
    CancelMeetingForm,
    PanelDecisionForm,
    PanelMeetingForm,
    ProblemForm,
)
from .selectors import plan_get_for_user
from .services import support_plan_decide

PAGE_SIZE = 25


@staff_required(Action.PANEL_DECIDE)
def panel_meetings(request):
    """Upcoming meetings, soonest first, then earlier ones."""
    past = Paginator(selectors.panel_meetings(upcoming=False), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "upcoming": selectors.panel_meetings(upcoming=True),
        "past": past,
        "page": past,
        "can_manage": can(request.user, Action.PANEL_MANAGE),
        "waiting": SupportPlan.objects.filter(status=SupportPlan.Status.AT_PANEL).count(),
    }
    return render(request, "planning/panel_meetings.html", context)


@staff_required(Action.PANEL_MANAGE)
def panel_meeting_schedule(request):
    form = PanelMeetingForm(request.POST or None, initial={"quorum": CouncilSettings.current().panel_quorum})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.panel_meeting_schedule(
                actor=request.user,
                meets_at=form.meets_at(),
                location=data["location"],
                members=data["members"],
                chair=data["chair"],
                quorum=data["quorum"],
                request=request,
            )
        except DomainError as error:
            if error.field == "meets_at":
                error.field = "date"
            form.add_domain_error(error)
        else:
            messages.success(request, f"{meeting} scheduled")
            return redirect("panel_meeting", pk=meeting.pk)
    return render(request, "planning/panel_schedule.html", {"form": form})


def _meeting_page(request, meeting: PanelMeeting, *, form=None):
    """The meeting page; `form` carries a problem from one of its buttons for the error summary."""
    can_manage = can(request.user, Action.PANEL_MANAGE)
    rows = selectors.agenda_rows(meeting=meeting, user=request.user)
    on_agenda = {row.plan.pk for row in rows}
    waiting = []
    if can_manage and meeting.status != PanelMeeting.Status.CANCELLED:
        waiting = [w for w in selectors.plans_waiting_for_panel(user=request.user) if w.plan.pk not in on_agenda]
    attendees = list(meeting.attendees.all())
    context = {
        "meeting": meeting,
        "rows": rows,
        "members": list(meeting.members.all()),
        "attendees": attendees,
        "attended": any(a.pk == request.user.pk for a in attendees),
        "quorate": selectors.is_quorate(meeting),
        "cancelled": meeting.status == PanelMeeting.Status.CANCELLED,
        "can_manage": can_manage,
        "can_decide": can(request.user, Action.PANEL_DECIDE),
        "waiting": waiting,
        "form": form,
    }
    return render(request, "planning/panel_meeting.html", context)


@staff_required(Action.PANEL_DECIDE)
def panel_meeting(request, pk):
    """A meeting: when and where, members and who attended, whether it is quorate, and its agenda."""
    return _meeting_page(request, selectors.panel_meeting_get(pk=pk))


def _failed(request, meeting, error: DomainError):
    return _meeting_page(request, meeting, form=ProblemForm.showing(error))


@staff_required(Action.PANEL_MANAGE)
@require_POST
def panel_agenda_add(request, pk):
    meeting = selectors.panel_meeting_get(pk=pk)
    form = AgendaAddForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, form=form)
    plan = SupportPlan.objects.filter(pk=form.cleaned_data["plan"]).first()
    if plan is None:
        return _failed(request, meeting, DomainError("That plan does not exist: choose one from the list"))
    try:
        services.panel_agenda_add(meeting=meeting, plan=plan, actor=request.user, request=request)
    except DomainError as error:
        return _failed(request, meeting, error)
    messages.success(request, f"Plan {plan.pk} added to the agenda")
    return redirect("panel_meeting", pk=meeting.pk)


@staff_required(Action.PANEL_MANAGE)
@require_POST
def panel_agenda_remove(request, pk, item_pk):
    meeting = selectors.panel_meeting_get(pk=pk)
    item = selectors.agenda_item_get(meeting=meeting, pk=item_pk)
    try:
        services.panel_agenda_remove(item=item, actor=request.user, request=request)
    except DomainError as error:
        return _failed(request, meeting, error)
    messages.success(request, f"Plan {item.plan_id} taken off the agenda")
    return redirect("panel_meeting", pk=meeting.pk)


@staff_required(Action.PANEL_MANAGE)
@require_POST
def panel_agenda_move(request, pk, item_pk):
    meeting = selectors.panel_meeting_get(pk=pk)
    item = selectors.agenda_item_get(meeting=meeting, pk=item_pk)
    form = AgendaMoveForm(request.POST)
    if not form.is_valid():
        return _failed(request, meeting, DomainError("Choose whether to move the plan up or down"))
    try:
        services.panel_agenda_move(
            item=item, actor=request.user, direction=form.cleaned_data["direction"], request=request
        )
    except DomainError as error:
        return _failed(request, meeting, error)
    return redirect(f"{meeting.get_absolute_url()}#agenda")


@staff_required(Action.PANEL_MANAGE)
def panel_attendance(request, pk):
    """Record who attended (members only); the meeting page then shows whether it was quorate."""
    meeting = selectors.panel_meeting_get(pk=pk)
    form = AttendanceForm(
        request.POST or None, meeting=meeting, initial={"attendees": [a.pk for a in meeting.attendees.all()]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_attendance_record(
                meeting=meeting, actor=request.user, attendees=form.cleaned_data["attendees"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Attendance recorded")
            return redirect("panel_meeting", pk=meeting.pk)
    return render(request, "planning/panel_attendance.html", {"form": form, "meeting": meeting})


@staff_required(Action.PANEL_MANAGE)
def panel_meeting_cancel(request, pk):
    meeting = selectors.panel_meeting_get(pk=pk)
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_meeting_cancel(
                meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{meeting} cancelled")
            return redirect("panel_meeting", pk=meeting.pk)
    return render(request, "planning/panel_cancel.html", {"form": form, "meeting": meeting})


@staff_required(Action.PANEL_DECIDE)
def panel_decision(request, pk, item_pk):
    """The panel's decision on one plan on the agenda: approve, approve with changes, or return with a category
    and written reasons. The service refuses it unless the meeting is quorate and the decider attended."""
    meeting = selectors.panel_meeting_get(pk=pk)
    item = selectors.agenda_item_get(meeting=meeting, pk=item_pk)
    plan = plan_get_for_user(user=request.user, pk=item.plan_id, action=Action.PANEL_DECIDE)
    audit_person_view(
        actor=request.user, person=plan.person, what=f"Opened plan {plan.pk} at the funding panel", request=request
    )
    decided = PlanDecision.objects.filter(plan=plan, meeting=meeting).select_related("decided_by").first()
    form = PanelDecisionForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and decided is None and form.is_valid():
        data = form.cleaned_data
        try:
            support_plan_decide(
                plan=plan,
                actor=request.user,
                expected_version=data["version"],
                outcome=data["outcome"],
                reasons=data["reasons"],
                return_category=data["return_category"],
                changes_required=data["changes_required"],
                meeting=meeting,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Decision recorded for plan {plan.pk}")
            return redirect("panel_meeting", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "item": item,
        "plan": plan,
        "person": plan.person,
        "form": form,
        "decided": decided,
        "quorate": selectors.is_quorate(meeting),
        "attended": meeting.attendees.filter(pk=request.user.pk).exists(),
        "present": meeting.attendees.count(),
        "clock": selectors.plan_clock_summary(plan=plan),
    }
    return render(request, "planning/panel_decision.html", context)


@staff_required(Action.PANEL_DECIDE)
def panel_waiting(request):
    """Plans with the funding panel, longest waiting first, and the meeting each is listed for."""
    context = {
        "rows": selectors.plans_waiting_for_panel(user=request.user),
        "can_manage": can(request.user, Action.PANEL_MANAGE),
    }
    return render(request, "planning/panel_waiting.html", context)


@staff_required(Action.PLAN_APPROVE)
def manager_plan_queue(request):
    """Plans waiting for a team manager's decision in the signed-in manager's teams, longest waiting first."""
    context = {"rows": selectors.plans_for_manager(user=request.user)}
    return render(request, "planning/panel_manager_queue.html", context)
