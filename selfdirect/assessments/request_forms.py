"""Forms for the staff request-for-support pages. Coded fields store the CLD strings themselves."""

from django import forms
from django.utils import timezone

from selfdirect.core.forms import GovukDateField, GovukFormMixin, validate_person_name
from selfdirect.rules import cld
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .models import Channel, Requester

SUBJECT_FIELDS = [
    "subject_first_name",
    "subject_last_name",
    "subject_date_of_birth",
    "subject_postcode",
    "subject_phone",
]


class RequestForm(GovukFormMixin, forms.Form):
    """A request for support as told. With `person` (a record already open), the subject's details
    come from that record and are not asked again."""

    requester = forms.ChoiceField(
        label="Who asked for support",
        choices=Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who asked for support"},
    )
    requester_name = forms.CharField(label="Their name (optional)", max_length=200, required=False)
    requester_contact = forms.CharField(
        label="How to contact them (optional)",
        max_length=200,
        required=False,
        help_text="A phone number, email address or postal address",
    )
    channel = forms.ChoiceField(
        label="How the request came in",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request came in"},
    )
    route_of_access = forms.ChoiceField(
        label="Route of access (CLD list still to be confirmed by your administrator)",
        choices=[("", "Choose a route of access"), *cld.choices(cld.REQUEST_ROUTES)],
        help_text="How the request reached adult social care, for the Client Level Data return",
        error_messages={"required": "Select the route of access"},
    )
    received_on = GovukDateField(
        label="Date received", not_future=True, initial=timezone.localdate, help_text="For example, 3 11 2026"
    )
    subject_first_name = forms.CharField(
        label="First name",
        max_length=100,
        validators=[validate_person_name],
        error_messages={"required": "Enter the person's first name"},
    )
    subject_last_name = forms.CharField(
        label="Last name",
        max_length=100,
        validators=[validate_person_name],
        error_messages={"required": "Enter the person's last name"},
    )
    subject_date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        must_be_past=True,
        help_text="If it is known. Their record will need it. For example, 27 3 1947",
    )
    subject_postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    subject_phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    what_they_need = forms.CharField(
        label="What they need help with",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In the words they used, as far as you can",
        error_messages={"required": "Enter what they need help with"},
    )
    immediate_risk = forms.BooleanField(
        label="Someone is at immediate risk",
        required=False,
        help_text="For example, they are not safe at home tonight, or someone may be harming them",
    )

    WHO_ASKED = ["requester", "requester_name", "requester_contact"]
    HOW = ["channel", "route_of_access", "received_on"]
    NEED = ["what_they_need", "immediate_risk"]

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None:
            for name in SUBJECT_FIELDS:
                del self.fields[name]

    def clean_subject_postcode(self):
        value = self.cleaned_data["subject_postcode"]
        if not value:
            return ""
        if not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like NM1 2AB")
        return normalise_postcode(value)

    def _bound(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    @property
    def who_asked_fields(self) -> list:
        return self._bound(self.WHO_ASKED)

    @property
    def how_fields(self) -> list:
        return self._bound(self.HOW)

    @property
    def subject_fields(self) -> list:
        return self._bound(SUBJECT_FIELDS)

    @property
    def need_fields(self) -> list:
        return self._bound(self.NEED)

    def request_fields(self) -> dict:
        """Keyword arguments for services.request_record (the person is passed separately)."""
        data = {name: self.cleaned_data[name] for name in self.fields}
        if self.person is not None:
            # Taken from the record, so nothing is typed twice (the service fills the rest).
            data["subject_phone"] = self.person.phone
        return data


class RequestLinkForm(forms.Form):
    person_id = forms.IntegerField(widget=forms.HiddenInput)


class RequestCreatePersonForm(GovukFormMixin, forms.Form):
    """Create the person's record from the request. Asks only what the request did not say and a
    record needs (the date of birth), and, when records may already exist, a confirmation."""

    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        must_be_past=True,
        help_text="The request did not include it, and a record needs it. For example, 27 3 1947",
    )
    confirm_not_duplicate = forms.BooleanField(label="None of these is the person: create a new record", required=False)

    def __init__(self, *args, ask_date_of_birth: bool, has_matches: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_date_of_birth:
            del self.fields["date_of_birth"]
        if not has_matches:
            del self.fields["confirm_not_duplicate"]


class RequestConcludeForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the request",
        choices=cld.choices(cld.REQUEST_OUTCOMES),
        widget=forms.RadioSelect,
        help_text="As reported in the Client Level Data return",
        error_messages={"required": "Select the outcome of the request"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the information given or where you signposted them",
    )


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), ("open", "Open"), ("closed", "Closed")], required=False)
    person = forms.IntegerField(required=False, min_value=1)
