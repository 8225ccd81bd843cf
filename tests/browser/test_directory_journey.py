"""On a phone: find a lunch club near a postcode, read about it, then read a guide (issue 10, items 1-3), with
axe-core on every page and no sideways scrolling.

Pat has no account. On a 375 x 667 phone screen she opens Information and advice, goes to the directory, chooses
"Lunch clubs", types her postcode NM1 2AB and gets the clubs nearest first: Castle Hill Lunch Club, at her
sector's centre, is first. She reads when it runs and what it costs, goes back to the guides and reads "What a
personal budget is"."""

import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.directory.models import Location, Organisation, Postcode, RegularSchedule, Service, Taxonomy
from selfdirect.directory.reference_data import load_guides, load_taxonomy, taxonomy_code
from selfdirect.directory.seeding import seed_directory
from tests.browser.axe import assert_no_axe_violations

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture
def directory(transactional_db):
    from django.apps import apps

    load_taxonomy(apps.get_model("directory", "Taxonomy"))
    load_guides(apps.get_model("directory", "InformationPage"))
    seed_directory(seed=1)
    sector = Postcode.objects.get(postcode="NM1 2AA")
    club = Service.objects.create(
        organisation=Organisation.objects.create(name="Castle Hill Neighbours"),
        name="Castle Hill Lunch Club",
        description="A hot two-course lunch, then tea and a chat.",
        eligibility="People aged 60 and over.",
        fees="£4 a meal",
        attending_type="venue",
        attending_access="drop-in",
    )
    place = Location.objects.create(name="Castle Hill Hall", address="3 Castle Hill", town="Northmoor",
                                    postcode="NM1 2AB", latitude=sector.latitude, longitude=sector.longitude,
                                    accessibility="Step-free entrance\nHearing loop")  # fmt: skip
    club.locations.add(place)
    club.taxonomies.add(Taxonomy.objects.get(code=taxonomy_code("lunch-clubs")))
    import datetime

    RegularSchedule.objects.create(service=club, location=place, weekday="TH", opens_at=datetime.time(12),
                                   closes_at=datetime.time(14))  # fmt: skip
    return club


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_find_a_lunch_club_near_a_postcode_and_read_a_guide(page: Page, live_server, directory):
    page.goto(f"{live_server.url}/information/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Information and advice")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)

    page.get_by_role("link", name="Search for groups and services near you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find groups and services near you")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)

    page.get_by_label("What are you looking for?").select_option(label="Lunch clubs")
    page.get_by_label("Your postcode (optional)").fill("NM1 2AB")
    page.get_by_label("How far can you travel?").select_option(label="Within 2 miles")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("status")).to_contain_text("nearest first")
    results = page.get_by_role("list", name="Results").get_by_role("listitem")
    expect(results.first).to_contain_text("Castle Hill Lunch Club")
    expect(results.first).to_contain_text("less than 0.1 miles away")
    assert_no_axe_violations(page)
    no_sideways_scroll(page)

    page.get_by_role("link", name="Castle Hill Lunch Club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Castle Hill Lunch Club")
    expect(page.get_by_text("Thursday, 12:00 p.m. to 2:00 p.m.")).to_be_visible()
    expect(page.get_by_text("£4 a meal")).to_be_visible()
    expect(page.get_by_text("Hearing loop")).to_be_visible()
    assert_no_axe_violations(page)
    no_sideways_scroll(page)

    page.goto(f"{live_server.url}/information/")
    page.get_by_role("link", name="What a personal budget is").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What a personal budget is")
    expect(page.get_by_text("A personal budget is money for your care and support.")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^What a personal budget is"))
    assert_no_axe_violations(page)
    no_sideways_scroll(page)


def test_search_works_without_javascript(browser, live_server, directory):
    """The search is a plain GET form: with JavaScript off it still finds the club."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/directory/?need=selfdirect%3Alunch-clubs&postcode=NM1+2AB&distance=1")
    expect(page.get_by_role("list", name="Results").get_by_role("listitem").first).to_contain_text(
        "Castle Hill Lunch Club"
    )
    context.close()
