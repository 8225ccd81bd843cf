"""Direct-payment schedules: the periods a direct payment pays for and how much each payment is. Pure functions,
no Django.

How the council pays (council choices, stated here and in docs/direct-payments.md):

- **Periods.** Weekly (7 days), every four weeks (28 days) or monthly (calendar months from the start day: a
  direct payment starting on 31 January pays for 31 January to 27 February, then 28 February to 30 March, ...:
  each period starts on the same day of the month as the agreement, or the last day of a shorter month).
- **Paid in advance.** Each payment is due on the first day of the period it pays for.
- **Amounts, day by day.** A period's exact amount is the sum over its days of the weekly amount in force that
  day ÷ 7, so a budget change part-way through a period is paid day by day at each rate.
- **Rounding once.** Payments are whole pence. The rounding remainder is carried forward: the n-th payment is
  round(C(n)) − round(C(n − 1)), where C(n) is the exact amount for everything from the start of the schedule to
  the end of period n. So the first n payments add up to exactly C(n) rounded once (half a penny rounds up), and
  each payment is within a penny of its period's exact amount.
- **Budget versions.** A version pays its weekly amount from its effective date until a later-listed version takes
  over. A version listed later overrides the earlier ones from its own effective date onwards, even when that date
  is earlier (a backdated change). Before the first version nothing is payable.
- **Gross or net.** Gross: the council pays the whole direct-payment part of the budget and collects the person's
  contribution separately. Net: the council pays the direct-payment part less the person's contribution, which is
  taken from the direct-payment part first, up to the whole of it (any contribution left over is collected
  against the council-managed or individual service fund parts). That order is this council's choice.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .reviews import add_months

WEEKLY = "weekly"
FOUR_WEEKLY = "four_weekly"
MONTHLY = "monthly"
FREQUENCIES = (WEEKLY, FOUR_WEEKLY, MONTHLY)
PERIOD_DAYS = {WEEKLY: 7, FOUR_WEEKLY: 28}
# How far ahead payments are scheduled: the next 12 weeks, or the next 3 months for monthly payments.
HORIZON_WEEKS = 12
HORIZON_MONTHS = 3
DAY = datetime.timedelta(days=1)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetVersion:
    """A weekly amount payable from a date. `ref` identifies where it came from (for example a budget's id)."""

    effective_from: datetime.date
    weekly: Decimal
    ref: object = field(default=None, compare=False)


@dataclass(frozen=True)
class Period:
    """One payment: the days it pays for (first and last, inclusive), the exact amount for those days, and the
    payment in whole pence after carrying the rounding. `ref` is the version in force on the first day."""

    index: int
    start: datetime.date
    end: datetime.date
    exact: Fraction
    amount: Decimal
    ref: object = field(default=None, compare=False)

    @property
    def due_on(self) -> datetime.date:
        return self.start

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise ValueError(f"Unknown payment frequency: {frequency}")


def period_bounds(start: datetime.date, frequency: str, index: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the `index`-th period (0 is the first) of a schedule starting on `start`."""
    _check_frequency(frequency)
    if index < 0:
        raise ValueError("Periods are counted from 0")
    if frequency == MONTHLY:
        # Counted from the start each time (never month to month), so 31 January gives 28 February then 31 March.
        return add_months(start, index), add_months(start, index + 1) - DAY
    days = PERIOD_DAYS[frequency]
    first = start + datetime.timedelta(days=days * index)
    return first, first + datetime.timedelta(days=days - 1)


def horizon(today: datetime.date, frequency: str) -> datetime.date:
    """The last due date scheduled ahead on `today`: 12 weeks on, or 3 months on for monthly payments."""
    _check_frequency(frequency)
    if frequency == MONTHLY:
        return add_months(today, HORIZON_MONTHS)
    return today + datetime.timedelta(weeks=HORIZON_WEEKS)


def timeline(versions: Iterable[BudgetVersion]) -> list[BudgetVersion]:
    """The versions as a timeline: sorted by date, each in force until the next. A version listed later overrides
    whatever was in force from its own date onwards."""
    segments: list[BudgetVersion] = []
    for version in versions:
        segments = [s for s in segments if s.effective_from < version.effective_from]
        segments.append(version)
    return segments


def _in_force(segments: Sequence[BudgetVersion], day: datetime.date) -> BudgetVersion | None:
    current = None
    for segment in segments:
        if segment.effective_from > day:
            break
        current = segment
    return current


def weekly_on(versions: Iterable[BudgetVersion], day: datetime.date) -> Decimal:
    """The weekly amount in force on `day` (£0 before the first version)."""
    version = _in_force(timeline(versions), day)
    return version.weekly if version is not None else ZERO


def _exact(segments: Sequence[BudgetVersion], first: datetime.date, last: datetime.date) -> Fraction:
    """The exact amount for the days first..last inclusive: each day pays its weekly amount ÷ 7."""
    total = Fraction(0)
    if last < first:
        return total
    for position, segment in enumerate(segments):
        seg_end = segments[position + 1].effective_from - DAY if position + 1 < len(segments) else last
        low, high = max(first, segment.effective_from), min(last, seg_end)
        if high >= low:
            total += Fraction(segment.weekly) * ((high - low).days + 1) / 7
    return total


def exact_between(versions: Iterable[BudgetVersion], first: datetime.date, last: datetime.date) -> Fraction:
    """The exact amount payable for the days first..last inclusive, not rounded."""
    return _exact(timeline(versions), first, last)


def round_pence(value: Fraction) -> Decimal:
    """An exact amount rounded to the penny, half a penny away from zero."""
    pence = Fraction(value) * 100
    sign = -1 if pence < 0 else 1
    whole, remainder = divmod(abs(pence.numerator), pence.denominator)
    if 2 * remainder >= pence.denominator:
        whole += 1
    return (Decimal(sign * whole) / 100).quantize(Decimal("0.01"))


def schedule(
    *,
    start: datetime.date,
    frequency: str,
    versions: Iterable[BudgetVersion],
    until: datetime.date | None = None,
    count: int | None = None,
) -> list[Period]:
    """The payment periods from `start`, with their amounts: every period due on or before `until`, or the first
    `count` periods. A schedule made up to a later date begins with exactly the same periods and amounts."""
    _check_frequency(frequency)
    if (until is None) == (count is None):
        raise ValueError("Give either until or count")
    segments = timeline(versions)
    periods: list[Period] = []
    carried = Fraction(0)
    paid = ZERO
    index = 0
    while True:
        if count is not None and index >= count:
            break
        first, last = period_bounds(start, frequency, index)
        if until is not None and first > until:
            break
        exact = _exact(segments, first, last)
        carried += exact
        rounded = round_pence(carried)
        version = _in_force(segments, first)
        periods.append(Period(index, first, last, exact, rounded - paid, version.ref if version else None))
        paid = rounded
        index += 1
    return periods


def dp_weekly_amount(*, direct_payment: Decimal, contribution: Decimal, net: bool) -> Decimal:
    """The weekly amount the council pays into the direct-payment account. Gross: the whole direct-payment part.
    Net: less the person's contribution, taken from the direct-payment part first and never below £0."""
    direct_payment = Decimal(direct_payment)
    if not net:
        return direct_payment
    taken = min(max(Decimal(contribution), ZERO), direct_payment)
    return direct_payment - taken


def adjustment(*, due_now: Iterable[Decimal], already_paid: Iterable[Decimal]) -> Decimal:
    """What to add (or, negative, take back) so that what was paid equals what the new budget says for the same
    periods."""
    return sum(due_now, ZERO) - sum(already_paid, ZERO)
