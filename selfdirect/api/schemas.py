"""Response and request schemas for the records API. Each lists its fields explicitly: an endpoint returns what an
integration needs for its purpose and nothing more (no free-text notes of a worker's, no contact details in search
results). Money is a string in pounds to the penny ("250.00"), never a JSON number; dates are ISO 8601."""

import datetime
import re
from typing import Annotated, ClassVar, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from selfdirect.people.models import CaseNote

from .errors import StrictRequest

MoneyOut = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["250.00"])]


class Ref(Schema):
    id: int
    name: str


class PersonSummary(Schema):
    """A search result. For a restricted record the viewer may not open, only the name and ids are given (as the
    search page shows "Details hidden")."""

    id: int
    council_id: str = Field(description="The council's person ID, e.g. P0000123")
    first_name: str
    last_name: str
    is_restricted: bool
    details_hidden: bool = Field(description="True when the record is restricted and this token may not open it")
    date_of_birth: datetime.date | None
    nhs_number: str | None = Field(description="10 digits, no spaces; null if unknown or hidden")
    postcode: str | None
    allocated_team: Ref | None


class PersonSearchPage(Schema):
    count: int = Field(description="How many people match in all")
    page: int
    page_size: int
    results: list[PersonSummary]


class PersonDetail(Schema):
    """What an integration needs to match and route a person: identity, support reason and who holds the case."""

    id: int
    council_id: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: datetime.date
    date_of_death: datetime.date | None
    nhs_number: str | None
    gender: str = Field(description="CLD gender code as stored, or empty")
    primary_support_reason: str = Field(description="CLD primary support reason as stored, or empty")
    postcode: str
    preferred_contact_method: str
    communication_needs: str
    is_restricted: bool
    allocated_team: Ref | None
    allocated_worker: Ref | None
    version: int = Field(description="Changes on every save (optimistic locking)")
    updated_at: datetime.datetime


class AssessmentSummary(Schema):
    id: int
    kind: str = Field(description='"needs" or "carer"')
    status: str
    assessment_type: str = Field(description="CLD assessment type")
    started_on: datetime.date
    signed_off_at: datetime.datetime | None
    eligible: bool | None = Field(description="The decision once signed off; null before")


class AssessmentDetail(AssessmentSummary):
    person_id: int | None
    cared_for_person_id: int | None = Field(description="For a carer's assessment: the person they care for")
    method: str = Field(description="CLD assessment method")
    primary_support_reason: str
    outcomes_unable: list[str] = Field(description="Eligibility outcome codes the person cannot achieve")
    computed_eligible: bool | None = Field(description="What the national eligibility rules give")
    decision: str = Field(description='"confirmed", "overridden" or empty before sign-off')
    event_outcome: str = Field(description="CLD event outcome")
    allocated_worker: Ref | None


class PlanSummary(Schema):
    id: int
    status: str
    planner: str
    start_date: datetime.date | None
    weekly_total: MoneyOut
    version: int
    decided_at: datetime.datetime | None


class PlanLineOut(Schema):
    id: int
    description: str
    support_kind: str = Field(description='"provider", "pa" or "unpaid"')
    service_component: str = Field(description="CLD service component, or empty")
    unit_type: str
    units: str
    per_week: str
    unit_rate: MoneyOut
    weekly_cost: MoneyOut
    one_off_cost: MoneyOut
    management: str


class PlanDetail(PlanSummary):
    person_id: int
    assessment_id: int
    weekly_direct_payment: MoneyOut
    weekly_council_managed: MoneyOut
    weekly_individual_service_fund: MoneyOut
    high_risk: bool
    lines: list[PlanLineOut]


class BudgetOut(Schema):
    id: int
    person_id: int
    version: int
    is_current: bool
    effective_from: datetime.date
    reason: str
    weekly_total_cost: MoneyOut
    weekly_person_contribution: MoneyOut
    weekly_council_amount: MoneyOut
    weekly_direct_payment: MoneyOut
    weekly_council_managed: MoneyOut
    weekly_individual_service_fund: MoneyOut


class ArrangementOut(Schema):
    id: int
    person_id: int
    plan_id: int
    plan_line_id: int
    status: str
    start_date: datetime.date
    end_date: datetime.date | None
    service_type: str = Field(description="CLD service type")
    service_component: str = Field(description="CLD service component")
    delivery_mechanism: str
    provider: Ref | None
    personal_assistant_id: int | None = Field(description="The PA employed, by id (their details are not shared)")
    unit_cost: MoneyOut
    cost_frequency: str
    planned_units_per_week: str
    weekly_cost: MoneyOut


class ReviewSummary(Schema):
    id: int
    kind: str
    reason: str = Field(description="CLD review reason")
    status: str
    due_on: datetime.date
    completed_on: datetime.date | None


class ReviewDetail(ReviewSummary):
    person_id: int
    plan_id: int | None
    method: str = Field(description="CLD review method, once done")
    outcomes_achieved: str
    event_outcome: str
    new_weekly_total: MoneyOut | None
    assigned_to: Ref | None


class NoteCreated(Schema):
    id: int
    person_id: int
    kind: str
    occurred_on: datetime.date
    subject: str


class ChangeEvent(Schema):
    id: int = Field(description="The cursor: pass the last id you have as `after` to get what came next")
    occurred_at: datetime.datetime
    action: Literal["create", "update", "delete"]
    object_type: str = Field(description='What changed, as "app.model", e.g. "people.casenote"')
    object_id: str
    person_id: int
    summary: str
    fields_changed: list[str] = Field(description="Names of the fields that changed (read the record for values)")


class EventPage(Schema):
    events: list[ChangeEvent]
    next_after: int = Field(description="Pass this as `after` next time (the same value if nothing new)")
    has_more: bool = Field(description="True if more events are waiting: ask again straight away")


# --- request bodies ----------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: str) -> datetime.date:
    if not _ISO_DATE.match(value):
        raise PydanticCustomError("date_format", "Must be a date written YYYY-MM-DD, for example 2026-11-03")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_invalid", "That date does not exist: check the day and month") from None
    if day.year < 1900:
        raise PydanticCustomError("date_too_early", "Must be in 1900 or later")
    return day


def _plain_text(value: str) -> str:
    """Text as a form would take it: stripped, and no NUL characters (a database cannot store them)."""
    if "\x00" in value:
        raise PydanticCustomError("null_character", "Must not contain NUL (\\u0000) characters")
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", "This field cannot be blank")
    return value


IsoDate = Annotated[
    str, AfterValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-11-03"]})
]


def plain_text(max_length: int) -> object:
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_plain_text)]


NoteKind = Literal[tuple(CaseNote.Kind.values)]  # type: ignore[valid-type]


class NoteIn(StrictRequest):
    """A case note, as the "Add a case note" page takes it."""

    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        "kind": {"literal_error": "{input} is not a kind of note: use {allowed}"},
    }

    kind: NoteKind = Field(description="; ".join(f'"{k}": {label}' for k, label in CaseNote.Kind.choices))
    occurred_on: IsoDate = Field(description="When it happened (not in the future)")
    subject: plain_text(200) = Field(description="A short summary")  # type: ignore[valid-type]
    text: plain_text(20000) = Field(description="The note")  # type: ignore[valid-type]
