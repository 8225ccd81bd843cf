"""Building support plans for tests through the real services: a signed-off eligible assessment, then a plan with
needs, lines, a risk and a contingency plan, ready to submit."""

import datetime
from decimal import Decimal

from selfdirect.assessments import services as assessment_services
from selfdirect.money import ras_services
from selfdirect.planning import services
from selfdirect.planning.models import SupportPlan
from tests.portal.bank import ensure_question_bank

DAILY_HELP = {"unable_reasons": ["without_assistance"], "frequency": "daily"}
CONTINGENCY = {
    "if_main_support_fails": "The agency sends another carer; Ann covers mornings",
    "if_pa_absent": "The agency's bank staff",
    "if_money_runs_out": "Call the finance team on the number in the letter",
    "in_a_crisis": "Call the out of hours team",
    "backup_name": "Ann Smith",
    "backup_phone": "07700 900123",
    "emergency_name": "Bob Smith",
    "emergency_phone": "07700 900456",
}


def signed_off_assessment(worker, person):
    """A needs assessment with two eligible outcomes, signed off (the default RAS table prices it)."""
    ensure_question_bank()
    ras_services.ras_table_install_default()
    assessment = assessment_services.assessment_start(actor=worker, person=person)
    assessment_services.assessment_allocate(assessment=assessment, worker=worker, actor=worker)
    assessment = assessment_services.assessment_save_answers(
        assessment=assessment,
        actor=worker,
        outcomes={"a": DAILY_HELP | {"own_words": "I can't cook safely now"}, "b": DAILY_HELP},
        answers={"needs_from_impairment": "yes", "significant_impact": "yes", "wishes_and_outcomes": "Stay home"},
    )
    assessment_services.involvement_record(assessment=assessment, actor=worker, difficulties=[])
    return assessment_services.assessment_sign_off(assessment=assessment, actor=worker)


def line(plan, actor, **overrides):
    fields = {
        "need": plan.needs.first(),
        "description": "Help to get up, washed and dressed",
        "support_kind": "provider",
        "provider": None,
        "pa": None,
        "who_name": "Acme Care",
        "service_component": "Home Support",
        "unit_type": "Hourly",
        "units": "1",
        "per_week": "7",
        "unit_rate": "20.00",
        "days_times": "Mornings",
        "management": "council_managed",
    } | overrides
    plan.refresh_from_db()
    return services.plan_line_save(plan=plan, actor=actor, expected_version=plan.version, **fields)


def ready_plan(worker, person, *, rate="20.00", management="council_managed") -> SupportPlan:
    """A complete plan written by a worker: every need met, one risk, the whole contingency plan."""
    assessment = signed_off_assessment(worker, person)
    plan = services.support_plan_start(assessment=assessment, actor=worker, planner="staff")
    plan = services.support_plan_update(
        plan=plan,
        actor=worker,
        expected_version=plan.version,
        what_matters="My garden and my cat",
        outcomes="Stay at home",
        start_date=datetime.date(2026, 12, 1),
    )
    for need in plan.needs.all():
        plan.refresh_from_db()
        services.plan_need_update(plan=plan, need=need, actor=worker, expected_version=plan.version, how_met="Carers")
    line(plan, worker, unit_rate=rate, management=management)
    plan.refresh_from_db()
    services.plan_risk_save(
        plan=plan,
        actor=worker,
        expected_version=plan.version,
        risk="A fall at night",
        likelihood="medium",
        impact="high",
        mitigation="Pendant alarm",
        responsible="Ann",
        persons_view="I want to stay in my own bed",
        positive_risk_taking=True,
    )
    plan.refresh_from_db()
    services.contingency_save(plan=plan, actor=worker, expected_version=plan.version, **CONTINGENCY)
    plan.refresh_from_db()
    if plan.indicative_budget and plan.weekly_total != plan.indicative_budget.weekly_amount:
        plan = services.support_plan_update(
            plan=plan, actor=worker, expected_version=plan.version, budget_difference_reason="Agency rate"
        )
    return plan


def weekly(amount: str) -> Decimal:
    return Decimal(amount)
