"""Every change to the directory: staff edits, "mark as checked", the organisation's signed edit link, the sync
from the care market and support-planning organisations, and postcode centroids. Each runs in one transaction
with its audit record."""

import contextlib
import csv
import datetime
from collections.abc import Callable

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.rules.geo import CoordinateError, check_point
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from . import code_lists
from .models import Location, Organisation, Postcode, RegularSchedule, Service, Taxonomy
from .reference_data import taxonomy_code
from .selectors import PostcodeNotFound, postcode_locate

SERVICE_FIELDS = [
    "organisation", "name", "description", "eligibility", "fees", "is_free", "status", "attending_type",
    "attending_access", "url", "email", "phone", "service_area", "review_due",
]  # fmt: skip
# What an organisation may change through its edit link (not the name, status, terms or review date).
ORGANISATION_EDITABLE = ["description", "eligibility", "fees", "url", "email", "phone"]
LOCATION_FIELDS = ["name", "address", "town", "postcode", "accessibility"]
EDIT_LINK_SALT = "selfdirect.directory.edit-link"


def _audit_change(*, actor, obj, summary: str, before: dict, after: dict, request=None) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        obj=obj,
        summary=summary,
        changes=diff(before, after),
        request=request,
    )


def location_place(location: Location) -> None:
    """Fill in a location's latitude and longitude from its postcode (the centroid table), when it has none."""
    if location.postcode and is_valid_postcode(location.postcode):
        location.postcode = normalise_postcode(location.postcode)
        if location.latitude is None or location.longitude is None:
            with contextlib.suppress(PostcodeNotFound):  # unknown postcodes stay unplaced, not refused
                location.latitude, location.longitude = postcode_locate(location.postcode)


def _location_update(service: Service, data: dict) -> dict:
    """The service's main (first) location made to match `data`; returns the before/after for the audit."""
    location = service.locations.order_by("pk").first()
    if not any(data.get(f) for f in LOCATION_FIELDS):
        return {}
    before = snapshot(location, LOCATION_FIELDS) if location else {}
    if location is None:
        location = Location()
    moved = location.postcode != normalise_postcode(data.get("postcode") or "")
    for field in LOCATION_FIELDS:
        setattr(location, field, data.get(field) or "")
    if moved:
        location.latitude = location.longitude = None
    location_place(location)
    location.updated_at = timezone.now()
    location.save()
    service.locations.add(location)
    after = snapshot(location, LOCATION_FIELDS)
    return {f"location.{k}": v for k, v in diff(before, after).items()}


def _schedules_replace(service: Service, opening_times: list) -> dict:
    before = sorted(str(s) for s in service.regular_schedules.all())
    location = service.locations.order_by("pk").first()
    service.regular_schedules.all().delete()
    RegularSchedule.objects.bulk_create(
        RegularSchedule(service=service, location=location, weekday=d, opens_at=o, closes_at=c, description=n)
        for d, o, c, n in opening_times
    )
    after = sorted(str(s) for s in service.regular_schedules.all())
    return {"opening_times": [before, after]} if before != after else {}


@transaction.atomic
def service_save(
    *,
    service: Service | None,
    data: dict,
    taxonomies,
    location: dict,
    opening_times: list | None,
    actor,
    request=None,
) -> Service:
    """Create or change a directory entry (staff). A new entry gets a review date a year ahead if none is given."""
    creating = service is None
    # A fresh copy: a ModelForm's is_valid() has already written the new values onto the instance it was given.
    service = Service() if creating else Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
    before = {} if creating else snapshot(service, SERVICE_FIELDS)
    for field in SERVICE_FIELDS:
        if field in data:
            setattr(service, field, data[field])
    if creating and not service.review_due:
        service.review_due = timezone.localdate() + datetime.timedelta(days=code_lists.REVIEW_INTERVAL_DAYS)
    service.updated_at = timezone.now()
    service.save()
    old_terms = sorted(service.taxonomies.values_list("code", flat=True))
    service.taxonomies.set(taxonomies)
    changes = diff(before, snapshot(service, SERVICE_FIELDS))
    new_terms = sorted(t.code for t in taxonomies)
    if old_terms != new_terms:
        changes["taxonomies"] = [old_terms, new_terms]
    changes.update(_location_update(service, location))
    if opening_times is not None:
        changes.update(_schedules_replace(service, opening_times))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        obj=service,
        summary=f"{'Added' if creating else 'Changed'} directory entry {service.name}",
        changes=changes,
        request=request,
    )
    return service


@transaction.atomic
def organisation_save(*, organisation: Organisation | None, data: dict, actor, request=None) -> Organisation:
    fields = ["name", "description", "email", "url", "phone"]
    creating = organisation is None
    organisation = Organisation() if creating else Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {} if creating else snapshot(organisation, fields)
    for field in fields:
        setattr(organisation, field, data.get(field, ""))
    organisation.updated_at = timezone.now()
    organisation.save()
    _audit_change(
        actor=actor,
        obj=organisation,
        summary=f"{'Added' if creating else 'Changed'} directory organisation {organisation.name}",
        before=before,
        after=snapshot(organisation, fields),
        request=request,
    )
    return organisation


@transaction.atomic
def service_mark_checked(*, service: Service, actor, request=None) -> Service:
    """Someone at the council confirmed the entry is right today: stamp it and set the next review a year on."""
    service = Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
    before = snapshot(service, ["last_checked_at", "review_due"])
    service.last_checked_at = timezone.now()
    service.last_checked_by = actor
    service.review_due = timezone.localdate() + datetime.timedelta(days=code_lists.REVIEW_INTERVAL_DAYS)
    service.save(update_fields=["last_checked_at", "last_checked_by", "review_due"])
    _audit_change(
        actor=actor,
        obj=service,
        summary=f"Checked directory entry {service.name}",
        before=before,
        after=snapshot(service, ["last_checked_at", "review_due"]),
        request=request,
    )
    return service


# -- the organisation's edit link -------------------------------------------------------------------------------


class EditLinkError(DomainError):
    pass


def _contact_email(service: Service) -> str:
    return (service.organisation.email or service.email).strip().lower()


def edit_link_token(*, service: Service) -> str:
    """A signed, timestamped token naming the entry and the address it was sent to (a new address ends it)."""
    return signing.dumps({"service": service.pk, "email": _contact_email(service)}, salt=EDIT_LINK_SALT)


def edit_link_service(*, token: str, max_age_days: int = code_lists.EDIT_LINK_MAX_AGE_DAYS) -> Service:
    try:
        payload = signing.loads(token, salt=EDIT_LINK_SALT, max_age=datetime.timedelta(days=max_age_days))
    except signing.SignatureExpired:
        raise EditLinkError(
            f"This link has expired. Links work for {max_age_days} days. Ask the council to send you a new one."
        ) from None
    except signing.BadSignature:
        raise EditLinkError(
            "This link is not valid. Check you copied all of it, or ask the council to send you a new one."
        ) from None
    service = Service.objects.select_related("organisation").filter(pk=payload.get("service")).first()
    if service is None or service.status == Service.Status.DEFUNCT:
        raise EditLinkError("This entry is no longer in the directory.")
    if _contact_email(service) != payload.get("email"):
        raise EditLinkError("This link was sent to an email address we no longer hold. Ask for a new link.")
    return service


@transaction.atomic
def edit_link_send(*, service: Service, link_for: Callable[[str], str], actor, request=None) -> str:
    """Email the organisation a link to update this entry. Returns the address it went to."""
    to = _contact_email(service)
    if not to:
        raise DomainError("Add an email address for the organisation first, so we know where to send the link.")
    url = link_for(edit_link_token(service=service))
    context = {"service": service, "url": url, "days": code_lists.EDIT_LINK_MAX_AGE_DAYS}
    send_mail(
        subject=f"Please check your entry in the directory: {service.name}",
        message=render_to_string("directory/email/edit_link.txt", context),
        from_email=None,
        recipient_list=[to],
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=service,
        summary=f"Sent an edit link for {service.name} to {to}",
        request=request,
    )
    return to


@transaction.atomic
def service_update_by_organisation(
    *, service: Service, data: dict, location: dict, opening_times: list, editor_name: str, request=None
) -> Service:
    """The organisation's own update, through its edit link: recorded as theirs (no council user)."""
    service = Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
    before = snapshot(service, ORGANISATION_EDITABLE)
    for field in ORGANISATION_EDITABLE:
        setattr(service, field, data.get(field, ""))
    service.updated_by_organisation_at = service.updated_at = timezone.now()
    service.save()
    changes = diff(before, snapshot(service, ORGANISATION_EDITABLE))
    changes.update(_location_update(service, location))
    changes.update(_schedules_replace(service, opening_times))
    audit_record(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        obj=service,
        summary=f"Updated by the organisation ({editor_name[:80]}) through an edit link: {service.name}",
        changes=changes,
        request=request,
    )
    return service


# -- entries from the care market and support-planning organisations ---------------------------------------------

# Care market service components (CLD) and the directory term each is listed under.
COMPONENT_TERMS = {
    "Home Support": "home-care", "Reablement": "home-care", "End of Life Care": "home-care",
    "Emergency Support": "home-care", "Community Supported Living": "home-care",
    "Long Term Nursing Care": "care-homes", "Long Term Residential Care": "care-homes",
    "Short Term Nursing Care": "care-homes", "Short Term Residential Care": "care-homes",
    "Day Support": "day-opportunities", "Learning/Education/Employment Support": "day-opportunities",
    "Shared Lives": "day-opportunities", "Transport": "transport", "Equipment": "equipment",
    "Carer Respite": "carers", "Carer Sitting Service": "carers", "Carer Universal Services": "carers",
    "Other Carer Support": "carers", "Direct Payment": "personal-budgets",
}  # fmt: skip


def _upsert(model, *, source: str, source_id: str, values: dict) -> tuple[object, str]:
    """Create or update the row with this source id; "added", "updated" or "unchanged"."""
    obj = model.objects.filter(source=source, source_id=source_id).first()
    if obj is None:
        obj = model.objects.create(source=source, source_id=source_id, **values)
        return obj, "added"
    if all(getattr(obj, k) == v for k, v in values.items()):
        return obj, "unchanged"
    for k, v in values.items():
        setattr(obj, k, v)
    obj.updated_at = timezone.now()
    obj.save()
    return obj, "updated"


def _synced_entry(*, source, source_id, org_values, service_values, terms, location_values) -> str:
    org, _ = _upsert(Organisation, source=source, source_id=source_id, values=org_values)
    service, outcome = _upsert(
        Service, source=source, source_id=source_id, values={"organisation": org, **service_values}
    )
    wanted = list(Taxonomy.objects.filter(code__in=[taxonomy_code(t) for t in terms]))
    if {t.pk for t in wanted} != set(service.taxonomies.values_list("pk", flat=True)):
        service.taxonomies.set(wanted)
        outcome = "updated" if outcome == "unchanged" else outcome
    if location_values:
        location, placed = _upsert(Location, source=source, source_id=source_id, values=location_values)
        if location.latitude is None:
            location_place(location)
            location.save()
        service.locations.set([location])
        outcome = "updated" if outcome == "unchanged" and placed != "unchanged" else outcome
    return outcome


@transaction.atomic
def directory_sync_from_market(*, actor=None) -> dict[str, int]:
    """List every care provider and support-planning organisation in the directory (read from their apps,
    never changed there). Re-running updates what changed; entries whose source has gone are closed."""
    from selfdirect.market.models import Provider
    from selfdirect.planning.models import PlanningOrganisation

    counts = {"added": 0, "updated": 0, "unchanged": 0, "closed": 0}
    seen: dict[str, set[str]] = {code_lists.SOURCE_PROVIDER: set(), code_lists.SOURCE_PLANNING: set()}
    active, inactive = Service.Status.ACTIVE, Service.Status.INACTIVE
    for p in Provider.objects.order_by("pk"):
        seen[code_lists.SOURCE_PROVIDER].add(str(p.pk))
        accreditation = p.get_registration_display()
        if p.rating:
            accreditation += f", rated {p.rating}"
        terms = sorted({COMPONENT_TERMS[c] for c in p.service_components if c in COMPONENT_TERMS})
        outcome = _synced_entry(
            source=code_lists.SOURCE_PROVIDER,
            source_id=str(p.pk),
            org_values={"name": p.name, "description": p.description, "email": p.email, "phone": p.phone},
            service_values={
                "name": p.name,
                "description": p.description or f"{p.name} provides care and support in the area.",
                "accreditations": accreditation[:300],
                "status": active if p.is_active else inactive,
                "email": p.email,
                "phone": p.phone,
                "service_area": ", ".join(p.areas),
                "fees": "Ask the provider. The council may pay if you have a personal budget.",
            },
            terms=terms,
            location_values={"name": p.name, "address": p.address, "postcode": p.postcode} if p.postcode else None,
        )
        counts[outcome] += 1
    for o in PlanningOrganisation.objects.order_by("pk"):
        seen[code_lists.SOURCE_PLANNING].add(str(o.pk))
        terms = ["support-planning", "personal-budgets"] + (["advocacy"] if o.non_directed_advocacy else [])
        outcome = _synced_entry(
            source=code_lists.SOURCE_PLANNING,
            source_id=str(o.pk),
            org_values={"name": o.name, "description": o.description, "email": o.email, "phone": o.phone},
            service_values={
                "name": f"Support planning with {o.name}",
                "description": o.description or f"{o.name} helps people plan how to use a personal budget.",
                "status": active if o.is_active else inactive,
                "email": o.email,
                "phone": o.phone,
                "fees": "Free. The council pays for support planning it asks for.",
                "attending_access": Service.AttendingAccess.REFERRAL,
            },
            terms=terms,
            location_values=None,
        )
        counts[outcome] += 1
    for source, ids in seen.items():
        gone = Service.objects.filter(source=source).exclude(source_id__in=ids).exclude(status=Service.Status.DEFUNCT)
        counts["closed"] += gone.update(status=Service.Status.DEFUNCT, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="directory.sync",
        summary="Listed care providers and support-planning organisations in the directory",
        changes=counts,
    )
    return counts


# -- postcode centroids (ONS Postcode Directory) -------------------------------------------------------------------

ONSPD_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode")
# ONSPD marks postcodes it cannot place with latitude 99.999999 and longitude 0.
ONSPD_NO_LOCATION_LAT = 99.999999
CHUNK = 5_000


class PostcodeImportError(DomainError):
    def __init__(self, message: str, problems: list[str], problem_count: int):
        super().__init__(message)
        self.problems, self.problem_count = problems, problem_count


class _Problems:
    """Problems found in a file: the first `limit` in words (with line numbers), and how many in all."""

    def __init__(self, limit: int = 50):
        self.shown: list[str] = []
        self.count = 0
        self.limit = limit

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append(message)


def _postcode_rows(handle, problems: _Problems):
    """Yield (line number, postcode, lat, long) for each usable row, or None for a row ONSPD could not place;
    wrong rows are added to `problems` with their line numbers."""
    reader = csv.reader(handle)
    header = [h.strip().lower() for h in next(reader, [])]
    code_col = next((header.index(c) for c in ONSPD_POSTCODE_COLUMNS if c in header), None)
    if code_col is None or "lat" not in header or "long" not in header:
        raise PostcodeImportError(
            "This is not an ONS Postcode Directory file",
            ["Line 1: the header needs a postcode column (pcds or pcd), lat and long"],
            1,
        )
    lat_col, lon_col = header.index("lat"), header.index("long")
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            raw = row[code_col]
            lat, lon = float(row[lat_col]), float(row[lon_col])
        except (IndexError, ValueError):
            problems.add(f"Line {number}: the postcode, lat or long is missing or not a number")
            continue
        if abs(lat - ONSPD_NO_LOCATION_LAT) < 1e-6:
            yield None
            continue
        try:
            check_point(lat, lon)
        except CoordinateError as error:
            problems.add(f"Line {number}: {error}")
            continue
        if not is_valid_postcode(raw):
            problems.add(f"Line {number}: {raw.strip()!r} is not a postcode")
            continue
        yield number, normalise_postcode(raw), lat, lon


def postcode_import(*, path: str, source: str = "ONSPD", on_progress: Callable[[str, int], None] | None = None):
    """Import postcode centroids from an ONS Postcode Directory CSV: every line is checked first (streamed), then
    the rows are written in one transaction, updating postcodes already held. Nothing is saved if any line is
    wrong. Returns {"read", "added", "updated", "skipped"}."""
    problems = _Problems()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for checked, _ in enumerate(_postcode_rows(handle, problems), start=1):
            if on_progress and checked % CHUNK == 0:
                on_progress("Checking", checked)
    if problems.count:
        raise PostcodeImportError(
            f"{problems.count:,} lines are wrong, so nothing was imported", problems.shown, problems.count
        )
    counts = {"read": 0, "added": 0, "updated": 0, "skipped": 0}
    with transaction.atomic(), open(path, encoding="utf-8-sig", newline="") as handle:
        chunk: dict[str, Postcode] = {}

        def flush():
            held = set(Postcode.objects.filter(postcode__in=list(chunk)).values_list("postcode", flat=True))
            counts["added"] += len(chunk) - len(held)
            counts["updated"] += len(held)
            Postcode.objects.bulk_create(
                chunk.values(),
                update_conflicts=True,
                unique_fields=["postcode"],
                update_fields=["latitude", "longitude", "source"],
            )
            chunk.clear()

        for row in _postcode_rows(handle, _Problems()):
            counts["read"] += 1
            if row is None:
                counts["skipped"] += 1
                continue
            _number, code, lat, lon = row
            chunk[code] = Postcode(postcode=code, latitude=lat, longitude=lon, source=source)
            if len(chunk) >= CHUNK:
                flush()
                if on_progress:
                    on_progress("Importing", counts["read"])
        if chunk:
            flush()
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type="directory.postcodes",
            summary=f"Imported postcode centroids from {path.rsplit('/', 1)[-1]}",
            changes=counts,
        )
    return counts
