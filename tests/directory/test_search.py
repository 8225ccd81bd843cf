"""Public search: by need, words and distance from a postcode; the service page; no sign-in needed."""

import pytest

from selfdirect.directory.models import Postcode, Service
from selfdirect.directory.selectors import PostcodeNotFound, postcode_locate, services_matching, services_near

from .conftest import ORIGIN, STEP_M

pytestmark = pytest.mark.django_db
MILE = 1609.344


def names(response) -> list[str]:
    return [hit.service.name for hit in response.context["page"].object_list]


@pytest.fixture
def town(make_service, postcodes):
    """Four lunch clubs at 0, 1.1, 2.2 and 11.1 km north of NM1 1AA; a befriending service 1.1 km north."""
    return {
        "here": make_service("Here Lunch Club", north_steps=0, terms=["lunch-clubs"]),
        "near": make_service("Near Lunch Club", north_steps=1, terms=["lunch-clubs"]),
        "further": make_service("Further Lunch Club", north_steps=2, terms=["lunch-clubs", "loneliness"]),
        "far": make_service("Far Lunch Club", north_steps=10, terms=["lunch-clubs"]),
        "friends": make_service(
            "Telephone friends", north_steps=1, terms=["loneliness"], description="A volunteer rings you every week."
        ),  # fmt: skip
    }


def test_nearest_first_within_the_radius(client, town):
    """Within 5 miles (8,047 m) of NM1 1AA: 0 m, 1,112 m, 2,224 m, in that order; 11.1 km is left out."""
    response = client.get("/directory/", {"need": "selfdirect:lunch-clubs", "postcode": "nm11aa", "distance": "5"})
    assert response.status_code == 200
    assert names(response) == ["Here Lunch Club", "Near Lunch Club", "Further Lunch Club"]
    html = response.content.decode()
    assert "0.7 miles away" in html  # 1,112 m / 1,609 m = 0.69
    assert "nearest first" in html


def test_radius_boundary(town):
    """1 mile is 1,609 m: the clubs at 0 and 1,112 m are in, the one at 2,224 m is out."""
    hits = services_near(services=services_matching(), latitude=ORIGIN[0], longitude=ORIGIN[1], radius_m=MILE)
    assert [h.service.name for h in hits] == ["Here Lunch Club", "Near Lunch Club", "Telephone friends"]
    assert [round(h.distance_m) for h in hits] == [0, round(STEP_M), round(STEP_M)]


def test_ten_miles_reaches_the_far_club(client, town):
    response = client.get("/directory/", {"postcode": "NM1 1AA", "distance": "10", "need": "selfdirect:lunch-clubs"})
    assert names(response)[-1] == "Far Lunch Club"


def test_need_filter(client, town):
    response = client.get("/directory/", {"need": "selfdirect:loneliness"})
    assert names(response) == ["Further Lunch Club", "Telephone friends"]


def test_keyword_matches_description_and_every_word(client, town):
    assert names(client.get("/directory/", {"q": "volunteer rings"})) == ["Telephone friends"]
    assert names(client.get("/directory/", {"q": "volunteer lunch"})) == []


def test_closed_services_are_not_shown(client, town):
    town["near"].status = Service.Status.DEFUNCT
    town["near"].save()
    response = client.get("/directory/", {"need": "selfdirect:lunch-clubs"})
    assert "Near Lunch Club" not in names(response)
    assert client.get(f"/directory/services/{town['near'].pk}/").status_code == 404


def test_unknown_postcode_is_a_clear_error_not_a_crash(client, town):
    response = client.get("/directory/", {"postcode": "ZZ9 9ZZ"})
    assert response.status_code == 200
    assert "We could not find ZZ9 9ZZ" in response.content.decode()
    response = client.get("/directory/", {"postcode": "12345"})
    assert "Enter a postcode, like NM1 2AB" in response.content.decode()


def test_postcode_fallback_to_sector_then_district(postcodes):
    """A postcode we do not hold is placed at its sector's centroid (the average of NM1 2AA alone), then its
    district's (the average of NM1 1AA, 2AA and 3AA: one step north)."""
    assert postcode_locate("NM1 2ZZ") == pytest.approx((ORIGIN[0] + 0.01, ORIGIN[1]))
    assert postcode_locate("NM1 7ZZ") == pytest.approx((ORIGIN[0] + 0.01, ORIGIN[1]))
    assert postcode_locate("NM1") == pytest.approx((ORIGIN[0] + 0.01, ORIGIN[1]))
    Postcode.objects.create(postcode="NM1 7AB", latitude=1.0, longitude=1.0)
    assert postcode_locate("nm17ab") == (1.0, 1.0)
    with pytest.raises(PostcodeNotFound):
        postcode_locate("NM5 1AA")


def test_first_visit_shows_the_form_without_results_or_errors(client, town):
    response = client.get("/directory/")
    assert response.status_code == 200
    assert "page" not in response.context
    assert "There is a problem" not in response.content.decode()


def test_service_page_is_public_and_plain(client, town, make_service):
    service = town["near"]
    service.eligibility = "People aged 60 and over."
    service.fees = "£4.50 a meal"
    service.save()
    html = client.get(service.get_absolute_url()).content.decode()
    assert "Near Lunch Club" in html
    assert "People aged 60 and over." in html
    assert "£4.50 a meal" in html
    assert "Not yet checked by the council" in html


def test_results_are_paged(client, make_service, postcodes):
    for i in range(23):
        make_service(f"Club {i:02d}", north_steps=0, terms=["lunch-clubs"])
    first = client.get("/directory/", {"need": "selfdirect:lunch-clubs"})
    assert len(names(first)) == 20
    second = client.get("/directory/", {"need": "selfdirect:lunch-clubs", "page": "2"})
    assert names(second) == ["Club 20", "Club 21", "Club 22"]
