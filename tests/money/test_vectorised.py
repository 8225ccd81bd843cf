"""The vectorised (Polars) charging engine gives exactly the per-person engine's pence, row by row."""

import random
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.money import vectorised
from selfdirect.rules.charging import (
    HOUSEHOLDS,
    INCOME_TYPES,
    SETTINGS,
    ChargingError,
    ChargingInput,
    Income,
    assess,
)
from selfdirect.rules.charging_figures import FIGURES, LABELS

LOWER, UPPER = 1_425_000, 2_325_000  # pence
BOUNDARIES = [
    0,
    1,
    LOWER - 1,
    LOWER,
    LOWER + 1,
    LOWER + 24_999,
    LOWER + 25_000,
    LOWER + 25_001,
    UPPER - 1,
    UPPER,
    UPPER + 1,
    3_000_000,
    3_000_001,
]


def shipped(year: str) -> dict:
    return {f.key: (f.amount if f.confirmed else None) for f in FIGURES[year]}


def money(p: int) -> Decimal:
    return Decimal(p) / 100


@st.composite
def figures(draw):
    """A year's figures as shipped, some figures made unconfirmed at random, and random council policies."""
    f = dict(shipped(draw(st.sampled_from(sorted(FIGURES)))))
    for key in sorted(f):
        if not key.startswith("policy_") and f[key] is not None and draw(st.integers(0, 30)) == 0:
            f[key] = None
        elif f[key] is None and not key.startswith("policy_") and draw(st.booleans()):
            f[key] = money(draw(st.integers(1_000, 30_000)))  # an administrator confirmed it
    f["policy_community_capital_upper_limit"] = draw(
        st.sampled_from([None, None, money(UPPER), money(UPPER - 1), money(3_000_000)])
    )
    f["policy_minimum_contribution"] = draw(st.sampled_from([None, Decimal("0.00"), Decimal("1.25"), Decimal("5")]))
    f["policy_standard_dre"] = draw(st.sampled_from([None, Decimal("10.85"), Decimal("17.00")]))
    return f


amounts = st.integers(0, 60_000)


@st.composite
def cases(draw, invalid_sometimes: bool = True):
    broken = invalid_sometimes and draw(st.integers(0, 40)) == 0
    capital = draw(st.one_of(st.sampled_from(BOUNDARIES), st.integers(0, 10_000_000), st.integers(LOWER, UPPER)))
    incomes = draw(st.lists(st.tuples(st.sampled_from(sorted(INCOME_TYPES)), amounts), max_size=5))
    data = dict(
        financial_year="test",
        setting=draw(st.sampled_from(SETTINGS)),
        household=draw(st.sampled_from(HOUSEHOLDS)),
        age=draw(st.one_of(st.integers(18, 110), st.sampled_from([18, 24, 25, 65, 66, 130]))),
        reached_pension_credit_age=draw(st.booleans()),
        dependent_children=draw(st.sampled_from([0, 0, 0, 1, 2, 4])),
        capital=money(capital),
        weekly_income=tuple(Income(kind, money(p)) for kind, p in incomes),
        weekly_housing_costs=money(draw(st.sampled_from([0, 0, draw(amounts)]))),
        weekly_disability_related_expenditure=draw(st.one_of(st.none(), amounts.map(money))),
        weekly_cost_of_care=money(draw(st.one_of(st.integers(0, 200_000), st.sampled_from([0, 1, 100])))),
        disability_premium=draw(st.booleans()),
        enhanced_disability_premium=draw(st.booleans()),
        carer_premium=draw(st.integers(0, 4)) == 0,
    )
    if broken:
        which = draw(st.sampled_from(["age", "capital", "children", "setting", "household", "cost", "income"]))
        if which == "age":
            data["age"] = draw(st.sampled_from([0, 17, 131]))
        elif which == "capital":
            data["capital"] = Decimal("-0.01")
        elif which == "children":
            data["dependent_children"] = -1
        elif which == "setting":
            data["setting"] = "hospital"
        elif which == "household":
            data["household"] = "group"
        elif which == "cost":
            data["weekly_cost_of_care"] = Decimal("-5.00")
        else:
            data["weekly_income"] = (Income("state_pension", Decimal("-1.00")),)
    return ChargingInput(**data)


def expected(data: ChargingInput, figs: dict) -> dict:
    """What the per-person engine says for one case, as the vectorised engine reports it (pence)."""
    try:
        result = assess(data, figs)
    except ChargingError as error:
        return {"error": error}
    out = {}
    for name in vectorised.RESULT_COLUMNS:
        value = getattr(result, name)
        out[name] = value if name == "full_cost" else vectorised.pence(value)
    return out


def check_rows(inputs: list[ChargingInput], figs: dict) -> int:
    """Assert every row matches; returns how many rows had a result (for the tests' own sanity checks)."""
    frame = vectorised.assess_frame(vectorised.frame_from_inputs(inputs), figs)
    assert frame.height == len(inputs)
    assessed = 0
    for i, (data, row) in enumerate(zip(inputs, frame.iter_rows(named=True), strict=True)):
        want = expected(data, figs)
        if "error" in want:
            error = want["error"]
            if error.field:  # the input is not valid
                assert row["invalid"] is not None, (i, data, error.message, row)
                assert row["invalid"].split(":")[0].split(".")[0] in (error.field.split("[")[0], "weekly_income")
            else:  # a figure is not confirmed: the same figure is named
                assert row["blocked_figure"] is not None, (i, data, error.message, row)
                assert f"'{LABELS[row['blocked_figure']]}'" in error.message, (error.message, row["blocked_figure"])
            assert all(row[name] is None for name in vectorised.RESULT_COLUMNS)
        else:
            assert row["invalid"] is None and row["blocked_figure"] is None, (i, data, row)
            assert {name: row[name] for name in vectorised.RESULT_COLUMNS} == want, (i, data)
            used = None if want["full_cost"] else want["disability_related_expenditure"]
            assert row["disability_related_expenditure_used"] == used
            assessed += 1
    return assessed


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(figs=figures(), inputs=st.lists(cases(), min_size=1, max_size=250))
def test_every_row_matches_the_per_person_engine_to_the_penny(figs, inputs):
    """For any figures (some unconfirmed, any council policy) and any mix of settings, households, ages,
    premiums, children, incomes and capital (boundaries included), each row of assess_frame has exactly the
    per-person engine's pence, or is refused for the same reason (invalid input, or the same unconfirmed figure)."""
    check_rows(inputs, figs)


@pytest.mark.parametrize("year", sorted(FIGURES))
def test_twenty_thousand_random_people_match(year):
    """A population of 20,000 random (valid) people on each shipped year, with the unconfirmed figures confirmed
    at made-up amounts, matches the per-person engine row by row, and almost all rows get a result."""
    figs = shipped(year)
    for key, value in figs.items():
        if value is None and not key.startswith("policy_"):
            figs[key] = Decimal("101.37")
    figs["policy_minimum_contribution"] = Decimal("1.25")
    rng = random.Random(year)
    kinds = sorted(INCOME_TYPES)
    inputs = [
        ChargingInput(
            financial_year=year,
            setting=rng.choice(SETTINGS),
            household=rng.choice(HOUSEHOLDS),
            age=rng.randint(18, 100),
            reached_pension_credit_age=rng.random() < 0.5,
            dependent_children=rng.choice([0, 0, 1, 3]),
            capital=money(rng.choice([rng.randint(0, 5_000_000), rng.choice(BOUNDARIES)])),
            weekly_income=tuple(Income(k, money(rng.randint(0, 40_000))) for k in rng.sample(kinds, rng.randint(0, 4))),
            weekly_housing_costs=money(rng.randint(0, 15_000)),
            weekly_disability_related_expenditure=money(rng.randint(0, 5_000)),
            weekly_cost_of_care=money(rng.randint(0, 150_000)),
            disability_premium=rng.random() < 0.3,
            enhanced_disability_premium=rng.random() < 0.2,
            carer_premium=rng.random() < 0.1,
        )
        for _ in range(20_000)
    ]
    assert check_rows(inputs, figs) == 20_000


def one(capital: str, **changes) -> ChargingInput:
    fields = dict(
        financial_year="2021-22",
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        dependent_children=0,
        capital=Decimal(capital),
        weekly_income=(Income("state_pension", Decimal("179.60")), Income("attendance_allowance", Decimal("89.60"))),
        weekly_housing_costs=Decimal("0.00"),
        weekly_disability_related_expenditure=Decimal("10.00"),
        weekly_cost_of_care=Decimal("500.00"),
    )
    return ChargingInput(**(fields | changes))


@pytest.mark.parametrize(
    ("capital", "tariff_pence", "full_cost"),
    [
        ("14250.00", 0, False),
        ("14250.01", 100, False),
        ("14500.00", 100, False),
        ("14500.01", 200, False),
        ("23250.00", 3_600, False),
        ("23250.01", 0, True),
    ],
)
def test_capital_limits_and_tariff_income_at_the_boundaries(capital, tariff_pence, full_cost):
    """£1 a week for every £250 or part of it above £14,250; the full cost above £23,250; same as per person."""
    figs = shipped("2021-22")
    frame = vectorised.assess_frame(vectorised.frame_from_inputs([one(capital)]), figs)
    row = frame.row(0, named=True)
    assert (row["tariff_income"], row["full_cost"]) == (tariff_pence, full_cost)
    check_rows([one(capital)], figs)


def test_council_policy_limit_for_care_at_home_only():
    """A council's higher upper limit for care at home applies to community rows, not to care home rows."""
    figs = shipped("2025-26") | {"policy_community_capital_upper_limit": Decimal("30000.00")}
    rows = [one("25000.00"), one("25000.00", setting="care_home")]
    frame = vectorised.assess_frame(vectorised.frame_from_inputs(rows), figs)
    assert frame["full_cost"].to_list() == [None, True]  # 2025-26 pension-age MIG is unconfirmed: blocked
    assert frame["blocked_figure"].to_list() == ["mig_single_pc_age", None]
    figs["mig_single_pc_age"] = Decimal("230.00")
    frame = vectorised.assess_frame(vectorised.frame_from_inputs(rows), figs)
    assert frame["full_cost"].to_list() == [False, True]
    assert frame["tariff_income"][0] == 4_300  # (25,000 - 14,250) / 250 = 43
    check_rows(rows, figs)


def test_unconfirmed_figures_are_reported_not_computed():
    """Rows that need an unconfirmed figure have no result and name the figure; figures_needed counts every
    unconfirmed figure rows need (not only the first), and ignores full-cost rows, which need none. With no
    standard allowance, a row without an assessed DRE is an input to correct (after the figures, as per person)."""
    figs = shipped("2025-26")
    rows = [
        one("1000.00"),  # single, pension credit age: MIG unconfirmed
        one("1000.00", household="couple", disability_premium=True),  # couple MIG and couple premium
        one("1000.00", reached_pension_credit_age=False, age=30, dependent_children=2, household="lone_parent"),
        one("90000.00"),  # full cost: needs no MIG
        one("1000.00", reached_pension_credit_age=False, age=30, weekly_disability_related_expenditure=None),
        one("1000.00", weekly_disability_related_expenditure=None),  # the unconfirmed MIG is named first
    ]
    frame = vectorised.assess_frame(vectorised.frame_from_inputs(rows), figs)
    assert frame["blocked_figure"].to_list() == [
        "mig_single_pc_age",
        "mig_couple_pc_age",
        "mig_lone_parent",
        None,
        None,
        "mig_single_pc_age",
    ]
    assert frame["invalid"].to_list() == [None, None, None, None, vectorised.NO_STANDARD_DRE, None]
    assert frame["weekly_contribution"].to_list() == [None, None, None, 50_000, None, None]
    needed = vectorised.figures_needed(vectorised.frame_from_inputs(rows), figs)
    assert needed == {
        "mig_single_pc_age": 2,
        "mig_couple_pc_age": 1,
        "mig_lone_parent": 1,
        "mig_per_child": 1,
        "premium_disability_couple": 1,
    }
    check_rows(rows, figs)


def test_inconsistent_capital_figures_refuse_the_whole_frame():
    """A tariff step of £0 or a lower limit above the upper one refuses every row, as the per-person engine does."""
    for changes in ({"tariff_step": Decimal("0.00")}, {"capital_lower_limit": Decimal("30000.00")}):
        figs = shipped("2021-22") | changes
        with pytest.raises(ChargingError, match="inconsistent"):
            assess(one("100.00"), figs)
        with pytest.raises(ChargingError, match="inconsistent"):
            vectorised.assess_frame(vectorised.frame_from_inputs([one("100.00")]), figs)


def test_missing_capital_limits_block_every_row():
    """Without the capital limits nobody can be assessed: every valid row is blocked by the first missing one."""
    figs = shipped("2021-22") | {"capital_upper_limit": None}
    rows = [one("100.00"), one("100000.00"), one("100.00", age=12)]
    frame = vectorised.assess_frame(vectorised.frame_from_inputs(rows), figs)
    assert frame["blocked_figure"].to_list() == ["capital_upper_limit", "capital_upper_limit", None]
    assert frame["invalid"][2] == "age: Age must be between 18 and 130"
    assert vectorised.figures_needed(vectorised.frame_from_inputs(rows), figs) == {"capital_upper_limit": 2}
    check_rows(rows, figs)


def test_fractions_of_a_penny_are_refused_on_the_way_in():
    """Money goes in as whole pence: a fraction of a penny is an error, never silently rounded."""
    assert vectorised.pence(Decimal("179.60")) == 17_960
    assert vectorised.pence("0.01") == 1
    with pytest.raises(ValueError, match="whole pence"):
        vectorised.pence(Decimal("1.005"))
    with pytest.raises(ValueError, match="whole pence"):
        vectorised.frame_from_inputs([one("100.001")])


def test_a_frame_needs_only_the_required_columns():
    """Optional columns (premiums, housing, DRE, each income type) default to none; required ones are checked."""
    frame = pl.DataFrame(
        {
            "setting": ["community"],
            "household": ["single"],
            "age": [40],
            "reached_pension_credit_age": [False],
            "dependent_children": [0],
            "capital": [0],
            "weekly_cost_of_care": [20_000],
            "income_employment_support_allowance": [15_000],
            "weekly_disability_related_expenditure": [0],
        }
    )
    row = vectorised.assess_frame(frame, shipped("2021-22")).row(0, named=True)
    assert row["minimum_income_guarantee"] == 9_140 and row["weekly_contribution"] == 15_000 - 9_140
    with pytest.raises(ValueError, match="capital"):
        vectorised.assess_frame(frame.drop("capital"), shipped("2021-22"))


def test_explanations_use_the_per_person_wording_and_money_format():
    """Each row's explanation names its figures in £ with thousands separators and ends with the contribution."""
    figs = shipped("2021-22") | {"policy_minimum_contribution": Decimal("5.00")}
    rows = [
        one("16000.00"),
        one("1000000.00"),
        one("0.00", weekly_income=(Income("state_pension", Decimal("202.00")),), setting="community"),
    ]
    frame = vectorised.assess_frame(vectorised.frame_from_inputs(rows), figs)
    lines = frame.select(vectorised.explanation_expr(figs, first_line="Test")).to_series().to_list()
    per_person = [assess(r, figs) for r in rows]
    assert lines[0][0] == "Test"
    assert per_person[0].explanation[2] in lines[0]  # the tariff income sentence, word for word
    assert lines[0][-1] == per_person[0].explanation[-1] == "Your weekly contribution is £77.20."
    assert per_person[1].explanation[-1] in lines[1]  # full cost, with £1,000,000.00
    assert "£1,000,000.00" in lines[1][2]
    assert "The council does not collect contributions below £5.00 a week." in lines[2]
    assert lines[2][-1] == per_person[2].explanation[-1]


def test_gbp_formats_pence_like_the_per_person_engine():
    """gbp() writes pence as rules.charging.pounds writes Decimals, for small and very large amounts."""
    from selfdirect.rules.charging import pounds

    values = [0, 5, 99, 100, 123_456, 100_000_000, 99_999_999_999, 123_456_789_012]
    out = pl.DataFrame({"p": values}).select(vectorised.gbp(pl.col("p"))).to_series().to_list()
    assert out == [pounds(money(v)) for v in values]
