"""A support-planning organisation's monthly capacity: whether a referral can start this month, or when.

Pure rules, no Django. An organisation takes up to `capacity` new referrals a calendar month. Referrals beyond
that wait in a queue in the order they came; the queue fills the following months' places in turn. Nobody in the
queue is ever dropped: every place in the queue has a month.
"""

import datetime


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or, if negative, before) the month `day` is in."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month (0 in the same month)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


def expected_start(
    *, today: datetime.date, capacity: int, accepted_this_month: int, queued_ahead: int
) -> datetime.date | None:
    """The date a referral with `queued_ahead` referrals before it can expect to start: `today` while this
    month has a place for it, otherwise the first day of the month whose places reach it.
    None when the organisation takes no referrals (capacity 0)."""
    if capacity <= 0:
        return None
    free_now = max(0, capacity - max(0, accepted_this_month))
    queued_ahead = max(0, queued_ahead)
    if queued_ahead < free_now:
        return today
    months_ahead = 1 + (queued_ahead - free_now) // capacity
    return add_months(month_start(today), months_ahead)


def queue_starts(
    *, today: datetime.date, capacity: int, accepted_this_month: int, queue_length: int
) -> list[datetime.date | None]:
    """The expected start of every referral in a queue of `queue_length`, first in line first."""
    return [
        expected_start(today=today, capacity=capacity, accepted_this_month=accepted_this_month, queued_ahead=n)
        for n in range(queue_length)
    ]


def places_to_fill(*, capacity: int, accepted_this_month: int, queue_length: int) -> int:
    """How many queued referrals can be taken on now: the month's free places, at most the queue."""
    return max(0, min(queue_length, capacity - max(0, accepted_this_month)))
