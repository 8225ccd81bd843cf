"""The charging engine (selfdirect/rules/charging.py) against the reference (shared/reference section 2): tariff
income, the minimum income guarantee and personal expenses allowance, disregards, the cap at the cost of care,
refusal of unconfirmed figures; and properties that must hold for any input (hypothesis)."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.rules.charging import (
    DISREGARDED,
    INCOME_TYPES,
    ChargingError,
    ChargingInput,
    Income,
    assess,
    tariff_income,
    to_pence,
)
from selfdirect.rules.charging_figures import FIGURES

D = Decimal


def confirmed(year: str) -> dict:
    """The shipped figures as the database gives them to the engine: None where not confirmed."""
    return {f.key: f.amount if f.confirmed else None for f in FIGURES[year]}


FIGURES_2021 = confirmed("2021-22")
FIGURES_2025 = confirmed("2025-26")
# Every figure set, for properties: the 2021-22 amounts, with test values where the reference has none.
ALL_SET = {
    **FIGURES_2021,
    "premium_enhanced_disability_couple": D("27.90"),
    "premium_carer": D("37.50"),
    "personal_expenses_allowance": D("24.90"),
}


def person(**changes) -> ChargingInput:
    """A single person of 70 at home in 2021-22 with no income, capital or costs except those changed."""
    base = ChargingInput(
        financial_year="2021-22",
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        dependent_children=0,
        capital=D("0.00"),
        weekly_income=(),
        weekly_housing_costs=D("0.00"),
        weekly_disability_related_expenditure=D("0.00"),
        weekly_cost_of_care=D("500.00"),
    )
    return dataclasses.replace(base, **changes)


# --- tariff income -----------------------------------------------------------------------------------------

LIMITS = {"lower": D("14250"), "upper": D("23250"), "step": D("250")}


@pytest.mark.parametrize(
    ("capital", "tariff"),
    [
        ("23250", "36"),  # Care Aware
        ("18450", "17"),  # Care Aware: 16.8 rounded up, "or part thereof"
        ("15750", "6"),  # Cheshire West and Chester
        ("15000", "3"),  # St Helens
        ("14250", "0"),  # at the lower limit
        ("14249.99", "0"),
        ("0", "0"),
        ("14250.01", "1"),  # a penny over is a part of £250
        ("14500", "1"),
        ("14500.01", "2"),
    ],
)
def test_tariff_income_examples_from_the_reference(capital, tariff):
    """£1 a week for every £250, or part of £250, of capital above £14,250 (reg 25 and the worked examples)."""
    assert tariff_income(D(capital), **LIMITS) == D(tariff)


def test_tariff_income_through_the_engine():
    """The engine counts tariff income as weekly income: £18,450 adds £17.00."""
    result = assess(person(capital=D("18450.00")), FIGURES_2021)
    assert result.tariff_income == D("17.00")
    assert any("£17.00 a week of income" in line for line in result.explanation)


@pytest.mark.parametrize("setting", ["community", "care_home"])
def test_capital_above_the_upper_limit_pays_the_full_cost(setting):
    """A penny above £23,250 means the full cost of care, in either setting, whatever the income."""
    result = assess(
        person(setting=setting, capital=D("23250.01"), weekly_cost_of_care=D("312.40")),
        {**FIGURES_2021, "personal_expenses_allowance": D("24.90")},
    )
    assert result.full_cost is True
    assert result.weekly_contribution == D("312.40")
    assert "full cost" in result.explanation[-1]


def test_capital_at_the_upper_limit_is_not_full_cost():
    """Exactly £23,250 is not above the limit: tariff income of £36, not the full cost."""
    result = assess(person(capital=D("23250.00")), FIGURES_2021)
    assert result.full_cost is False
    assert result.tariff_income == D("36.00")


def test_council_may_set_a_higher_capital_limit_for_care_at_home():
    """With a council policy limit of £30,000 for care at home, £25,000 is charged by tariff, not full cost."""
    figures = {**FIGURES_2021, "policy_community_capital_upper_limit": D("30000.00")}
    result = assess(person(capital=D("25000.00")), figures)
    assert result.full_cost is False
    assert result.tariff_income == D("43.00")
    care_home = assess(
        person(setting="care_home", capital=D("25000.00")), {**figures, **{"personal_expenses_allowance": D("24.90")}}
    )
    assert care_home.full_cost is True


# --- minimum income guarantee and personal expenses allowance -------------------------------------------


@pytest.mark.parametrize(
    ("household", "age", "pension_age", "children", "premiums", "mig"),
    [
        ("single", 18, False, 0, {}, "72.40"),
        ("single", 24, False, 0, {}, "72.40"),
        ("single", 25, False, 0, {}, "91.40"),
        ("single", 50, False, 0, {}, "91.40"),
        ("single", 70, True, 0, {}, "189.00"),
        ("lone_parent", 30, False, 0, {}, "91.40"),
        ("lone_parent", 30, False, 1, {}, "175.05"),  # 91.40 + 83.65
        ("couple", 40, False, 0, {}, "71.80"),
        ("couple", 70, True, 0, {}, "144.30"),
        ("single", 30, False, 2, {}, "258.70"),  # 91.40 + 2 x 83.65
        ("single", 30, False, 0, {"disability_premium": True}, "131.75"),  # + 40.35
        ("single", 30, False, 0, {"disability_premium": True, "enhanced_disability_premium": True}, "151.45"),
        ("couple", 40, False, 0, {"disability_premium": True}, "100.55"),  # 71.80 + 28.75
    ],
)
def test_minimum_income_guarantee_2021_22(household, age, pension_age, children, premiums, mig):
    """The MIG from the 2021-22 column of the reference, by household and age, per child and with premiums."""
    data = person(
        household=household, age=age, reached_pension_credit_age=pension_age, dependent_children=children, **premiums
    )
    result = assess(data, FIGURES_2021)
    assert result.minimum_income_guarantee == D(mig)
    assert result.personal_expenses_allowance is None


def test_personal_expenses_allowance_in_a_care_home_2025_26():
    """Care home residents keep the PEA (£30.65 in 2025-26) and have no MIG; the rest of their income is charged."""
    data = person(
        financial_year="2025-26",
        setting="care_home",
        weekly_income=(Income("state_pension", D("230.25")),),
        weekly_cost_of_care=D("900.00"),
    )
    result = assess(data, FIGURES_2025)
    assert result.personal_expenses_allowance == D("30.65")
    assert result.minimum_income_guarantee is None
    assert result.weekly_contribution == D("199.60")


def test_housing_costs_and_dre_are_left_out_at_home():
    """Care at home: income - MIG - housing costs - disability-related expenditure is what can be charged."""
    data = person(
        age=30,
        reached_pension_credit_age=False,
        weekly_income=(Income("universal_credit", D("200.00")),),
        weekly_housing_costs=D("40.00"),
        weekly_disability_related_expenditure=D("12.50"),
    )
    result = assess(data, FIGURES_2021)
    assert result.weekly_contribution == D("56.10")  # 200 - 91.40 - 40 - 12.50


def test_contract_example_pays_57_60():
    """The API contract's example: £239.60 counted + £17 tariff - £189 MIG - £10 DRE = £57.60 a week."""
    data = person(
        capital=D("18450.00"),
        weekly_income=(
            Income("state_pension", D("179.60")),
            Income("attendance_allowance", D("60.00")),
            Income("pip_mobility", D("24.45")),
        ),
        weekly_disability_related_expenditure=D("10.00"),
        weekly_cost_of_care=D("250.00"),
    )
    result = assess(data, FIGURES_2021)
    assert (result.counted_income, result.disregarded_income) == (D("239.60"), D("24.45"))
    assert result.weekly_contribution == D("57.60")
    assert result.explanation[-1] == "Your weekly contribution is £57.60."


# --- disregards --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dla_mobility", "pip_mobility", "earnings"])
def test_mobility_components_and_earnings_are_not_counted(kind):
    """DLA and PIP mobility (Schedule 1 para 8) and earnings (reg 14) are disregarded, and the reason is given."""
    data = person(weekly_income=(Income(kind, D("500.00")),))
    result = assess(data, FIGURES_2021)
    assert result.counted_income == D("0.00")
    assert result.disregarded_income == D("500.00")
    assert result.weekly_contribution == D("0.00")
    assert f"not counted: {DISREGARDED[kind]}" in result.explanation[0]


def test_care_components_are_counted():
    """Attendance Allowance, DLA care and PIP daily living are counted as income."""
    incomes = tuple(Income(k, D("10.00")) for k in ("attendance_allowance", "dla_care", "pip_daily_living"))
    assert assess(person(weekly_income=incomes), FIGURES_2021).counted_income == D("30.00")


# --- never more than the cost of care ----------------------------------------------------------------------


def test_essex_example_pays_the_cost_of_care_not_the_assessed_amount():
    """Essex (Mr C): assessed as able to pay £56.20 a week, care costing £23.92 a week: he pays £23.92."""
    data = person(
        age=40,
        reached_pension_credit_age=False,
        weekly_income=(Income("employment_support_allowance", D("147.60")),),  # 147.60 - 91.40 MIG = 56.20
        weekly_cost_of_care=D("23.92"),
    )
    result = assess(data, FIGURES_2021)
    assert result.weekly_contribution == D("23.92")
    assert "You could afford £56.20 a week, but you never pay more than your care costs: £23.92 a week." in (
        result.explanation
    )


def test_income_below_the_allowances_pays_nothing():
    """If income is less than the MIG plus costs, the contribution is £0.00, never negative."""
    data = person(weekly_income=(Income("state_pension", D("150.00")),))
    assert assess(data, FIGURES_2021).weekly_contribution == D("0.00")


# --- council policy ------------------------------------------------------------------------------------------


def test_standard_dre_allowance_when_none_is_assessed():
    """A null DRE uses the council's standard allowance (e.g. Reading's £10.85), and says so."""
    figures = {**FIGURES_2021, "policy_standard_dre": D("10.85")}
    data = person(weekly_income=(Income("state_pension", D("250.00")),), weekly_disability_related_expenditure=None)
    result = assess(data, figures)
    assert result.disability_related_expenditure == D("10.85")
    assert result.weekly_contribution == D("50.15")  # 250 - 189 - 10.85
    assert any("standard allowance of £10.85" in line for line in result.explanation)


def test_standard_dre_not_set_is_refused_naming_it():
    """A null DRE where the council has set no standard allowance is refused, naming the policy figure."""
    with pytest.raises(ChargingError, match="has not set a standard allowance for disability-related expenditure"):
        assess(person(weekly_disability_related_expenditure=None), FIGURES_2021)


def test_contributions_below_the_council_minimum_are_not_collected():
    """With a £1.25 minimum (Reading), an assessed £1.00 a week becomes £0.00."""
    figures = {**FIGURES_2021, "policy_minimum_contribution": D("1.25")}
    data = person(weekly_income=(Income("state_pension", D("190.00")),))
    result = assess(data, figures)
    assert result.weekly_contribution == D("0.00")
    assert any("below £1.25" in line for line in result.explanation)


# --- refusals ----------------------------------------------------------------------------------------------


def test_unconfirmed_figure_is_refused_naming_it():
    """2025-26 MIG for a single person at pension credit age is UNCONFIRMED: refused, naming figure and year."""
    with pytest.raises(ChargingError) as caught:
        assess(person(financial_year="2025-26"), FIGURES_2025)
    assert "Minimum income guarantee: single, pension credit age" in caught.value.message
    assert "2025-26" in caught.value.message


def test_unconfirmed_personal_expenses_allowance_2021_22_is_refused():
    """The 2021-22 PEA ships unconfirmed, so a care home assessment for 2021-22 is refused until it is confirmed."""
    with pytest.raises(ChargingError, match="Personal expenses allowance"):
        assess(person(setting="care_home"), FIGURES_2021)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"setting": "hospital"}, "setting"),
        ({"household": "family"}, "household"),
        ({"age": 17}, "age"),
        ({"dependent_children": -1}, "dependent_children"),
        ({"capital": D("-1")}, "capital"),
        ({"weekly_cost_of_care": D("-0.01")}, "weekly_cost_of_care"),
        ({"weekly_income": (Income("lottery", D("1")),)}, "weekly_income[0].type"),
        ({"weekly_income": (Income("earnings", D("-1")),)}, "weekly_income[0].amount"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(change, field):
    """Inputs the rules cannot use raise ChargingError naming the field."""
    with pytest.raises(ChargingError) as caught:
        assess(person(**change), FIGURES_2021)
    assert caught.value.field == field


# --- properties ----------------------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
# Capital anywhere, and often near the limits (£14,250 and £23,250), where the rules change.
capital = st.one_of(
    st.decimals(min_value=0, max_value=60000, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=13000, max_value=24500, places=2, allow_nan=False, allow_infinity=False),
)
small = st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False)
incomes = st.lists(st.builds(Income, st.sampled_from(sorted(INCOME_TYPES)), money), max_size=5).map(tuple)


@st.composite
def inputs(draw, setting=None):
    household = draw(st.sampled_from(["single", "lone_parent", "couple"]))
    return ChargingInput(
        financial_year="2021-22",
        setting=setting or draw(st.sampled_from(["community", "care_home"])),
        household=household,
        age=draw(st.integers(18, 110)),
        reached_pension_credit_age=draw(st.booleans()),
        dependent_children=draw(st.integers(0, 4)),
        capital=draw(capital),
        weekly_income=draw(incomes),
        weekly_housing_costs=draw(money),
        weekly_disability_related_expenditure=draw(st.none() | money),
        weekly_cost_of_care=draw(money),
        disability_premium=draw(st.booleans()),
        enhanced_disability_premium=draw(st.booleans()),
        carer_premium=draw(st.booleans()),
    )


policies = st.fixed_dictionaries(
    {
        "policy_standard_dre": st.sampled_from([D("10.85"), D("17.00")]),
        "policy_minimum_contribution": st.sampled_from([D("0.00"), D("1.25")]),
        "policy_community_capital_upper_limit": st.sampled_from([None, D("30000.00")]),
    }
)


@settings(max_examples=300, deadline=None)
@given(data=inputs(), policy=policies)
def test_contribution_is_between_zero_and_the_cost_of_care(data, policy):
    """Whatever the input: 0 <= weekly contribution <= weekly cost of care."""
    result = assess(data, {**ALL_SET, **policy})
    assert D("0") <= result.weekly_contribution <= to_pence(data.weekly_cost_of_care)


@settings(max_examples=300, deadline=None)
@given(data=inputs(setting="community"), policy=policies)
def test_at_home_the_minimum_income_guarantee_is_always_left(data, policy):
    """Care at home, not paying the full cost: what is left after paying covers the MIG, housing and DRE
    (counted income + tariff - contribution >= MIG + housing + DRE), or nothing is paid."""
    result = assess(data, {**ALL_SET, **policy})
    if result.full_cost or result.weekly_contribution == 0:
        return
    left = result.counted_income + result.tariff_income - result.weekly_contribution
    assert left >= result.minimum_income_guarantee + result.housing_costs + result.disability_related_expenditure


@settings(max_examples=300, deadline=None)
@given(data=inputs(), more=small | capital, policy=policies)
def test_more_capital_never_lowers_the_contribution(data, more, policy):
    """Monotonic in capital: adding capital never makes the contribution smaller."""
    figures = {**ALL_SET, **policy}
    richer = dataclasses.replace(data, capital=data.capital + more)
    assert assess(richer, figures).weekly_contribution >= assess(data, figures).weekly_contribution


@settings(max_examples=300, deadline=None)
@given(data=inputs(), extra=st.builds(Income, st.sampled_from(sorted(INCOME_TYPES)), money), policy=policies)
def test_more_income_never_lowers_the_contribution(data, extra, policy):
    """Monotonic in income: another income of any type never makes the contribution smaller."""
    figures = {**ALL_SET, **policy}
    richer = dataclasses.replace(data, weekly_income=(*data.weekly_income, extra))
    assert assess(richer, figures).weekly_contribution >= assess(data, figures).weekly_contribution


@settings(max_examples=300, deadline=None)
@given(data=inputs(), policy=policies)
def test_every_amount_is_to_the_penny(data, policy):
    """Every amount in the result is exact pence: a Decimal with exponent -2 (never a float)."""
    result = assess(data, {**ALL_SET, **policy})
    for name in (
        "tariff_income",
        "counted_income",
        "disregarded_income",
        "minimum_income_guarantee",
        "personal_expenses_allowance",
        "housing_costs",
        "disability_related_expenditure",
        "weekly_contribution",
    ):
        value = getattr(result, name)
        if value is not None:
            assert isinstance(value, Decimal), name
            assert value.as_tuple().exponent == -2, (name, value)
