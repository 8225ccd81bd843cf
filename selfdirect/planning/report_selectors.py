"""Reads for the planning organisations, funding panel and "where the time went" pages.

- Organisations: capacity, places taken this month, queue, the expected wait for a new referral and the actual
  wait (referral to being taken on) over the last six months, so everyone who refers can see the waits.
- The funding panel: meetings, their agendas, whether a meeting is quorate, the plans waiting for a panel and the
  plans waiting for a team manager's decision.
- The clock: `time_by_party` splits every clock segment at calendar-month boundaries (Europe/London midnight on
  the first) and adds up, per team (the person's allocated team) and month, how long each party held plans; open
  segments count up to now. `plan_clock_summary` is the same for one plan.

Names of people with restricted records are shown only to those who may open the record.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.people.selectors import can_see_restricted
from selfdirect.rules import planning_capacity as rules
from selfdirect.workforce.models import Team

from .models import (
    PanelAgendaItem,
    PanelMeeting,
    Party,
    PlanClockSegment,
    PlanDecision,
    PlanningOrganisation,
    PlanningReferral,
    SupportPlan,
)
from .referral_services import HOLDING_A_PLACE, month_bounds

S = SupportPlan.Status
WAIT_WINDOW_MONTHS = 6
SUBMITTED_STATUSES = (S.WITH_MANAGER, S.AT_PANEL)
ZERO = datetime.timedelta(0)
DAY = Decimal(86400)
HOUR = Decimal(3600)


def _visible(user, person) -> bool:
    return not person.is_restricted or can_see_restricted(user=user, person=person)


def days(value: datetime.timedelta | None) -> Decimal | None:
    """A duration in days, to one decimal place."""
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def hours(value: datetime.timedelta | None) -> Decimal | None:
    """A duration in hours, to one decimal place."""
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / HOUR).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Support-planning organisations --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRow:
    organisation: PlanningOrganisation
    taken_this_month: int
    queue_length: int
    expected_start: datetime.date | None
    months_to_wait: int | None
    average_wait_days: Decimal | None
    referrals_measured: int

    @property
    def full(self) -> bool:
        return self.taken_this_month >= self.organisation.monthly_capacity

    @property
    def starts_now(self) -> bool:
        return self.months_to_wait == 0


def organisation_rows(*, today: datetime.date | None = None, active_only: bool = False) -> list[OrganisationRow]:
    """Every organisation with its places, queue and waits (four queries, whatever the number)."""
    today = today or timezone.localdate()
    start, end = month_bounds(today)
    window_start = rules.add_months(start, -WAIT_WINDOW_MONTHS)
    organisations = PlanningOrganisation.objects.annotate(
        taken=Count(
            "referrals",
            filter=Q(
                referrals__status__in=HOLDING_A_PLACE,
                referrals__accepted_on__gte=start,
                referrals__accepted_on__lt=end,
            ),
        ),
        queued=Count("referrals", filter=Q(referrals__status=PlanningReferral.Status.QUEUED)),
    ).order_by("-is_active", "name")
    if active_only:
        organisations = organisations.filter(is_active=True)
    waits: dict[int, list[int]] = defaultdict(list)
    # The actual wait of every referral taken on in the last six whole months and this one.
    taken_on = PlanningReferral.objects.filter(
        accepted_on__isnull=False, accepted_on__gte=window_start, accepted_on__lte=today
    ).values_list("organisation_id", "referred_at", "accepted_on")
    for organisation_id, referred_at, accepted_on in taken_on:
        waits[organisation_id].append(max(0, (accepted_on - timezone.localtime(referred_at).date()).days))
    rows = []
    for organisation in organisations:
        capacity = organisation.monthly_capacity if organisation.is_active else 0
        start_on = rules.expected_start(
            today=today, capacity=capacity, accepted_this_month=organisation.taken, queued_ahead=organisation.queued
        )
        measured = waits.get(organisation.pk, [])
        average = (
            (Decimal(sum(measured)) / len(measured)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if measured
            else None
        )
        rows.append(
            OrganisationRow(
                organisation=organisation,
                taken_this_month=organisation.taken,
                queue_length=organisation.queued,
                expected_start=start_on,
                months_to_wait=rules.months_between(today, start_on) if start_on else None,
                average_wait_days=average,
                referrals_measured=len(measured),
            )
        )
    return rows


def organisation_get(*, pk) -> PlanningOrganisation:
    return get_object_or_404(PlanningOrganisation, pk=pk)


@dataclass(frozen=True)
class ReferralRow:
    referral: PlanningReferral
    visible: bool
    position: int | None


def organisation_referrals(*, organisation, user) -> list[ReferralRow]:
    """The organisation's queue in order, then the referrals it has taken on and not finished."""
    referrals = (
        PlanningReferral.objects.filter(
            organisation=organisation, status__in=(PlanningReferral.Status.QUEUED, PlanningReferral.Status.ACCEPTED)
        )
        .select_related("plan__person", "referred_by")
        .order_by("status", "referred_at", "id")
    )
    queued = [r for r in referrals if r.status == PlanningReferral.Status.QUEUED]
    accepted = [r for r in referrals if r.status == PlanningReferral.Status.ACCEPTED]
    rows = [ReferralRow(r, _visible(user, r.plan.person), n) for n, r in enumerate(queued, start=1)]
    rows += [ReferralRow(r, _visible(user, r.plan.person), None) for r in accepted]
    return rows


def plan_referrals(*, plan) -> QuerySet[PlanningReferral]:
    return PlanningReferral.objects.filter(plan=plan).select_related("organisation", "referred_by").order_by("-id")


# --- The funding panel ---------------------------------------------------------------------------------------


def is_quorate(meeting: PanelMeeting) -> bool:
    return meeting.status != PanelMeeting.Status.CANCELLED and meeting.attendees.count() >= meeting.quorum


def panel_meetings(*, upcoming: bool, now=None) -> QuerySet[PanelMeeting]:
    """Meetings from today on (soonest first), or earlier ones (latest first), with their agenda sizes."""
    start_of_today = local_midnight(timezone.localdate(now))
    meetings = PanelMeeting.objects.select_related("chair").annotate(
        items=Count("agenda", distinct=True),
        decided=Count("decisions", distinct=True),
        present=Count("attendees", distinct=True),
    )
    if upcoming:
        return meetings.filter(meets_at__gte=start_of_today).order_by("meets_at", "id")
    return meetings.filter(meets_at__lt=start_of_today).order_by("-meets_at", "-id")


def panel_meeting_get(*, pk) -> PanelMeeting:
    return get_object_or_404(
        PanelMeeting.objects.select_related("chair").prefetch_related("members", "attendees"), pk=pk
    )


def agenda_item_get(*, meeting, pk) -> PanelAgendaItem:
    return get_object_or_404(PanelAgendaItem.objects.select_related("plan__person", "meeting"), meeting=meeting, pk=pk)


@dataclass(frozen=True)
class AgendaRow:
    item: PanelAgendaItem
    plan: SupportPlan
    visible: bool
    decision: PlanDecision | None
    waited: datetime.timedelta | None
    first: bool
    last: bool


def agenda_rows(*, meeting, user, now=None) -> list[AgendaRow]:
    now = now or timezone.now()
    items = list(
        meeting.agenda.select_related("plan__person", "plan__indicative_budget").prefetch_related(
            Prefetch(
                "plan__decisions",
                queryset=PlanDecision.objects.filter(meeting=meeting).order_by("-decided_at", "-id"),
                to_attr="decisions_here",
            )
        )
    )
    rows = []
    for n, item in enumerate(items):
        plan = item.plan
        decision = plan.decisions_here[0] if plan.decisions_here else None
        until = decision.decided_at if decision else now
        submitted = plan.submitted_at
        rows.append(
            AgendaRow(
                item=item,
                plan=plan,
                visible=_visible(user, plan.person),
                decision=decision,
                waited=(until - submitted) if submitted else None,
                first=n == 0,
                last=n == len(items) - 1,
            )
        )
    return rows


@dataclass(frozen=True)
class WaitingRow:
    plan: SupportPlan
    visible: bool
    waited: datetime.timedelta | None
    next_meeting: PanelMeeting | None


def plans_waiting_for_panel(*, user, now=None) -> list[WaitingRow]:
    """Plans with the funding panel, longest waiting first, with the meeting whose agenda each is on (if any)."""
    now = now or timezone.now()
    plans = list(
        SupportPlan.objects.filter(status=S.AT_PANEL)
        .select_related("person", "indicative_budget")
        .order_by("submitted_at", "id")
    )
    on_agenda = {}
    items = (
        PanelAgendaItem.objects.filter(plan__in=plans, meeting__status=PanelMeeting.Status.SCHEDULED)
        .select_related("meeting")
        .order_by("meeting__meets_at")
    )
    for item in items:
        on_agenda.setdefault(item.plan_id, item.meeting)
    return [
        WaitingRow(
            plan=plan,
            visible=_visible(user, plan.person),
            waited=(now - plan.submitted_at) if plan.submitted_at else None,
            next_meeting=on_agenda.get(plan.pk),
        )
        for plan in plans
    ]


def plans_for_manager(*, user, now=None) -> list[WaitingRow]:
    """Plans waiting for a team manager's decision: those of people allocated to the manager's teams, and those
    of people with no team (any manager may decide them). Longest waiting first."""
    now = now or timezone.now()
    teams = user.teams.values("pk")
    plans = (
        SupportPlan.objects.filter(status=S.WITH_MANAGER)
        .filter(Q(person__allocated_team__in=teams) | Q(person__allocated_team__isnull=True))
        .select_related("person__allocated_team", "indicative_budget", "created_by")
        .order_by("submitted_at", "id")
    )
    return [
        WaitingRow(
            plan=plan,
            visible=_visible(user, plan.person),
            waited=(now - plan.submitted_at) if plan.submitted_at else None,
            next_meeting=None,
        )
        for plan in plans
    ]


def meeting_decisions(*, meeting) -> QuerySet[PlanDecision]:
    return meeting.decisions.select_related("decided_by", "plan__person")


# --- Where the time went -------------------------------------------------------------------------------------


def _months_of(start: datetime.datetime, end: datetime.datetime):
    """(first day of the month, piece start, piece end) for each calendar month [start, end) touches."""
    month = rules.month_start(timezone.localtime(start).date())
    while start < end:
        boundary = local_midnight(rules.add_months(month, 1))
        piece_end = min(end, boundary)
        if piece_end > start:
            yield month, start, piece_end
        start = piece_end
        month = rules.add_months(month, 1)


@dataclass
class TimeRow:
    """One team's month: how long each party held plans, and the decisions made that month."""

    team_id: int | None
    team_name: str
    month: datetime.date
    held: dict[str, datetime.timedelta] = field(default_factory=lambda: {p.value: ZERO for p in Party})
    manager_decisions: int = 0
    manager_turnaround: datetime.timedelta | None = None
    panel_decisions: int = 0
    panel_turnaround: datetime.timedelta | None = None
    returns: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in PlanDecision.ReturnCategory})

    @property
    def total_held(self) -> datetime.timedelta:
        return sum(self.held.values(), ZERO)

    @property
    def total_returns(self) -> int:
        return sum(self.returns.values())


def _turnarounds(decisions: list[dict]) -> dict[int, datetime.timedelta]:
    """For each decision: from the plan's submission (the start of the latest with-manager or at-panel clock
    segment before the decision; the plan's submitted time if the clock has none) to the decision."""
    plan_ids = {d["plan_id"] for d in decisions}
    starts: dict[int, list[datetime.datetime]] = defaultdict(list)
    for plan_id, started_at in PlanClockSegment.objects.filter(
        plan_id__in=plan_ids, status__in=SUBMITTED_STATUSES
    ).values_list("plan_id", "started_at"):
        starts[plan_id].append(started_at)
    result = {}
    for d in decisions:
        earlier = [s for s in starts.get(d["plan_id"], ()) if s <= d["decided_at"]]
        submitted = max(earlier) if earlier else d["plan__submitted_at"]
        if submitted is not None and submitted <= d["decided_at"]:
            result[d["pk"]] = d["decided_at"] - submitted
    return result


def time_by_party(*, start: datetime.date, end: datetime.date, team: Team | None = None, now=None) -> list[TimeRow]:
    """Per team and calendar month from `start` to `end` (both days included): how long plans were held by each
    party (clock segments split at month boundaries; open ones counted up to `now`), the manager's and panel's
    decisions with their average turnaround (submitted to decided), and returns by category. Rows are the team
    and month pairs with anything to show, by team name (no team last) and month."""
    now = now or timezone.now()
    window_start = local_midnight(start)
    window_end = local_midnight(end + datetime.timedelta(days=1))
    rows: dict[tuple[int | None, datetime.date], TimeRow] = {}
    names = {t.pk: t.name for t in Team.objects.all()}

    def row(team_id, month) -> TimeRow:
        key = (team_id, month)
        if key not in rows:
            rows[key] = TimeRow(team_id=team_id, team_name=names.get(team_id, "No team"), month=month)
        return rows[key]

    segments = PlanClockSegment.objects.filter(started_at__lt=window_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=window_start)
    )
    if team is not None:
        segments = segments.filter(plan__person__allocated_team=team)
    for party, started_at, ended_at, team_id in segments.values_list(
        "party", "started_at", "ended_at", "plan__person__allocated_team_id"
    ).iterator(chunk_size=5000):
        piece_start = max(started_at, window_start)
        piece_end = min(ended_at or now, window_end)
        for month, a, b in _months_of(piece_start, piece_end):
            held = row(team_id, month).held
            held[party] = held.get(party, ZERO) + (b - a)

    decisions = PlanDecision.objects.filter(decided_at__gte=window_start, decided_at__lt=window_end)
    if team is not None:
        decisions = decisions.filter(plan__person__allocated_team=team)
    decided = list(
        decisions.values(
            "pk",
            "plan_id",
            "route",
            "meeting_id",
            "outcome",
            "return_category",
            "decided_at",
            "plan__submitted_at",
            "plan__person__allocated_team_id",
        )
    )
    turnaround = _turnarounds(decided)
    sums: dict[tuple, list[datetime.timedelta]] = defaultdict(list)
    for d in decided:
        month = rules.month_start(timezone.localtime(d["decided_at"]).date())
        r = row(d["plan__person__allocated_team_id"], month)
        route = "panel" if d["meeting_id"] or d["route"] == "panel" else "manager"
        if route == "panel":
            r.panel_decisions += 1
        else:
            r.manager_decisions += 1
        if d["pk"] in turnaround:
            sums[(r.team_id, r.month, route)].append(turnaround[d["pk"]])
        if d["outcome"] == PlanDecision.Outcome.RETURN and d["return_category"]:
            r.returns[d["return_category"]] = r.returns.get(d["return_category"], 0) + 1
    for (team_id, month, route), spans in sums.items():
        average = sum(spans, ZERO) / len(spans)
        setattr(rows[(team_id, month)], f"{route}_turnaround", average)
    return sorted(rows.values(), key=lambda r: (r.team_id is None, r.team_name.lower(), r.month))


def plan_clock_summary(*, plan, now=None) -> dict[str, datetime.timedelta]:
    """How long this plan has been with each party (every party listed, in the same order; open segment up to
    now): the clock everyone can see on the plan page."""
    now = now or timezone.now()
    totals = {p.value: ZERO for p in Party}
    for party, started_at, ended_at in PlanClockSegment.objects.filter(plan=plan).values_list(
        "party", "started_at", "ended_at"
    ):
        end = ended_at or now
        if end > started_at:
            totals[party] = totals.get(party, ZERO) + (end - started_at)
    return totals
