"""UK postcode format: outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code 9AA;
GIR 0AA is the one historic exception. Inward letters never include C, I, K, M, O or V."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.people.models import Person
from selfdirect.rules.postcode import is_valid_postcode, looks_like_postcode_prefix, normalise_postcode

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the alphabet less C I K M O V
FORMATS = ["A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA"]


@st.composite
def postcodes(draw):
    """A valid postcode in one of the six formats, built independently of the module's regex."""
    fmt = draw(st.sampled_from(FORMATS))
    outward, inward = fmt.split(" ")
    out = "".join(draw(st.sampled_from(LETTERS if ch == "A" else "0123456789")) for ch in outward)
    inn = draw(st.sampled_from("0123456789")) + "".join(draw(st.sampled_from(INWARD_LETTERS)) for _ in range(2))
    return f"{out} {inn}"


@st.composite
def as_typed(draw, postcode: str):
    """The same postcode as people type it: any case, with or without spaces."""
    chars = [draw(st.sampled_from([c.lower(), c.upper()])) for c in postcode.replace(" ", "")]
    gaps = [draw(st.sampled_from(["", "", " ", "  "])) for _ in chars]
    return draw(st.sampled_from(["", " "])) + "".join(c + g for c, g in zip(chars, gaps, strict=True))


@pytest.mark.parametrize(
    ("postcode", "fmt"),
    [
        ("M1 1AA", "A9 9AA"),
        ("M60 1NW", "A99 9AA"),
        ("CR2 6XH", "AA9 9AA"),
        ("DN55 1PT", "AA99 9AA"),
        ("W1A 0AX", "A9A 9AA"),
        ("EC1A 1BB", "AA9A 9AA"),
        ("SW1A 1AA", "AA9A 9AA"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_every_outward_format_is_valid(postcode, fmt):
    """A real example of each format validates, with the space, without it and in lower case."""
    assert is_valid_postcode(postcode), fmt
    assert is_valid_postcode(postcode.replace(" ", "")), fmt
    assert is_valid_postcode(postcode.lower()), fmt


@pytest.mark.parametrize("letter", list("CIKMOV"))
def test_inward_letters_c_i_k_m_o_v_are_invalid(letter):
    """The inward code's two letters never include C, I, K, M, O or V, in either position."""
    assert not is_valid_postcode(f"SW1A 1{letter}A")
    assert not is_valid_postcode(f"SW1A 1A{letter}")


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "SW1",  # outward code alone
        "SW1A 1A",  # too short
        "SW1A 1AAA",  # too long
        "12345",
        "123 456",
        "SW1A AAA",  # inward code must start with a digit
        "1SW 1AA",  # outward code must start with a letter
        "ABC1 1AA",  # three area letters
        "SW123 1AA",  # outward too long
        "<script>alert(1)</script>",
        "<b>SW1A 1AA</b>",
        "SW1A-1AA",
        "SW1A 1AA;",
        "GIR 0AB",
    ],
)
def test_invalid_postcodes(value):
    """Short, long, numeric, misplaced, punctuated and HTML input are all refused."""
    assert not is_valid_postcode(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A1AA", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("m11aa", "M1 1AA"),
        ("gir0aa", "GIR 0AA"),
        ("ec1a\t1bb", "EC1A 1BB"),
        ("nm1", "NM1"),
        ("", ""),
    ],
)
def test_normalise(value, expected):
    """Normalising upper-cases, removes stray whitespace and puts one space before the inward code."""
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("LS6", True),
        ("ls6 2", True),
        ("NM1 2AB", True),
        ("EC1A", True),
        ("EC1A 1", True),
        ("Smith", False),
        ("6LS", False),
        ("12345", False),
        ("", False),
    ],
)
def test_looks_like_postcode_prefix(value, expected):
    """An outward code, optionally with the start of an inward code, counts as a postcode prefix."""
    assert looks_like_postcode_prefix(value) is expected


@given(postcodes())
def test_generated_postcodes_are_valid_and_fit_the_model(postcode):
    """Every postcode of the six formats validates, and its normal form fits Person.postcode."""
    assert is_valid_postcode(postcode)
    normal = normalise_postcode(postcode)
    assert normal == postcode
    assert len(normal) <= Person._meta.get_field("postcode").max_length
    assert looks_like_postcode_prefix(postcode)


@given(postcodes().flatmap(lambda pc: st.tuples(st.just(pc), as_typed(pc))))
def test_typed_variants_normalise_to_the_same_postcode(pair):
    """However a valid postcode is cased or spaced, it validates and normalises to one form."""
    postcode, typed = pair
    assert is_valid_postcode(typed)
    assert normalise_postcode(typed) == postcode


@given(st.text())
def test_normalise_is_idempotent(value):
    """Normalising twice gives the same as normalising once, for any text at all."""
    once = normalise_postcode(value)
    assert normalise_postcode(once) == once


@given(st.one_of(st.text(), postcodes(), postcodes().map(lambda pc: pc.lower().replace(" ", ""))))
def test_normalise_preserves_validity(value):
    """Normalising never turns an invalid postcode valid or a valid one invalid; a valid normal form
    is exactly 'outward code, one space, inward code'."""
    normal = normalise_postcode(value)
    assert is_valid_postcode(normal) == is_valid_postcode(value)
    if is_valid_postcode(value):
        assert re.fullmatch(r"[A-Z0-9]{2,4} [0-9][A-Z]{2}", normal)
