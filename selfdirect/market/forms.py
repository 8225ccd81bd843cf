"""Forms for the care market pages: providers, rates, personal assistants and their checks, employer's liability
insurance, and arranging a plan line. Each form checks what a person typed; the services check the rules."""

import re

from django import forms
from django.core.exceptions import ValidationError

from selfdirect.core.forms import GovukDateField, GovukFormMixin, validate_person_name
from selfdirect.money.charging_forms import MoneyField, whole_number
from selfdirect.rules import cld
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .models import PaCheck, Provider
from .selectors import STATUS_LABELS

_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
ANY = [("", "Any")]


def component_choices(blank: str | None = None) -> list[tuple[str, str]]:
    choices = cld.choices(cld.SERVICE_COMPONENTS)
    return [("", blank), *choices] if blank is not None else choices


class AreasField(forms.CharField):
    """Postcode districts typed as a list ("NM1, NM2 NM3"), kept as ["NM1", "NM2", "NM3"]."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Postcode districts served")
        kwargs.setdefault(
            "help_text", "The first part of the postcode, separated by commas or spaces, for example NM1, NM2"
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        areas = [a for a in re.split(r"[\s,;]+", (text or "").upper()) if a]
        wrong = [a for a in areas if not _OUTWARD.match(a)]
        if wrong:
            raise ValidationError(
                f"Enter postcode districts like NM1 or NM12 (not {', '.join(wrong[:3])})", code="invalid"
            )
        return sorted(set(areas))


class LinesField(forms.CharField):
    """A list typed one item a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


def postcode_field(label="Postcode", required=False) -> forms.CharField:
    return forms.CharField(label=label, max_length=10, required=required, widget=forms.TextInput(
        attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}))  # fmt: skip


def _clean_postcode(value: str) -> str:
    if not value:
        return ""
    if not is_valid_postcode(value):
        raise ValidationError("Enter a real postcode, like NM1 2AB")
    return normalise_postcode(value)


def components_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=component_choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose service components from the list"},
    )


# --------------------------------------------------------------------------------------------------
# Providers and rates
# --------------------------------------------------------------------------------------------------


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label="Name or CQC location ID", required=False, max_length=100)
    service_component = forms.ChoiceField(label="Service component", choices=component_choices("Any"), required=False)
    area = forms.CharField(label="Postcode district", required=False, max_length=4)
    registration = forms.ChoiceField(
        label="CQC registration", choices=ANY + list(Provider.Registration.choices), required=False
    )


class ProviderForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the provider's name"})
    description = forms.CharField(
        label="What they do", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    registration = forms.ChoiceField(
        label="Registration with the Care Quality Commission (CQC)",
        choices=Provider.Registration.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the provider's CQC registration",
            "invalid_choice": "Choose the provider's CQC registration",
        },
    )
    cqc_location_id = forms.CharField(
        label="CQC location ID",
        required=False,
        max_length=20,
        help_text="As on the CQC website, for example 1-1234567890. Every registered location has one.",
    )
    rating = forms.ChoiceField(
        label="CQC rating",
        required=False,
        choices=[("", "No rating")] + list(Provider.Rating.choices),
        error_messages={"invalid_choice": "Choose a CQC rating from the list"},
    )
    rating_published_on = GovukDateField(
        label="Date the rating was published", required=False, not_future=True, help_text="For example, 14 3 2025"
    )
    regulated_activities = LinesField(
        label="Regulated activities",
        required=False,
        help_text="As CQC lists them, one a line, for example Personal care",
    )
    service_components = components_field("Service components offered")
    areas = AreasField()
    vacancies = whole_number(
        "Vacancies now",
        "the vacancies",
        minimum=0,
        maximum=100_000,
        hint="Hours a week or places it can take on now. Leave blank if not known.",
        required=False,
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    address = forms.CharField(label="Address", required=False, max_length=300)
    postcode = postcode_field()
    is_active = forms.BooleanField(
        label="Active in the directory", required=False, initial=True, help_text="Untick when it no longer operates"
    )

    def clean_postcode(self):
        return _clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean_cqc_location_id(self):
        return (self.cleaned_data.get("cqc_location_id") or "").strip()

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class RateForm(GovukFormMixin, forms.Form):
    service_component = forms.ChoiceField(
        label="Service component",
        choices=component_choices("Choose a service component"),
        error_messages={"required": "Choose the service component", "invalid_choice": "Choose the service component"},
    )
    unit_type = forms.ChoiceField(
        label="Charged per",
        choices=[("", "Choose what the rate is charged per"), *cld.choices(cld.COST_FREQUENCIES)],
        error_messages={
            "required": "Choose what the rate is charged per",
            "invalid_choice": "Choose what the rate is charged per",
        },
    )
    amount = MoneyField(name="The rate", label="Rate", help_text="In pounds and pence, for example 23.92")
    effective_from = GovukDateField(label="Date the rate starts", help_text="For example, 1 4 2026")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=200,
        help_text="To tell rates for the same thing apart, for example night waking or with transport",
    )


# --------------------------------------------------------------------------------------------------
# Personal assistants
# --------------------------------------------------------------------------------------------------


class PaFilterForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=100)
    status = forms.ChoiceField(label="Checks", choices=ANY + list(STATUS_LABELS.items()), required=False)
    service_component = forms.ChoiceField(label="Service component", choices=component_choices("Any"), required=False)
    area = forms.CharField(label="Postcode district", required=False, max_length=4)


class PaForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        validators=[validate_person_name],
        error_messages={"required": "Enter the first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        validators=[validate_person_name],
        error_messages={"required": "Enter the last name"},
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    postcode = postcode_field()
    areas = AreasField(label="Postcode districts they work in")
    service_components = components_field("Support they offer")
    hourly_rate = MoneyField(
        name="The hourly rate",
        label="Hourly rate they ask for (optional)",
        required=False,
        help_text="For example 15.50",
    )
    hours_available = whole_number(
        "Hours a week free now",
        "the hours free",
        minimum=0,
        maximum=168,
        hint="Leave blank if not known",
        required=False,
    )
    skills = forms.CharField(
        label="Skills and experience",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example moving and handling, autism, British Sign Language",
    )
    is_active = forms.BooleanField(label="On the register", required=False, initial=True)

    def clean_postcode(self):
        return _clean_postcode(self.cleaned_data.get("postcode", ""))


class CheckKindForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which check are you recording?",
        choices=PaCheck.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which check you are recording",
            "invalid_choice": "Choose which check you are recording",
        },
    )


class DbsCheckForm(GovukFormMixin, forms.Form):
    certificate_number = forms.CharField(
        label="Certificate number",
        max_length=20,
        help_text="12 digits, at the top right of the certificate",
        error_messages={"required": "Enter the certificate number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    issued_on = GovukDateField(label="Date of issue", not_future=True, help_text="For example, 27 3 2024")
    adult_barred_list = forms.BooleanField(
        label="It is an enhanced check including the adult barred list", required=False
    )
    update_service = forms.BooleanField(label="They subscribe to the DBS Update Service", required=False)
    update_service_checked_on = GovukDateField(
        label="Date the Update Service status was last checked",
        required=False,
        not_future=True,
        help_text="Only if they subscribe. For example, 2 2 2026",
    )

    def clean_certificate_number(self):
        number = re.sub(r"[\s-]", "", self.cleaned_data.get("certificate_number") or "")
        if not re.fullmatch(r"\d{12}", number):
            raise ValidationError("Enter the certificate number: 12 digits, like 001234567890")
        return number

    def clean(self):
        data = super().clean()
        if (
            data.get("update_service")
            and not data.get("update_service_checked_on")
            and "update_service_checked_on" not in self.errors
        ):
            self.add_error("update_service_checked_on", "Enter the date the Update Service status was last checked")
        return data


OTHER_CHECK_LABELS = {
    PaCheck.Kind.REFERENCE: ("Who gave the reference", "Date received", "Date it stops counting (optional)"),
    PaCheck.Kind.RIGHT_TO_WORK: (
        "Document seen",
        "Date checked",
        "Date the document or permission ends (leave blank if it does not end)",
    ),
    PaCheck.Kind.TRAINING: ("Course", "Date completed", "Date it needs refreshing (leave blank if it does not)"),
}
OTHER_CHECK_REQUIRED = {
    PaCheck.Kind.REFERENCE: "Enter who gave the reference",
    PaCheck.Kind.RIGHT_TO_WORK: "Enter the document seen, for example a British passport",
    PaCheck.Kind.TRAINING: "Enter the course, for example the Care Certificate",
}


class OtherCheckForm(GovukFormMixin, forms.Form):
    detail = forms.CharField(max_length=200)
    issued_on = GovukDateField(not_future=True, required=False)
    expires_on = GovukDateField(required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        detail, issued, expires = OTHER_CHECK_LABELS[kind]
        self.fields["detail"].label = detail
        self.fields["detail"].error_messages["required"] = OTHER_CHECK_REQUIRED[kind]
        self.fields["issued_on"].label = issued
        self.fields["expires_on"].label = expires

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", "The end date must be after the date issued")
        return data


class SuspendForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the personal assistant being suspended?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is shown on the plan of everyone they work for, so keep it factual",
        error_messages={
            "required": "Enter why the personal assistant is being suspended",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )


class ReinstateForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the suspension being lifted? (optional)", required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class InsuranceForm(GovukFormMixin, forms.Form):
    insurer = forms.CharField(label="Insurer", max_length=200, error_messages={"required": "Enter the insurer's name"})
    policy_number = forms.CharField(
        label="Policy number", max_length=60, error_messages={"required": "Enter the policy number"}
    )
    starts_on = GovukDateField(label="Date the cover starts", help_text="For example, 1 4 2026")
    expires_on = GovukDateField(label="Date the cover ends", help_text="For example, 31 3 2027")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("expires_on") and data["expires_on"] < data["starts_on"]:
            self.add_error("expires_on", "The date the cover ends must be after the date it starts")
        return data


# --------------------------------------------------------------------------------------------------
# Arranging a plan line
# --------------------------------------------------------------------------------------------------


def _money(amount) -> str:
    return f"£{amount:,.2f}" if amount is not None else "no rate recorded"


class ArrangementForm(GovukFormMixin, forms.Form):
    """Who will provide a plan line's support, and from when. `matches` come first as radios; anyone else offering
    the component can be chosen from a list. The informed-choice box appears only under a "recommended" checks
    policy; the acknowledgement box only when a provider on the page is not registered for personal care."""

    choice = forms.ChoiceField(
        label="Matches",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose who will provide this support from the list"},
    )
    other = forms.ChoiceField(
        label="Or choose someone else offering this support",
        required=False,
        error_messages={"invalid_choice": "Choose who will provide this support from the list"},
    )
    start_date = GovukDateField(label="Date the support starts", help_text="For example, 6 4 2026")
    informed_choice = forms.CharField(
        label="The employer's informed choice (only if a personal assistant's checks are not all current)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the person (or their representative) was told about the missing checks or insurance, and "
        "that they choose to go ahead. The council's policy allows this.",
    )
    acknowledge_unregistered = forms.BooleanField(
        label="I have checked the provider's CQC registration and want to go ahead",
        required=False,
        help_text="Needed only when the provider chosen is not registered with CQC and the support includes "
        "personal care",
    )

    def __init__(self, *args, matches, others, unit_type: str, allow_informed_choice: bool, **kwargs):
        super().__init__(*args, **kwargs)
        unit = unit_type.lower()
        choices = []
        for m in matches.providers:
            vacancies = f"{m.provider.vacancies} vacancies"
            choices.append((f"provider:{m.provider.pk}", f"{m.provider.name} – {_money(m.amount)} {unit}, {vacancies}"))
        for m in matches.pas:
            choices.append(
                (f"pa:{m.pa.pk}", f"{m.pa.full_name} (personal assistant) – {_money(m.hourly_rate)} hourly, "
                 f"{m.pa.hours_available} hours free, {m.status.label.lower()}")
            )  # fmt: skip
        self.fields["choice"].choices = choices
        self.fields["choice"].label = "Matches, best first"
        other_providers, other_pas = others
        others_choices = [("", "Choose someone else")]
        others_choices += [(f"provider:{p.pk}", f"{p.name}") for p in other_providers]
        others_choices += [
            (f"pa:{p.pk}", f"{p.full_name} (personal assistant){' – suspended' if p.is_suspended else ''}")
            for p in other_pas
        ]
        self.fields["other"].choices = others_choices
        if not choices:
            del self.fields["choice"]
        if len(others_choices) == 1:
            del self.fields["other"]
        if not allow_informed_choice:
            del self.fields["informed_choice"]

    def clean(self):
        data = super().clean()
        picked = [v for v in (data.get("choice"), data.get("other")) if v]
        where = "choice" if "choice" in self.fields else "other" if "other" in self.fields else None
        if not picked:
            self.add_error(where, "Choose who will provide this support")
            return data
        if len(picked) > 1:
            self.add_error(where, "Choose one provider or personal assistant: a match or someone else, not both")
            return data
        kind, _, pk = picked[0].partition(":")
        data["chosen"] = (kind, int(pk))
        return data


class ArrangementEndForm(GovukFormMixin, forms.Form):
    end_date = GovukDateField(
        label="Date the support ends", help_text="The last day it is provided, for example 31 5 2026"
    )
    reason = forms.CharField(
        label="Why is it ending?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the support is ending",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )
