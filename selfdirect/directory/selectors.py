"""Reads for the directory's public pages, staff pages and the Open Referral UK feed.

The directory is public information: no access rules beyond "only open services are shown to the public".
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from selfdirect.rules.geo import bounding_box, haversine_metres
from selfdirect.rules.postcode import is_valid_postcode, looks_like_postcode_prefix, normalise_postcode

from .models import InformationPage, Location, Postcode, RegularSchedule, Service, Taxonomy

PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


class PostcodeNotFound(Exception):
    """A postcode we cannot place: not a postcode, or not in the centroid table."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def postcode_locate(value: str) -> tuple[float, float]:
    """The centroid of a full postcode; for a postcode we do not hold (new, or mistyped inward code) or an
    outward code on its own, the average of the postcodes in its sector, then its district."""
    compact = (value or "").replace(" ", "").upper()
    if not looks_like_postcode_prefix(compact):
        raise PostcodeNotFound("Enter a postcode, like NM1 2AB, or the first part of one, like NM1")
    code = normalise_postcode(compact) if is_valid_postcode(compact) else compact
    row = Postcode.objects.filter(postcode=code).values_list("latitude", "longitude").first()
    if row:
        return row
    if " " in code:
        outward, inward = code.split(" ")
        prefixes = [f"{outward} {inward[0]}", f"{outward} "]
    else:
        # An outward code alone ("NM1"), or with a sector digit ("NM12" could be either: try both readings).
        prefixes = [f"{code} "] + ([f"{code[:-1]} {code[-1]}"] if code[-1].isdigit() else [])
    for prefix in prefixes:
        found = Postcode.objects.filter(postcode__startswith=prefix).aggregate(
            lat=Avg("latitude"), lon=Avg("longitude")
        )
        if found["lat"] is not None:
            return found["lat"], found["lon"]
    raise PostcodeNotFound(f"We could not find {code}. Check it, or try the first part only, like NM1")


@dataclass(frozen=True)
class Hit:
    service: Service
    distance_m: float | None = None
    nearest: Location | None = None


def _with_details(qs: QuerySet) -> QuerySet:
    return qs.select_related("organisation").prefetch_related(
        "locations",
        "taxonomies",
        Prefetch("regular_schedules", queryset=RegularSchedule.objects.order_by("opens_at")),
        "contacts",
        "cost_options",
    )


def services_matching(*, text: str = "", taxonomy_codes=(), vocabulary: str = "", statuses=PUBLIC_STATUSES) -> QuerySet:
    """Services whose name, description, organisation or terms contain every word of `text`, in any of the
    terms (or their child terms) given, ordered by name."""
    qs = Service.objects.all()
    if statuses:
        qs = qs.filter(status__in=statuses)
    for word in text.split()[:10]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(taxonomies__name__icontains=word)
        )
    codes = [c for c in taxonomy_codes if c]
    if codes:
        qs = qs.filter(Q(taxonomies__code__in=codes) | Q(taxonomies__parent__code__in=codes))
    if vocabulary:
        qs = qs.filter(taxonomies__vocabulary=vocabulary)
    # Joins through terms can repeat a service: keep each once.
    return _with_details(Service.objects.filter(pk__in=qs.values("pk"))).order_by("name", "pk")


def services_near(*, services: QuerySet, latitude: float, longitude: float, radius_m: float) -> list[Hit]:
    """The services with a location within radius_m of the point, nearest first (then by name)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_m)
    nearby = services.filter(
        locations__latitude__range=(min_lat, max_lat), locations__longitude__range=(min_lon, max_lon)
    ).distinct()
    hits = []
    for service in nearby:
        placed = [loc for loc in service.locations.all() if loc.latitude is not None and loc.longitude is not None]
        if not placed:
            continue
        nearest = min(placed, key=lambda loc: haversine_metres(latitude, longitude, loc.latitude, loc.longitude))
        distance = haversine_metres(latitude, longitude, nearest.latitude, nearest.longitude)
        if distance <= radius_m:
            hits.append(Hit(service=service, distance_m=distance, nearest=nearest))
    hits.sort(key=lambda h: (h.distance_m, h.service.name, h.service.pk))
    return hits


def service_get_public(*, pk: int) -> Service:
    return _with_details(Service.objects.exclude(status=Service.Status.DEFUNCT)).get(pk=pk)


def service_get_by_uuid(*, uuid) -> Service:
    return _with_details(Service.objects.all()).get(uuid=uuid)


def taxonomy_choices() -> list[Taxonomy]:
    """The council's own terms that at least one open service uses, for the "what are you looking for" list."""
    return list(
        Taxonomy.objects.filter(parent=None)
        .annotate(used=Count("services", filter=Q(services__status__in=PUBLIC_STATUSES)))
        .filter(used__gt=0)
        .order_by("vocabulary", "position", "name")
    )


def vocabularies() -> list[str]:
    return list(Taxonomy.objects.order_by("vocabulary").values_list("vocabulary", flat=True).distinct())


def guides_published() -> QuerySet:
    return InformationPage.objects.filter(is_published=True)


def services_for_staff(*, text: str = "", due_only: bool = False) -> QuerySet:
    qs = Service.objects.select_related("organisation").order_by("review_due", "name")
    for word in text.split()[:10]:
        qs = qs.filter(Q(name__icontains=word) | Q(organisation__name__icontains=word))
    if due_only:
        qs = qs.filter(review_due__lte=timezone.localdate() + datetime.timedelta(days=30))
    return qs
