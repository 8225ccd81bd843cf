"""Support plan services: starting from the assessment, writing, the submission guards, decisions, the budget that
approval creates, the clock, and optimistic locking."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.money.models import FinancialAssessment, PersonalBudget
from selfdirect.people.models import PersonEvent
from selfdirect.planning import services
from selfdirect.planning.models import Party, PlanClockSegment, PlanDecision, SupportPlan
from tests.factories import ContactFactory, PersonFactory, UserFactory
from tests.planning.plans import line, ready_plan, signed_off_assessment

pytestmark = pytest.mark.django_db
S = SupportPlan.Status


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


@pytest.fixture
def client_person(team, worker):
    return PersonFactory(allocated_team=team, allocated_worker=worker, postcode="NM1 2AB")


def fresh(plan):
    return SupportPlan.objects.get(pk=plan.pk)


def complete_financial_assessment(person, contribution="40.00", full_cost=False):
    from selfdirect.money.models import ChargingYear

    year = ChargingYear.objects.order_by("-effective_from").first()
    return FinancialAssessment.objects.create(
        person=person,
        year=year,
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=Decimal("0"),
        weekly_cost_of_care=Decimal("100"),
        weekly_contribution=Decimal(contribution),
        full_cost=full_cost,
    )


def test_a_plan_starts_from_the_assessment_without_retyping(worker, client_person):
    """Needs the person cannot achieve, their own words and wishes, the indicative budget and the emergency
    contact all come across; the clock starts with the worker."""
    ContactFactory(person=client_person, name="Bob Smith", phone="0123", is_emergency_contact=True)
    assessment = signed_off_assessment(worker, client_person)
    plan = services.support_plan_start(assessment=assessment, actor=worker, planner="staff")
    needs = list(plan.needs.all())
    assert [n.outcome_code for n in needs] == ["a", "b"]
    assert needs[0].in_own_words == "I can't cook safely now"
    assert needs[0].title == "Managing and maintaining nutrition"
    assert plan.what_matters == "Stay home"
    assert plan.indicative_budget is not None and plan.indicative_budget.assessment_id == assessment.pk
    assert plan.contingency.emergency_name == "Bob Smith"
    segment = PlanClockSegment.objects.get(plan=plan)
    assert (segment.status, segment.party, segment.ended_at) == (S.DRAFT, Party.WORKER, None)
    assert PersonEvent.objects.filter(person=client_person, type=PersonEvent.Type.PLAN).exists()


def test_only_one_plan_in_progress_per_person(worker, client_person):
    assessment = signed_off_assessment(worker, client_person)
    services.support_plan_start(assessment=assessment, actor=worker, planner="staff")
    with pytest.raises(DomainError, match="already has a support plan in progress"):
        services.support_plan_start(assessment=assessment, actor=worker, planner="person")


def test_a_plan_needs_a_signed_off_eligible_assessment(worker, client_person):
    from selfdirect.assessments import services as assessment_services

    draft = assessment_services.assessment_start(actor=worker, person=client_person)
    with pytest.raises(DomainError, match="signed-off assessment"):
        services.support_plan_start(assessment=draft, actor=worker, planner="staff")


def test_line_cost_comes_from_the_rate_in_force_and_totals_add_up(worker, client_person):
    """A blank unit rate takes the council's standard rate in force on the start date; the totals follow."""
    from selfdirect.market.models import Rate

    Rate.objects.create(
        service_component="Home Support",
        unit_type="Hourly",
        amount=Decimal("20.00"),
        effective_from=datetime.date(2025, 4, 1),
    )
    Rate.objects.create(
        service_component="Home Support",
        unit_type="Hourly",
        amount=Decimal("23.92"),
        effective_from=datetime.date(2026, 4, 1),
    )
    plan = ready_plan(worker, client_person)
    new = line(plan, worker, unit_rate="", units="1.5", per_week="7", management="direct_payment")
    assert new.unit_rate == Decimal("23.92") and new.rate is not None
    assert new.weekly_cost == Decimal("251.16")  # 23.92 x 10.5
    plan = fresh(plan)
    assert plan.weekly_total == Decimal("140.00") + Decimal("251.16")
    assert plan.weekly_direct_payment == Decimal("251.16") and plan.weekly_council_managed == Decimal("140.00")


def test_unpaid_support_is_in_the_plan_but_not_the_budget(worker, client_person):
    plan = ready_plan(worker, client_person)
    before = fresh(plan).weekly_total
    unpaid = line(
        plan, worker, support_kind="unpaid", who_name="Ann (daughter)", unit_rate="99", management="direct_payment"
    )
    assert unpaid.management == "none" and unpaid.weekly_cost == 0
    assert fresh(plan).weekly_total == before


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": "  "}, "description"),
        ({"support_kind": "robot"}, "support_kind"),
        ({"units": "lots"}, "units"),
        ({"per_week": "-1"}, "per_week"),
        ({"unit_rate": "£1e9"}, "unit_rate"),
        ({"unit_rate": "12.345"}, "unit_rate"),
        ({"service_component": "Spa days"}, "service_component"),
        ({"management": ""}, "management"),
        ({"support_kind": "pa", "management": "council_managed"}, "management"),
        ({"support_kind": "unpaid", "who_name": ""}, "who_name"),
    ],
)
def test_bad_lines_are_refused_with_a_field_to_fix(worker, client_person, overrides, field):
    plan = ready_plan(worker, client_person)
    version = fresh(plan).version
    with pytest.raises(DomainError) as refused:
        line(plan, worker, **overrides)
    assert refused.value.field == field
    assert fresh(plan).version == version  # nothing saved


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(worker, client_person):
    """Two people open the same plan; the second save names an old version and is refused."""
    plan = ready_plan(worker, client_person)
    opened = fresh(plan).version
    services.support_plan_update(plan=plan, actor=worker, expected_version=opened, outcomes="First person's words")
    with pytest.raises(StaleEditError, match="Someone else saved this plan"):
        services.support_plan_update(plan=plan, actor=worker, expected_version=opened, outcomes="Second person's")
    assert fresh(plan).outcomes == "First person's words"


def test_submission_lists_everything_missing(worker, client_person):
    assessment = signed_off_assessment(worker, client_person)
    plan = services.support_plan_start(assessment=assessment, actor=worker, planner="staff")
    with pytest.raises(services.PlanIncomplete) as refused:
        services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    messages = " | ".join(p.message for p in refused.value.problems)
    for expected in [
        "wants to achieve",
        "start",
        "Add the support",
        "risk",
        "contingency plan: in a crisis",
        "emergency contact's phone number",
    ]:
        assert expected in messages
    assert fresh(plan).status == S.DRAFT


def test_a_plan_cannot_be_submitted_without_its_contingency_plan(worker, client_person):
    plan = ready_plan(worker, client_person)
    plan = fresh(plan)
    services.contingency_save(plan=plan, actor=worker, expected_version=plan.version, if_money_runs_out="")
    plan = fresh(plan)
    with pytest.raises(services.PlanIncomplete) as refused:
        services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    assert [p.section for p in refused.value.problems] == ["contingency"]


def test_a_cost_different_from_the_indicative_budget_must_be_explained(worker, client_person):
    plan = ready_plan(worker, client_person)
    plan = services.support_plan_update(
        plan=fresh(plan), actor=worker, expected_version=fresh(plan).version, budget_difference_reason=""
    )
    with pytest.raises(services.PlanIncomplete) as refused:
        services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    assert "Explain why the plan costs £140.00 a week" in refused.value.problems[0].message


def test_direct_payment_lines_need_the_conditions_met(worker, client_person):
    plan = ready_plan(worker, client_person, management="direct_payment")
    plan = fresh(plan)
    with pytest.raises(services.PlanIncomplete, match="direct payment conditions"):
        services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    services.dp_suitability_record(
        plan=plan,
        actor=worker,
        expected_version=plan.version,
        route="s31_person",
        conditions={"c1": True, "c2": True, "c3": True},
    )
    plan = fresh(plan)
    with pytest.raises(services.PlanIncomplete, match="Not every direct payment condition is met"):
        services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    services.dp_suitability_record(
        plan=plan,
        actor=worker,
        expected_version=plan.version,
        route="s31_person",
        conditions={"c1": True, "c2": True, "c3": True, "c4": True},
    )
    plan = fresh(plan)
    assert services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version).status in (
        S.WITH_MANAGER,
        S.AT_PANEL,
    )


def test_s32_needs_an_authorised_person(worker, client_person):
    plan = fresh(ready_plan(worker, client_person, management="direct_payment"))
    cousin = ContactFactory(person=client_person, name="Cousin")
    with pytest.raises(DomainError, match="not recorded as an authorised person"):
        services.dp_suitability_record(
            plan=plan,
            actor=worker,
            expected_version=plan.version,
            route="s32_authorised",
            conditions={},
            recipient=cousin,
        )


def test_within_budget_goes_to_a_manager_and_above_goes_to_panel(worker, client_person):
    plan = fresh(ready_plan(worker, client_person))
    plan = services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    indicative = plan.indicative_budget.weekly_amount
    assert plan.status == (S.WITH_MANAGER if plan.weekly_total <= indicative else S.AT_PANEL)
    other = PersonFactory(allocated_team=client_person.allocated_team, allocated_worker=worker)
    dear = fresh(ready_plan(worker, other, rate="500.00"))
    dear = services.support_plan_submit(plan=dear, actor=worker, expected_version=dear.version)
    assert dear.status == S.AT_PANEL and dear.approval_route == "panel"
    segment = PlanClockSegment.objects.get(plan=dear, ended_at__isnull=True)
    assert segment.party == Party.PANEL


def test_the_managers_limit_is_a_council_setting(worker, client_person):
    """£7 a week is well within the indicative budget, but above a limit of £5: the panel decides."""
    settings = CouncilSettings.current()
    settings.manager_approval_limit_weekly = Decimal("5.00")
    settings.save()
    plan = fresh(ready_plan(worker, client_person, rate="1.00"))
    plan = services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    assert plan.approval_route == "panel" and plan.status == S.AT_PANEL


def _with_manager(worker, person, manager):
    plan = fresh(ready_plan(worker, person, rate="1.00"))
    return services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)


def test_a_return_needs_a_category_and_reasons(worker, client_person, manager):
    plan = _with_manager(worker, client_person, manager)
    assert plan.status == S.WITH_MANAGER
    with pytest.raises(DomainError) as refused:
        services.support_plan_decide(
            plan=plan, actor=manager, expected_version=plan.version, outcome="return", reasons="Please fix"
        )
    assert refused.value.field == "return_category"
    with pytest.raises(DomainError) as refused:
        services.support_plan_decide(
            plan=plan,
            actor=manager,
            expected_version=plan.version,
            outcome="return",
            return_category="clerical",
            reasons=" ",
        )
    assert refused.value.field == "reasons"
    decision = services.support_plan_decide(
        plan=plan,
        actor=manager,
        expected_version=plan.version,
        outcome="return",
        return_category="clerical",
        reasons="Typo in line 1",
    )
    plan = fresh(plan)
    assert plan.status == S.RETURNED and plan.held_by == Party.WORKER
    assert decision.get_return_category_display().startswith("Clerical")


def test_out_of_order_decisions_are_refused(worker, client_person, manager):
    plan = fresh(ready_plan(worker, client_person, rate="1.00"))
    with pytest.raises(DomainError, match="no decision to make"):
        services.support_plan_decide(
            plan=plan, actor=manager, expected_version=plan.version, outcome="approve", reasons="Fine"
        )
    plan = services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    with pytest.raises(DomainError, match="cannot be submitted again"):
        services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    with pytest.raises(DomainError, match="Only a team manager"):
        services.support_plan_decide(
            plan=plan, actor=worker, expected_version=plan.version, outcome="approve", reasons="Fine"
        )


def test_a_manager_cannot_approve_their_own_plan_or_another_teams(worker, client_person, manager):
    own = fresh(ready_plan(manager, client_person, rate="1.00"))
    own = services.support_plan_submit(plan=own, actor=manager, expected_version=own.version)
    with pytest.raises(DomainError, match="another manager"):
        services.support_plan_decide(
            plan=own, actor=manager, expected_version=own.version, outcome="approve", reasons="Fine"
        )
    stranger = UserFactory(role=Role.TEAM_MANAGER)
    with pytest.raises(DomainError, match="for a manager of"):
        services.support_plan_decide(
            plan=own, actor=stranger, expected_version=own.version, outcome="approve", reasons="Fine"
        )


def test_approval_without_a_financial_assessment_waits_for_finance(worker, client_person, manager):
    plan = _with_manager(worker, client_person, manager)
    services.support_plan_decide(
        plan=plan, actor=manager, expected_version=plan.version, outcome="approve", reasons="Meets the needs"
    )
    plan = fresh(plan)
    assert plan.status == S.AWAITING_FINANCE and plan.personal_budget is None
    assert PlanClockSegment.objects.get(plan=plan, ended_at__isnull=True).party == Party.FINANCE
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    with pytest.raises(DomainError, match="Complete the person's financial assessment"):
        services.support_plan_budget_agree(plan=plan, actor=finance, expected_version=plan.version)
    complete_financial_assessment(client_person, contribution="2.00")
    services.support_plan_budget_agree(plan=plan, actor=finance, expected_version=plan.version)
    plan = fresh(plan)
    assert plan.status == S.APPROVED and plan.personal_budget is not None
    assert not PlanClockSegment.objects.filter(plan=plan, ended_at__isnull=True).exists()


def test_approval_creates_the_personal_budget_and_nobody_pays_more_than_the_cost(worker, client_person, manager):
    """The plan costs £7 a week; the financial assessment says £40: the person pays £7, the council nothing."""
    complete_financial_assessment(client_person, contribution="40.00")
    plan = _with_manager(worker, client_person, manager)
    services.support_plan_decide(
        plan=plan,
        actor=manager,
        expected_version=plan.version,
        outcome="approve_with_changes",
        reasons="Good",
        changes_required="Add a review date",
    )
    plan = fresh(plan)
    budget = plan.personal_budget
    assert plan.status == S.APPROVED
    assert budget.weekly_total_cost == plan.weekly_total == Decimal("7.00")
    assert budget.weekly_person_contribution == Decimal("7.00") and budget.weekly_council_amount == 0
    assert budget.weekly_council_managed == Decimal("7.00")
    assert budget.effective_from == datetime.date(2026, 12, 1)
    assert PlanDecision.objects.get(plan=plan).changes_required == "Add a review date"


def test_approving_a_new_plan_supersedes_the_old_one(worker, client_person, manager):
    complete_financial_assessment(client_person)
    first = _with_manager(worker, client_person, manager)
    services.support_plan_decide(
        plan=first, actor=manager, expected_version=first.version, outcome="approve", reasons="Good"
    )
    second = _with_manager(worker, client_person, manager)
    services.support_plan_decide(
        plan=second, actor=manager, expected_version=second.version, outcome="approve", reasons="Good"
    )
    assert fresh(first).status == S.SUPERSEDED and fresh(second).status == S.APPROVED
    assert PersonalBudget.objects.filter(person=client_person, is_current=True).count() == 1


def test_the_family_cannot_submit_but_can_hand_over(worker, client_person):
    family = UserFactory(role="")
    assessment = signed_off_assessment(worker, client_person)
    plan = services.support_plan_start(assessment=assessment, actor=family, planner="person")
    assert plan.held_by == Party.PERSON
    plan = services.plan_hand_over(plan=plan, actor=family, expected_version=plan.version, to=Party.WORKER)
    assert fresh(plan).held_by == Party.WORKER
    segments = list(PlanClockSegment.objects.filter(plan=plan).order_by("started_at", "id"))
    assert [s.party for s in segments] == [Party.PERSON, Party.WORKER] and segments[0].ended_at is not None
    with pytest.raises(DomainError, match="council worker submits"):
        services.support_plan_submit(plan=plan, actor=family, expected_version=plan.version)


def test_every_change_is_audited(worker, client_person):
    plan = ready_plan(worker, client_person)
    kinds = set(AuditEvent.objects.filter(person_id=client_person.pk).values_list("object_type", flat=True))
    assert {
        "planning.supportplan",
        "planning.planline",
        "planning.planrisk",
        "planning.contingencyplan",
        "planning.planneed",
    } <= kinds
    assert fresh(plan).version > 1


def test_cancel_needs_a_reason_and_stops_the_clock(worker, client_person):
    plan = fresh(ready_plan(worker, client_person))
    with pytest.raises(DomainError):
        services.support_plan_cancel(plan=plan, actor=worker, expected_version=plan.version, reason="")
    services.support_plan_cancel(plan=plan, actor=worker, expected_version=plan.version, reason="Moved away")
    assert fresh(plan).status == S.CANCELLED
    assert not PlanClockSegment.objects.filter(plan=plan, ended_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_one_wins_and_nothing_is_lost(team):
    """On PostgreSQL, two sessions save the same version at the same moment: the row lock makes one wait, then
    it sees the new version and is refused; exactly one change is kept."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    person = PersonFactory(allocated_team=team, allocated_worker=worker)
    plan = fresh(ready_plan(worker, person))
    version = plan.version
    barrier = threading.Barrier(2)
    results = []

    def save(words):
        from django.db import connections

        try:
            barrier.wait()
            services.support_plan_update(plan=plan, actor=worker, expected_version=version, outcomes=words)
            results.append(("saved", words))
        except StaleEditError:
            results.append(("refused", words))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(w,)) for w in ("from the family", "from the worker")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["refused", "saved"]
    winner = next(w for r, w in results if r == "saved")
    assert fresh(plan).outcomes == winner and fresh(plan).version == version + 1
