"""Subject access: everything held on a person from every app, third-party details marked, the hand-over audited,
from the command and from the data protection officer's page."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from selfdirect.core.audit import audit_person_view
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.governance import services
from selfdirect.governance.models import SensitiveRecordFlag
from selfdirect.safeguarding import services as safeguarding
from tests.factories import PersonFactory


@pytest.fixture
def held(closed_person, social_worker, dpo):
    """A person with records in people (contact, note, allocation), safeguarding (a concern raised by a neighbour)
    and governance (a staff-relative flag), read once by the worker; and someone else, who must not appear."""
    person = closed_person(datetime.date(2015, 3, 31), first_name="Mary", last_name="Held")
    safeguarding.concern_raise(person=person, actor=social_worker, what_happened="Bruises; Bob Neighbour saw it.",
                               raised_by="neighbour", raised_by_name="Bob Neighbour",
                               raised_by_contact="07700 900123", abuse_types=["physical"])  # fmt: skip
    SensitiveRecordFlag.objects.create(person=person, kind="staff_relative", flagged_by=dpo)
    audit_person_view(actor=social_worker, person=person, what="Opened the record")
    other = closed_person(datetime.date(2015, 3, 31), first_name="Someone", last_name="Else")
    return person, other


def test_the_bundle_holds_records_from_several_apps_and_marks_third_party_data(held, dpo):
    person, other = held
    bundle = services.subject_access_produce(person=person, actor=dpo)
    data = json.loads(bundle.json_bytes())
    records = data["records"]
    assert {"people.person", "people.contact", "people.casenote", "people.allocation",
            "safeguarding.safeguardingconcern", "governance.sensitiverecordflag"} <= set(records)  # fmt: skip
    assert records["people.person"][0]["fields"]["last_name"] == "Held"
    # Nothing about the other person.
    text = json.dumps(records)
    assert "Else" not in text and other.council_id not in text

    contact = records["people.contact"][0]
    assert {m["field"] for m in contact["review"]} >= {"name", "phone"}
    concern = records["safeguarding.safeguardingconcern"][0]
    marked = {m["field"]: m["reason"] for m in concern["review"]}
    assert "raised_by_name" in marked and "raised_by_contact" in marked and "restricted" in marked["raised_by_name"]
    assert "Bob Neighbour" in marked["what_happened"]  # the raiser's name in the free text
    note = records["people.casenote"][0]
    assert [m["field"] for m in note["review"]] == ["text"] and "Joan Daughter" in note["review"][0]["reason"]
    assert data["subject_access"]["marked_for_review"] == bundle.marked >= 6

    whats = [e["what"] for e in data["audit_events"]]
    assert "Opened the record" in whats


def test_the_pdf_is_readable_and_marks_review_items(held, dpo):
    person, _ = held
    bundle = services.subject_access_produce(person=person, actor=dpo)
    pdf = bundle.pdf_bytes()
    assert pdf.startswith(b"%PDF")
    from selfdirect.governance.subject_access import pdf_sections

    words = "\n".join(p for section in pdf_sections(bundle) for p in [section.heading, *section.paragraphs])
    assert "Everything held about Mary Held" in words
    assert "[FOR REVIEW: who raised a safeguarding concern (restricted)] Bob Neighbour" in words
    assert "Opened the record" in words


def test_producing_the_bundle_is_audited_without_its_contents(held, dpo):
    person, _ = held
    services.subject_access_produce(person=person, actor=dpo)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, person_id=person.pk)
    assert event.actor == dpo and event.summary.startswith("Subject access bundle produced")
    assert "Joan" not in json.dumps(event.changes) + event.summary


def test_the_command_writes_json_and_pdf(held, tmp_path):
    person, _ = held
    out = io.StringIO()
    call_command("subject_access", "--person", person.council_id, "--out", str(tmp_path / "sar"), "--by", "O Bankole",
                 stdout=out, stderr=io.StringIO())  # fmt: skip
    files = sorted(p.suffix for p in (tmp_path / "sar").iterdir())
    assert files == [".json", ".pdf"]
    data = json.loads(next((tmp_path / "sar").glob("*.json")).read_text())
    assert data["records"]["people.person"][0]["fields"]["council_id"] == person.council_id
    assert "marked for review" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, person_id=person.pk)
    assert event.actor is None and event.changes["by"] == "O Bankole"


def test_the_command_says_clearly_when_the_person_is_unknown(db, tmp_path):
    with pytest.raises(CommandError, match="No person has the council ID"):
        call_command("subject_access", "--person", "P404", "--out", str(tmp_path))


def test_the_dpo_previews_and_downloads_the_bundle(held, dpo, client_as):
    person, _ = held
    client = client_as(dpo)
    page = client.get(reverse("subject_access"), {"reference": person.council_id}).content.decode()
    assert "Marked for review" in page and "raised_by_name" in page
    response = client.post(reverse("subject_access_download", args=[person.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["json", "pdf"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=dpo, person_id=person.pk).count() == 1


def test_an_unknown_reference_is_an_error_not_a_500(dpo, client_as):
    response = client_as(dpo).get(reverse("subject_access"), {"reference": "<b>nope"})
    assert response.status_code == 200 and "No record has that council person ID" in response.content.decode()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR])
def test_only_the_dpo_produces_bundles(role, user_of_role, client_as):
    person = PersonFactory()
    client = client_as(user_of_role(role))
    assert client.get(reverse("subject_access")).status_code == 403
    assert client.post(reverse("subject_access_download", args=[person.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
