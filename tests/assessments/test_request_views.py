"""Request-for-support pages through the real URL configuration: recording, matching, linking,
creating the record, concluding, permissions and restricted records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments.models import Assessment, Channel, QuestionBank, Requester, SupportRequest
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.people.models import Person, PersonEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

INFO_AND_ADVICE = "NFA - Information & Advice / Signposting only"
PROGRESS = "Progress to Assessment"


def request_post(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "requester": Requester.FAMILY,
        "requester_name": "Joan Pemberton",
        "requester_contact": "07700 900123",
        "channel": Channel.PHONE,
        "route_of_access": "Community/Other route",
        "received_on_0": str(today.day),
        "received_on_1": str(today.month),
        "received_on_2": str(today.year),
        "subject_first_name": "Harold",
        "subject_last_name": "Pemberton",
        "subject_date_of_birth_0": "3",
        "subject_date_of_birth_1": "9",
        "subject_date_of_birth_2": "1941",
        "subject_postcode": "nm2 3fg",
        "subject_phone": "01632 960555",
        "what_they_need": "Struggling to wash and dress since a fall.",
    }
    data.update(overrides)
    return data


def make_request(**overrides) -> SupportRequest:
    """Arrange a request directly (no audit rows), as the factories do for people."""
    fields = {
        "subject_first_name": "Harold",
        "subject_last_name": "Pemberton",
        "subject_date_of_birth": datetime.date(1941, 9, 3),
        "subject_postcode": "NM2 3FG",
        "subject_phone": "01632 960555",
        "requester": Requester.FAMILY,
        "requester_name": "Joan Pemberton",
        "channel": Channel.PHONE,
        "route_of_access": "Community/Other route",
        "what_they_need": "Struggling to wash and dress since a fall.",
    }
    fields.update(overrides)
    return SupportRequest.objects.create(**fields)


def errors_of(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : html.find("</ul>", start)] if start >= 0 else ""


# --- Permissions -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    """The request pages need a signed-in member of staff."""
    response = client.get(reverse("request_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.COMMISSIONER])
@pytest.mark.parametrize(
    "name, method",
    [
        ("request_list", "get"),
        ("request_create", "get"),
        ("request_create", "post"),
        ("request_detail", "get"),
        ("request_link", "post"),
        ("request_create_person", "post"),
        ("request_conclude", "post"),
    ],
)
def test_roles_without_request_record_get_403(role, name, method, user_of_role, client_as, person):
    """Roles without request.record are refused every request page, and nothing changes."""
    support_request = make_request()
    args = [] if name in ("request_list", "request_create") else [support_request.pk]
    data = {"person_id": person.pk, "outcome": INFO_AND_ADVICE} | (request_post() if name == "request_create" else {})
    client = client_as(user_of_role(role))
    response = getattr(client, method)(reverse(name, args=args), data if method == "post" else None)
    assert response.status_code == 403
    support_request.refresh_from_db()
    assert SupportRequest.objects.count() == 1
    assert support_request.person_id is None and support_request.status == SupportRequest.Status.OPEN


@pytest.mark.parametrize("name", ["request_link", "request_create_person", "request_conclude"])
def test_actions_refuse_get(name, client_as, social_worker):
    """Actions that change a request only accept POST."""
    response = client_as(social_worker).get(reverse(name, args=[make_request().pk]))
    assert response.status_code == 405


# --- Recording ---------------------------------------------------------------------------------------


def test_record_a_request_saves_and_audits(client_as, social_worker):
    """A valid request is saved as told (postcode normalised), audited, and opens on its page with a banner."""
    client = client_as(social_worker)
    response = client.post(reverse("request_create"), request_post(immediate_risk="on"))
    saved = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert saved.subject_name == "Harold Pemberton"
    assert saved.subject_date_of_birth == datetime.date(1941, 9, 3)
    assert saved.subject_postcode == "NM2 3FG"
    assert saved.requester == Requester.FAMILY and saved.channel == Channel.PHONE
    assert saved.route_of_access == "Community/Other route"
    assert saved.received_on == timezone.localdate()
    assert saved.immediate_risk is True and saved.status == SupportRequest.Status.OPEN
    assert saved.recorded_by == social_worker and saved.person is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="assessments.supportrequest")
    assert event.object_id == str(saved.pk) and event.actor == social_worker
    html = client.get(response["Location"]).content.decode()
    assert "Request recorded for Harold Pemberton" in html
    assert "Consider a safeguarding concern now" in html


def test_no_safeguarding_warning_without_immediate_risk(client_as, social_worker):
    """The safeguarding prompt appears only when someone is at immediate risk."""
    support_request = make_request(immediate_risk=False)
    html = client_as(social_worker).get(support_request.get_absolute_url()).content.decode()
    assert "Consider a safeguarding concern now" not in html


def test_form_offers_the_code_lists(client_as, social_worker):
    """The form shows every route of access with the unconfirmed-list label, who asked and the channels."""
    html = client_as(social_worker).get(reverse("request_create")).content.decode()
    assert "Route of access (CLD list still to be confirmed by your administrator)" in html
    for route in ["Planned Entry (Transition)", "Discharge from Hospital", "Community/Other route"]:
        assert f'value="{route}"' in html
    assert "Family member or friend" in html and "Online (the portal)" in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"received_on_2": str(timezone.localdate().year + 1)}, "Date received must be today or in the past"),
        ({"subject_postcode": "NOT A CODE"}, "Enter a real postcode, like NM1 2AB"),
        ({"subject_first_name": "<b>Harold</b>"}, "Names must only include letters"),
        ({"what_they_need": "   "}, "Enter what they need help with"),
        ({"subject_last_name": ""}, "Enter the person&#x27;s last name"),
        ({"subject_date_of_birth_2": str(timezone.localdate().year + 1)}, "Date of birth must be in the past"),
        ({"channel": ""}, "Select how the request came in"),
        ({"route_of_access": "Walked in"}, "Select a valid choice"),
    ],
    ids=["future-date", "bad-postcode", "html-name", "no-need", "no-last-name", "future-birth", "no-channel", "route"],
)
def test_bad_input_shows_error_summary_and_saves_nothing(overrides, message, client_as, social_worker):
    """Each mistake is named in the GOV.UK error summary and no request is saved."""
    response = client_as(social_worker).post(reverse("request_create"), request_post(**overrides))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert "<title>Error: " in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not AuditEvent.objects.filter(object_type="assessments.supportrequest").exists()


def test_what_was_said_is_escaped(client_as, social_worker):
    """Free text is shown as text, never as markup."""
    support_request = make_request(what_they_need="<script>alert(1)</script>", requester_name="<i>Jo</i>")
    html = client_as(social_worker).get(support_request.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<i>Jo</i>" not in html


def test_person_prefill_asks_nothing_twice(client_as, social_worker, person):
    """With ?person=<id> the subject comes from the record: the name is shown, not asked for again."""
    html = client_as(social_worker).get(reverse("request_create"), {"person": person.pk}).content.decode()
    assert person.full_name in html and person.council_id in html
    assert 'name="subject_first_name"' not in html and 'name="subject_date_of_birth_0"' not in html


def test_recording_for_a_person_links_it_and_adds_to_their_timeline(client_as, social_worker):
    """A request recorded from a person's record carries their details and appears on their timeline."""
    person = PersonFactory(first_name="Edna", last_name="Marsh", phone="01632 960777", postcode="NM4 6LN")
    url = reverse("request_create") + f"?person={person.pk}"
    form = {k: v for k, v in request_post().items() if not k.startswith("subject_")}
    response = client_as(social_worker).post(url, form)
    saved = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert saved.person == person
    assert (saved.subject_first_name, saved.subject_last_name) == ("Edna", "Marsh")
    assert saved.subject_date_of_birth == person.date_of_birth
    assert saved.subject_postcode == "NM4 6LN" and saved.subject_phone == "01632 960777"
    event = PersonEvent.objects.get(person=person, type=PersonEvent.Type.REQUEST)
    assert event.detail == saved.what_they_need and event.actor == social_worker


def test_prefill_refuses_a_restricted_person(client_as, social_worker):
    """?person= goes through the record's access rule: a restricted record is refused, not pre-filled."""
    hidden = PersonFactory(is_restricted=True)
    response = client_as(social_worker).get(reverse("request_create"), {"person": hidden.pk})
    assert response.status_code == 403
    assert hidden.last_name not in response.content.decode()


@pytest.mark.parametrize("value, status", [("999999", 404), ("abc", 404)])
def test_prefill_with_unknown_person(value, status, client_as, social_worker):
    """An unknown or malformed ?person= is a 404, not a server error."""
    response = client_as(social_worker).get(reverse("request_create"), {"person": value})
    assert response.status_code == status


# --- List --------------------------------------------------------------------------------------------


def test_list_shows_open_first_with_risk_and_record(client_as, social_worker, person):
    """Open requests come before closed ones; immediate risk is a red tag; unlinked ones say so."""
    today = timezone.localdate()
    make_request(subject_first_name="Closed", status=SupportRequest.Status.CLOSED, received_on=today)
    make_request(subject_first_name="Older", received_on=today - datetime.timedelta(days=5), immediate_risk=True)
    make_request(subject_first_name="Linked", person=person, received_on=today - datetime.timedelta(days=9))
    html = client_as(social_worker).get(reverse("request_list")).content.decode()
    assert html.index("Older Pemberton") < html.index("Linked Pemberton") < html.index("Closed Pemberton")
    assert 'govuk-tag--red">Immediate risk' in html
    assert "No record yet" in html and person.council_id in html
    assert "Record a request" in html


@pytest.mark.parametrize("status, shown, not_shown", [("open", "Opened", "Shut"), ("closed", "Shut", "Opened")])
def test_list_filters_by_status(status, shown, not_shown, client_as, social_worker):
    """?status=open or ?status=closed shows only those requests."""
    make_request(subject_first_name="Opened")
    make_request(subject_first_name="Shut", status=SupportRequest.Status.CLOSED)
    html = client_as(social_worker).get(reverse("request_list"), {"status": status}).content.decode()
    assert f"{shown} Pemberton" in html and f"{not_shown} Pemberton" not in html


def test_list_filters_by_person(client_as, social_worker, person):
    """?person=<id> shows only that person's requests (the person page links here)."""
    make_request(subject_first_name="Mine", person=person)
    make_request(subject_first_name="Other")
    html = client_as(social_worker).get(reverse("request_list"), {"person": person.pk}).content.decode()
    assert "Mine Pemberton" in html and "Other Pemberton" not in html
    assert f"{reverse('request_create')}?person={person.pk}" in html


def test_list_is_paginated_keeping_the_filter(client_as, social_worker):
    """25 a page; the next-page link keeps the status filter."""
    for n in range(26):
        make_request(subject_first_name=f"Name{chr(65 + n % 26)}")
    html = client_as(social_worker).get(reverse("request_list"), {"status": "open"}).content.decode()
    assert html.count('class="govuk-table__row"') == 26  # header row + 25
    assert "Page 1 of 2" in html and "?status=open&amp;page=2" in html


def test_list_hides_requests_of_restricted_people(client_as, social_worker):
    """A request linked to a restricted record shows only "Restricted record": no name, no need."""
    hidden = PersonFactory(first_name="Secret", last_name="Person", is_restricted=True)
    make_request(subject_first_name="Secret", subject_last_name="Person", person=hidden, what_they_need="Private")
    html = client_as(social_worker).get(reverse("request_list")).content.decode()
    assert "Restricted record" in html and "Details hidden" in html
    assert "Secret" not in html and hidden.council_id not in html


def test_list_shows_restricted_requests_to_the_safeguarding_lead(user_of_role, client_as):
    """The safeguarding lead may see restricted records, so sees their requests too."""
    hidden = PersonFactory(is_restricted=True)
    make_request(subject_first_name="Secret", person=hidden)
    html = client_as(user_of_role(Role.SAFEGUARDING_LEAD)).get(reverse("request_list")).content.decode()
    assert "Secret Pemberton" in html


def test_list_for_restricted_person_is_refused(client_as, social_worker):
    """?person= for a restricted record is refused like the record itself."""
    hidden = PersonFactory(is_restricted=True)
    assert client_as(social_worker).get(reverse("request_list"), {"person": hidden.pk}).status_code == 403


# --- Detail and matching -----------------------------------------------------------------------------


def test_detail_of_request_about_restricted_person_is_refused(client_as, social_worker):
    """A request linked to a restricted record cannot be opened by someone who may not see the record."""
    hidden = PersonFactory(is_restricted=True)
    support_request = make_request(person=hidden)
    response = client_as(social_worker).get(support_request.get_absolute_url())
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, person_id=hidden.pk).exists()


def test_opening_a_linked_request_is_audited_as_a_read_of_the_record(client_as, social_worker, person):
    """Reading a request linked to a person is logged against that person."""
    support_request = make_request(person=person)
    html = client_as(social_worker).get(support_request.get_absolute_url()).content.decode()
    assert person.get_absolute_url() in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=person.pk, actor=social_worker)


def test_possible_matches_by_name_and_birth_and_by_surname_and_postcode(client_as, social_worker):
    """Existing records with the same name and date of birth, or the same surname and postcode, are offered."""
    same = PersonFactory(
        first_name="Harold", last_name="Pemberton", date_of_birth=datetime.date(1941, 9, 3), postcode="NM4 6LN"
    )
    household = PersonFactory(first_name="Irene", last_name="Pemberton", postcode="NM2 3FG")
    # Same name, another date of birth and postcode: not the person.
    stranger = PersonFactory(
        first_name="Harold", last_name="Pemberton", date_of_birth=datetime.date(1950, 1, 1), postcode="NM4 6LN"
    )
    support_request = make_request()
    html = client_as(social_worker).get(support_request.get_absolute_url()).content.decode()
    assert "Possible existing records" in html
    assert same.council_id in html and household.council_id in html
    assert stranger.council_id not in html
    assert html.count("This is the person") == 2
    assert f'name="person_id" value="{same.pk}"' in html


def test_no_matches_says_so(client_as, social_worker):
    """With no possible match the page says so and offers only to create the record."""
    html = client_as(social_worker).get(make_request().get_absolute_url()).content.decode()
    assert "No record has the same name and date of birth" in html
    assert "Create a new record from this request" in html and "This is the person" not in html
    assert "before concluding it" in html and 'name="outcome"' not in html


def test_restricted_person_in_matches_shows_no_details(client_as, social_worker):
    """A restricted record that matches shows "Restricted record" only: no date of birth, ID, NHS number or button."""
    hidden = PersonFactory(
        first_name="Harold", last_name="Pemberton", date_of_birth=datetime.date(1941, 9, 3), is_restricted=True
    )
    household = PersonFactory(first_name="Zelda", last_name="Pemberton", postcode="NM2 3FG", is_restricted=True)
    html = client_as(social_worker).get(make_request().get_absolute_url()).content.decode()
    assert html.count("Restricted record") == 2 and "Details hidden" in html
    for secret in [hidden.council_id, hidden.nhs_number_display, household.council_id, "Zelda"]:
        assert secret not in html
    assert hidden.get_absolute_url() not in html
    assert f'value="{hidden.pk}"' not in html and "This is the person" not in html


# --- Linking and creating the record -----------------------------------------------------------------


def test_link_to_an_existing_record(client_as, social_worker):
    """ "This is the person" links the request, writes the person's timeline and returns with a banner."""
    same = PersonFactory(first_name="Harold", last_name="Pemberton", date_of_birth=datetime.date(1941, 9, 3))
    support_request = make_request()
    client = client_as(social_worker)
    response = client.post(reverse("request_link", args=[support_request.pk]), {"person_id": same.pk})
    assert response.status_code == 302 and response["Location"] == support_request.get_absolute_url()
    support_request.refresh_from_db()
    assert support_request.person == same
    assert PersonEvent.objects.filter(person=same, type=PersonEvent.Type.REQUEST).exists()
    html = client.get(response["Location"]).content.decode()
    assert f"Request linked to Harold Pemberton&#x27;s record ({same.council_id})" in html
    assert 'name="outcome"' in html


def test_link_to_a_restricted_record_is_refused(client_as, social_worker):
    """A hidden record cannot be linked by typing its id into a form."""
    hidden = PersonFactory(is_restricted=True)
    support_request = make_request()
    response = client_as(social_worker).post(
        reverse("request_link", args=[support_request.pk]), {"person_id": hidden.pk}
    )
    assert response.status_code == 403
    support_request.refresh_from_db()
    assert support_request.person_id is None


def test_link_to_another_person_when_already_linked_shows_error(client_as, social_worker, person):
    """The service refuses to move a linked request to someone else; the page says why."""
    support_request = make_request(person=person)
    other = PersonFactory()
    response = client_as(social_worker).post(
        reverse("request_link", args=[support_request.pk]), {"person_id": other.pk}
    )
    assert response.status_code == 200
    assert "already linked to another person" in errors_of(response)
    support_request.refresh_from_db()
    assert support_request.person == person


def test_create_record_from_request(client_as, social_worker):
    """The new record takes the request's name, date of birth, postcode and phone, and is linked."""
    support_request = make_request()
    client = client_as(social_worker)
    response = client.post(reverse("request_create_person", args=[support_request.pk]))
    created = Person.objects.get(last_name="Pemberton")
    assert response.status_code == 302 and response["Location"] == support_request.get_absolute_url()
    assert (created.first_name, created.date_of_birth) == ("Harold", datetime.date(1941, 9, 3))
    assert created.postcode == "NM2 3FG" and created.phone == "01632 960555"
    support_request.refresh_from_db()
    assert support_request.person == created
    assert PersonEvent.objects.filter(person=created, type=PersonEvent.Type.CREATED).exists()
    assert PersonEvent.objects.filter(person=created, type=PersonEvent.Type.REQUEST).exists()
    assert (
        f"Record created for Harold Pemberton ({created.council_id})"
        in client.get(response["Location"]).content.decode()
    )


def test_create_record_without_birth_date_shows_error_and_creates_nothing(client_as, social_worker):
    """A record needs a date of birth: with none on the request (and none typed) the service's message is shown."""
    support_request = make_request(subject_date_of_birth=None)
    response = client_as(social_worker).post(reverse("request_create_person", args=[support_request.pk]))
    assert response.status_code == 200
    assert "Record the person&#x27;s date of birth before creating their record." in errors_of(response)
    assert 'href="#id_date_of_birth_0"' in errors_of(response)
    assert not Person.objects.exists()
    support_request.refresh_from_db()
    assert support_request.person_id is None


def test_create_record_with_birth_date_typed_when_request_had_none(client_as, social_worker):
    """When the request had no date of birth, the worker can give it as the record is created."""
    support_request = make_request(subject_date_of_birth=None)
    html = client_as(social_worker).get(support_request.get_absolute_url()).content.decode()
    assert 'name="date_of_birth_0"' in html
    data = {"date_of_birth_0": "3", "date_of_birth_1": "9", "date_of_birth_2": "1941"}
    response = client_as(social_worker).post(reverse("request_create_person", args=[support_request.pk]), data)
    assert response.status_code == 302
    assert Person.objects.get().date_of_birth == datetime.date(1941, 9, 3)


def test_create_record_when_matches_exist_needs_confirmation(client_as, social_worker):
    """If records may already exist, a new one is made only once the worker confirms none is the person."""
    PersonFactory(first_name="Irene", last_name="Pemberton", postcode="NM2 3FG")
    support_request = make_request()
    client = client_as(social_worker)
    url = reverse("request_create_person", args=[support_request.pk])
    response = client.post(url)
    assert "There may already be a record for this person" in errors_of(response)
    assert Person.objects.count() == 1
    response = client.post(url, {"confirm_not_duplicate": "on"})
    assert response.status_code == 302 and Person.objects.count() == 2


def test_typed_birth_date_that_matches_a_record_needs_confirmation(client_as, social_worker):
    """A date of birth typed at creation that matches an existing record shows it and asks before duplicating."""
    existing = PersonFactory(
        first_name="Harold", last_name="Pemberton", date_of_birth=datetime.date(1941, 9, 3), postcode="NM4 6LN"
    )
    support_request = make_request(subject_date_of_birth=None)
    data = {"date_of_birth_0": "3", "date_of_birth_1": "9", "date_of_birth_2": "1941"}
    response = client_as(social_worker).post(reverse("request_create_person", args=[support_request.pk]), data)
    assert "There may already be a record for this person" in errors_of(response)
    assert existing.council_id in response.content.decode()
    assert Person.objects.count() == 1


def test_create_record_for_a_linked_request_is_refused(client_as, social_worker, person):
    """A request already linked to a record does not make a second one."""
    support_request = make_request(person=person)
    response = client_as(social_worker).post(reverse("request_create_person", args=[support_request.pk]))
    assert "already linked" in errors_of(response)
    assert Person.objects.count() == 1


# --- Concluding --------------------------------------------------------------------------------------


def test_conclude_form_offers_the_cld_outcomes(client_as, social_worker, person):
    """The outcome radios carry the exact CLD strings as labels."""
    html = client_as(social_worker).get(make_request(person=person).get_absolute_url()).content.decode()
    assert "NFA - Information &amp; Advice / Signposting only" in html
    assert 'value="Progress to Assessment"' in html and "NFA- Other" in html


def test_conclude_with_information_and_advice(client_as, social_worker, person):
    """Information and advice closes the request with its outcome and date, and starts no assessment."""
    support_request = make_request(person=person)
    client = client_as(social_worker)
    data = {"outcome": INFO_AND_ADVICE, "notes": "Sent the day centre list."}
    response = client.post(reverse("request_conclude", args=[support_request.pk]), data)
    assert response.status_code == 302 and response["Location"] == support_request.get_absolute_url()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.CLOSED
    assert support_request.outcome == INFO_AND_ADVICE and support_request.outcome_on == timezone.localdate()
    assert support_request.outcome_notes == "Sent the day centre list."
    assert not Assessment.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "Request concluded" in html and "Sent the day centre list." in html
    assert 'name="outcome"' not in html


def test_conclude_progress_to_assessment_starts_one(client_as, social_worker, person):
    """ "Progress to Assessment" opens a draft needs assessment for the person and goes to it."""
    support_request = make_request(person=person)
    response = client_as(social_worker).post(
        reverse("request_conclude", args=[support_request.pk]), {"outcome": PROGRESS}
    )
    assessment = Assessment.objects.get()
    assert assessment.person == person and assessment.request == support_request
    assert assessment.status == Assessment.Status.DRAFT
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment_detail", args=[assessment.pk])
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.CLOSED and support_request.outcome == PROGRESS


def test_conclude_before_linking_is_refused(client_as, social_worker):
    """A request about nobody on record cannot be concluded: the error says what to do, nothing changes."""
    support_request = make_request()
    response = client_as(social_worker).post(
        reverse("request_conclude", args=[support_request.pk]), {"outcome": INFO_AND_ADVICE}
    )
    assert response.status_code == 200
    assert "Link the request to a person&#x27;s record (or create one) before concluding it." in errors_of(response)
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN and support_request.outcome == ""


def test_conclude_without_outcome(client_as, social_worker, person):
    """An outcome must be chosen."""
    support_request = make_request(person=person)
    response = client_as(social_worker).post(reverse("request_conclude", args=[support_request.pk]), {})
    assert "Select the outcome of the request" in errors_of(response)
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN


def test_conclude_twice_is_refused(client_as, social_worker, person):
    """A concluded request keeps its first outcome."""
    support_request = make_request(person=person, status=SupportRequest.Status.CLOSED, outcome=INFO_AND_ADVICE)
    response = client_as(social_worker).post(
        reverse("request_conclude", args=[support_request.pk]), {"outcome": PROGRESS}
    )
    assert "already been concluded" in errors_of(response)
    support_request.refresh_from_db()
    assert support_request.outcome == INFO_AND_ADVICE and not Assessment.objects.exists()


def test_conclude_rolls_back_when_the_assessment_cannot_start(client_as, social_worker, person):
    """With no published question bank the assessment cannot start: the error is shown and the request stays open."""
    QuestionBank.objects.update(published_at=None)
    support_request = make_request(person=person)
    response = client_as(social_worker).post(
        reverse("request_conclude", args=[support_request.pk]), {"outcome": PROGRESS}
    )
    assert response.status_code == 200
    assert "No question bank has been published" in errors_of(response)
    assert '<strong class="govuk-tag govuk-tag--blue">Open</strong>' in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN and not Assessment.objects.exists()
