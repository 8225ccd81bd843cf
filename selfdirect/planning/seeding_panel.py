"""Synthetic support-planning organisations and funding panel meetings for the demo council (`seed_council`).

- Four organisations: a user-led organisation, a carers' centre, an advocacy charity offering non-directed
  advocacy, and a small one with two places a month that is full, with a queue (when there are plans being written
  to refer to it).
- Three panel meetings: one held last week (quorate) and two coming up, with members drawn from the staff who sit
  on the panel (panel members and team managers).

Order when resetting: `reset_planning_organisations_and_panels()` removes referrals and agenda items (which refer
to plans) and any meetings and organisations nothing else refers to; delete plans and decisions, then call it
again to remove the rest. All names and contact details are made up.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings, User
from selfdirect.core.permissions import Action, can
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError

from .models import PanelAgendaItem, PanelMeeting, PlanningOrganisation, PlanningReferral, SupportPlan
from .panel_services import panel_agenda_add, panel_member_choices
from .referral_services import planning_referral_make

ORGANISATIONS = (
    {
        "name": "Northmoor Disabled People's Forum",
        "description": "A user-led organisation run by disabled people. Peer support planners plan with disabled "
        "adults and their families, including direct payments and employing personal assistants.",
        "monthly_capacity": 8,
        "non_directed_advocacy": False,
        "phone": "01632 960410",
        "email": "planning@northmoor-dpf.example",
    },
    {
        "name": "Moorside Carers' Centre",
        "description": "Plans with carers and the people they care for: breaks, emergency plans and support that "
        "fits around caring.",
        "monthly_capacity": 5,
        "non_directed_advocacy": False,
        "phone": "01632 960522",
        "email": "support@moorside-carers.example",
    },
    {
        "name": "Northmoor Advocacy Partnership",
        "description": "An independent advocacy charity. Its advocates plan with people who cannot direct their own "
        "planning (non-directed advocacy), as well as Care Act advocacy.",
        "monthly_capacity": 4,
        "non_directed_advocacy": True,
        "phone": "01632 960633",
        "email": "referrals@northmoor-advocacy.example",
    },
    {
        "name": "Brightwell Community Planning",
        "description": "A small community interest company in Brightwell: two new referrals a month.",
        "monthly_capacity": 2,
        "non_directed_advocacy": False,
        "phone": "01632 960744",
        "email": "hello@brightwell-planning.example",
    },
)
SMALL = "Brightwell Community Planning"
USER_LED = "Northmoor Disabled People's Forum"
PANEL_SIZE = 5


def reset_planning_organisations_and_panels() -> None:
    """Remove referrals and agenda items, then meetings without decisions and organisations without plans."""
    PlanningReferral.objects.all().delete()
    PanelAgendaItem.objects.all().delete()
    PanelMeeting.objects.filter(decisions__isnull=True).delete()
    PlanningOrganisation.objects.filter(plans__isnull=True).delete()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _weekday(day: datetime.date) -> datetime.date:
    """The same day, or the Monday after if it falls at a weekend."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _referrer():
    worker = User.objects.filter(username="social.worker", is_active=True).first()
    if worker is not None and can(worker, Action.PLAN_WRITE):
        return worker
    return (
        User.objects.filter(role__in=(Role.SOCIAL_WORKER, Role.SUPPORT_PLANNER), is_active=True).order_by("pk").first()
    )


def _refer(plans, organisation, actor, rng, today, wanted: int) -> tuple[int, int]:
    """Refer up to `wanted` of `plans` (each referred a few days ago, so waits show). Returns (made, queued)."""
    made = queued = 0
    while plans and made < wanted:
        plan = plans.pop(0)
        try:
            referral = planning_referral_make(plan=plan, organisation=organisation, actor=actor, today=today)
        except DomainError:
            continue  # for example the person needs non-directed advocacy: leave their plan with the worker
        days_ago = rng.randint(3, 24)
        PlanningReferral.objects.filter(pk=referral.pk).update(
            referred_at=timezone.now() - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8))
        )
        made += 1
        queued += referral.status == PlanningReferral.Status.QUEUED
    return made, queued


def _meeting(meets_at, members, quorum, chair, status=PanelMeeting.Status.SCHEDULED, attendees=()):
    existing = PanelMeeting.objects.filter(meets_at=meets_at).exclude(status=PanelMeeting.Status.CANCELLED).first()
    if existing is not None:
        return existing, False
    meeting = PanelMeeting.objects.create(
        meets_at=meets_at, location="Committee Room 2, Northmoor Town Hall", chair=chair, quorum=quorum, status=status
    )
    meeting.members.set(members)
    meeting.attendees.set(attendees)
    return meeting, True


@transaction.atomic
def seed_planning_referrals(*, seed: int = 1, plans=None, today=None) -> dict:
    """Refer plans being written so the waits show: five to the small organisation (two places this month, so two
    are taken on and three queue) and two to the user-led one. `plans`: the plans to use (default: plans being
    written that are not referred yet). People who need non-directed advocacy are left with their worker.
    Call it after the plans are seeded."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    organisations = {o.name: o for o in PlanningOrganisation.objects.filter(name__in=(SMALL, USER_LED))}
    actor = _referrer()
    if plans is None:
        plans = (
            SupportPlan.objects.filter(status__in=(SupportPlan.Status.DRAFT, SupportPlan.Status.RETURNED))
            .exclude(referrals__status__in=(PlanningReferral.Status.QUEUED, PlanningReferral.Status.ACCEPTED))
            .order_by("pk")[:20]
        )
    plans = [p for p in plans if p.is_editable]
    referred = queued = 0
    if actor is not None:
        for name, wanted in ((SMALL, 5), (USER_LED, 2)):
            if name in organisations:
                made, waiting = _refer(plans, organisations[name], actor, rng, today, wanted)
                referred += made
                queued += waiting
    return {"planning referrals": referred, "planning referrals queued": queued}


@transaction.atomic
def seed_planning_organisations_and_panels(*, seed: int = 1, plans=None, today=None) -> dict:
    """Create (or bring up to date) the four organisations and three panel meetings, then refer any plans being
    written (see seed_planning_referrals; before plans are seeded there are none, so call that again after).
    Returns what was made. Running it again adds nothing new on the same day."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    for values in ORGANISATIONS:
        PlanningOrganisation.objects.update_or_create(name=values["name"], defaults={**values, "is_active": True})
    referrals = seed_planning_referrals(seed=seed, plans=plans, today=today)

    candidates = list(panel_member_choices())
    chair = next((u for u in candidates if u.username == "panel"), None) or next(
        (u for u in candidates if u.role == Role.PANEL_MEMBER), candidates[0] if candidates else None
    )
    others = [u for u in candidates if u != chair]
    rng.shuffle(others)
    members = ([chair] if chair else []) + others[: PANEL_SIZE - 1]
    quorum = CouncilSettings.current().panel_quorum
    made_meetings = []
    if members:
        attending = members[: max(quorum, 1)]
        plan_of_meetings = (
            (_at(_weekday(today - datetime.timedelta(days=7)), 10), PanelMeeting.Status.HELD, attending),
            (_at(_weekday(today + datetime.timedelta(days=7)), 10), PanelMeeting.Status.SCHEDULED, ()),
            (_at(_weekday(today + datetime.timedelta(days=21)), 14), PanelMeeting.Status.SCHEDULED, ()),
        )
        for meets_at, status, attendees in plan_of_meetings:
            meeting, created = _meeting(meets_at, members, quorum, chair, status, attendees)
            made_meetings.append(meeting)
            if created:
                audit_record(
                    actor=None,
                    action=AuditEvent.Action.CREATE,
                    obj=meeting,
                    summary=f"Seeded {meeting}",
                    changes={"members": [None, sorted(str(m) for m in members)], "quorum": [None, quorum]},
                )
    return {
        "planning organisations": len(ORGANISATIONS),
        "panel meetings": len(made_meetings),
        "panel members": len(members),
        **referrals,
    }


def seed_agenda(*, meeting: PanelMeeting, plans) -> int:
    """Put plans that are with the funding panel on a seeded meeting's agenda (through the service, with the
    chair, or any panel member, as the one who did it). Plans that cannot go on it are skipped. Returns how many."""
    actor = meeting.chair or meeting.members.first() or panel_member_choices().first()
    if actor is None:
        return 0
    added = 0
    for plan in plans:
        try:
            panel_agenda_add(meeting=meeting, plan=plan, actor=actor)
        except DomainError:
            continue
        added += 1
    return added
