"""POST /api/v1/requests: another system (a hospital discharge hub, a GP practice) records a request for support.

The same service as the staff page "Record a request for support" (assessments.services.request_record), with the
same rules as its form (assessments/request_forms.py): the same code lists, names as names, a real postcode, a date
received not in the future, a date of birth in the past. The person is either a record the caller has found (by its
id, through the selector the pages use: 404 unknown, 403 restricted) or described (the subject's details), when the
caller could not match them; staff then link the request to a record, or create one, on its page.

Immediate risk: as on the staff form, the request is flagged (a red tag in the requests list, a prompt to consider a
safeguarding concern on its page), nothing more happens by itself. Because the caller is not the council, the answer
also says not to wait for the council to read it (the portal says the same to the public, with
settings.COUNCIL_EMERGENCY_PHONE).
"""

import datetime
from typing import Annotated, ClassVar, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from selfdirect.assessments import services as assessment_services
from selfdirect.assessments.models import Channel, Requester, SupportRequest
from selfdirect.core.forms import validate_person_name
from selfdirect.core.permissions import Action
from selfdirect.people import selectors as people_selectors
from selfdirect.rules import cld
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .access import MAX_ID, operation
from .errors import ApiError, StrictRequest
from .schemas import IsoDate, plain_text

router = Router(tags=["requests"])

RequesterKind = Literal[tuple(Requester.values)]  # type: ignore[valid-type]
ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
RouteOfAccess = Literal[tuple(cld.REQUEST_ROUTES)]  # type: ignore[valid-type]


# --- field types (the staff form's rules, as pydantic validators) --------------------------------------------------


def _not_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise PydanticCustomError("date_future", "Must be today or in the past")
    return day


def _in_the_past(day: datetime.date) -> datetime.date:
    if day >= timezone.localdate():
        raise PydanticCustomError("date_not_past", "Must be in the past (a date of birth before today)")
    return day


def _person_name(value: str) -> str:
    try:
        validate_person_name(value)
    except ValidationError as exc:
        raise PydanticCustomError("person_name", exc.messages[0]) from None
    return value


def _optional_text(value: str) -> str:
    """Optional text as a form takes it: stripped (so blank is ""), no NUL characters."""
    if "\x00" in value:
        raise PydanticCustomError("null_character", "Must not contain NUL (\\u0000) characters")
    return value.strip()


def _postcode(value: str) -> str:
    if not value:
        return ""
    if not is_valid_postcode(value):
        raise PydanticCustomError("postcode", "Must be a real UK postcode, like NM1 2AB (or leave it out)")
    return normalise_postcode(value)


def optional_text(max_length: int) -> object:
    return Annotated[str, Field(max_length=max_length), AfterValidator(_optional_text)]


NotFutureDate = Annotated[IsoDate, AfterValidator(_not_future)]
PastDate = Annotated[IsoDate, AfterValidator(_in_the_past)]
PersonName = Annotated[plain_text(100), AfterValidator(_person_name)]  # type: ignore[valid-type]
Postcode = Annotated[optional_text(10), AfterValidator(_postcode)]  # type: ignore[valid-type]


def _text_messages(*names: str) -> dict[str, dict[str, str]]:
    """Length messages in words (pydantic's say "String should have...")."""
    return {
        name: {
            "string_too_short": "This field cannot be blank",
            "string_too_long": "Must be at most {max_length} characters",
        }
        for name in names
    }


# --- request and response ------------------------------------------------------------------------------------------


class SubjectIn(StrictRequest):
    """Who the request is about, as told, when the caller has not matched them to a record."""

    error_messages: ClassVar[dict[str, dict[str, str]]] = _text_messages("first_name", "last_name", "postcode", "phone")

    first_name: PersonName = Field(description="Letters, spaces, hyphens, apostrophes and full stops")
    last_name: PersonName = Field(description="Letters, spaces, hyphens, apostrophes and full stops")
    date_of_birth: PastDate | None = Field(None, description="If known (their record will need it): before today")
    postcode: Postcode | None = Field(None, description="A UK postcode, if known; stored as NM1 2AB")
    phone: optional_text(30) | None = Field(None, description="A phone number, if known")  # type: ignore[valid-type]


class RequesterIn(StrictRequest):
    """Who asked for support."""

    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        "kind": {"literal_error": "{input} is not a kind of requester: use {allowed}"},
        **_text_messages("name", "contact"),
    }

    kind: RequesterKind = Field(description="; ".join(f'"{k}": {label}' for k, label in Requester.choices))
    name: optional_text(200) | None = Field(  # type: ignore[valid-type]
        None, description="Their name, e.g. the GP or the ward's discharge coordinator"
    )
    contact: optional_text(200) | None = Field(  # type: ignore[valid-type]
        None, description="How to contact them: a phone number, email address or postal address"
    )


class SupportRequestIn(StrictRequest):
    """A request for support, as the staff page "Record a request for support" takes it."""

    error_messages: ClassVar[dict[str, dict[str, str]]] = {
        "person_id": {
            "greater_than_equal": "Must be a person's id (a whole number from 1), or leave it out and send subject",
            "less_than_equal": "No person has an id this large: check the id, or send subject instead",
        },
        "channel": {"literal_error": "{input} is not a channel: use {allowed}"},
        "route_of_access": {"literal_error": "{input} is not a route of access: use {allowed}"},
        **_text_messages("what_they_need"),
    }

    person_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="The person's id, if they are already on record (from GET /people). Or send `subject`."
    )
    subject: SubjectIn | None = Field(
        None, description="Who the request is about, when not matched to a record. Or send `person_id`."
    )
    requester: RequesterIn
    channel: ChannelCode = Field(
        description="How the request came in: " + "; ".join(f'"{k}": {label}' for k, label in Channel.choices)
    )
    route_of_access: RouteOfAccess = Field(
        description="How the request reached adult social care, for the Client Level Data return (the CLD list "
        "is still to be confirmed: these are the values the staff form offers)"
    )
    received_on: NotFutureDate = Field(description="When the request was received (today or in the past)")
    what_they_need: plain_text(10000) = Field(  # type: ignore[valid-type]
        description="What they need help with, in the words they used as far as possible"
    )
    immediate_risk: bool = Field(
        description="Whether someone is at immediate risk. Required: a request never says 'no risk' by omission"
    )


class SupportRequestCreated(Schema):
    id: int
    status: Literal["open", "closed"]
    person_id: int | None = Field(description="The person's record, or null until staff link or create one")
    received_on: datetime.date
    immediate_risk: bool
    url: str = Field(description="The request's page for council staff (needs signing in)")
    warning: str | None = Field(description="When someone is at immediate risk: what to do now, not later")


# --- the operation -------------------------------------------------------------------------------------------------


def _who(payload: SupportRequestIn, request: HttpRequest):
    """The person (through the pages' rules) and the subject's fields for the service, from either way of saying."""
    if payload.person_id is not None and payload.subject is not None:
        raise ApiError([("subject", "Send either person_id (a person on record) or subject (their details), not both")])
    if payload.person_id is None and payload.subject is None:
        message = "Say who the request is about: person_id for a person on record, or subject with their details"
        raise ApiError([("subject", message)])
    if payload.person_id is not None:
        person = people_selectors.person_get_for_user(user=request.user, pk=payload.person_id)
        # As the staff form: the other subject fields come from the record (the service fills them in).
        return person, {"subject_phone": person.phone}
    subject = payload.subject
    return None, {
        "subject_first_name": subject.first_name,
        "subject_last_name": subject.last_name,
        "subject_date_of_birth": subject.date_of_birth,
        "subject_postcode": subject.postcode or "",
        "subject_phone": subject.phone or "",
    }


def _risk_warning() -> str:
    phone = settings.COUNCIL_EMERGENCY_PHONE
    line = f" on {phone}" if phone else ""
    return (
        "Someone is at immediate risk: do not wait for the council to read this request. If someone is in danger "
        f"now, phone 999. If it is urgent but not life-threatening, phone adult social care's emergency line{line}."
    )


@operation(
    router,
    "POST",
    "/requests",
    action=Action.REQUEST_RECORD,
    response={201: SupportRequestCreated},
    summary="Record a request for support",
    description='A referral or any other request for support, as staff record it on the page "Record a request '
    'for support". Give the person as `person_id` (found with GET /people; 404 unknown, 403 restricted) or as '
    "`subject` (their details), never both. The request opens for the council's staff, who link it to a record "
    "(or create one) and conclude it. `immediate_risk` flags it for them at once.",
    operation_id="request_record",
)
def request_record(request: HttpRequest, payload: SupportRequestIn):
    person, subject_fields = _who(payload, request)
    requester = payload.requester
    support_request: SupportRequest = assessment_services.request_record(
        actor=request.user,
        person=person,
        request=request,
        requester=requester.kind,
        requester_name=requester.name or "",
        requester_contact=requester.contact or "",
        channel=payload.channel,
        route_of_access=payload.route_of_access,
        received_on=payload.received_on,
        what_they_need=payload.what_they_need,
        immediate_risk=payload.immediate_risk,
        **subject_fields,
    )
    return Status(
        201,
        {
            "id": support_request.pk,
            "status": support_request.status,
            "person_id": support_request.person_id,
            "received_on": support_request.received_on,
            "immediate_risk": support_request.immediate_risk,
            "url": request.build_absolute_uri(reverse("request_detail", args=[support_request.pk])),
            "warning": _risk_warning() if support_request.immediate_risk else None,
        },
    )
