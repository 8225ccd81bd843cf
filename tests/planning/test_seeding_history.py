"""seed_service_history on a small seeded council: people already in long-term support when the council moved onto
selfdirect, so ASCOF 3D, the long-term support counts and the CLD return have something to count; deterministic for a
seed, once, and reset removes exactly it."""

import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Q

from selfdirect.assessments.models import Assessment, OutcomeAnswer
from selfdirect.market.models import Arrangement
from selfdirect.money.models import FinancialAssessment, PersonalBudget
from selfdirect.people.models import Person, PersonEvent
from selfdirect.planning.models import PlanDecision, PlanLine, SupportPlan
from selfdirect.planning.seeding_history import (
    COMMISSIONED,
    COMMUNITY_MECHANISMS,
    DP_ONLY,
    ENDED_SHARE,
    MANAGED,
    MARK,
    PART_DP,
    _quotas,
    reset_service_history,
    seed_service_history,
)
from selfdirect.reporting.cld_extract import CldExtract
from selfdirect.reporting.measures import measures_at
from selfdirect.reviews.models import Review, Task
from selfdirect.rules import reviews as review_rules
from selfdirect.rules.cld_return import last_complete_quarter

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 5, 1)
PEOPLE = 300
MODELS = [Assessment, OutcomeAnswer, FinancialAssessment, PersonalBudget, SupportPlan, PlanLine, PlanDecision,
          Arrangement, Review, Task, PersonEvent]  # fmt: skip


@pytest.fixture
def council(db):
    """A 300-person council seeded as of 1 May 2026, without any migrated history (in case seed_council makes it)."""
    out = io.StringIO()
    call_command("seed_council", people=PEOPLE, seed=4, as_of=AS_OF, demo_database=True, stdout=out, stderr=out)
    reset_service_history()


def table_counts() -> dict:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["dead"] = Person.objects.filter(date_of_death__isnull=False).count()
    return counts


def migrated(model, path: str):
    return model.objects.filter(**{f"{path}decision_reason__startswith": MARK})


def cld_event_types(start, end) -> Counter:
    return Counter(row.values.get("Event Type") for row in CldExtract(start=start, end=end).rows())


def snapshot() -> list:
    return sorted(
        migrated(Arrangement, "plan_line__plan__assessment__").values_list(
            "person_id", "service_type", "service_component", "delivery_mechanism", "start_date", "end_date",
            "unit_cost", "planned_units_per_week",
        )
    )  # fmt: skip


def test_quotas_keep_the_national_shares_in_a_small_council():
    """7 people aged 65+ at home: 34,725 : 12,240 : 264,660 : 29,895 gives 0.71, 0.25, 5.42 and 0.61 people; the
    largest remainders (0.71 and 0.61) get the two places left after 5 managed."""
    assert Counter(_quotas(7, COMMUNITY_MECHANISMS["65+"])) == {DP_ONLY: 1, MANAGED: 5, COMMISSIONED: 1}
    assert Counter(_quotas(4, {True: ENDED_SHARE, False: 1 - ENDED_SHARE})) == {True: 1, False: 3}  # 0.97 : 3.03
    assert round(ENDED_SHARE, 3) == 0.243  # (858,720 - 650,085) / 858,720, section 5.1
    assert PART_DP in _quotas(100, COMMUNITY_MECHANISMS["18-64"])


def test_seeding_gives_the_reports_a_caseload(council):
    before_counts = table_counts()
    start, end = last_complete_quarter(AS_OF)
    assert (start, end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    before_cld = cld_event_types(start, end)

    counts = seed_service_history(seed=4)  # "as of" comes from seed_council's record
    users = counts["people with a migrated service history"]
    assert users == round(0.24 * PEOPLE) == 72
    assert counts["carers supported"] == 7  # round(0.10 * 72)
    assert counts["in nursing care"] + counts["in residential care"] + counts["supported at home"] == users

    running = migrated(Arrangement, "plan_line__plan__assessment__").filter(start_date__lte=AS_OF)
    running = running.filter(Q(end_date__isnull=True) | Q(end_date__gte=AS_OF))
    assert running.filter(service_type__startswith="Long Term Support").count() > 40

    on_the_day = measures_at(at=AS_OF)
    part_2a = on_the_day["ascof_3d"]["part_2a"]
    assert part_2a["denominator"] > 30
    assert Decimal("15") <= part_2a["percent"] <= Decimal("40")  # about a quarter (23.8% nationally, section 5.2)
    assert on_the_day["ascof_3d"]["part_1b"]["denominator"] >= 7  # the carers, supported in the last year
    share = on_the_day["people_in_long_term_support"] / PEOPLE
    assert 0.15 <= share <= 0.25

    after_cld = cld_event_types(start, end)
    assert after_cld["Service"] - before_cld["Service"] > 40
    assert after_cld["Review"] - before_cld["Review"] > 5

    # Every migrated plan is approved, starts 1 to 3 years before "as of", and its budget is what its lines cost.
    plans = migrated(SupportPlan, "assessment__").select_related("personal_budget")
    assert plans.count() == users + 7
    for plan in plans:
        assert plan.status == SupportPlan.Status.APPROVED
        assert AS_OF - datetime.timedelta(days=3 * 365) <= plan.start_date <= AS_OF - datetime.timedelta(days=365)
        costs = [line.weekly_cost for line in plan.lines.all()]
        assert plan.weekly_total == plan.personal_budget.weekly_total_cost == sum(costs)
        budget = plan.personal_budget
        assert budget.weekly_person_contribution + budget.weekly_council_amount == budget.weekly_total_cost
        assert budget.effective_from == plan.start_date

    # A care home place: one week at the weekly rate, the CLD residential or nursing service type.
    homes = migrated(Arrangement, "plan_line__plan__assessment__").filter(
        service_component__in=["Long Term Nursing Care", "Long Term Residential Care"]
    )
    home = homes.order_by("pk").first()
    assert home.service_type in ("Long Term Support: Nursing Care", "Long Term Support: Residential Care")
    assert (home.cost_frequency, home.planned_units_per_week, home.weekly_cost) == ("Weekly", Decimal("1.00"),
                                                                                     home.unit_cost)  # fmt: skip

    # Home support by direct payment: hours a week = hours a visit x visits, delivered as a direct payment.
    dp = migrated(Arrangement, "plan_line__plan__assessment__").filter(
        delivery_mechanism="Direct Payment", service_component="Home Support"
    )
    assert dp.exists()
    for arrangement in dp:
        line = arrangement.plan_line
        assert arrangement.service_type == "Long Term Support: Community"
        assert arrangement.planned_units_per_week == line.units * line.per_week
        assert arrangement.weekly_cost == (line.unit_rate * line.units * line.per_week).quantize(Decimal("0.01"))

    # Some support ended in the last year; people who died have their date of death, and their services end on it.
    ended = migrated(Arrangement, "plan_line__plan__assessment__").filter(end_date__isnull=False)
    assert ended.exists()
    died = ended.filter(end_reason="The person died").select_related("person")
    assert died.exists()
    for arrangement in died:
        assert arrangement.person.date_of_death == arrangement.end_date
        assert AS_OF - datetime.timedelta(days=365) <= arrangement.end_date < AS_OF

    # Most people still supported had a planned review in the last year, and the next one is scheduled with a task.
    alive = plans.filter(person__date_of_death__isnull=True, assessment__kind=Assessment.Kind.NEEDS)
    alive = [plan for plan in alive if Arrangement.objects.filter(plan_line__plan=plan, end_date__isnull=True).exists()]
    recent = [
        plan
        for plan in alive
        if Review.objects.filter(plan=plan, status=Review.Status.DONE, reason="Planned",
                                 completed_on__gt=AS_OF - datetime.timedelta(days=365)).exists()
    ]  # fmt: skip
    assert len(recent) >= 0.8 * len(alive)
    for plan in recent:
        last = Review.objects.filter(plan=plan, status=Review.Status.DONE).order_by("-completed_on").first()
        upcoming = Review.objects.get(plan=plan, status=Review.Status.SCHEDULED)
        assert upcoming.due_on == review_rules.next_annual_review(last.completed_on)
        assert Task.objects.filter(source=f"review:{upcoming.pk}", done_at__isnull=True).exists()

    # The deliberate handful (1% of 72 people, at least one of each): no NHS number, no financial assessment, and a
    # review whose method was not recorded. Everyone else's record has what the CLD return asks for.
    people = Person.objects.filter(support_plans__in=plans)
    assert people.filter(nhs_number__isnull=True).count() == 1
    assert people.filter(Q(gender="") | Q(ethnicity="") | Q(postcode="") | Q(accommodation_status="")).count() == 0
    no_assessment = PersonalBudget.objects.filter(reason__contains="no financial assessment on record")
    assert no_assessment.filter(reason__startswith=MARK).count() >= 1
    assert migrated(Review, "plan__assessment__").filter(status=Review.Status.DONE, method="").count() == 1

    assert seed_service_history(seed=4) == {}  # once
    first = snapshot()
    reset_service_history()
    assert table_counts() == before_counts  # exactly what it made, dates of death cleared
    assert cld_event_types(start, end) == before_cld
    reset_service_history()  # nothing left: still safe

    assert seed_service_history(seed=4) == counts  # the same seed, the same council
    assert snapshot() == first
