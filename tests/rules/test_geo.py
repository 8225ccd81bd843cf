"""Great-circle distance for "services near a postcode" (selfdirect/rules/geo.py)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.geo import (
    EARTH_MEAN_RADIUS_M,
    CoordinateError,
    bounding_box,
    describe_distance,
    haversine_metres,
)

# Expected values worked out by hand: a quarter of a meridian is pi/2 * R; one degree of latitude is R * pi / 180.
QUARTER = math.pi / 2 * EARTH_MEAN_RADIUS_M
ONE_DEGREE = EARTH_MEAN_RADIUS_M * math.pi / 180


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ((0, 0), (0, 0), 0.0),
        ((0, 0), (90, 0), QUARTER),  # equator to the north pole
        ((0, 0), (0, 90), QUARTER),  # a quarter of the equator
        ((53.0, -1.9), (54.0, -1.9), ONE_DEGREE),  # one degree north along a meridian: about 111.2 km
        ((0, 179.5), (0, -179.5), ONE_DEGREE),  # across the date line, the short way round
        ((-90, 0), (90, 0), 2 * QUARTER),  # pole to pole
    ],
)
def test_haversine_table(a, b, expected):
    """Known distances on the sphere."""
    assert haversine_metres(*a, *b) == pytest.approx(expected, abs=0.01)


def test_one_degree_of_longitude_shrinks_with_latitude():
    """At 60 degrees north a degree of longitude is about half a degree of latitude (cos 60 = 0.5)."""
    d = haversine_metres(60, 0, 60, 1)
    assert d == pytest.approx(ONE_DEGREE * 0.5, rel=1e-3)


def test_london_to_manchester_is_about_262_km():
    """Charing Cross (51.5080, -0.1247) to Manchester Piccadilly (53.4774, -2.2309): about 262 km."""
    assert haversine_metres(51.5080, -0.1247, 53.4774, -2.2309) / 1000 == pytest.approx(262, abs=2)


@pytest.mark.parametrize("lat, lon", [(91, 0), (-90.5, 0), (0, 181), (0, -180.01)])
def test_impossible_points_are_refused(lat, lon):
    with pytest.raises(CoordinateError):
        haversine_metres(lat, lon, 0, 0)


@pytest.mark.parametrize(
    "metres, text",
    [(0, "less than 0.1 miles"), (400, "0.2 miles"), (1609.344, "1 mile"), (3862, "2.4 miles"), (16093.44, "10 miles")],
)
def test_describe_distance(metres, text):
    assert describe_distance(metres) == text


points = st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180))


@given(points, points)
def test_symmetric_and_bounded(a, b):
    """Distance is the same both ways, never negative, never more than half the circumference."""
    d = haversine_metres(*a, *b)
    assert d == pytest.approx(haversine_metres(*b, *a), abs=1e-6)
    assert 0 <= d <= math.pi * EARTH_MEAN_RADIUS_M + 1e-6


@given(points, points, points)
def test_triangle_inequality(a, b, c):
    assert haversine_metres(*a, *c) <= haversine_metres(*a, *b) + haversine_metres(*b, *c) + 1e-3


@given(st.tuples(st.floats(-80, 80), st.floats(-170, 170)), st.floats(1, 50_000), st.floats(0, 2 * math.pi))
def test_bounding_box_contains_every_point_within_the_radius(centre, radius, bearing):
    """A point radius metres away on any bearing lies inside the box (so the box never drops a true match)."""
    lat, lon = centre
    # Destination point formula on the sphere.
    delta = radius / EARTH_MEAN_RADIUS_M
    phi1, lam1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing))
    lam2 = lam1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    p_lat, p_lon = math.degrees(phi2), math.degrees(lam2)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius * 1.0001)
    assert min_lat <= p_lat <= max_lat
    assert min_lon <= p_lon <= max_lon
