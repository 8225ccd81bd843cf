"""Calculators: public, stateless, no sign-in. Nothing sent here is stored.

POST /api/v1/calculators/eligibility: the national eligibility criteria (SI 2015/313) for an adult
(reg 2) or a carer (reg 3), computed by selfdirect.rules.eligibility.

The request is a discriminated union on "kind": each kind has its own fields, outcome codes and reasons,
so the OpenAPI schema says exactly what is accepted, and a carer's field on an adult's request (or the
other way round) is refused as "not used for adults". Types are strict: "true" and 1 are not booleans.
"""

from typing import Annotated, Any, ClassVar, Literal

from ninja import Router, Schema
from pydantic import Field

from selfdirect.rules.eligibility import (
    ADULT_OUTCOMES,
    ADULT_REASONS,
    CARER_OUTCOMES,
    CARER_REASONS,
    REASON_TEXT,
    EligibilityInputError,
    EligibilityResult,
    adult_eligibility,
    carer_eligibility,
)

from .errors import ApiError, ErrorResponse, StrictRequest

router = Router(tags=["calculators"])

AdultOutcomeCode = Literal["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
CarerOutcomeCode = Literal["1", "2", "3", "4", "5", "6", "7", "8"]
AdultReasonCode = Literal[
    "without_assistance", "pain_distress_anxiety", "endangers_health_safety", "takes_significantly_longer"
]
CarerReasonCode = Literal["without_assistance", "pain_distress_anxiety", "endangers_health_safety"]

# Spelled out for the OpenAPI schema; tests/api/test_openapi.py checks they match the rules' lists.


def _table(outcomes: dict[str, str]) -> str:
    return "; ".join(f'"{code}": {text}' for code, text in outcomes.items())


def _reasons(allowed) -> str:
    return "; ".join(f'"{r.value}": {REASON_TEXT[r]}' for r in allowed)


_REASONS_HELP = "Why the outcome cannot be achieved: at least one of "
_OUTCOME_MESSAGES = {
    "unable_reasons": {
        "too_short": "Give at least one reason why this outcome cannot be achieved (or leave the outcome out)",
        "list_type": 'Must be a list of reasons, for example ["without_assistance"]',
    },
}


class AdultOutcome(StrictRequest):
    """An outcome in reg 2(2) that the adult is unable to achieve, and why (reg 2(3))."""

    error_noun: ClassVar[str] = "adults"
    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        **_OUTCOME_MESSAGES,
        "code": {"literal_error": 'Must be an adult\'s outcome code, "a" to "j"'},
    }

    code: AdultOutcomeCode = Field(description=f"The outcome (reg 2(2)): {_table(ADULT_OUTCOMES)}")
    unable_reasons: list[AdultReasonCode] = Field(
        min_length=1, description=_REASONS_HELP + f"(reg 2(3)): {_reasons(ADULT_REASONS)}"
    )


class CarerOutcome(StrictRequest):
    """An outcome in reg 3(2) that the carer is unable to achieve, and why (reg 3(3): no "takes longer")."""

    error_noun: ClassVar[str] = "carers"
    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        **_OUTCOME_MESSAGES,
        "code": {"literal_error": 'Must be a carer\'s outcome code, "1" to "8"'},
        "unable_reasons": {
            **_OUTCOME_MESSAGES["unable_reasons"],
            "literal_error": "{input} is not a reason for carers: use {allowed} "
            '(carers have no "takes_significantly_longer" reason)',
        },
    }

    code: CarerOutcomeCode = Field(description=f"The outcome (reg 3(2)): {_table(CARER_OUTCOMES)}")
    unable_reasons: list[CarerReasonCode] = Field(
        min_length=1,
        description=_REASONS_HELP
        + f'(reg 3(3)): {_reasons(CARER_REASONS)}. Carers have no "takes_significantly_longer" reason.',
    )


_OUTCOMES_HELP = "Only the outcomes the person is unable to achieve, each once (an empty list if none)."


def _outcomes_messages(count: int) -> dict[str, dict[str, str]]:
    return {
        "outcomes": {
            "missing": "This field is required: give a list of the outcomes the person is unable to achieve "
            "([] if none)",
            "too_long": f"List each outcome at most once: there are {count}",
        }
    }


class AdultEligibilityRequest(StrictRequest):
    """An adult who needs care and support (reg 2): eligible if all three conditions hold."""

    error_noun: ClassVar[str] = "adults"
    error_messages: ClassVar[dict[str, dict[str, str]]] = _outcomes_messages(len(ADULT_OUTCOMES))

    kind: Literal["adult"]
    needs_arise_from_impairment_or_illness: bool = Field(
        description="The needs arise from, or are related to, a physical or mental impairment or illness (reg 2(1)(a))"
    )
    outcomes: list[AdultOutcome] = Field(
        max_length=len(ADULT_OUTCOMES), description=_OUTCOMES_HELP + " Two or more are needed (reg 2(1)(b))."
    )
    significant_impact_on_wellbeing: bool = Field(
        description="As a consequence there is, or is likely to be, a significant impact on well-being (reg 2(1)(c))"
    )


class CarerEligibilityRequest(StrictRequest):
    """A carer (reg 3): eligible whatever the eligibility of the adult they care for."""

    error_noun: ClassVar[str] = "carers"
    error_messages: ClassVar[dict[str, dict[str, str]]] = _outcomes_messages(len(CARER_OUTCOMES))

    kind: Literal["carer"]
    needs_arise_from_providing_necessary_care: bool = Field(
        description="The needs arise as a consequence of providing necessary care for an adult (reg 3(1)(a))"
    )
    health_deteriorating: bool = Field(
        description="The carer's physical or mental health is, or is at risk of, deteriorating (reg 3(2)(a))"
    )
    outcomes: list[CarerOutcome] = Field(
        max_length=len(CARER_OUTCOMES),
        description=_OUTCOMES_HELP + " One is enough, as is health deteriorating (reg 3(2)(b)).",
    )
    significant_impact_on_wellbeing: bool = Field(
        description="As a consequence there is, or is likely to be, a significant impact on well-being (reg 3(1)(c))"
    )


EligibilityRequest = Annotated[AdultEligibilityRequest | CarerEligibilityRequest, Field(discriminator="kind")]


class EligibilityResponse(Schema):
    eligible: bool = Field(description="Whether the needs meet the national eligibility criteria")
    outcomes_unable: list[str] = Field(description="The outcome codes the person is unable to achieve, in list order")
    explanation: list[str] = Field(
        description="Plain-English sentences: one per condition (met or not, and why), then the conclusion"
    )


def eligibility_for(payload: AdultEligibilityRequest | CarerEligibilityRequest) -> EligibilityResult:
    """Run the rules for a validated request; duplicates and rule errors become ApiError (400)."""
    errors: list[tuple[str, str]] = []
    unable: dict[str, list[str]] = {}
    for index, outcome in enumerate(payload.outcomes):
        if outcome.code in unable:
            errors.append(
                (
                    f"outcomes[{index}].code",
                    f'Outcome "{outcome.code}" is listed more than once: list it once, with all its reasons',
                )
            )
        unable.setdefault(outcome.code, []).extend(outcome.unable_reasons)
    if errors:
        raise ApiError(errors)
    try:
        if isinstance(payload, AdultEligibilityRequest):
            return adult_eligibility(
                needs_arise_from_impairment_or_illness=payload.needs_arise_from_impairment_or_illness,
                unable=unable,
                significant_impact_on_wellbeing=payload.significant_impact_on_wellbeing,
            )
        return carer_eligibility(
            needs_arise_from_providing_necessary_care=payload.needs_arise_from_providing_necessary_care,
            health_deteriorating=payload.health_deteriorating,
            unable=unable,
            significant_impact_on_wellbeing=payload.significant_impact_on_wellbeing,
        )
    except EligibilityInputError as exc:  # the schema should have caught these; kept as a safety net
        raise ApiError([(_api_field(field, payload), message) for field, message in exc.errors]) from exc


def _api_field(field: str, payload: Any) -> str:
    """The rules' "unable.<code>" as the request's "outcomes[i].code"."""
    if field.startswith("unable."):
        code = field.removeprefix("unable.")
        for index, outcome in enumerate(payload.outcomes):
            if outcome.code == code:
                return f"outcomes[{index}].unable_reasons"
    return field


@router.post(
    "/eligibility",
    response={200: EligibilityResponse, 400: ErrorResponse},
    summary="Check needs against the national eligibility criteria",
    description=(
        "Care and Support (Eligibility Criteria) Regulations 2015: an adult's needs (reg 2) or a carer's "
        '(reg 3), chosen by "kind". A guide only: the council\'s assessment decides. No sign-in; nothing is '
        "stored. Invalid input gets 400 with a list of errors, each naming the field."
    ),
    operation_id="calculate_eligibility",
)
def eligibility(request, payload: EligibilityRequest):
    result = eligibility_for(payload)
    return {"eligible": result.eligible, "outcomes_unable": result.outcomes_unable, "explanation": result.explanation}
