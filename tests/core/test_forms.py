"""GOV.UK form pieces: the day/month/year date field and name validation."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.core.forms import GovukDateField, validate_person_name


class DateForm(forms.Form):
    born = GovukDateField(label="Date of birth", must_be_past=True)
    seen = GovukDateField(label="Date seen", required=False, not_future=True)


def date_form(day="", month="", year="", **seen) -> DateForm:
    data = {"born_0": day, "born_1": month, "born_2": year}
    data.update({f"seen_{i}": v for i, v in enumerate(seen.get("parts", ("", "", "")))})
    return DateForm(data)


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", "", ""), "Enter date of birth"),
        (("1", "", "1950"), "Date of birth must include a month"),
        (("", "", "1950"), "Date of birth must include a day and a month"),
        (("30", "2", "1950"), "Date of birth must be a real date"),
        (("aa", "2", "1950"), "Date of birth must be a real date"),
        (("1", "2", "50"), "Year must include 4 numbers"),
        (("1", "2", "1850"), "Date of birth must be after 1900"),
        (("1", "13", "1950"), "Date of birth must be a real date"),
    ],
)
def test_date_field_messages(parts, message):
    """Each incomplete or impossible date gets the GOV.UK-style message naming the field."""
    form = date_form(*parts)
    assert not form.is_valid()
    assert form.errors["born"] == [message]


def test_date_field_accepts_spaces_and_leading_zeros():
    form = date_form(" 07", "03 ", "1947")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == datetime.date(1947, 3, 7)


def test_date_in_the_past_rule_uses_today():
    """A date of birth today is refused; a note dated today is allowed."""
    today = datetime.date.today()
    form = date_form(str(today.day), str(today.month), str(today.year), parts=(today.day, today.month, today.year))
    assert not form.is_valid()
    assert form.errors["born"] == ["Date of birth must be in the past"]
    assert "seen" not in form.errors


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)))
def test_any_real_past_date_round_trips(value):
    """Whatever real past date is typed as day, month and year comes back as that date."""
    form = date_form(str(value.day), str(value.month), str(value.year))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == value


@pytest.mark.parametrize(
    "name", ["Mary", "Zoë", "O'Brien", "Smith-Jones", "Łukasz", "Anne Marie", "St. John", "Nguyễn"]
)
def test_real_names_are_accepted(name):
    validate_person_name(name)


@pytest.mark.parametrize("name", ["<b>Mary</b>", "Mary1", "Robert'); DROP", "a_b", "Mary\x00", "{{ x }}"])
def test_markup_digits_and_symbols_in_names_are_refused(name):
    with pytest.raises(ValidationError):
        validate_person_name(name)


@given(st.text(min_size=1, max_size=40))
def test_accepted_names_never_contain_markup(text):
    """Property: no string containing < > { } or digits ever passes as a name."""
    try:
        validate_person_name(text)
    except ValidationError:
        return
    assert not any(ch in text for ch in '<>{}&;"') and not any(ch.isdigit() for ch in text)
