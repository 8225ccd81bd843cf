"""Jointly funded packages: how a package's cost is split between the council and the NHS (or other funders), by
a recorded percentage or a fixed amount. Pure rules, exact Decimal pence, no Django.

Every part is a whole number of pence and the parts always add up to the package's cost exactly: fixed amounts
are taken as they are; percentages are shares of the whole cost, rounded by the largest-remainder method together
with the council's share (the pennies left after rounding down go to the largest fractions; on a tie, to the
council, which pays the rest anyway). Only the council's share is a cost to the council (Care Act s26(1)(a)), so
only it flows to charging, payments and the Client Level Data return.
"""

from dataclasses import dataclass
from decimal import Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
COUNCIL = "council"

PERCENT = "percent"
AMOUNT = "amount"
METHODS = {PERCENT: "A percentage of the cost", AMOUNT: "A fixed amount a week"}


class JointFundingError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Share:
    """Another funder's part: `value` is a percentage (0-100) or an amount in pounds, by `method`."""

    funder: str
    method: str
    value: Decimal


def _pence(amount: Decimal, what: str, field: str) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise JointFundingError(f"Enter {what} as an amount in pounds and pence", field)
    if amount < 0:
        raise JointFundingError(f"{what[0].upper()}{what[1:]} cannot be less than £0", field)
    if amount != amount.quantize(PENNY):
        raise JointFundingError(f"Enter {what} to the nearest penny", field)
    return int(amount * 100)


def split(total: Decimal, shares: list[Share]) -> dict[str, Decimal]:
    """{funder: amount, ..., "council": the rest}, each to the penny, adding up to `total` exactly.

    Refused (JointFundingError) when a percentage is not above 0 and at most 100, an amount is negative or not in
    whole pence, a funder is named twice (or is the council), or the other funders' parts come to more than the
    total."""
    total_pence = _pence(total, "the cost of the package", "total")
    seen = set()
    fixed: dict[str, int] = {}
    exact: dict[str, Decimal] = {}
    for share in shares:
        if share.funder == COUNCIL or share.funder in seen or not share.funder:
            raise JointFundingError("Each other funder can be named once, and not as the council", "funder")
        seen.add(share.funder)
        if share.method == AMOUNT:
            fixed[share.funder] = _pence(share.value, "the amount", "value")
        elif share.method == PERCENT:
            if not isinstance(share.value, Decimal) or not share.value.is_finite() or not 0 < share.value <= HUNDRED:
                raise JointFundingError("The percentage must be more than 0 and no more than 100", "value")
            exact[share.funder] = Decimal(total_pence) * share.value / HUNDRED
        else:
            raise JointFundingError(f"Unknown way of sharing the cost: {share.method!r}", "method")
    council_exact = Decimal(total_pence) - sum(fixed.values()) - sum(exact.values(), Decimal(0))
    if council_exact < 0:
        raise JointFundingError(
            "The other funders' shares come to more than the cost of the package: check the amounts", "value"
        )
    exact[COUNCIL] = council_exact
    floored = {name: int(value) for name, value in exact.items()}  # all >= 0, so int() rounds down
    left = total_pence - sum(fixed.values()) - sum(floored.values())
    order = sorted(exact, key=lambda name: (-(exact[name] - floored[name]), name != COUNCIL))
    for name in order[:left]:
        floored[name] += 1
    parts = {**fixed, **floored}
    ordered = [s.funder for s in shares] + [COUNCIL]
    return {name: (Decimal(parts[name]) / 100).quantize(PENNY) for name in ordered}


def council_share(total: Decimal, shares: list[Share]) -> Decimal:
    """The council's part of a package's cost (all of it when nobody else pays)."""
    return split(total, shares)[COUNCIL]
