"""The synthetic council's failed arrangements: three breakdowns of care on approved plans, made through the real
services (so the audit records, timelines, tasks, emails and unplanned reviews are what real use leaves):

1. a home care provider hands back the care: the arrangement ends, an unplanned review ("Unplanned - Provider
   Failure") is booked, and emergency cover is put in place for four weeks;
2. a personal assistant is absent (or, when no PA is arranged for anyone, something else goes wrong);
3. the money runs out on a plan.

Runs after seed_plans (and seed_reviews, which moves plans back in time). Deterministic for a seed and a day, and
re-runnable: when any failed arrangement exists it changes nothing (and returns {}). To start again,
`reset_failed_arrangements()` before plans and reviews are reset.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.permissions import Action, can
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement, Provider
from selfdirect.planning.models import SupportPlan

from . import failure_services
from .models import FailedArrangement, Task

Kind = FailedArrangement.Kind
HANDBACK = (
    "The agency rang to say it can no longer staff the morning calls in this area from tomorrow: it has lost three "
    "carers this month. The person's daughter can cover two mornings."
)
PA_ABSENT = (
    "The personal assistant rang in sick this morning and expects to be off for at least a week. The person has "
    "no one to help them get up."
)
OTHER = "The person's son, who drives them to the day centre, is in hospital: they cannot get there this week."
MONEY = (
    "The direct payment account is nearly empty: the holder paid the PA's holiday pay from it and the next payment "
    "is not due for three weeks."
)


def _staff(role):
    return get_user_model().objects.filter(role=role, is_active=True).order_by("pk").first()


def _actor(person, fallback):
    worker = person.allocated_worker
    return worker if worker is not None and worker.is_active and can(worker, Action.REVIEW_WORK) else fallback


def _arrangements(today: datetime.date, **filters):
    """Arrangements in place since at least a week ago, on approved plans of people whose records are open."""
    return (
        Arrangement.objects.filter(
            status=Arrangement.Status.ACTIVE,
            start_date__lte=today - datetime.timedelta(days=7),
            plan_line__plan__status=SupportPlan.Status.APPROVED,
            person__is_restricted=False,
            person__date_of_death__isnull=True,
            **filters,
        )
        .exclude(service_component=failure_services.EMERGENCY_COMPONENT)
        .select_related("person__allocated_worker", "plan_line__plan", "provider", "pa")
        .order_by("pk")
    )


def _pick(rng: random.Random, candidates, used: set):
    candidates = [c for c in candidates if c.person_id not in used]
    if not candidates:
        return None
    choice = rng.choice(candidates)
    used.add(choice.person_id)
    return choice


def seed_failed_arrangements(*, seed: int = 1) -> dict:
    """About three failed arrangements on approved plans, one with emergency cover and an unplanned review. Returns
    counts ({} when there is nothing to do)."""
    if FailedArrangement.objects.exists():
        return {}
    fallback = _staff(Role.SOCIAL_WORKER)
    if fallback is None:
        return {}
    rng = random.Random(seed * 15_485_863)
    today = timezone.localdate()
    used: set[int] = set()
    counts: dict[str, int] = {}

    def record(arrangement=None, plan=None, *, kind, text, days_ago):
        person = (arrangement or plan).person
        try:
            with transaction.atomic():
                failure = failure_services.failed_arrangement_record(
                    person=person,
                    actor=_actor(person, fallback),
                    kind=kind,
                    what_happened=text,
                    occurred_on=today - datetime.timedelta(days=days_ago),
                    arrangement=arrangement,
                    plan=plan,
                )
        except DomainError:
            return None  # for example a person who has died since: left out, as in real life
        counts["failed arrangements"] = counts.get("failed arrangements", 0) + 1
        return failure

    with transaction.atomic():
        # 1. A provider hands back the care; four weeks of emergency cover from another agency.
        arrangement = _pick(rng, list(_arrangements(today, provider__isnull=False)), used)
        if arrangement is not None:
            failure = record(arrangement, kind=Kind.PROVIDER_HANDBACK, text=HANDBACK, days_ago=1)
            if failure is not None:
                others = [
                    provider
                    for provider in Provider.objects.filter(is_active=True)
                    .exclude(pk=arrangement.provider_id)
                    .order_by("pk")
                    if arrangement.service_component in (provider.service_components or [])
                ]
                cover_by = rng.choice(others) if others else None
                try:
                    with transaction.atomic():
                        failure_services.emergency_cover_arrange(
                            failure=failure,
                            actor=_actor(failure.person, fallback),
                            start_date=today,
                            end_date=today + datetime.timedelta(weeks=4),
                            unit_cost=arrangement.unit_cost,
                            cost_frequency=arrangement.cost_frequency,
                            planned_units_per_week=arrangement.planned_units_per_week,
                            provider=cover_by,
                        )
                except DomainError:
                    pass  # the failure stands without cover: the worker arranges it
                else:
                    counts["emergency cover"] = 1
        # 2. A personal assistant is absent (or, with no PA arranged, a family member who helps is in hospital).
        arrangement = _pick(rng, list(_arrangements(today, pa__isnull=False)), used)
        if arrangement is not None:
            record(arrangement, kind=Kind.PA_ABSENT, text=PA_ABSENT, days_ago=0)
        else:
            arrangement = _pick(rng, list(_arrangements(today)), used)
            if arrangement is not None:
                record(arrangement, kind=Kind.OTHER, text=OTHER, days_ago=2)
        # 3. The money runs out on a plan.
        plans = (
            SupportPlan.objects.filter(
                status=SupportPlan.Status.APPROVED, person__is_restricted=False, person__date_of_death__isnull=True
            )
            .select_related("person__allocated_worker")
            .order_by("pk")
        )
        plan = _pick(rng, list(plans), used)
        if plan is not None:
            record(plan=plan, kind=Kind.MONEY_RUN_OUT, text=MONEY, days_ago=3)
    counts["unplanned reviews for failed arrangements"] = (
        FailedArrangement.objects.filter(review__isnull=False).values("review").distinct().count()
    )
    return counts


def reset_failed_arrangements() -> None:
    """Remove every failed arrangement, its tasks and its emergency cover (before reviews, plans and people are
    reset: failures refer to all three)."""
    covers = list(
        FailedArrangement.objects.filter(emergency_cover__isnull=False).values_list("emergency_cover", flat=True)
    )
    Task.objects.filter(source__startswith="failed_arrangement:").delete()
    FailedArrangement.objects.all().delete()
    Arrangement.objects.filter(pk__in=covers).delete()
