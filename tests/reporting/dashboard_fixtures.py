"""Records for the measures and dashboard tests, written with the ORM (no audit rows), with the expected figures
worked out by hand in the docstrings.

`small_council()` on 31 March 2026 (AT):
- Ann (North, 65+, personal care): community home support on a direct payment.
- Bob (North, 65+): a "Direct Payment" component (mechanism left blank) AND commissioned home support: counted
  once, as a direct payment (part direct payment in LTS001b).
- Cath (North, 65+): a council-managed personal budget.
- Dev (North, 65+): commissioned support only.
- Eve (South, 18-64, learning disability): commissioned support only.
- Fay (North, 65+): long-term residential care: outside the community denominator.
- Gus (North, 65+): a direct payment that ended on 1 March 2026: not in support on the date.
- Carla (North, 18-64): a carer with a direct payment direct to her (carer's assessment for Ann).
So 1a = 3 of 5 = 60.0%, 2a = 2 of 5 = 40.0%, 1b = 1 of 1 = 100.0%; six people in long-term support.
"""

import datetime
from decimal import Decimal

from selfdirect.assessments.models import Assessment, QuestionBank, SupportRequest
from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.market.factories import approved_line

AT = datetime.date(2026, 3, 31)
START = datetime.date(2025, 1, 1)
OLDER = datetime.date(1950, 5, 5)  # 75 on AT
WORKING_AGE = datetime.date(1985, 5, 5)  # 40 on AT
PERSONAL_CARE = "Physical Support: Personal care support"
LEARNING_DISABILITY = "Learning Disability Support"
DP, MANAGED, COMMISSIONED = "Direct Payment", "CASSR Managed Personal Budget", "CASSR Commissioned Support"
COMMUNITY = "Long Term Support: Community"


def arrange(person, *, worker, mechanism="", component="Home Support", service_type=COMMUNITY, start=START, end=None):
    """An arrangement (a CLD Service event) for `person` on its own approved plan line."""
    kind = Assessment.Kind.CARER if service_type.startswith("Carer Support") else Assessment.Kind.NEEDS
    line = approved_line(person=person, created_by=worker, assessment_kind=kind, service_component=component)
    return Arrangement.objects.create(
        plan_line=line,
        person=person,
        start_date=start,
        end_date=end,
        status=Arrangement.Status.ENDED if end else Arrangement.Status.ACTIVE,
        service_type=service_type,
        service_component=component,
        delivery_mechanism=mechanism,
        unit_cost=Decimal("24.00"),
        cost_frequency="Hourly",
        planned_units_per_week=Decimal("10"),
        weekly_cost=Decimal("240.00"),
        created_by=worker,
    )


def small_council() -> dict:
    north = TeamFactory(name="North", code="north")
    south = TeamFactory(name="South", code="south")
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[north])

    def person(name, team=north, born=OLDER, psr=PERSONAL_CARE):
        return PersonFactory(first_name=name, date_of_birth=born, allocated_team=team, primary_support_reason=psr)

    people = {name: person(name) for name in ("Ann", "Bob", "Cath", "Dev", "Fay", "Gus")}
    people["Eve"] = person("Eve", team=south, born=WORKING_AGE, psr=LEARNING_DISABILITY)
    people["Carla"] = person("Carla", born=WORKING_AGE, psr="")
    arrange(people["Ann"], worker=worker, mechanism=DP)
    arrange(people["Bob"], worker=worker, component="Direct Payment")
    arrange(people["Bob"], worker=worker, mechanism=COMMISSIONED)
    arrange(people["Cath"], worker=worker, mechanism=MANAGED)
    arrange(people["Dev"], worker=worker, mechanism=COMMISSIONED)
    arrange(people["Eve"], worker=worker, mechanism=COMMISSIONED)
    arrange(
        people["Fay"],
        worker=worker,
        component="Long Term Residential Care",
        service_type="Long Term Support: Residential Care",
    )
    arrange(people["Gus"], worker=worker, mechanism=DP, end=datetime.date(2026, 3, 1))
    arrange(
        people["Carla"],
        worker=worker,
        mechanism=DP,
        component="Carer Respite",
        service_type="Carer Support: Direct to Carer",
    )
    return {"north": north, "south": south, "worker": worker, "people": people}


def support_request(person, received_on, *, status=SupportRequest.Status.OPEN):
    return SupportRequest.objects.create(
        person=person,
        subject_first_name=person.first_name,
        subject_last_name=person.last_name,
        requester="self",
        channel="phone",
        route_of_access="Community/Other route",
        received_on=received_on,
        what_they_need="Help at home",
        status=status,
    )


def assessment_for(support_request, started_on):
    return Assessment.objects.create(
        person=support_request.person,
        request=support_request,
        question_bank=QuestionBank.objects.first(),
        status=Assessment.Status.IN_PROGRESS,
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
        started_on=started_on,
    )


def requests_and_assessments(people) -> None:
    """January 2026: Ann's request (5th) assessed from the 15th (10 days), Bob's (10th) from the 30th (20 days):
    median 15.0, average 15.0. February: Cath's request (1st) still waiting, Dev's closed without assessment."""
    assessment_for(support_request(people["Ann"], datetime.date(2026, 1, 5)), datetime.date(2026, 1, 15))
    assessment_for(support_request(people["Bob"], datetime.date(2026, 1, 10)), datetime.date(2026, 1, 30))
    support_request(people["Cath"], datetime.date(2026, 2, 1))
    support_request(people["Dev"], datetime.date(2026, 2, 3), status=SupportRequest.Status.CLOSED)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def operational_records(records: dict, *, today: datetime.date) -> dict:
    """Reviews, PA checks, a direct-payment finding and a planning organisation, relative to `today`.

    Reviews still to do: Ann due 40 days ago, Bob 400 days ago, Cath due in 10 days (North); Eve 5 days ago
    (South). Every arrangement above sits on its own approved plan starting today with no review done: North has
    8 such plans (Ann, Bob x2, Cath, Dev, Fay, Gus, Carla), South 1 (Eve).
    PA checks (active PAs only): PA 1's right to work ended 3 days ago (lapsed) and training ends on the 15th of
    next month; PA 2's training ended yesterday but a newer course lasts 400 days (not counted) and its right to
    work never ends; PA 3 is inactive with a lapsed check (not counted).
    Direct payments: in February 2026 a surplus finding of £1,234.50 (open) and a no-PA-wages finding (resolved).
    """
    from django.utils import timezone

    from selfdirect.market.models import PaCheck
    from selfdirect.payments.models import MonitoringFinding
    from selfdirect.planning.models import PlanningOrganisation
    from selfdirect.reviews.models import Review
    from tests.market.factories import PaFactory
    from tests.payments.test_statements import make_agreement

    people, worker = records["people"], records["worker"]
    for name, offset in (("Ann", -40), ("Bob", -400), ("Cath", 10), ("Eve", -5)):
        Review.objects.create(
            person=people[name],
            kind=Review.Kind.ANNUAL,
            reason="Planned",
            due_on=today + datetime.timedelta(days=offset),
        )
    pa1, pa2, pa3 = PaFactory(), PaFactory(), PaFactory(is_active=False)

    def check(pa, kind, expires_on):
        PaCheck.objects.create(pa=pa, kind=kind, expires_on=expires_on, recorded_by=worker, detail="Seen")

    check(pa1, PaCheck.Kind.RIGHT_TO_WORK, today - datetime.timedelta(days=3))
    check(pa1, PaCheck.Kind.TRAINING, _add_months(today, 1).replace(day=15))
    check(pa1, PaCheck.Kind.REFERENCE, None)
    check(pa2, PaCheck.Kind.TRAINING, today - datetime.timedelta(days=1))
    check(pa2, PaCheck.Kind.TRAINING, today + datetime.timedelta(days=400))
    check(pa2, PaCheck.Kind.RIGHT_TO_WORK, None)
    check(pa3, PaCheck.Kind.RIGHT_TO_WORK, today - datetime.timedelta(days=3))

    agreement = make_agreement(person=people["Ann"], worker=worker)
    february = timezone.make_aware(datetime.datetime(2026, 2, 10, 9, 0))
    MonitoringFinding.objects.create(
        agreement=agreement,
        kind=MonitoringFinding.Kind.SURPLUS,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        amount=Decimal("1234.50"),
        detail="Balance above the limit",
        created_at=february,
    )
    MonitoringFinding.objects.create(
        agreement=agreement,
        kind=MonitoringFinding.Kind.NO_PA_WAGES,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        detail="No wages",
        status=MonitoringFinding.Status.RESOLVED,
        created_at=february,
    )
    organisation = PlanningOrganisation.objects.create(name="Moorside Planning Together", monthly_capacity=4)
    return {"pas": (pa1, pa2, pa3), "agreement": agreement, "organisation": organisation}
