"""The synthetic council's workforce: staff profiles (Social Work England registrations for social workers and
managers, one newly qualified social worker still waiting to register), training and skills (some expiring soon,
some lapsed), training needs weighted by what the 2008 survey found, the readiness survey with a closed round from
last year and an open one this year, a peer development group and a mentoring pair.

Survey answers go through the real service, so they are stored as anonymous counts exactly as real answers are.
ILLUSTRATIVE: the answer probabilities below are invented for the demo (loosely near the published figures, a
little better this year than last), not measurements.

Runs after people and staff. Skipped when the demo survey exists, so `make demo` can run again.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.roles import CASEHOLDING_ROLES, Role
from selfdirect.rules import workforce as rules

from . import services
from .models import (
    AnswerCount,
    MentoringPair,
    PeerGroup,
    RoundParticipation,
    StaffProfile,
    Survey,
    SurveyRound,
    TrainingNeed,
    TrainingRecord,
)

SURVEY_NAME = "Readiness for personalisation"
QUALIFIED_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SAFEGUARDING_LEAD}
# ILLUSTRATIVE: how often a caseholder records a need in each topic (the 2008 "would need training" figures of
# 77–89% scaled down: many have been trained since).
NEED_RATES = {
    "employing_pas": 0.35,
    "failed_arrangements": 0.4,
    "private_sector": 0.35,
    "brokerage": 0.3,
    "personal_budgets": 0.15,
    "self_directed_support": 0.15,
    "risk_assessment": 0.1,
    "advocacy_capacity": 0.15,
    "direct_payments": 0.1,
    "support_planning": 0.1,
    "safeguarding": 0.05,
}
COURSES = {
    "direct_payments": "Direct payments in practice",
    "safeguarding": "Safeguarding adults level 3",
    "employing_pas": "Supporting people to employ personal assistants",
    "risk_assessment": "Positive risk-taking",
    "support_planning": "Person-centred support planning",
    "advocacy_capacity": "Mental Capacity Act and advocacy",
    "brokerage": "Brokerage and micro-commissioning",
    "personal_budgets": "Personal budgets and the RAS",
}
# ILLUSTRATIVE: the chance a respondent gives the headline answer, last year and this year, by scale.
ANSWER_P = {"informed": (0.45, 0.6), "yes_no": (0.6, 0.5), "agree": (0.45, 0.55)}
RESPONSE_RATE = 0.8
DEMO_NOT_ANSWERING = {"social.worker", "manager"}  # so the demo can answer this year's round itself


def _seeded_staff():
    from selfdirect.people.seeding import STAFF_EMAIL_DOMAIN

    return get_user_model().objects.filter(email__iendswith=f"@{STAFF_EMAIL_DOMAIN}").exclude(role="")


def _profiles(staff, rng: random.Random, today: datetime.date) -> int:
    profiles = []
    newly_qualified = next((u for u in staff if u.role == Role.SOCIAL_WORKER and u.username != "social.worker"), None)
    for user in staff:
        qualified = user.role in QUALIFIED_ROLES and user is not newly_qualified
        profiles.append(
            StaffProfile(
                user=user,
                qualified_social_worker=qualified,
                registration_number=f"SW{rng.randint(10000, 199999)}" if qualified else "",
                registered_on=today - datetime.timedelta(days=rng.randint(365, 365 * 20)) if qualified else None,
            )
        )
    StaffProfile.objects.bulk_create(profiles)
    return len(profiles)


def _training(staff, rng: random.Random, today: datetime.date) -> list[TrainingRecord]:
    records = []
    for user in staff:
        if user.role not in CASEHOLDING_ROLES | {Role.TEAM_MANAGER, Role.SAFEGUARDING_LEAD}:
            continue
        for topic in rng.sample(sorted(COURSES), rng.randint(0, 3)):
            completed = today - datetime.timedelta(days=rng.randint(30, 365 * 3))
            lasts = rng.choice([None, 365 * 2, 365 * 3])
            records.append(
                TrainingRecord(
                    user=user,
                    topic=topic,
                    title=COURSES[topic],
                    completed_on=completed,
                    expires_on=completed + datetime.timedelta(days=lasts) if lasts else None,
                )
            )
    demo = {u.username: u for u in staff}
    if "social.worker" in demo:  # an expiry coming up, on the demo social worker's own page
        records.append(
            TrainingRecord(
                user=demo["social.worker"],
                topic="safeguarding",
                title=COURSES["safeguarding"],
                completed_on=today - datetime.timedelta(days=3 * 365 - 30),
                expires_on=today + datetime.timedelta(days=30),
            )
        )
    if "broker" in demo:  # the mentor and facilitator for employing personal assistants
        records.append(
            TrainingRecord(
                user=demo["broker"],
                topic="employing_pas",
                title=COURSES["employing_pas"],
                completed_on=today - datetime.timedelta(days=200),
            )
        )
    if "ot" in demo:
        records.append(
            TrainingRecord(
                user=demo["ot"],
                kind=TrainingRecord.Kind.SKILL,
                title="British Sign Language level 2",
                completed_on=today - datetime.timedelta(days=900),
            )
        )
    return TrainingRecord.objects.bulk_create(records)


def _needs(staff, rng: random.Random, today: datetime.date) -> list[TrainingNeed]:
    needs = []
    for user in staff:
        if user.role not in CASEHOLDING_ROLES:
            continue
        topics = {t for t, rate in NEED_RATES.items() if rng.random() < rate}
        if user.username == "social.worker":
            topics = {"employing_pas", "failed_arrangements"}
        for topic in sorted(topics):
            needs.append(
                TrainingNeed(
                    user=user,
                    topic=topic,
                    noted_on=today - datetime.timedelta(days=rng.randint(1, 200)),
                    wants_peer_group=topic == "employing_pas" or rng.random() < 0.4,
                )
            )
    return TrainingNeed.objects.bulk_create(needs)


def _answers(survey_round: SurveyRound, rng: random.Random, year_index: int) -> dict[str, str]:
    answers = {}
    for question in survey_round.questions.all():
        scale = rules.SCALES[question.scale]
        headline = rng.random() < ANSWER_P[question.scale][year_index]
        pool = [o for o, _ in scale.options if (o in scale.counts) == headline]
        answers[question.key] = rng.choice(pool)
    return answers


def _round(survey, actor, label, staff, rng, *, year_index: int, skip=frozenset()) -> tuple[SurveyRound, int]:
    survey_round = services.survey_round_open(survey=survey, actor=actor, label=label)
    answered = 0
    for user in staff:
        if user.username in skip or rng.random() > RESPONSE_RATE:
            continue
        services.survey_respond(survey_round=survey_round, user=user, answers=_answers(survey_round, rng, year_index))
        answered += 1
    return survey_round, answered


@transaction.atomic
def seed_workforce(*, seed: int = 1) -> dict[str, int]:
    if Survey.objects.filter(name=SURVEY_NAME).exists():
        return {}
    staff = list(_seeded_staff().filter(is_active=True).prefetch_related("teams").order_by("username"))
    by_username = {u.username: u for u in staff}
    manager = by_username.get("manager")
    if manager is None:
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    profiles = _profiles(staff, rng, today)
    records = _training(staff, rng, today)
    needs = _needs(staff, rng, today)
    survey = services.survey_create_default(actor=manager, name=SURVEY_NAME)
    last, last_n = _round(survey, manager, str(today.year - 1), staff, rng, year_index=0)
    services.survey_round_close(survey_round=last, actor=manager)
    # Moved back to last autumn; who answered keeps a date inside the round, never a time.
    opened = datetime.date(today.year - 1, 10, 1)
    SurveyRound.objects.filter(pk=last.pk).update(opened_on=opened, closed_on=opened + datetime.timedelta(days=28))
    RoundParticipation.objects.filter(round=last).update(responded_on=opened + datetime.timedelta(days=7))
    _, this_n = _round(survey, manager, str(today.year), staff, rng, year_index=1, skip=DEMO_NOT_ANSWERING)
    groups = pairs = 0
    keen = [n.user for n in needs if n.topic == "employing_pas" and n.wants_peer_group]
    if "broker" in by_username and keen:
        services.peer_group_create(
            actor=manager,
            topic="employing_pas",
            name="Employing personal assistants: peer group",
            facilitator=by_username["broker"],
            members=keen[:8],
        )
        groups = 1
        if "social.worker" in by_username:
            services.mentoring_pair_create(
                actor=manager, topic="employing_pas", mentor=by_username["broker"], mentee=by_username["social.worker"]
            )
            pairs = 1
    return {
        "staff profiles": profiles,
        "training records": len(records),
        "training needs": len(needs),
        "survey answers last year": last_n,
        "survey answers this year": this_n,
        "peer groups": groups,
        "mentoring pairs": pairs,
    }


@transaction.atomic
def reset_workforce() -> None:
    """Remove what seed_workforce made (and any other workforce records about seeded staff)."""
    staff = _seeded_staff()
    MentoringPair.objects.all().delete()
    PeerGroup.objects.all().delete()
    AnswerCount.objects.filter(round__survey__name=SURVEY_NAME).delete()
    Survey.objects.filter(name=SURVEY_NAME).delete()
    TrainingNeed.objects.filter(user__in=staff).delete()
    TrainingRecord.objects.filter(user__in=staff).delete()
    StaffProfile.objects.filter(user__in=staff).delete()
