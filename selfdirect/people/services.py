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


def person_change_record(
    *, actor, action, obj, person, summary, event_type="", title="", changes=None, detail="", note=None, request=None
):
    """Write the audit record and the timeline event that every change to a person's record needs. Every app's
    services use it. Without a person (a request not yet linked to a record), or an event type, only the audit
    record is written."""
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        person_id=getattr(person, "pk", None),
        summary=summary,
        changes=changes,
        request=request,
    )
    if person is not None and event_type:
        actor = actor if getattr(actor, "pk", None) else None  # system runs (uprating, seeding) have no actor
        PersonEvent.objects.create(person=person, type=event_type, title=title, detail=detail, actor=actor, note=note)


def _check_nhs_number_free(nhs_number, exclude_pk=None):
    if nhs_number and Person.objects.filter(nhs_number=nhs_number).exclude(pk=exclude_pk).exists():
        raise DomainError("A person with this NHS number already has a record.", field="nhs_number")


@transaction.atomic
def person_create(*, actor, request=None, **fields) -> Person:
    # A blank NHS number is "not known" (NULL), so any number of people can be without one.
    fields["nhs_number"] = fields.get("nhs_number") or None
    _check_nhs_number_free(fields.get("nhs_number"))
    person = Person(council_id=council_ids(1)[0], **fields)
    person.save()
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=person,
        person=person,
        request=request,
        summary=f"Created record {person.council_id}",
        changes=diff({}, snapshot(person, PERSON_FIELDS)),
        event_type=PersonEvent.Type.CREATED,
        title="Record created",
    )
    return person


@transaction.atomic
def person_update(*, person: Person, actor, expected_version: int, request=None, **fields) -> Person:
    """Save changed details, refusing if someone else saved since `expected_version` was read."""
    if "nhs_number" in fields:
        fields["nhs_number"] = fields["nhs_number"] or None
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
    labels = [str(Person._meta.get_field(name).verbose_name) for name in sorted(changes)]
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        person=locked,
        request=request,
        summary="Changed " + ", ".join(sorted(changes)),
        changes=changes,
        event_type=PersonEvent.Type.DETAILS_CHANGED,
        title="Details changed",
        detail="Changed: " + ", ".join(labels),
    )
    return locked


@transaction.atomic
def contact_add(*, person: Person, actor, request=None, **fields) -> Contact:
    contact = Contact.objects.create(person=person, **fields)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=contact,
        person=person,
        request=request,
        summary=f"Added contact {contact.name}",
        changes=diff({}, snapshot(contact, CONTACT_FIELDS)),
        event_type=PersonEvent.Type.CONTACT_ADDED,
        title=f"Contact added: {contact.name}",
        detail=", ".join(contact.role_labels) or contact.get_relationship_display(),
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
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=contact,
            person=contact.person,
            request=request,
            summary=f"Changed contact {contact.name}",
            changes=changes,
            event_type=PersonEvent.Type.CONTACT_CHANGED,
            title=f"Contact changed: {contact.name}",
        )
    return contact


@transaction.atomic
def note_add(*, person: Person, actor, kind: str, occurred_on, subject: str, text: str, request=None) -> CaseNote:
    note = CaseNote.objects.create(
        person=person, kind=kind, occurred_on=occurred_on, subject=subject, text=text, author=actor
    )
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=note,
        person=person,
        request=request,
        summary=f"Added {note.get_kind_display().lower()} note",
        event_type=PersonEvent.Type.NOTE_ADDED,
        title=f"{note.get_kind_display()}: {subject}",
        detail=text,
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
    who = f"{team}" + (f", {worker}" if worker else " (no worker yet)")
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=allocation,
        person=locked,
        request=request,
        summary="Allocation changed",
        changes=diff(old, {"team": str(team), "worker": str(worker or "")}),
        event_type=PersonEvent.Type.ALLOCATED,
        title=f"Allocated to {who}",
        detail=reason,
    )
    person.refresh_from_db()
    return allocation
