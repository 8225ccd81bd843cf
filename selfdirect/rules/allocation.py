"""The resource allocation system (RAS): from assessment answers to an indicative weekly budget.

Pure Python, no Django: the indicative budget (money/ras.py), the calibration command, the equity page and
the tests all call `allocate`. Background: shared/reference/care-act-and-cld.md section 6 (In Control RAS:
answers score points; points become money by a price per point or by bands; calibrated on real cases).

How points are scored (each item is one line of the explanation the person sees):

- Every eligibility outcome the person is unable to achieve is one item, worth
      "outcome:<code>"            base points for that outcome (a..j)
    + "limb:<reason>"             for each reason it cannot be achieved (reg 2(3): without assistance,
                                  pain/distress/anxiety, endangers health or safety, takes significantly longer)
    + "frequency:<value>"         an ADD-ON (not a multiplier) for how often help is needed: less_than_weekly,
                                  weekly, daily, several_daily, or "frequency:not_recorded" when nobody said
    + "unpaid_carer"              (negative) when family or another unpaid carer meets the need.
  An add-on was chosen over a multiplier so each part of an item can be read and checked on its own, and so
  the table stays linear (which is what calibration by least squares assumes).
- "supervision:<value>" (some, most, constant) and "night:<value>" (sleeping, waking) are items of their own.
- No item is ever below zero: an unpaid carer reduces the paid support an outcome needs, never the points of
  any other need. (Needs met by a carer still count for eligibility: that is rules/eligibility.py.)

How points become money (`TableSpec.method`):

- "price_per_point": weekly amount = points x price, to the penny (half up).
- "bands": the band's weekly amount, plus (for the open-ended top band) its price per point above its
  lower limit, so the amount keeps rising with need.
Prices are per age band ("18-64", "65+", or "any") and client group (a primary support reason, or "any"); the
most specific match wins: age band and group, then age band and any group, then any age and group, then any.

There is NO upper cap. Points at or above `exceptional_points` set `exceptional`, which asks a manager to
look at the case; the amount is never cut off.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from selfdirect.rules.cld import PRIMARY_SUPPORT_REASONS, age_band
from selfdirect.rules.eligibility import ADULT_OUTCOMES, ADULT_REASONS, Reason

PENNY = Decimal("0.01")
ZERO = Decimal("0")

PRICE_PER_POINT = "price_per_point"
BANDS = "bands"
METHODS = (PRICE_PER_POINT, BANDS)
ANY = "any"
AGE_BANDS = (ANY, "18-64", "65+")

FREQUENCIES = ("less_than_weekly", "weekly", "daily", "several_daily")
NOT_RECORDED = "not_recorded"
SUPERVISION = ("none", "some", "most", "constant")
NIGHT = ("none", "sleeping", "waking")
UNPAID_CARER = "unpaid_carer"

# Short plain-English wording for the explanation lines (condition-neutral: prompting counts as help).
LIMB_TEXT: dict[str, str] = {
    Reason.WITHOUT_ASSISTANCE: "needs help or prompting",
    Reason.PAIN_DISTRESS_ANXIETY: "doing it alone causes significant pain, distress or anxiety",
    Reason.ENDANGERS_HEALTH_SAFETY: "doing it alone puts health or safety at risk",
    Reason.TAKES_SIGNIFICANTLY_LONGER: "doing it alone takes significantly longer",
}
FREQUENCY_TEXT: dict[str, str] = {
    "less_than_weekly": "less than once a week",
    "weekly": "once or a few times a week",
    "daily": "every day",
    "several_daily": "several times a day",
    NOT_RECORDED: "how often was not recorded",
}
SUPERVISION_TEXT: dict[str, str] = {
    "some": "some of the day",
    "most": "most of the day",
    "constant": "all of the time, day and night",
}
NIGHT_TEXT: dict[str, str] = {
    "sleeping": "someone nearby at night, in case",
    "waking": "help during the night, most nights",
}
AGE_TEXT: dict[str, str] = {ANY: "people of any age", "18-64": "people aged 18 to 64", "65+": "people aged 65 and over"}

# Every key a complete table must carry (a missing key would silently score nothing).
REQUIRED_KEYS: tuple[str, ...] = (
    *(f"outcome:{code}" for code in ADULT_OUTCOMES),
    *(f"limb:{reason.value}" for reason in ADULT_REASONS),
    *(f"frequency:{value}" for value in (*FREQUENCIES, NOT_RECORDED)),
    *(f"supervision:{value}" for value in SUPERVISION[1:]),
    *(f"night:{value}" for value in NIGHT[1:]),
    UNPAID_CARER,
)
# Keys a table may also carry ("none" answers score nothing unless a council says otherwise).
OPTIONAL_KEYS: tuple[str, ...] = ("supervision:none", "night:none")
KNOWN_KEYS = frozenset(REQUIRED_KEYS + OPTIONAL_KEYS)


class AllocationError(ValueError):
    """The table cannot price these points (a gap in its price rows). Publishing checks prevent this."""


@dataclass(frozen=True)
class OutcomeNeed:
    """One outcome the person cannot achieve: which (a..j), why (reg 2(3) limbs), how often, carer or not."""

    code: str
    reasons: tuple[str, ...]
    frequency: str = ""
    met_by_unpaid_carer: bool = False


@dataclass(frozen=True)
class Answers:
    outcomes: tuple[OutcomeNeed, ...]
    age: int
    supervision: str = ""
    night_support: str = ""
    primary_support_reason: str = ""


@dataclass(frozen=True)
class PriceSpec:
    age_band: str = ANY
    client_group: str = ANY
    min_points: Decimal = ZERO
    max_points: Decimal | None = None  # exclusive; None: no upper limit
    price_per_point: Decimal | None = None
    weekly_amount: Decimal | None = None

    def covers(self, points: Decimal) -> bool:
        return self.min_points <= points and (self.max_points is None or points < self.max_points)

    def describe(self, method: str) -> str:
        who = f"{AGE_TEXT.get(self.age_band, self.age_band)}, " + (
            "any support reason" if self.client_group == ANY else self.client_group
        )
        if method == PRICE_PER_POINT:
            return f"{money(self.price_per_point)} per point for {who}"
        upper = "or more" if self.max_points is None else f"to under {points_text(self.max_points, unit=False)}"
        band = f"{money(self.weekly_amount)} a week for {points_text(self.min_points, unit=False)} {upper} points"
        if self.price_per_point:
            band += f", plus {money(self.price_per_point)} per point above {points_text(self.min_points)}"
        return f"{band}, for {who}"


@dataclass(frozen=True)
class TableSpec:
    rules: Mapping[str, Decimal]
    prices: tuple[PriceSpec, ...]
    exceptional_points: Decimal
    method: str = PRICE_PER_POINT
    version: int | None = None


@dataclass(frozen=True)
class Item:
    key: str  # "outcome:a", "supervision", "night"
    text: str  # the plain-English line
    points: Decimal


@dataclass(frozen=True)
class Allocation:
    items: tuple[Item, ...]
    points: Decimal
    price: PriceSpec
    price_text: str  # "£18.60 per point for people aged 65 and over, any support reason"
    weekly_amount: Decimal
    exceptional: bool
    age_band: str
    client_group: str
    summary: str = field(default="")

    @property
    def explanation(self) -> list[str]:
        """One line per item, then the total and how it became money: what is stored and shown."""
        return [item.text for item in self.items] + [self.summary]


# --- formatting -----------------------------------------------------------------------------------------


def money(amount: Decimal | None) -> str:
    """ "£1,234.50"; "-£90.50" for a negative amount (a residual)."""
    if amount is None:
        return "£—"
    value = Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    return f"-£{-value:,}" if value < 0 else f"£{value:,}"


def points_text(points: Decimal, *, unit: bool = True) -> str:
    value = points.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    shown = str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value)
    if not unit:
        return shown
    return f"{shown} point" if value == 1 else f"{shown} points"


def _label(code: str) -> str:
    text = ADULT_OUTCOMES.get(code, f"outcome {code}")
    return text[0].upper() + text[1:]


# --- scoring --------------------------------------------------------------------------------------------


def _rule(rules: Mapping[str, Decimal], key: str) -> Decimal:
    return Decimal(rules.get(key, ZERO))


def _outcome_item(need: OutcomeNeed, rules: Mapping[str, Decimal]) -> Item:
    reasons = [r for r in ADULT_REASONS if r.value in need.reasons] + [
        r for r in need.reasons if r not in {x.value for x in ADULT_REASONS}
    ]
    frequency = need.frequency or NOT_RECORDED
    raw = (
        _rule(rules, f"outcome:{need.code}")
        + sum((_rule(rules, f"limb:{r}") for r in reasons), ZERO)
        + _rule(rules, f"frequency:{frequency}")
    )
    raw = max(raw, ZERO)
    why = " and ".join(LIMB_TEXT.get(r, str(r).replace("_", " ")) for r in reasons)
    text = f"{_label(need.code)}: {why}, {FREQUENCY_TEXT.get(frequency, frequency.replace('_', ' '))}"
    points = raw
    if need.met_by_unpaid_carer:
        reduction = min(-_rule(rules, UNPAID_CARER), raw) if _rule(rules, UNPAID_CARER) < 0 else ZERO
        points = raw - reduction
        text += (
            f"; an unpaid carer meets this need, so {points_text(reduction)} fewer "
            "for paid support (the need still counts for eligibility)"
        )
    return Item(key=f"outcome:{need.code}", text=f"{text}: {points_text(points)}", points=points)


def score(answers: Answers, rules: Mapping[str, Decimal]) -> tuple[Item, ...]:
    """The items, in regulation order (a..j), then supervision and night support."""
    order = {code: i for i, code in enumerate(ADULT_OUTCOMES)}
    needs = sorted((n for n in answers.outcomes if n.reasons), key=lambda n: (order.get(n.code, len(order)), n.code))
    items = [_outcome_item(need, rules) for need in needs]
    if answers.supervision in SUPERVISION_TEXT:
        points = max(_rule(rules, f"supervision:{answers.supervision}"), ZERO)
        text = SUPERVISION_TEXT[answers.supervision]
        items.append(
            Item("supervision", f"Someone keeping an eye out to stay safe, {text}: {points_text(points)}", points)
        )
    if answers.night_support in NIGHT_TEXT:
        points = max(_rule(rules, f"night:{answers.night_support}"), ZERO)
        text = NIGHT_TEXT[answers.night_support]
        items.append(Item("night", f"Support at night: {text}: {points_text(points)}", points))
    return tuple(items)


# --- pricing --------------------------------------------------------------------------------------------


def specificity_levels(band: str, group: str) -> list[tuple[str, str]]:
    """(age band, client group) pairs from most to least specific."""
    return [(band, group), (band, ANY), (ANY, group), (ANY, ANY)]


def select_price(table: TableSpec, *, band: str, group: str, points: Decimal) -> PriceSpec:
    for level in specificity_levels(band, group):
        for price in table.prices:
            if (price.age_band, price.client_group) == level and price.covers(points):
                return price
    raise AllocationError(f"No price in this table covers {points_text(points)} for {band}, {group}.")


def price_points(table: TableSpec, price: PriceSpec, points: Decimal) -> Decimal:
    if table.method == PRICE_PER_POINT:
        amount = points * (price.price_per_point or ZERO)
    else:
        amount = (price.weekly_amount or ZERO) + max(points - price.min_points, ZERO) * (price.price_per_point or ZERO)
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def allocate(answers: Answers, table: TableSpec) -> Allocation:
    """Score the answers item by item and turn the points into a weekly amount. No cap; see the module doc."""
    items = score(answers, table.rules)
    total = sum((item.points for item in items), ZERO)
    band = age_band(answers.age)
    group = answers.primary_support_reason or ANY
    price = select_price(table, band=band, group=group, points=total)
    weekly = price_points(table, price, total)
    price_text = price.describe(table.method)
    summary = f"Total {points_text(total)}, at {price_text}: {money(weekly)} a week"
    return Allocation(
        items=items,
        points=total,
        price=price,
        price_text=price_text,
        weekly_amount=weekly,
        exceptional=total >= table.exceptional_points,
        age_band=band,
        client_group=group,
        summary=summary,
    )


# --- checking a table -----------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip().lstrip("£").replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def parse_decimal(value) -> Decimal | None:
    """A number from a file or form ("18.60", "£18.60", "1,200"), or None if it is not one."""
    return _decimal(value)


def key_problem(key: str) -> str | None:
    if key in KNOWN_KEYS:
        return None
    return (
        f"{key!r} is not a rule key: use outcome:a..j, limb:<reason>, frequency:<how often>, "
        "supervision:<level>, night:<level> or unpaid_carer"
    )


def price_problem(price: PriceSpec, method: str) -> str | None:
    """What is wrong with one price row on its own, or None."""
    if price.age_band not in AGE_BANDS:
        return f"Age band {price.age_band!r} must be one of {', '.join(AGE_BANDS)}"
    if price.client_group != ANY and price.client_group not in PRIMARY_SUPPORT_REASONS:
        return f"Client group {price.client_group!r} must be 'any' or a primary support reason"
    if price.min_points < 0:
        return "The lowest points of a price row cannot be negative"
    if price.max_points is not None and price.max_points <= price.min_points:
        return "The highest points must be more than the lowest points"
    if price.price_per_point is not None and price.price_per_point < 0:
        return "A price per point cannot be negative"
    if price.weekly_amount is not None and price.weekly_amount < 0:
        return "A weekly amount cannot be negative"
    if method == PRICE_PER_POINT:
        if not price.price_per_point:
            return "Each price row needs a price per point above zero"
        if price.weekly_amount is not None:
            return "A price-per-point table has no weekly amounts: leave that column empty"
    elif price.weekly_amount is None:
        return "Each band needs a weekly amount"
    return None


def table_problems(table: TableSpec) -> list[str]:
    """Everything that stops a table being published, each as a message an administrator can act on."""
    problems = []
    if table.method not in METHODS:
        problems.append(f"The method must be one of {', '.join(METHODS)}.")
    if table.exceptional_points is None or table.exceptional_points <= 0:
        problems.append("Set the points at which a manager is asked to look (above zero).")
    missing = [key for key in REQUIRED_KEYS if key not in table.rules]
    if missing:
        problems.append(f"Points are missing for: {', '.join(missing)}.")
    for key in table.rules:
        if (problem := key_problem(key)) is not None:
            problems.append(problem + ".")
    if _rule(table.rules, UNPAID_CARER) > 0:
        problems.append("unpaid_carer is a reduction: give it zero or negative points.")
    row_problems = [p for p in (price_problem(price, table.method) for price in table.prices) if p is not None]
    problems += [problem + "." for problem in row_problems]
    if row_problems or table.method not in METHODS:
        return problems  # coverage can only be checked on well-formed rows
    if not any((p.age_band, p.client_group) == (ANY, ANY) for p in table.prices):
        problems.append("Add a price for any age and any support reason, so everyone has a price.")
    levels: dict[tuple[str, str], list[PriceSpec]] = {}
    for price in table.prices:
        levels.setdefault((price.age_band, price.client_group), []).append(price)
    for (band, group), rows in levels.items():
        who = f"{AGE_TEXT[band]}, {'any support reason' if group == ANY else group}"
        rows.sort(key=lambda p: p.min_points)
        expected = ZERO
        for row in rows:
            if row.min_points != expected:
                problems.append(f"Prices for {who} must run on from {points_text(expected)} with no gap or overlap.")
                break
            expected = row.max_points
            if expected is None:
                break
        top = rows[-1]
        if top.max_points is not None or any(r.max_points is None for r in rows[:-1]):
            problems.append(f"Prices for {who} need exactly one row with no upper limit (there is no cap).")
        elif table.method == BANDS and not top.price_per_point:
            problems.append(
                f"The top band for {who} needs a price per point above its lower limit, so amounts keep rising "
                "with need (there is no cap)."
            )
    return problems


def rules_from_pairs(pairs: Iterable[tuple[str, object]]) -> dict[str, Decimal]:
    return {key: Decimal(str(points)) for key, points in pairs}


def answers_for(
    *,
    outcomes: Sequence[tuple[str, Sequence[str], str, bool]],
    age: int,
    supervision: str = "",
    night_support: str = "",
    primary_support_reason: str = "",
) -> Answers:
    """Answers from plain tuples (code, reasons, frequency, met by unpaid carer): a convenience for callers."""
    return Answers(
        outcomes=tuple(OutcomeNeed(c, tuple(r), f or "", bool(m)) for c, r, f, m in outcomes),
        age=age,
        supervision=supervision or "",
        night_support=night_support or "",
        primary_support_reason=primary_support_reason or "",
    )
