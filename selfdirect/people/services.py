"""Every change to a person's record: each runs in one transaction and writes its audit record and
timeline event alongside the change, so either all of it is saved or none of it."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError, StaleEditError, sequence_reserve

from .models import Allocation, CaseNote, Contact, Person, PersonEvent

PERSON_FIELDS = [
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "gender",
    "ethnicity",
    "accommodation_status",
    "employment_status",
    "primary_support_reason",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "preferred_contact_method",
    "communication_needs",
    "gp_practice_name",
    "gp_practice_code",
    "date_of_death",
    "is_restricted",
]
CONTACT_FIELDS = [
    "name",
    "relationship",
    "organisation",
    "phone",
    "email",
    "address",
    "lives_with_person",
    "notes",
    "is_active",
    *Contact.ROLE_FIELDS.values(),
]

COUNCIL_ID_PREFIX = "P"


def council_ids(count: int) -> list[str]:
    return [f"{COUNCIL_ID_PREFIX}{n:07d}" for n in sequence_reserve(name="person", count=count)]


def _event(*, person, type, title, actor, detail="", note=None):
    return PersonEvent.objects.create(person=person, type=type, title=title, detail=detail, actor=actor, note=note)


def _check_nhs_number_free(nhs_number, exclude_pk=None):
    if nhs_number and Person.objects.filter(nhs_number=nhs_number).exclude(pk=exclude_pk).exists():
        raise DomainError("A person with this NHS number already has a record.", field="nhs_number")


@transaction.atomic
def person_create(*, actor, request=None, **fields) -> Person:
    _check_nhs_number_free(fields.get("nhs_number"))
    person = Person(council_id=council_ids(1)[0], **fields)
    person.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=person,
        person_id=person.pk,
        summary=f"Created record {person.council_id}",
        changes=diff({}, snapshot(person, PERSON_FIELDS)),
        request=request,
    )
    _event(person=person, type=PersonEvent.Type.CREATED, title="Record created", actor=actor)
    return person


@transaction.atomic
def person_update(*, person: Person, actor, expected_version: int, request=None, **fields) -> Person:
    """Save changed details, refusing if someone else saved since `expected_version` was read."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.version != expected_version:
        raise StaleEditError(
            "Someone else changed this record while you were editing it. Your changes have not been saved: "
            "check their changes below, then make yours again."
        )
    _check_nhs_number_free(fields.get("nhs_number"), exclude_pk=person.pk)
    before = snapshot(locked, PERSON_FIELDS)
    for name, value in fields.items():
        setattr(locked, name, value)
    changes = diff(before, snapshot(locked, PERSON_FIELDS))
    if not changes:
        return locked
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        person_id=locked.pk,
        summary="Changed " + ", ".join(sorted(changes)),
        changes=changes,
        request=request,
    )
    labels = [Person._meta.get_field(name).verbose_name for name in sorted(changes)]
    _event(
        person=locked,
        type=PersonEvent.Type.DETAILS_CHANGED,
        title="Details changed",
        actor=actor,
        detail="Changed: " + ", ".join(labels),
    )
    return locked


@transaction.atomic
def contact_add(*, person: Person, actor, request=None, **fields) -> Contact:
    contact = Contact.objects.create(person=person, **fields)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contact,
        person_id=person.pk,
        summary=f"Added contact {contact.name}",
        changes=diff({}, snapshot(contact, CONTACT_FIELDS)),
        request=request,
    )
    roles = ", ".join(contact.role_labels) or contact.get_relationship_display()
    _event(
        person=person,
        type=PersonEvent.Type.CONTACT_ADDED,
        title=f"Contact added: {contact.name}",
        detail=roles,
        actor=actor,
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor, request=None, **fields) -> Contact:
    before = snapshot(contact, CONTACT_FIELDS)
    for name, value in fields.items():
        setattr(contact, name, value)
    changes = diff(before, snapshot(contact, CONTACT_FIELDS))
    if changes:
        contact.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=contact,
            person_id=contact.person_id,
            summary=f"Changed contact {contact.name}",
            changes=changes,
            request=request,
        )
        _event(
            person=contact.person,
            type=PersonEvent.Type.CONTACT_CHANGED,
            title=f"Contact changed: {contact.name}",
            actor=actor,
        )
    return contact


@transaction.atomic
def note_add(*, person: Person, actor, kind: str, occurred_on, subject: str, text: str, request=None) -> CaseNote:
    note = CaseNote.objects.create(
        person=person, kind=kind, occurred_on=occurred_on, subject=subject, text=text, author=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=note,
        person_id=person.pk,
        summary=f"Added {note.get_kind_display().lower()} note",
        request=request,
    )
    _event(
        person=person,
        type=PersonEvent.Type.NOTE_ADDED,
        title=f"{note.get_kind_display()}: {subject}",
        detail=text,
        actor=actor,
        note=note,
    )
    return note


@transaction.atomic
def person_allocate(*, person: Person, team, worker, actor, reason: str = "", request=None) -> Allocation:
    """Allocate (or reallocate) a person to a team and optionally a worker in it."""
    if worker is not None and not worker.teams.filter(pk=team.pk).exists():
        raise DomainError(f"{worker} is not a member of {team}.", field="worker")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.allocated_team_id == team.pk and locked.allocated_worker_id == getattr(worker, "pk", None):
        raise DomainError("The person is already allocated to this team and worker.")
    now = timezone.now()
    old = {"team": str(locked.allocated_team or ""), "worker": str(locked.allocated_worker or "")}
    Allocation.objects.filter(person=locked, ended_at__isnull=True).update(ended_at=now)
    allocation = Allocation.objects.create(
        person=locked, team=team, worker=worker, reason=reason, started_at=now, allocated_by=actor
    )
    locked.allocated_team = team
    locked.allocated_worker = worker
    locked.version = F("version") + 1
    locked.save(update_fields=["allocated_team", "allocated_worker", "version", "updated_at"])
    new = {"team": str(team), "worker": str(worker or "")}
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=allocation,
        person_id=locked.pk,
        summary="Allocation changed",
        changes=diff(old, new),
        request=request,
    )
    who = f"{team}" + (f", {worker}" if worker else " (no worker yet)")
    _event(person=locked, type=PersonEvent.Type.ALLOCATED, title=f"Allocated to {who}", detail=reason, actor=actor)
    person.refresh_from_db()
    return allocation
