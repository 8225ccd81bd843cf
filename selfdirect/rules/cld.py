"""Client Level Data (CLD) code lists, as values exactly as the specification spells them.

Source: shared/reference/care-act-and-cld.md section 4.2. Each list says whether its strings are
confirmed there; UNCONFIRMED lists are placeholders an administrator must check (docs/code-lists.md).
Values are stored in the database as these strings, so the CLD return needs no mapping.
"""

# Primary Support Reason (R1 defined list, NHSE LTS001a replication code). Confirmed.
PRIMARY_SUPPORT_REASONS = [
    "Physical Support: Access & mobility only",
    "Physical Support: Personal care support",
    "Sensory Support: Support for visual impairment",
    "Sensory Support: Support for hearing impairment",
    "Sensory Support: Support for dual impairment",
    "Support with Memory & Cognition",
    "Learning Disability Support",
    "Mental Health Support",
    "Social Support: Substance misuse support",
    "Social Support: Asylum seeker support",
    "Social Support: Support for Social Isolation/Other",
    "Social Support: Support to Carer",
    "Unknown",
]

# Accommodation Status (R1). Confirmed; the first nine are "settled" in the LTS004 mapping.
ACCOMMODATION_SETTLED = [
    "Owner occupier or shared ownership scheme",
    "Tenant",
    "Tenant - private landlord",
    "Settled mainstream housing with family / friends",
    "Supported accommodation / supported lodgings / supported group home",
    "Shared Lives scheme",
    "Approved premises for offenders released from prison or under probation supervision",
    "Sheltered housing / extra care housing / other sheltered housing",
    "Mobile accommodation for Gypsy / Roma and Traveller communities",
]
ACCOMMODATION_UNSETTLED = [
    "Rough sleeper / squatting",
    "Night shelter / emergency hostel / direct access hostel",
    "Refuge",
    "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
    "Staying with family / friends as a short-term guest",
    "Acute / long-term healthcare residential facility or hospital",
    "Registered care home",
    "Registered nursing home",
    "Prison / Young offenders institution / detention centre",
    "Other temporary accommodation",
]
ACCOMMODATION_STATUSES = ACCOMMODATION_SETTLED + ACCOMMODATION_UNSETTLED + ["Unknown"]

# Employment Status (R1, NHSE LTS004 code). Confirmed.
EMPLOYMENT_STATUSES = [
    "Paid: Less than 16 hours a week",
    "Paid: 16 or more hours a week",
    "Paid: Hours per week unknown",
    "Not in Paid Employment (seeking work)",
    "Not in Paid Employment (not actively seeking work / retired)",
    "Not in Paid Employment (voluntary work only)",
    "Unknown",
]

# Ethnicity (R2): 19 "Group: Sub-group" categories plus "No data" values. The reference confirms the
# form and two strings ("White: English, Welsh, Scottish, Northern Irish or British", "No data: Refused");
# the others follow the 2021 census categories and are UNCONFIRMED.
ETHNICITIES = [
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Irish",
    "White: Gypsy or Irish Traveller",
    "White: Roma",
    "White: Any other White background",
    "Mixed or Multiple: White and Black Caribbean",
    "Mixed or Multiple: White and Black African",
    "Mixed or Multiple: White and Asian",
    "Mixed or Multiple: Any other Mixed or Multiple background",
    "Asian or Asian British: Indian",
    "Asian or Asian British: Pakistani",
    "Asian or Asian British: Bangladeshi",
    "Asian or Asian British: Chinese",
    "Asian or Asian British: Any other Asian background",
    "Black, Black British, Caribbean or African: African",
    "Black, Black British, Caribbean or African: Caribbean",
    "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
    "Other ethnic group: Arab",
    "Other ethnic group: Any other ethnic group",
    "No data: Refused",
    "No data: Undeclared / Not known",
]

# Gender. The CLD strings are not in the reference: UNCONFIRMED placeholders.
GENDERS = ["Male", "Female", "Other", "Unknown"]

# Client Type (R1). Confirmed.
CLIENT_TYPES = ["Service User", "Carer", "Carer known by association"]

UNCONFIRMED_LISTS = {
    "ETHNICITIES": "Only two strings are confirmed by the reference; the rest follow the 2021 census.",
    "GENDERS": "The CLD Gender values are not in the reference.",
}


def choices(values: list[str]) -> list[tuple[str, str]]:
    """Django-style choices where the stored value is the CLD string itself."""
    return [(v, v) for v in values]


def age_band(age: int) -> str:
    """The two CLD/SALT reporting age bands used for adults."""
    return "18-64" if age < 65 else "65+"


# Event Outcome (R1), in the NHSE STS001 hierarchy order. Confirmed (spelling varies slightly across files).
EVENT_OUTCOMES = [
    "Progress to Reablement/ST-Max",
    "Progress to Assessment",
    "Admitted to Hospital",
    "Progress to Re-assessment / Unplanned Review",
    "Progress to Support Planning / Services",
    "Progress to End of Life Care",
    "No change in package",
    "Service ended as planned",
    "Progress to financial assessment",
    "Provision of service",
    "NFA - Deceased",
    "NFA - Moved to another LA",
    "NFA - 100% NHS-funded care",
    "NFA - Information & Advice / Signposting only",
    "NFA - Self-funded client (inc. 12wk disregard)",
    "NFA - Support declined",
    "NFA - Support ended – other reason",
    "NFA - No services offered - other reason",
    "NFA- Other",
]
# The outcomes a request for support can end with (a subset of EVENT_OUTCOMES, in the same order).
REQUEST_OUTCOMES = [
    "Progress to Reablement/ST-Max",
    "Progress to Assessment",
    "Admitted to Hospital",
    "Progress to Support Planning / Services",
    "Progress to End of Life Care",
    "NFA - Deceased",
    "NFA - Moved to another LA",
    "NFA - 100% NHS-funded care",
    "NFA - Information & Advice / Signposting only",
    "NFA - Self-funded client (inc. 12wk disregard)",
    "NFA - Support declined",
    "NFA - No services offered - other reason",
    "NFA- Other",
]

# Request: Route of Access. UNCONFIRMED: the SALT STS001 routes (as used by LB Hackney), not the CLD list.
REQUEST_ROUTES = [
    "Planned Entry (Transition)",
    "Discharge from Hospital",
    "Diversion from Hospital Services",
    "Self-funder with depleted funds",
    "Community/Other route",
]

# Assessment Type. UNCONFIRMED apart from "Financial Assessment" (Interweave's list, not stated to be CLD's).
ASSESSMENT_TYPES = [
    "Care Act Needs Assessment",
    "Carers Assessment",
    "Hospital Discharge",
    "Mental Health",
    "OT",
    "Reablement",
    "Social",
    "End of Life",
    "Financial Assessment",
    "Other",
]

# Method of Assessment / Review. UNCONFIRMED: only "Service User Only" and "Service User and Carer" are seen.
ASSESSMENT_METHODS = [
    "Service User Only",
    "Service User and Carer",
    "Supported Self-Assessment",
    "Face to Face",
    "Telephone",
    "Video Call",
]

UNCONFIRMED_LISTS.update(
    {
        "REQUEST_ROUTES": "SALT STS001 routes used by one council's system; the CLD list is not in the reference.",
        "ASSESSMENT_TYPES": "Only 'Financial Assessment' is confirmed as a CLD value.",
        "ASSESSMENT_METHODS": "Only 'Service User Only' and 'Service User and Carer' are seen in the reference.",
    }
)

# Service Type (R1, NHSE code). Confirmed.
SERVICE_TYPES = [
    "Short Term Support: ST-Max",
    "Short Term Support: Ongoing Low Level",
    "Short Term Support: Other Short Term",
    "Long Term Support: Nursing Care",
    "Long Term Support: Residential Care",
    "Long Term Support: Community",
    "Long Term Support: Prison",
    "Carer Support: Direct to Carer",
    "Carer Support: Support involving the person cared-for",
]

# Service Component (R1): CLD labels as carried by the Interweave list derived from the V5 specification.
SERVICE_COMPONENTS = [
    "Reablement",
    "Short Term Nursing Care",
    "Short Term Residential Care",
    "Long Term Nursing Care",
    "Long Term Residential Care",
    "Home Support",
    "Day Support",
    "Meals",
    "Transport",
    "Equipment",
    "Direct Payment",
    "Shared Lives",
    "Community Supported Living",
    "Professional Support",
    "Professional Support- Social Worker",
    "Learning/Education/Employment Support",
    "End of Life Care",
    "Emergency Support",
    "Other Short Term Support",
    "Other Long Term Support",
    "Carer Respite",
    "Carer Sitting Service",
    "Carer Universal Services",
    "Other Carer Support",
]
# Components that involve personal care: an unregistered provider on one of these is a warning (CQC).
PERSONAL_CARE_COMPONENTS = {
    "Reablement",
    "Short Term Nursing Care",
    "Short Term Residential Care",
    "Long Term Nursing Care",
    "Long Term Residential Care",
    "Home Support",
    "Community Supported Living",
    "Shared Lives",
    "End of Life Care",
    "Carer Respite",
}

# Delivery Mechanism (R1, NHSE ASCOF 3D and LTS001 code). Confirmed; not mandatory.
DELIVERY_DIRECT_PAYMENT = "Direct Payment"
DELIVERY_MANAGED = "CASSR Managed Personal Budget"
DELIVERY_COMMISSIONED = "CASSR Commissioned Support"
DELIVERY_MECHANISMS = [DELIVERY_DIRECT_PAYMENT, DELIVERY_MANAGED, DELIVERY_COMMISSIONED]

# Cost Frequency (Unit Type). UNCONFIRMED spelling and case (a third-party standard citing the specification).
COST_FREQUENCIES = [
    "No charge to client",
    "Per session",
    "Hourly",
    "Daily",
    "Weekly",
    "Fortnightly",
    "4-weekly",
    "Monthly",
    "Quarterly",
    "Annually",
    "One-off",
]

UNCONFIRMED_LISTS.update(
    {
        "COST_FREQUENCIES": "Listed by a third-party standard citing the CLD specification; exact spelling and case "
        "are not confirmed.",
    }
)

# Review Reason (SALT LTS002 and the NHSE DQ code). Confirmed for R1.
REVIEW_PLANNED = "Planned"
REVIEW_REASONS = [
    REVIEW_PLANNED,
    "Unplanned - Hospital (Planned and unplanned episodes)",
    "Unplanned - Carer related",
    "Unplanned - Safeguarding concern",
    "Unplanned - Other Reason",
    "Unplanned - Provider Failure",
    "Unplanned - Change in Commissioning arrangements",
]
# Method of Review. UNCONFIRMED: only the first two are seen in the reference; the rest mirror the assessment list.
REVIEW_METHODS = ["Service User Only", "Service User and Carer", "Face to Face", "Telephone", "Video Call"]
# Review Outcomes Achieved. UNCONFIRMED: the reference has no values; these are placeholders to confirm.
REVIEW_OUTCOMES_ACHIEVED = ["Fully achieved", "Partially achieved", "Not achieved", "Not known"]

UNCONFIRMED_LISTS.update(
    {
        "REVIEW_METHODS": "Only 'Service User Only' and 'Service User and Carer' are seen in the reference.",
        "REVIEW_OUTCOMES_ACHIEVED": "The reference gives no values: these are placeholders an administrator must "
        "check against the current CLD specification.",
    }
)
