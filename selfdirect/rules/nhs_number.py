"""NHS number: ten digits whose last is a Modulus 11 check digit (NHS Data Dictionary)."""

import re

_SEPARATORS = re.compile(r"[\s-]")


def normalise_nhs_number(value: str) -> str:
    """Strip the spaces and hyphens people type ("943 476 5919" -> "9434765919")."""
    return _SEPARATORS.sub("", value or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """Check digit for nine digits, or None when the number cannot be valid (remainder gives 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def format_nhs_number(value: str) -> str:
    """Display form 3-3-4, as printed on NHS letters."""
    d = normalise_nhs_number(value)
    return f"{d[:3]} {d[3:6]} {d[6:]}" if len(d) == 10 else value
