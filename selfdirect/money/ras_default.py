"""The default resource allocation table, as data. ILLUSTRATIVE ONLY.

This table is NOT calibrated for any council. It exists so that a new installation shows people an indicative
budget from day one, with numbers of a believable size. Every council must calibrate its own table on its own
real cases (`manage.py ras_calibrate`, then review and publish a new version in the admin) before relying on
it. docs/ras.md explains the method and each number; migration 0003 publishes this table as version 1.

How the numbers were reached (the national picture in shared/reference/care-act-and-cld.md section 5.4):

- Price per point £18.60. Someone unable to achieve three personal-care outcomes (say keeping clean, using the
  toilet, getting dressed) who needs help every day scores 3 x 6 = 18 points. That should buy about 14 hours of
  home care a week (ADASS 2025: the average home care package is 14 h 23 min a week) at £23.92 an hour (Essex
  home support, 2024/25): 14 x £23.92 = £334.88. £334.88 / 18 = £18.604, so £18.60 a point, and
  18 x £18.60 = £334.80 a week. One point is therefore about 47 minutes of home support a week.
- One outcome item = base 1 + 1 per reason it cannot be achieved + a frequency add-on (less than weekly 0,
  weekly 1, every day 4, several times a day 7; not recorded 1, the weekly level). "Needs help, every day" is
  1 + 1 + 4 = 6 points (£111.60, about 40 minutes a day). All ten outcomes score the same base, and all four
  reasons the same add-on: the regulations set no hierarchy among outcomes, and prompting, distress or risk
  count as much as hands-on help (the frontline's charge was that RAS tables favoured physical disability).
- An unpaid carer meeting a need takes off 4 points (the daily add-on: the carer gives the day-to-day help;
  what is left pays for back-up and breaks). An item never goes below zero.
- Supervision: some of the day 9 points (1 hour a day: 7 x £23.92 = £167.44), most of the day 27 (3 hours a
  day: £502.32), all the time 72 (8 more hours a day: £1,339.52), each divided by £18.60 and rounded.
- Night: someone nearby (a sleep-in every night) 43.5 points (7 x 9 h x £12.84 = £808.92); waking help most
  nights 52.5 points (5 x 9 h x £21.72 = £977.40); Essex night rates, divided by £18.60.
- Exceptional at 75 points (£1,395 a week, about 58 hours of home support): a manager is asked to look. It is
  not a cap; the amount keeps rising with the points.

Pure data and one helper that takes the model classes as arguments, so the migration can use its historical
models; no Django imports here.
"""

from decimal import Decimal

NAME = "Illustrative default: calibrate before use"
METHOD = "price_per_point"
PRICE_PER_POINT = Decimal("18.60")
EXCEPTIONAL_POINTS = Decimal("75")
NOTES = (
    "ILLUSTRATIVE. Shipped with selfdirect so indicative budgets work from day one; not calibrated for any "
    "council. Calibrate on your own approved budgets with `manage.py ras_calibrate` and publish your own "
    "version. The arithmetic is in docs/ras.md."
)

_OUTCOMES = {
    "a": "managing and maintaining nutrition",
    "b": "maintaining personal hygiene",
    "c": "managing toilet needs",
    "d": "being appropriately clothed",
    "e": "being able to make use of the home safely",
    "f": "maintaining a habitable home environment",
    "g": "developing and maintaining family or other personal relationships",
    "h": "accessing and engaging in work, training, education or volunteering",
    "i": "making use of necessary facilities or services in the local community",
    "j": "carrying out any caring responsibilities for a child",
}

# (key, points, description)
RULES: list[tuple[str, Decimal, str]] = [
    *((f"outcome:{code}", Decimal("1"), f"Base points: unable to achieve {text}") for code, text in _OUTCOMES.items()),
    ("limb:without_assistance", Decimal("1"), "Reason: needs help or prompting (reg 2(3)(a))"),
    ("limb:pain_distress_anxiety", Decimal("1"), "Reason: significant pain, distress or anxiety (reg 2(3)(b))"),
    ("limb:endangers_health_safety", Decimal("1"), "Reason: endangers health or safety (reg 2(3)(c))"),
    ("limb:takes_significantly_longer", Decimal("1"), "Reason: takes significantly longer (reg 2(3)(d))"),
    ("frequency:less_than_weekly", Decimal("0"), "Add-on: help needed less than once a week"),
    ("frequency:weekly", Decimal("1"), "Add-on: help needed once or a few times a week"),
    ("frequency:daily", Decimal("4"), "Add-on: help needed every day"),
    ("frequency:several_daily", Decimal("7"), "Add-on: help needed several times a day"),
    ("frequency:not_recorded", Decimal("1"), "Add-on when how often was not recorded (the weekly level)"),
    ("supervision:some", Decimal("9"), "Supervision some of the day: about 1 hour a day"),
    ("supervision:most", Decimal("27"), "Supervision most of the day: about 3 hours a day"),
    ("supervision:constant", Decimal("72"), "Supervision all the time: about 8 more hours a day"),
    ("night:sleeping", Decimal("43.5"), "Someone nearby at night: a sleep-in, 7 nights x 9 hours at £12.84"),
    ("night:waking", Decimal("52.5"), "Waking help at night: 5 nights x 9 hours at £21.72"),
    ("unpaid_carer", Decimal("-4"), "Reduction for each outcome an unpaid carer meets (never below zero)"),
]

# One price for everyone: calibration shows whether any group needs its own.
PRICES: list[dict] = [
    {
        "age_band": "any",
        "client_group": "any",
        "min_points": Decimal("0"),
        "max_points": None,
        "price_per_point": PRICE_PER_POINT,
        "weekly_amount": None,
    }
]


def create_default(RasTable, RasRule, RasPrice, *, version: int, published_at):
    """Create the default table with the given (possibly historical) model classes; return it."""
    table = RasTable.objects.create(
        version=version,
        name=NAME,
        method=METHOD,
        exceptional_points=EXCEPTIONAL_POINTS,
        notes=NOTES,
        published_at=published_at,
    )
    RasRule.objects.bulk_create(
        RasRule(table=table, key=key, points=points, description=description) for key, points, description in RULES
    )
    RasPrice.objects.bulk_create(RasPrice(table=table, **price) for price in PRICES)
    return table
