"""Portal forms, written to GOV.UK patterns: plain labels, hints, and error messages that say how to fix it."""

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from selfdirect.assessments.models import Requester
from selfdirect.core.forms import GovukDateField, GovukFormMixin, SignInThrottleMixin, validate_person_name
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

STAFF_REFUSED = "This sign-in is for the public. Staff sign in at /sign-in/"
YES_NO = [("yes", "Yes"), ("no", "No")]


def _name(label, **kwargs):
    """A person's name: stripped, and only letters, spaces, hyphens, apostrophes and full stops."""
    return _text(label, validators=[validate_person_name], **kwargs)


def _text(label, *, required=True, max_length=100, required_message="", autocomplete="", **kwargs):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    attrs |= kwargs.pop("attrs", {})
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"required": required_message} if required_message else {},
        widget=kwargs.pop("widget", forms.TextInput)(attrs=attrs),
        **kwargs,
    )


class CreateAccountForm(GovukFormMixin, forms.Form):
    first_name = _name("First name", required_message="Enter your first name", autocomplete="given-name")
    last_name = _name("Last name", required_message="Enter your last name", autocomplete="family-name")
    email = forms.EmailField(
        label="Email address",
        help_text="We will send you a link to confirm it. You will sign in with this address.",
        max_length=150,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label="Create a password",
        help_text="Use at least 12 characters. Three random words you can remember work well.",
        strip=False,
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Type your password again",
        strip=False,
        error_messages={"required": "Type your password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The passwords do not match")
        elif password1:
            User = get_user_model()
            candidate = User(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class PortalAuthenticationForm(SignInThrottleMixin, AuthenticationForm):
    """Sign-in for the public with an email address. Staff accounts are refused (they sign in at /sign-in/)."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "Email address"
        username.error_messages["required"] = "Enter your email address"
        # GOV.UK: never move focus on load (screen reader users miss what comes before the field).
        username.widget.attrs.pop("autofocus", None)
        username.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self):
        value = (self.cleaned_data.get("username") or "").strip()
        # Portal usernames are email addresses stored in lower case; staff usernames are left as typed.
        return value.lower() if "@" in value else value

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.role:
            raise forms.ValidationError(STAFF_REFUSED, code="staff_account")


class PortalPasswordResetForm(PasswordResetForm):
    """Only public accounts are sent a reset link; the page says the same whatever the address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
            }
        )

    def get_users(self, email):
        return (user for user in super().get_users(email) if not user.role)


class TelInput(forms.TextInput):
    input_type = "tel"


_PHONE = re.compile(r"^\+?[\d\s()\-]+$")


FOR_CHOICES = [("myself", "Me"), ("someone_else", "Someone else")]


class WhoForForm(forms.Form):
    """Step 1 of asking for support: one question on its own page (no conditional reveals, which GOV.UK
    Frontend marks up with aria-expanded on radios, invalid ARIA that axe reports)."""

    for_whom = forms.ChoiceField(
        label="Who needs support?",
        choices=FOR_CHOICES,
        widget=forms.RadioSelect,
        help_text="If you are asking for someone else, such as a parent, partner or friend, choose someone else.",
        error_messages={"required": "Select who needs support", "invalid_choice": "Select who needs support"},
    )


class SupportRequestForm(GovukFormMixin, forms.Form):
    """Step 2: about the person and what would help, worded for "you" or "them"."""

    REQUESTER_CHOICES = [
        (Requester.FAMILY, "A family member or friend"),
        (Requester.CARER, "Their unpaid carer"),
        (Requester.ADVOCATE, "Their advocate"),
        (Requester.OTHER, "Someone else"),
    ]

    for_whom = forms.ChoiceField(choices=FOR_CHOICES, widget=forms.HiddenInput)
    requester_name = _name(
        "Your full name", required_message="Enter your full name", max_length=200, autocomplete="name"
    )
    requester = forms.ChoiceField(
        label="How do you know them?",
        choices=REQUESTER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you know them"},
    )
    relationship = _text(
        "What is your relationship to them?",
        required_message="Enter your relationship to them",
        help_text="For example daughter, husband or neighbour",
    )
    first_name = _name("Their first name", required_message="Enter their first name", attrs={"spellcheck": "false"})
    last_name = _name("Their last name", required_message="Enter their last name", attrs={"spellcheck": "false"})
    date_of_birth = GovukDateField(label="Their date of birth", help_text="For example, 27 3 1951", must_be_past=True)
    postcode = _text(
        "Their postcode",
        max_length=10,
        required_message="Enter their postcode",
        help_text="Where they live",
        attrs={"class": "govuk-input--width-10", "spellcheck": "false"},
    )
    phone = _text(
        "Their phone number (optional)",
        required=False,
        max_length=30,
        help_text="So the council can phone to talk about the request",
        widget=TelInput,
        attrs={"class": "govuk-input--width-20"},
    )
    what_they_need = _text(
        "What would help them?",
        max_length=5000,
        required_message="Tell us what help is needed",
        help_text="In your own words. For example getting washed and dressed, remembering to eat, getting out and "
        "about, or a break for the person who looks after them.",
        widget=forms.Textarea,
        attrs={"rows": 5},
    )
    immediate_risk = forms.ChoiceField(
        label="Is anyone in danger or at immediate risk of harm right now?",
        help_text="For example someone has been hurt, cannot get out of bed and nobody is coming, or is being "
        "harmed by someone else.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if anyone is at immediate risk of harm"},
    )

    # For the person themselves: (label, required message, autocomplete) in the "you" wording.
    _YOU = {
        "first_name": ("First name", "Enter your first name", "given-name"),
        "last_name": ("Last name", "Enter your last name", "family-name"),
        "date_of_birth": ("Date of birth", "", ""),
        "postcode": ("Postcode", "Enter your postcode", "postal-code"),
        "phone": ("Phone number (optional)", "", "tel"),
        "what_they_need": ("What would help you?", "Tell us what help you need", ""),
    }

    def __init__(self, *args, user=None, for_self: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self._for_self = for_self
        self.fields["for_whom"].initial = "myself" if for_self else "someone_else"
        if for_self:
            for name in ("requester_name", "requester", "relationship"):
                del self.fields[name]
            for name, (label, required, autocomplete) in self._YOU.items():
                field = self.fields[name]
                field.label = label
                if required:
                    field.error_messages["required"] = required
                if autocomplete:
                    field.widget.attrs["autocomplete"] = autocomplete
            self.fields["postcode"].help_text = "Where you live"
            self.fields["what_they_need"].help_text = (
                "In your own words. For example getting washed and dressed, remembering to eat, getting out and "
                "about, or feeling lonely."
            )
            if user is not None:
                # Nothing typed twice: the account already has the person's name.
                self.fields["first_name"].initial = user.first_name
                self.fields["last_name"].initial = user.last_name
        elif user is not None:
            self.fields["requester_name"].initial = user.get_full_name()

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like NM1 2AB")
        return normalise_postcode(value)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        digits = re.sub(r"\D", "", value)
        if value and (not _PHONE.match(value) or not 10 <= len(digits) <= 15):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
        return value

    @property
    def for_self(self) -> bool:
        return self._for_self

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "for_self": self.for_self,
            "requester": data.get("requester") or Requester.OTHER,
            "requester_name": data.get("requester_name", "").strip(),
            "relationship": data.get("relationship", "").strip(),
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "postcode": data["postcode"],
            "phone": data["phone"],
            "what_they_need": data["what_they_need"].strip(),
            "immediate_risk": data["immediate_risk"] == "yes",
        }
