"""Everything held on a person, for a subject access request: found generically, marked for review, drawn as JSON
and as a readable PDF.

Records are found by walking the models: every model with a foreign key to the person's record, then every model
with a foreign key to one of those rows, and so on (hidden relations with related_name="+" included), so a new
app's records are included without anyone remembering to add them. The audit events about the person come too.

Third-party information (UK GDPR Art 15(4), DPA 2018 Sch 2 para 16) is not removed, it is MARKED for the data
protection officer to review before anything is sent: contacts' details, who raised a safeguarding concern, links
to other people's records, and free text naming a contact or a concern raiser.
"""

import datetime
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.people.models import Person
from selfdirect.planning.pdf import Field, Section, Subheading, render_pdf

MAX_DEPTH = 6
# Fields that are someone else's information by their nature: (model label, field) -> why.
THIRD_PARTY_FIELDS = {
    ("people.contact", "name"): "a contact's name (third party)",
    ("people.contact", "phone"): "a contact's phone number (third party)",
    ("people.contact", "email"): "a contact's email address (third party)",
    ("people.contact", "address"): "a contact's address (third party)",
    ("people.contact", "notes"): "notes about a contact (third party)",
    ("safeguarding.safeguardingconcern", "raised_by_name"): "who raised a safeguarding concern (restricted)",
    ("safeguarding.safeguardingconcern", "raised_by_contact"): "how to reach who raised a concern (restricted)",
    ("safeguarding.safeguardingconcern", "raised_by_user"): "who raised a safeguarding concern (restricted)",
}
# Models whose rows are other people's words about this person: names in them are looked for.
FREE_TEXT = (models.TextField, models.CharField)
SKIPPED_MODELS = {"core.auditevent"}  # the audit events are listed on their own


@dataclass
class Review:
    field: str
    reason: str


@dataclass
class Row:
    model: str
    pk: object
    fields: dict
    review: list[Review] = field(default_factory=list)


@dataclass
class Bundle:
    person: Person
    generated_at: datetime.datetime
    generated_by: str
    rows: list[Row]
    audit_events: list[dict]

    @property
    def marked(self) -> int:
        return sum(len(row.review) for row in self.rows)

    def by_model(self) -> dict[str, list[Row]]:
        grouped: dict[str, list[Row]] = {}
        for row in self.rows:
            grouped.setdefault(row.model, []).append(row)
        return grouped

    def as_dict(self) -> dict:
        return {
            "subject_access": {
                "person_record_number": self.person.pk,
                "council_id": self.person.council_id,
                "generated_at": self.generated_at.isoformat(),
                "generated_by": self.generated_by,
                "records": len(self.rows),
                "marked_for_review": self.marked,
                "note": "Items under 'review' may be someone else's information: the data protection officer "
                "decides what is disclosed before this is sent.",
            },
            "records": {
                label: [
                    {
                        "id": _plain(r.pk),
                        "fields": r.fields,
                        "review": [{"field": m.field, "reason": m.reason} for m in r.review],
                    }
                    for r in rows
                ]
                for label, rows in self.by_model().items()
            },  # fmt: skip
            "audit_events": self.audit_events,
        }

    def json_bytes(self) -> bytes:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False).encode()

    def pdf_bytes(self) -> bytes:
        return render_pdf(f"Everything held about {self.person.full_name}", pdf_sections(self),
                          footer=f"Subject access {self.person.council_id} - ")  # fmt: skip


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "(binary data)"
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value, default=str))
    return str(value)


def _referrers() -> dict[type, list[models.ForeignKey]]:
    """For each model, the concrete foreign keys (hidden ones too) that point at it."""
    found: dict[type, list] = {}
    for candidate in apps.get_models(include_auto_created=True):
        for fk in candidate._meta.concrete_fields:
            if fk.is_relation and fk.related_model is not None:
                found.setdefault(fk.related_model, []).append(fk)
    return found


def records_about(person: Person) -> list[models.Model]:
    """Every row that refers to the person's record, directly or through rows that do (breadth first)."""
    referrers = _referrers()
    seen: dict[type, set] = {Person: {person.pk}}
    found: list[models.Model] = []
    frontier = [(Person, {person.pk})]
    for _ in range(MAX_DEPTH):
        next_frontier = []
        for model, pks in frontier:
            for fk in referrers.get(model, ()):
                candidate = fk.model
                if candidate._meta.label_lower in SKIPPED_MODELS:
                    continue
                rows = candidate._base_manager.filter(**{f"{fk.attname}__in": list(pks)})
                new = [row for row in rows if row.pk not in seen.setdefault(candidate, set())]
                if new:
                    seen[candidate].update(row.pk for row in new)
                    found.extend(new)
                    next_frontier.append((candidate, {row.pk for row in new}))
        frontier = next_frontier
        if not frontier:
            break
    return found


def _fields(obj: models.Model) -> dict:
    values = {}
    for f in obj._meta.concrete_fields:
        if f.is_relation:
            related_id = getattr(obj, f.attname)
            values[f.name] = None if related_id is None else {"id": _plain(related_id), "is": str(getattr(obj, f.name))}
        else:
            values[f.name] = _plain(f.value_from_object(obj))
    return values


def _third_party_names(person: Person, rows: Iterable[models.Model]) -> set[str]:
    """Names of other people that appear in this person's records: contacts and concern raisers."""
    names = set()
    for row in rows:
        label = row._meta.label_lower
        if label == "people.contact":
            names.add(row.name)
        if label == "safeguarding.safeguardingconcern" and getattr(row, "raised_by_name", ""):
            names.add(row.raised_by_name)
    return {n.strip() for n in names if n and len(n.strip()) >= 3 and n.strip().lower() != person.full_name.lower()}


def _review(obj: models.Model, person: Person, names: set[str]) -> list[Review]:
    label = obj._meta.label_lower
    marks = []
    for f in obj._meta.concrete_fields:
        reason = THIRD_PARTY_FIELDS.get((label, f.name))
        if reason is None and f.is_relation and f.related_model is Person and getattr(obj, f.attname) != person.pk:
            reason = "links to another person's record"
        if reason is None and isinstance(f, FREE_TEXT) and not f.choices:
            text = str(f.value_from_object(obj) or "")
            mentioned = sorted(n for n in names if n.lower() in text.lower())
            if mentioned:
                reason = "mentions " + ", ".join(mentioned) + " (other people's information)"
        if reason and (f.value_from_object(obj) not in (None, "")):
            marks.append(Review(f.name, reason))
    return marks


def _audit_events(person: Person) -> list[dict]:
    events = AuditEvent.objects.filter(person_id=person.pk).select_related("actor").order_by("occurred_at", "id")
    return [
        {"when": e.occurred_at.isoformat(), "who": str(e.actor) if e.actor else "the system",
         "action": e.get_action_display(), "what": e.summary, "record": f"{e.object_type}:{e.object_id}"}
        for e in events
    ]  # fmt: skip


def build_bundle(*, person: Person, generated_by: str) -> Bundle:
    """Read everything held on the person (no audit record: the service that hands it over writes that)."""
    found = records_about(person)
    names = _third_party_names(person, found)
    rows = [Row("people.person", person.pk, _fields(person))]
    rows += [Row(obj._meta.label_lower, obj.pk, _fields(obj), _review(obj, person, names)) for obj in found]
    return Bundle(person, timezone.now(), generated_by, rows, _audit_events(person))


def _verbose(label: str, *, plural: bool = True) -> str:
    meta = apps.get_model(label)._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name).capitalize()


def _value_text(value) -> str:
    if isinstance(value, dict) and set(value) == {"id", "is"}:
        return str(value["is"])
    if value in (None, ""):
        return "-"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def pdf_sections(bundle: Bundle) -> list[Section]:
    """The bundle in words: the first section introduces it, then one per kind of record, then the audit log."""
    intro = [
        Field("Council person ID", bundle.person.council_id),
        Field("Produced", f"{timezone.localtime(bundle.generated_at):%d %B %Y %H:%M} by {bundle.generated_by}"),
        Field("Records", str(len(bundle.rows))),
        Field("Marked for review", str(bundle.marked)),
        "Items marked FOR REVIEW may be someone else's information. The data protection officer decides what is "
        "disclosed before this is sent.",
    ]
    sections = [Section(f"Everything held about {bundle.person.full_name}", intro)]
    for label, rows in bundle.by_model().items():
        paragraphs: list[str] = []
        for row in rows:
            paragraphs.append(Subheading(f"{_verbose(label, plural=False)} {row.pk}"))
            reasons = {m.field: m.reason for m in row.review}
            for name, value in row.fields.items():
                text = _value_text(value)
                if name in reasons:
                    text = f"[FOR REVIEW: {reasons[name]}] {text}"
                paragraphs.append(Field(name.replace("_", " ").capitalize(), text))
        sections.append(Section(f"{_verbose(label)} ({len(rows)})", paragraphs))
    audit = [f"{e['when'][:16].replace('T', ' ')} {e['who']}: {e['action']} - {e['what']}" for e in bundle.audit_events]
    sections.append(Section(f"Who looked at or changed the record ({len(audit)})", audit or ["Nothing recorded."]))
    return sections
