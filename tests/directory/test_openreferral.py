"""The Open Referral UK 1.0 feed at /openreferral/: every response checked against the shape the standard
documents (written out below from the ORUK 1.0 API and the ORUK validator's V1.0-UK schemas), filters and paging,
the CORS header, and refusals as 400 JSON rather than errors."""

import datetime
import uuid

import pytest

from selfdirect.directory.models import CostOption, RegularSchedule, Service

pytestmark = pytest.mark.django_db

# -- the documented shape ------------------------------------------------------------------------------------------
# {key: type or (type, ...)} for required keys; OPTIONAL keys are checked only when present.
PAGE = {
    "totalElements": int, "totalPages": int, "number": int, "size": int, "first": bool, "last": bool, "empty": bool,
    "total_items": int, "total_pages": int, "page_number": int, "first_page": bool, "last_page": bool,
    "content": list,
}  # fmt: skip
ORGANIZATION = {"id": str, "name": str, "description": str}
ORGANIZATION_OPTIONAL = {"email": str, "url": str, "logo": str, "uri": str}
SERVICE = {
    "id": str, "organization": dict, "name": str, "description": str, "status": str, "fees": str,
    "accreditations": str, "contacts": list, "eligibilitys": list, "languages": list, "cost_options": list,
    "service_areas": list, "service_at_locations": list, "regular_schedules": list, "service_taxonomys": list,
}  # fmt: skip
SERVICE_OPTIONAL = {"url": str, "email": str, "assured_date": str, "attending_type": str, "attending_access": str}
STATUS = {"active", "inactive", "defunct", "temporarily closed"}
ATTENDING_TYPE = {"phone", "online", "venue", "home visit"}
ATTENDING_ACCESS = {"referral", "appointment", "membership", "drop-in"}
TAXONOMY = {"id": str, "name": str, "vocabulary": str, "parent": (str, type(None))}
SCHEDULE = {"id": str, "freq": str, "interval": int, "byday": str, "opens_at": (str, type(None)),
            "closes_at": (str, type(None)), "description": str}  # fmt: skip
LOCATION = {"id": str, "name": str, "latitude": (float, type(None)), "longitude": (float, type(None)),
            "physical_addresses": list, "accessibility_for_disabilities": list}  # fmt: skip
ADDRESS = {"id": str, "address_1": str, "city": str, "postal_code": str, "country": str}
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def conforms(obj: dict, required: dict, optional: dict | None = None, where: str = "") -> None:
    assert isinstance(obj, dict), where
    for key, kind in required.items():
        assert key in obj, f"{where}: missing {key}"
        assert isinstance(obj[key], kind), f"{where}.{key} is {type(obj[key]).__name__}"
    for key, kind in (optional or {}).items():
        if key in obj:
            assert isinstance(obj[key], kind) and obj[key] != "", f"{where}.{key}"


def check_service(s: dict) -> None:
    import re

    conforms(s, SERVICE, SERVICE_OPTIONAL, "service")
    conforms(s["organization"], ORGANIZATION, ORGANIZATION_OPTIONAL, "organization")
    assert re.fullmatch(UUID_PATTERN, s["organization"]["id"])
    assert s["status"] in STATUS
    assert s.get("attending_type", "phone") in ATTENDING_TYPE
    assert s.get("attending_access", "referral") in ATTENDING_ACCESS
    if "assured_date" in s:
        datetime.date.fromisoformat(s["assured_date"])
    for link in s["service_taxonomys"]:
        conforms(link, {"id": str, "taxonomy": dict}, where="service_taxonomy")
        conforms(link["taxonomy"], TAXONOMY, where="taxonomy")
    for schedule in s["regular_schedules"]:
        conforms(schedule, SCHEDULE, where="regular_schedule")
        assert schedule["byday"] in {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
    for sal in s["service_at_locations"]:
        conforms(sal, {"id": str, "location": dict, "regular_schedule": list}, where="service_at_location")
        conforms(sal["location"], LOCATION, where="location")
        for address in sal["location"]["physical_addresses"]:
            conforms(address, ADDRESS, where="physical_address")
    for contact in s["contacts"]:
        conforms(contact, {"id": str, "name": str, "phones": list}, where="contact")
    for cost in s["cost_options"]:
        conforms(cost, {"id": str, "option": str, "amount": (float, int, type(None))}, where="cost_option")


def check_page(body: dict) -> None:
    conforms(body, PAGE, where="page")
    assert body["size"] == len(body["content"])
    assert body["empty"] == (not body["content"])
    assert (body["total_items"], body["total_pages"], body["page_number"]) == (
        body["totalElements"], body["totalPages"], body["number"])  # fmt: skip


@pytest.fixture
def feed(make_service, postcodes):
    club = make_service(
        "Moorside Lunch Club", north_steps=1, terms=["lunch-clubs", "loneliness"], fees="£4.50 a meal",
        attending_type="venue", attending_access="drop-in", url="https://moorside.example",
        last_checked_at=datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC),
    )  # fmt: skip
    RegularSchedule.objects.create(
        service=club, location=club.locations.first(), weekday="TU", opens_at=datetime.time(12),
        closes_at=datetime.time(14),
    )  # fmt: skip
    CostOption.objects.create(service=club, option="a meal", amount="4.50")
    line = make_service("Telephone friends", north_steps=None, terms=["loneliness"], attending_type="phone")
    far = make_service("Far Club", north_steps=10, terms=["lunch-clubs"], status=Service.Status.TEMPORARILY_CLOSED)
    return {"club": club, "line": line, "far": far}


def test_services_page_has_the_documented_shape(client, feed):
    response = client.get("/openreferral/services")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    check_page(body)
    assert (body["totalElements"], body["totalPages"], body["number"], body["first"], body["last"]) == (
        3, 1, 1, True, True)  # fmt: skip
    for service in body["content"]:
        check_service(service)


def test_one_service_fully_nested(client, feed):
    club = feed["club"]
    body = client.get(f"/openreferral/services/{club.uuid}").json()
    check_service(body)
    assert body["id"] == str(club.uuid)
    assert body["assured_date"] == "2026-03-02"
    assert body["url"] == "https://moorside.example"
    assert "email" not in body  # empty: left out, never ""
    assert body["regular_schedules"][0] | {"id": "x"} == {
        "id": "x", "freq": "WEEKLY", "interval": 1, "byday": "TU", "opens_at": "12:00:00", "closes_at": "14:00:00",
        "description": "",
    }  # fmt: skip
    assert body["cost_options"][0]["amount"] == 4.5
    location = body["service_at_locations"][0]["location"]
    assert location["latitude"] == pytest.approx(53.71)
    assert len(body["service_at_locations"][0]["regular_schedule"]) == 1
    assert {t["taxonomy"]["id"] for t in body["service_taxonomys"]} == {
        "selfdirect:lunch-clubs", "selfdirect:loneliness"}  # fmt: skip


def test_unknown_service_is_404_json(client, feed):
    for missing in (str(uuid.uuid4()), "not-a-uuid"):
        response = client.get(f"/openreferral/services/{missing}")
        assert response.status_code == 404
        assert response.json() == {"error": "No service with this id"}


def test_paging(client, feed):
    """3 services, 2 a page: page 1 has 2 (first), page 2 has 1 (last), page 3 is empty."""
    one = client.get("/openreferral/services", {"per_page": 2}).json()
    two = client.get("/openreferral/services", {"per_page": 2, "page": 2}).json()
    three = client.get("/openreferral/services", {"per_page": 2, "page": 3}).json()
    for body in (one, two, three):
        check_page(body)
    assert (one["size"], one["first"], one["last"], one["totalPages"]) == (2, True, False, 2)
    assert (two["size"], two["first"], two["last"]) == (1, False, True)
    assert three["empty"] is True and three["content"] == []
    assert {s["name"] for s in one["content"] + two["content"]} == {"Far Club", "Moorside Lunch Club",
                                                                      "Telephone friends"}  # fmt: skip


def test_filters_text_taxonomy_vocabulary_and_proximity(client, feed):
    def names(**params):
        return sorted(s["name"] for s in client.get("/openreferral/services", params).json()["content"])

    assert names(text="telephone") == ["Telephone friends"]
    assert names(taxonomy_id="selfdirect:lunch-clubs") == ["Far Club", "Moorside Lunch Club"]
    assert names(taxonomy_id="selfdirect:lunch-clubs,selfdirect:loneliness") == [
        "Far Club", "Moorside Lunch Club", "Telephone friends"]  # fmt: skip
    assert names(vocabulary="nothing") == []
    # Moorside is 1,112 m north of NM1 1AA; Far Club 11,120 m.
    assert names(postcode="NM1 1AA", proximity="2000") == ["Moorside Lunch Club"]
    assert names(postcode="NM1 1AA", proximity="20000") == ["Far Club", "Moorside Lunch Club"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "x"}, "page must be a whole number"),
        ({"per_page": "500"}, "per_page must be between 1 and 100"),
        ({"page": "0"}, "page must be between 1 and 1000000"),
        ({"postcode": "NM1 1AA", "proximity": "far"}, "proximity must be a number of metres"),
        ({"postcode": "hello"}, "postcode is not a UK postcode"),
    ],
)
def test_bad_parameters_are_400_json(client, feed, params, message):
    response = client.get("/openreferral/services", params)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_taxonomies_and_vocabularies(client, feed):
    body = client.get("/openreferral/taxonomies", {"per_page": 100}).json()
    check_page(body)
    for term in body["content"]:
        conforms(term, TAXONOMY, where="taxonomy")
    assert {"id": "selfdirect:lunch-clubs", "name": "Lunch clubs", "vocabulary": "selfdirect", "parent": None} in (
        body["content"]
    )
    assert client.get("/openreferral/taxonomies", {"vocabulary": "other"}).json()["totalElements"] == 0
    one = client.get("/openreferral/taxonomies/selfdirect:advocacy").json()
    assert one["name"] == "Advocacy"
    assert client.get("/openreferral/taxonomies/nope").status_code == 404
    vocabularies = client.get("/openreferral/vocabularies")
    assert vocabularies.json() == ["selfdirect"]
    assert vocabularies["Access-Control-Allow-Origin"] == "*"


def test_root_names_the_version_and_endpoints(client):
    body = client.get("/openreferral/").json()
    assert body["version"] == "1.0"
    assert body["services"] == "http://testserver/openreferral/services"


def test_only_get(client, feed):
    assert client.post("/openreferral/services").status_code == 405
