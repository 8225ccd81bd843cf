"""What support costs day by day, each day at the rate in force that day. Pure rules, exact arithmetic, no Django.

A rate applies from its effective date until the next one starts, so a rate change in the middle of a week bills
the days before it at the old rate and the days from it at the new one. Money is worked out exactly (as fractions:
a seventh of a weekly rate is rarely a whole number of pennies) and rounded to the penny once, half up, for each
amount asked for: one invoice line, or one span of days.

Two questions are answered:

- **A span of days** (`span_cost`): a service planned at `units_per_week` (the CLD "planned units per week", in the
  rate's own unit: hours for an hourly rate, weeks for a weekly one, a share of a month for a monthly one) costs
  rate x units_per_week / 7 each day. So 7 hours a week at £20.00 an hour is £20.00 a day, and a weekly rate is a
  seventh of it a day.
- **One service date** (`service_cost`), as a provider invoices it: for rates charged per occasion (hourly, per
  session, daily) the rate in force that day x the units delivered that day. For rates for a period (weekly,
  fortnightly, 4-weekly, monthly, quarterly, annually) the units are periods starting on that date, and each day
  of them costs the rate in force that day divided by the days in the period (7, 14, 28, 364/12, 91 and 364: the
  DHSC factors in plan_costs, so a month is 52/12 weeks).

With one rate throughout, both agree with plan_costs: a week of a span costs the line's weekly cost, and a service
date costs rate x units.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .plan_costs import NO_CHARGE, ONE_OFF, PER_OCCASION, PERIOD_FACTORS

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
WEEK = Fraction(7)
# plan_costs.PERIOD_FACTORS as exact fractions (12/52 has no exact decimal): the share of a week one unit is.
WEEKS_PER_UNIT = {
    "Weekly": Fraction(1),
    "Fortnightly": Fraction(1, 2),
    "4-weekly": Fraction(1, 4),
    "Monthly": Fraction(12, 52),
    "Quarterly": Fraction(4, 52),
    "Annually": Fraction(1, 52),
}
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class RatePoint:
    """A price per unit from a date. `source` says where it came from, for explanations (for example
    "rate from 1 April 2026" or "council rate from 1 April 2025")."""

    effective_from: datetime.date
    amount: Decimal
    source: str = ""


@dataclass(frozen=True)
class Piece:
    """Consecutive days at one rate (or with none in force: rate None). `days` may end in part of a day (a monthly
    period is 30⅓ days); `units` is how many of the rate's units those days cost."""

    start: datetime.date
    end: datetime.date  # inclusive
    days: Fraction
    units: Fraction
    rate: RatePoint | None

    @property
    def exact(self) -> Fraction:
        return Fraction(self.rate.amount) * self.units if self.rate is not None else Fraction(0)


@dataclass(frozen=True)
class Costing:
    """An amount worked out day by day: the exact figure, the one rounding of it, and the pieces it is made of."""

    exact: Fraction
    total: Decimal
    pieces: tuple[Piece, ...]

    @property
    def units(self) -> Fraction:
        return sum((p.units for p in self.pieces), Fraction(0))

    @property
    def days_without_rate(self) -> Fraction:
        return sum((p.days for p in self.pieces if p.rate is None), Fraction(0))

    @property
    def rates(self) -> list[RatePoint]:
        """The rates used, in date order, each once."""
        seen: list[RatePoint] = []
        for piece in self.pieces:
            if piece.rate is not None and piece.rate not in seen:
                seen.append(piece.rate)
        return seen


def to_penny(amount: Fraction | Decimal) -> Decimal:
    """Round to the penny, half up (half away from zero, as Decimal's ROUND_HALF_UP)."""
    pennies = Fraction(amount) * 100
    whole = int(abs(pennies) + Fraction(1, 2))
    return (Decimal(whole if pennies >= 0 else -whole) / 100).quantize(PENNY)


def _sorted(schedule: Iterable[RatePoint]) -> list[RatePoint]:
    return sorted(schedule, key=lambda point: point.effective_from)


def rate_on(schedule: Iterable[RatePoint], day: datetime.date) -> RatePoint | None:
    """The rate in force on `day`: the latest one that started by then (None before the first)."""
    found = None
    for point in _sorted(schedule):
        if point.effective_from > day:
            break
        found = point
    return found


def in_force(*schedules: Sequence[RatePoint]) -> list[RatePoint]:
    """One schedule from several, where on each day the first schedule with a rate in force that day wins (for
    example a provider's own rates, then the council's standard rates, then a rate agreed in the plan)."""
    dates = sorted({point.effective_from for schedule in schedules for point in schedule})
    merged: list[RatePoint] = []
    for day in dates:
        chosen = next((rate for schedule in schedules if (rate := rate_on(schedule, day)) is not None), None)
        if chosen is not None and (not merged or merged[-1] != chosen):
            merged.append(chosen)
    return merged


def period_days(unit_type: str) -> Fraction:
    """How many days one unit of a period rate covers: 7 for weekly, 364/12 for monthly (52/12 weeks)."""
    if unit_type not in WEEKS_PER_UNIT:
        raise ValueError(f"{unit_type} is not a rate for a period")
    return WEEK / WEEKS_PER_UNIT[unit_type]


def _pieces(schedule: list[RatePoint], start: datetime.date, days: Fraction, units_a_day: Fraction) -> list[Piece]:
    """Split `days` from `start` where the rate changes; each day costs `units_a_day` of the rate's units."""
    pieces: list[Piece] = []
    remaining, day = days, start
    while remaining > 0:
        rate = rate_on(schedule, day)
        change = next((p.effective_from for p in schedule if p.effective_from > day), None)
        run = remaining if change is None else min(remaining, Fraction((change - day).days))
        whole_days = -(-run.numerator // run.denominator)  # days touched, a part day counting as one
        pieces.append(
            Piece(start=day, end=day + (whole_days - 1) * ONE_DAY, days=run, units=run * units_a_day, rate=rate)
        )
        remaining -= run
        day += whole_days * ONE_DAY
    return pieces


def _costing(pieces: list[Piece]) -> Costing:
    exact = sum((piece.exact for piece in pieces), Fraction(0))
    return Costing(exact=exact, total=to_penny(exact), pieces=tuple(pieces))


def span_cost(
    schedule: Iterable[RatePoint],
    *,
    unit_type: str,
    units_per_week: Decimal | Fraction,
    start: datetime.date,
    end: datetime.date,
) -> Costing:
    """The cost of a service planned at `units_per_week` from `start` to `end` (both included), each day at the
    rate in force that day: rate x units_per_week / 7 a day. One-off and no-charge lines cost nothing a day."""
    if end < start:
        raise ValueError("The span ends before it starts")
    units_per_week = Fraction(units_per_week)
    if units_per_week < 0:
        raise ValueError("Units per week cannot be negative")
    if unit_type in (NO_CHARGE, ONE_OFF):
        return _costing([])
    if unit_type not in PER_OCCASION and unit_type not in PERIOD_FACTORS:
        raise ValueError(f"Unknown unit type: {unit_type}")
    days = Fraction((end - start).days + 1)
    return _costing(_pieces(_sorted(schedule), start, days, units_per_week / WEEK))


def service_cost(
    schedule: Iterable[RatePoint], *, unit_type: str, on: datetime.date, units: Decimal | Fraction
) -> Costing:
    """The cost of `units` delivered on one service date. Per occasion (hourly, per session, daily) and one-off:
    the rate in force that day x units. For a period (weekly and longer): `units` periods from `on`, each day at
    the rate in force that day (a weekly rate is a seventh a day). No charge: nothing."""
    units = Fraction(units)
    if units < 0:
        raise ValueError("Units cannot be negative")
    schedule = _sorted(schedule)
    if unit_type == NO_CHARGE:
        return _costing([])
    if unit_type in PER_OCCASION or unit_type == ONE_OFF:
        if units == 0:
            return _costing([])
        return _costing([Piece(start=on, end=on, days=Fraction(1), units=units, rate=rate_on(schedule, on))])
    if unit_type not in PERIOD_FACTORS:
        raise ValueError(f"Unknown unit type: {unit_type}")
    per_period = period_days(unit_type)
    return _costing(_pieces(schedule, on, units * per_period, 1 / per_period))


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` is in (weeks run Monday to Sunday)."""
    return day - day.weekday() * ONE_DAY
