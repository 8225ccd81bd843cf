"""A support-planning organisation's monthly capacity (rules/planning_capacity.py): when a referral can expect to
start, for a table of cases, and properties that hold for any capacity and queue."""

import datetime
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules import planning_capacity as rules

D = datetime.date
TODAY = D(2026, 1, 15)


@pytest.mark.parametrize(
    ("today", "capacity", "accepted", "ahead", "expected"),
    [
        (TODAY, 3, 0, 0, TODAY),  # room this month: starts today
        (TODAY, 3, 2, 0, TODAY),  # the last place this month
        (TODAY, 3, 3, 0, D(2026, 2, 1)),  # full: first of next month
        (TODAY, 3, 3, 2, D(2026, 2, 1)),  # third in the queue still gets next month's last place
        (TODAY, 3, 3, 3, D(2026, 3, 1)),  # fourth waits a month more
        (TODAY, 3, 1, 1, TODAY),  # two places left, one ahead: this month
        (TODAY, 3, 1, 2, D(2026, 2, 1)),  # two places left, two ahead: next month
        (TODAY, 2, 5, 0, D(2026, 2, 1)),  # more taken than the capacity (an old capacity): full
        (D(2026, 12, 10), 2, 2, 2, D(2027, 2, 1)),  # across the end of the year
        (D(2026, 1, 31), 1, 1, 0, D(2026, 2, 1)),
        (TODAY, 1, 0, 11, D(2026, 12, 1)),
        (TODAY, 0, 0, 0, None),  # takes no referrals
        (TODAY, -1, 0, 0, None),
    ],
)
def test_expected_start_table(today, capacity, accepted, ahead, expected):
    assert (
        rules.expected_start(today=today, capacity=capacity, accepted_this_month=accepted, queued_ahead=ahead)
        == expected
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 1)),
        (D(2026, 12, 31), 1, D(2027, 1, 1)),
        (D(2026, 1, 15), -1, D(2025, 12, 1)),
        (D(2026, 3, 1), -6, D(2025, 9, 1)),
        (D(2026, 3, 1), 0, D(2026, 3, 1)),
        (D(2026, 3, 1), 24, D(2028, 3, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_months_between_counts_calendar_months():
    assert rules.months_between(D(2026, 1, 31), D(2026, 2, 1)) == 1
    assert rules.months_between(D(2026, 1, 1), D(2026, 1, 31)) == 0
    assert rules.months_between(D(2025, 11, 20), D(2026, 2, 1)) == 3


@pytest.mark.parametrize(
    ("capacity", "accepted", "queue", "expected"),
    [(3, 0, 5, 3), (3, 1, 5, 2), (3, 3, 5, 0), (3, 4, 5, 0), (3, 0, 1, 1), (0, 0, 4, 0), (5, 0, 0, 0)],
)
def test_places_to_fill(capacity, accepted, queue, expected):
    assert rules.places_to_fill(capacity=capacity, accepted_this_month=accepted, queue_length=queue) == expected


def test_queue_starts_for_a_full_organisation_of_two():
    """Capacity 2, both places taken this month, five waiting: two next month, two the month after, one after."""
    assert rules.queue_starts(today=TODAY, capacity=2, accepted_this_month=2, queue_length=5) == [
        D(2026, 2, 1),
        D(2026, 2, 1),
        D(2026, 3, 1),
        D(2026, 3, 1),
        D(2026, 4, 1),
    ]


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


@given(
    today=days,
    capacity=st.integers(min_value=1, max_value=12),
    accepted=st.integers(min_value=0, max_value=20),
    queue=st.integers(min_value=0, max_value=80),
)
def test_a_queue_is_served_in_order_within_capacity_and_nobody_is_dropped(today, capacity, accepted, queue):
    """A referral's expected start is never earlier than the one queued before it; no month gets more referrals
    than its places (this month: what is left of it); every referral has a start, today or the first of a month;
    and no month is skipped while people wait."""
    starts = rules.queue_starts(today=today, capacity=capacity, accepted_this_month=accepted, queue_length=queue)
    assert len(starts) == queue and None not in starts
    assert starts == sorted(starts)
    per_month = Counter(rules.month_start(s) for s in starts)
    this_month = rules.month_start(today)
    for month, count in per_month.items():
        places = max(0, capacity - accepted) if month == this_month else capacity
        assert count <= places
    for start in starts:
        assert start == today or (start.day == 1 and start > today)
    if starts:
        months = sorted(per_month)
        for earlier in months[:-1]:
            places = max(0, capacity - accepted) if earlier == this_month else capacity
            assert per_month[earlier] == places  # a later month is used only when earlier ones are full


@given(
    today=days,
    capacity=st.integers(min_value=1, max_value=12),
    accepted=st.integers(min_value=0, max_value=20),
    ahead=st.integers(min_value=0, max_value=80),
)
def test_one_more_ahead_never_starts_earlier(today, capacity, accepted, ahead):
    """Joining a longer queue never means starting sooner, and a start is never before today."""
    first = rules.expected_start(today=today, capacity=capacity, accepted_this_month=accepted, queued_ahead=ahead)
    later = rules.expected_start(today=today, capacity=capacity, accepted_this_month=accepted, queued_ahead=ahead + 1)
    assert today <= first <= later


@given(
    start=days,
    capacity=st.integers(min_value=1, max_value=6),
    arrivals=st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=12),
)
def test_month_by_month_taking_on_keeps_the_expected_starts(start, capacity, arrivals):
    """Simulate months: referrals arrive, and each new month the queue fills that month's places in order. Every
    queued referral is taken on in exactly the month its expected start (worked out when it was made) said; no
    month takes more than its capacity; nobody is dropped."""
    month = rules.month_start(start)
    queue: list[int] = []
    promised: dict[int, datetime.date] = {}
    taken_in: dict[int, datetime.date] = {}
    per_month: Counter = Counter()
    made = 0
    for arriving in [*arrivals, *([0] * (sum(arrivals) // capacity + 2))]:
        take = rules.places_to_fill(capacity=capacity, accepted_this_month=per_month[month], queue_length=len(queue))
        for n in queue[:take]:
            taken_in[n] = month
            per_month[month] += 1
        queue = queue[take:]
        for _ in range(arriving):
            expected = rules.expected_start(
                today=month, capacity=capacity, accepted_this_month=per_month[month], queued_ahead=len(queue)
            )
            if expected == month:
                taken_in[made] = month
                per_month[month] += 1
            else:
                promised[made] = expected
                queue.append(made)
            made += 1
        month = rules.add_months(month, 1)
    assert not queue
    assert all(count <= capacity for count in per_month.values())
    assert set(taken_in) == set(range(made))
    for n, expected in promised.items():
        assert taken_in[n] == expected
