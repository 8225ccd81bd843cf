"""What a support plan costs (rules/plan_costs.py): each unit type, the DHSC period factors (reference section
4.1), rounding, the split by how the money is managed; and properties that hold for any plan (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.plan_costs import (
    COUNCIL_MANAGED,
    DIRECT_PAYMENT,
    INDIVIDUAL_SERVICE_FUND,
    MANAGEMENT_OPTIONS,
    NOT_PAID,
    PERIOD_FACTORS,
    CostedLine,
    approval_route,
    line_one_off_cost,
    line_weekly_cost,
    plan_cost,
    planned_units_per_week,
)

D = Decimal


@pytest.mark.parametrize(
    ("unit_type", "factor"),
    [
        ("Weekly", D(1)),
        ("Fortnightly", D(1) / D(2)),
        ("4-weekly", D(1) / D(4)),
        ("Monthly", D(12) / D(52)),
        ("Quarterly", D(4) / D(52)),
        ("Annually", D(1) / D(52)),
    ],
)
def test_period_factors_are_the_reference_ones(unit_type, factor):
    """Weekly 1, fortnightly 1/2, 4-weekly 1/4, monthly 12/52, quarterly 4/52, annually 1/52 (DHSC costs script)."""
    assert PERIOD_FACTORS[unit_type] == factor
    assert planned_units_per_week(unit_type=unit_type, units=D(1), per_week=D(7)) == factor


@pytest.mark.parametrize(
    ("unit_type", "rate", "units", "per_week", "weekly"),
    [
        # Per occasion: rate x units each time x times a week.
        ("Hourly", D("23.92"), D("1"), D("14"), D("334.88")),  # 14 hours of home support (reference 5.4 rate)
        ("Hourly", D("23.92"), D("0.75"), D("7"), D("125.58")),  # 45-minute calls, 125.58 exactly
        ("Hourly", D("12.84"), D("9"), D("2"), D("231.12")),  # two sleeping nights
        ("Per session", D("13.64"), D("1"), D("3"), D("40.92")),  # three day-centre sessions
        ("Daily", D("95.00"), D("1"), D("2"), D("190.00")),
        # Period rates: the period's share of a week, whatever "times a week" says.
        ("Weekly", D("327.88"), D("1"), D("1"), D("327.88")),  # Shared Lives
        ("Weekly", D("327.88"), D("1"), D("5"), D("327.88")),
        ("Fortnightly", D("100.00"), D("1"), D("1"), D("50.00")),
        ("4-weekly", D("100.00"), D("1"), D("1"), D("25.00")),
        ("Monthly", D("52.00"), D("1"), D("1"), D("12.00")),
        ("Monthly", D("100.00"), D("1"), D("1"), D("23.08")),  # 23.0769... half up
        ("Quarterly", D("130.00"), D("1"), D("1"), D("10.00")),
        ("Annually", D("520.00"), D("1"), D("1"), D("10.00")),
        ("Annually", D("100.00"), D("1"), D("1"), D("1.92")),
        # No charge and one-off: nothing a week.
        ("No charge to client", D("50.00"), D("1"), D("3"), D("0.00")),
        ("One-off", D("300.00"), D("1"), D("1"), D("0.00")),
    ],
)
def test_line_weekly_cost_for_each_unit_type(unit_type, rate, units, per_week, weekly):
    assert line_weekly_cost(unit_type=unit_type, unit_rate=rate, units=units, per_week=per_week) == weekly


def test_rounding_is_half_up_to_the_penny_once():
    """0.125 rounds up to 0.13 (not banker's rounding to 0.12)."""
    assert line_weekly_cost(unit_type="Hourly", unit_rate=D("0.25"), units=D("0.5"), per_week=D("1")) == D("0.13")


def test_planned_units_per_week():
    """CLD "Planned units per week": units x times for per-occasion rates; period share otherwise; 0 for none."""
    assert planned_units_per_week(unit_type="Hourly", units=D("1.5"), per_week=D("7")) == D("10.5")
    assert planned_units_per_week(unit_type="Per session", units=D("1"), per_week=D("3")) == D("3")
    assert planned_units_per_week(unit_type="Fortnightly", units=D("2"), per_week=D("1")) == D("1")
    assert planned_units_per_week(unit_type="One-off", units=D("1"), per_week=D("1")) == D("0")


def test_one_off_cost():
    assert line_one_off_cost(unit_type="One-off", unit_rate=D("299.99"), units=D("1")) == D("299.99")
    assert line_one_off_cost(unit_type="Weekly", unit_rate=D("299.99"), units=D("1")) == D("0.00")


@pytest.mark.parametrize("field", ["unit_rate", "units", "per_week"])
def test_negative_values_are_refused(field):
    values = {"unit_rate": D("10"), "units": D("1"), "per_week": D("1"), field: D("-1")}
    with pytest.raises(ValueError, match="negative"):
        line_weekly_cost(unit_type="Hourly", **values)


def test_unknown_unit_type_is_refused():
    with pytest.raises(ValueError, match="Unknown unit type"):
        line_weekly_cost(unit_type="Per fortnight", unit_rate=D("1"), units=D("1"), per_week=D("1"))


def test_plan_cost_splits_by_management_and_leaves_out_unpaid_support():
    lines = [
        CostedLine(D("334.88"), DIRECT_PAYMENT),
        CostedLine(D("40.92"), COUNCIL_MANAGED),
        CostedLine(D("100.00"), COUNCIL_MANAGED),
        CostedLine(D("999.99"), NOT_PAID),
    ]
    cost = plan_cost(lines)
    assert cost.weekly_total == D("475.80")
    assert cost.split == {DIRECT_PAYMENT: D("334.88"), COUNCIL_MANAGED: D("140.92"), INDIVIDUAL_SERVICE_FUND: D("0.00")}
    assert cost.is_mixed
    assert not plan_cost([CostedLine(D("10"), INDIVIDUAL_SERVICE_FUND)]).is_mixed


def test_plan_cost_of_nothing():
    cost = plan_cost([])
    assert cost.weekly_total == D("0.00") and set(cost.split) == set(MANAGEMENT_OPTIONS)


def test_unknown_management_is_refused():
    with pytest.raises(ValueError, match="Unknown way"):
        plan_cost([CostedLine(D("1"), "cash")])


@pytest.mark.parametrize(
    ("total", "indicative", "route"),
    [
        (D("400"), D("450"), "manager"),
        (D("450"), D("450"), "manager"),
        (D("450.01"), D("450"), "panel"),  # above the indicative budget
        (D("501"), D("600"), "panel"),  # above the manager's limit
        (D("100"), None, "panel"),  # no indicative budget
    ],
)
def test_approval_route(total, indicative, route):
    assert approval_route(weekly_total=total, indicative_weekly=indicative, manager_limit=D("500")) == route


money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
quantity = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
unit_types = st.sampled_from(["Hourly", "Per session", "Daily", *PERIOD_FACTORS, "No charge to client", "One-off"])
managements = st.sampled_from([*MANAGEMENT_OPTIONS, NOT_PAID])
plan_lines = st.lists(st.tuples(unit_types, money, quantity, quantity, managements), max_size=20)


@given(unit_type=unit_types, rate=money, units=quantity, per_week=quantity)
def test_a_line_never_costs_less_than_nothing(unit_type, rate, units, per_week):
    """For any rate, units and frequency: a whole number of pence, never negative."""
    weekly = line_weekly_cost(unit_type=unit_type, unit_rate=rate, units=units, per_week=per_week)
    assert weekly >= 0
    assert weekly == weekly.quantize(D("0.01"))


@given(lines=plan_lines)
def test_total_is_the_sum_of_the_lines_and_the_parts_add_up_exactly(lines):
    """The total is exactly the sum of the costed (paid-for) lines, and the split adds up to the total exactly."""
    costed = [CostedLine(line_weekly_cost(unit_type=u, unit_rate=r, units=n, per_week=w), m) for u, r, n, w, m in lines]
    cost = plan_cost(costed)
    assert cost.weekly_total == sum((c.weekly_cost for c in costed if c.management != NOT_PAID), D("0.00"))
    assert sum(cost.split.values(), D("0.00")) == cost.weekly_total
    for option in MANAGEMENT_OPTIONS:
        assert cost.split[option] == sum((c.weekly_cost for c in costed if c.management == option), D("0.00"))
