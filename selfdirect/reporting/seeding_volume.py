"""CLD events in bulk for benchmarks: about `events` requests, assessments, services and reviews for the people
already in the database (seed_council --people-only), inserted with bulk_create in batches.

Not demo data: rows are plausible, not a story. Each person drawn gets a needs assessment and an approved plan
with one line; the services (arrangements) hang off that line. The mix per 20 events is ILLUSTRATIVE: 3 requests,
3 assessments, 10 services, 4 reviews, spread over the year before `as_of`. Deterministic for a seed. Every row is
marked (VOLUME_MARK) so `reset_cld_volume()` removes exactly these.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import Assessment, QuestionBank, SupportRequest
from selfdirect.core.progress import Progress
from selfdirect.market.models import Arrangement
from selfdirect.people.models import Person
from selfdirect.planning.models import Management, PlanLine, SupportPlan
from selfdirect.reviews.models import Review
from selfdirect.rules import cld

VOLUME_MARK = "[cld volume]"
BATCH = 5_000
PEOPLE_PER_ROUND = 2_000
# Per person on average (ILLUSTRATIVE): the shares of the "about 1,000,000 events" for 50,000 people.
MIX = {"requests": 3, "assessments": 3, "services": 10, "reviews": 4}

# (service type, component, delivery mechanism, cost frequency, unit cost, units a week) - ILLUSTRATIVE shares.
SERVICES = [
    (40, "Long Term Support: Community", "Home Support", cld.DELIVERY_COMMISSIONED, "Hourly", "24.00", "10"),
    (15, "Long Term Support: Community", "Direct Payment", cld.DELIVERY_DIRECT_PAYMENT, "Hourly", "15.50", "12"),
    (10, "Long Term Support: Community", "Day Support", cld.DELIVERY_MANAGED, "Per session", "45.00", "2"),
    (10, "Long Term Support: Residential Care", "Long Term Residential Care", "", "Weekly", "850.00", "1"),
    (5, "Long Term Support: Nursing Care", "Long Term Nursing Care", "", "Weekly", "1100.00", "1"),
    (10, "Short Term Support: ST-Max", "Reablement", cld.DELIVERY_COMMISSIONED, "Hourly", "26.00", "8"),
    (5, "Short Term Support: Other Short Term", "Equipment", cld.DELIVERY_COMMISSIONED, "One-off", "120.00", "1"),
    (5, "Carer Support: Direct to Carer", "Carer Respite", cld.DELIVERY_DIRECT_PAYMENT, "Daily", "110.00", "1"),
]
MANAGEMENT = {cld.DELIVERY_DIRECT_PAYMENT: Management.DIRECT_PAYMENT, cld.DELIVERY_MANAGED: Management.COUNCIL_MANAGED}


def _around(rng: random.Random, mean: int) -> int:
    return max(0, round(rng.gauss(mean, mean / 2)))


def seed_cld_volume(
    *, events: int, seed: int = 1, as_of: datetime.date | None = None, progress_stream=None
) -> dict[str, int]:
    """About `events` CLD events for the people already there (each person gets about 20). Returns the counts."""
    as_of = as_of or timezone.localdate()
    rng = random.Random(seed)
    bank = QuestionBank.objects.filter(published_at__isnull=False).order_by("-version").first()
    actor = get_user_model().objects.order_by("pk").first()
    if bank is None or actor is None:
        raise ValueError("Seed the council first (a published question bank and a member of staff are needed).")
    per_person = sum(MIX.values())
    people = list(
        Person.objects.order_by("pk").values_list("pk", "first_name", "last_name", "primary_support_reason")[
            : max(1, events // per_person)
        ]
    )
    weights = [s[0] for s in SERVICES]
    counts = dict.fromkeys(["requests", "assessments", "plans", "services", "reviews"], 0)
    with Progress(len(people), label="CLD events", stream=progress_stream, enabled=progress_stream is not None) as bar:
        for start in range(0, len(people), PEOPLE_PER_ROUND):
            chunk = people[start : start + PEOPLE_PER_ROUND]
            with transaction.atomic():
                _round(rng, chunk, as_of, bank, actor, weights, counts)
            bar.advance(len(chunk))
    return counts


def _day(rng: random.Random, as_of: datetime.date, within: int = 365) -> datetime.date:
    return as_of - datetime.timedelta(days=rng.randrange(within))


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _round(rng, chunk, as_of, bank, actor, weights, counts) -> None:
    requests, assessments = [], []
    for pk, first, last, psr in chunk:
        for _ in range(_around(rng, MIX["requests"])):
            received = _day(rng, as_of)
            requests.append(
                SupportRequest(
                    person_id=pk, subject_first_name=first, subject_last_name=last, requester="self",
                    channel="phone", route_of_access=rng.choice(cld.REQUEST_ROUTES), received_on=received,
                    what_they_need=VOLUME_MARK, status=SupportRequest.Status.CLOSED,
                    outcome=rng.choice(cld.REQUEST_OUTCOMES), outcome_on=received + datetime.timedelta(days=3),
                )
            )  # fmt: skip
        for _ in range(max(1, _around(rng, MIX["assessments"]))):
            started = _day(rng, as_of)
            signed = _noon(started + datetime.timedelta(days=14))
            assessments.append(
                Assessment(
                    person_id=pk, kind=Assessment.Kind.NEEDS, question_bank=bank, status=Assessment.Status.SIGNED_OFF,
                    assessment_type="Care Act Needs Assessment", method=rng.choice(cld.ASSESSMENT_METHODS),
                    primary_support_reason=psr, decision_eligible=True, started_on=started, signed_off_at=signed,
                    event_outcome="Progress to Support Planning / Services", wishes_and_outcomes=VOLUME_MARK,
                )
            )  # fmt: skip
    SupportRequest.objects.bulk_create(requests, batch_size=BATCH)
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    first_assessment = {}
    for a in assessments:
        first_assessment.setdefault(a.person_id, a.pk)
    plans = [
        SupportPlan(
            person_id=pk, assessment_id=first_assessment[pk], status=SupportPlan.Status.APPROVED,
            created_by=actor, what_matters=VOLUME_MARK,
        )
        for pk, *_ in chunk
    ]  # fmt: skip
    SupportPlan.objects.bulk_create(plans, batch_size=BATCH)
    lines, arrangements, reviews = [], [], []
    for plan in plans:
        _, _, component, mechanism, frequency, cost, units = rng.choices(SERVICES, weights)[0]
        line = PlanLine(
            plan=plan, description=component, support_kind=PlanLine.SupportKind.PROVIDER, service_component=component,
            unit_type=frequency, per_week=Decimal(units), unit_rate=Decimal(cost),
            management=MANAGEMENT.get(mechanism, Management.COUNCIL_MANAGED),
            weekly_cost=Decimal(cost) * Decimal(units),
        )  # fmt: skip
        lines.append(line)
    PlanLine.objects.bulk_create(lines, batch_size=BATCH)
    for plan, line in zip(plans, lines, strict=True):
        for _ in range(_around(rng, MIX["services"])):
            _, service_type, component, mechanism, frequency, cost, units = rng.choices(SERVICES, weights)[0]
            begins = _day(rng, as_of)
            ends = begins + datetime.timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.4 else None
            arrangements.append(
                Arrangement(
                    plan_line=line, person_id=plan.person_id, start_date=begins,
                    end_date=ends if ends and ends <= as_of else None,
                    status=Arrangement.Status.ENDED if ends and ends <= as_of else Arrangement.Status.ACTIVE,
                    service_type=service_type, service_component=component, delivery_mechanism=mechanism,
                    unit_cost=Decimal(cost), cost_frequency=frequency, planned_units_per_week=Decimal(units),
                    weekly_cost=Decimal(cost) * Decimal(units), created_by=actor, end_reason=VOLUME_MARK,
                )
            )  # fmt: skip
        for _ in range(_around(rng, MIX["reviews"])):
            held = _day(rng, as_of)
            planned = rng.random() < 0.7
            reviews.append(
                Review(
                    person_id=plan.person_id, plan=plan, kind=Review.Kind.ANNUAL if planned else Review.Kind.UNPLANNED,
                    reason=cld.REVIEW_PLANNED if planned else rng.choice(cld.REVIEW_REASONS[1:]),
                    status=Review.Status.DONE, due_on=held, method=rng.choice(cld.REVIEW_METHODS),
                    outcomes_achieved=rng.choice(cld.REVIEW_OUTCOMES_ACHIEVED), event_outcome="No change in package",
                    started_on=held, completed_on=held, what_changes=VOLUME_MARK,
                )
            )  # fmt: skip
    Arrangement.objects.bulk_create(arrangements, batch_size=BATCH)
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    for key, rows in [
        ("requests", requests),
        ("assessments", assessments),
        ("plans", plans),
        ("services", arrangements),
        ("reviews", reviews),
    ]:
        counts[key] += len(rows)


@transaction.atomic
def reset_cld_volume() -> None:
    """Remove exactly what seed_cld_volume made (children first)."""
    plans = SupportPlan.objects.filter(what_matters=VOLUME_MARK)
    Review.objects.filter(plan__in=plans).delete()
    Arrangement.objects.filter(plan_line__plan__in=plans).delete()
    assessment_ids = list(plans.values_list("assessment_id", flat=True))
    PlanLine.objects.filter(plan__in=plans).delete()
    plans.delete()
    Assessment.objects.filter(wishes_and_outcomes=VOLUME_MARK).delete()
    Assessment.objects.filter(pk__in=assessment_ids).delete()
    SupportRequest.objects.filter(what_they_need=VOLUME_MARK).delete()
