"""The charging engine for many people at once (Polars): exactly what `selfdirect.rules.charging.assess`
works out for one person, for a whole population, in integer pence.

Used by the yearly uprating (money/uprating.py) and the bulk seeding; benchmarked against the per-person engine
and an equivalent DuckDB query in bench/bench_charging.py. The per-person engine stays the statement of the
rules: tests/money/test_vectorised.py checks, on thousands of random cases, that every row here comes out to
the same penny as `assess` (or is refused for the same reason).

Input: one row per person, money as whole pence (Int64), with these columns:

    setting                 "community" | "care_home"
    household               "single" | "lone_parent" | "couple"
    age, dependent_children                              integers
    reached_pension_credit_age                           boolean
    disability_premium, enhanced_disability_premium, carer_premium    boolean (optional, default false)
    capital, weekly_cost_of_care                         pence
    weekly_housing_costs                                 pence (optional, default 0)
    weekly_disability_related_expenditure                pence, null = the council's standard allowance
    income_<type> for each type in rules.charging.INCOME_TYPES   pence a week (optional, default 0)

`frame_from_inputs` builds this from `ChargingInput`s. Output: the same frame plus, in pence, the columns
of `ChargingResult` (RESULT_COLUMNS), `disability_related_expenditure_used` (the DRE allowed, null when the full
cost is paid, as a FinancialAssessment keeps it) and two reasons a row has no result:

    invalid          the input is not valid ("field: message", as the per-person engine's ChargingError),
                     including no assessed disability-related expenditure when the council has no standard allowance
    blocked_figure   the key of the first figure the row needs that is not confirmed for the year (the one the
                     per-person engine would name); `figures_needed` counts every unconfirmed figure rows need

Inconsistent capital figures (a tariff step of £0 or less, a lower limit above the upper) refuse the whole frame
with the per-person engine's ChargingError, as they would refuse every row.

Money is whole pence throughout. The per-person engine rounds sums to the penny (ROUND_HALF_UP); sums of whole
pence are already whole, so the only rounding left is the tariff income's "or part thereof" (a ceiling), done
here in integers. Amounts with fractions of a penny are refused on the way in rather than rounded, because
rounding each amount before summing could differ from the per-person engine, which sums and then rounds.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from selfdirect.rules.charging import DISREGARDED, HOUSEHOLDS, INCOME_TYPES, SETTINGS, ChargingError, ChargingInput

INCOME_COLUMNS = {kind: f"income_{kind}" for kind in INCOME_TYPES}
COUNTED_COLUMNS = [col for kind, col in INCOME_COLUMNS.items() if kind not in DISREGARDED]
DISREGARDED_COLUMNS = [col for kind, col in INCOME_COLUMNS.items() if kind in DISREGARDED]
MONEY_INPUTS = ("capital", "weekly_housing_costs", "weekly_disability_related_expenditure", "weekly_cost_of_care")
RESULT_COLUMNS = (
    "tariff_income",
    "counted_income",
    "disregarded_income",
    "minimum_income_guarantee",
    "personal_expenses_allowance",
    "housing_costs",
    "disability_related_expenditure",
    "weekly_contribution",
    "full_cost",
)
# The results a FinancialAssessment row keeps (money in pounds), as named on the model.
ASSESSMENT_RESULT_FIELDS = (
    "tariff_income",
    "counted_income",
    "disregarded_income",
    "minimum_income_guarantee",
    "personal_expenses_allowance",
    "disability_related_expenditure_used",
    "weekly_contribution",
)
REQUIRED = (
    "setting",
    "household",
    "age",
    "reached_pension_credit_age",
    "dependent_children",
    "capital",
    "weekly_cost_of_care",
)
OPTIONAL_DEFAULTS = {
    "disability_premium": False,
    "enhanced_disability_premium": False,
    "carer_premium": False,
    "weekly_housing_costs": 0,
    "weekly_disability_related_expenditure": None,
    **dict.fromkeys(INCOME_COLUMNS.values(), 0),
}
SCHEMA = {
    "setting": pl.String,
    "household": pl.String,
    "age": pl.Int64,
    "reached_pension_credit_age": pl.Boolean,
    "dependent_children": pl.Int64,
    "disability_premium": pl.Boolean,
    "enhanced_disability_premium": pl.Boolean,
    "carer_premium": pl.Boolean,
    **dict.fromkeys(MONEY_INPUTS, pl.Int64),
    **dict.fromkeys(INCOME_COLUMNS.values(), pl.Int64),
}
# The MIG basic amounts (reg 7(2)-(4)) and premiums (reg 7(5)-(7)).
MIG_KEYS = (
    "mig_single_18_24",
    "mig_single_25_to_pc_age",
    "mig_single_pc_age",
    "mig_lone_parent",
    "mig_couple_18_plus",
    "mig_couple_pc_age",
)
PREMIUMS = (
    ("disability_premium", "premium_disability_single", "premium_disability_couple"),
    ("enhanced_disability_premium", "premium_enhanced_disability_single", "premium_enhanced_disability_couple"),
    ("carer_premium", "premium_carer", "premium_carer"),
)
LIMIT_KEYS = ("capital_lower_limit", "capital_upper_limit", "tariff_step")


def pence(value: Decimal | int | str | None, *, what: str = "amount") -> int | None:
    """Whole pence from pounds (Decimal or str). A fraction of a penny is refused, never rounded."""
    if value is None:
        return None
    amount = Decimal(str(value)) * 100
    if amount != amount.to_integral_value():
        raise ValueError(f"{what} must be whole pence, not {value}")
    return int(amount)


def pounds_from_pence(value: int | None) -> Decimal | None:
    """Pence back to pounds as a two-place Decimal, the way the per-person engine returns money."""
    return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def figures_in_pence(figures: dict) -> dict[str, int | None]:
    """{key: pence or None}: the same figures the per-person engine takes ({key: Decimal or None})."""
    return {key: pence(value, what=key) for key, value in figures.items()}


def frame_from_inputs(inputs: Iterable[ChargingInput]) -> pl.DataFrame:
    """The input frame for many `ChargingInput`s (money converted to whole pence; incomes summed per type)."""
    columns: dict[str, list] = {name: [] for name in SCHEMA}
    for data in inputs:
        income = dict.fromkeys(INCOME_COLUMNS.values(), 0)
        for line in data.weekly_income:
            # An unknown type is the per-person engine's "Unknown income type": not representable as a column.
            income[INCOME_COLUMNS[line.type]] += pence(line.amount, what=line.type)
        row = {
            "setting": data.setting,
            "household": data.household,
            "age": data.age,
            "reached_pension_credit_age": data.reached_pension_credit_age,
            "dependent_children": data.dependent_children,
            "disability_premium": data.disability_premium,
            "enhanced_disability_premium": data.enhanced_disability_premium,
            "carer_premium": data.carer_premium,
            "capital": pence(data.capital, what="capital"),
            "weekly_housing_costs": pence(data.weekly_housing_costs, what="weekly_housing_costs"),
            "weekly_disability_related_expenditure": pence(
                data.weekly_disability_related_expenditure, what="weekly_disability_related_expenditure"
            ),
            "weekly_cost_of_care": pence(data.weekly_cost_of_care, what="weekly_cost_of_care"),
            **income,
        }
        for name, value in row.items():
            columns[name].append(value)
    return pl.DataFrame(columns, schema=SCHEMA)


def _prepare(df: pl.DataFrame) -> pl.LazyFrame:
    missing = [name for name in REQUIRED if name not in df.columns]
    if missing:
        raise ValueError(f"The frame has no column(s) {', '.join(missing)}")
    lf = df.lazy()
    extra = [
        pl.lit(default, dtype=SCHEMA[name]).alias(name)
        for name, default in OPTIONAL_DEFAULTS.items()
        if name not in df.columns
    ]
    if extra:
        lf = lf.with_columns(extra)
    return lf


def _lit(value, dtype=pl.Int64) -> pl.Expr:
    return pl.lit(value, dtype=dtype)


def _invalid() -> pl.Expr:
    """The first reason the per-person engine's _check would refuse the row, in the same order."""
    c = pl.col
    dre = c("weekly_disability_related_expenditure").fill_null(0)
    chain = (
        pl.when(c("setting").is_null() | ~c("setting").is_in(SETTINGS))
        .then(_lit(f"setting: Setting must be one of {', '.join(SETTINGS)}", pl.String))
        .when(c("household").is_null() | ~c("household").is_in(HOUSEHOLDS))
        .then(_lit(f"household: Household must be one of {', '.join(HOUSEHOLDS)}", pl.String))
        .when(c("age").is_null() | (c("age") < 18) | (c("age") > 130))
        .then(_lit("age: Age must be between 18 and 130", pl.String))
        .when(c("dependent_children").is_null() | (c("dependent_children") < 0))
        .then(_lit("dependent_children: Dependent children cannot be negative", pl.String))
    )
    for name, expr in (
        ("capital", c("capital")),
        ("weekly_housing_costs", c("weekly_housing_costs")),
        ("weekly_cost_of_care", c("weekly_cost_of_care")),
        ("weekly_disability_related_expenditure", dre),
    ):
        chain = chain.when(expr.is_null() | (expr < 0)).then(_lit(f"{name}: Amounts cannot be negative", pl.String))
    for kind, col in INCOME_COLUMNS.items():
        chain = chain.when(c(col).is_null() | (c(col) < 0)).then(
            _lit(f"weekly_income.{kind}: Amounts cannot be negative", pl.String)
        )
    flags = ("reached_pension_credit_age", "disability_premium", "enhanced_disability_premium", "carer_premium")
    for flag in flags:
        chain = chain.when(c(flag).is_null()).then(_lit(f"{flag}: Answer yes or no", pl.String))
    return chain.otherwise(_lit(None, pl.String))


def _mig_key() -> pl.Expr:
    """Reg 7: which basic amount applies (the same order of tests as rules.charging.minimum_income_guarantee)."""
    c = pl.col
    couple, pc = c("household") == "couple", c("reached_pension_credit_age")
    return (
        pl.when(couple & pc)
        .then(_lit("mig_couple_pc_age", pl.String))
        .when(couple)
        .then(_lit("mig_couple_18_plus", pl.String))
        .when(pc)
        .then(_lit("mig_single_pc_age", pl.String))
        .when(c("household") == "lone_parent")
        .then(_lit("mig_lone_parent", pl.String))
        .when(c("age") < 25)
        .then(_lit("mig_single_18_24", pl.String))
        .otherwise(_lit("mig_single_25_to_pc_age", pl.String))
    )


def _core(f: dict[str, int | None]) -> list[pl.Expr]:
    """Expressions for every result column (before refused rows are blanked), in dependency order: each list
    element is one `with_columns` step."""
    c = pl.col
    zero = _lit(0)
    lower, upper, step = f["capital_lower_limit"], f["capital_upper_limit"], f["tariff_step"]
    community_upper = upper
    if f.get("policy_community_capital_upper_limit") is not None:
        community_upper = max(upper, f["policy_community_capital_upper_limit"])
    community, couple = c("setting") == "community", c("household") == "couple"

    def figure(key) -> pl.Expr:
        return _lit(f.get(key) or 0)

    base = pl.when(c("_mig_key") == MIG_KEYS[0]).then(figure(MIG_KEYS[0]))
    for key in MIG_KEYS[1:]:
        base = base.when(c("_mig_key") == key).then(figure(key))
    mig = base.otherwise(zero) + c("dependent_children") * figure("mig_per_child")
    for flag, single, pair in PREMIUMS:
        amount = pl.when(couple).then(figure(pair)).otherwise(figure(single))
        mig = mig + pl.when(c(flag)).then(amount).otherwise(zero)
    dre = c("weekly_disability_related_expenditure").fill_null(figure("policy_standard_dre"))

    upper_here = pl.when(community).then(_lit(community_upper)).otherwise(_lit(upper))
    counted = pl.sum_horizontal(*[c(col) for col in COUNTED_COLUMNS]) if COUNTED_COLUMNS else zero
    disregarded = pl.sum_horizontal(*[c(col) for col in DISREGARDED_COLUMNS]) if DISREGARDED_COLUMNS else zero
    # "£1 a week for every £250, or part thereof": ceil(excess / step) pounds, in integers (all non-negative).
    excess = pl.min_horizontal(c("capital"), upper_here) - lower
    tariff = pl.when(c("capital") <= lower).then(zero).otherwise((excess + (step - 1)) // step * 100)
    minimum = f.get("policy_minimum_contribution") or 0
    return [
        [
            _mig_key().alias("_mig_key"),
            (c("capital") > upper_here).alias("_full"),
            counted.alias("counted_income"),
            disregarded.alias("disregarded_income"),
        ],
        [
            pl.when(c("_full")).then(zero).otherwise(tariff).alias("tariff_income"),
            pl.when(c("_full") | ~community).then(None).otherwise(mig).alias("minimum_income_guarantee"),
            pl.when(c("_full") | community)
            .then(None)
            .otherwise(figure("personal_expenses_allowance"))
            .alias("personal_expenses_allowance"),
            pl.when(c("_full") | ~community).then(zero).otherwise(c("weekly_housing_costs")).alias("housing_costs"),
            pl.when(c("_full") | ~community).then(zero).otherwise(dre).alias("disability_related_expenditure"),
        ],
        [
            pl.max_horizontal(
                c("counted_income")
                + c("tariff_income")
                - c("minimum_income_guarantee").fill_null(0)
                - c("personal_expenses_allowance").fill_null(0)
                - c("housing_costs")
                - c("disability_related_expenditure"),
                zero,
            ).alias("_chargeable")
        ],
        [pl.min_horizontal(c("_chargeable"), c("weekly_cost_of_care")).alias("_contribution")],
        [
            pl.when(c("_full"))
            .then(c("weekly_cost_of_care"))
            .when((c("_contribution") > 0) & (c("_contribution") < minimum))
            .then(zero)
            .otherwise(c("_contribution"))
            .alias("weekly_contribution"),
            c("_full").alias("full_cost"),
        ],
    ]


def _blocked(f: dict[str, int | None]) -> pl.Expr:
    """The first unconfirmed figure the row needs, in the order the per-person engine asks for them."""
    c = pl.col
    missing = {key for key, value in f.items() if value is None}
    for key in LIMIT_KEYS:
        if key in missing or key not in f:
            return _lit(key, pl.String)
    community, couple = c("setting") == "community", c("household") == "couple"
    chain = pl.when(c("_full")).then(_lit(None, pl.String))
    chain = chain.when(~community).then(
        _lit("personal_expenses_allowance" if "personal_expenses_allowance" in missing else None, pl.String)
    )
    chain = chain.when(c("_mig_key").is_in([k for k in MIG_KEYS if k in missing or k not in f])).then(c("_mig_key"))
    if f.get("mig_per_child") is None:
        chain = chain.when(c("dependent_children") > 0).then(_lit("mig_per_child", pl.String))
    for flag, single, pair in PREMIUMS:
        if f.get(pair) is None:
            chain = chain.when(c(flag) & couple).then(_lit(pair, pl.String))
        if f.get(single) is None:
            chain = chain.when(c(flag) & ~couple).then(_lit(single, pl.String))
    return chain.otherwise(_lit(None, pl.String))


NO_STANDARD_DRE = (
    "weekly_disability_related_expenditure: The council has not set a standard allowance for disability-related "
    "expenditure: enter the person's disability-related expenditure instead."
)


def _late_invalid(f: dict[str, int | None]) -> pl.Expr:
    """An input refused only once the figures before it are there: no assessed disability-related expenditure
    when the council has no standard allowance (the per-person engine asks after the MIG figures)."""
    if f.get("policy_standard_dre") is not None:
        return _lit(None, pl.String)
    c = pl.col
    return (
        pl.when(
            c("blocked_figure").is_null()
            & ~c("_full")
            & (c("setting") == "community")
            & c("weekly_disability_related_expenditure").is_null()
        )
        .then(_lit(NO_STANDARD_DRE, pl.String))
        .otherwise(_lit(None, pl.String))
    )


def check_figures(figures: dict) -> None:
    """The capital figures must make sense (as the per-person engine requires): ChargingError if not. This
    refuses the whole frame, as it would refuse every row."""
    f = figures_in_pence(figures)
    lower, upper, step = (f.get(key) for key in LIMIT_KEYS)
    if None not in (lower, upper, step) and (step <= 0 or lower > upper):
        raise ChargingError(
            "The capital figures are inconsistent (the tariff step must be above £0 and the lower limit not above "
            "the upper): an administrator must correct them."
        )


def assess_frame(df: pl.DataFrame, figures: dict) -> pl.DataFrame:
    """Every row's weekly contribution and how it was reached, in pence: see the module docstring.

    figures: {key: Decimal or None} for the year, None meaning not confirmed, exactly as for
    `rules.charging.assess` (ChargingYear.figures() gives it).
    """
    check_figures(figures)
    f = figures_in_pence(figures)
    lf = _prepare(df).with_columns(_invalid().alias("invalid"))
    limits_missing = [key for key in LIMIT_KEYS if f.get(key) is None]
    if limits_missing:
        # Nobody can be assessed without the capital limits: every valid row is blocked by the first missing.
        refused = pl.col("invalid").is_null()
        out = lf.with_columns(
            *[_lit(None, pl.Boolean if name == "full_cost" else pl.Int64).alias(name) for name in RESULT_COLUMNS],
            _lit(None).alias("disability_related_expenditure_used"),
            pl.when(refused).then(_lit(limits_missing[0], pl.String)).otherwise(None).alias("blocked_figure"),
        )
        return out.collect()
    for step in _core(f):
        lf = lf.with_columns(step)
    lf = lf.with_columns(pl.when(pl.col("invalid").is_null()).then(_blocked(f)).otherwise(None).alias("blocked_figure"))
    lf = lf.with_columns(pl.coalesce(pl.col("invalid"), _late_invalid(f)).alias("invalid"))
    refused = pl.col("invalid").is_not_null() | pl.col("blocked_figure").is_not_null()
    lf = lf.with_columns([pl.when(refused).then(None).otherwise(pl.col(name)).alias(name) for name in RESULT_COLUMNS])
    # What a FinancialAssessment keeps as the DRE the calculation allowed (none when the full cost is paid).
    used = pl.when(pl.col("full_cost")).then(None).otherwise(pl.col("disability_related_expenditure"))
    lf = lf.with_columns(used.alias("disability_related_expenditure_used"))
    return lf.drop("_mig_key", "_full", "_chargeable", "_contribution").collect()


def figures_needed(df: pl.DataFrame, figures: dict) -> dict[str, int]:
    """{figure key: how many valid rows need it} for every figure that is not confirmed and that at least one
    row needs. Unlike `blocked_figure` (the first one per row) this counts all of them, so an administrator can
    confirm everything a run needs in one go."""
    f = figures_in_pence(figures)
    missing = [key for key, value in f.items() if value is None]
    lf = _prepare(df).filter(_invalid().is_null())
    if any(f.get(key) is None for key in LIMIT_KEYS):
        count = lf.select(pl.len()).collect().item()
        return {key: count for key in LIMIT_KEYS if f.get(key) is None and count}
    c = pl.col
    upper = f["capital_upper_limit"]
    community_upper = max(upper, f.get("policy_community_capital_upper_limit") or upper)
    community, couple = c("setting") == "community", c("household") == "couple"
    upper_here = pl.when(community).then(_lit(community_upper)).otherwise(_lit(upper))
    lf = lf.with_columns(_mig_key().alias("_mig_key")).filter(c("capital") <= upper_here)
    needs: dict[str, pl.Expr] = {"personal_expenses_allowance": ~community}
    for key in MIG_KEYS:
        needs[key] = community & (c("_mig_key") == key)
    needs["mig_per_child"] = community & (c("dependent_children") > 0)
    for flag, single, pair in PREMIUMS:
        needs[pair] = needs.get(pair, pl.lit(False)) | (community & c(flag) & couple)
        needs[single] = needs.get(single, pl.lit(False)) | (community & c(flag) & ~couple)
    wanted = [key for key in missing if key in needs]
    if not wanted:
        return {}
    counts = lf.select([needs[key].sum().alias(key) for key in wanted]).collect().row(0, named=True)
    return {key: int(n) for key, n in counts.items() if n}


# --------------------------------------------------------------------------------------------------
# Plain-English explanations for many rows (the per-person engine's wording, summarised per row)
# --------------------------------------------------------------------------------------------------


def gbp(expr: pl.Expr) -> pl.Expr:
    """Pence (non-negative Int64) as "£1,234.56", the way rules.charging.pounds writes money."""
    whole, pennies = expr // 100, (expr % 100).cast(pl.String).str.zfill(2)

    def pad(e: pl.Expr) -> pl.Expr:
        return e.cast(pl.String).str.zfill(3)

    grouped = (
        pl.when(whole >= 1_000_000_000)
        .then(
            pl.concat_str(
                [whole // 1_000_000_000, pad(whole // 1_000_000 % 1000), pad(whole // 1000 % 1000), pad(whole % 1000)],
                separator=",",
            )
        )
        .when(whole >= 1_000_000)
        .then(pl.concat_str([whole // 1_000_000, pad(whole // 1000 % 1000), pad(whole % 1000)], separator=","))
        .when(whole >= 1000)
        .then(pl.concat_str([whole // 1000, pad(whole % 1000)], separator=","))
        .otherwise(whole.cast(pl.String))
    )
    return pl.concat_str([pl.lit("£"), grouped, pl.lit("."), pennies])


def explanation_expr(figures: dict, *, first_line: str | None = None) -> pl.Expr:
    """A list of plain-English lines per row of an assess_frame result (null for refused rows): how the weekly
    contribution was reached, in the per-person engine's words (incomes summarised as counted and not counted)."""
    f = figures_in_pence(figures)
    c = pl.col
    lower, upper = f.get("capital_lower_limit") or 0, f.get("capital_upper_limit") or 0
    community_upper = max(upper, f.get("policy_community_capital_upper_limit") or upper)
    community = c("setting") == "community"
    upper_here = pl.when(community).then(_lit(community_upper)).otherwise(_lit(upper))
    step = gbp(_lit(f.get("tariff_step") or 0))
    minimum = f.get("policy_minimum_contribution") or 0
    full, ok = c("full_cost"), c("weekly_contribution").is_not_null()
    chargeable = pl.max_horizontal(
        c("counted_income")
        + c("tariff_income")
        - c("minimum_income_guarantee").fill_null(0)
        - c("personal_expenses_allowance").fill_null(0)
        - c("housing_costs")
        - c("disability_related_expenditure"),
        _lit(0),
    )
    before_minimum = pl.min_horizontal(chargeable, c("weekly_cost_of_care"))

    def line(condition: pl.Expr, *parts) -> pl.Expr:
        text = pl.concat_str([p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts])
        return pl.when(condition).then(text).otherwise(_lit(None, pl.String))

    lines = [
        line(ok, "Income counted: ", gbp(c("counted_income")), " a week."),
        line(
            ok & (c("disregarded_income") > 0),
            "Not counted: ",
            gbp(c("disregarded_income")),
            " a week (the mobility parts of Disability Living Allowance and Personal Independence Payment, and "
            "earnings).",
        ),
        line(
            ok & full,
            "Your capital of ",
            gbp(c("capital")),
            " is above the upper limit of ",
            gbp(upper_here),
            ", so you pay the full cost of your care: ",
            gbp(c("weekly_cost_of_care")),
            " a week.",
        ),
        line(
            ok & ~full & (c("tariff_income") > 0),
            "Your capital of ",
            gbp(c("capital")),
            " is above the lower limit of ",
            gbp(_lit(lower)),
            ": it counts as ",
            gbp(c("tariff_income")),
            " a week of income (£1 for every ",
            step,
            " or part of it).",
        ),
        line(
            ok & ~full & (c("tariff_income") == 0),
            "Your capital of ",
            gbp(c("capital")),
            " is not above ",
            gbp(_lit(lower)),
            ", so it is not counted.",
        ),
        line(
            ok & ~full & ~community,
            "You keep the personal expenses allowance of ",
            gbp(c("personal_expenses_allowance")),
            " a week.",
        ),
        line(
            ok & ~full & community,
            "Disability-related expenditure: ",
            gbp(c("disability_related_expenditure")),
            " a week.",
        ),
        line(
            ok & ~full & community,
            "You keep at least the minimum income guarantee of ",
            gbp(c("minimum_income_guarantee")),
            " a week.",
        ),
        line(
            ok & ~full & community & (c("housing_costs") > 0),
            "Housing costs of ",
            gbp(c("housing_costs")),
            " a week are also left out.",
        ),
        line(
            ok & ~full & (before_minimum > 0) & (before_minimum < minimum),
            "The council does not collect contributions below ",
            gbp(_lit(minimum)),
            " a week.",
        ),
        line(
            ok & ~full & (chargeable > c("weekly_cost_of_care")),
            "You could afford ",
            gbp(chargeable),
            " a week, but you never pay more than your care costs: ",
            gbp(c("weekly_cost_of_care")),
            " a week.",
        ),
        line(ok, "Your weekly contribution is ", gbp(c("weekly_contribution")), "."),
    ]
    if first_line:
        lines.insert(0, line(ok, first_line))
    return pl.when(ok).then(pl.concat_list(lines).list.drop_nulls()).otherwise(None)
