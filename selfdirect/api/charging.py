"""POST /api/v1/calculators/charging: the weekly contribution towards the cost of care (Care Act s14 and s17;
Care and Support (Charging and Assessment of Resources) Regulations 2014). Public, stateless, no sign-in;
nothing sent is stored.

Money is a JSON *string* in pounds with at most two decimal places ("179.60"): a JSON number is refused, so
no amount ever passes through a binary float. Figures come from the database for the year asked for, so an
administrator's confirmations count; a figure not yet confirmed is a 400 naming it.
"""

import re
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from ninja import Router, Schema
from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from selfdirect.money.charging_selectors import charging_year_get
from selfdirect.money.models import ChargingYear
from selfdirect.rules.charging import (
    DISREGARDED,
    INCOME_TYPES,
    ChargingError,
    ChargingInput,
    ChargingResult,
    Income,
    assess,
)

from .errors import ApiError, ErrorResponse, StrictRequest

router = Router(tags=["calculators"])

MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
MONEY_EXAMPLE = '"179.60"'
MONEY_TYPE_MESSAGE = (
    "{input} is not allowed: send money as a JSON string in pounds, for example " + MONEY_EXAMPLE + " (not a number)"
)


def _money(value: str) -> Decimal:
    """A money string in pounds: digits, an optional point and at most two decimal places; never negative."""
    if _MONEY.match(value):
        return Decimal(value)
    if value.startswith("-") and _NUMBER.match(value[1:]):
        raise PydanticCustomError("money_negative", "Amounts cannot be negative: send 0.00 or more")
    if _NUMBER.match(value):
        pence = value.partition(".")[2]
        if len(pence) > 2:
            raise PydanticCustomError(
                "money_decimal_places",
                "Give at most 2 decimal places (pounds and pence), for example " + MONEY_EXAMPLE,
            )
        raise PydanticCustomError("money_too_large", "Must be less than 10,000,000,000.00")
    raise PydanticCustomError(
        "money_format",
        "Must be an amount in pounds, for example " + MONEY_EXAMPLE + ": digits, then optionally a point and "
        "up to 2 decimal places (no £ sign, commas or spaces)",
    )


Money = Annotated[
    str,
    AfterValidator(_money),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["179.60"]}),
]
IncomeType = Literal[tuple(INCOME_TYPES)]  # type: ignore[valid-type]


def _money_messages(*names: str) -> dict[str, dict[str, str]]:
    return {name: {"string_type": MONEY_TYPE_MESSAGE} for name in names}


class IncomeLine(StrictRequest):
    """One weekly income: its type decides whether it is counted."""

    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        **_money_messages("amount"),
        "type": {"literal_error": "{input} is not an income type: use {allowed}"},
    }

    type: IncomeType = Field(
        description="; ".join(
            f'"{key}": {label}' + (" (not counted)" if key in DISREGARDED else "")
            for key, label in INCOME_TYPES.items()
        )
    )
    amount: Money = Field(description="Pounds a week, as a string")


class Premiums(StrictRequest):
    """Premiums added to the minimum income guarantee (reg 7(1)(c)), for care at home."""

    disability: bool = Field(description="Disability premium")
    enhanced_disability: bool = Field(description="Enhanced disability premium")
    carer: bool = Field(description="Carer premium")


class ChargingRequest(StrictRequest):
    """A person's circumstances, money and cost of care for one financial year."""

    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        **_money_messages(
            "capital", "weekly_housing_costs", "weekly_disability_related_expenditure", "weekly_cost_of_care"
        ),
        "financial_year": {"string_pattern_mismatch": 'Must be a financial year written like "2025-26"'},
        "age": {
            "greater_than_equal": "Must be 18 or over: these charging rules are for adults",
            "less_than_equal": "Must be 130 or under",
            "int_type": "Must be a whole number of years (a JSON number such as 70)",
        },
        "dependent_children": {
            "greater_than_equal": "Cannot be negative: send 0 if there are none",
            "less_than_equal": "Must be 20 or fewer",
            "int_type": "Must be a whole number (a JSON number such as 0)",
        },
        "weekly_income": {"too_long": "List at most {max_length} incomes"},
    }

    financial_year: str = Field(
        pattern=r"^[0-9]{4}-[0-9]{2}$", description='The financial year whose figures apply, e.g. "2025-26"'
    )
    setting: Literal["community", "care_home"] = Field(
        description='"community": care at home or in the community (the minimum income guarantee applies); '
        '"care_home": a care home resident (the personal expenses allowance applies)'
    )
    household: Literal["single", "lone_parent", "couple"] = Field(
        description="For the minimum income guarantee: single, lone parent, or a member of a couple"
    )
    age: int = Field(ge=18, le=130, description="Age in years")
    reached_pension_credit_age: bool = Field(description="Whether the person has reached pension credit age")
    dependent_children: int = Field(ge=0, le=20, description="Dependent children in the household")
    premiums: Premiums
    capital: Money = Field(description="Capital in pounds (for care at home, not counting the main home)")
    weekly_income: list[IncomeLine] = Field(max_length=50, description="Each weekly income ([] if none)")
    weekly_housing_costs: Money = Field(description="Rent or mortgage a week (care at home), in pounds")
    weekly_disability_related_expenditure: Money | None = Field(
        description="Disability-related expenditure a week, in pounds; null to use the council's standard "
        "allowance (a 400 if the council has not set one)"
    )
    weekly_cost_of_care: Money = Field(description="What the care costs a week, in pounds: the most anyone pays")


class ChargingResponse(Schema):
    tariff_income: str = Field(description="Tariff income from capital, pounds a week")
    counted_income: str = Field(description="Income counted, pounds a week")
    disregarded_income: str = Field(description="Income not counted (mobility components, earnings), pounds a week")
    minimum_income_guarantee: str | None = Field(
        description="The minimum income guarantee kept, pounds a week; null in a care home, or when the full cost "
        "is paid"
    )
    personal_expenses_allowance: str | None = Field(
        description="The personal expenses allowance kept in a care home, pounds a week; null otherwise"
    )
    weekly_contribution: str = Field(description="What the person pays a week, in pounds: never above the cost")
    full_cost: bool = Field(description="True if capital is above the upper limit, so the full cost is paid")
    explanation: list[str] = Field(description="Plain-English sentences: each step, then the contribution")


def _pounds(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def charging_input_from(payload: ChargingRequest) -> ChargingInput:
    return ChargingInput(
        financial_year=payload.financial_year,
        setting=payload.setting,
        household=payload.household,
        age=payload.age,
        reached_pension_credit_age=payload.reached_pension_credit_age,
        dependent_children=payload.dependent_children,
        capital=payload.capital,
        weekly_income=tuple(Income(line.type, line.amount) for line in payload.weekly_income),
        weekly_housing_costs=payload.weekly_housing_costs,
        weekly_disability_related_expenditure=payload.weekly_disability_related_expenditure,
        weekly_cost_of_care=payload.weekly_cost_of_care,
        disability_premium=payload.premiums.disability,
        enhanced_disability_premium=payload.premiums.enhanced_disability,
        carer_premium=payload.premiums.carer,
    )


def charging_for(payload: ChargingRequest) -> ChargingResult:
    """Run the engine on the year's confirmed figures; an unknown year or unconfirmed figure is an ApiError."""
    year = charging_year_get(financial_year=payload.financial_year)
    if year is None:
        known = [f'"{name}"' for name in ChargingYear.objects.values_list("financial_year", flat=True)]
        known_text = " or ".join([", ".join(known[:-1]), known[-1]] if len(known) > 1 else known)
        raise ApiError(
            [
                (
                    "financial_year",
                    f'There are no charging figures for "{payload.financial_year}": use '
                    + (known_text or "a year an administrator has set up"),
                )
            ]
        )
    try:
        return assess(charging_input_from(payload), year.figures())
    except ChargingError as exc:
        raise ApiError([(exc.field or "financial_year", exc.message)]) from exc


@router.post(
    "/charging",
    response={200: ChargingResponse, 400: ErrorResponse},
    summary="Work out the weekly contribution towards the cost of care",
    description=(
        "The financial assessment of the Care and Support (Charging and Assessment of Resources) Regulations "
        "2014, on the council's confirmed charging figures for the year: income counted and not counted, tariff "
        "income from capital, the minimum income guarantee (care at home) or personal expenses allowance (care "
        "homes), and the contribution, never more than the cost of care. An estimate only: the council's "
        "financial assessment decides. Money is sent and returned as strings in pounds with 2 decimal places. "
        "No sign-in; nothing is stored. Invalid input, an unknown year, or a figure not yet confirmed by an "
        "administrator gets 400 with a list of errors, each naming the field."
    ),
    operation_id="calculate_charging",
)
def charging(request, payload: ChargingRequest):
    result = charging_for(payload)
    return {
        "tariff_income": _pounds(result.tariff_income),
        "counted_income": _pounds(result.counted_income),
        "disregarded_income": _pounds(result.disregarded_income),
        "minimum_income_guarantee": _pounds(result.minimum_income_guarantee),
        "personal_expenses_allowance": _pounds(result.personal_expenses_allowance),
        "weekly_contribution": _pounds(result.weekly_contribution),
        "full_cost": result.full_cost,
        "explanation": result.explanation,
    }
