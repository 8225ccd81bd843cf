"""Distances on the Earth's surface, for "services near a postcode". No Django, no network.

Great-circle distance by the haversine formula on a sphere of the Earth's mean radius (IUGG R1 = 6,371,008.8 m).
Over a borough the spherical error (under 0.5%) is far smaller than the error of a postcode centroid.
"""

import math

EARTH_MEAN_RADIUS_M = 6_371_008.8
METRES_PER_MILE = 1609.344


class CoordinateError(ValueError):
    """A latitude or longitude outside the range a point on Earth can have."""


def check_point(lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError(f"Latitude {lat} is not between -90 and 90.")
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError(f"Longitude {lon} is not between -180 and 180.")


def haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points given in decimal degrees (WGS84)."""
    check_point(lat1, lon1)
    check_point(lat2, lon2)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains every point within radius_m of the centre,
    so a database can discard far-away rows before the exact distance is worked out."""
    check_point(lat, lon)
    if radius_m < 0:
        raise ValueError("The radius cannot be negative.")
    d_lat = math.degrees(radius_m / EARTH_MEAN_RADIUS_M)
    cos_lat = math.cos(math.radians(lat))
    # Near a pole every longitude is close: take them all.
    d_lon = 180.0 if cos_lat < 1e-9 else min(180.0, math.degrees(radius_m / (EARTH_MEAN_RADIUS_M * cos_lat)))
    return max(-90.0, lat - d_lat), min(90.0, lat + d_lat), max(-180.0, lon - d_lon), min(180.0, lon + d_lon)


def miles(metres: float) -> float:
    return metres / METRES_PER_MILE


def describe_distance(metres: float) -> str:
    """Plain English for a results page: "0.3 miles", "1 mile", "2.4 miles"."""
    value = round(miles(metres), 1)
    if value < 0.1:
        return "less than 0.1 miles"
    if value == 1.0:
        return "1 mile"
    return f"{value:g} miles"
