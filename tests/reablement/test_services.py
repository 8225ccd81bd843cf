"""Short-term support services: starting an episode (from hospital or a request), goals, closing with a sequel, the
91-day follow-up, other public money, joint funding flowing into the personal budget, free services left out of
the budget, and signposting recorded as the CLD outcome. Expected values are worked out by hand."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.money.charging_selectors import weekly_cost_of_care_known
from selfdirect.money.models import PersonalBudget
from selfdirect.people.models import PersonEvent
from selfdirect.planning import services as plan_services
from selfdirect.planning.models import SupportPlan
from selfdirect.reablement import selectors, services
from selfdirect.reablement.models import FollowUp91, ShortTermEpisode, SignpostingReferral
from selfdirect.rules import short_term
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import line, ready_plan
from tests.planning.test_plan_services import complete_financial_assessment

from .factories import hospital_episode, support_request

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()


def test_a_hospital_discharge_starts_reablement_with_goals_and_a_91_day_follow_up(ada, worker, team):
    """Ada (80) left hospital 10 days ago: reablement starts, her goals are kept in her words, the follow-up is due
    91 days after discharge, and the start is audited and on her timeline."""
    discharged = TODAY - datetime.timedelta(days=10)
    episode = hospital_episode(ada, worker, discharged_on=discharged, goals=["I want to make my own tea", "  "])
    assert episode.status == ShortTermEpisode.Status.OPEN and episode.team == team
    assert [g.in_own_words for g in episode.goals.all()] == ["I want to make my own tea"]
    assert episode.follow_up.due_on == discharged + datetime.timedelta(days=91)
    assert episode.existing_client is False
    assert AuditEvent.objects.filter(object_type="reablement.shorttermepisode", action="create").exists()
    assert PersonEvent.objects.filter(person=ada, title__contains="Reablement").exists()


def test_no_follow_up_under_65_or_outside_hospital(worker, team):
    """Born 1 June 1970: under 65 on discharge, so no follow-up; nor for reablement started in the community."""
    younger = PersonFactory(date_of_birth=datetime.date(1970, 6, 1), allocated_team=team)
    episode = hospital_episode(younger, worker, discharged_on=TODAY)
    assert not FollowUp91.objects.filter(episode=episode).exists()
    older = PersonFactory(date_of_birth=datetime.date(1940, 6, 1))
    community = services.episode_start(
        person=older,
        actor=worker,
        service_type=short_term.ST_MAX,
        started_from="community",
        discharged_on=TODAY,  # ignored: not from hospital
        start_date=TODAY,
        planned_end=TODAY + datetime.timedelta(weeks=6),
    )
    assert community.discharged_on is None
    assert not FollowUp91.objects.filter(episode=community).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"service_type": "Long Term Support: Community"}, "service_type"),
        ({"started_from": "nowhere"}, "started_from"),
        ({"planned_end": TODAY - datetime.timedelta(days=1)}, "planned_end"),
        ({"planned_end": TODAY + datetime.timedelta(days=400)}, "planned_end"),
        ({"discharged_on": None}, "discharged_on"),
        ({"discharged_on": TODAY + datetime.timedelta(days=1)}, "discharged_on"),
        (
            {"start_date": TODAY - datetime.timedelta(days=3), "discharged_on": TODAY - datetime.timedelta(days=1)},
            "start_date",
        ),
        ({"started_from": "request"}, "support_request"),
    ],
)
def test_episode_start_refusals(ada, worker, changes, field):
    fields = {
        "service_type": short_term.ST_MAX,
        "started_from": "hospital",
        "discharged_on": TODAY,
        "start_date": TODAY,
        "planned_end": TODAY + datetime.timedelta(weeks=6),
    } | changes
    with pytest.raises(DomainError) as refused:
        services.episode_start(person=ada, actor=worker, **fields)
    assert refused.value.field == field
    assert not ShortTermEpisode.objects.exists()


def test_one_episode_of_a_kind_at_a_time(ada, worker):
    hospital_episode(ada, worker, discharged_on=TODAY)
    with pytest.raises(DomainError, match="already has"):
        hospital_episode(ada, worker, discharged_on=TODAY)


def test_starting_from_a_request_concludes_it_with_the_cld_outcome(ada, worker):
    request = support_request(ada, received_on=TODAY)
    episode = services.episode_start(
        person=ada,
        actor=worker,
        service_type=short_term.ST_MAX,
        started_from="request",
        support_request=request,
        start_date=TODAY,
        planned_end=TODAY + datetime.timedelta(weeks=4),
    )
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "Progress to Reablement/ST-Max")
    assert episode.support_request == request
    other = PersonFactory()
    with pytest.raises(DomainError, match="someone else"):
        services.episode_start(
            person=other,
            actor=worker,
            service_type=short_term.OTHER_SHORT_TERM,
            started_from="request",
            support_request=request,
            start_date=TODAY,
            planned_end=TODAY,
        )


def test_goals_progress_and_closing_with_a_sequel(ada, worker):
    """Goals are added and updated while open; closing records the sequel and its CLD outcome; a closed episode
    cannot change; a stale close is refused."""
    episode = hospital_episode(ada, worker, discharged_on=TODAY - datetime.timedelta(days=20), goals=[])
    goal = services.goal_add(episode=episode, actor=worker, in_own_words="Walk to the corner shop")
    with pytest.raises(DomainError, match="Enter the goal"):
        services.goal_add(episode=episode, actor=worker, in_own_words="   ")
    services.goal_update(goal=goal, actor=worker, progress="achieved", progress_notes="Did it on Tuesday")
    with pytest.raises(DomainError):
        services.goal_update(goal=goal, actor=worker, progress="brilliant")
    episode.refresh_from_db()
    with pytest.raises(StaleEditError):
        services.episode_close(
            episode=episode, actor=worker, sequel="no_further_support", actual_end=TODAY, expected_version=1
        )
    with pytest.raises(DomainError) as refused:
        services.episode_close(
            episode=episode, actor=worker, sequel="no_further_support", actual_end=TODAY + datetime.timedelta(days=1)
        )
    assert refused.value.field == "actual_end"
    with pytest.raises(DomainError) as refused:
        services.episode_close(episode=episode, actor=worker, sequel="gone fishing", actual_end=TODAY)
    assert refused.value.field == "sequel"
    closed = services.episode_close(
        episode=episode, actor=worker, sequel="no_further_support", actual_end=TODAY, expected_version=episode.version
    )
    assert (closed.status, closed.sequel, closed.actual_end) == ("closed", "no_further_support", TODAY)
    assert PersonEvent.objects.filter(person=ada, title__contains="No further support").exists()
    with pytest.raises(DomainError, match="closed"):
        services.goal_add(episode=closed, actor=worker, in_own_words="More")
    with pytest.raises(DomainError, match="closed"):
        services.episode_close(episode=closed, actor=worker, sequel="declined", actual_end=TODAY)


def test_the_free_period_of_an_episode(ada, worker):
    """Started 1 March 2026 for 8 weeks: free to 11 April (1 March + 41 days); equipment is always free."""
    start = datetime.date(2026, 3, 1)
    episode = ShortTermEpisode(
        person=ada, service_type=short_term.ST_MAX, start_date=start, planned_end=start + datetime.timedelta(weeks=8)
    )
    assert episode.free_until == datetime.date(2026, 4, 11)
    episode.service_component = "Equipment"
    assert episode.is_free_service and episode.free_until is None
    episode.service_component = "Home Support"
    assert not episode.is_free_service
    episode.intermediate_care = True
    assert episode.free_until == datetime.date(2026, 4, 11)


def test_the_91_day_follow_up(ada, worker):
    """Recorded from its due date on, once; never in the future."""
    discharged = TODAY - datetime.timedelta(days=100)
    episode = hospital_episode(ada, worker, discharged_on=discharged)
    follow_up = episode.follow_up
    assert follow_up.due_on == TODAY - datetime.timedelta(days=9)
    with pytest.raises(DomainError) as refused:
        services.follow_up_record(
            follow_up=follow_up,
            actor=worker,
            outcome="at_home",
            recorded_on=follow_up.due_on - datetime.timedelta(days=1),
        )
    assert refused.value.field == "recorded_on"
    with pytest.raises(DomainError) as refused:
        services.follow_up_record(follow_up=follow_up, actor=worker, outcome="on the moon")
    assert refused.value.field == "outcome"
    done = services.follow_up_record(follow_up=follow_up, actor=worker, outcome="at_home", notes="Phoned Ada")
    assert (done.outcome, done.recorded_on, done.recorded_by) == ("at_home", TODAY, worker)
    with pytest.raises(DomainError, match="already"):
        services.follow_up_record(follow_up=follow_up, actor=worker, outcome="hospital")
    assert not selectors.follow_ups_due(on=TODAY).exists()


# --- free services and joint funding flow into the budget -----------------------------------------------------


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


def approve(plan, worker, manager):
    plan = SupportPlan.objects.get(pk=plan.pk)
    plan = plan_services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    plan_services.support_plan_decide(
        plan=plan, actor=manager, expected_version=plan.version, outcome="approve", reasons="Meets the needs"
    )
    return SupportPlan.objects.get(pk=plan.pk)


def test_free_services_are_left_out_of_the_plan_total_and_the_budget(ada, worker, manager):
    """Home support 7 hours at £1 = £7.00 a week. Adding reablement (10 hours at £25.40 = £254.00) and equipment
    (£30.00 a week) leaves the plan total, the personal budget and the cost of care charging caps at at £7.00,
    and the contribution (£2.00) unchanged."""
    complete_financial_assessment(ada, contribution="2.00")
    plan = SupportPlan.objects.get(pk=ready_plan(worker, ada, rate="1.00").pk)
    assert plan.weekly_total == D("7.00")
    line(plan, worker, service_component="Reablement", unit_rate="25.40", per_week="10", description="Reablement")
    line(plan, worker, service_component="Equipment", unit_type="Weekly", unit_rate="30.00", per_week="1")
    plan.refresh_from_db()
    assert plan.weekly_total == D("7.00") and plan.weekly_council_managed == D("7.00")
    plan = approve(plan, worker, manager)
    budget = plan.personal_budget
    assert (budget.weekly_total_cost, budget.weekly_person_contribution, budget.weekly_council_amount) == (
        D("7.00"),
        D("2.00"),
        D("5.00"),
    )
    assert weekly_cost_of_care_known(person=ada) == D("7.00")


def test_joint_funding_before_approval_makes_the_budget_the_councils_share(ada, worker, manager):
    """£7.00 a week, the NHS pays 40% = £2.80: the budget is the council's £4.20, the person pays £2.00 of it."""
    complete_financial_assessment(ada, contribution="2.00")
    plan = SupportPlan.objects.get(pk=ready_plan(worker, ada, rate="1.00").pk)
    services.joint_funding_record(
        plan=plan, actor=worker, funder="NHS Northmoor ICB", method="percent", value="40", start_date=TODAY
    )
    assert selectors.council_share(plan=plan, weekly_cost=D("7.00")) == D("4.20")
    # Half the plan's cost (£3.50) carries the same split: 3.50 x 4.20 / 7.00 = £2.10.
    assert selectors.council_share(plan=plan, weekly_cost=D("3.50")) == D("2.10")
    plan = approve(plan, worker, manager)
    budget = plan.personal_budget
    assert (budget.weekly_total_cost, budget.weekly_council_managed) == (D("4.20"), D("4.20"))
    assert (budget.weekly_person_contribution, budget.weekly_council_amount) == (D("2.00"), D("2.20"))
    statement = selectors.individual_budget_statement(person=ada)
    assert statement.joint == [("NHS Northmoor ICB", D("2.80"))] and statement.council_share == D("4.20")


def test_joint_funding_after_approval_sets_a_new_budget_version(ada, worker, manager):
    """Approved at £7.00 with an assessed £40.00 (so the person pays all £7.00); a fixed NHS £3.00 a week then
    leaves the council's share £4.00, and the person now pays £4.00 (never more than the cost)."""
    complete_financial_assessment(ada, contribution="40.00")
    plan = approve(ready_plan(worker, ada, rate="1.00"), worker, manager)
    assert plan.personal_budget.weekly_total_cost == D("7.00")
    services.joint_funding_record(
        plan=plan, actor=worker, funder="NHS", method="amount", value="3.00", start_date=TODAY
    )
    budget = PersonalBudget.objects.get(person=ada, is_current=True)
    assert (budget.version, budget.weekly_total_cost, budget.weekly_person_contribution) == (2, D("4.00"), D("4.00"))
    assert SupportPlan.objects.get(pk=plan.pk).personal_budget == budget
    assert weekly_cost_of_care_known(person=ada) == D("4.00")


@pytest.mark.parametrize(
    "method, value, field",
    [("percent", "100", "value"), ("percent", "150", "value"), ("amount", "7.01", "value"), ("thirds", "1", "method")],
)
def test_joint_funding_refusals(ada, worker, method, value, field):
    plan = ready_plan(worker, ada, rate="1.00")
    with pytest.raises(DomainError) as refused:
        services.joint_funding_record(
            plan=plan, actor=worker, funder="NHS", method=method, value=value, start_date=TODAY
        )
    assert refused.value.field == field


def test_other_public_money_on_the_statement(ada, worker):
    """A Disabled Facilities Grant of £8,000 (one-off), Access to Work £520.00 every 4 weeks (= £130.00 a week),
    housing-related support £60.00 a week that ended last year: £130.00 a week of other public money now."""
    services.other_funding_add(
        person=ada,
        actor=worker,
        source="dfg",
        amount="8000.00",
        period="One-off",
        start_date=TODAY,
        description="Level-access shower",
    )
    services.other_funding_add(
        person=ada, actor=worker, source="access_to_work", amount="520.00", period="4-weekly", start_date=TODAY
    )
    services.other_funding_add(
        person=ada,
        actor=worker,
        source="housing_support",
        amount="60.00",
        period="Weekly",
        start_date=TODAY - datetime.timedelta(days=400),
        end_date=TODAY - datetime.timedelta(days=40),
    )
    statement = selectors.individual_budget_statement(person=ada)
    assert [(line.source, line.weekly) for line in statement.other] == [("Access to Work", D("130.00"))]
    assert [line.amount for line in statement.one_off] == [D("8000.00")]
    assert [line.source for line in statement.ended] == ["Housing-related support"]
    assert statement.weekly_other_public_money == D("130.00") and statement.weekly_all_public_money == D("130.00")
    for amount, period, end in [
        ("-1", "Weekly", None),
        ("1.001", "Weekly", None),
        ("10", "Hourly", None),
        ("10", "Weekly", TODAY - datetime.timedelta(days=1)),
    ]:
        with pytest.raises(DomainError):
            services.other_funding_add(
                person=ada, actor=worker, source="phb", amount=amount, period=period, start_date=TODAY, end_date=end
            )


def test_a_request_resolved_with_signposting(ada, worker):
    """Concluded with "NFA - Information & Advice / Signposting only" and the referral kept; refused without a
    service from the list, or twice."""
    request = support_request(ada, received_on=TODAY)
    with pytest.raises(DomainError) as refused:
        services.request_resolve_with_advice(support_request=request, actor=worker, kind="signposting", notes="x")
    assert refused.value.field == "service"
    referral = services.request_resolve_with_advice(
        support_request=request,
        actor=worker,
        kind="signposting",
        service="Falls prevention classes",
        notes="Gave the leaflet and booked a place",
    )
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "NFA - Information & Advice / Signposting only")
    assert referral.service == "Falls prevention classes" and SignpostingReferral.objects.count() == 1
    with pytest.raises(DomainError, match="already been concluded"):
        services.request_resolve_with_advice(
            support_request=request, actor=worker, kind="information_advice", notes="y"
        )


def test_council_share_ratios_for_the_cld_return(ada, worker):
    """A £7.00 plan with the NHS paying £3.50 a week: the council's fraction is 0.5, so a £20.00 unit cost is
    reported as £10.00; plans without joint funding are not listed (all the council's)."""
    plan = ready_plan(worker, ada, rate="1.00")
    other = ready_plan(worker, PersonFactory(), rate="1.00")
    services.joint_funding_record(
        plan=plan, actor=worker, funder="NHS", method="amount", value="3.50", start_date=TODAY
    )
    ratios = selectors.council_share_ratios(plan_ids=[plan.pk, other.pk])
    assert ratios == {plan.pk: D("0.5")}
    assert (D("20.00") * ratios[plan.pk]).quantize(D("0.01")) == D("10.00")
    # Before the joint funding started, none.
    assert selectors.council_share_ratios(plan_ids=[plan.pk], on=TODAY - datetime.timedelta(days=1)) == {}
