"""Open Referral UK 1.0: the JSON this directory serves, and the page envelope.

Built to the Open Referral UK API 1.0 as the ORUK validator checks it (tpximpact/OpenReferralApi,
Schemas/V1.0-UK: open_api.json, service.json, service_list.json; developers.openreferraluk.org "API
Implementation"): a service has id, organization {id, name, description, ...}, name, description, url, email,
status, fees, accreditations, assured_date, attending_type, attending_access, and the collections contacts,
eligibilitys, languages, cost_options, service_areas, service_at_locations (each with a location and its
physical_addresses and accessibility_for_disabilities), regular_schedules and service_taxonomys (each with a
taxonomy {id, name, vocabulary, parent}). Empty optional strings with a format (url, email) are left out rather
than sent as "" so a strict validator does not reject them.

Pages carry both names the standard has used for the same header: the 1.0 API's totalElements, totalPages,
number, size, first, last, empty, and the validator's / HSDS 3.0's total_items, total_pages, page_number,
first_page, last_page; the items are in "content" (1.0).
"""

import math

from django.urls import reverse

from .code_lists import WEEKDAY_ORDER
from .models import Location, Organisation, RegularSchedule, Service, Taxonomy

VERSION = "1.0"
PROFILE_URL = "https://developers.openreferraluk.org/"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def _optional(**fields) -> dict:
    return {k: v for k, v in fields.items() if v not in ("", None)}


def organisation_json(org: Organisation) -> dict:
    return {
        "id": str(org.uuid),
        "name": org.name,
        "description": org.description,
        **_optional(email=org.email, url=org.url),
    }


def taxonomy_json(term: Taxonomy) -> dict:
    return {
        "id": term.code,
        "name": term.name,
        "vocabulary": term.vocabulary,
        "parent": term.parent.code if term.parent_id else None,
    }


def _time(value) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def schedule_json(s: RegularSchedule) -> dict:
    return {
        "id": f"schedule-{s.pk}",
        "freq": "WEEKLY",
        "interval": 1,
        "byday": s.weekday,
        "opens_at": _time(s.opens_at),
        "closes_at": _time(s.closes_at),
        "description": s.description,
    }


def location_json(loc: Location) -> dict:
    return {
        "id": str(loc.uuid),
        "name": loc.name,
        "description": "",
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "physical_addresses": [
            {
                "id": f"address-{loc.pk}",
                "address_1": loc.address,
                "city": loc.town,
                "state_province": "",
                "postal_code": loc.postcode,
                "country": "GB",
            }
        ],
        "accessibility_for_disabilities": [
            {"id": f"accessibility-{loc.pk}-{i}", "accessibility": line}
            for i, line in enumerate(loc.accessibility_lines, start=1)
        ],
    }


def service_json(service: Service) -> dict:
    """The fully nested service (/services/{id}); list pages use the same, so an importer needs one call a page."""
    schedules = sorted(service.regular_schedules.all(), key=lambda s: (WEEKDAY_ORDER.index(s.weekday), s.opens_at))
    return {
        "id": str(service.uuid),
        "organization": organisation_json(service.organisation),
        "name": service.name,
        "description": service.description,
        **_optional(url=service.url, email=service.email),
        "status": service.status,
        "fees": service.fees,
        "accreditations": service.accreditations,
        **_optional(
            assured_date=service.last_checked_at.date().isoformat() if service.last_checked_at else None,
            attending_type=service.attending_type,
            attending_access=service.attending_access,
        ),
        "contacts": [
            {
                "id": f"contact-{c.pk}",
                "name": c.name,
                "title": c.title,
                "phones": [{"id": f"phone-{c.pk}", "number": c.phone}] if c.phone else [],
            }
            for c in service.contacts.all()
        ]
        + (
            [
                {
                    "id": f"service-phone-{service.pk}",
                    "name": service.name,
                    "title": "",
                    "phones": [{"id": f"service-phone-{service.pk}", "number": service.phone}],
                }
            ]
            if service.phone
            else []
        ),  # fmt: skip
        "eligibilitys": [
            {
                "id": f"eligibility-{service.pk}",
                "eligibility": service.eligibility,
                "minimum_age": service.minimum_age,
                "maximum_age": service.maximum_age,
            }
        ]
        if service.eligibility or service.minimum_age is not None or service.maximum_age is not None
        else [],
        "languages": [
            {"id": f"language-{service.pk}-{i}", "language": name} for i, name in enumerate(service.languages, 1)
        ],
        "cost_options": [
            {
                "id": f"cost-{c.pk}",
                "option": c.option,
                # Money is Decimal inside selfdirect; JSON has one number type, and ORUK asks for a number.
                "amount": float(c.amount) if c.amount is not None else None,
                "amount_description": c.amount_description,
            }
            for c in service.cost_options.all()
        ],
        "service_areas": [{"id": f"area-{service.pk}", "service_area": service.service_area}]
        if service.service_area
        else [],
        "service_at_locations": [
            {
                "id": f"{service.uuid}:{loc.uuid}",
                "location": location_json(loc),
                "regular_schedule": [schedule_json(s) for s in schedules if s.location_id == loc.pk],
            }
            for loc in service.locations.all()
        ],
        "regular_schedules": [schedule_json(s) for s in schedules],
        "holiday_schedules": [],
        "fundings": [],
        "reviews": [],
        "service_taxonomys": [
            {"id": f"{service.uuid}:{t.code}", "taxonomy": taxonomy_json(t)} for t in service.taxonomies.all()
        ],
    }


def page_json(content: list, *, total: int, page: int, per_page: int) -> dict:
    total_pages = math.ceil(total / per_page) if total else 0
    first, last = page == 1, page >= total_pages
    return {
        "totalElements": total,
        "totalPages": total_pages,
        "number": page,
        "size": len(content),
        "first": first,
        "last": last,
        "empty": not content,
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "first_page": first,
        "last_page": last,
        "content": content,
    }


def root_json(request) -> dict:
    def url(name):
        return request.build_absolute_uri(reverse(name))

    return {
        "version": VERSION,
        "profile": PROFILE_URL,
        "services": url("openreferral_services"),
        "taxonomies": url("openreferral_taxonomies"),
        "vocabularies": url("openreferral_vocabularies"),
    }
