"""The CLD return's pure rules (selfdirect/rules/cld_return.py): columns, value formats, derivations, and every
mandatory-field rule of reference 4.1 with a failing and a passing row."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules import cld_return as R

END = datetime.date(2026, 9, 30)


def test_columns_are_the_specification_names_in_order():
    """The reference 4.1 table, module by module, with the specification's spelling."""
    assert R.COLUMNS[:3] == ["LA Code", "Reporting Period Start Date", "Reporting Period End Date"]
    assert R.COLUMNS[-3:] == ["Unit Cost", "Cost Frequency (Unit Type)", "Planned units per week"]
    assert len(R.COLUMNS) == len(set(R.COLUMNS)) == 50
    for name in [
        "NHS Number",
        "LA Person Unique Identifier",
        "Request: Route of Access",
        "Provider CQC Location ID",
        "Adult 1 Linked Person_ID",
        "No. of adults being cared for",
        "Autism Spectrum Disorder (ASD)",
    ]:
        assert name in R.COLUMNS
    assert R.COLUMNS.index("Event Type") < R.COLUMNS.index("Service Type") < R.COLUMNS.index("Review Reason")


@pytest.mark.parametrize(
    "value, written",
    [
        (datetime.date(2026, 4, 1), "01/04/2026"),
        (Decimal("24"), "24.00"),
        (Decimal("7.5"), "7.50"),
        (True, "Yes"),
        (False, "No"),
        (None, ""),
        ("Tenant", "Tenant"),
    ],
)
def test_values_are_written_as_the_specification_expects(value, written):
    assert R.format_value(value) == written


@pytest.mark.parametrize(
    "born, on, age",
    [
        (datetime.date(1961, 9, 30), END, 65),
        (datetime.date(1961, 10, 1), END, 64),
        (datetime.date(2008, 9, 30), END, 18),
        (datetime.date(2008, 10, 1), END, 17),
    ],
)
def test_age_at_the_end_of_the_period(born, on, age):
    assert R.age_on(born, on) == age


@pytest.mark.parametrize(
    "today, start, end",
    [
        (datetime.date(2026, 11, 23), datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        (datetime.date(2026, 2, 1), datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ],
)
def test_last_complete_quarter(today, start, end):
    assert R.last_complete_quarter(today) == (start, end)


# --- Every mandatory-field rule: a row that breaks it and one that passes ------------------------------------------

PERSON = {
    "LA Code": "X99",
    "Reporting Period Start Date": datetime.date(2026, 7, 1),
    "Reporting Period End Date": END,
    "NHS Number": "9990000018",
    "LA Person Unique Identifier": "P0000001",
    "Gender": "Female",
    "Ethnicity": "White: Irish",
    "Date of Birth": datetime.date(1950, 1, 1),
    "Client Type": "Service User",
    "Primary Support Reason": "Physical Support: Personal care support",
    "Postcode": "NM1 2AB",
    "Accommodation Status": "Tenant",
    "Has Unpaid Carer": "No",
    "Event Start Date": datetime.date(2026, 7, 2),
    "Event End Date": datetime.date(2026, 7, 20),
    "Event Outcome": "Progress to Assessment",
}
REQUEST = PERSON | {"Event Type": "Request", "Request: Route of Access": "Discharge from Hospital"}
ASSESSMENT = PERSON | {
    "Event Type": "Assessment",
    "Assessment Type": "Care Act Needs Assessment",
    "Method of Assessment": "Face to Face",
}
FINANCIAL = PERSON | {
    "Event Type": "Assessment",
    "Assessment Type": "Financial Assessment",
    "Client Funding Status": "Fully funded by the council",
}
SERVICE = PERSON | {
    "Event Type": "Service",
    "Event End Date": None,
    "Event Outcome": "Provision of service",
    "Client Funding Status": "Fully funded by the council",
    "Service Type": "Long Term Support: Community",
    "Service Component": "Home Support",
    "Delivery Mechanism": "CASSR Managed Personal Budget",
    "Unit Cost": Decimal("24.00"),
    "Cost Frequency (Unit Type)": "Hourly",
    "Planned units per week": Decimal("10.00"),
}
REVIEW = PERSON | {
    "Event Type": "Review",
    "Event Outcome": "No change in package",
    "Client Funding Status": "Fully funded by the council",
    "Review Reason": "Planned",
    "Review Outcomes Achieved": "Fully achieved",
    "Method of Review": "Face to Face",
}
CARER_BY_ASSOCIATION = {k: v for k, v in PERSON.items() if not k.startswith("Event")} | {
    "Client Type": "Carer known by association"
}
LD_WORKING_AGE = {
    "Primary Support Reason": "Learning Disability Support",
    "Date of Birth": datetime.date(1990, 5, 5),
}

# (rule, a row breaking it, the same kind of row passing it)
CASES = [
    ("la_code", REQUEST | {"LA Code": ""}, REQUEST),
    ("reporting_period", REQUEST | {"Reporting Period End Date": None}, REQUEST),
    ("nhs_number", SERVICE | {"NHS Number": None}, SERVICE),
    ("nhs_number", CARER_BY_ASSOCIATION | {"NHS Number": ""}, CARER_BY_ASSOCIATION),
    ("person_identifier", REQUEST | {"LA Person Unique Identifier": None}, REQUEST),
    ("gender", REVIEW | {"Gender": ""}, REVIEW),
    ("ethnicity", ASSESSMENT | {"Ethnicity": ""}, ASSESSMENT),
    ("date_of_birth", ASSESSMENT | {"Date of Birth": None}, ASSESSMENT),
    ("client_type", SERVICE | {"Client Type": ""}, SERVICE),
    # Not mandatory on requests: the passing row is a request without one.
    ("primary_support_reason", ASSESSMENT | {"Primary Support Reason": ""}, REQUEST | {"Primary Support Reason": ""}),
    ("postcode", REQUEST | {"Postcode": "  "}, REQUEST),
    ("accommodation_status", SERVICE | {"Accommodation Status": ""}, SERVICE),
    # Only service users aged 18-64 with learning disability support; a 65-year-old needs none.
    (
        "employment_status",
        SERVICE | LD_WORKING_AGE,
        SERVICE | LD_WORKING_AGE | {"Date of Birth": datetime.date(1961, 9, 30)},
    ),
    ("employment_status", REVIEW | LD_WORKING_AGE, REVIEW | LD_WORKING_AGE | {"Employment Status": "Unknown"}),
    ("has_unpaid_carer", REQUEST | {"Has Unpaid Carer": ""}, REQUEST),
    # Service users' services, reviews and financial assessments; not requests, not carers.
    ("client_funding_status", SERVICE | {"Client Funding Status": ""}, REQUEST),
    ("client_funding_status", FINANCIAL | {"Client Funding Status": ""}, ASSESSMENT),
    (
        "client_funding_status",
        REVIEW | {"Client Funding Status": ""},
        REVIEW | {"Client Type": "Carer", "Client Funding Status": ""},
    ),
    ("event_type", PERSON, REQUEST),
    ("event_type", PERSON, CARER_BY_ASSOCIATION),  # no events for a carer known by association
    ("event_start_date", REVIEW | {"Event Start Date": None}, REVIEW),
    # Open-ended services are allowed, unless the person has died.
    ("event_end_date", ASSESSMENT | {"Event End Date": None}, SERVICE),
    ("event_end_date", SERVICE | {"Date of Death": datetime.date(2026, 8, 1)}, SERVICE),
    ("event_outcome", REQUEST | {"Event Outcome": ""}, FINANCIAL),
    ("route_of_access", REQUEST | {"Request: Route of Access": ""}, REQUEST),
    ("assessment_type", ASSESSMENT | {"Assessment Type": ""}, ASSESSMENT),
    ("method_of_assessment", ASSESSMENT | {"Method of Assessment": ""}, FINANCIAL),
    ("service_type", SERVICE | {"Service Type": ""}, SERVICE),
    ("service_component", SERVICE | {"Service Component": ""}, SERVICE),
    ("review_reason", REVIEW | {"Review Reason": ""}, REVIEW),
    # Only planned reviews need the outcomes achieved.
    (
        "review_outcomes_achieved",
        REVIEW | {"Review Outcomes Achieved": ""},
        REVIEW | {"Review Reason": "Unplanned - Carer related", "Review Outcomes Achieved": ""},
    ),
    ("method_of_review", REVIEW | {"Method of Review": ""}, REVIEW),
    # Commissioned support needs no costs.
    (
        "costs",
        SERVICE | {"Unit Cost": None},
        SERVICE | {"Delivery Mechanism": "CASSR Commissioned Support", "Unit Cost": None},
    ),
    (
        "costs",
        SERVICE
        | {
            "Service Type": "Short Term Support: Other Short Term",
            "Service Component": "Carer Respite",
            "Cost Frequency (Unit Type)": "",
        },
        SERVICE
        | {
            "Service Type": "Short Term Support: ST-Max",
            "Service Component": "Reablement",
            "Cost Frequency (Unit Type)": "",
        },
    ),  # fmt: skip
]


def test_every_rule_has_a_case():
    assert {name for name, _, _ in CASES} == set(R.RULES_BY_NAME)


@pytest.mark.parametrize("name, failing, passing", CASES, ids=[c[0] for c in CASES])
def test_rule_fails_and_passes(name, failing, passing):
    rule = R.RULES_BY_NAME[name]
    assert rule.check(failing), f"{name} should fail"
    assert rule.check(passing) is None, f"{name} should pass"


@pytest.mark.parametrize("row", [REQUEST, ASSESSMENT, FINANCIAL, SERVICE, REVIEW], ids=lambda r: r["Event Type"])
def test_complete_rows_break_no_rule(row):
    assert R.problems(row) == []


def test_problem_names_the_missing_columns():
    rule = R.RULES_BY_NAME["costs"]
    message = rule.check(SERVICE | {"Unit Cost": None, "Planned units per week": None})
    assert message.startswith("Unit Cost, Planned units per week missing")


@given(st.dictionaries(st.sampled_from(R.COLUMNS), st.one_of(st.none(), st.text(max_size=5)), max_size=20))
def test_rules_never_raise_and_a_row_is_always_fifty_cells(row):
    """Any row (even nonsense) is checked without error and written as exactly one cell per column."""
    for _rule, message in R.problems(row):
        assert message
    assert len(R.csv_values(row)) == 50
