"""Direct-payment suitability (Care Act s31 and s32): which conditions apply, and which are not met.

Pure rules, no Django. Reference: shared/reference/care-act-and-cld.md section 3 (s31-s33). The s32 conditions
3-5 are a paraphrase there (verbatim UNCONFIRMED), and are worded here as the reference paraphrases them.
"""

S31_PERSON = "s31_person"
S31_NOMINEE = "s31_nominee"
S32_AUTHORISED = "s32_authorised"
ROUTES = {
    S31_PERSON: "To the person, who has capacity (s31)",
    S31_NOMINEE: "To a nominated person the person chose, who has capacity (s31)",
    S32_AUTHORISED: "To an authorised person, because the person lacks capacity to request them (s32)",
}

CONDITIONS = {
    S31_PERSON: {
        "c1": "The person has capacity to make the request",
        "c2": "The direct payments regulations do not prohibit it, and the council is not using a discretion "
        "they give to refuse",
        "c3": "The person can manage direct payments, alone or with the help the council thinks they can get",
        "c4": "Direct payments are an appropriate way to meet the needs",
    },
    S31_NOMINEE: {
        "c1": "The person has capacity to make the request, and the nominated person agrees to receive the payments",
        "c2": "The direct payments regulations do not prohibit it, and the council is not using a discretion "
        "they give to refuse",
        "c3": "The nominated person can manage direct payments, alone or with the help the council thinks they can get",
        "c4": "Direct payments are an appropriate way to meet the needs",
    },
    S32_AUTHORISED: {
        "c1": "If the authorised person is not authorised under the Mental Capacity Act but someone else is, that "
        "person supports the request",
        "c2": "The direct payments regulations do not prohibit it, and the council is not using a discretion "
        "they give to refuse",
        "c3": "The authorised person will act in the person's best interests in arranging their care",
        "c4": "The authorised person can manage direct payments, with help if needed",
        "c5": "Direct payments are an appropriate way to meet the needs",
    },
}


def route_for(*, has_capacity: bool, to_nominee: bool) -> str:
    """s31 when the person can make the request (to them or their nominee); s32 when they cannot."""
    if not has_capacity:
        return S32_AUTHORISED
    return S31_NOMINEE if to_nominee else S31_PERSON


def unmet(route: str, answers: dict[str, bool]) -> list[str]:
    """The conditions of the route that are not recorded as met; all met means the council must pay."""
    if route not in CONDITIONS:
        raise ValueError(f"Unknown direct payment route: {route}")
    return [text for key, text in CONDITIONS[route].items() if not answers.get(key)]
