"""The directory as Open Referral UK 1.0 JSON (see openreferral.py and docs/directory.md): public, read-only,
with Access-Control-Allow-Origin: * as the standard asks so browser-based service finders can read it."""

import uuid
from functools import wraps

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from selfdirect.core.access import public
from selfdirect.rules.postcode import looks_like_postcode_prefix

from . import openreferral
from .models import Taxonomy
from .selectors import PostcodeNotFound, postcode_locate, services_matching, services_near, vocabularies


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


class BadQuery(Exception):
    pass


def _open_referral(view):
    """Public, GET only, CORS header on every answer; a bad query parameter is a 400 with a message."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadQuery as error:
            return _json({"error": str(error)}, status=400)

    return public(require_GET(wrapped))


def _int(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadQuery(f"{name} must be between {low} and {high}")
    return value


def _paging(request) -> tuple[int, int]:
    page = _int(request, "page", 1, 1, 1_000_000)
    per_page = _int(request, "per_page", openreferral.DEFAULT_PER_PAGE, 1, openreferral.MAX_PER_PAGE)
    return page, per_page


def _list_param(request, name: str) -> list[str]:
    """Open Referral passes arrays as repeated parameters or comma-separated values."""
    return [v.strip() for raw in request.GET.getlist(name) for v in raw.split(",") if v.strip()]


@_open_referral
def root(request):
    return _json(openreferral.root_json(request))


@_open_referral
def services_list(request):
    page, per_page = _paging(request)
    text = request.GET.get("text", request.GET.get("search", "")).strip()
    matching = services_matching(
        text=text,
        taxonomy_codes=_list_param(request, "taxonomy_id"),
        vocabulary=request.GET.get("vocabulary", "").strip(),
        statuses=(),  # the feed shows every status; consumers filter on "status"
    )
    postcode = request.GET.get("postcode", "").strip()
    if postcode:
        if not looks_like_postcode_prefix(postcode):
            raise BadQuery("postcode is not a UK postcode")
        try:
            lat, lon = postcode_locate(postcode)
        except PostcodeNotFound as error:
            raise BadQuery(error.message) from None
        proximity = request.GET.get("proximity", "")
        try:
            radius = float(proximity) if proximity else 8_046.72  # 5 miles, when no proximity is given
        except ValueError:
            raise BadQuery("proximity must be a number of metres") from None
        if radius <= 0:
            raise BadQuery("proximity must be more than 0 metres")
        services = [h.service for h in services_near(services=matching, latitude=lat, longitude=lon, radius_m=radius)]
        total = len(services)
        chosen = services[(page - 1) * per_page : page * per_page]
    else:
        total = matching.count()
        chosen = list(matching[(page - 1) * per_page : page * per_page])
    content = [openreferral.service_json(s) for s in chosen]
    return _json(openreferral.page_json(content, total=total, page=page, per_page=per_page))


@_open_referral
def service_detail(request, service_id: str):
    service = services_matching(statuses=()).filter(uuid=service_id).first() if _is_uuid(service_id) else None
    if service is None:
        return _json({"error": "No service with this id"}, status=404)
    return _json(openreferral.service_json(service))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@_open_referral
def taxonomies_list(request):
    page, per_page = _paging(request)
    qs = Taxonomy.objects.select_related("parent").order_by("vocabulary", "position", "name")
    if request.GET.get("vocabulary"):
        qs = qs.filter(vocabulary=request.GET["vocabulary"])
    if request.GET.get("text"):
        qs = qs.filter(name__icontains=request.GET["text"])
    if request.GET.get("parent_id"):
        qs = qs.filter(parent__code=request.GET["parent_id"])
    if request.GET.get("root_only", "").lower() == "true":
        qs = qs.filter(parent=None)
    total = qs.count()
    content = [openreferral.taxonomy_json(t) for t in qs[(page - 1) * per_page : page * per_page]]
    return _json(openreferral.page_json(content, total=total, page=page, per_page=per_page))


@_open_referral
def taxonomy_detail(request, taxonomy_id: str):
    term = Taxonomy.objects.select_related("parent").filter(code=taxonomy_id).first()
    if term is None:
        return _json({"error": "No taxonomy term with this id"}, status=404)
    return _json(openreferral.taxonomy_json(term))


@_open_referral
def vocabularies_list(request):
    return _json(vocabularies())
