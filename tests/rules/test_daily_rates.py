"""Costing day by day at the rate in force each day (rules/daily_rates.py): table tests, including a rate that
changes on a Wednesday, and properties that hold for any schedule (hypothesis)."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.daily_rates import (
    WEEKS_PER_UNIT,
    RatePoint,
    in_force,
    period_days,
    rate_on,
    service_cost,
    span_cost,
    to_penny,
    week_start,
)
from selfdirect.rules.plan_costs import PER_OCCASION, PERIOD_FACTORS, line_weekly_cost

D = Decimal
MONDAY = datetime.date(2026, 3, 30)
WEDNESDAY = datetime.date(2026, 4, 1)  # 1 April 2026 is a Wednesday
SUNDAY = datetime.date(2026, 4, 5)


def day(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


def schedule(*points):
    return [RatePoint(effective_from, D(amount)) for effective_from, amount in points]


RISE_ON_WEDNESDAY = {
    "Hourly": schedule((datetime.date(2025, 4, 1), "20.00"), (WEDNESDAY, "21.00")),
    "Weekly": schedule((datetime.date(2025, 4, 1), "700.00"), (WEDNESDAY, "770.00")),
}


def test_wednesday_is_a_wednesday():
    """The table's rate change falls mid-week: two days before it, five from it."""
    assert WEDNESDAY.weekday() == 2 and week_start(WEDNESDAY) == MONDAY and week_start(SUNDAY) == MONDAY


@pytest.mark.parametrize(
    ("unit_type", "units_per_week", "start", "end", "total"),
    [
        # 7 hours a week is an hour a day: Mon and Tue at £20, Wed to Sun at £21.
        ("Hourly", D("7"), MONDAY, SUNDAY, D("145.00")),
        # A weekly rate is a seventh a day: 2 x £100 + 5 x £110.
        ("Weekly", D("1"), MONDAY, SUNDAY, D("750.00")),
        # Only the days before the change.
        ("Weekly", D("1"), MONDAY, day(1), D("200.00")),
        # Only the days from it.
        ("Hourly", D("7"), WEDNESDAY, SUNDAY, D("105.00")),
        # 10 hours a week for one day before the change: 10/7 x £20 = £28.571... rounds to £28.57.
        ("Hourly", D("10"), MONDAY, MONDAY, D("28.57")),
        # Two weeks straddling it: week one 2 x 20 + 5 x 21, week two 7 x 21.
        ("Hourly", D("7"), MONDAY, day(13), D("292.00")),
    ],
)
def test_a_span_costs_each_day_at_its_own_rate(unit_type, units_per_week, start, end, total):
    """Each day of a span is costed at the rate in force that day, and the whole is rounded once."""
    costing = span_cost(
        RISE_ON_WEDNESDAY[unit_type], unit_type=unit_type, units_per_week=units_per_week, start=start, end=end
    )
    assert costing.total == total


def test_the_pieces_say_which_days_were_at_which_rate():
    """A week over the change is two pieces: Monday-Tuesday at the old rate and Wednesday-Sunday at the new."""
    costing = span_cost(RISE_ON_WEDNESDAY["Weekly"], unit_type="Weekly", units_per_week=D(1), start=MONDAY, end=SUNDAY)
    assert [(p.start, p.end, p.days, p.rate.amount) for p in costing.pieces] == [
        (MONDAY, day(1), 2, D("700.00")),
        (WEDNESDAY, SUNDAY, 5, D("770.00")),
    ]
    assert costing.units == 1
    assert [r.amount for r in costing.rates] == [D("700.00"), D("770.00")]


@pytest.mark.parametrize(
    ("unit_type", "on", "units", "total"),
    [
        ("Hourly", day(1), D("1.5"), D("30.00")),  # Tuesday: the old rate
        ("Hourly", WEDNESDAY, D("1.5"), D("31.50")),  # Wednesday: the new
        ("Hourly", WEDNESDAY, D("0"), D("0.00")),
        ("Weekly", MONDAY, D("1"), D("750.00")),  # a week from Monday: 2 days old, 5 new
        ("Weekly", WEDNESDAY, D("1"), D("770.00")),  # a week from Wednesday: all new
        ("Weekly", MONDAY, D("0.5"), D("365.00")),  # 3.5 days: 2 x 100 + 1.5 x 110
        ("Weekly", day(-7), D("2"), D("1450.00")),  # two weeks: 7 + 2 days old, 5 new
    ],
)
def test_one_service_date_costs_the_units_delivered_that_day(unit_type, on, units, total):
    """Per occasion: the rate that day x the units. A weekly rate billed from a date: each day of the week at the
    rate in force that day."""
    assert service_cost(RISE_ON_WEDNESDAY[unit_type], unit_type=unit_type, on=on, units=units).total == total


@pytest.mark.parametrize(
    ("unit_type", "rate", "units", "expected"),
    [
        ("Per session", "13.64", "2", "27.28"),
        ("Daily", "95.00", "1", "95.00"),
        ("Hourly", "23.92", "1.5", "35.88"),
        ("Fortnightly", "100.00", "1", "100.00"),
        ("4-weekly", "100.00", "1", "100.00"),
        ("Monthly", "100.00", "1", "100.00"),
        ("Quarterly", "400.00", "1", "400.00"),
        ("Annually", "5200.00", "1", "5200.00"),
        ("One-off", "250.00", "1", "250.00"),
        ("No charge to client", "0.00", "3", "0.00"),
    ],
)
def test_with_one_rate_throughout_a_service_date_costs_rate_times_units(unit_type, rate, units, expected):
    """Whatever the unit type, one rate all the way through gives rate x units, to the penny."""
    rates = schedule((datetime.date(2025, 4, 1), rate))
    assert service_cost(rates, unit_type=unit_type, on=MONDAY, units=D(units)).total == D(expected)


def test_the_exact_factors_are_plan_costs_factors():
    """The exact fractions are the DHSC factors plan_costs uses (which hold them as decimals)."""
    assert set(WEEKS_PER_UNIT) == set(PERIOD_FACTORS)
    for unit_type, factor in WEEKS_PER_UNIT.items():
        assert abs(Fraction(PERIOD_FACTORS[unit_type]) - factor) < Fraction(1, 10**20)


def test_period_days_follow_the_dhsc_factors():
    """A week is 7 days, a fortnight 14, four weeks 28, a month 52/12 weeks, a quarter 13 weeks, a year 52."""
    assert [period_days(u) for u in ("Weekly", "Fortnightly", "4-weekly", "Monthly", "Quarterly", "Annually")] == [
        7,
        14,
        28,
        Fraction(364, 12),
        91,
        364,
    ]
    with pytest.raises(ValueError):
        period_days("Hourly")


def test_a_monthly_rate_that_changes_mid_month():
    """A month from 20 March 2026 (30⅓ days) with the rate rising on 1 April: 12 days at the old rate and 18⅓ at
    the new, each day a 364/12th of the monthly rate."""
    rates = schedule((datetime.date(2025, 4, 1), "304.00"), (WEDNESDAY, "364.00"))
    costing = service_cost(rates, unit_type="Monthly", on=datetime.date(2026, 3, 20), units=D(1))
    exact = Fraction(12) * Fraction(304) * 12 / 364 + Fraction(55, 3) * Fraction(364) * 12 / 364
    assert costing.exact == exact
    assert costing.total == to_penny(exact) == D("340.26")
    assert costing.pieces[-1].days == Fraction(55, 3) and costing.pieces[-1].end == datetime.date(2026, 4, 19)


def test_days_before_any_rate_cost_nothing_and_are_counted():
    """Before the first rate starts there is no rate in force: those days cost nothing and the costing says so."""
    rates = schedule((WEDNESDAY, "21.00"))
    costing = span_cost(rates, unit_type="Hourly", units_per_week=D(7), start=MONDAY, end=SUNDAY)
    assert costing.total == D("105.00")
    assert costing.days_without_rate == 2
    assert costing.pieces[0].rate is None
    assert service_cost(rates, unit_type="Hourly", on=MONDAY, units=D(1)).total == D("0.00")


def test_in_force_prefers_the_first_schedule_with_a_rate_that_day():
    """A provider's rate where it has one, the council's standard rate on days it has none."""
    provider = schedule((WEDNESDAY, "25.00"))
    council = schedule((datetime.date(2025, 4, 1), "23.92"), (datetime.date(2026, 4, 3), "24.85"))
    merged = in_force(provider, council)
    assert [(p.effective_from, p.amount) for p in merged] == [
        (datetime.date(2025, 4, 1), D("23.92")),
        (WEDNESDAY, D("25.00")),
    ]
    assert rate_on(merged, day(1)).amount == D("23.92")
    assert rate_on(merged, SUNDAY).amount == D("25.00")
    assert rate_on(merged, datetime.date(2020, 1, 1)) is None


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        (Fraction(1, 200), D("0.01")),
        (Fraction(1, 201), D("0.00")),
        (Fraction(-1, 200), D("-0.01")),
        (Fraction(100, 7), D("14.29")),
        (D("35.875"), D("35.88")),
        (D("35.8749"), D("35.87")),
    ],
)
def test_rounding_is_half_up_to_the_penny(amount, rounded):
    assert to_penny(amount) == rounded


def test_bad_arguments_are_refused():
    rates = RISE_ON_WEDNESDAY["Hourly"]
    with pytest.raises(ValueError):
        span_cost(rates, unit_type="Hourly", units_per_week=D(7), start=SUNDAY, end=MONDAY)
    with pytest.raises(ValueError):
        span_cost(rates, unit_type="Hourly", units_per_week=D(-1), start=MONDAY, end=SUNDAY)
    with pytest.raises(ValueError):
        service_cost(rates, unit_type="Hourly", on=MONDAY, units=D(-1))
    with pytest.raises(ValueError):
        service_cost(rates, unit_type="Per fortnight", on=MONDAY, units=D(1))
    assert span_cost(rates, unit_type="One-off", units_per_week=D(1), start=MONDAY, end=SUNDAY).total == D("0.00")


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

FIRST = datetime.date(2024, 1, 1)
dates = st.integers(min_value=0, max_value=900).map(lambda n: FIRST + datetime.timedelta(days=n))
amounts = st.integers(min_value=0, max_value=200_000).map(lambda pence: Decimal(pence) / 100)
schedules = st.lists(st.builds(RatePoint, dates, amounts), max_size=6, unique_by=lambda p: p.effective_from)
unit_types = st.sampled_from(sorted(PER_OCCASION | set(PERIOD_FACTORS)))
units = st.integers(min_value=0, max_value=10_000).map(lambda hundredths: Decimal(hundredths) / 100)


@given(
    rates=schedules,
    unit_type=unit_types,
    per_week=units,
    start=dates,
    length=st.integers(min_value=1, max_value=400),
    cuts=st.lists(st.integers(min_value=1, max_value=399), max_size=5, unique=True),
)
def test_splitting_a_span_anywhere_changes_the_total_by_at_most_a_penny_a_part(
    rates, unit_type, per_week, start, length, cuts
):
    """However a span is split, the parts' exact costs add up to the whole's exactly, and their rounded totals
    differ from the whole's by at most 1p for each part (each is rounded once)."""
    end = start + datetime.timedelta(days=length - 1)
    whole = span_cost(rates, unit_type=unit_type, units_per_week=per_week, start=start, end=end)
    bounds = [0, *sorted(c for c in cuts if c < length), length]
    parts = [
        span_cost(
            rates,
            unit_type=unit_type,
            units_per_week=per_week,
            start=start + datetime.timedelta(days=a),
            end=start + datetime.timedelta(days=b - 1),
        )
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]
    assert sum((p.exact for p in parts), Fraction(0)) == whole.exact
    assert abs(sum(p.total for p in parts) - whole.total) <= Decimal("0.01") * len(parts)


@given(amount=amounts, unit_type=unit_types, per_week=units, start=dates, weeks=st.integers(min_value=1, max_value=8))
def test_with_one_rate_whole_weeks_cost_the_plan_lines_weekly_cost(amount, unit_type, per_week, start, weeks):
    """One rate throughout: a span of whole weeks costs exactly the weeks x the weekly cost plan_costs works out
    (before rounding), so the day-by-day costing agrees with the support plan."""
    rates = [RatePoint(FIRST, amount)]
    end = start + datetime.timedelta(days=7 * weeks - 1)
    costing = span_cost(rates, unit_type=unit_type, units_per_week=per_week, start=start, end=end)
    assert costing.exact == Fraction(amount) * Fraction(per_week) * weeks
    if weeks == 1 and unit_type in PER_OCCASION:
        assert costing.total == line_weekly_cost(unit_type=unit_type, unit_rate=amount, units=per_week, per_week=D(1))


@given(
    rates=schedules,
    unit_type=st.sampled_from(["Weekly", "Fortnightly", "4-weekly", "Quarterly", "Annually"]),
    on=dates,
    periods=st.integers(min_value=1, max_value=4),
)
def test_periods_billed_from_a_date_cost_the_same_as_that_span(rates, unit_type, on, periods):
    """Billing whole periods from a date costs exactly what the span of those days costs at the period's share of
    a week (the plan's planned units per week): the invoice line and the plan agree day by day."""
    days = int(period_days(unit_type)) * periods
    billed = service_cost(rates, unit_type=unit_type, on=on, units=D(periods))
    span = span_cost(
        rates,
        unit_type=unit_type,
        units_per_week=WEEKS_PER_UNIT[unit_type],
        start=on,
        end=on + datetime.timedelta(days=days - 1),
    )
    assert billed.exact == span.exact


@given(rates=schedules, on=dates)
def test_rate_on_is_the_latest_rate_started_by_that_day(rates, on):
    found = rate_on(rates, on)
    started = [p for p in rates if p.effective_from <= on]
    if not started:
        assert found is None
    else:
        assert found == max(started, key=lambda p: p.effective_from)
