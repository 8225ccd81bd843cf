"""Charging figures shipped with selfdirect, one set per financial year, each with its source.

Source: shared/reference/care-act-and-cld.md section 2. A figure the reference marks UNCONFIRMED is shipped
unconfirmed (with the best-known amount where there is one, else None): the engine refuses to use it until an
administrator confirms or sets it (money admin, "Charging figures"). Council policy settings default to the
statutory position and are the council's to change.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    key: str
    amount: Decimal | None
    confirmed: bool
    source: str


LABELS = {
    "capital_upper_limit": "Upper capital limit",
    "capital_lower_limit": "Lower capital limit",
    "tariff_step": "Capital per £1 a week of tariff income",
    "mig_single_18_24": "Minimum income guarantee: single, 18 to 24",
    "mig_single_25_to_pc_age": "Minimum income guarantee: single, 25 to pension credit age",
    "mig_single_pc_age": "Minimum income guarantee: single, pension credit age",
    "mig_lone_parent": "Minimum income guarantee: lone parent, 18 or over",
    "mig_couple_18_plus": "Minimum income guarantee: member of a couple, one or both 18 or over",
    "mig_couple_pc_age": "Minimum income guarantee: member of a couple, one or both pension credit age",
    "mig_per_child": "Minimum income guarantee: each dependent child",
    "premium_disability_single": "Disability premium (single)",
    "premium_enhanced_disability_single": "Enhanced disability premium (single)",
    "premium_disability_couple": "Disability premium (couple)",
    "premium_enhanced_disability_couple": "Enhanced disability premium (couple)",
    "premium_carer": "Carer premium",
    "personal_expenses_allowance": "Personal expenses allowance (care homes)",
    "policy_community_capital_upper_limit": "Council policy: upper capital limit for care at home",
    "policy_minimum_contribution": "Council policy: smallest weekly contribution collected",
    "policy_standard_dre": "Council policy: standard disability-related expenditure allowance",
}

_CIRCULAR_2024 = "LA circular 2024-25 (limits unchanged); Gloucestershire Appendix 2 for 2025-26"
_REG7 = "SI 2014/2672 reg 7, revised text (frozen 2015/16 to 2021/22)"
_RUILS = "Ruils 2025/26, quoting the gov.uk LA circular 2025 to 2026"


def _f(key, amount, confirmed, source):
    return Figure(key, None if amount is None else Decimal(amount), confirmed, source)


def _policy(year: str) -> list[Figure]:
    source = "Council policy: defaults to the statutory position; set by the council"
    return [
        _f("policy_community_capital_upper_limit", None, True, source + " (blank: the statutory upper limit)"),
        _f("policy_minimum_contribution", "0.00", True, source),
        _f("policy_standard_dre", None, True, source + " (blank: each person's DRE is assessed in full)"),
    ]


FIGURES: dict[str, list[Figure]] = {
    "2021-22": [
        _f("capital_upper_limit", "23250.00", True, "Upper limit £23,250 since April 2010 (Care Management Matters)"),
        _f("capital_lower_limit", "14250.00", True, _CIRCULAR_2024),
        _f("tariff_step", "250.00", True, "£1 a week for every £250, or part thereof (reg 25; circular annex)"),
        _f("mig_single_18_24", "72.40", True, _REG7),
        _f("mig_single_25_to_pc_age", "91.40", True, _REG7),
        _f("mig_single_pc_age", "189.00", True, _REG7),
        _f("mig_lone_parent", "91.40", True, _REG7),
        _f("mig_couple_18_plus", "71.80", True, _REG7),
        _f("mig_couple_pc_age", "144.30", True, _REG7),
        _f("mig_per_child", "83.65", True, "LAC(DHSC)(2021)1, quoted by Rightsnet"),
        _f("premium_disability_single", "40.35", True, _REG7),
        _f("premium_enhanced_disability_single", "19.70", True, _REG7),
        _f("premium_disability_couple", "28.75", True, _REG7),
        _f("premium_enhanced_disability_couple", None, False, "UNCONFIRMED in the reference"),
        _f("premium_carer", None, False, "UNCONFIRMED in the reference"),
        _f(
            "personal_expenses_allowance",
            "24.90",
            False,
            "UNCONFIRMED: £24.90 from 2015/16 and unchanged in 2018/19; 2021/22 not stated in the reference",
        ),
        *_policy("2021-22"),
    ],
    "2025-26": [
        _f("capital_upper_limit", "23250.00", True, _CIRCULAR_2024),
        _f("capital_lower_limit", "14250.00", True, _CIRCULAR_2024),
        _f("tariff_step", "250.00", True, "£1 a week for every £250, or part thereof (reg 25; circular annex)"),
        _f("mig_single_18_24", "89.15", True, _RUILS),
        _f("mig_single_25_to_pc_age", "112.50", True, _RUILS),
        _f("mig_single_pc_age", None, False, "UNCONFIRMED in the reference"),
        _f("mig_lone_parent", None, False, "UNCONFIRMED in the reference"),
        _f("mig_couple_18_plus", None, False, "UNCONFIRMED in the reference"),
        _f("mig_couple_pc_age", None, False, "UNCONFIRMED in the reference"),
        _f("mig_per_child", None, False, "UNCONFIRMED in the reference"),
        _f("premium_disability_single", "49.65", True, _RUILS),
        _f("premium_enhanced_disability_single", "24.25", True, _RUILS),
        _f("premium_disability_couple", None, False, "UNCONFIRMED in the reference"),
        _f("premium_enhanced_disability_couple", None, False, "UNCONFIRMED in the reference"),
        _f("premium_carer", None, False, "UNCONFIRMED in the reference"),
        _f("personal_expenses_allowance", "30.65", True, "Ruils 2025/26; Wirral"),
        *_policy("2025-26"),
    ],
}

# The day each year's figures take effect: the amendment regulations come into force on 6 April (2023, 2025).
YEAR_STARTS = {"2021-22": "2021-04-06", "2025-26": "2025-04-06"}
