"""Person record pages through the real URL configuration: permissions, bad input, escaping, audit."""

import datetime

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.people.models import CaseNote, Contact, Person, PersonEvent
from tests.factories import PersonFactory, nhs_number_for

pytestmark = pytest.mark.django_db


def person_post(**overrides) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "date_of_birth_0": "14",
        "date_of_birth_1": "7",
        "date_of_birth_2": "1950",
        "nhs_number": "",
        "postcode": "nm3 5hj",
        "preferred_contact_method": "phone",
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : html.find("</ul>", start)] if start >= 0 else ""


def test_anonymous_is_sent_to_sign_in(client, person):
    """Every staff page needs a signed-in user; the sign-in page remembers where they were going."""
    response = client.get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.SOCIAL_WORKER, 200),
        (Role.FINANCE_OFFICER, 200),
        (Role.COMMISSIONER, 403),
        (Role.PERFORMANCE_ANALYST, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_who_may_open_a_person_record(role, status, user_of_role, client_as, person):
    """Roles without person.view get 403 on the record; others see it."""
    response = client_as(user_of_role(role)).get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == status


def test_portal_user_without_role_gets_403(user_of_role, client_as, person):
    """An account with no staff role (a future portal user) cannot open staff pages."""
    response = client_as(user_of_role("")).get(reverse("person_search"))
    assert response.status_code == 403


def test_opening_a_record_is_audited(client_as, social_worker, person):
    """Each read of a person's record writes a view event naming the reader and the person."""
    client_as(social_worker).get(reverse("person_detail", args=[person.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, person_id=person.pk)
    assert event.actor == social_worker


def test_restricted_record_refused_and_attempt_logged(client_as, social_worker, person):
    """A restricted record is refused to a worker who is not allocated, and the attempt is logged."""
    Person.objects.filter(pk=person.pk).update(is_restricted=True)
    response = client_as(social_worker).get(reverse("person_detail", args=[person.pk]))
    assert response.status_code == 403
    assert "restricted" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, person_id=person.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=person.pk).exists()


def test_restricted_record_in_search_hides_details(client_as, social_worker):
    """Search shows that a restricted record exists but not its date of birth or NHS number."""
    hidden = PersonFactory(last_name="Zebedee", is_restricted=True)
    html = client_as(social_worker).get(reverse("person_search"), {"q": "Zebedee"}).content.decode()
    assert "Restricted" in html and "Details hidden" in html
    assert hidden.nhs_number_display not in html


@pytest.mark.parametrize(
    "query_of",
    [
        lambda p: p.last_name,
        lambda p: p.nhs_number_display,
        lambda p: p.date_of_birth.strftime("%d/%m/%Y"),
        lambda p: p.postcode,
    ],
    ids=["name", "nhs_number", "date_of_birth", "postcode"],
)
def test_search_finds_by_each_kind(query_of, client_as, social_worker, person):
    """The one search box finds a person by name, NHS number, date of birth or postcode."""
    response = client_as(social_worker).get(reverse("person_search"), {"q": query_of(person)})
    assert reverse("person_detail", args=[person.pk]) in response.content.decode()


def test_create_person_saves_and_audits(client_as, social_worker):
    """A valid new person is saved with a council ID, normalised postcode, audit and timeline entries."""
    response = client_as(social_worker).post(reverse("person_create"), person_post(nhs_number=nhs_number_for(500)))
    person = Person.objects.get(last_name="Okafor")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.postcode == "NM3 5HJ" and person.council_id.startswith("P")
    assert AuditEvent.objects.filter(action="create", person_id=person.pk).exists()
    assert PersonEvent.objects.filter(person=person, type=PersonEvent.Type.CREATED).exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"nhs_number": "943 476 5918"}, "Enter a valid NHS number"),
        ({"nhs_number": "12345"}, "NHS number must be 10 digits"),
        ({"postcode": "NOT A CODE"}, "Enter a real postcode"),
        ({"date_of_birth_2": "2999"}, "Date of birth must be in the past"),
        ({"date_of_birth_0": "31", "date_of_birth_1": "2"}, "Date of birth must be a real date"),
        ({"date_of_birth_1": ""}, "Date of birth must include a month"),
        ({"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""}, "Enter date of birth"),
        ({"first_name": "A" * 101}, "Ensure this value has at most 100 characters"),
        ({"first_name": "<script>alert(1)</script>"}, "Names must only include letters"),
        ({"last_name": ""}, "This field is required"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"date_of_death_0": "1", "date_of_death_1": "1", "date_of_death_2": "1940"}, "on or after the date of birth"),
    ],
)
def test_bad_input_is_reported_and_nothing_saved(overrides, message, client_as, social_worker):
    """Each kind of bad input gets a message in the error summary, linked to the field; nothing is saved."""
    response = client_as(social_worker).post(reverse("person_create"), person_post(**overrides))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert "govuk-form-group--error" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert not Person.objects.exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_error_summary_links_to_the_date_day_input(client_as, social_worker):
    """Error summary links point at an element that exists: the day input for dates."""
    response = client_as(social_worker).post(reverse("person_create"), person_post(date_of_birth_2="2999"))
    html = response.content.decode()
    assert 'href="#id_date_of_birth_0"' in html and 'id="id_date_of_birth_0"' in html


def test_typed_values_are_kept_after_an_error(client_as, social_worker):
    """After a validation error the form shows what was typed, so nothing has to be typed twice."""
    html = client_as(social_worker).post(reverse("person_create"), person_post(postcode="XX")).content.decode()
    assert 'value="Okafor"' in html and 'value="14"' in html and 'value="1950"' in html


def test_duplicate_name_and_birth_date_warns_then_allows_on_confirmation(client_as, social_worker):
    """Same name and date of birth: the existing record is offered; confirming creates a new one."""
    existing = PersonFactory(first_name="Ada", last_name="Okafor", date_of_birth=datetime.date(1950, 7, 14))
    client = client_as(social_worker)
    response = client.post(reverse("person_create"), person_post())
    assert "There may already be a record" in response.content.decode()
    assert existing.get_absolute_url() in response.content.decode()
    assert Person.objects.count() == 1
    response = client.post(reverse("person_create"), person_post(confirm_not_duplicate="on"))
    assert response.status_code == 302 and Person.objects.count() == 2


def test_duplicate_nhs_number_is_refused(client_as, social_worker, person):
    """An NHS number already on a record is refused, and the existing record is linked."""
    response = client_as(social_worker).post(
        reverse("person_create"), person_post(nhs_number=person.nhs_number, confirm_not_duplicate="on")
    )
    assert "already has a record" in errors_of(response)
    assert person.get_absolute_url() in response.content.decode()
    assert Person.objects.count() == 1


def edit_post(person, **overrides) -> dict:
    data = person_post(
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth_0=person.date_of_birth.day,
        date_of_birth_1=person.date_of_birth.month,
        date_of_birth_2=person.date_of_birth.year,
        nhs_number=person.nhs_number,
        postcode=person.postcode,
        version=person.version,
    )
    data.update(overrides)
    return data


def test_edit_records_old_and_new_values(client_as, social_worker, person):
    """Changing a field saves it and audits the old -> new values."""
    response = client_as(social_worker).post(reverse("person_edit", args=[person.pk]), edit_post(person, town="Leeds"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.town == "Leeds" and person.version == 2
    event = AuditEvent.objects.get(action="update", person_id=person.pk)
    assert event.changes["town"] == ["Northmoor", "Leeds"]


def test_second_of_two_simultaneous_edits_is_refused(client_as, social_worker, team_manager, person):
    """Two people edit the same record: the second save is refused, the first is kept, typing is kept."""
    first, second = client_as(social_worker), client_as(team_manager)
    stale = edit_post(person, town="Second town")
    assert first.post(reverse("person_edit", args=[person.pk]), edit_post(person, town="First town")).status_code == 302
    response = second.post(reverse("person_edit", args=[person.pk]), stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in errors_of(response)
    assert 'value="Second town"' in response.content.decode()
    person.refresh_from_db()
    assert person.town == "First town"


def test_add_note_appears_on_timeline_escaped(client_as, social_worker, person):
    """A note is saved, shown on the timeline, and any markup typed in it is shown as text."""
    client = client_as(social_worker)
    today = datetime.date.today()
    response = client.post(
        reverse("note_create", args=[person.pk]),
        {
            "kind": CaseNote.Kind.PHONE,
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "subject": "Daughter rang <b>about visits</b>",
            "text": "<img src=x onerror=alert(1)> Visits were late twice.",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("person_timeline", args=[person.pk])).content.decode()
    assert "Daughter rang &lt;b&gt;about visits&lt;/b&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_note_in_the_future_is_refused(client_as, social_worker, person):
    """A note cannot be dated in the future."""
    future = datetime.date.today() + datetime.timedelta(days=3)
    response = client_as(social_worker).post(
        reverse("note_create", args=[person.pk]),
        {"kind": "visit", "occurred_on_0": future.day, "occurred_on_1": future.month,
         "occurred_on_2": future.year, "subject": "x", "text": "y"},
    )  # fmt: skip
    assert "Date must be today or in the past" in errors_of(response)
    assert not CaseNote.objects.exists()


def test_add_contact_with_roles(client_as, social_worker, person):
    """A contact is added with several roles, shown on the record as who supports the person."""
    client = client_as(social_worker)
    response = client.post(
        reverse("contact_create", args=[person.pk]),
        {"name": "Grace Smith", "relationship": "daughter", "roles": ["unpaid_carer", "authorised_person"],
         "phone": "07700 900123"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = Contact.objects.get(person=person)
    assert contact.is_unpaid_carer and contact.is_authorised_person and not contact.is_nominee
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Grace Smith" in html and "Authorised person (Care Act s32)" in html


def test_worker_cannot_allocate(client_as, social_worker, person):
    """Allocation is for team managers; a social worker gets 403."""
    assert client_as(social_worker).get(reverse("person_allocate", args=[person.pk])).status_code == 403


def test_manager_allocates_and_worker_sees_it_in_caseload(client_as, team_manager, social_worker, team, person):
    """A manager allocates a person to a worker; it shows in the worker's caseload and the team's."""
    response = client_as(team_manager).post(
        reverse("person_allocate", args=[person.pk]), {"team": team.pk, "worker": social_worker.pk, "reason": "New"}
    )
    assert response.status_code == 302
    assert person.full_name in client_as(social_worker).get(reverse("my_caseload")).content.decode()
    team_page = client_as(team_manager).get(reverse("team_caseload", args=[team.pk])).content.decode()
    assert person.full_name in team_page


@pytest.mark.parametrize("role, warned", [(Role.ASSESSOR, True), (Role.SOCIAL_WORKER, False)])
def test_complex_work_allocated_to_an_unqualified_worker_is_warned_about(
    client_as, team_manager, user_of_role, team, person, role, warned
):
    """Complex work (an assessment marked complex) allocated to an assessor: allocated, with a warning; to a social
    worker: no warning."""
    from selfdirect.assessments.models import Assessment, QuestionBank

    field = Assessment._meta.get_field
    Assessment.objects.create(person=person, question_bank=QuestionBank.objects.first(), status="in_progress",
                              is_complex=True, complexity_reasons="Conflict in the family",
                              assessment_type=field("assessment_type").choices[0][0],
                              method=field("method").choices[0][0])  # fmt: skip
    worker = user_of_role(role, teams=[team])
    response = client_as(team_manager).post(
        reverse("person_allocate", args=[person.pk]), {"team": team.pk, "worker": worker.pk}, follow=True
    )
    html = response.content.decode()
    person.refresh_from_db()
    assert person.allocated_worker == worker
    assert ("is not recorded as a qualified social worker" in html) is warned


def test_allocating_to_a_worker_outside_the_team_is_refused(client_as, team_manager, user_of_role, team, person):
    """The service refuses a worker who is not in the chosen team; the page says why."""
    outsider = user_of_role(Role.SOCIAL_WORKER)
    response = client_as(team_manager).post(
        reverse("person_allocate", args=[person.pk]), {"team": team.pk, "worker": outsider.pk}
    )
    assert "is not a member of" in errors_of(response)
    person.refresh_from_db()
    assert person.allocated_team is None


def test_manager_sees_who_viewed_a_record(client_as, team_manager, social_worker, person):
    """The record's audit page lists the worker who opened it."""
    client_as(social_worker).get(person.get_absolute_url())
    html = client_as(team_manager).get(reverse("person_audit", args=[person.pk])).content.decode()
    assert str(social_worker) in html and "Opened the person" in html


def test_worker_cannot_see_audit_trail(client_as, social_worker, person):
    """Audit trails are for managers and safeguarding leads."""
    assert client_as(social_worker).get(reverse("person_audit", args=[person.pk])).status_code == 403


def test_analyst_sees_team_counts_but_not_names(client_as, user_of_role, team, person):
    """Performance analysts see caseload numbers, never the people's names."""
    Person.objects.filter(pk=person.pk).update(allocated_team=team)
    html = client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get(reverse("team_caseload", args=[team.pk]))
    assert html.status_code == 200 and person.full_name not in html.content.decode()


def test_unknown_person_is_404(client_as, social_worker):
    assert client_as(social_worker).get(reverse("person_detail", args=[999999])).status_code == 404


def test_sign_in_and_failures_are_audited(client, social_worker):
    """Successful and failed sign-ins are both logged; the password never is."""
    client.post(reverse("login"), {"username": social_worker.username, "password": "wrong-password"})
    client.post(reverse("login"), {"username": social_worker.username, "password": "password"})
    failed = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert social_worker.username in failed.summary and "wrong-password" not in str(failed.changes) + failed.summary
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=social_worker).exists()


def test_outward_code_search_does_not_match_longer_districts(client_as, social_worker):
    """Searching "NM1" finds NM1 2AB but not NM10 7PQ."""
    near = PersonFactory(last_name="Near", postcode="NM1 2AB")
    far = PersonFactory(last_name="Far", postcode="NM10 7PQ")
    html = client_as(social_worker).get(reverse("person_search"), {"q": "nm1"}).content.decode()
    assert near.get_absolute_url() in html and far.get_absolute_url() not in html
