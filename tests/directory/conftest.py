"""Directory fixtures: the reference data (taxonomy and guides from migration 0002), a few postcode centroids on a
line running north from a point, and a maker for services at a given place."""

import pytest

from selfdirect.directory.models import Location, Organisation, Postcode, Service, Taxonomy
from selfdirect.directory.reference_data import load_guides, load_taxonomy, taxonomy_code

# 0.01 degrees of latitude is 1,111.95 m on the mean-radius sphere (R x pi / 180 / 100).
ORIGIN = (53.700, -1.950)
STEP_M = 1111.95


@pytest.fixture(autouse=True)
def directory_reference_data(request):
    """Transactional tests (browser journeys) flush the database; put the migration's data back."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")
    from django.apps import apps

    load_taxonomy(apps.get_model("directory", "Taxonomy"))
    load_guides(apps.get_model("directory", "InformationPage"))


@pytest.fixture
def postcodes(db):
    """NM1 1AA at the origin, NM1 2AA 1.1 km north, NM1 3AA 2.2 km north, NM9 9ZZ 11.1 km north."""
    rows = [("NM1 1AA", 0), ("NM1 2AA", 1), ("NM1 3AA", 2), ("NM9 9ZZ", 10)]
    Postcode.objects.bulk_create(
        Postcode(postcode=code, latitude=ORIGIN[0] + 0.01 * n, longitude=ORIGIN[1], source="test") for code, n in rows
    )
    return {code: n * STEP_M for code, n in rows}


def term(slug: str) -> Taxonomy:
    return Taxonomy.objects.get(code=taxonomy_code(slug))


@pytest.fixture
def make_service(db):
    """make_service("Name", north_steps=1, terms=["lunch-clubs"], **fields) -> a Service with one location that
    many steps of 0.01 degrees north of ORIGIN (no location when north_steps is None)."""
    counter = {"n": 0}

    def make(name, *, north_steps=0, terms=(), organisation=None, **fields):
        counter["n"] += 1
        org = organisation or Organisation.objects.create(name=f"{name} charity", email=f"org{counter['n']}@ex.org")
        fields.setdefault("description", f"{name}: a friendly group.")
        service = Service.objects.create(organisation=org, name=name, **fields)
        if north_steps is not None:
            service.locations.add(
                Location.objects.create(
                    name=f"{name} hall", postcode="NM1 1AB", latitude=ORIGIN[0] + 0.01 * north_steps,
                    longitude=ORIGIN[1],
                )
            )  # fmt: skip
        service.taxonomies.set([globals()["term"](t) for t in terms])
        return service

    return make
