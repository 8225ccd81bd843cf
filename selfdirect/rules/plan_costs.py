"""What a support plan costs: each line's weekly cost, the plan's total, and its split by how the money is
managed. Pure rules, exact Decimal money, no Django.

A line is "units" of something (hours, sessions, days, weeks ...) at a unit rate, so many times a week. The CLD
cost frequency (unit type) says how a rate turns into a weekly amount: per-session, hourly and daily rates are
multiplied by the planned units per week; weekly, fortnightly, 4-weekly, monthly, quarterly and annual rates are
converted with the DHSC factors (reference section 4.1). Each line is rounded to the penny once; the total and
every part of the split are sums of those rounded lines, so the parts always add up to the total exactly.
Free services (community equipment, reablement: charging reg 3(2), rules/short_term.py) are left out of the total
and the split, like unpaid support: the personal budget excludes costs that cannot be charged for (s26(4)).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

# Rates charged per occasion: the weekly cost is rate x units per occasion x occasions a week.
PER_OCCASION = {"Per session", "Hourly", "Daily"}
# Rates for a period: converted to a week with the DHSC costs-script factors.
PERIOD_FACTORS = {
    "Weekly": Decimal(1),
    "Fortnightly": Decimal(1) / Decimal(2),
    "4-weekly": Decimal(1) / Decimal(4),
    "Monthly": Decimal(12) / Decimal(52),
    "Quarterly": Decimal(4) / Decimal(52),
    "Annually": Decimal(1) / Decimal(52),
}
NO_CHARGE = "No charge to client"
ONE_OFF = "One-off"

# How each part of a plan is paid for. "none" is support nobody pays for (family, friends, community groups).
DIRECT_PAYMENT = "direct_payment"
COUNCIL_MANAGED = "council_managed"
INDIVIDUAL_SERVICE_FUND = "individual_service_fund"
NOT_PAID = "none"
MANAGEMENT_OPTIONS = [DIRECT_PAYMENT, COUNCIL_MANAGED, INDIVIDUAL_SERVICE_FUND]


def planned_units_per_week(*, unit_type: str, units: Decimal, per_week: Decimal) -> Decimal:
    """CLD "Planned units per week": units per occasion x occasions, or for period rates the share of a period."""
    if unit_type in PER_OCCASION:
        return units * per_week
    if unit_type in PERIOD_FACTORS:
        return units * PERIOD_FACTORS[unit_type]
    return ZERO


def line_weekly_cost(*, unit_type: str, unit_rate: Decimal, units: Decimal, per_week: Decimal) -> Decimal:
    """The weekly cost of one plan line, to the penny (half up). One-off and no-charge lines cost nothing a week."""
    if unit_rate < 0 or units < 0 or per_week < 0:
        raise ValueError("Rates, units and frequency cannot be negative")
    if unit_type in (NO_CHARGE, ONE_OFF):
        return ZERO
    if unit_type not in PER_OCCASION and unit_type not in PERIOD_FACTORS:
        raise ValueError(f"Unknown unit type: {unit_type}")
    weekly = unit_rate * planned_units_per_week(unit_type=unit_type, units=units, per_week=per_week)
    return weekly.quantize(PENNY, rounding=ROUND_HALF_UP)


def line_one_off_cost(*, unit_type: str, unit_rate: Decimal, units: Decimal) -> Decimal:
    return (unit_rate * units).quantize(PENNY, rounding=ROUND_HALF_UP) if unit_type == ONE_OFF else ZERO


@dataclass(frozen=True)
class CostedLine:
    weekly_cost: Decimal
    management: str  # one of MANAGEMENT_OPTIONS, or NOT_PAID
    free: bool = False  # a service the council may not charge for (short_term.is_free_component)


@dataclass(frozen=True)
class PlanCost:
    weekly_total: Decimal
    split: dict[str, Decimal]  # management option -> weekly amount; every option present

    @property
    def is_mixed(self) -> bool:
        return sum(1 for amount in self.split.values() if amount) > 1


def plan_cost(lines: Iterable[CostedLine]) -> PlanCost:
    """Total weekly cost and its split by management option. Lines nobody pays for, and free services, are left
    out of both."""
    split = {option: ZERO for option in MANAGEMENT_OPTIONS}
    for line in lines:
        if line.management == NOT_PAID or line.free:
            continue
        if line.management not in split:
            raise ValueError(f"Unknown way of managing the money: {line.management}")
        split[line.management] += line.weekly_cost
    return PlanCost(weekly_total=sum(split.values(), ZERO), split=split)


def approval_route(*, weekly_total: Decimal, indicative_weekly: Decimal | None, manager_limit: Decimal) -> str:
    """Who approves a plan: a team manager when it is within the indicative budget and the council's limit for
    manager decisions; otherwise the funding panel. Without an indicative budget, the panel decides."""
    if indicative_weekly is not None and weekly_total <= indicative_weekly and weekly_total <= manager_limit:
        return "manager"
    return "panel"
