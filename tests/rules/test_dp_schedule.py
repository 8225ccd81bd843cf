"""Direct-payment schedules (rules/dp_schedule.py): periods, day-by-day amounts, the carried rounding, budget
versions and net or gross. Table tests for the worked examples, hypothesis for the promises."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.rules import dp_schedule as s
from selfdirect.rules.dp_schedule import BudgetVersion as V

D = datetime.date
MONDAY = D(2026, 4, 6)


def amounts(periods):
    return [p.amount for p in periods]


# --- Periods -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frequency, index, expected",
    [
        (s.WEEKLY, 0, (D(2026, 4, 6), D(2026, 4, 12))),
        (s.WEEKLY, 2, (D(2026, 4, 20), D(2026, 4, 26))),
        (s.FOUR_WEEKLY, 0, (D(2026, 4, 6), D(2026, 5, 3))),
        (s.FOUR_WEEKLY, 1, (D(2026, 5, 4), D(2026, 5, 31))),
        (s.MONTHLY, 0, (D(2026, 4, 6), D(2026, 5, 5))),
        (s.MONTHLY, 11, (D(2027, 3, 6), D(2027, 4, 5))),
    ],
)
def test_period_bounds(frequency, index, expected):
    assert s.period_bounds(MONDAY, frequency, index) == expected


def test_monthly_periods_from_the_31st_clamp_to_shorter_months_and_come_back():
    """31 January: the next periods start 28 February (29 in a leap year) and 31 March, never drifting to the 28th."""
    starts = [s.period_bounds(D(2027, 1, 31), s.MONTHLY, i)[0] for i in range(4)]
    assert starts == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]
    assert s.period_bounds(D(2028, 1, 31), s.MONTHLY, 0) == (D(2028, 1, 31), D(2028, 2, 28))


def test_unknown_frequency_and_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="Unknown payment frequency"):
        s.period_bounds(MONDAY, "fortnightly", 0)
    with pytest.raises(ValueError):
        s.period_bounds(MONDAY, s.WEEKLY, -1)
    with pytest.raises(ValueError, match="either until or count"):
        s.schedule(start=MONDAY, frequency=s.WEEKLY, versions=[])
    with pytest.raises(ValueError, match="either until or count"):
        s.schedule(start=MONDAY, frequency=s.WEEKLY, versions=[], until=MONDAY, count=1)


def test_the_horizon_is_12_weeks_or_3_months():
    assert s.horizon(D(2026, 1, 1), s.WEEKLY) == D(2026, 3, 26)
    assert s.horizon(D(2026, 1, 1), s.FOUR_WEEKLY) == D(2026, 3, 26)
    assert s.horizon(D(2026, 11, 30), s.MONTHLY) == D(2027, 2, 28)


# --- Amounts -------------------------------------------------------------------------------------------------


def test_a_steady_weekly_amount_is_paid_whole():
    """£100 a week: £100 each week, £400 every four weeks."""
    versions = [V(MONDAY, Decimal("100.00"))]
    assert amounts(s.schedule(start=MONDAY, frequency=s.WEEKLY, versions=versions, count=3)) == [Decimal("100.00")] * 3
    four = s.schedule(start=MONDAY, frequency=s.FOUR_WEEKLY, versions=versions, count=2)
    assert amounts(four) == [Decimal("400.00")] * 2


def test_a_change_part_way_through_a_period_is_paid_day_by_day():
    """£70 a week, then £140 a week from the Thursday: 3 days at £10 and 4 days at £20 = £110."""
    versions = [V(MONDAY, Decimal("70.00")), V(MONDAY + datetime.timedelta(days=3), Decimal("140.00"))]
    assert amounts(s.schedule(start=MONDAY, frequency=s.WEEKLY, versions=versions, count=2)) == [
        Decimal("110.00"),
        Decimal("140.00"),
    ]


def test_the_rounding_remainder_is_carried():
    """£100 a week paid monthly: a 30-day month is £428.571..., so payments alternate pennies and the running total
    is always the exact amount rounded once."""
    versions = [V(D(2026, 4, 1), Decimal("100.00"))]
    periods = s.schedule(start=D(2026, 4, 1), frequency=s.MONTHLY, versions=versions, count=3)
    # April (30 days) 428.571..., May (31 days) 442.857..., June (30 days) 428.571...
    assert amounts(periods) == [Decimal("428.57"), Decimal("442.86"), Decimal("428.57")]
    assert sum(amounts(periods)) == s.round_pence(Fraction(100) * 91 / 7) == Decimal("1300.00")


def test_nothing_is_payable_before_the_first_version():
    versions = [V(MONDAY + datetime.timedelta(days=7), Decimal("70.00"))]
    periods = s.schedule(start=MONDAY, frequency=s.WEEKLY, versions=versions, count=2)
    assert amounts(periods) == [Decimal("0.00"), Decimal("70.00")]
    assert periods[0].ref is None


def test_a_later_listed_version_overrides_from_its_own_date_even_when_backdated():
    """Version 3 is backdated before version 2: from its date it replaces version 2 entirely."""
    versions = [
        V(D(2026, 1, 1), Decimal("70.00"), ref=1),
        V(D(2026, 3, 1), Decimal("140.00"), ref=2),
        V(D(2026, 2, 1), Decimal("35.00"), ref=3),
    ]
    assert s.weekly_on(versions, D(2026, 1, 31)) == Decimal("70.00")
    assert s.weekly_on(versions, D(2026, 2, 1)) == Decimal("35.00")
    assert s.weekly_on(versions, D(2026, 6, 1)) == Decimal("35.00")
    assert [v.ref for v in s.timeline(versions)] == [1, 3]
    assert s.weekly_on([], D(2026, 1, 1)) == Decimal("0.00")


@pytest.mark.parametrize(
    "value, expected",
    [
        (Fraction(1, 200), Decimal("0.01")),  # half a penny rounds up
        (Fraction(1, 201), Decimal("0.00")),
        (Fraction(-1, 200), Decimal("-0.01")),  # and away from zero when negative
        (Fraction(100, 7), Decimal("14.29")),
        (Fraction(0), Decimal("0.00")),
    ],
)
def test_round_pence(value, expected):
    assert s.round_pence(value) == expected


# --- Net or gross ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dp, contribution, net, expected",
    [
        ("200.00", "40.00", True, "160.00"),
        ("200.00", "40.00", False, "200.00"),
        ("30.00", "40.00", True, "0.00"),  # the contribution is taken from the DP first, up to all of it
        ("0.00", "40.00", True, "0.00"),
        ("200.00", "0.00", True, "200.00"),
    ],
)
def test_net_takes_the_contribution_from_the_direct_payment_first(dp, contribution, net, expected):
    assert s.dp_weekly_amount(direct_payment=Decimal(dp), contribution=Decimal(contribution), net=net) == Decimal(
        expected
    )


def test_adjustment_is_what_is_now_due_less_what_was_paid():
    assert s.adjustment(due_now=[Decimal("110.00")], already_paid=[Decimal("70.00")]) == Decimal("40.00")
    assert s.adjustment(due_now=[Decimal("50.00")], already_paid=[Decimal("70.00"), Decimal("5.00")]) == Decimal(
        "-25.00"
    )


# --- Properties ------------------------------------------------------------------------------------------------

pence = st.integers(min_value=0, max_value=500_000).map(lambda p: Decimal(p) / 100)
day_offsets = st.integers(min_value=-60, max_value=400)
frequencies = st.sampled_from(s.FREQUENCIES)
starts = st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31))


@st.composite
def version_lists(draw, start):
    n = draw(st.integers(min_value=1, max_value=5))
    return [V(start + datetime.timedelta(days=draw(day_offsets)), draw(pence), ref=i) for i in range(n)]


@st.composite
def schedules(draw):
    start = draw(starts)
    return start, draw(frequencies), draw(version_lists(start)), draw(st.integers(min_value=1, max_value=30))


def _exact_day_by_day(versions, first, last):
    total, day = Fraction(0), first
    while day <= last:
        total += Fraction(s.weekly_on(versions, day)) / 7
        day += datetime.timedelta(days=1)
    return total


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_every_run_from_the_start_pays_the_exact_integral_rounded_once(case):
    """For every n, the first n payments add up to the exact amount for those days (each day's weekly amount ÷ 7,
    summed day by day) rounded once; every payment is within a penny of its own period's exact amount."""
    start, frequency, versions, count = case
    periods = s.schedule(start=start, frequency=frequency, versions=versions, count=count)
    paid = Decimal("0.00")
    for n, period in enumerate(periods, start=1):
        paid += period.amount
        integral = _exact_day_by_day(versions, start, period.end) if n == len(periods) else None
        assert paid == s.round_pence(s.exact_between(versions, start, period.end))
        if integral is not None:
            assert integral == s.exact_between(versions, start, period.end)
        assert abs(Fraction(period.amount) - period.exact) <= Fraction(1, 100)
        assert period.amount == period.amount.quantize(Decimal("0.01"))


@settings(max_examples=100, deadline=None)
@given(schedules())
def test_periods_tile_the_calendar_and_any_run_is_within_a_penny(case):
    """Periods follow each other with no gap or overlap from the start date; the payments for any run of periods
    (not only from the start) are within a penny of that run's exact amount."""
    start, frequency, versions, count = case
    periods = s.schedule(start=start, frequency=frequency, versions=versions, count=count)
    assert periods[0].start == start
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + datetime.timedelta(days=1)
        assert after.due_on == after.start
    for i in range(len(periods)):
        for j in range(i, len(periods)):
            run = periods[i : j + 1]
            exact = sum((p.exact for p in run), Fraction(0))
            assert abs(Fraction(sum(amounts(run), Decimal(0))) - exact) <= Fraction(1, 100)


@settings(max_examples=60, deadline=None)
@given(schedules(), st.integers(min_value=0, max_value=200))
def test_scheduling_further_ahead_never_changes_what_is_already_scheduled(case, more_days):
    """A schedule made up to a later date starts with exactly the same periods and amounts, so extending it is safe."""
    start, frequency, versions, count = case
    short = s.schedule(start=start, frequency=frequency, versions=versions, count=count)
    longer = s.schedule(
        start=start, frequency=frequency, versions=versions, until=short[-1].start + datetime.timedelta(days=more_days)
    )
    assert [(p.start, p.end, p.amount) for p in longer[: len(short)]] == [(p.start, p.end, p.amount) for p in short]


@settings(max_examples=100, deadline=None)
@given(pence, pence, st.booleans())
def test_net_is_never_negative_nor_more_than_the_direct_payment(dp, contribution, net):
    weekly = s.dp_weekly_amount(direct_payment=dp, contribution=contribution, net=net)
    assert Decimal(0) <= weekly <= dp
    assert weekly == (dp - min(contribution, dp) if net else dp)
