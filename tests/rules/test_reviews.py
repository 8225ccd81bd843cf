"""When reviews are due (rules/reviews.py): tables for month ends and leap years, and properties that hold for any
date."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules import reviews as rules

D = datetime.date
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2400, 12, 31))
months = st.integers(min_value=0, max_value=600)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the end of a short month
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year's February
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),  # 31 August + 6 months
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # ... into a leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # 29 February + a year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # + 4 years: a leap year again
        (D(2024, 2, 29), 6, D(2024, 8, 29)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year end
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2026, 5, 31), -3, D(2026, 2, 28)),  # backwards, clamped too
        (D(2026, 5, 20), 0, D(2026, 5, 20)),
        (D(2099, 2, 28), 12, D(2100, 2, 28)),  # 2100 is not a leap year
        (D(2096, 2, 29), 48, D(2100, 2, 28)),
        (D(1999, 2, 28), 12, D(2000, 2, 28)),
        (D(1996, 2, 29), 48, D(2000, 2, 29)),  # 2000 is
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "earliest", "latest"),
    [
        (D(2026, 1, 5), D(2026, 2, 16), D(2026, 3, 2)),
        (D(2026, 1, 31), D(2026, 3, 14), D(2026, 3, 28)),
        (D(2028, 1, 20), D(2028, 3, 2), D(2028, 3, 16)),  # through a 29 February
        (D(2026, 11, 20), D(2027, 1, 1), D(2027, 1, 15)),  # across the year end
    ],
)
def test_first_review_window_is_six_to_eight_weeks(start, earliest, latest):
    """The first review of a new plan: 6 to 8 weeks after it starts; due by the end of week 8."""
    assert rules.first_review_window(start) == (earliest, latest)
    assert rules.first_review_due(start) == latest


@pytest.mark.parametrize(
    ("last", "high_risk", "expected"),
    [
        (D(2026, 3, 10), False, D(2027, 3, 10)),
        (D(2026, 3, 10), True, D(2026, 9, 10)),  # high-risk: council practice, 6 months
        (D(2024, 2, 29), False, D(2025, 2, 28)),
        (D(2025, 8, 31), True, D(2026, 2, 28)),
        (D(2027, 8, 31), True, D(2028, 2, 29)),
        (D(2026, 10, 31), True, D(2027, 4, 30)),
    ],
)
def test_next_annual_review(last, high_risk, expected):
    assert rules.next_annual_review(last, high_risk=high_risk) == expected


@pytest.mark.parametrize(
    ("first_payment", "first_review", "next_review"),
    [
        (D(2026, 4, 6), D(2026, 10, 6), D(2027, 4, 6)),
        (D(2025, 8, 31), D(2026, 2, 28), D(2026, 8, 31)),  # within 6 months: never after 31 August + 6 months
        (D(2023, 8, 31), D(2024, 2, 29), D(2024, 8, 31)),
        (D(2024, 2, 29), D(2024, 8, 29), D(2025, 2, 28)),
    ],
)
def test_direct_payment_reviews(first_payment, first_review, next_review):
    """Reg 7(1)(a): within the first 6 months of the first payment, then at intervals not exceeding 12 months."""
    assert rules.first_dp_review_due(first_payment) == first_review
    assert rules.next_dp_review_due(first_payment) == next_review


@pytest.mark.parametrize(
    ("due", "today", "overdue", "days", "soon"),
    [
        (D(2026, 3, 1), D(2026, 2, 28), False, 0, True),
        (D(2026, 3, 1), D(2026, 3, 1), False, 0, True),  # due today: on time
        (D(2026, 3, 1), D(2026, 3, 2), True, 1, False),
        (D(2024, 2, 28), D(2024, 3, 1), True, 2, False),  # across 29 February
        (D(2025, 2, 28), D(2025, 3, 1), True, 1, False),
        (D(2026, 3, 1), D(2027, 3, 1), True, 365, False),
        (D(2026, 3, 29), D(2026, 3, 1), False, 0, True),  # 28 days ahead: still "soon"
        (D(2026, 3, 30), D(2026, 3, 1), False, 0, False),
    ],
)
def test_overdue_and_due_soon(due, today, overdue, days, soon):
    assert rules.is_overdue(due, today) is overdue
    assert rules.days_overdue(due, today) == days
    assert rules.is_due_soon(due, today) is soon


@given(dates)
def test_due_dates_are_never_before_the_start(start):
    """Every due date is after the date it counts from, and within the statutory limit."""
    earliest, latest = rules.first_review_window(start)
    assert start < earliest < latest == rules.first_review_due(start)
    assert (latest - start).days == 56
    for due in (
        rules.next_annual_review(start),
        rules.next_annual_review(start, high_risk=True),
        rules.first_dp_review_due(start),
        rules.next_dp_review_due(start),
    ):
        assert due > start
    assert rules.next_annual_review(start, high_risk=True) < rules.next_annual_review(start)
    # Never later than the same day a year on (clamping only ever moves a due date earlier).
    assert (rules.next_annual_review(start) - start).days in (365, 366) or start.day > 28


@given(dates, st.integers(min_value=-600, max_value=600))
def test_add_months_lands_in_the_right_month_on_the_right_day(day, n):
    result = rules.add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    assert result.day == day.day or (day.day > 28 and result.day < day.day)
    assert day.day > 28 or result.day == day.day


@given(dates)
def test_twelve_months_twice_is_twenty_four_months(day):
    """A yearly review after a yearly review falls on the same day as two years on, even from 29 February (two
    years after a leap year is never a leap year, so both clamp to 28 February)."""
    once = rules.next_annual_review(day)
    assert rules.next_annual_review(once) == rules.add_months(day, 24)


@given(dates, months, months)
def test_stepping_in_parts_is_never_later_than_one_step(day, a, b):
    """Adding months in two steps is never later than adding them at once (a clamp to a short month end can only
    lose days), and is the same whenever the day exists in every month (the 28th or before). This is why six months
    then six months is not always twelve: 31 August -> 28 February -> 28 August."""
    stepped = rules.add_months(rules.add_months(day, a), b)
    direct = rules.add_months(day, a + b)
    assert stepped <= direct
    if day.day <= 28:
        assert stepped == direct


def test_six_and_six_is_not_always_twelve():
    assert rules.add_months(rules.add_months(D(2025, 8, 31), 6), 6) == D(2026, 8, 28)
    assert rules.add_months(D(2025, 8, 31), 12) == D(2026, 8, 31)


@given(dates, dates)
def test_days_overdue_is_never_negative_and_matches_is_overdue(due, today):
    days = rules.days_overdue(due, today)
    assert days >= 0
    assert (days > 0) == rules.is_overdue(due, today)


@given(dates, dates, months)
def test_add_months_keeps_order(a, b, n):
    """A later start never gives an earlier due date."""
    if a <= b:
        assert rules.add_months(a, n) <= rules.add_months(b, n)
