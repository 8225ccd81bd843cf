"""CLD code lists match the reference (shared/reference/care-act-and-cld.md section 4.2) string for string,
in order, and every value fits the Person field it is stored in.

The expected lists are copied verbatim from the reference, not from the module under test.
"""

import pytest

from selfdirect.people.models import Person
from selfdirect.rules import cld

REFERENCE_PRIMARY_SUPPORT_REASONS = [
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

REFERENCE_ACCOMMODATION_SETTLED = [
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

# The reference lists "Unknown" last, under Unsettled.
REFERENCE_ACCOMMODATION_UNSETTLED = [
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
    "Unknown",
]

REFERENCE_EMPLOYMENT_STATUSES = [
    "Paid: Less than 16 hours a week",
    "Paid: 16 or more hours a week",
    "Paid: Hours per week unknown",
    "Not in Paid Employment (seeking work)",
    "Not in Paid Employment (not actively seeking work / retired)",
    "Not in Paid Employment (voluntary work only)",
    "Unknown",
]

REFERENCE_CLIENT_TYPES = ["Service User", "Carer", "Carer known by association"]

REFERENCE_CONFIRMED_ETHNICITIES = ["White: English, Welsh, Scottish, Northern Irish or British", "No data: Refused"]


def test_primary_support_reasons_match_reference():
    """PRIMARY_SUPPORT_REASONS is exactly the reference's R1 list, in the same order."""
    assert cld.PRIMARY_SUPPORT_REASONS == REFERENCE_PRIMARY_SUPPORT_REASONS


def test_accommodation_statuses_match_reference():
    """The settled list, and the full list (settled, then unsettled ending in Unknown), match the reference."""
    assert cld.ACCOMMODATION_SETTLED == REFERENCE_ACCOMMODATION_SETTLED
    assert cld.ACCOMMODATION_STATUSES == REFERENCE_ACCOMMODATION_SETTLED + REFERENCE_ACCOMMODATION_UNSETTLED


def test_every_accommodation_status_not_settled_is_unsettled():
    """For the LTS004 "settled" mapping, exactly the reference's unsettled values (Unknown included) are not settled."""
    not_settled = [s for s in cld.ACCOMMODATION_STATUSES if s not in cld.ACCOMMODATION_SETTLED]
    assert not_settled == REFERENCE_ACCOMMODATION_UNSETTLED
    assert set(cld.ACCOMMODATION_UNSETTLED) <= set(REFERENCE_ACCOMMODATION_UNSETTLED)


def test_employment_statuses_match_reference():
    """EMPLOYMENT_STATUSES is exactly the reference's R1 list, in order."""
    assert cld.EMPLOYMENT_STATUSES == REFERENCE_EMPLOYMENT_STATUSES


def test_client_types_match_reference():
    """CLIENT_TYPES is exactly the reference's R1 list."""
    assert cld.CLIENT_TYPES == REFERENCE_CLIENT_TYPES


def test_ethnicities_have_the_confirmed_strings_and_19_categories():
    """The two strings the reference confirms are present verbatim, and there are 19 "Group: Sub-group"
    categories besides the "No data" values."""
    for value in REFERENCE_CONFIRMED_ETHNICITIES:
        assert value in cld.ETHNICITIES
    categories = [e for e in cld.ETHNICITIES if not e.startswith("No data:")]
    assert len(categories) == 19
    assert all(": " in e for e in cld.ETHNICITIES)


def test_unconfirmed_lists_are_flagged():
    """Lists not confirmed by the reference are named in UNCONFIRMED_LISTS, and name real lists."""
    assert set(cld.UNCONFIRMED_LISTS) == {
        "ETHNICITIES",
        "GENDERS",
        "REQUEST_ROUTES",
        "ASSESSMENT_TYPES",
        "ASSESSMENT_METHODS",
        "COST_FREQUENCIES",
        "REVIEW_METHODS",
        "REVIEW_OUTCOMES_ACHIEVED",
    }
    assert all(isinstance(getattr(cld, name), list) for name in cld.UNCONFIRMED_LISTS)


@pytest.mark.parametrize(
    "name",
    [
        "PRIMARY_SUPPORT_REASONS",
        "ACCOMMODATION_STATUSES",
        "EMPLOYMENT_STATUSES",
        "ETHNICITIES",
        "GENDERS",
        "CLIENT_TYPES",
    ],
)
def test_lists_have_no_duplicates_or_stray_whitespace(name):
    """Each list's values are distinct and carry no leading, trailing or doubled spaces."""
    values = getattr(cld, name)
    assert len(values) == len(set(values))
    assert all(v == v.strip() and "  " not in v for v in values)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("primary_support_reason", cld.PRIMARY_SUPPORT_REASONS),
        ("accommodation_status", cld.ACCOMMODATION_STATUSES),
        ("employment_status", cld.EMPLOYMENT_STATUSES),
        ("ethnicity", cld.ETHNICITIES),
        ("gender", cld.GENDERS),
    ],
)
def test_person_fields_offer_the_code_list_and_every_value_fits(field, values):
    """Each Person code-list field offers exactly the list's values as choices (stored as the CLD string
    itself), and the longest value fits the field's max_length."""
    model_field = Person._meta.get_field(field)
    assert [value for value, _label in model_field.choices] == values
    assert all(value == label for value, label in model_field.choices)
    longest = max(values, key=len)
    assert len(longest) <= model_field.max_length, f"{longest!r} is {len(longest)} > {model_field.max_length}"


@pytest.mark.parametrize(("age", "band"), [(18, "18-64"), (64, "18-64"), (65, "65+"), (101, "65+")])
def test_age_band(age, band):
    """Adults under 65 are 18-64; 65 and over are 65+."""
    assert cld.age_band(age) == band


def test_event_outcomes_follow_the_reference_hierarchy():
    """The R1 Event Outcome list is the reference's, in hierarchy order; request outcomes are a subset."""
    assert cld.EVENT_OUTCOMES[0] == "Progress to Reablement/ST-Max"
    assert cld.EVENT_OUTCOMES[13] == "NFA - Information & Advice / Signposting only"
    assert len(cld.EVENT_OUTCOMES) == 19
    positions = [cld.EVENT_OUTCOMES.index(o) for o in cld.REQUEST_OUTCOMES]
    assert positions == sorted(positions)


def test_service_lists_match_the_reference():
    """Service Type (9 R1 values), Service Component (24 labels) and Delivery Mechanism (3) as the reference lists
    them; the DHSC cost-script factors cover every period frequency."""
    assert len(cld.SERVICE_TYPES) == 9 and "Long Term Support: Community" in cld.SERVICE_TYPES
    assert len(cld.SERVICE_COMPONENTS) == 24 and {"Direct Payment", "Carer Respite"} <= set(cld.SERVICE_COMPONENTS)
    assert cld.DELIVERY_MECHANISMS == ["Direct Payment", "CASSR Managed Personal Budget", "CASSR Commissioned Support"]
    assert set(cld.SERVICE_COMPONENTS) >= cld.PERSONAL_CARE_COMPONENTS
