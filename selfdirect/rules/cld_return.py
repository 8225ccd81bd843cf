"""The Client Level Data (CLD) return: its columns, how values are written, and the mandatory-field rules.

Source: shared/reference/care-act-and-cld.md section 4.1 (column names and the applicability/mandatory rules of
the NHSE data-quality procedure) and 4.2 (code lists, in rules/cld.py). No Django: a row is a plain dict keyed by
the specification's column names, holding the text the return writes (the database writes it: see
reporting/cld_columns.py) or Python values (dates, Decimals, None), which `csv_values` writes the same way.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from selfdirect.rules import cld

# --- Columns, in the order of the specification's modules (reference 4.1) ----------------------------------------

LA_CODE = "LA Code"
PERIOD_START = "Reporting Period Start Date"
PERIOD_END = "Reporting Period End Date"
NHS_NUMBER = "NHS Number"
PERSON_ID = "LA Person Unique Identifier"
FIRST_NAME = "First Name"
LAST_NAME = "Last Name"
GP_NAME = "GP Practice Name"
GP_CODE = "GP Practice Code"
GENDER = "Gender"
ETHNICITY = "Ethnicity"
DATE_OF_BIRTH = "Date of Birth"
DATE_OF_DEATH = "Date of Death"
CLIENT_TYPE = "Client Type"
PSR = "Primary Support Reason"
POSTCODE = "Postcode"
ACCOMMODATION = "Accommodation Status"
EMPLOYMENT = "Employment Status"
HAS_UNPAID_CARER = "Has Unpaid Carer"
ASD = "Autism Spectrum Disorder (ASD)"
VISUAL = "Visual Impairment"
HEARING = "Hearing Impairment"
DEMENTIA = "Dementia"
FUNDING_STATUS = "Client Funding Status"
EVENT_TYPE = "Event Type"
EVENT_REFERENCE = "Event Reference"
EVENT_START = "Event Start Date"
EVENT_END = "Event End Date"
EVENT_DESCRIPTION = "Event Description"
EVENT_OUTCOME = "Event Outcome"
ROUTE_OF_ACCESS = "Request: Route of Access"
ASSESSMENT_TYPE = "Assessment Type"
ELIGIBLE_NEEDS = "Eligible Needs Identified"
ASSESSMENT_METHOD = "Method of Assessment"
HOURS_CARING = "Total Hrs Caring per week"
ADULTS_CARED_FOR = "No. of adults being cared for"
ADULT_1 = "Adult 1 Linked Person_ID"
ADULT_2 = "Adult 2 Linked Person_ID"
ADULT_3 = "Adult 3 Linked Person_ID"
SERVICE_TYPE = "Service Type"
SERVICE_COMPONENT = "Service Component"
DELIVERY_MECHANISM = "Delivery Mechanism"
CQC_ID = "Provider CQC Location ID"
CQC_NAME = "Provider CQC Location Name"
REVIEW_REASON = "Review Reason"
REVIEW_OUTCOMES = "Review Outcomes Achieved"
REVIEW_METHOD = "Method of Review"
UNIT_COST = "Unit Cost"
COST_FREQUENCY = "Cost Frequency (Unit Type)"
PLANNED_UNITS = "Planned units per week"

COLUMNS = [
    LA_CODE, PERIOD_START, PERIOD_END,
    NHS_NUMBER, PERSON_ID, FIRST_NAME, LAST_NAME, GP_NAME, GP_CODE, GENDER, ETHNICITY, DATE_OF_BIRTH,
    DATE_OF_DEATH, CLIENT_TYPE, PSR, POSTCODE, ACCOMMODATION, EMPLOYMENT, HAS_UNPAID_CARER,
    ASD, VISUAL, HEARING, DEMENTIA, FUNDING_STATUS,
    EVENT_TYPE, EVENT_REFERENCE, EVENT_START, EVENT_END, EVENT_DESCRIPTION, EVENT_OUTCOME,
    ROUTE_OF_ACCESS,
    ASSESSMENT_TYPE, ELIGIBLE_NEEDS, ASSESSMENT_METHOD,
    HOURS_CARING, ADULTS_CARED_FOR, ADULT_1, ADULT_2, ADULT_3,
    SERVICE_TYPE, SERVICE_COMPONENT, DELIVERY_MECHANISM, CQC_ID, CQC_NAME,
    REVIEW_REASON, REVIEW_OUTCOMES, REVIEW_METHOD,
    UNIT_COST, COST_FREQUENCY, PLANNED_UNITS,
]  # fmt: skip

# --- Values ---------------------------------------------------------------------------------------------------------

EVENT_REQUEST, EVENT_ASSESSMENT, EVENT_SERVICE, EVENT_REVIEW = "Request", "Assessment", "Service", "Review"
EVENT_TYPES = [EVENT_REQUEST, EVENT_ASSESSMENT, EVENT_SERVICE, EVENT_REVIEW]  # R1 (reference 4.2)
SERVICE_USER, CARER, CARER_BY_ASSOCIATION = cld.CLIENT_TYPES
FINANCIAL_ASSESSMENT = "Financial Assessment"
LEARNING_DISABILITY = "Learning Disability Support"

# Yes/No flags (Has Unpaid Carer, Eligible Needs Identified). UNCONFIRMED: the reference gives no spelling.
YES, NO = "Yes", "No"
# Client Funding Status. UNCONFIRMED: the reference names the field and when it is mandatory, not its values;
# these placeholders follow the financial assessment's three results and must be checked against the specification.
FUNDING_FULL_COST = "Full cost client"
FUNDING_CONTRIBUTES = "Part funded by the council (client contributes)"
FUNDING_FULLY_FUNDED = "Fully funded by the council"
CLIENT_FUNDING_STATUSES = [FUNDING_FULLY_FUNDED, FUNDING_CONTRIBUTES, FUNDING_FULL_COST]
YES_NO = [YES, NO]
UNCONFIRMED = {
    "CLIENT_FUNDING_STATUSES": "The reference gives no values for Client Funding Status.",
    "YES_NO": "The reference does not spell the Yes/No flags.",
    "DATE_FORMAT": "dd/mm/yyyy is the CLD Guidance release 1 data type, quoted by a glossary, not the reference.",
}

# Service events the costs rule covers besides long-term and carer support (reference 4.1, costs rule).
COSTED_SERVICE_TYPES = ("Long Term", "Carer Support")  # service types the costs rule covers (prefixes)
COSTED_SHORT_TERM_COMPONENTS = {"Short Term Residential Care", "Short Term Nursing Care", "Carer Respite"}

# The event outcomes the return gives a service from its state (the arrangement has no outcome field of its own).
SERVICE_ONGOING = "Provision of service"
SERVICE_ENDED = "Service ended as planned"
DECEASED = "NFA - Deceased"

DATE_FORMAT = "%d/%m/%Y"  # CLD Guidance R1: "date format dd/mm/yyyy (no time stamp)"


@functools.lru_cache(maxsize=65_536)
def format_date(day: datetime.date) -> str:
    """dd/mm/yyyy. Cached: a return repeats the same few thousand dates (periods, births, event days) many times."""
    return day.strftime(DATE_FORMAT)


def format_value(value) -> str:
    """How one value is written in the CSV: dates dd/mm/yyyy, money and units to 2 places, booleans Yes/No."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.datetime):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return f"{value.quantize(CENTS)}"
    return str(value)


CENTS = Decimal("0.01")
_POSITION = {column: i for i, column in enumerate(COLUMNS)}


def csv_values(row: dict) -> list[str]:
    """The row as CSV cells, in COLUMNS order (columns the row does not carry are blank). Only the cells a row
    fills are formatted: most of a row's fifty columns are blank, and this runs once per row of the return."""
    cells = [""] * len(COLUMNS)
    for column, value in row.items():
        if value is None or value == "":
            continue
        position = _POSITION.get(column)
        if position is not None:
            cells[position] = value if type(value) is str else format_value(value)
    return cells


@functools.lru_cache(maxsize=65_536)
def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, DATE_FORMAT).date()
    except ValueError:
        return None


def as_date(value) -> datetime.date | None:
    """A date cell as a date, whether the row holds the date or the text the return writes."""
    if isinstance(value, str):
        return _parse_date(value)
    return value or None


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


# --- Applicability (the data-quality procedure's CASE expressions) --------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(row: dict, column: str) -> str:
    return row.get(column) or ""


def is_event_row(row: dict) -> bool:
    """Event columns apply to every client type except "Carer known by association"."""
    return _text(row, CLIENT_TYPE) != CARER_BY_ASSOCIATION


def is_request(row: dict) -> bool:
    return _text(row, EVENT_TYPE).startswith(("Request", "Referral"))


def is_financial_assessment(row: dict) -> bool:
    return _text(row, EVENT_TYPE).startswith(EVENT_ASSESSMENT) and _text(row, ASSESSMENT_TYPE).startswith(
        FINANCIAL_ASSESSMENT
    )


def _of_type(event_type: str) -> Callable[[dict], bool]:
    return lambda row: is_event_row(row) and _text(row, EVENT_TYPE).startswith(event_type)


def employment_applies(row: dict) -> bool:
    """Service users aged 18 to 64 at the end of the period whose primary support reason is learning disability."""
    if _text(row, PSR) != LEARNING_DISABILITY or not _text(row, CLIENT_TYPE).startswith(SERVICE_USER):
        return False
    born, end = as_date(row.get(DATE_OF_BIRTH)), as_date(row.get(PERIOD_END))
    return bool(born and end) and 18 <= age_on(born, end) < 65


def funding_status_applies(row: dict) -> bool:
    if not _text(row, CLIENT_TYPE).startswith(SERVICE_USER):
        return False
    return is_financial_assessment(row) or _text(row, EVENT_TYPE).startswith((EVENT_SERVICE, EVENT_REVIEW))


def event_end_applies(row: dict) -> bool:
    """Every event but a service (which may be open-ended), and any event of someone who has died."""
    return (is_event_row(row) and not _text(row, EVENT_TYPE).startswith(EVENT_SERVICE)) or bool(row.get(DATE_OF_DEATH))


def costs_mandatory(row: dict) -> bool:
    """Services not commissioned by the council that are long-term support, carer support, or short-term
    residential, nursing or carer respite care."""
    if not _text(row, EVENT_TYPE).startswith(EVENT_SERVICE):
        return False
    if cld.DELIVERY_COMMISSIONED in _text(row, DELIVERY_MECHANISM):
        return False
    service_type = _text(row, SERVICE_TYPE)
    return (
        service_type.startswith(COSTED_SERVICE_TYPES) or _text(row, SERVICE_COMPONENT) in COSTED_SHORT_TERM_COMPONENTS
    )


def _always(row: dict) -> bool:
    return True


# --- The rules ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One mandatory-field rule: where it applies, the columns it needs, and what to tell the person fixing it."""

    name: str
    columns: tuple[str, ...]
    applies: Callable[[dict], bool]
    when: str  # where the rule applies, in words (shown with the report)
    fix: str  # where the missing fact is recorded

    @property
    def about_person(self) -> bool:
        """Fixed on the person's record (details, contacts, financial assessment) rather than on the event."""
        return self.fix.startswith("the person")

    @property
    def title(self) -> str:
        return " / ".join(self.columns) + " missing"

    def check(self, row: dict) -> str | None:
        """The problem with `row`, or None when it passes (or the rule does not apply to it)."""
        # Blank columns first: most rows fill them, and that is cheaper to see than whether the rule applies.
        missing = [c for c in self.columns if _blank(row.get(c))]
        if not missing or not self.applies(row):
            return None
        return f"{', '.join(missing)} missing ({self.when})"


def _rule(name, columns, applies, when, fix) -> Rule:
    return Rule(name, tuple(columns) if isinstance(columns, list | tuple) else (columns,), applies, when, fix)


PERSON_PAGE = "the person's record"
RULES = [
    _rule("la_code", LA_CODE, _always, "every row", "the COUNCIL_LA_CODE setting"),
    _rule("reporting_period", [PERIOD_START, PERIOD_END], _always, "every row", "the period chosen"),
    _rule("nhs_number", NHS_NUMBER, _always, "every row", PERSON_PAGE),
    _rule("person_identifier", PERSON_ID, _always, "every row", "the request: create or match the person's record"),
    _rule("gender", GENDER, _always, "every row", PERSON_PAGE),
    _rule("ethnicity", ETHNICITY, _always, "every row", PERSON_PAGE),
    _rule("date_of_birth", DATE_OF_BIRTH, _always, "every row", PERSON_PAGE),
    _rule("client_type", CLIENT_TYPE, _always, "every row", "the event"),
    _rule("primary_support_reason", PSR, lambda r: not is_request(r), "every row except requests", PERSON_PAGE),
    _rule("postcode", POSTCODE, _always, "every row", PERSON_PAGE),
    _rule("accommodation_status", ACCOMMODATION, _always, "every row", PERSON_PAGE),
    _rule(
        "employment_status",
        EMPLOYMENT,
        employment_applies,
        "service users aged 18 to 64 with learning disability support",
        PERSON_PAGE,
    ),
    _rule("has_unpaid_carer", HAS_UNPAID_CARER, _always, "every row", "the person's contacts"),
    _rule(
        "client_funding_status",
        FUNDING_STATUS,
        funding_status_applies,
        "service users' services, reviews and financial assessments",
        "the person's financial assessment",
    ),
    _rule("event_type", EVENT_TYPE, is_event_row, "every event", "the event"),
    _rule("event_start_date", EVENT_START, is_event_row, "every event", "the event"),
    _rule(
        "event_end_date",
        EVENT_END,
        event_end_applies,
        "requests, assessments and reviews, and any event of someone who has died",
        "the event: conclude it, or end the service",
    ),
    _rule(
        "event_outcome",
        EVENT_OUTCOME,
        lambda r: is_event_row(r) and _text(r, ASSESSMENT_TYPE) != FINANCIAL_ASSESSMENT,
        "every event except financial assessments",
        "the event's outcome",
    ),
    _rule("route_of_access", ROUTE_OF_ACCESS, lambda r: is_event_row(r) and is_request(r), "requests", "the request"),
    _rule("assessment_type", ASSESSMENT_TYPE, _of_type(EVENT_ASSESSMENT), "assessments", "the assessment"),
    _rule(
        "method_of_assessment",
        ASSESSMENT_METHOD,
        lambda r: _of_type(EVENT_ASSESSMENT)(r) and not is_financial_assessment(r),
        "assessments other than financial assessments",
        "the assessment",
    ),
    _rule("service_type", SERVICE_TYPE, _of_type(EVENT_SERVICE), "services", "the arrangement"),
    _rule("service_component", SERVICE_COMPONENT, _of_type(EVENT_SERVICE), "services", "the arrangement"),
    _rule("review_reason", REVIEW_REASON, _of_type(EVENT_REVIEW), "reviews", "the review"),
    _rule(
        "review_outcomes_achieved",
        REVIEW_OUTCOMES,
        lambda r: _of_type(EVENT_REVIEW)(r) and _text(r, REVIEW_REASON) == cld.REVIEW_PLANNED,
        "planned reviews",
        "the review",
    ),
    _rule("method_of_review", REVIEW_METHOD, _of_type(EVENT_REVIEW), "reviews", "the review"),
    _rule(
        "costs",
        [UNIT_COST, COST_FREQUENCY, PLANNED_UNITS],
        costs_mandatory,
        "long-term, carer and short-term residential, nursing or respite services not commissioned by the council",
        "the arrangement's cost",
    ),
]
RULES_BY_NAME = {rule.name: rule for rule in RULES}


def problems(row: dict) -> list[tuple[Rule, str]]:
    """Every rule `row` breaks, with the message for each."""
    found = []
    for rule in RULES:
        message = rule.check(row)
        if message:
            found.append((rule, message))
    return found


def last_complete_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The latest whole reporting quarter before `today` (CLD is submitted quarterly: Apr-Jun, Jul-Sep, Oct-Dec,
    Jan-Mar)."""
    first_month = ((today.month - 1) // 3) * 3 + 1  # the calendar quarter `today` falls in
    end = datetime.date(today.year, first_month, 1) - datetime.timedelta(days=1)
    start = datetime.date(end.year, end.month - 2, 1)
    return start, end
