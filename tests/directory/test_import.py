"""Importing another Open Referral UK feed (a local file: no network in tests) and ONS postcode centroids."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from selfdirect.directory.models import Location, Organisation, Postcode, Service, Taxonomy

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_good_feed_is_imported_with_its_details(postcodes):
    out = run("import_openreferral", str(FIXTURES / "feed_good.json"), "--source", "Riverside")
    assert "2 services read, 2 added, 0 updated, 0 unchanged" in out
    befriending = Service.objects.get(source="Riverside", source_id="svc-101")
    assert befriending.organisation.name == "Riverside Volunteers"
    assert befriending.attending_type == "home visit"
    assert befriending.eligibility == "Adults who live alone" and befriending.minimum_age == 18
    assert befriending.languages == ["English", "Welsh"]
    assert befriending.last_checked_at.date().isoformat() == "2026-01-15"
    assert befriending.contacts.get().phone == "01632 960111"
    assert sorted(befriending.taxonomies.values_list("code", flat=True)) == [
        "esdServiceTypes:123", "selfdirect:loneliness"]  # fmt: skip
    assert Taxonomy.objects.get(code="esdServiceTypes:123").vocabulary == "esdServiceTypes"
    lunch = Service.objects.get(source_id="svc-102")
    location = lunch.locations.get()
    assert (location.postcode, location.latitude, location.accessibility) == ("NM1 2AB", 53.72, "Step-free entrance")
    schedule = lunch.regular_schedules.get()
    assert (schedule.weekday, str(schedule.opens_at), str(schedule.closes_at)) == ("WE", "12:00:00", "13:30:00")
    assert lunch.cost_options.get().amount == 4
    assert Organisation.objects.filter(source="Riverside").count() == 1  # both services share it


def test_re_import_adds_nothing(postcodes):
    feed = str(FIXTURES / "feed_good.json")
    run("import_openreferral", feed, "--source", "Riverside")
    counts = (Service.objects.count(), Organisation.objects.count(), Location.objects.count(), Taxonomy.objects.count())
    out = run("import_openreferral", feed, "--source", "Riverside")
    assert "2 services read, 0 added, 0 updated, 2 unchanged" in out
    assert counts == (Service.objects.count(), Organisation.objects.count(), Location.objects.count(),
                      Taxonomy.objects.count())  # fmt: skip


def test_bad_feed_lists_numbered_problems_and_saves_nothing():
    with pytest.raises(CommandError) as raised:
        run("import_openreferral", str(FIXTURES / "feed_bad.json"), "--source", "Bad")
    message = str(raised.value)
    assert "nothing was imported" in message
    assert "Item 2: has no id" in message
    assert "Item 3 (id bad-3): has no name" in message
    assert "Item 3 (id bad-3): status 'open' is not one of" in message
    assert "Item 3 (id bad-3): needs an organization with an id and a name" in message
    assert "Item 4 (id bad-4): location l1 has an impossible latitude or longitude" in message
    assert "Item 4 (id bad-4): has a schedule on 'Monday'" in message
    assert "Item 1" not in message
    assert not Service.objects.filter(source="Bad").exists()


def test_broken_json_names_the_line():
    with pytest.raises(CommandError, match=r"not valid JSON: line 3, column"):
        run("import_openreferral", str(FIXTURES / "feed_broken.json"))


def test_missing_file():
    with pytest.raises(CommandError, match="No file at"):
        run("import_openreferral", "/no/such/feed.json")


# -- ONS postcode centroids ------------------------------------------------------------------------------------------

ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,lat,long\n"


def test_postcode_import_streams_and_is_idempotent(tmp_path):
    """ONSPD columns by name; the unplaced (lat 99.999999) are skipped; re-running updates, adds nothing."""
    path = tmp_path / "onspd.csv"
    path.write_text(
        ONSPD_HEADER
        + "NM1 2AB,NM1  2AB,NM1 2AB,202001,,53.71,-1.95\n"
        + "NM12AD,NM1  2AD,NM1 2AD,202001,,53.72,-1.96\n"
        + "NM9 9ZZ,NM9  9ZZ,NM9 9ZZ,202001,,99.999999,0.000000\n"
    )
    out = run("import_postcodes", str(path))
    assert "3 lines read, 2 postcodes added, 0 updated, 1 without a location skipped" in out
    assert Postcode.objects.get(postcode="NM1 2AB").latitude == 53.71
    path.write_text(ONSPD_HEADER + "NM1 2AB,NM1  2AB,NM1 2AB,202001,,53.7105,-1.95\n")
    out = run("import_postcodes", str(path))
    assert "1 lines read, 0 postcodes added, 1 updated" in out
    assert Postcode.objects.count() == 2
    assert Postcode.objects.get(postcode="NM1 2AB").latitude == 53.7105


def test_postcode_import_refuses_a_bad_file_with_line_numbers(tmp_path):
    path = tmp_path / "onspd.csv"
    path.write_text(
        ONSPD_HEADER
        + "NM1 2AB,,NM1 2AB,,,53.71,-1.95\n"
        + "HELLO,,HELLO,,,53.71,-1.95\n"
        + "NM1 2AD,,NM1 2AD,,,north,-1.95\n"
        + "NM1 2AE,,NM1 2AE,,,95.0,-1.95\n"
    )
    with pytest.raises(CommandError) as raised:
        run("import_postcodes", str(path))
    message = str(raised.value)
    assert "3 lines are wrong, so nothing was imported" in message
    assert "Line 3: 'HELLO' is not a postcode" in message
    assert "Line 4: the postcode, lat or long is missing or not a number" in message
    assert "Line 5: Latitude 95.0 is not between -90 and 90." in message
    assert not Postcode.objects.exists()


def test_postcode_import_needs_the_onspd_header(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,town\nA,B\n")
    with pytest.raises(CommandError, match="Line 1: the header needs a postcode column"):
        run("import_postcodes", str(path))


def test_round_trip_through_our_own_feed_page_by_page(live_server, make_service, postcodes):
    """Our feed, read over HTTP from this machine two services a page, imports cleanly: every service arrives
    with its details, and importing again adds nothing."""
    from selfdirect.directory.openreferral_import import fetch_url, openreferral_import

    for name, steps in (("Alpha Club", 0), ("Beta Club", 1), ("Gamma Club", None)):
        make_service(name, north_steps=steps, terms=["lunch-clubs"], fees="Free")
    pages = []
    items = fetch_url(f"{live_server.url}/openreferral/", on_page=lambda n, total: pages.append((n, total)), per_page=2)
    assert pages == [(1, 2), (2, 2)]
    assert sorted(i["name"] for i in items) == ["Alpha Club", "Beta Club", "Gamma Club"]
    first = openreferral_import(items=items, source="mirror")
    assert (first["added"], first["unchanged"]) == (3, 0)
    copy = Service.objects.get(source="mirror", name="Beta Club")
    assert copy.fees == "Free"
    assert list(copy.taxonomies.values_list("code", flat=True)) == ["selfdirect:lunch-clubs"]
    assert copy.locations.get().latitude == pytest.approx(53.71)
    # The feed now also lists the three copies (same database); the originals, fetched again, change nothing.
    originals = {i["id"] for i in items}
    refetched = [i for i in fetch_url(f"{live_server.url}/openreferral/services", per_page=2) if i["id"] in originals]
    again = openreferral_import(items=refetched, source="mirror")
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 3)
