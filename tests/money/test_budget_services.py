"""Personal budget services (Care Act s26): the parts always add up, the person never pays more than the cost,
every change is a new version with an audit record and a timeline event."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.money.budget_services import (
    personal_budget_from_financial_assessment,
    personal_budget_set,
    split_in_proportion,
)
from selfdirect.money.models import ChargingYear, FinancialAssessment, PersonalBudget
from selfdirect.people.models import PersonEvent
from tests.factories import PersonFactory

START = datetime.date(2026, 4, 6)


def council_managed(total) -> dict:
    return {"weekly_council_managed": Decimal(total)}


def set_budget(person, actor, total="250.00", contribution="40.00", split=None, reason="Support plan agreed"):
    return personal_budget_set(
        person=person,
        actor=actor,
        weekly_total_cost=Decimal(total),
        weekly_person_contribution=Decimal(contribution),
        split=split if split is not None else council_managed(total),
        effective_from=START,
        reason=reason,
    )


@pytest.fixture
def finance(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Ruth", last_name="Evans")


def complete_assessment(person, *, contribution, cost="400.00") -> FinancialAssessment:
    return FinancialAssessment.objects.create(
        person=person,
        year=ChargingYear.objects.get(financial_year="2021-22"),
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=Decimal("0.00"),
        weekly_cost_of_care=Decimal(cost),
        weekly_contribution=Decimal(contribution),
    )


@st.composite
def budgets(draw):
    """A valid budget in pence: a total, a contribution no more than it, and a split of it three ways."""
    total = draw(st.integers(1, 10_000_000))
    contribution = draw(st.integers(0, total))
    a = draw(st.integers(0, total))
    b = draw(st.integers(0, total - a))
    return total, contribution, (a, b, total - a - b)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=budgets())
def test_any_valid_budget_is_saved_with_parts_that_add_up(budget, person, finance):
    """For any valid amounts: total = contribution + council amount and total = the sum of how it is managed,
    to the penny, as saved in the database; each save is the next version and the only current one."""
    total, contribution, dp, cm, isf = (Decimal(p) / 100 for p in (budget[0], budget[1], *budget[2]))
    before = PersonalBudget.objects.filter(person=person).count()
    saved = personal_budget_set(
        person=person,
        actor=finance,
        weekly_total_cost=total,
        weekly_person_contribution=contribution,
        split={"weekly_direct_payment": dp, "weekly_council_managed": cm, "weekly_individual_service_fund": isf},
        effective_from=START,
        reason="Property check",
    )
    saved.refresh_from_db()
    assert saved.weekly_total_cost == total
    assert saved.weekly_person_contribution + saved.weekly_council_amount == total
    assert saved.weekly_council_amount == total - contribution
    assert saved.weekly_direct_payment + saved.weekly_council_managed + saved.weekly_individual_service_fund == total
    assert saved.version == before + 1
    assert list(PersonalBudget.objects.filter(person=person, is_current=True)) == [saved]


def test_contribution_above_the_total_cost_is_refused(person, finance):
    """Nobody pays more than their care costs: a contribution above the total is refused and nothing is saved."""
    with pytest.raises(DomainError, match="cannot be more than the total cost") as refused:
        set_budget(person, finance, total="250.00", contribution="250.01")
    assert refused.value.field == "weekly_person_contribution"
    assert not PersonalBudget.objects.exists()
    assert set_budget(person, finance, total="250.00", contribution="250.00").weekly_council_amount == 0


def test_the_split_must_add_up_to_the_total(person, finance):
    """The amounts by direct payment, council-managed and ISF must add up exactly: the message says by how much."""
    split = {"weekly_direct_payment": Decimal("100.00"), "weekly_council_managed": Decimal("149.99")}
    with pytest.raises(DomainError, match=r"add up to £249.99, but the total weekly cost is £250.00.*£0.01 more"):
        set_budget(person, finance, split=split)
    split["weekly_individual_service_fund"] = Decimal("0.02")
    with pytest.raises(DomainError, match=r"£0.01 less"):
        set_budget(person, finance, split=split)
    assert not PersonalBudget.objects.exists()


@pytest.mark.parametrize(
    ("total", "contribution", "field", "message"),
    [
        ("250.001", "0.00", "weekly_total_cost", "to the nearest penny"),
        ("250.00", "-1.00", "weekly_person_contribution", "cannot be less than £0"),
        ("0.00", "0.00", "weekly_total_cost", "more than £0"),
        ("abc", "0.00", "weekly_total_cost", "pounds and pence"),
        ("NaN", "0.00", "weekly_total_cost", "pounds and pence"),
        ("", "0.00", "weekly_total_cost", "Enter the total weekly cost"),
        ("99999999.00", "0.00", "weekly_total_cost", "must be less than"),
    ],
)
def test_amounts_must_be_pounds_and_pence_and_not_negative(person, finance, total, contribution, field, message):
    """Each kind of bad amount is refused with a message saying what to type, on the right field."""
    with pytest.raises(DomainError, match=message) as refused:
        personal_budget_set(
            person=person,
            actor=finance,
            weekly_total_cost=total,
            weekly_person_contribution=contribution,
            split={"weekly_council_managed": total if total not in ("abc", "NaN", "") else "0"},
            effective_from=START,
            reason="Test",
        )
    assert refused.value.field == field
    assert not PersonalBudget.objects.exists()


def test_a_reason_and_a_start_date_are_needed(person, finance):
    """The reason is part of the record of every version; so is the date it starts."""
    with pytest.raises(DomainError, match="Enter the reason"):
        set_budget(person, finance, reason="   ")
    with pytest.raises(DomainError, match="Enter the date"):
        personal_budget_set(
            person=person,
            actor=finance,
            weekly_total_cost="10.00",
            weekly_person_contribution="0.00",
            split=council_managed("10.00"),
            effective_from=None,
            reason="x",
        )
    with pytest.raises(DomainError, match="Unknown way"):
        set_budget(person, finance, split={"weekly_cash": Decimal("250.00")})


def test_every_change_is_a_new_version_with_history_audit_and_timeline(person, finance):
    """Three changes make versions 1, 2 and 3; only the last is current; each has an audit record (old -> new)
    and a timeline event titled with the weekly total."""
    first = set_budget(person, finance, total="250.00", contribution="40.00", reason="Support plan agreed")
    second = set_budget(person, finance, total="300.00", contribution="40.00", reason="More help at night")
    third = set_budget(
        person,
        finance,
        total="300.00",
        contribution="0.00",
        reason="New financial assessment",
        split={"weekly_direct_payment": Decimal("100.00"), "weekly_council_managed": Decimal("200.00")},
    )
    versions = list(PersonalBudget.objects.filter(person=person).order_by("version"))
    assert [(b.version, b.is_current, b.reason) for b in versions] == [
        (1, False, "Support plan agreed"),
        (2, False, "More help at night"),
        (3, True, "New financial assessment"),
    ]
    assert (first.pk, second.pk, third.pk) == tuple(b.pk for b in versions)
    audits = AuditEvent.objects.filter(object_type="money.personalbudget", person_id=person.pk).order_by("id")
    assert [a.action for a in audits] == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.UPDATE]
    assert audits[1].changes["weekly_total_cost"] == ["250.00", "300.00"]
    assert audits[2].changes["weekly_person_contribution"] == ["40.00", "0.00"]
    assert audits[2].changes["weekly_direct_payment"] == ["0.00", "100.00"]
    assert all(a.actor == finance for a in audits)
    titles = list(PersonEvent.objects.filter(person=person).order_by("id").values_list("title", flat=True))
    assert titles == ["Personal budget: £250.00 a week", "Personal budget: £300.00 a week"] + [
        "Personal budget: £300.00 a week"
    ]


def test_a_budget_for_someone_else_or_from_an_incomplete_assessment_is_refused(person, finance):
    """The financial assessment linked to a budget must be the person's own, and complete."""
    other = PersonFactory()
    theirs = complete_assessment(other, contribution="10.00")
    with pytest.raises(DomainError, match="for someone else"):
        personal_budget_set(
            person=person,
            actor=finance,
            weekly_total_cost="250.00",
            weekly_person_contribution="10.00",
            split=council_managed("250.00"),
            effective_from=START,
            reason="x",
            financial_assessment=theirs,
        )
    draft = complete_assessment(person, contribution="10.00")
    FinancialAssessment.objects.filter(pk=draft.pk).update(status=FinancialAssessment.Status.DRAFT)
    draft.refresh_from_db()
    with pytest.raises(DomainError, match="not complete"):
        personal_budget_set(
            person=person,
            actor=finance,
            weekly_total_cost="250.00",
            weekly_person_contribution="10.00",
            split=council_managed("250.00"),
            effective_from=START,
            reason="x",
            financial_assessment=draft,
        )
    assert not PersonalBudget.objects.exists()


def test_from_a_financial_assessment_keeps_the_split_and_caps_the_contribution(person, finance):
    """After a new financial assessment the contribution is the assessed one, but never above the total; the
    total and how it is managed stay as they were."""
    split = {"weekly_direct_payment": Decimal("100.00"), "weekly_council_managed": Decimal("150.00")}
    set_budget(person, finance, total="250.00", contribution="40.00", split=split)
    cheaper = personal_budget_from_financial_assessment(
        person=person,
        actor=finance,
        financial_assessment=complete_assessment(person, contribution="12.50"),
        reason="New financial assessment",
    )
    assert (cheaper.version, cheaper.weekly_person_contribution, cheaper.weekly_council_amount) == (
        2,
        Decimal("12.50"),
        Decimal("237.50"),
    )
    assert (cheaper.weekly_direct_payment, cheaper.weekly_council_managed) == (Decimal("100.00"), Decimal("150.00"))
    capped = personal_budget_from_financial_assessment(
        person=person,
        actor=finance,
        financial_assessment=complete_assessment(person, contribution="300.00"),
        reason="Capital above the upper limit",
    )
    assert capped.weekly_person_contribution == Decimal("250.00") and capped.weekly_council_amount == 0
    assert capped.financial_assessment.weekly_contribution == Decimal("300.00")


def test_from_a_financial_assessment_with_a_new_total_keeps_the_shares(person, finance):
    """Given a new total cost, each way of managing the money keeps its share, to the penny, adding up."""
    split = {"weekly_direct_payment": Decimal("100.00"), "weekly_council_managed": Decimal("200.00")}
    set_budget(person, finance, total="300.00", contribution="0.00", split=split)
    budget = personal_budget_from_financial_assessment(
        person=person,
        actor=finance,
        financial_assessment=complete_assessment(person, contribution="0.00"),
        reason="Plan reviewed",
        weekly_total_cost=Decimal("100.00"),
    )
    assert (budget.weekly_direct_payment, budget.weekly_council_managed) == (Decimal("33.33"), Decimal("66.67"))
    assert budget.weekly_total_cost == Decimal("100.00")


def test_from_a_financial_assessment_needs_a_budget_first(person, finance):
    """There is nothing to update without a current budget: the message says to set one."""
    with pytest.raises(DomainError, match="no personal budget yet"):
        personal_budget_from_financial_assessment(
            person=person,
            actor=finance,
            financial_assessment=complete_assessment(person, contribution="1.00"),
            reason="x",
        )


@given(
    parts=st.lists(st.integers(0, 1_000_000), min_size=3, max_size=3).filter(lambda p: sum(p) > 0),
    new_total=st.integers(0, 10_000_000),
)
def test_split_in_proportion_always_adds_up_to_the_penny(parts, new_total):
    """Scaling a split to a new total: the parts add up exactly and each is within a penny of its exact share."""
    names = ("weekly_direct_payment", "weekly_council_managed", "weekly_individual_service_fund")
    old = {name: Decimal(p) / 100 for name, p in zip(names, parts, strict=True)}
    new = split_in_proportion(old, Decimal(new_total) / 100)
    assert sum(new.values()) == Decimal(new_total) / 100
    for name, p in zip(names, parts, strict=True):
        exact = Decimal(p) * new_total / sum(parts) / 100
        assert abs(new[name] - exact) < Decimal("0.01")


def test_a_new_financial_assessment_updates_the_current_budget(db, social_worker):
    """Completing a financial assessment gives the current personal budget the new contribution (a new version
    whose parts still add up); nothing is typed twice."""
    from selfdirect.money.charging_services import financial_assessment_complete
    from selfdirect.money.models import ChargingYear, PersonalBudget
    from selfdirect.rules.charging import Income
    from tests.factories import PersonFactory

    person = PersonFactory()
    set_budget(person, social_worker, total="250.00", contribution="0.00")
    financial_assessment_complete(
        person=person,
        year=ChargingYear.objects.get(financial_year="2021-22"),
        actor=social_worker,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        dependent_children=0,
        capital=Decimal("18450.00"),
        weekly_income=[Income("state_pension", Decimal("179.60")), Income("attendance_allowance", Decimal("60.00"))],
        weekly_housing_costs=Decimal("0.00"),
        weekly_disability_related_expenditure=Decimal("10.00"),
        weekly_cost_of_care=Decimal("250.00"),
    )
    current = PersonalBudget.objects.get(person=person, is_current=True)
    assert current.version == 2 and current.weekly_person_contribution == Decimal("57.60")
    assert current.weekly_council_amount == Decimal("192.40")
