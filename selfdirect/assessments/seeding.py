"""The synthetic council's requests and assessments: people at every step, made through the real services
(so audit records and timelines are as real use leaves them). Runs after people.seeding.seed_council.

Numbers scale with the council (per 2,000 people) and are capped, so 100,000 people stay quick to seed.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.people.models import Contact, Person
from selfdirect.people.seeding import DEMO_PASSWORD
from selfdirect.rules.eligibility import ADULT_OUTCOMES, ADULT_REASONS

from . import services
from .models import AdvocacyReferral, Assessment, Channel, Requester, SupportRequest

PORTAL_DEMO_EMAIL = "grace.ashworth@example.org"

NEEDS = (
    "Struggling to manage at home since a fall; family worried about washing and meals.",
    "Memory getting worse: leaving the cooker on, missing meals, getting lost on the way to the shops.",
    "Feeling very low and not leaving the flat; has stopped seeing friends.",
    "Moving on from college: wants support to live more independently and find work.",
    "Carer exhausted after months of broken nights; needs a break and some help.",
    "Sight loss: finding it hard to cook safely and to get to appointments.",
)
REQUESTERS = [Requester.SELF, Requester.FAMILY, Requester.HEALTH, Requester.CARER, Requester.PROFESSIONAL]
ROUTES = ["Community/Other route", "Discharge from Hospital", "Community/Other route", "Planned Entry (Transition)"]
METHODS = ["Face to Face", "Service User and Carer", "Telephone"]


def _scaled(per_2000: int, people: int, cap: int) -> int:
    return max(1, min(cap, round(per_2000 * people / 2000)))


def _outcomes(rng: random.Random, count: int) -> dict:
    # Work (h) and caring for children (j) rarely apply to the older people most of the caseload are.
    codes = rng.sample([c for c in ADULT_OUTCOMES if c not in "hj"], k=count)
    return {
        c: {
            "unable_reasons": rng.sample([str(r) for r in ADULT_REASONS], k=rng.randint(1, 2)),
            "own_words": "",
            "met_by_unpaid_carer": rng.random() < 0.4,
        }
        for c in codes
    }


def _answers(rng: random.Random) -> dict:
    return {
        "needs_from_impairment": "yes",
        "significant_impact": "yes",
        "wishes_and_outcomes": rng.choice(
            [
                "To stay in my own home",
                "To get back to the allotment",
                "To see my grandchildren every week",
                "To have a job and my own flat",
                "To feel safe at night",
            ]
        ),
        "typical_week": "Help from family most mornings; on my own in the evenings.",
    }


def _demo_portal_user():
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=PORTAL_DEMO_EMAIL,
        defaults={
            "email": PORTAL_DEMO_EMAIL,
            "first_name": "Grace",
            "last_name": "Ashworth",
            "role": "",
            "password": make_password(DEMO_PASSWORD),
            "email_verified_at": timezone.now(),
        },
    )
    return user


@transaction.atomic
def seed_assessment_pathway(*, seed: int = 1) -> dict:
    """Requests, self-assessments, assessments in progress (some complex, some waiting for an advocate) and
    signed-off decisions, spread across the seeded caseloads."""
    rng = random.Random(seed * 7919)
    User = get_user_model()
    people_count = Person.objects.count()
    living = list(Person.objects.filter(date_of_death__isnull=True, is_restricted=False).order_by("id"))
    if not living:
        return {}
    rng.shuffle(living)
    pool = iter(living)
    worker = User.objects.get(username="social.worker")
    manager = User.objects.get(username="manager")
    assessor = User.objects.get(username="assessor")
    practitioners = list(User.objects.filter(role__in=[Role.SOCIAL_WORKER, Role.OCCUPATIONAL_THERAPIST])[:40])
    counts = dict.fromkeys(["requests", "submitted", "in_progress", "advocacy", "signed_off", "carer"], 0)

    # Open requests, some from people with no record yet (the front door's work).
    for i in range(_scaled(30, people_count, 100)):
        person = next(pool) if i % 3 else None
        fields = {
            "requester": rng.choice(REQUESTERS),
            "channel": rng.choice(list(Channel.values)),
            "route_of_access": rng.choice(ROUTES),
            "what_they_need": rng.choice(NEEDS),
            "immediate_risk": i % 11 == 0,
            "received_on": timezone.localdate() - datetime.timedelta(days=rng.randint(0, 20)),
        }
        if person is None:
            fields |= {
                "subject_first_name": rng.choice(["Alan", "Joyce", "Kofi", "Mei", "Rhys", "Zainab"]),
                "subject_last_name": rng.choice(["Barker", "Okafor", "Lin", "Price", "Hussain"]),
                "subject_postcode": f"NM{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
            }
        services.request_record(actor=assessor, person=person, **fields)
        counts["requests"] += 1

    # Submitted self-assessments waiting for a worker to verify: some by the person, some by family.
    for i in range(_scaled(20, people_count, 60)):
        person = next(pool)
        req = services.request_record(
            actor=assessor,
            person=person,
            requester=Requester.FAMILY if i % 2 else Requester.SELF,
            channel=Channel.PORTAL,
            route_of_access="Community/Other route",
            what_they_need=rng.choice(NEEDS),
        )
        on_behalf = i % 2 == 1
        a = services.assessment_start(
            actor=assessor,
            support_request=req,
            method="Supported Self-Assessment",
            respondent=Assessment.Respondent.ON_BEHALF if on_behalf else Assessment.Respondent.PERSON,
            respondent_name="Daughter" if on_behalf else "",
            respondent_relationship="daughter" if on_behalf else "",
        )
        services.assessment_save_answers(
            assessment=a, actor=assessor, outcomes=_outcomes(rng, rng.randint(1, 4)), answers=_answers(rng)
        )
        services.assessment_submit(assessment=a, actor=assessor)
        counts["submitted"] += 1

    # With workers: ready to sign off, complex, and blocked until an advocate is arranged.
    for i in range(_scaled(25, people_count, 80)):
        person = next(pool)
        owner = worker if i < 3 else rng.choice(practitioners or [worker])
        a = services.assessment_start(actor=owner, person=person, method=rng.choice(METHODS))
        if i % 5 == 0:
            services.assessment_mark_complex(
                assessment=a,
                actor=manager,
                is_complex=True,
                reasons="Concerns about capacity and several agencies involved",
            )
            owner = worker if owner.role != Role.SOCIAL_WORKER else owner
        services.assessment_allocate(assessment=a, worker=owner, actor=manager)
        services.assessment_save_answers(
            assessment=a, actor=owner, outcomes=_outcomes(rng, rng.randint(1, 5)), answers=_answers(rng)
        )
        if i % 4 == 1:  # substantial difficulty, nobody appropriate: sign-off waits for an advocate
            services.involvement_record(assessment=a, actor=owner, difficulties=["understanding", "weighing"])
            services.advocacy_refer(assessment=a, actor=owner, organisation="Northmoor Advocacy Hub")
            counts["advocacy"] += 1
        elif i % 4 == 2:
            services.involvement_record(assessment=a, actor=owner, difficulties=[])
        counts["in_progress"] += 1

    # Decisions made in the past year, most of them eligible.
    for _ in range(_scaled(60, people_count, 200)):
        person = next(pool)
        owner = rng.choice(practitioners or [worker])
        a = services.assessment_start(actor=owner, person=person, method=rng.choice(METHODS))
        services.assessment_allocate(assessment=a, worker=owner, actor=manager)
        a = services.assessment_save_answers(
            assessment=a, actor=owner, outcomes=_outcomes(rng, rng.choice([1, 2, 3, 3, 4, 5])), answers=_answers(rng)
        )
        difficulties = ["retaining"] if rng.random() < 0.15 else []
        a = services.involvement_record(assessment=a, actor=owner, difficulties=difficulties)
        if difficulties:
            referral = services.advocacy_refer(assessment=a, actor=owner, organisation="Northmoor Advocacy Hub")
            services.advocacy_update(
                referral=referral, actor=owner, status=AdvocacyReferral.Status.ARRANGED, advocate_name="Sam Igwe"
            )
        services.assessment_sign_off(assessment=a, actor=owner)
        signed_at = timezone.now() - datetime.timedelta(days=rng.randint(1, 360))
        Assessment.objects.filter(pk=a.pk).update(
            signed_off_at=signed_at, started_on=signed_at.date() - datetime.timedelta(days=rng.randint(7, 40))
        )
        counts["signed_off"] += 1

    # Carers' assessments for people whose unpaid carer is on record as a contact with a record of their own.
    carers = Contact.objects.filter(is_unpaid_carer=True, person__in=living[:400]).select_related("person")[:15]
    for contact in carers:
        try:
            carer = next(pool)
        except StopIteration:
            break
        a = services.assessment_start(actor=worker, person=carer, kind=Assessment.Kind.CARER, cared_for=contact.person)
        services.assessment_allocate(assessment=a, worker=worker, actor=manager)
        services.assessment_save_answers(
            assessment=a,
            actor=worker,
            outcomes={"8": {"unable_reasons": ["pain_distress_anxiety"]}},
            answers={"needs_from_caring": "yes", "carer_health_deteriorating": "yes", "significant_impact": "yes"},
        )
        counts["carer"] += 1

    # A daughter using the portal for her mother, half-way through the self-assessment.
    portal_user = _demo_portal_user()
    if not SupportRequest.objects.filter(portal_user=portal_user).exists():
        req = services.request_record(
            actor=portal_user,
            portal_user=portal_user,
            requester=Requester.FAMILY,
            requester_name="Grace Ashworth",
            channel=Channel.PORTAL,
            route_of_access="Community/Other route",
            subject_first_name="Winifred",
            subject_last_name="Ashworth",
            subject_date_of_birth=datetime.date(1938, 5, 17),
            subject_postcode="NM2 4QT",
            what_they_need="Mum has dementia and is forgetting to eat. I live an hour away.",
        )
        a = services.assessment_start(
            actor=portal_user,
            support_request=req,
            method="Supported Self-Assessment",
            respondent=Assessment.Respondent.ON_BEHALF,
            respondent_name="Grace Ashworth",
            respondent_relationship="daughter",
        )
        services.assessment_save_answers(
            assessment=a,
            actor=portal_user,
            answers={
                "what_matters": "Her cat, her garden and her church.",
                "wishes_and_outcomes": "To stay in her own home.",
            },
            outcomes={"a": {"unable_reasons": ["without_assistance"], "own_words": "She forgets meals."}},
        )
    return counts


def reset_assessment_pathway() -> None:
    """Remove seeded requests and assessments (before people.seeding resets the people they are about)."""
    from selfdirect.money.ras_services import reset_indicative_budgets

    from .models import AnswerChange, CapacityAssessment, OutcomeAnswer, TextAnswer

    reset_indicative_budgets()  # they point at the assessments

    for model in (
        AnswerChange,
        TextAnswer,
        OutcomeAnswer,
        AdvocacyReferral,
        CapacityAssessment,
        Assessment,
        SupportRequest,
    ):
        model.objects.all().delete()
