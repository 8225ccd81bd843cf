"""Mental Capacity Act 2005 two-stage test, recorded for one decision at a time.

Stage 1 (diagnostic): is there an impairment of, or disturbance in the functioning of, the mind or brain?
Stage 2 (functional): because of it, is the person unable to understand, retain, use or weigh the
information relevant to the decision, or communicate their decision? A person lacks capacity for the
decision only if stage 1 is met and at least one stage 2 ability is missing.
"""

ABILITIES = {
    "understand": "understand the information relevant to the decision",
    "retain": "retain that information",
    "use_or_weigh": "use or weigh that information as part of making the decision",
    "communicate": "communicate their decision (by any means)",
}


def lacks_capacity(*, impairment: bool, abilities: dict[str, bool]) -> bool:
    """True only when there is an impairment and at least one of the four abilities is missing."""
    missing = [name for name in ABILITIES if not abilities.get(name, False)]
    return impairment and bool(missing)


def capacity_summary(*, impairment: bool, abilities: dict[str, bool], decision: str) -> str:
    if not impairment:
        return f"Has capacity to decide {decision}: no impairment of the mind or brain was found (stage 1)."
    missing = [ABILITIES[name] for name in ABILITIES if not abilities.get(name, False)]
    if not missing:
        return f"Has capacity to decide {decision}: able to do all four things the functional test asks."
    return f"Lacks capacity to decide {decision}: unable to " + "; ".join(missing) + "."
