"""The records endpoints: the same rules as the pages (role, restricted records), explicit fields, audited reads."""

import datetime

import pytest

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.people.models import CaseNote, PersonEvent
from tests.factories import PersonFactory, TeamFactory

from .factories import full_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(social_worker):
    return full_case(
        person=PersonFactory(first_name="Mary", last_name="Smith", postcode="NM1 2AB"), worker=social_worker
    )


@pytest.fixture
def restricted_case(user_of_role):
    """A restricted record allocated to its own worker."""
    worker = user_of_role(Role.SOCIAL_WORKER)
    person = PersonFactory(first_name="Rita", last_name="Smithers", is_restricted=True, allocated_worker=worker)
    return full_case(person=person, worker=worker) | {"worker": worker}


def _errors(response):
    return response.json()["errors"]


# --- search -------------------------------------------------------------------------------------------------------


def test_search_finds_by_name_and_hides_a_restricted_records_details(api_as, social_worker, case, restricted_case):
    """As the search page: the restricted person's name shows, their details do not."""
    response = api_as(social_worker).get("/api/v1/people", {"q": "Smi"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1 and body["page_size"] == 25
    by_name = {r["last_name"]: r for r in body["results"]}
    mary = by_name["Smith"]
    assert mary["details_hidden"] is False
    assert mary["postcode"] == "NM1 2AB"
    assert mary["date_of_birth"] == case["person"].date_of_birth.isoformat()
    rita = by_name["Smithers"]
    assert rita["is_restricted"] is True and rita["details_hidden"] is True
    assert rita["date_of_birth"] is None and rita["nhs_number"] is None and rita["postcode"] is None


def test_search_shows_a_restricted_record_to_its_allocated_worker(api_as, restricted_case):
    rita = api_as(restricted_case["worker"]).get("/api/v1/people", {"q": "Smithers"}).json()["results"][0]
    assert rita["details_hidden"] is False
    assert rita["nhs_number"] == restricted_case["person"].nhs_number


def test_search_is_audited_with_the_token_named(api_as, social_worker, case):
    api_as(social_worker).get("/api/v1/people", {"q": "Smith"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH, actor=social_worker)
    assert event.summary.startswith("API (Test integration, sd_")
    assert event.summary.endswith("Searched by name")


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "31/02/1950"}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "Smith", "page": "0"}, "page"),
        ({"q": "Smith", "page": "two"}, "page"),
    ],
)
def test_search_refuses_bad_input_with_400_naming_the_field(api_as, social_worker, params, field):
    response = api_as(social_worker).get("/api/v1/people", params)
    assert response.status_code == 400
    assert _errors(response)[0]["field"] == field


def test_search_pages(api_as, social_worker):
    for i in range(27):
        PersonFactory(first_name=f"Ann{i}", last_name="Pagett")
    second = api_as(social_worker).get("/api/v1/people", {"q": "Pagett", "page": 2}).json()
    assert second["count"] == 27 and len(second["results"]) == 2


# --- one person ---------------------------------------------------------------------------------------------------


def test_person_read_gives_the_record_and_audits_the_view(api_as, social_worker, case):
    person = case["person"]
    response = api_as(social_worker).get(f"/api/v1/people/{person.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["council_id"] == person.council_id
    assert body["first_name"] == "Mary" and body["nhs_number"] == person.nhs_number
    assert body["allocated_team"] is None
    assert "email" not in body and "phone" not in body and "address_line_1" not in body
    view = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, person_id=person.pk, actor=social_worker)
    assert view.summary.endswith("Read the person's record")


def test_a_person_in_another_team_opens_as_on_the_pages(api_as, social_worker):
    """The person page does not limit records to the worker's own team, so neither does the API."""
    other = PersonFactory(allocated_team=TeamFactory(name="Learning disability south", code="lds"))
    response = api_as(social_worker).get(f"/api/v1/people/{other.pk}")
    assert response.status_code == 200
    assert response.json()["allocated_team"]["name"] == "Learning disability south"


def test_a_restricted_record_is_403_and_the_attempt_audited(api_as, social_worker, restricted_case):
    person = restricted_case["person"]
    response = api_as(social_worker).get(f"/api/v1/people/{person.pk}")
    assert response.status_code == 403
    assert "restricted" in _errors(response)[0]["message"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, person_id=person.pk, actor=social_worker).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=person.pk).exists()


@pytest.mark.parametrize("who", ["worker", "safeguarding_lead"])
def test_a_restricted_record_opens_to_its_worker_and_the_safeguarding_lead(api_as, user_of_role, restricted_case, who):
    user = restricted_case["worker"] if who == "worker" else user_of_role(Role.SAFEGUARDING_LEAD)
    assert api_as(user).get(f"/api/v1/people/{restricted_case['person'].pk}").status_code == 200


def test_an_id_that_does_not_exist_is_404(api_as, social_worker):
    response = api_as(social_worker).get("/api/v1/people/999999")
    assert response.status_code == 404
    assert _errors(response) == [{"field": "", "message": "Not found"}]


@pytest.mark.parametrize("bad", ["0", "-3", "abc", str(2**63)])
def test_an_id_that_cannot_be_one_is_400(api_as, social_worker, bad):
    response = api_as(social_worker).get(f"/api/v1/people/{bad}")
    assert response.status_code in (400, 404)  # "-3" and "abc" do not match the route's shape at all
    assert response.status_code != 500


# --- the person's case --------------------------------------------------------------------------------------------


def test_the_case_endpoints_give_what_the_pages_show(api_as, social_worker, case):
    client = api_as(social_worker)
    pid = case["person"].pk

    assessments = client.get(f"/api/v1/people/{pid}/assessments").json()
    assert [a["id"] for a in assessments] == [case["assessment"].pk]
    assert assessments[0]["eligible"] is True and assessments[0]["status"] == "signed_off"

    detail = client.get(f"/api/v1/assessments/{case['assessment'].pk}").json()
    assert detail["outcomes_unable"] == ["a", "g"] and detail["person_id"] == pid

    plans = client.get(f"/api/v1/people/{pid}/plans").json()
    assert plans[0]["weekly_total"] == "240.00" and plans[0]["status"] == "approved"
    plan = client.get(f"/api/v1/plans/{case['plan'].pk}").json()
    assert plan["lines"] == [
        {
            "id": case["line"].pk,
            "description": "Help to get up, washed and dressed each morning",
            "support_kind": "provider",
            "service_component": "Home Support",
            "unit_type": "Hourly",
            "units": "1.00",
            "per_week": "10.00",
            "unit_rate": "24.00",
            "weekly_cost": "240.00",
            "one_off_cost": "0.00",
            "management": "council_managed",
        }
    ]

    budgets = client.get(f"/api/v1/people/{pid}/budgets").json()
    assert len(budgets) == 1
    budget = client.get(f"/api/v1/budgets/{case['budget'].pk}").json()
    assert budget == budgets[0]
    assert (budget["weekly_total_cost"], budget["weekly_person_contribution"], budget["weekly_council_amount"]) == (
        "240.00",
        "40.00",
        "200.00",
    )

    arrangements = client.get(f"/api/v1/people/{pid}/arrangements").json()
    assert arrangements[0]["provider"]["name"] == case["provider"].name
    assert arrangements[0]["plan_id"] == case["plan"].pk
    assert arrangements[0]["planned_units_per_week"] == "10.00" and arrangements[0]["weekly_cost"] == "240.00"
    assert client.get(f"/api/v1/arrangements/{case['arrangement'].pk}").json() == arrangements[0]

    reviews = client.get(f"/api/v1/people/{pid}/reviews").json()
    assert reviews == [
        {
            "id": case["review"].pk,
            "kind": "first",
            "reason": "Planned",
            "status": "scheduled",
            "due_on": "2026-05-18",
            "completed_on": None,
        }
    ]
    review = client.get(f"/api/v1/reviews/{case['review'].pk}").json()
    assert review["assigned_to"]["id"] == social_worker.pk and review["new_weekly_total"] is None

    # Each of the 10 reads above opened the person's record, and each is in the audit log.
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=pid, actor=social_worker)
    assert views.count() == 10


@pytest.mark.parametrize("kind", ["assessment", "plan", "budget", "arrangement", "review"])
def test_a_restricted_persons_records_are_403_by_id(api_as, social_worker, restricted_case, kind):
    """An id typed in reveals nothing the person's record would not: the person's rules apply."""
    obj = restricted_case[kind]
    response = api_as(social_worker).get(f"/api/v1/{kind}s/{obj.pk}")
    assert response.status_code == 403


@pytest.mark.parametrize("kind", ["assessments", "plans", "budgets", "arrangements", "reviews"])
def test_a_restricted_persons_lists_are_403(api_as, social_worker, restricted_case, kind):
    assert api_as(social_worker).get(f"/api/v1/people/{restricted_case['person'].pk}/{kind}").status_code == 403


def test_a_finance_officer_lists_assessments_but_cannot_open_one(api_as, user_of_role, case):
    """As the pages: the person page lists assessments for anyone who may view people; opening one is for roles
    that work on assessments."""
    client = api_as(user_of_role(Role.FINANCE_OFFICER))
    assert client.get(f"/api/v1/people/{case['person'].pk}/assessments").status_code == 200
    assert client.get(f"/api/v1/assessments/{case['assessment'].pk}").status_code == 403


def test_a_support_planner_cannot_open_a_review(api_as, user_of_role, case):
    assert api_as(user_of_role(Role.SUPPORT_PLANNER)).get(f"/api/v1/reviews/{case['review'].pk}").status_code == 403


# --- adding a case note -------------------------------------------------------------------------------------------

NOTE = {"kind": "phone", "occurred_on": "2026-01-05", "subject": "Call from the GP", "text": "Discharge on Friday."}


def _post_note(client, person, body):
    return client.post(f"/api/v1/people/{person.pk}/notes", body, content_type="application/json")


def test_a_note_is_added_by_the_tokens_user_with_its_audit_and_timeline(api_as, social_worker, case):
    response = _post_note(api_as(social_worker), case["person"], NOTE)
    assert response.status_code == 201
    note = CaseNote.objects.get(pk=response.json()["id"])
    assert (note.author, note.kind, note.occurred_on, note.text) == (
        social_worker,
        "phone",
        datetime.date(2026, 1, 5),
        "Discharge on Friday.",
    )
    assert AuditEvent.objects.filter(action="create", object_type="people.casenote", object_id=str(note.pk)).exists()
    assert PersonEvent.objects.filter(person=case["person"], note=note).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "telepathy"}, "kind"),
        ({"occurred_on": "2026-02-30"}, "occurred_on"),
        ({"occurred_on": "05/01/2026"}, "occurred_on"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"text": "a\x00b"}, "text"),
        ({"mood": "cheerful"}, "mood"),
        ({"occurred_on": 20260105}, "occurred_on"),
    ],
)
def test_a_bad_note_is_400_naming_the_field_and_nothing_is_saved(api_as, social_worker, case, change, field):
    response = _post_note(api_as(social_worker), case["person"], NOTE | change)
    assert response.status_code == 400
    assert field in [e["field"] for e in _errors(response)]
    assert not CaseNote.objects.exists()


def test_a_body_that_is_not_json_is_400(api_as, social_worker, case):
    response = api_as(social_worker).post(
        f"/api/v1/people/{case['person'].pk}/notes", "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and _errors(response)[0]["field"] == "body"


def test_a_note_on_a_restricted_record_is_refused(api_as, social_worker, restricted_case):
    response = _post_note(api_as(social_worker), restricted_case["person"], NOTE)
    assert response.status_code == 403
    assert not CaseNote.objects.exists()


def test_an_integration_writes_notes_as_its_own_account(case):
    """A system integration's token acts as its own account, with the role it was given."""
    from django.test import Client
    from django.utils import timezone

    from selfdirect.api.services import api_token_issue
    from tests.factories import UserFactory

    admin = UserFactory(role=Role.ADMINISTRATOR)
    token, secret = api_token_issue(
        name="NHS discharge hub",
        actor=admin,
        integration_role=Role.ASSESSOR,
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    response = _post_note(client, case["person"], NOTE)
    assert response.status_code == 201
    author = CaseNote.objects.get().author
    assert author == token.user and author.role == Role.ASSESSOR
    assert str(author) == "NHS discharge hub (integration)"
    assert not author.has_usable_password()
    # The matrix applies to the integration's role: assessors work on reviews but not on approving plans.
    assert client.get(f"/api/v1/reviews/{case['review'].pk}").status_code == 200
