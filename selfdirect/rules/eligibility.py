"""National eligibility criteria: Care and Support (Eligibility Criteria) Regulations 2015 (SI 2015/313).

Adults who need care and support (reg 2) and carers (reg 3). Source and wording:
shared/reference/care-act-and-cld.md section 1. Pure Python, no Django: the API, the public checker
and (later) the practitioner's eligibility decision all call the same two functions.

- Adults (reg 2(1)): eligible iff the needs arise from, or are related to, a physical or mental
  impairment or illness; AND because of them the adult is unable to achieve 2 or more of the 10
  outcomes in reg 2(2); AND as a consequence there is, or is likely to be, a significant impact on
  the adult's well-being. "Unable to achieve" (reg 2(3)) has four limbs, see `Reason`.
- Carers (reg 3(1)-(2)): eligible iff the needs arise from providing necessary care for an adult;
  AND the carer's physical or mental health is, or is at risk of, deteriorating OR the carer is unable
  to achieve any 1 of the 8 outcomes in reg 3(2); AND there is, or is likely to be, a significant
  impact on the carer's well-being. Reg 3(3) has no "takes significantly longer" limb. A carer can be
  eligible whatever the eligibility of the person they care for.

There is no hierarchy among the outcomes: only the count matters.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

# Reg 2(2), in regulation order, with the regulation's wording.
ADULT_OUTCOMES: dict[str, str] = {
    "a": "managing and maintaining nutrition",
    "b": "maintaining personal hygiene",
    "c": "managing toilet needs",
    "d": "being appropriately clothed",
    "e": "being able to make use of the adult's home safely",
    "f": "maintaining a habitable home environment",
    "g": "developing and maintaining family or other personal relationships",
    "h": "accessing and engaging in work, training, education or volunteering",
    "i": (
        "making use of necessary facilities or services in the local community including public transport, "
        "and recreational facilities or services"
    ),
    "j": "carrying out any caring responsibilities the adult has for a child",
}

# Reg 3(2), the carers' list, in the reference order.
CARER_OUTCOMES: dict[str, str] = {
    "1": "carrying out any caring responsibilities the carer has for a child",
    "2": "providing care to other persons for whom the carer provides care",
    "3": (
        "maintaining a habitable home environment in the carer's home (whether or not this is also the home "
        "of the adult needing care)"
    ),
    "4": "managing and maintaining nutrition",
    "5": "developing and maintaining family or other personal relationships",
    "6": "engaging in work, training, education or volunteering",
    "7": "making use of necessary facilities or services in the local community, including recreational facilities "
    "or services",
    "8": "engaging in recreational activities",
}

ADULT_MIN_OUTCOMES = 2  # reg 2(1)(b): "two or more"
CARER_MIN_OUTCOMES = 1  # reg 3(2)(b): "any" one


class Reason(StrEnum):
    """Why an outcome counts as one the person is unable to achieve (reg 2(3), reg 3(3))."""

    WITHOUT_ASSISTANCE = "without_assistance"
    PAIN_DISTRESS_ANXIETY = "pain_distress_anxiety"
    ENDANGERS_HEALTH_SAFETY = "endangers_health_safety"
    TAKES_SIGNIFICANTLY_LONGER = "takes_significantly_longer"


# Reg 2(3)(a)-(d), in order.
ADULT_REASONS: tuple[Reason, ...] = (
    Reason.WITHOUT_ASSISTANCE,
    Reason.PAIN_DISTRESS_ANXIETY,
    Reason.ENDANGERS_HEALTH_SAFETY,
    Reason.TAKES_SIGNIFICANTLY_LONGER,
)
# Reg 3(3): carers have no "takes significantly longer" limb.
CARER_REASONS: tuple[Reason, ...] = ADULT_REASONS[:3]

# Plain English, condition-neutral. "Without assistance" includes needing prompting (statutory guidance).
REASON_TEXT: dict[Reason, str] = {
    Reason.WITHOUT_ASSISTANCE: "needs help or prompting to do it",
    Reason.PAIN_DISTRESS_ANXIETY: "doing it alone causes significant pain, distress or anxiety",
    Reason.ENDANGERS_HEALTH_SAFETY: "doing it alone puts their health or safety, or someone else's, at risk",
    Reason.TAKES_SIGNIFICANTLY_LONGER: "doing it alone takes significantly longer than would normally be expected",
}


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    outcomes_unable: list[str]  # codes, in list order (a..j or 1..8), each once
    explanation: list[str]  # one sentence per condition, then the conclusion


class EligibilityInputError(ValueError):
    """The answers cannot be assessed: `errors` lists (field, message) pairs a person can act on."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))


def _require_bools(errors: list[tuple[str, str]], **values: object) -> None:
    for name, value in values.items():
        if not isinstance(value, bool):
            errors.append((name, "Answer yes (True) or no (False)"))


def _validate_unable(
    unable: Mapping[str, Iterable[str]],
    *,
    outcomes: dict[str, str],
    allowed: tuple[Reason, ...],
    who: str,
    errors: list[tuple[str, str]],
) -> list[str]:
    """Check the outcome codes and their reasons; return the codes unable, in list order."""
    if not isinstance(unable, Mapping):
        errors.append(("unable", "Give the outcomes as a mapping of outcome code to reasons"))
        return []
    allowed_values = [r.value for r in allowed]
    for code, reasons in unable.items():
        field = f"unable.{code}"
        if code not in outcomes:
            errors.append((field, f"{code!r} is not an outcome for {who}: use one of {', '.join(outcomes)}"))
            continue
        if isinstance(reasons, str | bytes) or not isinstance(reasons, Iterable):
            errors.append((field, "Give the reasons as a list, for example ['without_assistance']"))
            continue
        given = list(reasons)
        if not given:
            errors.append((field, f"Give at least one reason why “{outcomes[code]}” cannot be achieved"))
        for reason in given:
            if reason == Reason.TAKES_SIGNIFICANTLY_LONGER and reason not in allowed_values:
                errors.append(
                    (field, f"“Takes significantly longer” does not apply to {who}: use one of {', '.join(allowed)}")
                )
            elif reason not in allowed_values:
                errors.append((field, f"{reason!r} is not a reason: use one of {', '.join(allowed)}"))
    return [code for code in outcomes if code in unable]


def _outcome_list(codes: list[str], outcomes: dict[str, str]) -> str:
    return "; ".join(outcomes[code] for code in codes)


def _conclusion(unmet: list[str]) -> str:
    if not unmet:
        return "All three conditions are met, therefore your needs are eligible."
    if len(unmet) == 1:
        return f"Your needs are not eligible, because this condition is not met: {unmet[0]}."
    return f"Your needs are not eligible, because these conditions are not met: {'; '.join(unmet)}."


def _with_wellbeing(significant: bool, explanation: list[str], unmet: list[str], codes: list[str]):
    """The third condition, the same for adults and carers, then the verdict."""
    if significant:
        explanation.append("As a result, there is, or is likely to be, a significant impact on your well-being.")
    else:
        explanation.append(
            "As a result, there is not, and is not likely to be, a significant impact on your well-being."
        )
        unmet.append("there must be, or be likely to be, a significant impact on your well-being")
    explanation.append(_conclusion(unmet))
    return EligibilityResult(eligible=not unmet, outcomes_unable=codes, explanation=explanation)


def adult_eligibility(
    *,
    needs_arise_from_impairment_or_illness: bool,
    unable: Mapping[str, Iterable[str]],
    significant_impact_on_wellbeing: bool,
) -> EligibilityResult:
    """Reg 2: are an adult's needs for care and support eligible?

    `unable` maps each outcome code ("a".."j") the adult cannot achieve to one or more `Reason`s.
    Raises EligibilityInputError for unknown codes or reasons, or an outcome without a reason.
    """
    errors: list[tuple[str, str]] = []
    _require_bools(
        errors,
        needs_arise_from_impairment_or_illness=needs_arise_from_impairment_or_illness,
        significant_impact_on_wellbeing=significant_impact_on_wellbeing,
    )
    codes = _validate_unable(unable, outcomes=ADULT_OUTCOMES, allowed=ADULT_REASONS, who="adults", errors=errors)
    if errors:
        raise EligibilityInputError(errors)

    enough_outcomes = len(codes) >= ADULT_MIN_OUTCOMES
    explanation: list[str] = []
    unmet: list[str] = []

    if needs_arise_from_impairment_or_illness:
        explanation.append("Your needs arise from, or are related to, a physical or mental impairment or illness.")
    else:
        explanation.append(
            "Your needs do not arise from, and are not related to, a physical or mental impairment or illness."
        )
        unmet.append("the needs must arise from, or be related to, a physical or mental impairment or illness")

    if codes:
        explanation.append(
            f"You are unable to achieve {len(codes)} of the specified outcomes "
            f"(you need {ADULT_MIN_OUTCOMES} or more): {_outcome_list(codes, ADULT_OUTCOMES)}."
        )
    else:
        explanation.append(
            f"You are able to achieve all of the specified outcomes (you need to be unable to achieve "
            f"{ADULT_MIN_OUTCOMES} or more)."
        )
    if not enough_outcomes:
        unmet.append(f"you must be unable to achieve {ADULT_MIN_OUTCOMES} or more of the specified outcomes")

    return _with_wellbeing(significant_impact_on_wellbeing, explanation, unmet, codes)


def carer_eligibility(
    *,
    needs_arise_from_providing_necessary_care: bool,
    health_deteriorating: bool,
    unable: Mapping[str, Iterable[str]],
    significant_impact_on_wellbeing: bool,
) -> EligibilityResult:
    """Reg 3: are a carer's needs for support eligible?

    `unable` maps each carer outcome code ("1".."8") the carer cannot achieve to one or more `Reason`s
    (not TAKES_SIGNIFICANTLY_LONGER). `health_deteriorating` means the carer's physical or mental health
    is, or is at risk of, deteriorating. The cared-for adult's own eligibility plays no part.
    """
    errors: list[tuple[str, str]] = []
    _require_bools(
        errors,
        needs_arise_from_providing_necessary_care=needs_arise_from_providing_necessary_care,
        health_deteriorating=health_deteriorating,
        significant_impact_on_wellbeing=significant_impact_on_wellbeing,
    )
    codes = _validate_unable(unable, outcomes=CARER_OUTCOMES, allowed=CARER_REASONS, who="carers", errors=errors)
    if errors:
        raise EligibilityInputError(errors)

    explanation: list[str] = []
    unmet: list[str] = []

    if needs_arise_from_providing_necessary_care:
        explanation.append("Your needs arise as a consequence of providing necessary care for an adult.")
    else:
        explanation.append("Your needs do not arise as a consequence of providing necessary care for an adult.")
        unmet.append("the needs must arise as a consequence of providing necessary care for an adult")

    outcomes_text = _outcome_list(codes, CARER_OUTCOMES)
    health = "your physical or mental health is, or is at risk of, deteriorating"
    if health_deteriorating and codes:
        explanation.append(
            f"{health.capitalize()}, and you are unable to achieve {len(codes)} of the specified "
            f"outcomes: {outcomes_text}. Either of these is enough."
        )
    elif health_deteriorating:
        explanation.append(
            f"{health.capitalize()}. This is enough on its own, even though you can achieve all of the "
            "specified outcomes."
        )
    elif codes:
        explanation.append(
            f"You are unable to achieve {len(codes)} of the specified outcomes "
            f"(you need {CARER_MIN_OUTCOMES} or more, or a risk to your health): {outcomes_text}."
        )
    else:
        explanation.append(
            "Your physical or mental health is not deteriorating or at risk of deteriorating, and you are able "
            "to achieve all of the specified outcomes (you need one or the other)."
        )
        unmet.append(
            "your health must be, or be at risk of, deteriorating, or you must be unable to achieve at least "
            "one of the specified outcomes"
        )

    return _with_wellbeing(significant_impact_on_wellbeing, explanation, unmet, codes)
