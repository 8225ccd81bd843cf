"""Reads for reviews: a person's reviews, one review (through the person's access rules), the CLD Review event, and
the overdue dashboard (counts by team and worker, and the reviews behind them)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404

from selfdirect.assessments.models import Assessment
from selfdirect.core.permissions import Action, can, require
from selfdirect.people.models import Person
from selfdirect.people.selectors import can_see_restricted, person_get_for_user
from selfdirect.planning.models import SupportPlan
from selfdirect.rules import reviews as rules
from selfdirect.workforce.models import Team

from .models import Review

# How many reviews each list on the dashboard shows (the counts are always complete).
LIST_LIMIT = 100


def person_reviews(*, person: Person) -> QuerySet[Review]:
    """Every review of the person, the next due first, then the ones done (newest first)."""
    return Review.objects.filter(person=person).select_related("assigned_to", "completed_by", "plan")


def review_get_for_user(*, user, pk, action: str = Action.REVIEW_WORK) -> Review:
    """A review, if the role allows `action` and the person's record is open to the user (404 if none)."""
    require(user, action)
    review = get_object_or_404(
        Review.objects.select_related("plan", "assigned_to", "completed_by", "reassessment"), pk=pk
    )
    review.person = person_get_for_user(user=user, pk=review.person_id)
    return review


def reassessments_for(*, person: Person) -> QuerySet[Assessment]:
    """The person's signed-off assessments, newest first: the ones a review may rely on to reduce a budget."""
    return Assessment.objects.filter(person=person, status=Assessment.Status.SIGNED_OFF).order_by("-signed_off_at")


def cld_review_event(review: Review) -> dict:
    """The review as a CLD Review event, with the columns named as in the CLD specification. Dates are dates (None
    while the review has not taken place)."""
    return {
        "Event Type": "Review",
        "Event Start Date": review.started_on,
        "Event End Date": review.completed_on,
        "Review Reason": review.reason,
        "Review Outcomes Achieved": review.outcomes_achieved,
        "Method of Review": review.method,
        "Event Outcome": review.event_outcome,
    }


# --- The overdue dashboard -----------------------------------------------------------------------------------


@dataclass
class Counts:
    """One team's or one worker's numbers."""

    key: int | None
    name: str
    team: str = ""
    overdue: int = 0
    due_soon: int = 0
    longest_overdue_days: int = 0
    never_reviewed: int = 0


@dataclass
class Row:
    """One review or one never-reviewed plan on the dashboard. `visible` is False when the user may not see the
    person's name (a restricted record, or a role that sees numbers only)."""

    person: Person
    visible: bool
    due_on: datetime.date | None
    days: int
    kind: str = ""
    worker: str = ""
    review: Review | None = None
    plan: SupportPlan | None = None


@dataclass
class Dashboard:
    today: datetime.date
    soon_until: datetime.date
    team: Team | None
    by_team: list[Counts] = field(default_factory=list)
    by_worker: list[Counts] = field(default_factory=list)
    overdue: list[Row] = field(default_factory=list)
    due_soon: list[Row] = field(default_factory=list)
    never_reviewed: list[Row] = field(default_factory=list)
    overdue_total: int = 0
    due_soon_total: int = 0
    never_reviewed_total: int = 0
    shows_people: bool = False


NO_TEAM = "No team"
NO_WORKER = "Not allocated"


def _worker_name(first, last) -> str:
    name = f"{first or ''} {last or ''}".strip()
    return name or NO_WORKER


def due_reviews(*, today: datetime.date, team: Team | None = None) -> QuerySet[Review]:
    """Reviews still to do that are overdue or due within DUE_SOON_DAYS, most overdue first."""
    until = today + datetime.timedelta(days=rules.DUE_SOON_DAYS)
    reviews = Review.objects.filter(
        status=Review.Status.SCHEDULED, due_on__lte=until, person__date_of_death__isnull=True
    )
    if team is not None:
        reviews = reviews.filter(person__allocated_team=team)
    return reviews.select_related("person__allocated_team", "assigned_to").order_by("due_on", "id")


def never_reviewed_plans(*, today: datetime.date, team: Team | None = None) -> QuerySet[SupportPlan]:
    """Approved plans that have started and have had no review done since they started, oldest start first.
    `started` is the plan's start date (or the day it was approved, if it has none)."""
    done_since = Review.objects.filter(
        person=OuterRef("person"), status=Review.Status.DONE, completed_on__gte=OuterRef("started")
    )
    plans = (
        SupportPlan.objects.filter(status=SupportPlan.Status.APPROVED, person__date_of_death__isnull=True)
        .annotate(started=Coalesce("start_date", TruncDate("decided_at")))
        .filter(started__lte=today)
        .exclude(Exists(done_since))
    )
    if team is not None:
        plans = plans.filter(person__allocated_team=team)
    return plans.select_related("person__allocated_team", "person__allocated_worker").order_by("started", "id")


def _counts(reviews: QuerySet[Review], plans: QuerySet[SupportPlan], *, today, by: str) -> list[Counts]:
    """Counts grouped by team ("team") or by worker ("worker")."""
    overdue, soon = Q(due_on__lt=today), Q(due_on__gte=today)
    if by == "team":
        keys = plan_keys = {"key": F("person__allocated_team_id"), "name": F("person__allocated_team__name")}
    else:
        team = F("person__allocated_team__name")
        keys = {
            "key": F("assigned_to_id"),
            "first": F("assigned_to__first_name"),
            "last": F("assigned_to__last_name"),
            "team": team,
        }
        plan_keys = {
            "key": F("person__allocated_worker_id"),
            "first": F("person__allocated_worker__first_name"),
            "last": F("person__allocated_worker__last_name"),
            "team": team,
        }
    table: dict = {}

    def entry(row) -> Counts:
        name = (row.get("name") or NO_TEAM) if by == "team" else _worker_name(row.get("first"), row.get("last"))
        team = "" if by == "team" else (row.get("team") or NO_TEAM)
        return table.setdefault((row["key"], team), Counts(key=row["key"], name=name, team=team))

    grouped = (
        reviews.order_by()
        .values(**keys)
        .annotate(
            overdue=Count("id", filter=overdue), due_soon=Count("id", filter=soon), oldest=Min("due_on", filter=overdue)
        )
    )
    for row in grouped:
        counts = entry(row)
        counts.overdue += row["overdue"]
        counts.due_soon += row["due_soon"]
        if row["oldest"] is not None:
            counts.longest_overdue_days = max(counts.longest_overdue_days, rules.days_overdue(row["oldest"], today))
    for row in plans.order_by().values(**plan_keys).annotate(n=Count("id")):
        entry(row).never_reviewed += row["n"]
    return sorted(table.values(), key=lambda c: (-c.overdue, -c.longest_overdue_days, c.team, c.name))


def _visible(user, person: Person, shows_people: bool) -> bool:
    return shows_people and (not person.is_restricted or can_see_restricted(user=user, person=person))


def overdue_dashboard(*, user, today: datetime.date, team: Team | None = None) -> Dashboard:
    """What the overdue dashboard shows. Everyone it is for sees the counts; only roles that may view people see
    the lists of people (and never a restricted person's name unless they may open the record)."""
    require(user, Action.REVIEW_OVERDUE)
    reviews = due_reviews(today=today, team=team)
    plans = never_reviewed_plans(today=today, team=team)
    board = Dashboard(
        today=today,
        soon_until=today + datetime.timedelta(days=rules.DUE_SOON_DAYS),
        team=team,
        by_team=_counts(reviews, plans, today=today, by="team"),
        by_worker=_counts(reviews, plans, today=today, by="worker"),
        shows_people=can(user, Action.PERSON_VIEW),
    )
    board.overdue_total = sum(c.overdue for c in board.by_team)
    board.due_soon_total = sum(c.due_soon for c in board.by_team)
    board.never_reviewed_total = sum(c.never_reviewed for c in board.by_team)
    if not board.shows_people:
        return board
    for review in reviews.filter(due_on__lt=today)[:LIST_LIMIT]:
        board.overdue.append(_review_row(user, review, today))
    for review in reviews.filter(due_on__gte=today)[:LIST_LIMIT]:
        board.due_soon.append(_review_row(user, review, today))
    for plan in plans[:LIST_LIMIT]:
        person = plan.person
        worker = person.allocated_worker
        board.never_reviewed.append(
            Row(
                person=person,
                visible=_visible(user, person, True),
                due_on=rules.first_review_due(plan.started),
                days=(today - plan.started).days,
                worker=str(worker) if worker else NO_WORKER,
                plan=plan,
            )
        )
    return board


def _review_row(user, review: Review, today) -> Row:
    return Row(
        person=review.person,
        visible=_visible(user, review.person, True),
        due_on=review.due_on,
        days=rules.days_overdue(review.due_on, today) if review.due_on < today else (review.due_on - today).days,
        kind=review.get_kind_display(),
        worker=str(review.assigned_to) if review.assigned_to else NO_WORKER,
        review=review,
    )
