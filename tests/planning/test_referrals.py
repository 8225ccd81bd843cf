"""Who plans: referrals to support-planning organisations (taken on now or queued with an expected start, taken
on in order as months bring places, never dropped), non-directed advocacy for people who lack capacity, keeping
the organisations up to date, and the pages that show everyone who refers the waits."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.people.models import PersonEvent
from selfdirect.planning import referral_services as referrals
from selfdirect.planning import report_selectors
from selfdirect.planning.models import Party, PlanClockSegment, PlanningOrganisation, PlanningReferral, SupportPlan
from tests.factories import PersonFactory, UserFactory
from tests.planning.factories_panel import capacity_assessment, draft_plan, manager_plan, organisation

pytestmark = pytest.mark.django_db
R = PlanningReferral.Status
D = datetime.date
JAN = D(2026, 1, 15)


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")


@pytest.fixture
def commissioner():
    return UserFactory(role=Role.COMMISSIONER, first_name="Gareth", last_name="Lloyd")


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def refer(plan, org, worker, today=JAN):
    plan = fresh(plan)
    return referrals.planning_referral_make(
        plan=plan, organisation=org, actor=worker, expected_version=plan.version, today=today
    )


def queue_of_five(worker, org, today=JAN):
    return [refer(draft_plan(worker), org, worker, today) for _ in range(5)]


# --- Making a referral ---------------------------------------------------------------------------------------


def test_a_referral_with_room_is_taken_on_now_and_the_organisation_has_the_plan(worker):
    """Taken on today; the plan's planner, organisation and holder change with a new version; the clock now
    charges the organisation; the timeline says where the plan went; the audit log has the change."""
    org = organisation(capacity=2)
    plan = draft_plan(worker)
    version = plan.version
    referral = refer(plan, org, worker)
    assert (referral.status, referral.accepted_on, referral.expected_start) == (R.ACCEPTED, JAN, JAN)
    assert referral.referred_by == worker and not referral.needs_non_directed_advocacy
    plan = fresh(plan)
    assert plan.planner == SupportPlan.Planner.ORGANISATION and plan.planning_organisation == org
    assert plan.held_by == Party.ORGANISATION and plan.version == version + 1
    open_segment = PlanClockSegment.objects.get(plan=plan, ended_at__isnull=True)
    assert open_segment.party == Party.ORGANISATION
    assert PlanClockSegment.objects.filter(plan=plan, party=Party.WORKER, ended_at__isnull=False).exists()
    event = PersonEvent.objects.get(person=plan.person, title=f"Referred to {org.name} for support planning")
    assert event.type == PersonEvent.Type.PLAN and event.actor == worker
    assert AuditEvent.objects.filter(
        object_type="planning.planningreferral", object_id=str(referral.pk), actor=worker, person_id=plan.person_id
    ).exists()


def test_referrals_beyond_capacity_are_queued_with_the_right_expected_start(worker):
    """Capacity 2 in January: two are taken on now; the next two wait for February's places, the fifth for March."""
    org = organisation(capacity=2)
    made = queue_of_five(worker, org)
    assert [r.status for r in made] == [R.ACCEPTED, R.ACCEPTED, R.QUEUED, R.QUEUED, R.QUEUED]
    assert [r.expected_start for r in made] == [JAN, JAN, D(2026, 2, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert [r.accepted_on for r in made] == [JAN, JAN, None, None, None]
    queued = fresh(made[4])
    event = PersonEvent.objects.get(person=queued.plan.person, title=f"Referred to {org.name} for support planning")
    assert "expected to start on 1 March 2026" in event.detail


def test_promotion_next_month_takes_them_in_order_and_is_idempotent(worker):
    """On 3 February the first two in the queue are taken on (first come, first served); running it again
    changes nothing; on 1 March the last one is taken on. Nobody is dropped."""
    org = organisation(capacity=2)
    made = queue_of_five(worker, org)
    assert referrals.planning_referral_promote(today=D(2026, 1, 31)) == 0
    assert referrals.planning_referral_promote(today=D(2026, 2, 3)) == 2
    now = [fresh(r) for r in made]
    assert [r.status for r in now] == [R.ACCEPTED] * 4 + [R.QUEUED]
    assert [r.accepted_on for r in now[2:4]] == [D(2026, 2, 3), D(2026, 2, 3)]
    assert now[4].expected_start == D(2026, 3, 1)
    events = PersonEvent.objects.filter(title=f"Taken on by {org.name} for support planning")
    assert {e.person_id for e in events} == {now[2].plan.person_id, now[3].plan.person_id}

    assert referrals.planning_referral_promote(today=D(2026, 2, 3)) == 0
    assert referrals.planning_referral_promote(today=D(2026, 2, 20)) == 0
    assert [fresh(r).status for r in made] == [R.ACCEPTED] * 4 + [R.QUEUED]
    assert referrals.planning_referral_promote(today=D(2026, 3, 1)) == 1
    assert fresh(made[4]).status == R.ACCEPTED and fresh(made[4]).accepted_on == D(2026, 3, 1)


def test_a_new_referral_never_jumps_the_queue(worker):
    """In a new month, before the daily promotion has run, a new referral finds the queued one already taking
    the month's only place: it waits for the next month."""
    org = organisation(capacity=1)
    first, second = refer(draft_plan(worker), org, worker), refer(draft_plan(worker), org, worker)
    assert (first.status, second.status, second.expected_start) == (R.ACCEPTED, R.QUEUED, D(2026, 2, 1))
    third = refer(draft_plan(worker), org, worker, today=D(2026, 2, 2))
    assert fresh(second).status == R.ACCEPTED and fresh(second).accepted_on == D(2026, 2, 2)
    assert (third.status, third.expected_start) == (R.QUEUED, D(2026, 3, 1))


def test_non_directed_advocacy_is_needed_when_the_person_lacks_capacity(worker):
    """The latest capacity assessment about their care and support planning found they lack capacity: an
    organisation without non-directed advocacy is refused, naming those that offer it."""
    plain = organisation("Moorside Carers' Centre", capacity=5)
    advocacy = organisation("Northmoor Advocacy Partnership", capacity=5, advocacy=True)
    organisation("Closed Advocacy Project", capacity=5, advocacy=True, is_active=False)
    plan = draft_plan(worker)
    capacity_assessment(plan.person, worker, lacks=True, decision="how their care and support is planned")
    with pytest.raises(DomainError, match="lacks capacity") as refused:
        refer(plan, plain, worker)
    assert "Northmoor Advocacy Partnership" in refused.value.message
    assert "Closed Advocacy Project" not in refused.value.message
    assert refused.value.field == "organisation"
    assert not PlanningReferral.objects.exists() and fresh(plan).held_by == Party.WORKER
    referral = refer(plan, advocacy, worker)
    assert referral.needs_non_directed_advocacy and referral.status == R.ACCEPTED


def test_capacity_is_decision_specific_and_the_latest_assessment_counts(worker):
    """An assessment about another decision (money) is not used; a later assessment finding capacity for
    planning replaces an earlier one that did not."""
    plain = organisation(capacity=5)
    plan = draft_plan(worker)
    capacity_assessment(plan.person, worker, lacks=True, decision="managing their bank account")
    assert not referrals.lacks_planning_capacity(person=plan.person)
    capacity_assessment(plan.person, worker, lacks=True, decision="their support plan", on=D(2025, 6, 1))
    assert referrals.lacks_planning_capacity(person=plan.person)
    capacity_assessment(plan.person, worker, lacks=False, decision="their care and support", on=D(2025, 9, 1))
    assert not referrals.lacks_planning_capacity(person=plan.person)
    assert refer(plan, plain, worker).status == R.ACCEPTED


def test_only_a_plan_being_written_can_be_referred(worker, team):
    """A plan with a manager for approval cannot be referred."""
    org = organisation(capacity=5)
    plan = manager_plan(worker, PersonFactory(allocated_team=team))
    with pytest.raises(DomainError, match="only a plan being written or returned"):
        refer(plan, org, worker)


def test_a_plan_is_referred_once_at_a_time(worker):
    first = organisation("First", capacity=5)
    second = organisation("Second", capacity=5)
    plan = draft_plan(worker)
    refer(plan, first, worker)
    with pytest.raises(DomainError, match="already referred to First"):
        refer(plan, first, worker)
    with pytest.raises(DomainError, match="withdraw that referral first"):
        refer(plan, second, worker)


@pytest.mark.parametrize("fields", [{"is_active": False}, {"monthly_capacity": 0}])
def test_an_organisation_not_taking_referrals_is_refused(worker, fields):
    org = organisation(capacity=5)
    PlanningOrganisation.objects.filter(pk=org.pk).update(**fields)
    with pytest.raises(DomainError, match="is not taking referrals"):
        refer(draft_plan(worker), fresh(org), worker)


def test_only_staff_who_write_plans_refer(worker, commissioner):
    plan = draft_plan(worker)
    with pytest.raises(DomainError, match="Only council staff who write support plans"):
        referrals.planning_referral_make(plan=plan, organisation=organisation(), actor=commissioner)


def test_a_stale_referral_is_refused_and_nothing_changes(worker):
    org = organisation(capacity=5)
    plan = draft_plan(worker)
    with pytest.raises(StaleEditError):
        referrals.planning_referral_make(plan=plan, organisation=org, actor=worker, expected_version=plan.version - 1)
    assert not PlanningReferral.objects.exists()


# --- Finishing and withdrawing -------------------------------------------------------------------------------


def test_withdrawing_a_taken_referral_gives_its_place_to_the_next_in_line(worker):
    """The plan goes back to a council worker (planner and clock); the queue's first takes the place."""
    org = organisation(capacity=1)
    first, second, third = (refer(draft_plan(worker), org, worker) for _ in range(3))
    with pytest.raises(DomainError, match="Enter why"):
        referrals.planning_referral_withdraw(referral=first, actor=worker, reason=" ", today=JAN)
    referrals.planning_referral_withdraw(referral=first, actor=worker, reason="Family will plan", today=JAN)
    assert fresh(first).status == R.WITHDRAWN
    plan = fresh(first.plan)
    assert plan.planner == SupportPlan.Planner.STAFF and plan.planning_organisation is None
    assert plan.held_by == Party.WORKER
    assert PlanClockSegment.objects.get(plan=plan, ended_at__isnull=True).party == Party.WORKER
    assert fresh(second).status == R.ACCEPTED and fresh(second).accepted_on == JAN
    assert fresh(third).expected_start == D(2026, 2, 1)
    with pytest.raises(DomainError, match="nothing to withdraw"):
        referrals.planning_referral_withdraw(referral=first, actor=worker, reason="Again", today=JAN)


def test_withdrawing_from_the_queue_moves_those_behind_forward(worker):
    org = organisation(capacity=1)
    made = [refer(draft_plan(worker), org, worker) for _ in range(3)]
    assert fresh(made[2]).expected_start == D(2026, 3, 1)
    referrals.planning_referral_withdraw(referral=made[1], actor=worker, reason="Moved away", today=JAN)
    assert fresh(made[2]).expected_start == D(2026, 2, 1)


def test_finishing_planning_hands_the_plan_back_to_the_worker(worker):
    org = organisation(capacity=1)
    taken, waiting = refer(draft_plan(worker), org, worker), refer(draft_plan(worker), org, worker)
    with pytest.raises(DomainError, match="only a referral the organisation has taken on"):
        referrals.planning_referral_complete(referral=waiting, actor=worker, today=JAN)
    referrals.planning_referral_complete(referral=taken, actor=worker, today=D(2026, 1, 30))
    done = fresh(taken)
    assert (done.status, done.completed_on) == (R.COMPLETED, D(2026, 1, 30))
    plan = fresh(taken.plan)
    assert plan.held_by == Party.WORKER and plan.planning_organisation == org
    # A finished referral still used January's place: the queue is not promoted into it.
    assert referrals.planning_referral_promote(today=D(2026, 1, 31)) == 0


# --- The organisations and their waits -----------------------------------------------------------------------


def test_organisations_are_kept_up_to_date_by_commissioners(commissioner, worker):
    org = referrals.planning_organisation_save(
        actor=commissioner, name="Brightwell Planning", monthly_capacity="2", non_directed_advocacy=True
    )
    assert org.monthly_capacity == 2 and org.non_directed_advocacy and org.is_active
    assert AuditEvent.objects.filter(object_type="planning.planningorganisation", action="create").exists()
    with pytest.raises(DomainError, match="already an organisation called"):
        referrals.planning_organisation_save(actor=commissioner, name="brightwell planning", monthly_capacity=1)
    with pytest.raises(DomainError, match="whole number"):
        referrals.planning_organisation_save(actor=commissioner, name="Other", monthly_capacity="lots")
    with pytest.raises(DomainError, match="0 or more"):
        referrals.planning_organisation_save(actor=commissioner, name="Other", monthly_capacity=-1)
    with pytest.raises(DomainError, match="Only commissioners"):
        referrals.planning_organisation_save(actor=worker, name="Other", monthly_capacity=1)


def test_more_capacity_takes_the_queue_on_now(commissioner, worker):
    """Raising the capacity takes waiting referrals into the new places at once, in order."""
    org = organisation(capacity=1)
    made = [refer(draft_plan(worker), org, worker) for _ in range(3)]
    referrals.planning_organisation_save(
        actor=commissioner, organisation=org, today=JAN, name=org.name, monthly_capacity=2
    )
    assert [fresh(r).status for r in made] == [R.ACCEPTED, R.ACCEPTED, R.QUEUED]
    assert fresh(made[2]).expected_start == D(2026, 2, 1)
    assert AuditEvent.objects.filter(
        object_type="planning.planningorganisation", action="update", changes__monthly_capacity=[1, 2]
    ).exists()


def test_organisation_rows_show_places_queue_and_waits(worker):
    """Taken this month, the queue, when a new referral could start, and the average actual wait (referral to
    being taken on) over the last six months: older referrals are not counted."""
    today = timezone.localdate()
    org = organisation(capacity=2)
    made = queue_of_five(worker, org, today=today)
    # Two referrals taken on earlier: waits of 10 and 20 days; one too long ago to count.
    for plan_days, taken_on in ((10, today - datetime.timedelta(days=40)), (20, today - datetime.timedelta(days=60))):
        PlanningReferral.objects.create(
            organisation=org,
            plan=draft_plan(worker),
            status=R.COMPLETED,
            referred_at=timezone.make_aware(datetime.datetime.combine(taken_on, datetime.time(9)))
            - datetime.timedelta(days=plan_days),
            accepted_on=taken_on,
            referred_by=worker,
        )
    PlanningReferral.objects.create(
        organisation=org,
        plan=draft_plan(worker),
        status=R.COMPLETED,
        referred_at=timezone.now() - datetime.timedelta(days=400),
        accepted_on=today - datetime.timedelta(days=300),
        referred_by=worker,
    )
    row = next(r for r in report_selectors.organisation_rows(today=today) if r.organisation == org)
    assert (row.taken_this_month, row.queue_length) == (2, 3)
    from selfdirect.rules.planning_capacity import add_months, month_start

    assert row.expected_start == add_months(month_start(today), 2)  # 3 waiting, 2 places a month
    assert row.months_to_wait == 2 and row.full
    # The five made today waited 0 days (two of them taken on), plus 10 and 20: (0 + 0 + 10 + 20) / 4.
    assert row.referrals_measured == 4
    assert row.average_wait_days == pytest.approx(7.5)
    assert made[0].status == R.ACCEPTED


# --- Pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SOCIAL_WORKER, 200),
        (Role.SUPPORT_PLANNER, 200),
        (Role.COMMISSIONER, 200),
        (Role.TEAM_MANAGER, 200),
        (Role.ADMINISTRATOR, 403),
        (Role.PERFORMANCE_ANALYST, 403),
    ],
)
def test_the_organisations_page_shows_waits_to_everyone_who_refers(role, status, user_of_role, client_as, worker):
    org = organisation("Brightwell Planning", capacity=1)
    refer(draft_plan(worker), org, worker, today=timezone.localdate())
    refer(draft_plan(worker), org, worker, today=timezone.localdate())
    response = client_as(user_of_role(role)).get(reverse("planning_organisations"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Brightwell Planning" in page and "About 2 months" in page  # one taken, one waiting
        assert ("Add an organisation" in page) == (role == Role.COMMISSIONER)


def test_adding_an_organisation_with_bad_input_shows_the_error_summary(client_as, commissioner):
    client = client_as(commissioner)
    url = reverse("planning_organisation_create")
    response = client.post(url, {"name": "", "monthly_capacity": "lots"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the organisation&#x27;s name" in page and "whole number" in page
    response = client.post(
        url,
        {"name": "Moorside Carers' Centre", "monthly_capacity": "4", "non_directed_advocacy": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    org = PlanningOrganisation.objects.get(name="Moorside Carers' Centre")
    assert org.monthly_capacity == 4 and org.non_directed_advocacy
    response = client.post(
        reverse("planning_organisation_edit", args=[org.pk]), {"name": "Moorside", "monthly_capacity": "-2"}
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


def test_workers_cannot_change_organisations(client_as, worker):
    assert client_as(worker).get(reverse("planning_organisation_create")).status_code == 403


def test_the_referral_page_shows_each_wait_and_refers(client_as, worker):
    now_org = organisation("Open Door Planning", capacity=3)
    full = organisation("Brightwell Planning", capacity=1)
    refer(draft_plan(worker), full, worker, today=timezone.localdate())
    plan = draft_plan(worker)
    client = client_as(worker)
    url = reverse("plan_refer", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "Open Door Planning" in page and "Can start now" in page
    assert "Brightwell Planning" in page and "Full this month: expected to start" in page

    response = client.post(url, {"version": plan.version})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "Choose the support-planning organisation" in response.content.decode()

    response = client.post(url, {"version": plan.version, "organisation": "not-a-number"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()

    response = client.post(url, {"version": plan.version, "organisation": str(now_org.pk)})
    assert response.status_code == 302
    referral = PlanningReferral.objects.get(plan=plan)
    assert referral.status == R.ACCEPTED and referral.organisation == now_org


def test_the_referral_page_refuses_an_organisation_without_advocacy_when_needed(client_as, worker):
    plain = organisation("Moorside Carers' Centre", capacity=3)
    organisation("Northmoor Advocacy Partnership", capacity=3, advocacy=True)
    plan = draft_plan(worker)
    capacity_assessment(plan.person, worker, lacks=True)
    client = client_as(worker)
    url = reverse("plan_refer", args=[plan.pk])
    assert "lacks capacity" in client.get(url).content.decode()
    response = client.post(url, {"version": plan.version, "organisation": str(plain.pk)})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "These organisations offer it: Northmoor Advocacy Partnership" in page


def test_withdrawing_from_the_page_needs_a_reason(client_as, worker):
    org = organisation(capacity=3)
    plan = draft_plan(worker)
    referral = refer(plan, org, worker, today=timezone.localdate())
    client = client_as(worker)
    response = client.post(reverse("planning_referral_withdraw", args=[referral.pk]), {"reason": ""})
    assert response.status_code == 200 and "Enter why the referral is withdrawn" in response.content.decode()
    response = client.post(reverse("planning_referral_withdraw", args=[referral.pk]), {"reason": "Family plans"})
    assert response.status_code == 302 and fresh(referral).status == R.WITHDRAWN


def test_finishing_from_the_page(client_as, worker):
    org = organisation(capacity=3)
    referral = refer(draft_plan(worker), org, worker, today=timezone.localdate())
    client = client_as(worker)
    response = client.post(reverse("planning_referral_complete", args=[referral.pk]))
    assert response.status_code == 302 and fresh(referral).status == R.COMPLETED
    response = client.post(reverse("planning_referral_complete", args=[referral.pk]))
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.COMMISSIONER, Role.FINANCE_OFFICER])
def test_roles_that_do_not_write_plans_cannot_refer(role, user_of_role, client_as, worker):
    plan = draft_plan(worker)
    assert client_as(user_of_role(role)).get(reverse("plan_refer", args=[plan.pk])).status_code == 403


def test_an_organisation_page_lists_its_queue_in_order(client_as, worker):
    org = organisation("Brightwell Planning", capacity=1)
    made = [refer(draft_plan(worker), org, worker, today=timezone.localdate()) for _ in range(3)]
    page = client_as(worker).get(reverse("planning_organisation_detail", args=[org.pk])).content.decode()
    names = [fresh(r).plan.person.full_name for r in made]
    assert page.index(names[1]) < page.index(names[2])
    assert "Taken on" in page
