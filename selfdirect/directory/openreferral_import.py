"""Import services from another Open Referral UK feed: a URL (the feed's API root, or its /services) or a local
JSON file (one /services page, or a list of services).

Reads Open Referral UK 1.0 (content, service_taxonomys, regular_schedules, physical_addresses) and tolerates
HSDS 3.0 names where they are simple renames (contents, schedules). Every item is checked first; if any is
wrong, nothing is saved and each problem names its item number and id. Records are matched on the feed's own ids
within the source, so re-importing the same feed adds nothing.
"""

import datetime
import json
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.rules.geo import CoordinateError, check_point
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .code_lists import AttendingAccess, AttendingType, ServiceStatus, Weekday
from .models import Contact, CostOption, Location, Organisation, RegularSchedule, Service, Taxonomy
from .services import _upsert, location_place

FETCH_TIMEOUT_S = 30
MAX_PAGES = 1_000
WEEKDAYS = {d.value for d in Weekday}


class FeedError(DomainError):
    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _items(document) -> list:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("content", "contents"):
            if isinstance(document.get(key), list):
                return document[key]
        if "id" in document and "name" in document:
            return [document]
    raise FeedError("This is not an Open Referral feed: expected a page with “content”, or a list of services")


def load_file(path: str) -> list:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return _items(json.load(handle))
    except FileNotFoundError:
        raise FeedError(f"No file at {path}") from None
    except json.JSONDecodeError as error:
        raise FeedError(f"{path} is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}") from None


def fetch_url(url: str, on_page: Callable[[int, int], None] | None = None, per_page: int = 100) -> list:
    """Every page of the feed's /services (page=1, 2, ... until the last)."""
    base = url.rstrip("/")
    if not base.endswith("/services"):
        base += "/services"
    items, page = [], 1
    while page <= MAX_PAGES:
        query = urllib.parse.urlencode({"page": page, "per_page": per_page})
        try:
            with urllib.request.urlopen(f"{base}?{query}", timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310
                document = json.load(response)
        except (OSError, ValueError) as error:
            raise FeedError(f"Could not read page {page} of {base}: {error}") from None
        got = _items(document)
        items.extend(got)
        total_pages = document.get("totalPages", document.get("total_pages", 1)) if isinstance(document, dict) else 1
        if on_page:
            on_page(page, total_pages or 1)
        last = document.get("last", document.get("last_page")) if isinstance(document, dict) else True
        if last or not got or page >= (total_pages or 1):
            break
        page += 1
    return items


# -- checking ------------------------------------------------------------------------------------------------------


def _text(value, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def _first(value) -> dict:
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}


def _check(number: int, item) -> list[str]:
    label = f"Item {number}"
    if not isinstance(item, dict):
        return [f"{label}: is not a service object"]
    if _text(item.get("id")):
        label += f" (id {_text(item.get('id'))})"
    problems = []
    if not _text(item.get("id")):
        problems.append("has no id")
    if not _text(item.get("name")):
        problems.append("has no name")
    org = item.get("organization")
    if not isinstance(org, dict) or not _text(org.get("id")) or not _text(org.get("name")):
        problems.append("needs an organization with an id and a name")
    if item.get("status") and item["status"] not in ServiceStatus.values:
        problems.append(f"status {item['status']!r} is not one of {', '.join(ServiceStatus.values)}")
    for sal in item.get("service_at_locations") or []:
        location = (sal or {}).get("location") or {}
        if not _text(location.get("id")):
            problems.append("has a location with no id")
        lat, lon = location.get("latitude"), location.get("longitude")
        if lat is not None or lon is not None:
            try:
                check_point(float(lat), float(lon))
            except (TypeError, ValueError, CoordinateError):
                problems.append(f"location {_text(location.get('id'))} has an impossible latitude or longitude")
    for link in item.get("service_taxonomys") or []:
        term = (link or {}).get("taxonomy") or {}
        if not _text(term.get("id")) or not _text(term.get("name")):
            problems.append("has a taxonomy term with no id or name")
    for s in _schedules(item):
        if s.get("byday") and not set(_days(s["byday"])) <= WEEKDAYS:
            problems.append(f"has a schedule on {s['byday']!r}, not days like MO,TU")
    return [f"{label}: {p}" for p in problems]


def _schedules(item) -> list:
    return [s for s in (item.get("regular_schedules") or item.get("schedules") or []) if isinstance(s, dict)]


def _days(byday: str) -> list[str]:
    return [d.strip().upper()[-2:] for d in str(byday).split(",") if d.strip()]


# -- saving ----------------------------------------------------------------------------------------------------------


def _terms(item) -> list[Taxonomy]:
    out = []
    for link in item.get("service_taxonomys") or []:
        term = link["taxonomy"]
        obj, _ = Taxonomy.objects.get_or_create(
            code=_text(term["id"], 200),
            defaults={"name": _text(term["name"], 200), "vocabulary": _text(term.get("vocabulary"), 200) or "unknown"},
        )
        out.append(obj)
    return out


def _postcode(value) -> str:
    text = _text(value)
    return normalise_postcode(text) if is_valid_postcode(text) else text[:8]


def _locations(source: str, item) -> tuple[list[Location], bool]:
    out, changed = [], False
    for sal in item.get("service_at_locations") or []:
        location = sal["location"]
        address = _first(location.get("physical_addresses"))
        lat, lon = location.get("latitude"), location.get("longitude")
        values = {
            "name": _text(location.get("name"), 200),
            "address": _text(address.get("address_1"), 300),
            "town": _text(address.get("city"), 100),
            "postcode": _postcode(address.get("postal_code")),
            "latitude": float(lat) if lat is not None else None,
            "longitude": float(lon) if lon is not None else None,
            "accessibility": "\n".join(
                _text(a.get("accessibility"))
                for a in location.get("accessibility_for_disabilities") or []
                if isinstance(a, dict)
            ),
        }
        if values["latitude"] is None:
            # Placed from the postcode below: leaving them out keeps a re-import "unchanged".
            del values["latitude"], values["longitude"]
        obj, outcome = _upsert(Location, source=source, source_id=_text(location["id"], 200), values=values)
        if obj.latitude is None:
            location_place(obj)
            obj.save()
        changed |= outcome != "unchanged"
        out.append(obj)
    return out, changed


def _children_signature(service: Service) -> list:
    return [
        sorted((s.weekday, str(s.opens_at), str(s.closes_at), s.description) for s in service.regular_schedules.all()),
        sorted((c.name, c.title, c.phone) for c in service.contacts.all()),
        sorted((c.option, str(c.amount), c.amount_description) for c in service.cost_options.all()),
    ]


def _children_replace(service: Service, item) -> None:
    service.regular_schedules.all().delete()
    service.contacts.all().delete()
    service.cost_options.all().delete()
    schedules = []
    for s in _schedules(item):
        for day in _days(s.get("byday") or ""):
            schedules.append(
                RegularSchedule(
                    service=service,
                    weekday=day,
                    opens_at=parse_time(_text(s.get("opens_at"))) if s.get("opens_at") else None,
                    closes_at=parse_time(_text(s.get("closes_at"))) if s.get("closes_at") else None,
                    description=_text(s.get("description"), 200),
                )
            )
    RegularSchedule.objects.bulk_create(schedules)
    Contact.objects.bulk_create(
        Contact(
            service=service,
            name=_text(c.get("name"), 200) or service.name,
            title=_text(c.get("title"), 200),
            phone=_text(_first(c.get("phones")).get("number"), 30),
        )
        for c in item.get("contacts") or []
        if isinstance(c, dict)
    )
    CostOption.objects.bulk_create(
        CostOption(
            service=service,
            option=_text(c.get("option"), 200) or "Cost",
            amount=c.get("amount") if isinstance(c.get("amount"), int | float) else None,
            amount_description=_text(c.get("amount_description"), 200),
        )
        for c in item.get("cost_options") or []
        if isinstance(c, dict)
    )


def _choice(value, choices) -> str:
    return value if value in choices.values else ""


def _save(source: str, item) -> str:
    org_data = item["organization"]
    org, org_outcome = _upsert(
        Organisation,
        source=source,
        source_id=_text(org_data["id"], 200),
        values={
            "name": _text(org_data["name"], 200),
            "description": _text(org_data.get("description")),
            "email": _text(org_data.get("email"), 254),
            "url": _text(org_data.get("url"), 200),
        },
    )
    eligibility = _first(item.get("eligibilitys"))
    assured = parse_date(_text(item.get("assured_date"))[:10]) if item.get("assured_date") else None
    values = {
        "organisation": org,
        "name": _text(item["name"], 200),
        "description": _text(item.get("description")),
        "url": _text(item.get("url"), 200),
        "email": _text(item.get("email"), 254),
        "status": item.get("status") or ServiceStatus.ACTIVE,
        "fees": _text(item.get("fees") or item.get("fees_description"), 300),
        "accreditations": _text(item.get("accreditations"), 300),
        "attending_type": _choice(item.get("attending_type"), AttendingType),
        "attending_access": _choice(item.get("attending_access"), AttendingAccess),
        "eligibility": _text(eligibility.get("eligibility")),
        "minimum_age": eligibility.get("minimum_age") if isinstance(eligibility.get("minimum_age"), int) else None,
        "maximum_age": eligibility.get("maximum_age") if isinstance(eligibility.get("maximum_age"), int) else None,
        "languages": [_text(x.get("language") or x.get("name"), 60) for x in item.get("languages") or []
                      if isinstance(x, dict)],
        "service_area": _text(_first(item.get("service_areas")).get("service_area"), 200),
        "last_checked_at": timezone.make_aware(datetime.datetime.combine(assured, datetime.time(12)))
        if assured
        else None,
    }  # fmt: skip
    service, outcome = _upsert(Service, source=source, source_id=_text(item["id"], 200), values=values)
    locations, locations_changed = _locations(source, item)
    terms = _terms(item)
    before = _children_signature(service)
    _children_replace(service, item)
    changed = (
        locations_changed
        or org_outcome != "unchanged"
        or {loc.pk for loc in locations} != set(service.locations.values_list("pk", flat=True))
        or {t.pk for t in terms} != set(service.taxonomies.values_list("pk", flat=True))
        or before != _children_signature(service)
    )
    service.locations.set(locations)
    service.taxonomies.set(terms)
    if outcome == "unchanged" and changed:
        outcome = "updated"
    return outcome


def openreferral_import(
    *, items: list, source: str, actor=None, on_item: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Check every item, then save them all in one transaction. Returns {"read", "added", "updated",
    "unchanged"}; raises FeedError listing each wrong item (and saves nothing) if any is wrong."""
    if not source.strip():
        raise FeedError("Name the source, so the same feed can be recognised next time")
    problems = [p for number, item in enumerate(items, start=1) for p in _check(number, item)]
    if problems:
        raise FeedError(f"{len(problems):,} problems in the feed, so nothing was imported", problems)
    counts = {"read": len(items), "added": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for number, item in enumerate(items, start=1):
            counts[_save(source[:300], item)] += 1
            if on_item:
                on_item(number, len(items))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="directory.openreferral_import",
            summary=f"Imported an Open Referral UK feed from {source}"[:300],
            changes=counts,
        )
    return counts
