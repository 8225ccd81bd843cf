"""The funding panel: scheduling meetings, their agendas and who attended. The decisions themselves are recorded
with services.support_plan_decide(meeting=...), which refuses a decision unless the plan is on the meeting's
agenda, the decider attended and the meeting is quorate.

Each change is one transaction with its audit record; a change that involves a plan also goes on the person's
timeline. A cancelled meeting cannot be changed.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings, User
from selfdirect.core.permissions import Action, can
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.people.models import PersonEvent
from selfdirect.people.services import person_change_record

from .models import PanelAgendaItem, PanelMeeting, SupportPlan

M = PanelMeeting.Status
PANEL_ROLES = (Role.PANEL_MEMBER, Role.TEAM_MANAGER)
MAX_QUORUM = 50


def panel_member_choices():
    """Staff who may sit on the funding panel: panel members and team managers."""
    return User.objects.filter(role__in=PANEL_ROLES, is_active=True).order_by("last_name", "first_name", "pk")


def _when(meeting: PanelMeeting) -> str:
    return f"{timezone.localtime(meeting.meets_at):%-d %B %Y %H:%M}"


def _names(users) -> list[str]:
    return sorted(str(u) for u in users)


def _manager(actor) -> None:
    if not can(actor, Action.PANEL_MANAGE):
        raise DomainError("Only panel members and team managers arrange funding panel meetings")


def _locked_meeting(meeting: PanelMeeting) -> PanelMeeting:
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == M.CANCELLED:
        raise DomainError("This meeting was cancelled, so it cannot be changed")
    return meeting


@transaction.atomic
def panel_meeting_schedule(
    *,
    actor,
    meets_at: datetime.datetime,
    members,
    location: str = "",
    chair=None,
    quorum=None,
    request=None,
) -> PanelMeeting:
    """Schedule a funding panel meeting with its members (panel members or team managers). The quorum is the
    council's (council settings) unless a larger one is given."""
    _manager(actor)
    if meets_at is None:
        raise DomainError("Enter the date and time of the meeting", field="meets_at")
    if timezone.is_naive(meets_at):
        meets_at = timezone.make_aware(meets_at)
    if meets_at < timezone.now():
        raise DomainError("The meeting must be in the future", field="meets_at")
    location = (location or "").strip()
    if len(location) > 200:
        raise DomainError("The location must be 200 characters or fewer", field="location")
    members = list(members or [])
    if not members:
        raise DomainError("Choose the members of the panel", field="members")
    allowed = set(panel_member_choices().values_list("pk", flat=True))
    outsiders = [m for m in members if m.pk not in allowed]
    if outsiders:
        raise DomainError(
            f"Only panel members and team managers sit on the panel: {', '.join(_names(outsiders))} cannot",
            field="members",
        )
    council_quorum = CouncilSettings.current().panel_quorum
    if quorum in (None, ""):
        quorum = council_quorum
    try:
        quorum = int(quorum)
    except (TypeError, ValueError):
        raise DomainError("Enter the quorum as a whole number, for example 3", field="quorum") from None
    if quorum < council_quorum:
        raise DomainError(
            f"The council's quorum for the funding panel is {council_quorum}: a meeting cannot need fewer members",
            field="quorum",
        )
    if quorum > MAX_QUORUM:
        raise DomainError(f"The quorum must be {MAX_QUORUM} or fewer", field="quorum")
    if quorum > len(members):
        raise DomainError(
            f"The meeting needs {quorum} members to be quorate but only {len(members)} are invited: "
            "choose more members",
            field="members",
        )
    if chair is not None and chair.pk not in {m.pk for m in members}:
        raise DomainError("The chair must be one of the members", field="chair")
    if PanelMeeting.objects.filter(meets_at=meets_at).exclude(status=M.CANCELLED).exists():
        raise DomainError("A panel meeting is already scheduled at that time", field="meets_at")
    meeting = PanelMeeting.objects.create(meets_at=meets_at, location=location, chair=chair, quorum=quorum)
    meeting.members.set(members)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=meeting,
        summary=f"Funding panel scheduled for {_when(meeting)}",
        changes={
            "meets_at": [None, meeting.meets_at.isoformat()],
            "location": [None, location],
            "members": [None, _names(members)],
            "chair": [None, str(chair) if chair else None],
            "quorum": [None, quorum],
        },
        request=request,
    )
    return meeting


@transaction.atomic
def panel_agenda_add(*, meeting: PanelMeeting, plan: SupportPlan, actor, request=None) -> PanelAgendaItem:
    """Put a plan that is with the funding panel on a meeting's agenda (at the end)."""
    _manager(actor)
    meeting = _locked_meeting(meeting)
    plan = SupportPlan.objects.select_related("person").get(pk=plan.pk)
    if plan.status != SupportPlan.Status.AT_PANEL:
        raise DomainError(
            f"This plan is {plan.get_status_display().lower()}: only plans with the funding panel go on its agenda",
            field="plan",
        )
    if meeting.agenda.filter(plan=plan).exists():
        raise DomainError("This plan is already on the meeting's agenda", field="plan")
    elsewhere = (
        PanelAgendaItem.objects.filter(plan=plan, meeting__status=M.SCHEDULED)
        .exclude(meeting=meeting)
        .select_related("meeting")
        .first()
    )
    if elsewhere is not None and not elsewhere.meeting.decisions.filter(plan=plan).exists():
        raise DomainError(
            f"This plan is already on the agenda of the meeting on {_when(elsewhere.meeting)}: take it off that "
            "agenda first",
            field="plan",
        )
    last = meeting.agenda.aggregate(last=Max("order"))["last"] or 0
    item = PanelAgendaItem.objects.create(meeting=meeting, plan=plan, order=last + 1)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=item,
        person=plan.person,
        summary=f"Plan {plan.pk} added to the funding panel agenda for {_when(meeting)}",
        event_type=PersonEvent.Type.PLAN,
        title=f"Support plan on the funding panel agenda for {_when(meeting)}",
        request=request,
    )
    return item


def _renumber(meeting: PanelMeeting) -> None:
    for order, item in enumerate(meeting.agenda.order_by("order", "id"), start=1):
        if item.order != order:
            PanelAgendaItem.objects.filter(pk=item.pk).update(order=order)


@transaction.atomic
def panel_agenda_remove(*, item: PanelAgendaItem, actor, request=None) -> None:
    """Take a plan off a meeting's agenda (not once the meeting has decided it)."""
    _manager(actor)
    meeting = _locked_meeting(item.meeting)
    item = PanelAgendaItem.objects.select_related("plan__person").get(pk=item.pk)
    if meeting.decisions.filter(plan_id=item.plan_id).exists():
        raise DomainError("The meeting has decided this plan, so it stays on the agenda")
    plan = item.plan
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=item,
        person=plan.person,
        summary=f"Plan {plan.pk} taken off the funding panel agenda for {_when(meeting)}",
        event_type=PersonEvent.Type.PLAN,
        title=f"Support plan taken off the funding panel agenda for {_when(meeting)}",
        request=request,
    )
    item.delete()
    _renumber(meeting)


@transaction.atomic
def panel_agenda_move(*, item: PanelAgendaItem, actor, direction: str, request=None) -> None:
    """Move an agenda item one place up or down."""
    _manager(actor)
    if direction not in ("up", "down"):
        raise DomainError("Choose whether to move the plan up or down")
    meeting = _locked_meeting(item.meeting)
    _renumber(meeting)
    items = list(meeting.agenda.order_by("order", "id"))
    index = next((n for n, i in enumerate(items) if i.pk == item.pk), None)
    if index is None:
        raise DomainError("That plan is not on this meeting's agenda")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    a, b = items[index], items[other]
    PanelAgendaItem.objects.filter(pk=a.pk).update(order=b.order)
    PanelAgendaItem.objects.filter(pk=b.pk).update(order=a.order)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=meeting,
        summary=f"Agenda for {_when(meeting)}: plan {a.plan_id} moved {direction}",
        changes={"order": [[i.plan_id for i in items], [i.plan_id for i in _swapped(items, index, other)]]},
        request=request,
    )


def _swapped(items: list, i: int, j: int) -> list:
    items = list(items)
    items[i], items[j] = items[j], items[i]
    return items


@transaction.atomic
def panel_attendance_record(
    *, meeting: PanelMeeting, actor, attendees, today: datetime.date | None = None, request=None
) -> PanelMeeting:
    """Record which members attended (from the day of the meeting). The meeting is then held. Someone who has
    recorded a decision at the meeting stays recorded as attending."""
    _manager(actor)
    meeting = _locked_meeting(meeting)
    today = today or timezone.localdate()
    if timezone.localtime(meeting.meets_at).date() > today:
        raise DomainError("Attendance can be recorded from the day of the meeting", field="attendees")
    attendees = list(attendees or [])
    members = set(meeting.members.values_list("pk", flat=True))
    strangers = [a for a in attendees if a.pk not in members]
    if strangers:
        raise DomainError(
            f"Only the meeting's members can attend it: {', '.join(_names(strangers))} is not a member",
            field="attendees",
        )
    kept = {a.pk for a in attendees}
    deciders = User.objects.filter(pk__in=meeting.decisions.values("decided_by")).exclude(pk__in=kept)
    if deciders.exists():
        raise DomainError(
            f"{', '.join(_names(deciders))} recorded decisions at this meeting, so they attended it",
            field="attendees",
        )
    before = _names(meeting.attendees.all())
    meeting.attendees.set(attendees)
    was = meeting.status
    if attendees:
        meeting.status = M.HELD
        meeting.save(update_fields=["status"])
    after = _names(attendees)
    present, needed = len(attendees), meeting.quorum
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=meeting,
        summary=f"Attendance at the funding panel on {_when(meeting)}: {present} of {needed} needed"
        + (" (quorate)" if present >= needed else " (not quorate)"),
        changes={"attendees": [before, after], **({"status": [was, meeting.status]} if was != meeting.status else {})},
        request=request,
    )
    return meeting


@transaction.atomic
def panel_meeting_cancel(*, meeting: PanelMeeting, actor, reason: str, request=None) -> PanelMeeting:
    """Cancel a meeting that has made no decisions. Its plans stay with the panel for another meeting."""
    _manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the meeting is cancelled", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason must be 300 characters or fewer", field="reason")
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == M.CANCELLED:
        raise DomainError("This meeting is already cancelled")
    if meeting.decisions.exists():
        raise DomainError("This meeting has made decisions, so it cannot be cancelled")
    was = meeting.status
    meeting.status = M.CANCELLED
    meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=meeting,
        summary=f"Funding panel on {_when(meeting)} cancelled: {reason}"[:300],
        changes={"status": [was, M.CANCELLED.value]},
        request=request,
    )
    for item in meeting.agenda.select_related("plan__person"):
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=item,
            person=item.plan.person,
            summary=f"Funding panel on {_when(meeting)} cancelled: plan {item.plan_id} needs another meeting",
            event_type=PersonEvent.Type.PLAN,
            title=f"Funding panel on {_when(meeting)} cancelled",
            detail=f"{reason} The plan stays with the funding panel for its next meeting.",
            request=request,
        )
    return meeting
