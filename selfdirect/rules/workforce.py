"""Workforce readiness for personalisation: the training topics, the readiness survey's default questions, the
published sector figures they are compared with, and the statistics behind the results. Pure, no Django.

Sources (../shared/reference/workforce-surveys.md): Community Care surveys of adult social workers, October 2008
(600 social workers), February 2009 (with the Department of Health and SCIE, 400+ council social workers and
managers), 2010 (with Unison) and 2011.
"""

import math
from dataclasses import dataclass

# --- Training topics -------------------------------------------------------------------------------------------
# The topics the sector named for training and skills (workforce-surveys.md, "Other figures from the same coverage").
TOPICS: tuple[tuple[str, str], ...] = (
    ("direct_payments", "Direct payments"),
    ("personal_budgets", "Individual and personal budgets"),
    ("self_directed_support", "Self-directed support"),
    ("support_planning", "Support planning"),
    ("brokerage", "Brokerage"),
    ("employing_pas", "Employing personal assistants"),
    ("failed_arrangements", "Failed arrangements and contingency planning"),
    ("private_sector", "Private-sector care options"),
    ("safeguarding", "Adult safeguarding"),
    ("risk_assessment", "Risk assessment"),
    ("advocacy_capacity", "Advocacy for people who lack capacity"),
)
TOPIC_LABELS = dict(TOPICS)


def topic_label(code: str) -> str:
    return TOPIC_LABELS.get(code, code)


# --- Anonymity ---------------------------------------------------------------------------------------------------
# No result (overall or for a team or role) is shown for fewer respondents than this. A national constant of this
# product rather than a council setting, so no council can lower it: five is the smallest group the ONS and NHS
# Digital commonly publish small counts for, and below it a colleague can often guess who answered what.
MIN_GROUP_SIZE = 5


def groups_to_show(sizes: dict[str, int], minimum: int = MIN_GROUP_SIZE) -> set[str]:
    """The groups (disjoint, together making the whole) whose results may be shown.

    A group smaller than `minimum` is hidden. If the hidden groups together hold between 1 and minimum - 1 people,
    their answers could be worked out as the total minus the groups shown, so the smallest shown group is hidden as
    well, until the hidden remainder is empty or at least `minimum` (secondary suppression)."""
    shown = {name for name, size in sizes.items() if size >= minimum}
    while True:
        hidden = sum(size for name, size in sizes.items() if name not in shown)
        if hidden == 0 or hidden >= minimum or not shown:
            return shown
        shown.remove(min(shown, key=lambda name: (sizes[name], name)))


# --- Statistics --------------------------------------------------------------------------------------------------
Z_95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (Wilson 1927): better than p ± z·se for small groups and for
    proportions near 0 or 1, and never outside [0, 1].

        centre = (x + z²/2) / (n + z²)
        half   = z / (n + z²) · sqrt(x(n − x)/n + z²/4)
    """
    if total <= 0:
        raise ValueError("A proportion needs at least one answer.")
    if not 0 <= successes <= total:
        raise ValueError("Successes must be between 0 and the total.")
    z2 = z * z
    denominator = total + z2
    centre = (successes + z2 / 2) / denominator
    half = z / denominator * math.sqrt(successes * (total - successes) / total + z2 / 4)
    # Rounding can leave the ends a hair outside [0, 1] or past p when x is 0 or n.
    p = successes / total
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def percent(value: float) -> int:
    """A proportion as a whole percentage, rounding halves up (as published figures are)."""
    return int(math.floor(value * 100 + 0.5))


# --- Answer scales -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    code: str
    label: str
    options: tuple[tuple[str, str], ...]
    # The options the headline percentage counts, and what that percentage means.
    counts: tuple[str, ...]
    measure: str


SCALES: dict[str, Scale] = {
    s.code: s
    for s in (
        Scale(
            "informed",
            "How well informed",
            (
                ("very", "Very well informed"),
                ("fairly", "Fairly well informed"),
                ("not_very", "Not very well informed"),
                ("little", "I know little or nothing about it"),
            ),
            ("very", "fairly"),
            "well informed",
        ),
        Scale(
            "agree",
            "Agree or disagree",
            (
                ("strongly_agree", "Strongly agree"),
                ("agree", "Agree"),
                ("neither", "Neither agree nor disagree"),
                ("disagree", "Disagree"),
                ("strongly_disagree", "Strongly disagree"),
            ),
            ("strongly_agree", "agree"),
            "agree",
        ),
        Scale("yes_no", "Yes or no", (("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")), ("yes",), "yes"),
    )
}
SCALE_CHOICES = [(s.code, s.label) for s in SCALES.values()]


# --- Published benchmarks ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Benchmark:
    year: int
    source: str
    population: str
    percent: int
    # What was counted: "" for the question's headline measure, or one option of its scale (for example the 2010
    # figure for people who understood "little or nothing" about budgets).
    option: str = ""
    note: str = ""


CC_2008 = "Community Care survey, October 2008 (600 social workers)"
CC_2009 = "Community Care with the Department of Health and SCIE, February 2009"
CC_2010 = "Community Care with Unison, 2010"
CC_2011 = "Community Care, 2011"
ALL = "all respondents"
LA = "local authority staff"


@dataclass(frozen=True)
class DefaultQuestion:
    key: str
    text: str
    scale: str
    topic: str = ""
    hint: str = ""


# The default readiness survey. Keys are stable: each maps to its benchmarks below, and rounds are compared by key.
DEFAULT_QUESTIONS: tuple[DefaultQuestion, ...] = (
    DefaultQuestion("informed_direct_payments", "How well informed do you feel about direct payments?", "informed",
                    "direct_payments"),
    DefaultQuestion("informed_personal_budgets",
                    "How well informed do you feel about individual and personal budgets?", "informed",
                    "personal_budgets"),
    DefaultQuestion("informed_self_directed_support", "How well informed do you feel about self-directed support?",
                    "informed", "self_directed_support"),
    DefaultQuestion("informed_brokerage", "How well informed do you feel about brokerage?", "informed", "brokerage",
                    "Helping a person find, negotiate and arrange the support in their plan"),
    DefaultQuestion("informed_safeguarding",
                    "How well informed do you feel about adult safeguarding where people arrange their own care?",
                    "informed", "safeguarding"),
    DefaultQuestion("informed_employing_pas",
                    "How well informed do you feel about people employing their own personal assistants?",
                    "informed", "employing_pas"),
    DefaultQuestion("informed_failed_arrangements",
                    "How well informed do you feel about what to do when an arrangement fails?", "informed",
                    "failed_arrangements"),
    DefaultQuestion("informed_private_sector", "How well informed do you feel about private-sector care options?",
                    "informed", "private_sector"),
    DefaultQuestion("unsure_risk_from_own_care",
                    "Would you be unsure what to do if care a person arranged for themselves put them at risk?",
                    "yes_no", "safeguarding"),
    DefaultQuestion("need_brokerage_skills", "Do you need brokerage skills to deliver personalisation?", "yes_no",
                    "brokerage"),
    DefaultQuestion("have_brokerage_skills", "Do you have the brokerage skills to deliver personalisation?",
                    "yes_no", "brokerage"),
    DefaultQuestion("need_training_employing_pas",
                    "Would you need training to support people employing personal assistants?", "yes_no",
                    "employing_pas"),
    DefaultQuestion("need_training_failed_arrangements",
                    "Would you need training to deal with failed arrangements?", "yes_no", "failed_arrangements"),
    DefaultQuestion("need_training_private_sector",
                    "Would you need training in private-sector care options?", "yes_no", "private_sector"),
    DefaultQuestion("training_needs_met", "Are your training needs on personalisation met by the council?",
                    "yes_no"),
    DefaultQuestion("attitude_extend_to_all", "Extending personalisation to all users is appropriate.", "agree"),
    DefaultQuestion("attitude_more_vulnerable", "Personalisation risks making users more vulnerable.", "agree"),
    DefaultQuestion("attitude_people_benefit", "The people I work with would benefit from personal budgets.",
                    "agree"),
    DefaultQuestion("attitude_check_pas",
                    "People hired with direct payments should have to pass mandatory checks.", "agree"),
    DefaultQuestion("attitude_regulate_providers",
                    "All care providers should be regulated, whatever their size.", "agree"),
)  # fmt: skip

BENCHMARKS: dict[str, tuple[Benchmark, ...]] = {
    "informed_direct_payments": (Benchmark(2008, CC_2008, ALL, 50), Benchmark(2008, CC_2008, LA, 70)),
    "informed_personal_budgets": (
        Benchmark(2008, CC_2008, ALL, 22, note="asked about individual budgets"),
        Benchmark(2010, CC_2010, ALL, 57, note="asked about individual budgets"),
        Benchmark(2010, CC_2010, ALL, 14, option="little", note="understood little or nothing"),
    ),
    "informed_self_directed_support": (Benchmark(2008, CC_2008, ALL, 19),),
    "unsure_risk_from_own_care": (Benchmark(2010, CC_2010, ALL, 37, note="lacked this knowledge"),),
    "need_brokerage_skills": (Benchmark(2010, CC_2010, ALL, 63),),
    "have_brokerage_skills": (Benchmark(2010, CC_2010, ALL, 31),),
    "need_training_employing_pas": (Benchmark(2008, CC_2008, LA, 77),),
    "need_training_failed_arrangements": (Benchmark(2008, CC_2008, LA, 89),),
    "need_training_private_sector": (Benchmark(2008, CC_2008, LA, 85),),
    # 46% said their personalisation training needs were NOT met: as "met" that is at most 54%, so it is shown as
    # the share answering "no".
    "training_needs_met": (Benchmark(2009, CC_2009, ALL, 46, option="no", note="needs not met by their employer"),),
    "attitude_extend_to_all": (Benchmark(2008, CC_2008, ALL, 11), Benchmark(2008, CC_2008, LA, 14)),
    "attitude_more_vulnerable": (Benchmark(2008, CC_2008, LA, 96, note="feared it risks this"),),
    "attitude_people_benefit": (Benchmark(2011, CC_2011, ALL, 41),),
    "attitude_check_pas": (Benchmark(2008, CC_2008, ALL, 93),),
    "attitude_regulate_providers": (Benchmark(2008, CC_2008, ALL, 69),),
}
BENCHMARK_CHOICES = [(key, key.replace("_", " ")) for key in BENCHMARKS]
