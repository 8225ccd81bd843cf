"""Indicative budgets: worked out when a needs assessment is signed off as eligible, stored with the table
version and explanation, audited, on the timeline, and shown on the staff and portal assessment pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.assessments import services
from selfdirect.assessments.models import Assessment
from selfdirect.core.models import AuditEvent
from selfdirect.money import ras_services
from selfdirect.money.models import IndicativeBudget, RasTable
from selfdirect.money.ras import indicative_budget_for_assessment
from selfdirect.people.models import PersonEvent
from tests.factories import PersonFactory, portal_self_assessment_with_record

pytestmark = pytest.mark.django_db

DAILY_HELP = {"unable_reasons": ["without_assistance"], "frequency": "daily"}
EARLY_IDEA = (
    "This is an early idea of how much money is available; the final personal budget is agreed in the support plan"
)


def sign_off(worker, person, outcomes, *, reason="", override=False, **answers):
    """A needs assessment answered, allocated, with involvement recorded, then signed off by `worker`."""
    assessment = services.assessment_start(actor=worker, person=person)
    services.assessment_allocate(assessment=assessment, worker=worker, actor=worker)
    assessment = services.assessment_save_answers(
        assessment=assessment,
        actor=worker,
        outcomes=outcomes,
        answers={"needs_from_impairment": "yes", "significant_impact": "yes", **answers},
    )
    if reason:
        Assessment.objects.filter(pk=assessment.pk).update(primary_support_reason=reason)
        assessment.refresh_from_db()
    services.involvement_record(assessment=assessment, actor=worker, difficulties=[])
    return services.assessment_sign_off(
        assessment=assessment, actor=worker, override=override, reason="Checked with the GP" if override else ""
    )


def test_eligible_sign_off_stores_the_budget_with_version_points_and_explanation(social_worker, person):
    """Two outcomes daily (6 + 6) and one met by a carer (6 - 4 = 2): 14 points x £18.60 = £260.40 a week,
    worked out with the published default table (version 1), explained line by line."""
    assessment = sign_off(
        social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP, "g": DAILY_HELP | {"met_by_unpaid_carer": True}}
    )
    budget = IndicativeBudget.objects.get(assessment=assessment)
    assert budget.person == person and budget.table.version == 1
    assert budget.points == Decimal("14.0") and budget.weekly_amount == Decimal("260.40")
    assert budget.yearly_amount == Decimal("13540.80") and budget.exceptional is False
    assert budget.explanation[0] == "Managing and maintaining nutrition: needs help or prompting, every day: 6 points"
    assert "an unpaid carer meets this need" in budget.explanation[2]
    assert budget.explanation[-1].startswith("Total 14 points, at £18.60 per point")


def test_the_budget_is_audited_and_on_the_timeline(social_worker, person):
    """The audit log records who worked it out and from which version; the timeline gives week and year."""
    assessment = sign_off(social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP})
    budget = assessment.indicative_budget
    audit = AuditEvent.objects.get(object_type="money.indicativebudget", object_id=str(budget.pk))
    assert audit.actor == social_worker and audit.person_id == person.pk and "version 1" in audit.summary
    event = PersonEvent.objects.get(person=person, title__startswith="Indicative budget")
    assert event.type == PersonEvent.Type.ASSESSMENT
    assert event.title == "Indicative budget: £223.20 a week (£11,606.40 a year)"


def test_not_eligible_means_no_budget(social_worker, person):
    """An ineligible decision (here a worker's override) works out no budget."""
    assessment = sign_off(social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP}, override=True)
    assert assessment.decision_eligible is False
    assert not IndicativeBudget.objects.exists()
    assert indicative_budget_for_assessment(assessment=assessment, actor=social_worker) is None


def test_override_to_eligible_still_gets_a_budget(social_worker, person):
    """One outcome is not enough for an adult, but a practitioner's override to eligible gets a budget."""
    assessment = sign_off(social_worker, person, {"a": DAILY_HELP}, override=True)
    assert assessment.decision_eligible is True and assessment.indicative_budget.points == 6


def test_asking_again_changes_nothing(social_worker, person):
    """Idempotent: a second call returns the same budget and writes no more audit or timeline rows."""
    assessment = sign_off(social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP})
    first = assessment.indicative_budget
    audits, events = AuditEvent.objects.count(), PersonEvent.objects.count()
    again = indicative_budget_for_assessment(assessment=assessment, actor=social_worker)
    assert again.pk == first.pk and IndicativeBudget.objects.count() == 1
    assert (AuditEvent.objects.count(), PersonEvent.objects.count()) == (audits, events)


def test_carers_assessment_gets_no_budget_from_the_adult_table(social_worker, person):
    """The adult table does not price carers' outcomes: a carer's assessment stores nothing."""
    carer = PersonFactory()
    assessment = services.assessment_start(actor=social_worker, person=carer, kind="carer", cared_for=person)
    services.assessment_allocate(assessment=assessment, worker=social_worker, actor=social_worker)
    assessment = services.assessment_save_answers(
        assessment=assessment,
        actor=social_worker,
        answers={"needs_from_caring": "yes", "carer_health_deteriorating": "yes", "significant_impact": "yes"},
    )
    services.involvement_record(assessment=assessment, actor=social_worker, difficulties=[])
    signed = services.assessment_sign_off(assessment=assessment, actor=social_worker)
    assert signed.decision_eligible is True and not IndicativeBudget.objects.exists()


def test_latest_published_version_is_used_and_old_budgets_keep_theirs(social_worker, person, team_manager):
    """A draft is ignored until published; then new budgets use it and earlier ones keep version 1."""
    first = sign_off(social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP}).indicative_budget
    draft = ras_services.ras_table_new_draft(table=RasTable.objects.get(version=1), actor=team_manager)
    draft.prices.update(price_per_point=Decimal("20.00"))
    second = sign_off(social_worker, PersonFactory(), {"a": DAILY_HELP, "b": DAILY_HELP}).indicative_budget
    assert second.table.version == 1 and second.weekly_amount == Decimal("223.20")
    ras_services.ras_table_publish(table=draft, actor=team_manager)
    third = sign_off(social_worker, PersonFactory(), {"a": DAILY_HELP, "b": DAILY_HELP}).indicative_budget
    assert third.table.version == 2 and third.weekly_amount == Decimal("240.00")
    first.refresh_from_db()
    assert first.table.version == 1 and first.weekly_amount == Decimal("223.20")


def test_exceptional_needs_are_flagged_not_capped(social_worker, person):
    """Constant supervision and waking nights: 12 + 72 + 52.5 = 136.5 points, the full £2,538.90, flagged."""
    assessment = sign_off(
        social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP}, supervision="constant", night_support="waking"
    )
    budget = assessment.indicative_budget
    assert budget.exceptional and budget.points == Decimal("136.5") and budget.weekly_amount == Decimal("2538.90")
    assert "Exceptional needs" in PersonEvent.objects.get(title__startswith="Indicative budget").detail


def test_age_band_and_support_reason_choose_the_price(social_worker, team_manager):
    """With a price for people 65 and over with memory and cognition needs, that price is used for them."""
    draft = ras_services.ras_table_new_draft(table=RasTable.objects.get(version=1), actor=team_manager)
    draft.prices.create(age_band="65+", client_group="Support with Memory & Cognition", price_per_point="19.50")
    ras_services.ras_table_publish(table=draft, actor=team_manager)
    older = PersonFactory(date_of_birth=datetime.date(1940, 1, 1))
    younger = PersonFactory(date_of_birth=datetime.date(1990, 1, 1))
    reason = "Support with Memory & Cognition"
    old_budget = sign_off(social_worker, older, {"a": DAILY_HELP, "b": DAILY_HELP}, reason=reason).indicative_budget
    young_budget = sign_off(social_worker, younger, {"a": DAILY_HELP, "b": DAILY_HELP}, reason=reason)
    assert old_budget.weekly_amount == Decimal("234.00")
    assert "£19.50 per point for people aged 65 and over, Support with Memory & Cognition" in old_budget.explanation[-1]
    assert young_budget.indicative_budget.weekly_amount == Decimal("223.20")


def test_no_published_table_leaves_the_decision_standing(social_worker, person):
    """Without any published table the decision is still signed off; the audit log says why no budget."""
    RasTable.objects.update(published_at=None)
    assessment = sign_off(social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP})
    assert assessment.status == Assessment.Status.SIGNED_OFF and not IndicativeBudget.objects.exists()
    assert AuditEvent.objects.filter(summary__startswith="No indicative budget").exists()


# --- pages ----------------------------------------------------------------------------------------------


def test_staff_assessment_page_shows_the_budget_and_the_exceptional_tag(client_as, social_worker, person):
    """Weekly and yearly amounts, each line of the explanation, the early-idea sentence and the manager tag."""
    assessment = sign_off(
        social_worker, person, {"a": DAILY_HELP, "b": DAILY_HELP}, supervision="constant", night_support="waking"
    )
    html = client_as(social_worker).get(assessment.get_absolute_url()).content.decode()
    assert "Indicative budget" in html and "£2,538.90" in html and "£132,022.80" in html
    assert "Managing and maintaining nutrition: needs help or prompting, every day: 6 points" in html
    assert EARLY_IDEA in html and "Exceptional needs: a manager should look" in html
    assert "resource allocation table version 1" in html


def test_staff_page_has_no_budget_section_before_sign_off(client_as, social_worker, person):
    """An assessment not yet decided shows no indicative budget."""
    assessment = services.assessment_start(actor=social_worker, person=person)
    html = client_as(social_worker).get(assessment.get_absolute_url()).content.decode()
    assert "Indicative budget" not in html


def test_portal_status_page_shows_the_budget_without_the_staff_tag(social_worker, client_as):
    """The person sees their money and how it was reached; the manager tag is for staff only."""

    account, assessment = portal_self_assessment_with_record(worker=social_worker)
    assessment = services.assessment_save_answers(
        assessment=assessment,
        actor=account,
        outcomes={"a": DAILY_HELP, "b": DAILY_HELP},
        answers={"needs_from_impairment": "yes", "significant_impact": "yes", "supervision": "constant"},
    )
    services.assessment_submit(assessment=assessment, actor=account)
    services.assessment_allocate(assessment=assessment, worker=social_worker, actor=social_worker)
    services.involvement_record(assessment=assessment, actor=social_worker, difficulties=[])
    services.assessment_sign_off(assessment=assessment, actor=social_worker)
    assert IndicativeBudget.objects.get(assessment=assessment).exceptional

    response = client_as(account).get(reverse("portal_assessment", args=[assessment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indicative budget" in html and "£1,562.40" in html and "£81,244.80" in html
    assert EARLY_IDEA in html and "Maintaining personal hygiene: needs help or prompting, every day" in html
    assert "Exceptional needs" not in html and "table version" not in html
