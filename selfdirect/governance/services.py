"""Changes made by the data protection officer: subject access bundles handed over, retention decisions (keep,
anonymise, erase) carried out, the retention schedule, and flags on staff members' records. Each writes its audit
record in the same transaction."""

import datetime
import io
import zipfile

from django.db import DatabaseError, models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.people.models import CaseNote, Contact, Person, PersonEvent

from . import selectors
from .models import GovernanceSettings, RetentionDecision, SensitiveRecordFlag
from .subject_access import Bundle, build_bundle

D = RetentionDecision.Decision
ANONYMISED_TEXT = "[Removed when the record was anonymised]"
SETTINGS_FIELDS = ["years_after_support_ends", "years_after_death", "unusual_access_threshold", "unusual_access_days"]


# --- subject access ------------------------------------------------------------------------------------------


@transaction.atomic
def subject_access_produce(*, person: Person, actor=None, by: str = "", request=None) -> Bundle:
    """Gather everything held on the person; the hand-over itself is audited (never the contents)."""
    bundle = build_bundle(person=person, generated_by=str(actor) if actor else (by or "the subject_access command"))
    audit_record(actor=actor, action=AuditEvent.Action.EXPORT, obj=person, person_id=person.pk, request=request,
                 summary=f"Subject access bundle produced: {len(bundle.rows)} records, {bundle.marked} items marked "
                         "for review",
                 changes={"records": len(bundle.rows), "marked_for_review": bundle.marked,
                          "audit_events": len(bundle.audit_events), "by": by})  # fmt: skip
    return bundle


def bundle_file_stem(bundle: Bundle) -> str:
    return f"subject-access-{bundle.person.council_id}-{bundle.generated_at:%Y%m%d-%H%M}"


def bundle_zip(bundle: Bundle) -> bytes:
    stem = bundle_file_stem(bundle)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.json", bundle.json_bytes())
        archive.writestr(f"{stem}.pdf", bundle.pdf_bytes())
    return buffer.getvalue()


# --- retention -----------------------------------------------------------------------------------------------


def _anonymise(person: Person) -> list[str]:
    """Replace what identifies the person; keep what the statutory returns count (age to the month, gender,
    ethnicity, support reason, dates of support). Contacts (other people's details) go. Returns what changed,
    as field names only."""
    born = person.date_of_birth.replace(day=1)
    outward = (person.postcode or "").split(" ")[0]
    Person.objects.filter(pk=person.pk).update(
        first_name="Anonymised", last_name=f"record {person.pk}", preferred_name="", council_id=f"ANON{person.pk}"[:20],
        nhs_number=None, date_of_birth=born, address_line_1="", address_line_2="", town="", postcode=outward,
        phone="", email="", preferred_contact_method="", communication_needs="", gp_practice_name="",
        gp_practice_code="", version=models.F("version") + 1,
    )  # fmt: skip
    changed = ["name", "preferred name", "council ID", "NHS number", "date of birth (day)", "address",
               "postcode (inward code)", "phone", "email", "communication needs", "GP practice"]  # fmt: skip
    Contact.objects.filter(person=person).delete()
    CaseNote.objects.filter(person=person).update(subject="Case note", text=ANONYMISED_TEXT)
    for event_type, label in PersonEvent.Type.choices:
        PersonEvent.objects.filter(person=person, type=event_type).update(title=label, detail="")
    changed += ["contacts (removed)", "case notes (text)", "timeline (details)"]
    changed += _blank_free_text_elsewhere(person)
    return changed


def _blank_free_text_elsewhere(person: Person) -> list[str]:
    """Free text in other apps' records about the person (which may name them) is emptied; the records stay, so
    counts and money are unchanged. Records that refuse changes (append-only ledgers) are left as they are."""
    done = []
    for fk in selectors.person_foreign_keys():
        model = fk.model
        if model._meta.app_label in {"people", "governance", "core"}:
            continue
        texts = [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField) and not f.null]
        if not texts:
            continue
        try:
            with transaction.atomic():
                count = model._base_manager.filter(**{fk.attname: person.pk}).update(**dict.fromkeys(texts, ""))
        except DatabaseError:
            continue
        if count:
            done.append(f"{model._meta.verbose_name_plural} (free text)")
    return done


def _erase(person: Person) -> dict:
    try:
        with transaction.atomic():
            _, removed = person.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise DomainError(
            f"This record cannot be erased: the council must keep other records that refer to it ({', '.join(kinds)}). "
            "Anonymise it instead, or keep it with a reason.",
            field="decision",
        ) from exc
    except DatabaseError as exc:
        raise DomainError(
            "This record cannot be erased: records that can never be changed (such as payments) refer to it. "
            "Anonymise it instead, or keep it with a reason.",
            field="decision",
        ) from exc
    return removed


@transaction.atomic
def retention_decide(*, person_pk: int, decision: str, reason: str = "", keep_until: datetime.date | None = None,
                     actor, request=None, today: datetime.date | None = None) -> RetentionDecision:  # fmt: skip
    """Record the data protection officer's decision on a record past its retention date, and carry it out."""
    today = today or timezone.localdate()
    person = Person.objects.select_for_update().filter(pk=person_pk).first()
    if person is None:
        raise DomainError("That record no longer exists.")
    if decision not in D.values:
        raise DomainError("Choose whether to keep, anonymise or erase the record", field="decision")
    due = selectors.retention_status(person=person, today=today)
    if not due.is_due:
        raise DomainError("This record is not past its retention date, so nothing can be decided yet.")
    reason = reason.strip()
    if decision == D.KEEP:
        if not reason:
            raise DomainError("Enter why the record is being kept", field="reason")
        if keep_until is None or keep_until <= today:
            raise DomainError("Enter a date in the future when the record will be looked at again", field="keep_until")
    record = RetentionDecision.objects.create(
        person=person, person_number=person.pk, decision=decision, reason=reason[:500],
        keep_until=keep_until if decision == D.KEEP else None, retain_until=due.retain_until, decided_by=actor,
    )  # fmt: skip
    pk = person.pk
    if decision == D.KEEP:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=record,
            person_id=pk,
            request=request,
            summary=f"Retention review: kept until {keep_until:%d %B %Y}",
            changes={"reason": reason},
        )
    elif decision == D.ANONYMISE:
        changed = _anonymise(person)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, object_type="people.person", object_id=str(pk),
                     person_id=pk, request=request, summary="Anonymised after the retention review",
                     changes={"decision": record.pk, "replaced": changed})  # fmt: skip
    else:
        removed = _erase(person)
        # The fact of erasure stays in the audit log: the internal number and what was removed, no personal data.
        audit_record(actor=actor, action=AuditEvent.Action.DELETE, object_type="people.person", object_id=str(pk),
                     person_id=pk, request=request, summary="Erased after the retention review",
                     changes={"decision": record.pk, "removed": removed})  # fmt: skip
    return record


@transaction.atomic
def governance_settings_update(*, actor, request=None, **fields) -> GovernanceSettings:
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}")
    GovernanceSettings.current()
    row = GovernanceSettings.objects.select_for_update().get(pk=1)
    before = snapshot(row, SETTINGS_FIELDS)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.save()
    changes = diff(before, snapshot(row, SETTINGS_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=row, changes=changes, request=request,
                     summary="Changed the retention schedule or unusual-access thresholds")  # fmt: skip
    return row


# --- flags on staff members' records -------------------------------------------------------------------------


@transaction.atomic
def flag_add(*, person: Person, kind: str, staff_member=None, actor, request=None) -> SensitiveRecordFlag:
    if kind not in SensitiveRecordFlag.Kind.values:
        raise DomainError("Choose whether the person is a member of staff or a staff member's relative", field="kind")
    if SensitiveRecordFlag.objects.filter(person=person).exists():
        raise DomainError("This record is already flagged.", field="council_id")
    flag = SensitiveRecordFlag.objects.create(person=person, kind=kind, staff_member=staff_member, flagged_by=actor)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=flag, person_id=person.pk, request=request,
                 summary=f"Flagged the record: {flag.get_kind_display().lower()}")  # fmt: skip
    return flag


@transaction.atomic
def flag_remove(*, flag: SensitiveRecordFlag, actor, request=None) -> None:
    person_id, pk = flag.person_id, flag.pk
    flag.delete()
    audit_record(actor=actor, action=AuditEvent.Action.DELETE, object_type="governance.sensitiverecordflag",
                 object_id=str(pk), person_id=person_id, request=request, summary="Removed the staff flag")  # fmt: skip
