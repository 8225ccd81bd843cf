"""The retention date rule: years after support ends or after death (whichever is later), never while support
continues; due on the date itself. Expected dates worked out by hand."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.retention import add_years, is_due, retain_until

d = datetime.date


@pytest.mark.parametrize(
    ("support_ended", "died", "after_support", "after_death", "expected"),
    [
        (None, None, 8, 8, None),  # still supported: never due
        (d(2015, 3, 31), None, 8, 8, d(2023, 3, 31)),
        (d(2015, 3, 31), None, 6, 8, d(2021, 3, 31)),
        (None, d(2016, 7, 1), 8, 8, d(2024, 7, 1)),  # died while supported
        (None, d(2016, 7, 1), 8, 3, d(2019, 7, 1)),
        (d(2015, 1, 1), d(2016, 7, 1), 8, 8, d(2024, 7, 1)),  # death later: its date wins
        (d(2015, 1, 1), d(2016, 7, 1), 8, 1, d(2023, 1, 1)),  # support's date later: it wins
        (d(2016, 2, 29), None, 8, 8, d(2024, 2, 29)),  # leap day to leap year
        (d(2016, 2, 29), None, 7, 8, d(2023, 2, 28)),  # leap day to a year without one
        (d(2020, 6, 15), None, 0, 8, d(2020, 6, 15)),
    ],
)
def test_retention_dates(support_ended, died, after_support, after_death, expected):
    assert (
        retain_until(support_ended=support_ended, died=died, years_after_support=after_support,
                     years_after_death=after_death)
        == expected
    )  # fmt: skip


@pytest.mark.parametrize(
    ("until", "today", "due"),
    [
        (None, d(2099, 1, 1), False),
        (d(2024, 7, 1), d(2024, 6, 30), False),
        (d(2024, 7, 1), d(2024, 7, 1), True),
        (d(2024, 7, 1), d(2030, 1, 1), True),
    ],
)
def test_due_on_the_date_and_after(until, today, due):
    assert is_due(retain_until_date=until, today=today) is due


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        retain_until(support_ended=d(2020, 1, 1), died=None, years_after_support=-1, years_after_death=8)


dates = st.dates(min_value=d(1950, 1, 1), max_value=d(2090, 12, 31))
years = st.integers(min_value=0, max_value=50)


@given(ended=st.one_of(st.none(), dates), died=st.one_of(st.none(), dates), ys=years, yd=years)
def test_the_record_is_never_due_before_either_period_has_run(ended, died, ys, yd):
    until = retain_until(support_ended=ended, died=died, years_after_support=ys, years_after_death=yd)
    if ended is None and died is None:
        assert until is None
        return
    if ended is not None:
        assert until >= add_years(ended, ys) >= ended
    if died is not None:
        assert until >= add_years(died, yd) >= died


@given(day=dates, n=years, extra=st.integers(min_value=1, max_value=20))
def test_longer_periods_never_give_an_earlier_date(day, n, extra):
    assert add_years(day, n + extra) > add_years(day, n)
    assert 365 * n <= (add_years(day, n) - day).days <= 366 * n + 1
