"""GOV.UK Frontend rendering for every Django form, and the fields GOV.UK patterns need.

The renderer points Django's form and field templates at templates/govuk/forms/, so `{{ form }}`
and `{{ form.field.as_field_group }}` produce GOV.UK markup with hints, error messages and
aria-describedby wired up. Pages put `{% include "govuk/error_summary.html" %}` at the top.
"""

import datetime
import re
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year as three inputs (GOV.UK date input pattern)."""

    template_name = "govuk/forms/date_widget.html"
    PARTS = ("Day", "Month", "Year")

    def __init__(self, attrs=None):
        part = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(attrs=part), forms.TextInput(attrs=part), forms.TextInput(attrs=part)], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the error messages GOV.UK recommends."""

    widget = GovukDateWidget

    def __init__(self, *, must_be_past: bool = False, not_future: bool = False, **kwargs):
        self.must_be_past = must_be_past
        self.not_future = not_future
        super().__init__(**kwargs)

    def _name(self) -> str:
        return str(self.label or "Date")

    def to_python(self, value):
        if isinstance(value, datetime.date) or value in (None, ""):
            return value or None
        parts = [str(p or "").strip() for p in value]
        if not any(parts):
            return None
        missing = [label.lower() for label, text in zip(GovukDateWidget.PARTS, parts, strict=True) if not text]
        if missing:
            raise ValidationError(f"{self._name()} must include a {' and a '.join(missing)}", code="incomplete")
        if not all(p.isdigit() for p in parts):
            raise ValidationError(f"{self._name()} must be a real date", code="invalid")
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            date = datetime.date(year, month, day)
        except ValueError as exc:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid") from exc
        if date.year < 1900:
            raise ValidationError(f"{self._name()} must be after 1900", code="too_early")
        return date

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(f"Enter {self._name()[0].lower()}{self._name()[1:]}", code="required")
        today = timezone.localdate()
        if value and self.must_be_past and value >= today:
            raise ValidationError(f"{self._name()} must be in the past", code="future")
        if value and self.not_future and value > today:
            raise ValidationError(f"{self._name()} must be today or in the past", code="future")


_NAME_ALLOWED = re.compile(r"^[\w\s'’\-.]+$")


def validate_person_name(value: str) -> None:
    """Names: letters in any alphabet, spaces, hyphens, apostrophes, full stops. Never markup or digits."""
    if not _NAME_ALLOWED.match(value) or any(ch.isdigit() or ch == "_" for ch in value):
        raise ValidationError("Names must only include letters, spaces, hyphens, apostrophes and full stops")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ValidationError("Names must only include letters, spaces, hyphens, apostrophes and full stops")


class GovukFormMixin:
    """Strips surrounding whitespace everywhere and turns service DomainErrors into field errors."""

    def add_domain_error(self, error) -> None:
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, error.message)


class SignInThrottleMixin:
    """Refuses to even check the password after too many recent failures for the account or address."""

    def clean(self):
        from .audit import audit_record, client_ip
        from .models import AuditEvent
        from .throttle import LOCKED_MESSAGE, sign_in_locked

        username = self.cleaned_data.get("username") or ""
        if username and sign_in_locked(username=username, ip=client_ip(self.request)):
            audit_record(
                actor=None,
                action=AuditEvent.Action.DENIED,
                object_type="core.user",
                object_id=username.strip().lower()[:40],
                summary="Sign-in refused: too many failed attempts",
                request=self.request,
            )
            raise ValidationError(LOCKED_MESSAGE, code="locked")
        return super().clean()


class StaffAuthenticationForm(SignInThrottleMixin, AuthenticationForm):
    """Staff sign-in: portal accounts (no staff role) are sent to the portal's own sign-in."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.role:
            raise ValidationError(
                "This sign-in is for council staff. Use the sign-in on the public portal instead.", code="not_staff"
            )
