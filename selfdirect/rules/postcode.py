"""UK postcodes: format validation and normalisation (outward code, space, inward code)."""

import re

# Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward code: 9AA. GIR 0AA is the one historic exception.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_valid_postcode(value: str) -> bool:
    return bool(_POSTCODE.match(re.sub(r"\s+", "", value or "").upper()))


def looks_like_postcode_prefix(value: str) -> bool:
    """True for a full postcode or an outward code alone ("LS6", "LS6 2"), used by search."""
    compact = re.sub(r"\s+", "", value or "").upper()
    return bool(re.match(r"^[A-Z]{1,2}[0-9][0-9A-Z]?([0-9][A-Z]{0,2})?$", compact))
