"""NHS number validation: Modulus 11 with weights 10..2 over the first nine digits (NHS Data Dictionary).

Check digits in the tables below were worked by hand, e.g. 943 476 591:
9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.nhs_number import format_nhs_number, is_valid_nhs_number, nhs_check_digit, normalise_nhs_number


def reference_check_digit(first_nine: str) -> int | None:
    """An independent statement of the algorithm, to compare the implementation against."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:  # 11 - 1 = 10: no such number is ever issued
        return None
    return 11 - remainder


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    ("first_nine", "expected"),
    [
        ("943476591", 9),  # sum 299, remainder 2
        ("401023213", 7),  # sum 92, remainder 4
        ("999000002", 6),  # sum 247, remainder 5
        ("999000005", 0),  # sum 253, remainder 0: 11 becomes 0
        ("000000000", 0),  # sum 0
        ("999999999", 9),  # sum 486, remainder 2
        ("123456789", None),  # sum 210, remainder 1: check would be 10
        ("999000000", None),  # sum 243, remainder 1
    ],
)
def test_check_digit_table(first_nine, expected):
    """nhs_check_digit gives the hand-worked check digit, 0 for remainder 0, and None for remainder 1."""
    assert nhs_check_digit(first_nine) == expected


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9990000026", "9990000050", "9999999999"])
def test_known_valid_numbers(number):
    """Ten-digit numbers whose last digit is the Modulus 11 check digit are valid."""
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize(
    "number",
    ["9434765910", "9434765918", "4010232136", "9990000027", "9990000020", "9999999990"],
)
def test_wrong_check_digit_is_invalid(number):
    """A number whose last digit is not its check digit is refused."""
    assert not is_valid_nhs_number(number)


@pytest.mark.parametrize("last", "0123456789")
def test_remainder_ten_numbers_are_never_valid(last):
    """When the check digit would be 10 no number is valid, whatever the tenth digit."""
    assert not is_valid_nhs_number(f"123456789{last}")
    assert not is_valid_nhs_number(f"999000000{last}")


@pytest.mark.parametrize(
    "value",
    ["", "943476591", "94347659190", "943476591 9 9", "94347659l9", "ABCDEFGHIJ", "9434765919x", "943.476.5919", None],
)
def test_wrong_length_letters_and_other_punctuation_are_invalid(value):
    """Fewer or more than ten digits, letters, other punctuation, and no value at all are refused."""
    assert not is_valid_nhs_number(value)


@pytest.mark.parametrize(
    "value", ["943 476 5919", "943-476-5919", " 9434765919 ", "943 476-5919", "9434 765 919", "943\t476\t5919"]
)
def test_spaces_and_hyphens_are_accepted(value):
    """People type spaces and hyphens; they are ignored by validation and removed by normalisation."""
    assert is_valid_nhs_number(value)
    assert normalise_nhs_number(value) == "9434765919"


def test_non_ascii_digits_are_not_accepted():
    """Non-ASCII digits (e.g. Arabic-Indic) are not an NHS number even though str.isdigit() says so."""
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "9434765919")
    assert not is_valid_nhs_number(arabic_indic)


def test_superscript_digit_is_refused_not_an_error():
    """A character that str.isdigit() accepts but int() cannot read ("²") is refused, not a crash."""
    assert not is_valid_nhs_number("943476591\u00b2")
    assert not is_valid_nhs_number("\u00b2434765919")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("9434765919", "943 476 5919"), ("943-476-5919", "943 476 5919"), ("12345", "12345"), ("", "")],
)
def test_format_nhs_number(value, expected):
    """Ten digits display as 3-3-4; anything else is shown as it was given."""
    assert format_nhs_number(value) == expected


@given(nine_digits)
def test_check_digit_matches_reference_algorithm(first_nine):
    """The implementation agrees with an independently written Modulus 11 for every nine-digit prefix."""
    assert nhs_check_digit(first_nine) == reference_check_digit(first_nine)


@given(nine_digits)
def test_prefix_with_its_check_digit_validates(first_nine):
    """Any nine digits followed by their check digit (where one exists) is a valid NHS number."""
    check = nhs_check_digit(first_nine)
    if check is None:
        assert not any(is_valid_nhs_number(first_nine + d) for d in "0123456789")
    else:
        assert is_valid_nhs_number(f"{first_nine}{check}")


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_is_detected(first_nine, position, shift):
    """Changing any one digit of a valid number (check digit included) always makes it invalid.

    This holds because 11 is prime: a change of d (1..9) at weight w (2..10) moves the sum by w*d,
    never a multiple of 11, and distinct remainders give distinct check digits.
    """
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    number = f"{first_nine}{check}"
    changed_digit = str((int(number[position]) + shift) % 10)
    mistyped = number[:position] + changed_digit + number[position + 1 :]
    assert mistyped != number
    assert not is_valid_nhs_number(mistyped)


@given(nine_digits, st.integers(min_value=0, max_value=7))
def test_adjacent_transposition_in_the_first_nine_digits_is_detected(first_nine, position):
    """Swapping two different neighbouring digits among the first nine makes a valid number invalid."""
    check = nhs_check_digit(first_nine)
    a, b = first_nine[position], first_nine[position + 1]
    if check is None or a == b:
        return
    swapped = first_nine[:position] + b + a + first_nine[position + 2 :]
    assert not is_valid_nhs_number(f"{swapped}{check}")


@given(nine_digits, st.lists(st.sampled_from([" ", "-"]), min_size=10, max_size=10))
def test_format_and_separators_round_trip(first_nine, separators):
    """format -> normalise gives back the digits, and a valid number stays valid however it is spaced."""
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    number = f"{first_nine}{check}"
    shown = format_nhs_number(number)
    assert len(shown) == 12 and shown[3] == " " and shown[7] == " "
    assert normalise_nhs_number(shown) == number
    assert format_nhs_number(shown) == shown
    spaced = "".join(d + s for d, s in zip(number, separators, strict=True))
    assert is_valid_nhs_number(spaced)
    assert normalise_nhs_number(spaced) == number
