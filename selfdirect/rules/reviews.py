"""When reviews are due (Care Act 2014 s27; Care and Support (Direct Payments) Regulations 2014 reg 7). Pure
functions, no Django.

- A new or changed plan is reviewed within 6 to 8 weeks of it starting (statutory guidance ch 13, as summarised by
  tri.x): the window opens 6 weeks after the start and the review is due by the end of week 8.
- Then no later than 12 months after that, and at least every 12 months thereafter.
- A direct payment is reviewed at least once within the first 6 months of it being made, and at intervals not
  exceeding 12 months thereafter (DP regulations reg 7(1)(a)).

Months are calendar months: the same day of the month, or the last day of the month when the month is shorter
(31 August + 6 months is 28 February, or 29 February in a leap year). Stepping to the end of a shorter month
always lands the due date earlier, never later, so a review is never due after the statutory limit.
"""

import calendar
import datetime

FIRST_REVIEW_EARLIEST_WEEKS = 6
FIRST_REVIEW_LATEST_WEEKS = 8
ANNUAL_MONTHS = 12
# Council practice, not a statutory figure: the guidance says complex or high-risk plans are reviewed "more often"
# than yearly without naming an interval; six months is this council's choice.
HIGH_RISK_MONTHS = 6
FIRST_DP_REVIEW_MONTHS = 6
DP_REVIEW_MONTHS = 12
# The overdue dashboard looks this far ahead for reviews coming up.
DUE_SOON_DAYS = 28


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` calendar months later (earlier if negative), clamped to the last day of
    a shorter month: 31 January + 1 month = 28 (or 29) February; 29 February 2024 + 12 months = 28 February 2025."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_review_window(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first review of a new or changed plan: from 6 weeks to 8 weeks after the plan starts."""
    return (
        start + datetime.timedelta(weeks=FIRST_REVIEW_EARLIEST_WEEKS),
        start + datetime.timedelta(weeks=FIRST_REVIEW_LATEST_WEEKS),
    )


def first_review_due(start: datetime.date) -> datetime.date:
    """The date the first review is due by: the end of the window, 8 weeks after the plan starts."""
    return first_review_window(start)[1]


def next_annual_review(last_review_or_start: datetime.date, *, high_risk: bool = False) -> datetime.date:
    """The next planned review: 12 months after the last review (or the plan's start, if never reviewed); 6 months
    for a complex or high-risk plan (council practice, see HIGH_RISK_MONTHS)."""
    return add_months(last_review_or_start, HIGH_RISK_MONTHS if high_risk else ANNUAL_MONTHS)


def first_dp_review_due(first_payment: datetime.date) -> datetime.date:
    """The first direct payment review: within 6 months of the first payment (reg 7(1)(a))."""
    return add_months(first_payment, FIRST_DP_REVIEW_MONTHS)


def next_dp_review_due(last: datetime.date) -> datetime.date:
    """Later direct payment reviews: at intervals not exceeding 12 months (reg 7(1)(a))."""
    return add_months(last, DP_REVIEW_MONTHS)


def is_overdue(due: datetime.date, today: datetime.date) -> bool:
    """Overdue from the day after the due date (a review done on its due date is on time)."""
    return today > due


def days_overdue(due: datetime.date, today: datetime.date) -> int:
    """Whole days past the due date; 0 when not overdue."""
    return max(0, (today - due).days)


def is_due_soon(due: datetime.date, today: datetime.date, *, within_days: int = DUE_SOON_DAYS) -> bool:
    """Due today or within the next `within_days` days (not yet overdue)."""
    return today <= due <= today + datetime.timedelta(days=within_days)
