"""Review services: the schedule an approved plan starts, unplanned reviews, recording a review (with every guard),
cancelling one, the CLD Review event, and the demo seeding.

Plans are built and approved through the real planning services (tests/planning/plans.py). Amounts are whole
pounds, which SQLite holds exactly, so the budgets' CHECK constraints pass there too."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.money.models import ChargingYear, FinancialAssessment, PersonalBudget
from selfdirect.people.models import PersonEvent
from selfdirect.planning import services as planning_services
from selfdirect.planning.models import SupportPlan
from selfdirect.reviews import selectors, services
from selfdirect.reviews.models import Review, Task
from selfdirect.reviews.seeding import reset_reviews, seed_reviews
from selfdirect.rules import reviews as rules
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import ready_plan, signed_off_assessment

pytestmark = pytest.mark.django_db
K = Review.Kind
DAY = datetime.timedelta(days=1)
RECORD = {
    "method": "Face to Face",
    "participants": "Mary and her daughter Ann",
    "outcomes_achieved": "Fully achieved",
    "what_changes": "Nothing: the morning calls work well",
    "event_outcome": "No change in package",
}


def complete_financial_assessment(person, contribution="0.00"):
    return FinancialAssessment.objects.create(
        person=person,
        year=ChargingYear.objects.order_by("-effective_from").first(),
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=Decimal("0"),
        weekly_cost_of_care=Decimal("7"),
        weekly_contribution=Decimal(contribution),
        full_cost=False,
    )


def approved_plan(worker, manager, person, *, dp: bool = False) -> SupportPlan:
    """A plan costing £7 a week, written by `worker` and approved by `manager`, with a personal budget. It starts
    on 1 December 2026 (tests/planning/plans.py)."""
    if not FinancialAssessment.objects.filter(person=person, status=FinancialAssessment.Status.COMPLETE).exists():
        complete_financial_assessment(person)
    plan = ready_plan(worker, person, rate="1.00", management="direct_payment" if dp else "council_managed")
    plan.refresh_from_db()
    if dp:
        planning_services.dp_suitability_record(
            plan=plan,
            actor=worker,
            expected_version=plan.version,
            route="s31_person",
            conditions={"c1": True, "c2": True, "c3": True, "c4": True},
        )
        plan.refresh_from_db()
    plan = planning_services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    planning_services.support_plan_decide(
        plan=plan, actor=manager, expected_version=plan.version, outcome="approve", reasons="Meets the needs"
    )
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.APPROVED
    return plan


def scheduled(plan, kind=K.FIRST) -> Review:
    """The plan's review of `kind`, scheduling the plan's reviews first (approval may already have done it)."""
    services.reviews_schedule_for_plan(plan=plan, actor=None)
    return Review.objects.get(plan=plan, kind=kind, status=Review.Status.SCHEDULED)


def open_task(review) -> Task | None:
    return Task.objects.filter(source=f"review:{review.pk}", done_at__isnull=True).first()


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team], first_name="Tess", last_name="Manager")


@pytest.fixture
def mary(team, worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(worker, manager, mary):
    return approved_plan(worker, manager, mary)


# --- Scheduling ----------------------------------------------------------------------------------------------


def test_approval_schedules_the_first_review_eight_weeks_after_the_start_with_a_task(plan, worker, mary):
    """The first review: reason "Planned", due 8 weeks after the plan starts, held by the allocated worker, with a
    review task for them due the same day. No direct payment review for a plan without direct payments. Calling
    the service again makes nothing new."""
    review = scheduled(plan)
    assert review.reason == "Planned" and review.person == mary and review.assigned_to == worker
    assert plan.start_date == datetime.date(2026, 12, 1)
    assert review.due_on == datetime.date(2027, 1, 26) == rules.first_review_due(plan.start_date)
    task = open_task(review)
    assert task.kind == Task.Kind.REVIEW and task.assignee == worker and task.due_on == review.due_on
    assert task.person == mary and task.url == review.get_absolute_url() and "Mary Smith" in task.title
    assert not Review.objects.filter(plan=plan, kind=K.DIRECT_PAYMENT).exists()
    assert services.reviews_schedule_for_plan(plan=plan, actor=None) == []
    assert Review.objects.filter(plan=plan).count() == 1
    assert Task.objects.filter(source=f"review:{review.pk}").count() == 1
    assert AuditEvent.objects.filter(object_type="reviews.review", object_id=str(review.pk), action="create").exists()


def test_a_direct_payment_plan_also_gets_a_direct_payment_review_six_months_on(worker, manager, mary):
    """Reg 7: within 6 months of the first payment (the plan's start stands in for it until payments exist)."""
    plan = approved_plan(worker, manager, mary, dp=True)
    review = scheduled(plan, K.DIRECT_PAYMENT)
    assert review.due_on == datetime.date(2027, 6, 1) and review.reason == "Planned"
    assert open_task(review).assignee == worker
    assert scheduled(plan, K.FIRST).due_on == datetime.date(2027, 1, 26)


def test_a_new_plan_replaces_the_older_plans_scheduled_reviews(plan, worker, manager, mary):
    """When a newer plan is approved, the older plan's planned reviews still due are cancelled (their tasks closed)
    and the new plan's first review is scheduled. An unplanned review already booked stays."""
    old = scheduled(plan)
    unplanned = services.review_unplanned_book(
        person=mary, reason="Unplanned - Carer related", due_on=timezone.localdate() + 7 * DAY, actor=worker
    )
    newer = approved_plan(worker, manager, mary)
    new_first = scheduled(newer)
    old.refresh_from_db()
    assert old.status == Review.Status.CANCELLED and f"support plan {newer.pk}" in old.cancelled_reason
    assert open_task(old) is None
    assert new_first.plan == newer
    unplanned.refresh_from_db()
    assert unplanned.status == Review.Status.SCHEDULED and open_task(unplanned) is not None


def test_reviews_are_only_scheduled_for_an_approved_plan(worker, mary):
    plan = ready_plan(worker, mary, rate="1.00")
    with pytest.raises(DomainError, match="once the plan is approved"):
        services.reviews_schedule_for_plan(plan=plan, actor=worker)


def test_without_an_allocated_worker_the_task_goes_to_the_team_managers_queue(worker, manager, team):
    person = PersonFactory(allocated_team=team)
    review = scheduled(approved_plan(worker, manager, person))
    task = open_task(review)
    assert review.assigned_to is None and task.assignee is None and task.role == Role.TEAM_MANAGER


# --- Unplanned reviews ---------------------------------------------------------------------------------------


def test_an_unplanned_review_needs_an_unplanned_reason_and_a_date_not_in_the_past(mary, worker):
    soon = timezone.localdate() + 3 * DAY
    for reason in ("Planned", "", "Unplanned - Because"):
        with pytest.raises(DomainError) as refused:
            services.review_unplanned_book(person=mary, reason=reason, due_on=soon, actor=worker)
        assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        services.review_unplanned_book(
            person=mary, reason="Unplanned - Other Reason", due_on=timezone.localdate() - DAY, actor=worker
        )
    assert refused.value.field == "due_on"
    with pytest.raises(DomainError) as refused:
        services.review_unplanned_book(person=mary, reason="Unplanned - Other Reason", due_on=None, actor=worker)
    assert refused.value.field == "due_on"
    assert not Review.objects.exists()


def test_booking_an_unplanned_review_twice_returns_the_one_already_booked(mary, worker, plan):
    """Idempotent: while an unplanned review is booked, booking again returns it and makes no second task."""
    soon = timezone.localdate() + 5 * DAY
    first = services.review_unplanned_book(person=mary, reason="Unplanned - Safeguarding concern", due_on=soon,
                                           actor=worker)  # fmt: skip
    again = services.review_unplanned_book(person=mary, reason="Unplanned - Provider Failure", due_on=soon + DAY,
                                           actor=worker)  # fmt: skip
    assert again.pk == first.pk and again.reason == "Unplanned - Safeguarding concern"
    assert first.kind == K.UNPLANNED and first.plan == plan and first.assigned_to == worker
    assert Review.objects.filter(kind=K.UNPLANNED).count() == 1
    task = open_task(first)
    assert task.due_on == soon and "Safeguarding concern" in task.title
    assert PersonEvent.objects.filter(
        person=mary, type=PersonEvent.Type.REVIEW, title="Unplanned review booked"
    ).exists()


def test_no_review_is_booked_for_someone_who_has_died(worker):
    person = PersonFactory(date_of_death=datetime.date(2026, 1, 2))
    with pytest.raises(DomainError, match="has died"):
        services.review_unplanned_book(person=person, reason="Unplanned - Other Reason",
                                       due_on=timezone.localdate(), actor=worker)  # fmt: skip


# --- Recording a review --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"method": ""}, "method"),
        ({"method": "Carrier pigeon"}, "method"),
        ({"participants": "  "}, "participants"),
        ({"outcomes_achieved": ""}, "outcomes_achieved"),
        ({"outcomes_achieved": "Mostly"}, "outcomes_achieved"),
        ({"event_outcome": ""}, "event_outcome"),
        ({"event_outcome": "Happy"}, "event_outcome"),
        ({"what_changes": "x" * 5001}, "what_changes"),
        ({"held_on": datetime.date(2099, 1, 1)}, "held_on"),
        ({"new_weekly_total": "seven"}, "new_weekly_total"),
        ({"new_weekly_total": "-1"}, "new_weekly_total"),
    ],
)
def test_a_review_record_is_refused_without_what_the_cld_needs(plan, worker, change, field):
    """Method and outcome are mandatory; whether outcomes were achieved is mandatory for a planned review. Nothing
    is saved and the task stays open."""
    review = scheduled(plan)
    with pytest.raises(DomainError) as refused:
        services.review_record(review=review, actor=worker, **(RECORD | change))
    assert refused.value.field == field
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED and open_task(review) is not None


def test_outcomes_achieved_is_optional_for_an_unplanned_review(mary, worker, plan):
    review = services.review_unplanned_book(person=mary, reason="Unplanned - Hospital (Planned and unplanned "
                                            "episodes)", due_on=timezone.localdate(), actor=worker)  # fmt: skip
    done = services.review_record(review=review, actor=worker, **(RECORD | {"outcomes_achieved": ""}))
    assert done.status == Review.Status.DONE and done.outcomes_achieved == ""


def test_recording_closes_the_task_and_schedules_the_yearly_review(plan, worker, mary):
    """Done: the record is kept (CLD Review event), the task closed, and the next planned review is due 12 months
    after the review took place, with its own task."""
    review = scheduled(plan)
    held = timezone.localdate() - 2 * DAY
    done = services.review_record(review=review, actor=worker, held_on=held, **RECORD)
    assert done.status == Review.Status.DONE and done.completed_on == done.started_on == held
    assert done.completed_by == worker
    task = Task.objects.get(source=f"review:{review.pk}")
    assert task.done_at is not None and task.done_by == worker
    following = done.next_review
    assert following.kind == K.ANNUAL and following.reason == "Planned" and following.plan == plan
    assert following.due_on == rules.add_months(held, 12)
    assert open_task(following).due_on == following.due_on
    assert PersonEvent.objects.filter(person=mary, type=PersonEvent.Type.REVIEW,
                                      title="First review of the new plan done").exists()  # fmt: skip
    with pytest.raises(DomainError, match="cannot be recorded again"):
        services.review_record(review=review, actor=worker, **RECORD)
    assert selectors.cld_review_event(done) == {
        "Event Type": "Review",
        "Event Start Date": held,
        "Event End Date": held,
        "Review Reason": "Planned",
        "Review Outcomes Achieved": "Fully achieved",
        "Method of Review": "Face to Face",
        "Event Outcome": "No change in package",
    }


def test_a_high_risk_plan_is_reviewed_again_in_six_months(plan, worker):
    SupportPlan.objects.filter(pk=plan.pk).update(high_risk=True)
    held = datetime.date(2026, 8, 31)
    done = services.review_record(review=scheduled(plan), actor=worker, held_on=held, **RECORD)
    assert done.next_review.due_on == datetime.date(2027, 2, 28)


def test_after_a_direct_payment_review_the_next_is_within_twelve_months(worker, manager, mary):
    plan = approved_plan(worker, manager, mary, dp=True)
    held = datetime.date(2026, 11, 20)
    done = services.review_record(review=scheduled(plan, K.DIRECT_PAYMENT), actor=worker, held_on=held, **RECORD)
    assert done.next_review.kind == K.DIRECT_PAYMENT and done.next_review.due_on == datetime.date(2027, 11, 20)
    # The first review of the plan is still due as it was: a DP review does not replace it.
    assert Review.objects.filter(plan=plan, kind=K.FIRST, status=Review.Status.SCHEDULED).count() == 1


def test_no_next_review_when_support_ends_or_one_is_already_booked(plan, worker, mary):
    """An NFA outcome (support ends) schedules nothing; an unplanned review leaves the planned schedule alone."""
    unplanned = services.review_unplanned_book(person=mary, reason="Unplanned - Other Reason",
                                               due_on=timezone.localdate(), actor=worker)  # fmt: skip
    first = scheduled(plan)
    done = services.review_record(review=unplanned, actor=worker, **RECORD)
    assert done.next_review is None
    assert list(Review.objects.filter(status=Review.Status.SCHEDULED)) == [first]
    ended = services.review_record(review=first, actor=worker, **(RECORD | {"event_outcome": "NFA - Support declined"}))
    assert ended.next_review is None and not Review.objects.filter(status=Review.Status.SCHEDULED).exists()


def test_a_role_that_does_not_carry_out_reviews_cannot_record_one(plan):
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    with pytest.raises(DomainError, match="does not allow"):
        services.review_record(review=scheduled(plan), actor=finance, **RECORD)


# --- A review must not cut a budget without a reassessment ---------------------------------------------------


def test_a_budget_reduction_is_refused_without_a_reassessment(plan, worker, mary):
    """The budget is £7 a week; a review proposing £5 without a reassessment is refused, with the reason."""
    assert PersonalBudget.objects.get(person=mary, is_current=True).weekly_total_cost == Decimal("7.00")
    review = scheduled(plan)
    with pytest.raises(DomainError) as refused:
        services.review_record(review=review, actor=worker, new_weekly_total="5.00", **RECORD)
    assert refused.value.field == "new_weekly_total"
    assert "must not cut a personal budget without a reassessment" in refused.value.message
    assert "£7.00" in refused.value.message and "£5.00" in refused.value.message
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED


def test_an_older_assessment_or_someone_elses_does_not_allow_a_reduction(plan, worker, mary):
    """The assessment the budget came from predates it; another person's assessment is not theirs."""
    review = scheduled(plan)
    with pytest.raises(DomainError, match="must not cut") as refused:
        services.review_record(review=review, actor=worker, new_weekly_total="5.00", reassessment=plan.assessment,
                               **RECORD)  # fmt: skip
    assert refused.value.field == "reassessment"
    other = signed_off_assessment(worker, PersonFactory())
    with pytest.raises(DomainError, match="someone else") as refused:
        services.review_record(review=review, actor=worker, new_weekly_total="5.00", reassessment=other, **RECORD)
    assert refused.value.field == "reassessment"


def test_a_reduction_is_allowed_with_a_reassessment_made_after_the_budget(plan, worker, mary):
    """A signed-off reassessment after the budget was set allows the lower cost; finance gets a task to change
    the budget (the review does not change it itself)."""
    review = scheduled(plan)
    reassessment = signed_off_assessment(worker, mary)
    done = services.review_record(review=review, actor=worker, new_weekly_total="5.00", reassessment=reassessment,
                                  **RECORD)  # fmt: skip
    assert done.status == Review.Status.DONE
    assert done.new_weekly_total == Decimal("5.00") and done.reassessment == reassessment
    task = Task.objects.get(source=f"review-budget:{review.pk}", done_at__isnull=True)
    assert task.role == Role.FINANCE_OFFICER and "£5.00" in task.detail
    assert PersonalBudget.objects.get(person=mary, is_current=True).weekly_total_cost == Decimal("7.00")


def test_an_increase_or_the_same_cost_needs_no_reassessment(plan, worker, mary):
    review = scheduled(plan)
    done = services.review_record(review=review, actor=worker, new_weekly_total="9.00", **RECORD)
    assert done.new_weekly_total == Decimal("9.00")
    assert Task.objects.filter(source=f"review-budget:{review.pk}").exists()
    same = services.review_record(review=done.next_review, actor=worker, new_weekly_total="7.00", **RECORD)
    assert not Task.objects.filter(source=f"review-budget:{same.pk}").exists()


# --- Cancelling ----------------------------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_closes_the_task(plan, worker, mary):
    review = scheduled(plan)
    with pytest.raises(DomainError) as refused:
        services.review_cancel(review=review, actor=worker, reason=" ")
    assert refused.value.field == "reason"
    cancelled = services.review_cancel(review=review, actor=worker, reason="Booked twice")
    assert cancelled.status == Review.Status.CANCELLED and cancelled.cancelled_reason == "Booked twice"
    assert open_task(review) is None
    assert PersonEvent.objects.filter(person=mary, title="First review of the new plan cancelled").exists()
    with pytest.raises(DomainError, match="cannot be cancelled"):
        services.review_cancel(review=review, actor=worker, reason="Again")


# --- The dashboard selector and seeding ----------------------------------------------------------------------


def test_the_dashboard_counts_overdue_due_soon_and_never_reviewed(plan, worker, manager, team, mary):
    today = timezone.localdate()
    review = scheduled(plan)
    Review.objects.filter(pk=review.pk).update(due_on=today - 10 * DAY)
    SupportPlan.objects.filter(pk=plan.pk).update(start_date=today - 70 * DAY)
    other = PersonFactory(allocated_team=team, allocated_worker=worker)
    services.review_unplanned_book(person=other, reason="Unplanned - Other Reason", due_on=today + 20 * DAY,
                                   actor=worker)  # fmt: skip
    board = selectors.overdue_dashboard(user=manager, today=today)
    assert board.overdue_total == 1 and board.due_soon_total == 1 and board.never_reviewed_total == 1
    [by_team] = board.by_team
    assert (by_team.name, by_team.overdue, by_team.longest_overdue_days, by_team.never_reviewed) == (
        team.name, 1, 10, 1)  # fmt: skip
    [by_worker] = board.by_worker
    assert by_worker.name == "Sam Worker" and by_worker.overdue == 1 and by_worker.due_soon == 1
    assert [r.days for r in board.overdue] == [10] and board.overdue[0].visible
    assert board.never_reviewed[0].days == 70 and board.never_reviewed[0].person == mary
    services.review_record(review=review, actor=worker, **RECORD)
    assert selectors.overdue_dashboard(user=manager, today=today).never_reviewed_total == 0


def test_seeding_tells_the_story_once_and_can_run_again(worker, manager, team):
    """Overdue reviews of different lengths, reviews done with records, a plan over a year old never reviewed,
    reviews due soon; a second run changes nothing."""
    people = [PersonFactory(allocated_team=team, allocated_worker=worker) for _ in range(5)]
    for person in people:
        approved_plan(worker, manager, person)
    counts = seed_reviews(seed=1)
    today = timezone.localdate()
    overdue = Review.objects.filter(status=Review.Status.SCHEDULED, due_on__lt=today)
    assert counts["reviews overdue"] == overdue.count() >= 2
    assert len({rules.days_overdue(r.due_on, today) for r in overdue}) >= 2
    # One first review done lately, and one done over a year ago whose yearly review is now overdue.
    done = Review.objects.filter(status=Review.Status.DONE)
    assert done.count() == counts["reviews done"] == 2 and not done.filter(outcomes_achieved="").exists()
    assert overdue.filter(kind=K.ANNUAL).count() == 1
    board = selectors.overdue_dashboard(user=manager, today=today)
    assert any(row.days > 365 for row in board.never_reviewed)
    assert board.due_soon_total >= 1
    snapshot = sorted(Review.objects.values_list("pk", "status", "due_on"))
    assert seed_reviews(seed=1).get("reviews overdue") is None
    assert sorted(Review.objects.values_list("pk", "status", "due_on")) == snapshot
    reset_reviews()
    assert not Review.objects.exists() and not Task.objects.filter(source__startswith="review").exists()
