"""Arranging referral, panel and report tests.

Plans being written are started with the real service (`support_plan_start`) from a signed-off eligible assessment
written straight to the database, which is quick enough to make a queue of them. Plans that go for approval are
built and submitted with the real services (tests.planning.plans.ready_plan, then support_plan_submit).
"""

import datetime

from django.utils import timezone

from selfdirect.assessments.models import Assessment, CapacityAssessment
from selfdirect.planning import services
from selfdirect.planning.models import PanelMeeting, PlanningOrganisation, SupportPlan
from tests.factories import PersonFactory
from tests.planning.plans import ready_plan
from tests.portal.bank import ensure_question_bank

# 7 hours a week: £140 at £20 an hour is within the indicative budget and the manager's limit (a manager
# decides); £700 at £100 an hour is above both (the funding panel decides).
MANAGER_RATE = "20.00"
PANEL_RATE = "100.00"


def eligible_assessment(person) -> Assessment:
    return Assessment.objects.create(
        person=person,
        question_bank=ensure_question_bank(),
        status=Assessment.Status.SIGNED_OFF,
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
        decision_eligible=True,
        signed_off_at=timezone.now(),
    )


def draft_plan(worker, person=None, **person_fields) -> SupportPlan:
    """A plan being written by a council worker (the clock running for the worker)."""
    person = person or PersonFactory(**person_fields)
    return services.support_plan_start(assessment=eligible_assessment(person), actor=worker, planner="staff")


def submitted_plan(worker, person, *, rate: str) -> SupportPlan:
    plan = ready_plan(worker, person, rate=rate)
    plan.refresh_from_db()
    return services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)


def panel_plan(worker, person) -> SupportPlan:
    plan = submitted_plan(worker, person, rate=PANEL_RATE)
    assert plan.status == SupportPlan.Status.AT_PANEL
    return plan


def manager_plan(worker, person) -> SupportPlan:
    plan = submitted_plan(worker, person, rate=MANAGER_RATE)
    assert plan.status == SupportPlan.Status.WITH_MANAGER
    return plan


def organisation(name="Northmoor Disabled People's Forum", capacity=3, advocacy=False, **fields):
    return PlanningOrganisation.objects.create(
        name=name, monthly_capacity=capacity, non_directed_advocacy=advocacy, **fields
    )


def capacity_assessment(person, assessor, *, lacks: bool, decision="how their care and support is planned", on=None):
    return CapacityAssessment.objects.create(
        person=person,
        decision=decision,
        impairment=lacks,
        can_understand=not lacks,
        can_retain=not lacks,
        can_use_or_weigh=not lacks,
        can_communicate=True,
        lacks_capacity=lacks,
        assessed_by=assessor,
        assessed_on=on or timezone.localdate(),
    )


def meeting(*, members=(), attendees=(), quorum=2, meets_at=None, status=PanelMeeting.Status.SCHEDULED):
    """A meeting written straight to the database (today at 10:00 unless `meets_at` is given)."""
    meets_at = meets_at or timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    panel = PanelMeeting.objects.create(meets_at=meets_at, quorum=quorum, status=status, location="Room 2")
    panel.members.set(members)
    panel.attendees.set(attendees)
    return panel
