"""Charging services: completing a financial assessment (engine on confirmed figures, superseding, audit,
timeline, refusal of unconfirmed figures) and setting or confirming charging figures."""

from decimal import Decimal

import pytest

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.money import charging_services as services
from selfdirect.money.models import ChargingFigure, FinancialAssessment
from selfdirect.people.models import PersonEvent
from tests.factories import PersonFactory

from . import load_charging_figures

D = Decimal


@pytest.fixture
def years(db):
    return load_charging_figures()


@pytest.fixture
def finance_officer(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Fin", last_name="Officer")


CONTRACT = {
    "setting": "community",
    "household": "single",
    "age": 70,
    "reached_pension_credit_age": True,
    "dependent_children": 0,
    "capital": D("18450.00"),
    "weekly_income": [
        {"type": "state_pension", "amount": D("179.60")},
        {"type": "attendance_allowance", "amount": D("60.00")},
        {"type": "pip_mobility", "amount": D("24.45")},
    ],
    "weekly_housing_costs": D("0.00"),
    "weekly_disability_related_expenditure": D("10.00"),
    "weekly_cost_of_care": D("250.00"),
}


def complete(person, year, actor, **changes):
    return services.financial_assessment_complete(person=person, year=year, actor=actor, **{**CONTRACT, **changes})


def test_complete_stores_inputs_and_results(years, person, finance_officer):
    """The inputs and the engine's results are stored, complete, with who and when."""
    assessment = complete(person, years["2021-22"], finance_officer, reason="First assessment")
    assessment.refresh_from_db()
    assert assessment.status == FinancialAssessment.Status.COMPLETE
    assert assessment.weekly_contribution == D("57.60")
    assert assessment.tariff_income == D("17.00")
    assert assessment.counted_income == D("239.60")
    assert assessment.disregarded_income == D("24.45")
    assert assessment.minimum_income_guarantee == D("189.00")
    assert assessment.personal_expenses_allowance is None
    assert assessment.full_cost is False
    assert assessment.weekly_income[0] == {"type": "state_pension", "amount": "179.60"}
    assert assessment.explanation[-1] == "Your weekly contribution is £57.60."
    assert assessment.completed_by == finance_officer
    assert assessment.completed_at is not None
    assert assessment.replaces is None
    assert assessment.reason == "First assessment"


def test_a_new_assessment_supersedes_the_previous_one(years, person, finance_officer):
    """Completing a second assessment marks the first superseded and records that it replaces it."""
    first = complete(person, years["2021-22"], finance_officer)
    second = complete(person, years["2021-22"], finance_officer, weekly_cost_of_care=D("40.00"))
    first.refresh_from_db()
    assert first.status == FinancialAssessment.Status.SUPERSEDED
    assert second.replaces == first
    assert second.weekly_contribution == D("40.00")
    assert list(FinancialAssessment.objects.filter(person=person, status="complete")) == [second]


def test_another_persons_assessment_is_not_superseded(years, person, finance_officer):
    """Superseding is per person: someone else's complete assessment stays complete."""
    other = complete(PersonFactory(), years["2021-22"], finance_officer)
    complete(person, years["2021-22"], finance_officer)
    other.refresh_from_db()
    assert other.status == FinancialAssessment.Status.COMPLETE


def test_audit_records_the_assessment_and_the_superseding(years, person, finance_officer):
    """An audit record for the new assessment (with the contribution) and one for the one it replaced."""
    first = complete(person, years["2021-22"], finance_officer)
    second = complete(person, years["2021-22"], finance_officer)
    created = AuditEvent.objects.get(object_type="money.financialassessment", object_id=str(second.pk))
    assert created.action == AuditEvent.Action.CREATE
    assert created.actor == finance_officer
    assert created.person_id == person.pk
    assert "£57.60 a week" in created.summary
    assert created.changes["replaces"] == [None, first.pk]
    superseded = AuditEvent.objects.get(
        object_type="money.financialassessment", object_id=str(first.pk), action=AuditEvent.Action.UPDATE
    )
    assert superseded.changes == {"status": ["complete", "superseded"]}


def test_timeline_event_names_the_weekly_amount(years, person, finance_officer):
    """The person's timeline gets an "assessment" event titled "Financial assessment: £57.60 a week"."""
    complete(person, years["2021-22"], finance_officer, reason="Change in pension")
    event = PersonEvent.objects.get(person=person)
    assert event.type == PersonEvent.Type.ASSESSMENT
    assert event.title == "Financial assessment: £57.60 a week"
    assert event.actor == finance_officer
    assert "2021-22" in event.detail and "Change in pension" in event.detail


def test_full_cost_is_said_on_the_timeline(years, person, finance_officer):
    """Capital above the upper limit: the contribution is the cost of care and the event says full cost."""
    assessment = complete(person, years["2021-22"], finance_officer, capital=D("50000.00"))
    assert assessment.full_cost is True
    assert assessment.weekly_contribution == D("250.00")
    event = PersonEvent.objects.get(person=person)
    assert event.title == "Financial assessment: £250.00 a week"
    assert "full cost" in event.detail


def test_unconfirmed_figure_raises_domain_error_and_saves_nothing(years, person, finance_officer):
    """2025-26 at pension credit age needs an UNCONFIRMED MIG: DomainError naming it on "year"; nothing saved."""
    with pytest.raises(DomainError) as caught:
        complete(person, years["2025-26"], finance_officer)
    assert "Minimum income guarantee: single, pension credit age" in caught.value.message
    assert caught.value.field == "year"
    assert not FinancialAssessment.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not PersonEvent.objects.exists()


def test_refusal_leaves_the_previous_assessment_current(years, person, finance_officer):
    """A refused assessment does not supersede the current one."""
    first = complete(person, years["2021-22"], finance_officer)
    with pytest.raises(DomainError):
        complete(person, years["2025-26"], finance_officer)
    first.refresh_from_db()
    assert first.status == FinancialAssessment.Status.COMPLETE


def test_standard_dre_not_set_is_refused_on_the_dre_question(years, person, finance_officer):
    """Asking for the council's standard DRE allowance when none is set is refused on that question."""
    with pytest.raises(DomainError) as caught:
        complete(person, years["2021-22"], finance_officer, weekly_disability_related_expenditure=None)
    assert caught.value.field == "weekly_disability_related_expenditure"
    assert "standard allowance for disability-related expenditure" in caught.value.message


def test_confirmed_figure_is_used(years, person, finance_officer):
    """Once an administrator sets and confirms the 2025-26 figure, the assessment goes through on it."""
    figure = ChargingFigure.objects.get(year=years["2025-26"], key="mig_single_pc_age")
    services.charging_figure_update(figure=figure, actor=finance_officer, amount=D("200.00"))
    services.charging_figure_confirm(figure=figure, actor=finance_officer)
    assessment = complete(person, years["2025-26"], finance_officer)
    assert assessment.minimum_income_guarantee == D("200.00")
    assert assessment.weekly_contribution == D("46.60")


# --- charging figures ------------------------------------------------------------------------------------


def test_confirm_records_who_and_when_and_audits(years, finance_officer):
    """Confirming a figure sets confirmed_by and confirmed_at and writes an audit record."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="personal_expenses_allowance")
    assert figure.confirmed is False
    services.charging_figure_confirm(figure=figure, actor=finance_officer)
    figure.refresh_from_db()
    assert figure.confirmed is True
    assert figure.confirmed_by == finance_officer
    assert figure.confirmed_at is not None
    event = AuditEvent.objects.get(object_type="money.chargingfigure", object_id=str(figure.pk))
    assert event.changes == {"confirmed": [False, True]}
    assert "Personal expenses allowance" in event.summary


def test_a_statutory_figure_without_an_amount_cannot_be_confirmed(years, finance_officer):
    """A blank statutory figure (2025-26 carer premium) is refused: set an amount first."""
    figure = ChargingFigure.objects.get(year=years["2025-26"], key="premium_carer")
    with pytest.raises(DomainError, match="Set an amount"):
        services.charging_figure_confirm(figure=figure, actor=finance_officer)
    figure.refresh_from_db()
    assert figure.confirmed is False


def test_changing_an_amount_unconfirms_it(years, finance_officer):
    """A confirmed figure whose amount changes is unconfirmed again, with the change audited."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="mig_single_18_24")
    services.charging_figure_update(figure=figure, actor=finance_officer, amount=D("72.50"))
    figure.refresh_from_db()
    assert (figure.amount, figure.confirmed, figure.confirmed_by) == (D("72.50"), False, None)
    event = AuditEvent.objects.get(object_type="money.chargingfigure", object_id=str(figure.pk))
    assert event.changes["amount"] == ["72.40", "72.50"]
    assert event.changes["confirmed"] == [True, False]


def test_saving_the_same_amount_keeps_it_confirmed(years, finance_officer):
    """Saving a figure without changing its amount (only its source) leaves it confirmed."""
    figure = ChargingFigure.objects.get(year=years["2021-22"], key="mig_single_18_24")
    services.charging_figure_update(figure=figure, actor=finance_officer, amount=D("72.40"), source="Checked")
    figure.refresh_from_db()
    assert figure.confirmed is True
    assert figure.source == "Checked"
