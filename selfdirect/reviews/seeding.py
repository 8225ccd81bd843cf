"""The synthetic council's reviews. Every approved plan gets its schedule through the real service; then some plans
are moved back in time so the overdue dashboard has a story to tell: reviews overdue by days, weeks and months,
reviews due in the next few weeks, reviews done (with records, through the real service, so the next review is
scheduled as in real use), a yearly review overdue after a first review done on time, people whose approved plan
started over a year ago and who have never been reviewed, and an unplanned review booked. A moved plan's dates,
clock, decisions, arrangements and budget start move with it, so its pages tell the same story.

Runs after seed_plans. Deterministic for a seed and a day, and re-runnable: scheduling never makes a review twice,
and the story is told only while no review has been recorded.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.permissions import Action, can
from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement
from selfdirect.money.models import PersonalBudget
from selfdirect.planning.models import PlanClockSegment, PlanDecision, SupportPlan
from selfdirect.rules import reviews as rules

from . import services
from .models import FailedArrangement, Review, Task

# One story per approved plan, in this order (plans are shuffled by the seed first); plans beyond the list keep
# the schedule their approval gave them (a first review due in a couple of months).
STORIES = [
    "overdue",
    "never_reviewed",
    "done",
    "annual_overdue",
    "due_soon",
    "overdue",
    "never_reviewed",
    "done",
    "due_soon",
    "overdue",
]
# Days past the first review's due date, for the plans whose first review is overdue: a few days to months.
OVERDUE_DAYS = [19, 4, 45, 110]
METHODS = ["Face to Face", "Telephone", "Service User and Carer", "Video Call"]
PARTICIPANTS = [
    "The person and their daughter; the agency's care coordinator by phone",
    "The person, with their advocate",
    "The person and their husband, who is their main carer",
    "The person; their personal assistant joined for the last part",
]
CHANGES = [
    "Morning calls are working well. The person would like the Saturday call 30 minutes later: agreed with the "
    "agency, no change in cost.",
    "The day centre has been a success and the person wants to keep going twice a week. No change to the plan.",
    "The carer is managing but tired; a carer's assessment has been offered. No change to the plan for now.",
]


def _staff(role):
    return get_user_model().objects.filter(role=role, is_active=True).order_by("pk").first()


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _move_plan(plan: SupportPlan, start: datetime.date) -> SupportPlan:
    """Move an approved plan (and what its approval made) back so that it starts on `start`: its dates, clock,
    decisions, arrangements and budget shift by the same amount, and its scheduled reviews fall due as the rules
    say for the new start."""
    old = plan.start_date or timezone.localdate()
    shift = start - old
    if not shift:
        return plan
    updates = {"start_date": start}
    for name in ("created_at", "submitted_at", "decided_at"):
        if getattr(plan, name):
            updates[name] = getattr(plan, name) + shift
    SupportPlan.objects.filter(pk=plan.pk).update(**updates)
    for segment in PlanClockSegment.objects.filter(plan=plan):
        PlanClockSegment.objects.filter(pk=segment.pk).update(
            started_at=segment.started_at + shift, ended_at=segment.ended_at + shift if segment.ended_at else None
        )
    for decision in PlanDecision.objects.filter(plan=plan):
        PlanDecision.objects.filter(pk=decision.pk).update(decided_at=decision.decided_at + shift)
    for arrangement in Arrangement.objects.filter(plan_line__plan=plan, start_date=old):
        Arrangement.objects.filter(pk=arrangement.pk).update(
            start_date=start, created_at=arrangement.created_at + shift
        )
    if plan.personal_budget_id:
        PersonalBudget.objects.filter(pk=plan.personal_budget_id, effective_from=old).update(effective_from=start)
    due = {
        Review.Kind.FIRST: rules.first_review_due(start),
        Review.Kind.DIRECT_PAYMENT: rules.first_dp_review_due(start),
    }
    for review in Review.objects.filter(plan=plan, status=Review.Status.SCHEDULED, kind__in=list(due)):
        Review.objects.filter(pk=review.pk).update(
            due_on=due[review.kind], created_at=_at(start - datetime.timedelta(days=3))
        )
        Task.objects.filter(source=services.task_source(review), done_at__isnull=True).update(due_on=due[review.kind])
    plan.refresh_from_db()
    return plan


def _record(review: Review, *, held_on: datetime.date, rng: random.Random, fallback) -> Review:
    worker = review.assigned_to if review.assigned_to and can(review.assigned_to, Action.REVIEW_WORK) else fallback
    return services.review_record(
        review=review,
        actor=worker,
        method=rng.choice(METHODS),
        participants=rng.choice(PARTICIPANTS),
        outcomes_achieved=rng.choice(["Fully achieved", "Fully achieved", "Partially achieved"]),
        what_changes=rng.choice(CHANGES),
        event_outcome="No change in package",
        held_on=held_on,
    )


def _first_review(plan: SupportPlan) -> Review | None:
    return Review.objects.filter(plan=plan, kind=Review.Kind.FIRST, status=Review.Status.SCHEDULED).first()


def _tell(story: str, plan: SupportPlan, *, index: int, today, rng: random.Random, worker, counts: dict) -> None:
    eight_weeks = datetime.timedelta(weeks=rules.FIRST_REVIEW_LATEST_WEEKS)
    if story == "overdue":
        days = OVERDUE_DAYS[index % len(OVERDUE_DAYS)]
        _move_plan(plan, today - eight_weeks - datetime.timedelta(days=days))
    elif story == "never_reviewed":
        _move_plan(plan, today - datetime.timedelta(days=rng.randint(400, 600)))
    elif story == "due_soon":
        _move_plan(plan, today - eight_weeks + datetime.timedelta(days=rng.randint(3, 25)))
    elif story in ("done", "annual_overdue"):
        days = rng.randint(75, 200) if story == "done" else rng.randint(430, 520)
        plan = _move_plan(plan, today - datetime.timedelta(days=days))
        review = _first_review(plan)
        if review is None:
            return
        held_on = min(today, review.due_on - datetime.timedelta(days=rng.randint(0, 12)))
        _record(review, held_on=held_on, rng=rng, fallback=worker)
        counts["reviews done"] = counts.get("reviews done", 0) + 1


def seed_reviews(*, seed: int = 1) -> dict:
    """Schedule every approved plan's reviews, then (once) move some plans back so the demo shows overdue, due,
    done and never-reviewed cases. Returns counts."""
    plans = list(SupportPlan.objects.filter(status=SupportPlan.Status.APPROVED).order_by("pk"))
    if not plans:
        return {}
    worker = _staff(Role.SOCIAL_WORKER)
    manager = _staff(Role.TEAM_MANAGER)
    counts: dict[str, int] = {}
    with transaction.atomic():
        for plan in plans:
            made = services.reviews_schedule_for_plan(plan=plan, actor=manager)
            if made:
                counts["reviews scheduled"] = counts.get("reviews scheduled", 0) + len(made)
        if worker is None or Review.objects.filter(status=Review.Status.DONE).exists():
            return counts  # the story has been told already (or there is nobody to tell it)
        rng = random.Random(seed * 104_729)
        rng.shuffle(plans)
        today = timezone.localdate()
        told: dict[str, int] = {}
        for plan, story in zip(plans, STORIES, strict=False):
            plan.refresh_from_db()
            _tell(story, plan, index=told.get(story, 0), today=today, rng=rng, worker=worker, counts=counts)
            told[story] = told.get(story, 0) + 1
        # And one unplanned review booked (for the last plan in the shuffled order).
        services.review_unplanned_book(
            person=plans[-1].person,
            reason=rng.choice(services.UNPLANNED_REASONS),
            due_on=today + datetime.timedelta(days=rng.randint(5, 20)),
            actor=worker,
            plan=plans[-1],
        )
        counts["unplanned reviews"] = 1
        counts["reviews overdue"] = Review.objects.filter(status=Review.Status.SCHEDULED, due_on__lt=today).count()
    return counts


def reset_reviews() -> None:
    """Remove every review and the tasks reviews opened (before plans and people are reset: reviews refer to
    both)."""
    FailedArrangement.objects.filter(review__isnull=False).update(review=None)
    Task.objects.filter(source__startswith="review:").delete()
    Task.objects.filter(source__startswith="review-budget:").delete()
    Review.objects.all().delete()
