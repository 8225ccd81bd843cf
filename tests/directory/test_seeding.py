"""The demo directory: realistic services in Northmoor, deterministic for a seed, and removable."""

import pytest
from django.core.management import call_command

from selfdirect.directory.models import Postcode, Service
from selfdirect.directory.seeding import reset_directory, seed_directory
from selfdirect.directory.selectors import postcode_locate, services_matching, services_near
from selfdirect.rules.geo import haversine_metres

pytestmark = pytest.mark.django_db


def test_seed_directory_on_a_small_council():
    call_command("seed_council", people=60, seed=3, demo_database=True, stdout=None)
    assert Service.objects.exists()  # seed_council seeds the directory
    reset_directory()
    counts = seed_directory(seed=3)
    assert counts["directory_postcodes"] == 90  # 9 districts x 10 sectors
    assert 30 <= counts["directory_services"] <= 60
    assert counts["directory_synced"] >= 1  # care providers and planning organisations from the market
    assert seed_directory(seed=3) == {}  # a second run changes nothing
    # Every venue is in Northmoor: within 10 km of the town centre.
    lat, lon = postcode_locate("NM1")
    venues = services_near(services=services_matching(), latitude=lat, longitude=lon, radius_m=10_000)
    assert len(venues) >= 20
    assert all(haversine_metres(lat, lon, h.nearest.latitude, h.nearest.longitude) < 10_000 for h in venues)
    lunch = services_matching(taxonomy_codes=["selfdirect:lunch-clubs"])
    assert lunch.count() >= 3
    names_first = sorted(Service.objects.filter(source="synthetic").values_list("name", "review_due"))
    reset_directory()
    assert not Service.objects.exists() and not Postcode.objects.exists()
    seed_directory(seed=3)
    assert sorted(Service.objects.filter(source="synthetic").values_list("name", "review_due")) == names_first
