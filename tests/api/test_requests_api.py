"""POST /api/v1/requests: a request for support recorded by another system, with the staff page's rules."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from selfdirect.assessments.models import SupportRequest
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.people.models import PersonEvent
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests"
TODAY = timezone.localdate

ABOUT = {
    "first_name": "Harold",
    "last_name": "Pemberton",
    "date_of_birth": "1941-09-03",
    "postcode": "nm2 3fg",
    "phone": "01632 960 456",
}


def body(**changes) -> dict:
    """A hospital discharge hub's referral of someone not matched to a record; `changes` replace or add fields."""
    base = {
        "subject": dict(ABOUT),
        "requester": {
            "kind": "health",
            "name": "Sam Okafor, discharge coordinator, Ward 7",
            "contact": "01632 960 321",
        },
        "channel": "referral",
        "route_of_access": "Discharge from Hospital",
        "received_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "what_they_need": "  Help with washing and dressing when he goes home on Friday.  ",
        "immediate_risk": False,
    }
    return base | changes


def post(client, data):
    return client.post(URL, json.dumps(data), content_type="application/json")


def errors(response) -> list[dict]:
    return response.json()["errors"]


# --- created ------------------------------------------------------------------------------------------------------


def test_a_referral_about_someone_not_on_record_is_saved_as_sent_and_audited(api_as, social_worker, client_as):
    """Saved with the details as told (postcode normalised, text stripped), open, unlinked, recorded by the token's
    user, with the service's audit record; the answer points at the staff page, which opens."""
    response = post(api_as(social_worker), body())
    assert response.status_code == 201
    saved = SupportRequest.objects.get()
    answer = response.json()
    assert answer == {
        "id": saved.pk,
        "status": "open",
        "person_id": None,
        "received_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "immediate_risk": False,
        "url": f"http://testserver/requests/{saved.pk}/",
        "warning": None,
    }
    assert (saved.subject_first_name, saved.subject_last_name) == ("Harold", "Pemberton")
    assert saved.subject_date_of_birth == datetime.date(1941, 9, 3)
    assert saved.subject_postcode == "NM2 3FG"
    assert saved.subject_phone == "01632 960 456"
    assert (saved.requester, saved.requester_name, saved.requester_contact) == (
        "health",
        "Sam Okafor, discharge coordinator, Ward 7",
        "01632 960 321",
    )
    assert (saved.channel, saved.route_of_access) == ("referral", "Discharge from Hospital")
    assert saved.what_they_need == "Help with washing and dressing when he goes home on Friday."
    assert saved.immediate_risk is False and saved.person is None and saved.recorded_by == social_worker
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="assessments.supportrequest")
    assert event.object_id == str(saved.pk) and event.actor == social_worker and event.person_id is None
    assert event.summary == "Request for support received (Referral from another service)"
    page = client_as(social_worker).get(answer["url"])
    assert page.status_code == 200 and "Harold Pemberton" in page.content.decode()


def test_a_request_about_a_person_on_record_is_linked_and_on_their_timeline(api_as, social_worker):
    """With person_id: linked at once, the subject's details taken from the record (as the staff form does)."""
    person = PersonFactory(first_name="Mary", last_name="Smith", postcode="NM1 2AB", phone="01632 960 999")
    data = body(person_id=person.pk)
    del data["subject"]
    response = post(api_as(social_worker), data)
    assert response.status_code == 201
    saved = SupportRequest.objects.get()
    assert response.json()["person_id"] == person.pk and saved.person == person
    assert (saved.subject_first_name, saved.subject_last_name) == ("Mary", "Smith")
    assert saved.subject_date_of_birth == person.date_of_birth
    assert (saved.subject_postcode, saved.subject_phone) == ("NM1 2AB", "01632 960 999")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="assessments.supportrequest")
    assert event.person_id == person.pk and event.object_id == str(saved.pk)
    timeline = PersonEvent.objects.get(person=person, type=PersonEvent.Type.REQUEST)
    assert timeline.title == "Request for support received" and timeline.actor == social_worker


def test_optional_details_may_be_left_out_or_null(api_as, social_worker):
    data = body(subject={"first_name": "Ann", "last_name": "O'Neill-Jones", "postcode": None, "phone": ""})
    data["requester"] = {"kind": "self", "name": None}
    response = post(api_as(social_worker), data)
    assert response.status_code == 201
    saved = SupportRequest.objects.get()
    assert saved.subject_last_name == "O'Neill-Jones" and saved.subject_date_of_birth is None
    assert (saved.subject_postcode, saved.subject_phone, saved.requester_name, saved.requester_contact) == (
        "",
        "",
        "",
        "",
    )


def test_received_today_is_accepted(api_as, social_worker):
    response = post(api_as(social_worker), body(received_on=TODAY().isoformat()))
    assert response.status_code == 201 and response.json()["received_on"] == TODAY().isoformat()


def test_immediate_risk_is_201_flagged_for_staff_and_tells_the_caller_not_to_wait(
    api_as, social_worker, client_as, settings
):
    """As the staff form: the request is flagged, and its page prompts a safeguarding concern. The caller is told
    to phone now rather than wait (the portal tells the public the same)."""
    settings.COUNCIL_EMERGENCY_PHONE = "01632 960 111"
    response = post(api_as(social_worker), body(immediate_risk=True))
    assert response.status_code == 201
    answer = response.json()
    assert answer["immediate_risk"] is True
    assert "phone 999" in answer["warning"] and "01632 960 111" in answer["warning"]
    assert SupportRequest.objects.get().immediate_risk is True
    html = client_as(social_worker).get(answer["url"]).content.decode()
    assert "Consider a safeguarding concern now" in html


def test_an_integration_account_records_the_request_as_itself(api_as):
    """A hospital discharge hub's own token (an assessor's role) records requests in its own name."""
    from selfdirect.api.services import api_token_issue

    token, secret = api_token_issue(
        name="NHS discharge hub",
        actor=UserFactory(role=Role.ADMINISTRATOR),
        integration_role=Role.ASSESSOR,
        expires_on=TODAY() + datetime.timedelta(days=90),
    )
    response = post(Client(headers={"Authorization": f"Bearer {secret}"}), body())
    assert response.status_code == 201
    assert SupportRequest.objects.get().recorded_by == token.user
    assert AuditEvent.objects.get(object_type="assessments.supportrequest").actor == token.user


def test_the_event_feed_lists_a_request_once_it_is_about_a_person_on_record(api_as, social_worker):
    """The feed shows changes about people: a linked request appears; one not yet linked to a record does not."""
    person = PersonFactory()
    client = api_as(social_worker)
    linked = body(person_id=person.pk)
    del linked["subject"]
    linked_id = post(client, linked).json()["id"]
    post(client, body())
    events = client.get("/api/v1/events", {"after": 0}).json()["events"]
    requests = [e for e in events if e["object_type"] == "assessments.supportrequest"]
    assert [(e["object_id"], e["person_id"], e["action"]) for e in requests] == [(str(linked_id), person.pk, "create")]


# --- refused ------------------------------------------------------------------------------------------------------

FUTURE = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()  # a day's margin either side of midnight
CHANNELS = '"phone", "portal", "email", "letter", "in_person" or "referral"'


def _without(*path: str) -> dict:
    data = body()
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


def _subject(**changes) -> dict:
    return body(subject=ABOUT | changes)


def _requester(**changes) -> dict:
    return body(requester=body()["requester"] | changes)


@pytest.mark.parametrize(
    "data, field, message",
    [
        # missing and blank
        (_without("requester"), "requester", "This field is required: give an object"),
        (_without("requester", "kind"), "requester.kind", "This field is required: give one of "),
        (_without("channel"), "channel", "This field is required: give one of "),
        (_without("route_of_access"), "route_of_access", "This field is required: give one of "),
        (_without("received_on"), "received_on", "This field is required: give a string"),
        (_without("what_they_need"), "what_they_need", "This field is required: give a string"),
        (_without("immediate_risk"), "immediate_risk", "This field is required: give true or false"),
        (_without("subject", "first_name"), "subject.first_name", "This field is required: give a string"),
        (_without("subject", "last_name"), "subject.last_name", "This field is required: give a string"),
        (body(what_they_need="   "), "what_they_need", "This field cannot be blank"),
        (body(what_they_need=""), "what_they_need", "This field cannot be blank"),
        (_subject(first_name=" "), "subject.first_name", "This field cannot be blank"),
        # bad choices
        (body(channel="fax"), "channel", f'"fax" is not a channel: use one of {CHANNELS}'),
        (body(route_of_access="Walk-in"), "route_of_access", '"Walk-in" is not a route of access: use one of '),
        (_requester(kind="neighbour"), "requester.kind", '"neighbour" is not a kind of requester: use one of "self"'),
        # dates
        (body(received_on=FUTURE), "received_on", "Must be today or in the past"),
        (body(received_on="03/11/2026"), "received_on", "Must be a date written YYYY-MM-DD, for example 2026-11-03"),
        (body(received_on="2026-02-30"), "received_on", "That date does not exist: check the day and month"),
        (body(received_on="1899-12-31"), "received_on", "Must be in 1900 or later"),
        (_subject(date_of_birth=TODAY().isoformat()), "subject.date_of_birth", "Must be in the past"),
        # the staff form's other rules
        (_subject(first_name="<b>Harold</b>"), "subject.first_name", "Names must only include letters"),
        (_subject(last_name="Pemberton2"), "subject.last_name", "Names must only include letters"),
        (_subject(postcode="NOT A CODE"), "subject.postcode", "Must be a real UK postcode, like NM1 2AB"),
        (_subject(phone="0" * 31), "subject.phone", "Must be at most 30 characters"),
        (_subject(first_name="A" * 101), "subject.first_name", "Must be at most 100 characters"),
        (_requester(name="x" * 201), "requester.name", "Must be at most 200 characters"),
        (body(what_they_need="x" * 10001), "what_they_need", "Must be at most 10000 characters"),
        (body(what_they_need="a\x00b"), "what_they_need", "Must not contain NUL"),
        # unknown fields
        (body(nhs_number="9434765919"), "nhs_number", "This field is not recognised: remove it (check the spelling)"),
        (_subject(middle_name="John"), "subject.middle_name", "This field is not recognised"),
        (_requester(phone="0"), "requester.phone", "This field is not recognised"),
        # wrong types
        (body(immediate_risk="true"), "immediate_risk", "Must be true or false (a JSON boolean"),
        (body(immediate_risk=1), "immediate_risk", "Must be true or false (a JSON boolean"),
        (body(what_they_need=5), "what_they_need", "Must be a string"),
        (body(received_on=20260105), "received_on", "Must be a string"),
        (body(requester="health"), "requester", "Must be an object"),
        (body(subject=["Harold", "Pemberton"]), "subject", "Must be an object"),
        (_subject(first_name=12), "subject.first_name", "Must be a string"),
        (body(person_id="12", subject=None), "person_id", "Must be a whole number"),
        (body(person_id=1.5, subject=None), "person_id", "Must be a whole number"),
        (body(person_id=0, subject=None), "person_id", "Must be a person's id (a whole number from 1)"),
        (body(person_id=2**63, subject=None), "person_id", "No person has an id this large"),
        # who it is about: one way, not two, not none
        (body(subject=None), "subject", "Say who the request is about: person_id for a person on record"),
        (body(person_id=1), "subject", "Send either person_id (a person on record) or subject (their details)"),
    ],
)
def test_each_bad_field_is_a_400_naming_it_and_nothing_is_saved(api_as, social_worker, data, field, message):
    response = post(api_as(social_worker), data)
    assert response.status_code == 400, response.content
    matching = [e["message"] for e in errors(response) if e["field"] == field]
    assert matching, errors(response)
    assert any(m.startswith(message) for m in matching), matching
    assert not SupportRequest.objects.exists()
    assert not AuditEvent.objects.filter(object_type="assessments.supportrequest").exists()


def test_several_bad_fields_are_reported_together(api_as, social_worker):
    data = body(channel="fax", received_on=FUTURE, immediate_risk="no")
    fields = sorted(e["field"] for e in errors(post(api_as(social_worker), data)))
    assert fields == ["channel", "immediate_risk", "received_on"]


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", '"a request"'])
def test_a_body_that_is_not_a_json_object_is_400_on_the_body(api_as, social_worker, raw):
    response = api_as(social_worker).post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert errors(response)[0]["field"] == "body"
    assert not SupportRequest.objects.exists()


# --- who may ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPPORT_PLANNER, Role.FINANCE_OFFICER, Role.PANEL_MEMBER, Role.COMMISSIONER])
def test_a_role_that_may_not_record_requests_gets_403(api_as, user_of_role, role):
    response = post(api_as(user_of_role(role)), body())
    assert response.status_code == 403
    assert errors(response) == [
        {
            "field": "",
            "message": "This token's role does not allow this: record and conclude requests for support",
        }
    ]
    assert not SupportRequest.objects.exists()


def test_a_restricted_person_is_refused_as_on_the_pages(api_as, social_worker, user_of_role):
    """Not the allocated worker: 403 with the pages' message and a "denied" audit event; nothing saved."""
    person = PersonFactory(is_restricted=True, allocated_worker=user_of_role(Role.SOCIAL_WORKER))
    data = body(person_id=person.pk)
    del data["subject"]
    response = post(api_as(social_worker), data)
    assert response.status_code == 403
    assert errors(response)[0]["message"].startswith("This record is restricted")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, person_id=person.pk).exists()
    assert not SupportRequest.objects.exists()


def test_a_restricted_person_is_open_to_their_allocated_worker(api_as, user_of_role):
    worker = user_of_role(Role.SOCIAL_WORKER)
    person = PersonFactory(is_restricted=True, allocated_worker=worker)
    data = body(person_id=person.pk)
    del data["subject"]
    response = post(api_as(worker), data)
    assert response.status_code == 201 and SupportRequest.objects.get().person == person


def test_an_unknown_person_is_404(api_as, social_worker):
    data = body(person_id=987654)
    del data["subject"]
    response = post(api_as(social_worker), data)
    assert response.status_code == 404
    assert errors(response) == [{"field": "", "message": "Not found"}]
    assert not SupportRequest.objects.exists()


def test_without_a_token_it_is_401(db):
    response = post(Client(), body())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not SupportRequest.objects.exists()


# --- documented ---------------------------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_operation_with_its_action_and_body(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/requests"]["post"]
    assert operation["operationId"] == "request_record"
    assert operation["x-required-action"] == "request.record"
    assert operation["security"]
    # (a subset: rate limiting, being added alongside, documents 429 on every operation too)
    assert {"201", "400", "401", "403", "404"} <= set(operation["responses"])
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert request_schema["additionalProperties"] is False
    assert set(request_schema["required"]) == {
        "requester",
        "channel",
        "route_of_access",
        "received_on",
        "what_they_need",
        "immediate_risk",
    }
    assert request_schema["properties"]["route_of_access"]["enum"] == [
        "Planned Entry (Transition)",
        "Discharge from Hospital",
        "Diversion from Hospital Services",
        "Self-funder with depleted funds",
        "Community/Other route",
    ]


def test_the_docs_page_shows_the_operation(client_as, social_worker):
    html = client_as(social_worker).get("/api/docs").content.decode()
    assert "/api/v1/requests" in html and "Record a request for support" in html
