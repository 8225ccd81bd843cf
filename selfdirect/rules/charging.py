"""Financial assessment for care and support charges (Care Act s14 and s17; Care and Support (Charging and
Assessment of Resources) Regulations 2014), as summarised in shared/reference section 2. Pure Python, exact
Decimal pence.

Weekly contribution, care at home ("community"):
    chargeable = counted income + tariff income - minimum income guarantee - housing costs - disability-related
                 expenditure
    contribution = the lower of chargeable (never below 0) and the cost of care;
    above the upper capital limit (or the council's higher limit for care at home) the person pays the full cost.
Care homes: chargeable = counted income + tariff income - personal expenses allowance; the full cost above the
upper capital limit.
Disregarded in full: DLA and PIP mobility components (Sch 1 para 8) and earnings (reg 14).
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .charging_figures import LABELS

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

SETTINGS = ("community", "care_home")
HOUSEHOLDS = ("single", "lone_parent", "couple")
INCOME_TYPES = {
    "state_pension": "State Pension",
    "occupational_pension": "Occupational pension",
    "private_pension": "Private pension",
    "attendance_allowance": "Attendance Allowance",
    "dla_care": "Disability Living Allowance (care)",
    "dla_mobility": "Disability Living Allowance (mobility)",
    "pip_daily_living": "Personal Independence Payment (daily living)",
    "pip_mobility": "Personal Independence Payment (mobility)",
    "pension_credit": "Pension Credit",
    "universal_credit": "Universal Credit",
    "employment_support_allowance": "Employment and Support Allowance",
    "earnings": "Earnings",
    "other": "Other income",
}
# Why each disregarded type is left out, for the letter.
DISREGARDED = {
    "dla_mobility": "the mobility part of Disability Living Allowance is always disregarded (Schedule 1)",
    "pip_mobility": "the mobility part of Personal Independence Payment is always disregarded (Schedule 1)",
    "earnings": "earnings are disregarded (regulation 14)",
}


class ChargingError(ValueError):
    """The assessment cannot be made: a figure is missing or unconfirmed, or an input is invalid."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Income:
    type: str
    amount: Decimal


@dataclass(frozen=True)
class ChargingInput:
    financial_year: str
    setting: str
    household: str
    age: int
    reached_pension_credit_age: bool
    dependent_children: int
    capital: Decimal
    weekly_income: tuple[Income, ...]
    weekly_housing_costs: Decimal
    weekly_disability_related_expenditure: Decimal | None  # None: the council's standard allowance
    weekly_cost_of_care: Decimal
    disability_premium: bool = False
    enhanced_disability_premium: bool = False
    carer_premium: bool = False


@dataclass(frozen=True)
class ChargingResult:
    tariff_income: Decimal
    counted_income: Decimal
    disregarded_income: Decimal
    minimum_income_guarantee: Decimal | None
    personal_expenses_allowance: Decimal | None
    housing_costs: Decimal
    disability_related_expenditure: Decimal
    weekly_contribution: Decimal
    full_cost: bool
    explanation: list[str] = field(default_factory=list)


def pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def to_pence(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def tariff_income(capital: Decimal, *, lower: Decimal, upper: Decimal, step: Decimal) -> Decimal:
    """£1 a week for every `step` (£250), or part thereof, of capital between the lower and upper limits."""
    if capital <= lower:
        return ZERO
    excess = min(capital, upper) - lower
    return (excess / step).to_integral_value(rounding=ROUND_CEILING).quantize(PENNY)


def _figure(figures: dict, key: str, year: str) -> Decimal:
    """A figure the calculation needs: refused, naming it, if it is not set and confirmed for the year."""
    value = figures.get(key)
    if value is None:
        raise ChargingError(
            f"The figure '{LABELS.get(key, key)}' for {year} has not been confirmed by an administrator, so this "
            f"assessment cannot be made yet. An administrator can confirm it under Charging figures."
        )
    return value


def minimum_income_guarantee(data: ChargingInput, figures: dict) -> tuple[Decimal, list[str]]:
    """Reg 7: the basic amount for the household, plus each child, plus premiums."""
    year = data.financial_year
    if data.household == "couple":
        key = "mig_couple_pc_age" if data.reached_pension_credit_age else "mig_couple_18_plus"
    elif data.reached_pension_credit_age:
        key = "mig_single_pc_age"
    elif data.household == "lone_parent":
        key = "mig_lone_parent"
    else:
        key = "mig_single_18_24" if data.age < 25 else "mig_single_25_to_pc_age"
    parts = [(LABELS[key], _figure(figures, key, year))]
    if data.dependent_children:
        each = _figure(figures, "mig_per_child", year)
        parts.append(
            (f"{data.dependent_children} dependent child(ren) at {pounds(each)} each", each * data.dependent_children)
        )
    suffix = "couple" if data.household == "couple" else "single"
    for wanted, key in (
        (data.disability_premium, f"premium_disability_{suffix}"),
        (data.enhanced_disability_premium, f"premium_enhanced_disability_{suffix}"),
        (data.carer_premium, "premium_carer"),
    ):
        if wanted:
            parts.append((LABELS[key], _figure(figures, key, year)))
    total = to_pence(sum((amount for _, amount in parts), ZERO))
    lines = [f"{label}: {pounds(amount)}" for label, amount in parts]
    return total, lines


def assess(data: ChargingInput, figures: dict) -> ChargingResult:
    """The weekly contribution towards the cost of care, and every step of how it was reached.

    figures: {key: Decimal or None} for data.financial_year, None meaning not confirmed (charging_figures.LABELS).
    """
    _check(data)
    year = data.financial_year
    lower = _figure(figures, "capital_lower_limit", year)
    upper = _figure(figures, "capital_upper_limit", year)
    step = _figure(figures, "tariff_step", year)
    if step <= 0 or lower > upper:
        raise ChargingError(
            f"The capital figures for {year} are inconsistent (the tariff step must be above £0 and the lower limit "
            "not above the upper): an administrator must correct them."
        )
    if data.setting == "community" and figures.get("policy_community_capital_upper_limit") is not None:
        upper = max(upper, figures["policy_community_capital_upper_limit"])
    cost = to_pence(data.weekly_cost_of_care)
    explanation = []

    counted = sum((i.amount for i in data.weekly_income if i.type not in DISREGARDED), ZERO)
    disregarded = sum((i.amount for i in data.weekly_income if i.type in DISREGARDED), ZERO)
    counted, disregarded = to_pence(counted), to_pence(disregarded)
    for income in data.weekly_income:
        how = f"not counted: {DISREGARDED[income.type]}" if income.type in DISREGARDED else "counted"
        explanation.append(f"{INCOME_TYPES[income.type]}: {pounds(income.amount)} a week, {how}.")

    if data.capital > upper:
        explanation.append(
            f"Your capital of {pounds(data.capital)} is above the upper limit of {pounds(upper)}, so you pay the full "
            f"cost of your care: {pounds(cost)} a week."
        )
        return ChargingResult(ZERO, counted, disregarded, None, None, ZERO, ZERO, cost, True, explanation)

    tariff = tariff_income(data.capital, lower=lower, upper=upper, step=step)
    if tariff:
        explanation.append(
            f"Your capital of {pounds(data.capital)} is above the lower limit of {pounds(lower)}: it counts as "
            f"{pounds(tariff)} a week of income (£1 for every {pounds(step)} or part of it)."
        )
    else:
        explanation.append(
            f"Your capital of {pounds(data.capital)} is not above {pounds(lower)}, so it is not counted."
        )

    if data.setting == "care_home":
        pea = _figure(figures, "personal_expenses_allowance", year)
        chargeable = counted + tariff - pea
        explanation.append(f"You keep the personal expenses allowance of {pounds(pea)} a week.")
        mig, housing, dre = None, ZERO, ZERO
    else:
        pea = None
        mig, mig_lines = minimum_income_guarantee(data, figures)
        housing = to_pence(data.weekly_housing_costs)
        dre = data.weekly_disability_related_expenditure
        if dre is None:
            if figures.get("policy_standard_dre") is None:
                raise ChargingError(
                    "The council has not set a standard allowance for disability-related expenditure: enter the "
                    "person's disability-related expenditure instead.",
                    "weekly_disability_related_expenditure",
                )
            dre = figures["policy_standard_dre"]
            explanation.append(
                f"Disability-related expenditure: the council's standard allowance of {pounds(dre)} a week."
            )
        else:
            explanation.append(f"Disability-related expenditure: {pounds(dre)} a week, as assessed.")
        dre = to_pence(dre)
        explanation.append(
            f"You keep at least the minimum income guarantee of {pounds(mig)} a week (" + "; ".join(mig_lines) + ")."
        )
        if housing:
            explanation.append(f"Housing costs of {pounds(housing)} a week are also left out.")
        chargeable = counted + tariff - mig - housing - dre

    chargeable = max(to_pence(chargeable), ZERO)
    contribution = min(chargeable, cost)
    minimum = figures.get("policy_minimum_contribution") or ZERO
    if ZERO < contribution < minimum:
        explanation.append(f"The council does not collect contributions below {pounds(minimum)} a week.")
        contribution = ZERO
    if chargeable > cost:
        explanation.append(
            f"You could afford {pounds(chargeable)} a week, but you never pay more than your care costs: "
            f"{pounds(cost)} a week."
        )
    explanation.append(f"Your weekly contribution is {pounds(contribution)}.")
    return ChargingResult(tariff, counted, disregarded, mig, pea, housing, dre, contribution, False, explanation)


def _check(data: ChargingInput) -> None:
    if data.setting not in SETTINGS:
        raise ChargingError(f"Setting must be one of {', '.join(SETTINGS)}", "setting")
    if data.household not in HOUSEHOLDS:
        raise ChargingError(f"Household must be one of {', '.join(HOUSEHOLDS)}", "household")
    if not 18 <= data.age <= 130:
        raise ChargingError("Age must be between 18 and 130", "age")
    if data.dependent_children < 0:
        raise ChargingError("Dependent children cannot be negative", "dependent_children")
    amounts = {
        "capital": data.capital,
        "weekly_housing_costs": data.weekly_housing_costs,
        "weekly_cost_of_care": data.weekly_cost_of_care,
        "weekly_disability_related_expenditure": data.weekly_disability_related_expenditure or ZERO,
    }
    for name, value in amounts.items():
        if value < 0:
            raise ChargingError("Amounts cannot be negative", name)
    for i, income in enumerate(data.weekly_income):
        if income.type not in INCOME_TYPES:
            raise ChargingError(f"Unknown income type {income.type!r}", f"weekly_income[{i}].type")
        if income.amount < 0:
            raise ChargingError("Amounts cannot be negative", f"weekly_income[{i}].amount")
