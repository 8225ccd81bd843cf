"""People services: every change is saved together with its audit record and timeline event, or not at all."""

import datetime
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection

from selfdirect.core.models import AuditEvent, Sequence
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError, StaleEditError, sequence_reserve
from selfdirect.people.models import Allocation, CaseNote, Contact, Person, PersonEvent, Relationship
from selfdirect.people.services import (
    contact_add,
    contact_update,
    note_add,
    person_allocate,
    person_create,
    person_update,
)
from tests.factories import ContactFactory, PersonFactory, TeamFactory, nhs_number_for

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "first_name": "Edith",
    "last_name": "Crawley",
    "date_of_birth": datetime.date(1941, 4, 3),
    "nhs_number": "9434765919",
    "postcode": "NM1 2AB",
    "town": "Northmoor",
}


class Boom(Exception):
    pass


def _boom(*args, **kwargs):
    raise Boom("forced failure")


# Failures are forced at the model's save() so the tests do not depend on the services' private helpers.
FAILING_SAVES = {"audit record": AuditEvent, "timeline event": PersonEvent}


# person_create


def test_person_create_saves_person_audit_and_timeline(social_worker):
    """person_create saves the person with a council ID, a 'create' audit record naming the person and
    listing the values given, and a 'Record created' timeline event by the actor."""
    person = person_create(actor=social_worker, **NEW_PERSON)

    person.refresh_from_db()
    assert (person.first_name, person.nhs_number, person.version) == ("Edith", "9434765919", 1)
    assert re.fullmatch(r"P\d{7}", person.council_id)

    audit = AuditEvent.objects.get(person_id=person.pk)
    assert audit.action == AuditEvent.Action.CREATE
    assert (audit.actor, audit.object_type, audit.object_id) == (social_worker, "people.person", str(person.pk))
    assert person.council_id in audit.summary
    assert audit.changes["last_name"] == [None, "Crawley"]
    assert audit.changes["date_of_birth"] == [None, "1941-04-03"]

    event = PersonEvent.objects.get(person=person)
    assert (event.type, event.actor) == (PersonEvent.Type.CREATED, social_worker)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing_step", FAILING_SAVES)
def test_person_create_is_atomic(monkeypatch, user_of_role, failing_step):
    """If writing the audit record or the timeline event fails, nothing is saved: no person, no audit row,
    no event, and the council ID sequence is not advanced (checked against real commits)."""
    actor = user_of_role(Role.SOCIAL_WORKER)
    monkeypatch.setattr(FAILING_SAVES[failing_step], "save", _boom)
    with pytest.raises(Boom):
        person_create(actor=actor, **NEW_PERSON)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not PersonEvent.objects.exists()
    assert not Sequence.objects.filter(name="person", value__gt=0).exists()


def test_person_create_refuses_a_duplicate_nhs_number(social_worker):
    """A second record with an NHS number already on file is refused with a DomainError on nhs_number,
    and nothing is written."""
    existing = PersonFactory()
    with pytest.raises(DomainError) as refused:
        person_create(actor=social_worker, **{**NEW_PERSON, "nhs_number": existing.nhs_number})
    assert refused.value.field == "nhs_number"
    assert Person.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_people_without_an_nhs_number_can_all_be_recorded(social_worker):
    """NHS number is optional: several people can be created with none, whether given as None or as ''
    (the empty string a form or import may send)."""
    person_create(actor=social_worker, **{**NEW_PERSON, "nhs_number": None})
    person_create(actor=social_worker, **{**NEW_PERSON, "first_name": "Cora", "nhs_number": None})
    try:
        person_create(actor=social_worker, **{**NEW_PERSON, "first_name": "Rose", "nhs_number": ""})
        person_create(actor=social_worker, **{**NEW_PERSON, "first_name": "Anna", "nhs_number": ""})
    except IntegrityError:
        pytest.fail("a blank NHS number is stored as '' and collides with the unique constraint")
    assert Person.objects.count() == 4


def test_council_ids_are_unique_and_increasing(social_worker):
    """Each new person gets the next council ID, P followed by seven digits, never reused."""
    ids = [
        person_create(
            actor=social_worker, **{**NEW_PERSON, "first_name": f"N{i}", "nhs_number": nhs_number_for(50_000 + i)}
        ).council_id
        for i in range(4)
    ]
    assert len(set(ids)) == 4
    assert ids == sorted(ids)
    numbers = [int(i[1:]) for i in ids]
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_sequence_reserve_hands_out_consecutive_blocks():
    """sequence_reserve returns `count` consecutive numbers, and the next call starts after them."""
    first = sequence_reserve(name="test-seq", count=5)
    second = sequence_reserve(name="test-seq")
    other = sequence_reserve(name="other-seq", count=2)
    assert list(first) == [1, 2, 3, 4, 5]
    assert list(second) == [6]
    assert list(other) == [1, 2]
    assert Sequence.objects.get(name="test-seq").value == 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks and concurrent connections (PostgreSQL)")
def test_sequence_reserve_is_safe_under_concurrent_use():
    """Four connections reserving at once, from a sequence not yet created, never get the same number."""

    def reserve(_):
        try:
            return [n for _ in range(10) for n in sequence_reserve(name="race", count=2)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = [n for chunk in pool.map(reserve, range(4)) for n in chunk]
    assert sorted(numbers) == list(range(1, 81))


# person_update


def test_person_update_records_old_and_new_and_bumps_version(social_worker, person):
    """A change saves the new values, adds one to the version, audits {field: [old, new]} for exactly the
    changed fields, and adds a 'Details changed' event naming them."""
    old_town = person.town
    updated = person_update(
        person=person,
        actor=social_worker,
        expected_version=person.version,
        town="Southmoor",
        phone="01632 960123",
        first_name=person.first_name,
    )

    assert updated.version == 2
    stored = Person.objects.get(pk=person.pk)
    assert (stored.town, stored.phone, stored.version) == ("Southmoor", "01632 960123", 2)

    audit = AuditEvent.objects.get(person_id=person.pk, action=AuditEvent.Action.UPDATE)
    assert audit.changes == {"town": [old_town, "Southmoor"], "phone": ["", "01632 960123"]}
    assert audit.actor == social_worker
    event = PersonEvent.objects.get(person=person, type=PersonEvent.Type.DETAILS_CHANGED)
    assert "town" in event.detail and "phone" in event.detail


def test_person_update_with_stale_version_changes_nothing(social_worker, team_manager, person):
    """If someone else saved after the edit began, the save is refused with StaleEditError and neither
    the record, its version, the audit log nor the timeline changes."""
    start_version = person.version
    person_update(person=person, actor=team_manager, expected_version=start_version, town="First")
    with pytest.raises(StaleEditError):
        person_update(person=person, actor=social_worker, expected_version=start_version, town="Second")
    stored = Person.objects.get(pk=person.pk)
    assert (stored.town, stored.version) == ("First", start_version + 1)
    assert AuditEvent.objects.filter(person_id=person.pk).count() == 1
    assert PersonEvent.objects.filter(person=person).count() == 1


def test_person_update_without_changes_writes_nothing(social_worker, person):
    """Saving the same values again is not a change: no version bump, no audit record, no event."""
    person_update(
        person=person,
        actor=social_worker,
        expected_version=person.version,
        town=person.town,
        date_of_birth=person.date_of_birth.isoformat(),
    )
    assert Person.objects.get(pk=person.pk).version == person.version
    assert not AuditEvent.objects.exists()
    assert not PersonEvent.objects.exists()


def test_person_update_refuses_another_persons_nhs_number(social_worker, person):
    """Changing the NHS number to one another record holds is refused on nhs_number; keeping one's own is fine."""
    other = PersonFactory()
    with pytest.raises(DomainError) as refused:
        person_update(person=person, actor=social_worker, expected_version=person.version, nhs_number=other.nhs_number)
    assert refused.value.field == "nhs_number"
    assert Person.objects.get(pk=person.pk).nhs_number == person.nhs_number
    person_update(
        person=person,
        actor=social_worker,
        expected_version=person.version,
        nhs_number=person.nhs_number,
        town="Elsewhere",
    )
    assert Person.objects.get(pk=person.pk).town == "Elsewhere"


def test_person_update_is_atomic(monkeypatch, social_worker, person):
    """If the audit record cannot be written, the change and the version bump are rolled back."""
    monkeypatch.setattr(AuditEvent, "save", _boom)
    with pytest.raises(Boom):
        person_update(person=person, actor=social_worker, expected_version=person.version, town="Lost")
    stored = Person.objects.get(pk=person.pk)
    assert (stored.town, stored.version) == (person.town, person.version)


# contacts and notes


def test_contact_add_writes_audit_and_timeline(social_worker, person):
    """Adding a contact saves it, audits the creation against the person, and adds a timeline event naming
    the contact and their roles."""
    contact = contact_add(
        person=person,
        actor=social_worker,
        name="Joan Smith",
        relationship=Relationship.DAUGHTER,
        is_unpaid_carer=True,
        is_nominee=True,
    )
    assert Contact.objects.get(pk=contact.pk).person == person
    audit = AuditEvent.objects.get(person_id=person.pk)
    assert (audit.action, audit.object_type, audit.object_id) == ("create", "people.contact", str(contact.pk))
    assert audit.changes["name"] == [None, "Joan Smith"]
    event = PersonEvent.objects.get(person=person)
    assert event.type == PersonEvent.Type.CONTACT_ADDED
    assert "Joan Smith" in event.title
    assert "Unpaid carer" in event.detail and "Nominee" in event.detail


def test_contact_update_audits_old_and_new(social_worker):
    """Changing a contact audits exactly the changed fields as [old, new] and adds a 'contact changed' event."""
    contact = ContactFactory(phone="01632 960001", is_advocate=False)
    contact_update(contact=contact, actor=social_worker, phone="01632 960999", is_advocate=True, name=contact.name)
    assert Contact.objects.get(pk=contact.pk).phone == "01632 960999"
    audit = AuditEvent.objects.get(person_id=contact.person_id)
    assert audit.action == AuditEvent.Action.UPDATE
    assert audit.changes == {"phone": ["01632 960001", "01632 960999"], "is_advocate": [False, True]}
    assert PersonEvent.objects.get(person=contact.person).type == PersonEvent.Type.CONTACT_CHANGED


def test_contact_update_without_changes_writes_nothing(social_worker):
    """Saving a contact unchanged writes no audit record and no event."""
    contact = ContactFactory()
    contact_update(contact=contact, actor=social_worker, phone=contact.phone)
    assert not AuditEvent.objects.exists()
    assert not PersonEvent.objects.exists()


def test_note_add_creates_note_event_and_audit(social_worker, person):
    """A case note is saved with its author, a timeline event links to it, and its creation is audited."""
    note = note_add(
        person=person,
        actor=social_worker,
        kind=CaseNote.Kind.PHONE,
        occurred_on=datetime.date(2026, 2, 1),
        subject="Call with daughter",
        text="Agreed a visit next week.",
    )
    stored = CaseNote.objects.get(pk=note.pk)
    assert (stored.person, stored.author, stored.subject) == (person, social_worker, "Call with daughter")
    event = PersonEvent.objects.get(person=person)
    assert (event.type, event.note, event.actor) == (PersonEvent.Type.NOTE_ADDED, note, social_worker)
    assert "Call with daughter" in event.title
    audit = AuditEvent.objects.get(person_id=person.pk)
    assert (audit.action, audit.object_type, audit.object_id) == ("create", "people.casenote", str(note.pk))


def test_note_add_is_atomic(monkeypatch, social_worker, person):
    """If the timeline event cannot be written, the note is not saved either."""
    monkeypatch.setattr(PersonEvent, "save", _boom)
    with pytest.raises(Boom):
        note_add(
            person=person,
            actor=social_worker,
            kind=CaseNote.Kind.VISIT,
            occurred_on=datetime.date(2026, 2, 1),
            subject="Visit",
            text="Text",
        )
    assert not CaseNote.objects.exists()
    assert not AuditEvent.objects.exists()


# allocation


def test_first_allocation_creates_allocation_and_mirrors_it(team_manager, social_worker, team, person):
    """Allocating saves an open Allocation, copies team and worker onto the person (bumping its version),
    audits the change and adds an 'Allocated' event."""
    allocation = person_allocate(person=person, team=team, worker=social_worker, actor=team_manager, reason="New case")
    assert (allocation.team, allocation.worker, allocation.allocated_by) == (team, social_worker, team_manager)
    assert allocation.ended_at is None
    stored = Person.objects.get(pk=person.pk)
    assert (stored.allocated_team, stored.allocated_worker, stored.version) == (team, social_worker, 2)
    assert person.allocated_worker == social_worker  # the caller's instance is refreshed too
    audit = AuditEvent.objects.get(person_id=person.pk)
    assert audit.changes == {"team": ["", str(team)], "worker": ["", str(social_worker)]}
    event = PersonEvent.objects.get(person=person)
    assert event.type == PersonEvent.Type.ALLOCATED
    assert str(social_worker) in event.title


def test_reallocation_ends_the_previous_allocation(team_manager, social_worker, user_of_role, team, person):
    """Reallocating closes the open allocation and opens a new one: exactly one allocation is open."""
    other_worker = user_of_role(Role.ASSESSOR, teams=[team])
    first = person_allocate(person=person, team=team, worker=social_worker, actor=team_manager)
    second = person_allocate(person=person, team=team, worker=other_worker, actor=team_manager)
    first.refresh_from_db()
    assert first.ended_at is not None
    assert first.ended_at <= second.started_at
    assert list(Allocation.objects.filter(person=person, ended_at__isnull=True)) == [second]
    assert Person.objects.get(pk=person.pk).allocated_worker == other_worker


def test_allocation_to_a_team_without_a_worker(team_manager, team, person):
    """A person can be allocated to a team with no worker yet."""
    person_allocate(person=person, team=team, worker=None, actor=team_manager)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.allocated_team, stored.allocated_worker) == (team, None)
    assert "no worker yet" in PersonEvent.objects.get(person=person).title


def test_allocation_refuses_a_worker_outside_the_team(team_manager, user_of_role, team, person):
    """A worker who is not a member of the team cannot be allocated there; nothing changes."""
    outsider = user_of_role(Role.SOCIAL_WORKER, teams=[TeamFactory()])
    with pytest.raises(DomainError) as refused:
        person_allocate(person=person, team=team, worker=outsider, actor=team_manager)
    assert refused.value.field == "worker"
    assert not Allocation.objects.exists()
    assert Person.objects.get(pk=person.pk).allocated_team is None


def test_allocation_refuses_the_same_allocation_twice(team_manager, social_worker, team, person):
    """Allocating to the team and worker already holding the case is refused; there is still one allocation."""
    person_allocate(person=person, team=team, worker=social_worker, actor=team_manager)
    with pytest.raises(DomainError):
        person_allocate(person=person, team=team, worker=social_worker, actor=team_manager)
    assert Allocation.objects.filter(person=person).count() == 1
    assert Allocation.objects.get(person=person).ended_at is None
