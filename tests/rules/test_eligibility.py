"""National eligibility criteria (SI 2015/313), from shared/reference/care-act-and-cld.md section 1.

Adults (reg 2): eligible iff the needs arise from an impairment or illness AND the adult is unable to achieve
2 or more of the 10 outcomes AND there is a significant impact on well-being. Carers (reg 3): eligible iff
the needs arise from providing necessary care AND (health deteriorating OR unable to achieve any 1 of the 8
outcomes) AND a significant impact on well-being; carers have no "takes significantly longer" limb.
"""

import ast
import inspect
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules import eligibility
from selfdirect.rules.eligibility import (
    ADULT_OUTCOMES,
    ADULT_REASONS,
    CARER_OUTCOMES,
    CARER_REASONS,
    REASON_TEXT,
    EligibilityInputError,
    EligibilityResult,
    Reason,
    adult_eligibility,
    carer_eligibility,
)

WITHOUT = [Reason.WITHOUT_ASSISTANCE]


def adult(*, impairment=True, unable=None, impact=True) -> EligibilityResult:
    return adult_eligibility(
        needs_arise_from_impairment_or_illness=impairment,
        unable=unable if unable is not None else {},
        significant_impact_on_wellbeing=impact,
    )


def carer(*, care=True, health=False, unable=None, impact=True) -> EligibilityResult:
    return carer_eligibility(
        needs_arise_from_providing_necessary_care=care,
        health_deteriorating=health,
        unable=unable if unable is not None else {},
        significant_impact_on_wellbeing=impact,
    )


# --- the code lists ----------------------------------------------------------------------------------------


def test_adult_outcomes_are_the_regulation_list_in_order():
    """Codes a..j carry reg 2(2)'s wording exactly as in the reference table."""
    assert list(ADULT_OUTCOMES) == list("abcdefghij")
    assert ADULT_OUTCOMES["a"] == "managing and maintaining nutrition"
    assert ADULT_OUTCOMES["e"] == "being able to make use of the adult's home safely"
    assert ADULT_OUTCOMES["i"] == (
        "making use of necessary facilities or services in the local community including public transport, "
        "and recreational facilities or services"
    )
    assert ADULT_OUTCOMES["j"] == "carrying out any caring responsibilities the adult has for a child"


def test_carer_outcomes_are_the_carers_list_in_order():
    """Codes 1..8 follow reg 3(2) in the reference order, child care first and recreation last."""
    assert list(CARER_OUTCOMES) == [str(n) for n in range(1, 9)]
    assert CARER_OUTCOMES["1"] == "carrying out any caring responsibilities the carer has for a child"
    assert CARER_OUTCOMES["4"] == "managing and maintaining nutrition"
    assert CARER_OUTCOMES["8"] == "engaging in recreational activities"


def test_reason_lists():
    """Adults have the four reg 2(3) limbs in order; carers the first three (no "takes significantly longer")."""
    assert ADULT_REASONS == (
        Reason.WITHOUT_ASSISTANCE,
        Reason.PAIN_DISTRESS_ANXIETY,
        Reason.ENDANGERS_HEALTH_SAFETY,
        Reason.TAKES_SIGNIFICANTLY_LONGER,
    )
    assert CARER_REASONS == (Reason.WITHOUT_ASSISTANCE, Reason.PAIN_DISTRESS_ANXIETY, Reason.ENDANGERS_HEALTH_SAFETY)
    assert Reason.TAKES_SIGNIFICANTLY_LONGER not in CARER_REASONS
    assert set(REASON_TEXT) == set(Reason)
    assert REASON_TEXT[Reason.WITHOUT_ASSISTANCE] == "needs help or prompting to do it"


def test_module_has_no_django_imports():
    """Rules are pure Python, usable in batch jobs without Django: no module it imports is Django's."""
    tree = ast.parse(Path(eligibility.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported
    assert not [name for name in imported if name.split(".")[0] in {"django", "ninja", "selfdirect"}]


# --- adults ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "eligible"),
    [
        ([], False),
        (["a"], False),
        (["a", "g"], True),
        (list("abcdefghij"), True),
    ],
    ids=["0 outcomes", "1 outcome", "2 outcomes", "10 outcomes"],
)
def test_adult_needs_two_or_more_outcomes(codes, eligible):
    """With both other conditions met, 0 or 1 outcomes is not eligible; 2 or more is."""
    result = adult(unable={code: WITHOUT for code in codes})
    assert result.eligible is eligible
    assert result.outcomes_unable == codes


@pytest.mark.parametrize(
    "changed",
    [{"impairment": False}, {"impact": False}, {"unable": {"a": WITHOUT}}],
    ids=["not from impairment or illness", "no significant impact", "only one outcome"],
)
def test_adult_each_condition_is_necessary(changed):
    """Failing any one of the three conditions makes an otherwise eligible adult ineligible."""
    base = {"impairment": True, "unable": {"a": WITHOUT, "b": WITHOUT}, "impact": True}
    assert adult(**base).eligible
    result = adult(**{**base, **changed})
    assert not result.eligible
    assert "not eligible" in result.explanation[-1]


@pytest.mark.parametrize("reason", list(Reason))
def test_adult_any_limb_makes_an_outcome_unable(reason):
    """Each of the four reg 2(3) limbs on its own counts an outcome as unable to be achieved."""
    result = adult(unable={"c": [reason], "h": [reason]})
    assert result.eligible
    assert result.outcomes_unable == ["c", "h"]


def test_adult_outcomes_are_reported_in_list_order():
    """outcomes_unable is in regulation order whatever order the mapping gives."""
    result = adult(unable={"j": WITHOUT, "a": WITHOUT, "e": [Reason.PAIN_DISTRESS_ANXIETY]})
    assert result.outcomes_unable == ["a", "e", "j"]


def test_adult_explanation_reads_for_the_person():
    """One sentence per condition, naming the outcomes in the regulation's words, then the conclusion."""
    result = adult(unable={"a": WITHOUT, "g": [Reason.PAIN_DISTRESS_ANXIETY]})
    assert result.explanation == [
        "Your needs arise from, or are related to, a physical or mental impairment or illness.",
        "You are unable to achieve 2 of the specified outcomes (you need 2 or more): managing and maintaining "
        "nutrition; developing and maintaining family or other personal relationships.",
        "As a result, there is, or is likely to be, a significant impact on your well-being.",
        "All three conditions are met, therefore your needs are eligible.",
    ]


def test_adult_explanation_names_every_unmet_condition():
    """When conditions fail, the conclusion says which ones."""
    result = adult(impairment=False, unable={"a": WITHOUT}, impact=True)
    conclusion = result.explanation[-1]
    assert conclusion.startswith("Your needs are not eligible, because these conditions are not met")
    assert "impairment or illness" in conclusion
    assert "2 or more" in conclusion
    assert "well-being" not in conclusion
    assert "You are unable to achieve 1 of the specified outcomes (you need 2 or more)" in result.explanation[1]


def test_adult_refuses_unknown_codes_and_reasons():
    """Unknown outcome codes (including carers' codes) and unknown reasons are errors, each named."""
    with pytest.raises(EligibilityInputError) as caught:
        adult(unable={"k": WITHOUT, "1": WITHOUT, "a": ["sometimes"]})
    fields = [field for field, _ in caught.value.errors]
    assert fields == ["unable.k", "unable.1", "unable.a"]
    assert isinstance(caught.value, ValueError)


def test_outcome_without_reasons_is_refused():
    """An outcome listed as unable must say why (at least one limb)."""
    with pytest.raises(EligibilityInputError) as caught:
        adult(unable={"a": [], "b": WITHOUT})
    assert caught.value.errors[0][0] == "unable.a"
    assert "at least one reason" in caught.value.errors[0][1]


def test_reasons_given_as_a_string_are_refused():
    """A bare string is not a list of reasons (it would otherwise be read letter by letter)."""
    with pytest.raises(EligibilityInputError):
        adult(unable={"a": "without_assistance", "b": WITHOUT})


@pytest.mark.parametrize("value", ["true", 1, None])
def test_booleans_must_be_booleans(value):
    """Only True and False answer the yes/no conditions; "true", 1 and None are refused."""
    with pytest.raises(EligibilityInputError) as caught:
        adult(impairment=value, unable={"a": WITHOUT, "b": WITHOUT})
    assert caught.value.errors[0][0] == "needs_arise_from_impairment_or_illness"


# --- carers ------------------------------------------------------------------------------------------------


def test_carer_health_deteriorating_alone_is_enough():
    """Reg 3(2)(a): health deteriorating satisfies the second condition with no outcome unable."""
    result = carer(health=True, unable={})
    assert result.eligible
    assert result.outcomes_unable == []
    assert "deteriorating" in result.explanation[1]


def test_carer_one_outcome_is_enough():
    """Reg 3(2)(b): any one outcome unable is enough (adults need two)."""
    result = carer(unable={"8": WITHOUT})
    assert result.eligible
    assert result.outcomes_unable == ["8"]
    assert "engaging in recreational activities" in result.explanation[1]


def test_carer_with_neither_health_nor_outcome_is_not_eligible():
    """Without deteriorating health and with every outcome achievable, the second condition fails."""
    result = carer(health=False, unable={})
    assert not result.eligible
    assert "this condition is not met" in result.explanation[-1]


@pytest.mark.parametrize("reason", CARER_REASONS)
def test_carer_each_limb_counts(reason):
    """Each of the three carers' limbs on its own makes an outcome unable."""
    assert carer(unable={"3": [reason]}).eligible


def test_carer_takes_significantly_longer_is_refused():
    """Reg 3(3) has no "takes significantly longer" limb: giving it is an input error, not a silent count."""
    with pytest.raises(EligibilityInputError) as caught:
        carer(unable={"1": [Reason.TAKES_SIGNIFICANTLY_LONGER]})
    field, message = caught.value.errors[0]
    assert field == "unable.1"
    assert "carers" in message


def test_carer_refuses_adult_codes():
    """Adults' letter codes are not carers' outcomes."""
    with pytest.raises(EligibilityInputError):
        carer(unable={"a": WITHOUT})


@pytest.mark.parametrize(
    "changed", [{"care": False}, {"impact": False}], ids=["not necessary care", "no significant impact"]
)
def test_carer_other_conditions_are_necessary(changed):
    """Even with deteriorating health and outcomes unable, each other condition must hold."""
    base = {"care": True, "health": True, "unable": {"2": WITHOUT}, "impact": True}
    assert carer(**base).eligible
    assert not carer(**{**base, **changed}).eligible


def test_carer_eligibility_does_not_depend_on_the_cared_for_person():
    """The carer's test takes no input about the adult cared for: an eligible carer is eligible regardless."""
    params = set(inspect.signature(carer_eligibility).parameters)
    assert params == {
        "needs_arise_from_providing_necessary_care",
        "health_deteriorating",
        "unable",
        "significant_impact_on_wellbeing",
    }


# --- properties --------------------------------------------------------------------------------------------

adult_unable = st.dictionaries(
    st.sampled_from(list(ADULT_OUTCOMES)),
    st.lists(st.sampled_from(ADULT_REASONS), min_size=1, max_size=4),
    max_size=10,
)
carer_unable = st.dictionaries(
    st.sampled_from(list(CARER_OUTCOMES)),
    st.lists(st.sampled_from(CARER_REASONS), min_size=1, max_size=3),
    max_size=8,
)


@given(
    impairment=st.booleans(),
    unable=adult_unable,
    impact=st.booleans(),
    extra=st.sampled_from(list(ADULT_OUTCOMES)),
    reason=st.sampled_from(ADULT_REASONS),
)
def test_adding_an_unable_outcome_never_makes_an_eligible_adult_ineligible(impairment, unable, impact, extra, reason):
    """Monotonic: more needs never reduce eligibility."""
    before = adult(impairment=impairment, unable=unable, impact=impact)
    after = adult(impairment=impairment, unable={**unable, extra: [*unable.get(extra, []), reason]}, impact=impact)
    if before.eligible:
        assert after.eligible


@given(impairment=st.booleans(), unable=adult_unable, impact=st.booleans())
def test_adult_eligible_iff_all_three_conditions(impairment, unable, impact):
    """Eligible implies (and is implied by) all three conditions, counting distinct outcomes."""
    result = adult(impairment=impairment, unable=unable, impact=impact)
    assert result.eligible == (impairment and len(unable) >= 2 and impact)


@given(care=st.booleans(), health=st.booleans(), unable=carer_unable, impact=st.booleans())
def test_carer_eligible_iff_conditions(care, health, unable, impact):
    """Eligible iff necessary care AND (health OR at least one outcome) AND significant impact."""
    result = carer(care=care, health=health, unable=unable, impact=impact)
    assert result.eligible == (care and (health or len(unable) >= 1) and impact)


@given(impairment=st.booleans(), unable=adult_unable, impact=st.booleans())
def test_adult_outcomes_unable_sorted_deduplicated_and_explained(impairment, unable, impact):
    """outcomes_unable is the distinct codes in list order; the explanation is never empty."""
    result = adult(impairment=impairment, unable=unable, impact=impact)
    order = list(ADULT_OUTCOMES)
    assert result.outcomes_unable == sorted(set(unable), key=order.index)
    assert len(result.outcomes_unable) == len(set(result.outcomes_unable))
    assert len(result.explanation) == 4
    assert all(sentence.strip().endswith(".") for sentence in result.explanation)


@given(care=st.booleans(), health=st.booleans(), unable=carer_unable, impact=st.booleans())
def test_carer_outcomes_unable_sorted_and_explained(care, health, unable, impact):
    """Carers' codes come back in list order 1..8; the explanation is never empty and ends with the verdict."""
    result = carer(care=care, health=health, unable=unable, impact=impact)
    order = list(CARER_OUTCOMES)
    assert result.outcomes_unable == sorted(set(unable), key=order.index)
    assert result.explanation
    assert ("therefore your needs are eligible" in result.explanation[-1]) == result.eligible


def test_result_is_frozen():
    """Results are values: they cannot be changed after the rules return them."""
    result = adult()
    with pytest.raises(AttributeError):
        result.eligible = True  # type: ignore[misc]
