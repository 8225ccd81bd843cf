"""Independent advocacy, Care Act s67-s68 (reference section 3, "s67-s68").

The council must arrange an independent advocate when, without one, the person would have substantial
difficulty being involved, unless an appropriate person (not paid or professional) can support them.
Some situations need an advocate even when an appropriate person exists.
"""

from collections.abc import Iterable
from enum import StrEnum


class Difficulty(StrEnum):
    """The four s67(4) areas of substantial difficulty."""

    UNDERSTANDING = "understanding"
    RETAINING = "retaining"
    WEIGHING = "weighing"
    COMMUNICATING = "communicating"


DIFFICULTY_TEXT = {
    Difficulty.UNDERSTANDING: "understanding relevant information",
    Difficulty.RETAINING: "retaining that information",
    Difficulty.WEIGHING: "using or weighing that information as part of being involved",
    Difficulty.COMMUNICATING: "communicating their views, wishes or feelings",
}


class Exception_(StrEnum):
    """Situations where an advocate is needed even if an appropriate person exists (reference, tri.x 241)."""

    HOSPITAL_28_DAYS = "hospital_28_days"
    CARE_HOME_8_WEEKS = "care_home_8_weeks"
    DISAGREEMENT = "disagreement"


EXCEPTION_TEXT = {
    Exception_.HOSPITAL_28_DAYS: "a likely NHS hospital stay of 28 days or more",
    Exception_.CARE_HOME_8_WEEKS: "a likely care home stay of 8 weeks or more",
    Exception_.DISAGREEMENT: "the council and the appropriate person disagree",
}


def advocate_required(*, difficulties: Iterable[str], has_appropriate_person: bool, exceptions: Iterable[str] = ()):
    """Whether the council must arrange an independent advocate."""
    if not set(difficulties):
        return False
    return not has_appropriate_person or bool(set(exceptions))


def signoff_blockers(
    *,
    difficulties: Iterable[str],
    has_appropriate_person: bool,
    advocate_arranged: bool,
    exceptions: Iterable[str] = (),
) -> list[str]:
    """What stops an assessment being signed off, as messages a worker can act on (empty: nothing)."""
    difficulties = [Difficulty(d) for d in difficulties]
    exceptions = [Exception_(e) for e in exceptions]
    if not advocate_required(
        difficulties=difficulties, has_appropriate_person=has_appropriate_person, exceptions=exceptions
    ):
        return []
    if advocate_arranged:
        return []
    areas = "; ".join(DIFFICULTY_TEXT[d] for d in difficulties)
    if has_appropriate_person:
        why = "; ".join(EXCEPTION_TEXT[e] for e in exceptions)
        return [
            f"An independent advocate must be arranged before sign-off: the person has substantial difficulty "
            f"with {areas}, and although an appropriate person is recorded, there is {why}."
        ]
    return [
        f"An independent advocate must be arranged before sign-off: the person has substantial difficulty with "
        f"{areas}, and no appropriate person is recorded. Record an appropriate person, or arrange an advocate."
    ]
