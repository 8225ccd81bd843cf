"""The synthetic council's short-term support, made through the real services (so audit records and timelines are
what real use leaves):

- reablement under way for a few people who left hospital in the last weeks (one follow-up not due yet);
- one closed episode for every sequel, most after a hospital discharge, so the reports have every row;
- 91-day follow-ups: some recorded (mostly still at home), some due or overdue;
- community equipment (free) after a fall at home;
- requests resolved with information and advice or a referral to a community service;
- a Disabled Facilities Grant, Access to Work and housing-related support as other public money;
- a jointly funded package: the NHS pays 30% of an approved plan, so the budget becomes the council's share.

Runs after seed_plans (it needs approved plans for the joint funding). Deterministic for a seed and a day, and
re-runnable: when any episode exists it changes nothing (and returns {}). `reset_short_term()` removes it all;
run it before plans, money and requests are reset.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.permissions import Action, can
from selfdirect.money.models import PersonalBudget
from selfdirect.people.models import Person
from selfdirect.planning.models import SupportPlan
from selfdirect.rules import short_term

from . import services
from .models import FollowUp91, Goal, JointFunding, OtherFunding, ShortTermEpisode, SignpostingReferral

GOALS = [
    "I want to make my own breakfast again",
    "I want to get washed and dressed without help",
    "I want to walk to the corner shop",
    "I want to get in and out of the bath safely",
    "I want to go back to my lunch club on Thursdays",
    "I want to manage my tablets myself",
    "I want to get up the stairs to my own bed",
    "I want to feel confident on my own at night",
]
HOSPITALS = ["Northmoor General Hospital", "St Anne's Community Hospital", "Riverside Infirmary"]
ADVICE = [
    ("signposting", "Falls prevention classes", "Booked onto the six-week strength and balance course."),
    ("signposting", "Memory café", "Gave details of the Tuesday memory café; her daughter will take her."),
    ("information_advice", "Money and benefits advice (Citizens Advice)", "Explained Attendance Allowance."),
    ("signposting", "Loneliness and social prescribing (GP link worker)", "Referred to the GP link worker."),
]


def _staff(username: str, fallback_action: str):
    User = get_user_model()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is not None and can(user, fallback_action):
        return user
    for candidate in User.objects.filter(is_active=True).order_by("pk"):
        if can(candidate, fallback_action):
            return candidate
    return None


def _candidates(today: datetime.date, *, older: bool):
    """Open, living, unrestricted people; 65 and over, or under 65."""
    cutoff = today.replace(year=today.year - 65)
    people = Person.objects.filter(is_restricted=False, date_of_death__isnull=True).order_by("pk")
    return list(people.filter(date_of_birth__lte=cutoff) if older else people.filter(date_of_birth__gt=cutoff))


def _goals(rng: random.Random) -> list[str]:
    return rng.sample(GOALS, rng.randint(1, 3))


def _episode(rng, person, actor, *, today, days_ago, weeks=6, hospital=True, service_type=short_term.ST_MAX, **extra):
    start = today - datetime.timedelta(days=days_ago)
    return services.episode_start(
        person=person,
        actor=actor,
        service_type=service_type,
        started_from="hospital" if hospital else "community",
        discharged_on=start if hospital else None,
        hospital=rng.choice(HOSPITALS) if hospital else "",
        start_date=start,
        planned_end=start + datetime.timedelta(weeks=weeks),
        goals=_goals(rng),
        worker=actor,
        **extra,
    )


def _progress(rng, episode, actor) -> None:
    for goal in episode.goals.all():
        services.goal_update(
            goal=goal, actor=actor, progress=rng.choice(["achieved", "achieved", "partly", "progressing"])
        )


@transaction.atomic
def seed_short_term(*, seed: int = 1, as_of: datetime.date | None = None) -> dict[str, int]:
    if ShortTermEpisode.objects.exists():
        return {}
    actor = _staff("social.worker", Action.SHORT_TERM_WORK)
    if actor is None:
        return {}
    funder_actor = _staff("finance", Action.OTHER_FUNDING) or actor
    today = as_of or timezone.localdate()
    rng = random.Random(seed)
    older = _candidates(today, older=True)
    younger = _candidates(today, older=False)
    rng.shuffle(older)
    rng.shuffle(younger)
    counts = {"short-term episodes": 0, "91-day follow-ups": 0, "follow-ups recorded": 0}

    # Under way: left hospital 1 to 5 weeks ago.
    for days_ago in (5, 12, 20, 33):
        if not older:
            break
        _episode(rng, older.pop(), actor, today=today, days_ago=days_ago)
        counts["short-term episodes"] += 1

    # Closed, one for every sequel: left hospital 100 to 250 days ago, so the follow-ups have fallen due.
    for index, sequel in enumerate(short_term.SEQUELS):
        if not older:
            break
        days_ago = 100 + 10 * index
        episode = _episode(rng, older.pop(), actor, today=today, days_ago=days_ago, weeks=rng.choice([4, 5, 6]))
        _progress(rng, episode, actor)
        ended = episode.start_date + datetime.timedelta(days=rng.randint(14, 42))
        services.episode_close(episode=episode, actor=actor, sequel=sequel.code, actual_end=min(ended, today))
        counts["short-term episodes"] += 1
    # Follow-ups: all but the three most recent are recorded on their due date, mostly "still at home".
    due = list(FollowUp91.objects.filter(due_on__lte=today).order_by("due_on", "pk"))
    for follow_up in due[:-3] if len(due) > 3 else []:
        deceased = follow_up.episode.sequel == "ended_early_deceased"
        outcome = "deceased" if deceased else rng.choice(["at_home"] * 6 + ["hospital", "care_home"])
        services.follow_up_record(follow_up=follow_up, actor=actor, outcome=outcome, recorded_on=follow_up.due_on)
        counts["follow-ups recorded"] += 1
    counts["91-day follow-ups"] = FollowUp91.objects.count()

    # Community equipment after a fall at home (free), and ongoing low-level support.
    if younger:
        equipment = _episode(
            rng,
            younger.pop(),
            actor,
            today=today,
            days_ago=30,
            weeks=2,
            hospital=False,
            service_type=short_term.OTHER_SHORT_TERM,
            service_component="Equipment",
        )
        services.episode_close(episode=equipment, actor=actor, sequel="no_further_support", actual_end=today)
        counts["short-term episodes"] += 1
        counts["equipment"] = 1
    if younger:
        _episode(
            rng,
            younger.pop(),
            actor,
            today=today,
            days_ago=9,
            weeks=12,
            hospital=False,
            service_type=short_term.ONGOING_LOW_LEVEL,
            service_component="Home Support",
        )
        counts["short-term episodes"] += 1

    counts |= _seed_requests_with_advice(rng, actor, today, younger + older)
    counts |= _seed_other_money(rng, funder_actor, today, younger)
    counts |= _seed_joint_funding(funder_actor, today)
    return counts


def _seed_requests_with_advice(rng, actor, today, people) -> dict[str, int]:
    from selfdirect.assessments.services import request_record

    made = 0
    for kind, service, notes in ADVICE:
        if not people:
            break
        person = people.pop()
        support_request = request_record(
            actor=actor,
            person=person,
            requester="self",
            channel="phone",
            route_of_access="Community/Other route",
            received_on=today - datetime.timedelta(days=rng.randint(3, 60)),
            what_they_need="Feeling low and unsteady since the winter; wants to know what is out there.",
        )
        services.request_resolve_with_advice(
            support_request=support_request, actor=actor, kind=kind, service=service, notes=notes
        )
        made += 1
    return {"requests resolved with information and advice": made}


def _seed_other_money(rng, actor, today, people) -> dict[str, int]:
    made = 0
    plans = [
        ("dfg", Decimal("8450.00"), "One-off", "Level-access shower and a stair lift"),
        ("access_to_work", Decimal("1120.00"), "4-weekly", "Support worker at work, 20 hours a week"),
        ("housing_support", Decimal("65.00"), "Weekly", "Floating support with the tenancy"),
    ]
    for source, amount, period, description in plans:
        if not people:
            break
        services.other_funding_add(
            person=people.pop(),
            actor=actor,
            source=source,
            amount=amount,
            period=period,
            start_date=today - datetime.timedelta(days=rng.randint(30, 200)),
            description=description,
        )
        made += 1
    return {"other public money": made}


def _seed_joint_funding(actor, today) -> dict[str, int]:
    """The NHS pays 30% of the first approved plan with a current budget (a person with health needs)."""
    current = PersonalBudget.objects.filter(is_current=True).values_list("pk", flat=True)
    plan = (
        SupportPlan.objects.filter(
            status=SupportPlan.Status.APPROVED,
            personal_budget__in=current,
            weekly_total__gt=0,
            person__is_restricted=False,
        )
        .order_by("pk")
        .first()
    )
    if plan is None:
        return {"jointly funded packages": 0}
    services.joint_funding_record(
        plan=plan,
        actor=actor,
        funder="NHS Northmoor Integrated Care Board",
        method="percent",
        value=Decimal("30"),
        start_date=today,
        agreement_reference="ICB-JF-0001",
    )
    return {"jointly funded packages": 1}


@transaction.atomic
def reset_short_term() -> None:
    """Remove every short-term support record, other public money and joint funding (the budget versions joint
    funding made stay with the budgets, which reset_money removes)."""
    SignpostingReferral.objects.all().delete()
    JointFunding.objects.all().delete()
    OtherFunding.objects.all().delete()
    FollowUp91.objects.all().delete()
    Goal.objects.all().delete()
    ShortTermEpisode.objects.all().delete()
