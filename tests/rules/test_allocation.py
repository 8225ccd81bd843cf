"""The resource allocation engine (rules/allocation.py): points item by item, price selection, no cap."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from selfdirect.money import ras_default
from selfdirect.rules import allocation
from selfdirect.rules.allocation import Answers, OutcomeNeed, PriceSpec, TableSpec, allocate
from selfdirect.rules.eligibility import ADULT_OUTCOMES, ADULT_REASONS

D = Decimal
LD = "Learning Disability Support"
HELP = ("without_assistance",)


def default_table() -> TableSpec:
    return TableSpec(
        rules={key: points for key, points, _ in ras_default.RULES},
        prices=tuple(PriceSpec(**price) for price in ras_default.PRICES),
        exceptional_points=ras_default.EXCEPTIONAL_POINTS,
        method=ras_default.METHOD,
    )


def answers(*needs, age=70, supervision="", night="", reason="") -> Answers:
    return Answers(
        outcomes=tuple(needs), age=age, supervision=supervision, night_support=night, primary_support_reason=reason
    )


def need(code, reasons=HELP, frequency="daily", carer=False) -> OutcomeNeed:
    return OutcomeNeed(code=code, reasons=tuple(reasons), frequency=frequency, met_by_unpaid_carer=carer)


# --- the default table's arithmetic ---------------------------------------------------------------------


def test_default_table_is_complete_and_publishable():
    """The shipped illustrative table passes the same checks as any table an administrator publishes."""
    assert allocation.table_problems(default_table()) == []


def test_one_outcome_with_help_every_day_is_six_points_in_plain_english():
    """Base 1 + needs help 1 + every day 4 = 6 points, explained in one plain line."""
    result = allocate(answers(need("a")), default_table())
    assert result.points == D("6")
    assert result.explanation[0] == "Managing and maintaining nutrition: needs help or prompting, every day: 6 points"
    assert result.weekly_amount == D("111.60")


def test_three_personal_care_outcomes_daily_is_about_14_hours_of_home_care():
    """Keeping clean, toilet, dressing with daily help: 18 points x £18.60 = £334.80 (14 h x £23.92 = £334.88)."""
    result = allocate(answers(need("b"), need("c"), need("d")), default_table())
    assert result.points == D("18") and result.weekly_amount == D("334.80")
    assert abs(result.weekly_amount - 14 * D("23.92")) < 1
    assert result.price_text == "£18.60 per point for people of any age, any support reason"
    assert result.explanation[-1] == (
        "Total 18 points, at £18.60 per point for people of any age, any support reason: £334.80 a week"
    )
    assert not result.exceptional


@pytest.mark.parametrize(
    ("outcome", "expected_points", "expected_text"),
    [
        (need("e", ("endangers_health_safety",), "weekly"), "3", "puts health or safety at risk, once or a few"),
        (need("g", ("pain_distress_anxiety",), "less_than_weekly"), "2", "distress or anxiety, less than once a week"),
        (need("b", ("without_assistance", "endangers_health_safety"), "several_daily"), "10", "several times a day"),
        (need("i", HELP, ""), "3", "how often was not recorded: 3 points"),
        (need("h", tuple(r.value for r in ADULT_REASONS), "daily"), "9", "takes significantly longer, every day"),
    ],
)
def test_limbs_and_frequency_add_points(outcome, expected_points, expected_text):
    """Each reason adds its points and the frequency adds its add-on; the line names both."""
    result = allocate(answers(outcome), default_table())
    assert result.points == D(expected_points)
    assert expected_text in result.explanation[0]


def test_mental_health_and_physical_needs_score_alike():
    """Distress counts as much as hands-on help, and relationships as much as washing: no physical bias."""
    physical = allocate(answers(need("b", HELP)), default_table())
    mental = allocate(answers(need("g", ("pain_distress_anxiety",))), default_table())
    assert physical.points == mental.points


def test_unpaid_carer_reduces_the_item_and_says_so():
    """A carer meeting a daily need takes off 4 points (6 -> 2) and the line says why; others are untouched."""
    result = allocate(answers(need("a", carer=True), need("b")), default_table())
    assert [item.points for item in result.items] == [D("2"), D("6")]
    assert "an unpaid carer meets this need, so 4 points fewer for paid support" in result.explanation[0]
    assert result.explanation[0].endswith(": 2 points")


def test_unpaid_carer_never_takes_an_item_below_zero():
    """Less than weekly (2 points) met by a carer: the reduction stops at zero and the line says 2 fewer."""
    result = allocate(answers(need("f", HELP, "less_than_weekly", carer=True)), default_table())
    assert result.items[0].points == 0 and result.points == 0 and result.weekly_amount == D("0.00")
    assert "so 2 points fewer" in result.explanation[0] and result.explanation[0].endswith(": 0 points")


def test_supervision_and_night_support_are_items_of_their_own():
    """Supervision most of the day (27) and waking nights (52.5) are scored and explained."""
    result = allocate(answers(need("a"), supervision="most", night="waking"), default_table())
    assert [item.key for item in result.items] == ["outcome:a", "supervision", "night"]
    assert result.points == D("85.5")
    assert "Someone keeping an eye out to stay safe, most of the day: 27 points" in result.explanation
    assert "Support at night: help during the night, most nights: 52.5 points" in result.explanation
    assert result.exceptional  # 85.5 >= 75: a manager should look, and nothing is cut
    assert result.weekly_amount == D("1590.30")


def test_none_answers_and_outcomes_achieved_score_nothing():
    """No supervision, no night help and an outcome with no reason: no items, no money."""
    result = allocate(answers(need("a", reasons=()), supervision="none", night="none"), default_table())
    assert result.items == () and result.points == 0 and result.weekly_amount == D("0.00")


def test_items_come_in_regulation_order():
    """Outcomes are listed a..j whatever order they were given in."""
    result = allocate(answers(need("i"), need("a"), need("d")), default_table())
    assert [item.key for item in result.items] == ["outcome:a", "outcome:d", "outcome:i"]


def test_exceptional_flag_is_at_or_above_the_threshold():
    """Exactly at the threshold counts as exceptional; just below does not."""
    table = TableSpec(
        rules={"outcome:a": D("74.9")}, prices=(PriceSpec(price_per_point=D("1")),), exceptional_points=D(75)
    )
    assert not allocate(answers(need("a", reasons=("x",), frequency="x")), table).exceptional
    table = TableSpec(
        rules={"outcome:a": D("75")}, prices=(PriceSpec(price_per_point=D("1")),), exceptional_points=D(75)
    )
    assert allocate(answers(need("a", reasons=("x",), frequency="x")), table).exceptional


# --- prices ---------------------------------------------------------------------------------------------

SPECIFIC = TableSpec(
    rules={"outcome:a": D("10")},
    prices=(
        PriceSpec("any", "any", price_per_point=D("10.00")),
        PriceSpec("65+", "any", price_per_point=D("11.00")),
        PriceSpec("any", LD, price_per_point=D("12.00")),
        PriceSpec("65+", LD, price_per_point=D("13.00")),
    ),
    exceptional_points=D(100),
)


@pytest.mark.parametrize(
    ("age", "reason", "price", "text"),
    [
        (70, LD, "13.00", "£13.00 per point for people aged 65 and over, Learning Disability Support"),
        (70, "Mental Health Support", "11.00", "£11.00 per point for people aged 65 and over, any support reason"),
        (30, LD, "12.00", "£12.00 per point for people of any age, Learning Disability Support"),
        (30, "", "10.00", "£10.00 per point for people of any age, any support reason"),
    ],
)
def test_most_specific_price_wins(age, reason, price, text):
    """Age band and group, then age band, then group, then any: the price used is named."""
    result = allocate(answers(need("a", ("x",), "x"), age=age, reason=reason), SPECIFIC)
    assert result.price.price_per_point == D(price) and result.price_text == text
    assert result.weekly_amount == D(price) * 10


BANDED = TableSpec(
    rules={"outcome:a": D("1")},
    prices=(
        PriceSpec(min_points=D(0), max_points=D(10), weekly_amount=D("100.00")),
        PriceSpec(min_points=D(10), max_points=D(30), weekly_amount=D("300.00")),
        PriceSpec(min_points=D(30), weekly_amount=D("600.00"), price_per_point=D("20.00")),
    ),
    exceptional_points=D(60),
    method=allocation.BANDS,
)


@pytest.mark.parametrize(
    ("points", "amount"), [("0", "100.00"), ("9.9", "100.00"), ("10", "300.00"), ("30", "600.00"), ("45", "900.00")]
)
def test_bands_give_the_band_amount_and_the_top_band_keeps_rising(points, amount):
    """Bands: the lower limit is in the band, the upper is not; above the top band's start, £20 a point more."""
    table = TableSpec(
        rules={"outcome:a": D(points)}, prices=BANDED.prices, exceptional_points=D(60), method=allocation.BANDS
    )
    result = allocate(answers(need("a", ("x",), "x")), table)
    assert result.weekly_amount == D(amount)


def test_band_text_names_the_band():
    """The price line for a band says its range and the extra per point."""
    table = TableSpec(rules={"outcome:a": D(40)}, prices=BANDED.prices, exceptional_points=D(60), method="bands")
    assert allocate(answers(need("a", ("x",), "x")), table).price_text == (
        "£600.00 a week for 30 or more points, plus £20.00 per point above 30 points, "
        "for people of any age, any support reason"
    )


# --- checking tables ------------------------------------------------------------------------------------


def _with(table: TableSpec, **changes) -> TableSpec:
    return TableSpec(**{**table.__dict__, **changes})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: _with(t, rules={k: v for k, v in t.rules.items() if k != "outcome:g"}), "missing for: outcome:g"),
        (lambda t: _with(t, rules={**t.rules, "outcome:z": D(1)}), "'outcome:z' is not a rule key"),
        (lambda t: _with(t, rules={**t.rules, "unpaid_carer": D(2)}), "unpaid_carer is a reduction"),
        (lambda t: _with(t, exceptional_points=D(0)), "points at which a manager is asked to look"),
        (lambda t: _with(t, prices=(PriceSpec("65+", "any", price_per_point=D(1)),)), "any age and any support"),
        (lambda t: _with(t, prices=(PriceSpec(client_group="Dragons", price_per_point=D(1)),)), "'Dragons'"),
        (lambda t: _with(t, prices=(PriceSpec(max_points=D(50), price_per_point=D(1)),)), "no upper limit"),
        (lambda t: _with(t, prices=(PriceSpec(),)), "price per point above zero"),
        (
            lambda t: _with(t, method="bands", prices=(PriceSpec(weekly_amount=D(100)),)),
            "top band for people of any age, any support reason needs a price per point",
        ),
        (
            lambda t: _with(
                t,
                method="bands",
                prices=(
                    PriceSpec(max_points=D(10), weekly_amount=D(1)),
                    PriceSpec(min_points=D(12), weekly_amount=D(2), price_per_point=D(1)),
                ),
            ),
            "run on from 10 points with no gap",
        ),
    ],
)
def test_table_problems_name_what_to_fix(change, message):
    """Incomplete tables, typos, a positive carer 'reduction', gaps between bands and capped tops are refused."""
    problems = allocation.table_problems(change(default_table()))
    assert any(message in p for p in problems), problems


def test_a_gap_in_prices_raises_rather_than_pricing_at_zero():
    """An unchecked table that cannot price a case says so (publishing prevents this)."""
    table = TableSpec(
        rules={"outcome:a": D(20)},
        prices=(PriceSpec(max_points=D(10), price_per_point=D(1)),),
        exceptional_points=D(50),
    )
    with pytest.raises(allocation.AllocationError, match="No price"):
        allocate(answers(need("a", ("x",), "x")), table)


# --- properties -----------------------------------------------------------------------------------------

CODES = list(ADULT_OUTCOMES)
REASONS = [r.value for r in ADULT_REASONS]
FREQS = ["", *allocation.FREQUENCIES]
points_st = st.decimals(min_value=-50, max_value=200, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw, *, price=None):
    rules = {key: draw(points_st) for key in allocation.REQUIRED_KEYS}
    ppp = price or draw(st.decimals(min_value="0.01", max_value="500", places=2))
    return TableSpec(rules=rules, prices=(PriceSpec(price_per_point=ppp),), exceptional_points=D(75))


needs_st = st.builds(
    OutcomeNeed,
    code=st.sampled_from(CODES),
    reasons=st.lists(st.sampled_from(REASONS), min_size=1, max_size=4, unique=True).map(tuple),
    frequency=st.sampled_from(FREQS),
    met_by_unpaid_carer=st.booleans(),
)
answers_st = st.builds(
    Answers,
    outcomes=st.lists(needs_st, max_size=10, unique_by=lambda n: n.code).map(tuple),
    age=st.integers(min_value=18, max_value=105),
    supervision=st.sampled_from(["", *allocation.SUPERVISION]),
    night_support=st.sampled_from(["", *allocation.NIGHT]),
)


@given(table=tables(), base=answers_st, extra=needs_st)
@settings(max_examples=200)
def test_adding_an_unable_outcome_never_lowers_points(table, base, extra):
    """Whatever the table (even with negative rules), one more outcome the person cannot achieve never lowers
    the points or the money."""
    assume(extra.code not in {n.code for n in base.outcomes})
    before = allocate(base, table)
    after = allocate(Answers(**{**base.__dict__, "outcomes": (*base.outcomes, extra)}), table)
    assert after.points >= before.points and after.weekly_amount >= before.weekly_amount


@given(table=tables(), base=answers_st)
@settings(max_examples=200)
def test_weekly_amount_is_points_times_price_to_the_penny(table, base):
    """Price per point: weekly amount = points x price, rounded half up to the penny, and never negative."""
    result = allocate(base, table)
    expected = (result.points * table.prices[0].price_per_point).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert result.weekly_amount == expected and result.weekly_amount >= 0


@given(table=tables(), base=answers_st)
@settings(max_examples=200)
def test_unpaid_care_never_makes_an_item_negative(table, base):
    """Every item is zero or more, whatever the carer reduction; the total is the sum of the items."""
    result = allocate(base, table)
    assert all(item.points >= 0 for item in result.items)
    assert result.points == sum((item.points for item in result.items), D(0))


@given(points=st.decimals(min_value=1000, max_value=9_999_999, places=1), price=st.decimals("0.01", "100", places=2))
def test_no_cap_huge_needs_give_huge_amounts_and_the_flag(points, price):
    """However many points, the amount is points x price and the case is flagged for a manager, never cut."""
    table = TableSpec(rules={"outcome:a": points}, prices=(PriceSpec(price_per_point=price),), exceptional_points=D(75))
    result = allocate(answers(need("a", ("x",), "x")), table)
    assert result.exceptional
    assert result.weekly_amount == (points * price).quantize(D("0.01"), rounding="ROUND_HALF_UP")


def test_parse_decimal_reads_money_as_people_write_it():
    """'£1,200.50' and ' 18.6 ' are numbers; 'abc', '' and 'NaN' are not."""
    assert allocation.parse_decimal("£1,200.50") == D("1200.50")
    assert allocation.parse_decimal(" 18.6 ") == D("18.6")
    assert [allocation.parse_decimal(v) for v in ("abc", "", None, "NaN")] == [None] * 4
