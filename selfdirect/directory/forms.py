"""The public eligibility checker's questions, worded for the person answering.

Condition-neutral and outcome-focused: the outcomes are the regulation's (rules/eligibility.py), each with a
plain-English title and a hint; nothing assumes a physical disability or asks about "your worst day".
Nothing is saved: a valid form is turned straight into an EligibilityResult.
"""

from django import forms
from django.core.exceptions import ValidationError

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.rules.eligibility import (
    ADULT_REASONS,
    CARER_REASONS,
    EligibilityInputError,
    EligibilityResult,
    Reason,
    adult_eligibility,
    carer_eligibility,
)
from selfdirect.rules.geo import METRES_PER_MILE
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from . import code_lists
from .models import Organisation, Service, Taxonomy
from .schedules import OpeningTimesError, format_opening_times, parse_opening_times
from .selectors import PostcodeNotFound, postcode_locate, taxonomy_choices

ADULT = "adult"
CARER = "carer"

KIND_CHOICES = [
    (ADULT, "For myself, or for someone asking about their own needs"),
    (CARER, "As an unpaid carer"),
]

YES_NO = [("yes", "Yes"), ("no", "No")]

# A plain-English title and hint for each outcome in the regulation's list (its wording is in rules/).
ADULT_OUTCOME_TEXT: dict[str, tuple[str, str]] = {
    "a": (
        "Eating and drinking",
        "For example, getting food and drink, preparing meals, and eating and drinking enough.",
    ),
    "b": ("Keeping clean", "For example, washing yourself, and washing your clothes."),
    "c": ("Using the toilet", "For example, getting to and using the toilet, and managing continence."),
    "d": ("Getting dressed", "Wearing clothes that suit the weather and what you are doing."),
    "e": (
        "Using your home safely",
        "For example, getting around your home, using the kitchen and bathroom, and using the cooker or heating "
        "safely.",
    ),
    "f": (
        "Looking after your home",
        "Keeping your home clean and safe enough to live in, for example cleaning, and paying rent and bills.",
    ),
    "g": ("Family, friends and relationships", "Keeping in touch with people and making or keeping relationships."),
    "h": ("Work, training, education or volunteering", "Getting to them and taking part in them."),
    "i": (
        "Using local services and facilities",
        "For example, public transport, shops, a GP surgery, and leisure activities in your area.",
    ),
    "j": ("Caring for a child", "Looking after a child you are responsible for. Leave this blank if you do not."),
}

CARER_OUTCOME_TEXT: dict[str, tuple[str, str]] = {
    "1": ("Caring for a child", "Looking after a child you are responsible for. Leave this blank if you do not."),
    "2": ("Caring for other people", "Looking after anyone else you care for, as well as this person."),
    "3": (
        "Looking after your home",
        "Keeping your own home clean and safe enough to live in, whether or not the person you care for lives "
        "with you.",
    ),
    "4": ("Eating and drinking", "Having regular meals and eating and drinking enough yourself."),
    "5": ("Family, friends and relationships", "Keeping in touch with people and making or keeping relationships."),
    "6": ("Work, training, education or volunteering", "Getting to them and taking part in them."),
    "7": (
        "Using local services and facilities",
        "For example, shops, a GP surgery, and leisure facilities in your area.",
    ),
    "8": ("Time for leisure and interests", "Doing things you enjoy, such as hobbies, sport or relaxing."),
}

ADULT_REASON_LABELS: dict[Reason, str] = {
    Reason.WITHOUT_ASSISTANCE: "You need help, or need reminding or prompting, to do it",
    Reason.PAIN_DISTRESS_ANXIETY: "Doing it on your own causes you significant pain, distress or anxiety",
    Reason.ENDANGERS_HEALTH_SAFETY: "Doing it on your own puts your health or safety, or someone else's, at risk",
    Reason.TAKES_SIGNIFICANTLY_LONGER: "Doing it on your own takes you much longer than it would normally take",
}

CARER_REASON_LABELS: dict[Reason, str] = {
    Reason.WITHOUT_ASSISTANCE: "You cannot do it without help",
    Reason.PAIN_DISTRESS_ANXIETY: "Doing it as well as caring causes you significant pain, distress or anxiety",
    Reason.ENDANGERS_HEALTH_SAFETY: "Doing it as well as caring puts your health or safety, or someone else's, at risk",
}

OUTCOME_HINT_SUFFIX = " Select all that apply, or leave blank if none do."


def yes_no(label: str, hint: str, required: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


class CheckerKindForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Who are you checking for?",
        help_text="Choose “As an unpaid carer” if you look after an adult, without being paid to, and want to "
        "check your own needs as a carer.",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who you are checking for",
            "invalid_choice": "Select who you are checking for",
        },
    )


class _CheckerForm(GovukFormMixin, forms.Form):
    """Shared by both kinds: yes/no questions before and after one checkbox group per outcome."""

    kind: str
    outcome_text: dict[str, tuple[str, str]]
    reason_labels: dict[Reason, str]
    intro_field_names: tuple[str, ...]

    significant_impact_on_wellbeing = yes_no(
        "Does all this have, or is it likely to have, a significant effect on your well-being?",
        "Well-being includes your physical and mental health, feeling safe, your dignity, your relationships, "
        "having control over your day-to-day life, and taking part in work, learning or your community.",
        "Select yes if there is, or is likely to be, a significant effect on your well-being",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(reason.value, label) for reason, label in self.reason_labels.items()]
        for code, (title, hint) in self.outcome_text.items():
            self.fields[self.outcome_field(code)] = forms.MultipleChoiceField(
                label=title,
                help_text=hint + OUTCOME_HINT_SUFFIX,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": f"Select only the options listed for “{title}”"},
            )
        self.order_fields(
            [
                *self.intro_field_names,
                *(self.outcome_field(c) for c in self.outcome_text),
                "significant_impact_on_wellbeing",
            ]
        )

    @staticmethod
    def outcome_field(code: str) -> str:
        return f"outcome_{code}"

    def intro_fields(self):
        return [self[name] for name in self.intro_field_names]

    def outcome_fields(self):
        return [self[self.outcome_field(code)] for code in self.outcome_text]

    def closing_fields(self):
        return [self["significant_impact_on_wellbeing"]]

    def answer(self, name: str) -> bool:
        return self.cleaned_data[name] == "yes"

    def unable(self) -> dict[str, list[str]]:
        return {
            code: self.cleaned_data[self.outcome_field(code)]
            for code in self.outcome_text
            if self.cleaned_data.get(self.outcome_field(code))
        }

    def unable_summary(self) -> list[tuple[str, list[str]]]:
        """(outcome title, [reason labels]) for each outcome the person said they cannot achieve."""
        unable = self.unable()
        return [
            (self.outcome_text[code][0], [self.reason_labels[Reason(r)] for r in unable[code]])
            for code in self.outcome_text
            if code in unable
        ]

    def result(self) -> EligibilityResult | None:
        """The rules' answer for a valid form, or None (with the problems added as form errors)."""
        try:
            return self._evaluate()
        except EligibilityInputError as exc:
            for _field, message in exc.errors:
                self.add_error(None, message)
            return None

    def _evaluate(self) -> EligibilityResult:
        raise NotImplementedError


class AdultCheckerForm(_CheckerForm):
    kind = ADULT
    outcome_text = ADULT_OUTCOME_TEXT
    reason_labels = {r: ADULT_REASON_LABELS[r] for r in ADULT_REASONS}
    intro_field_names = ("needs_arise_from_impairment_or_illness",)

    needs_arise_from_impairment_or_illness = yes_no(
        "Are your needs caused by, or related to, a physical or mental health condition, impairment or illness?",
        "This includes mental health, learning disability, autism, dementia, sight or hearing loss, long-term "
        "conditions and conditions that come and go. You do not need a diagnosis.",
        "Select yes if your needs are caused by, or related to, a condition, impairment or illness",
    )

    def _evaluate(self) -> EligibilityResult:
        return adult_eligibility(
            needs_arise_from_impairment_or_illness=self.answer("needs_arise_from_impairment_or_illness"),
            unable=self.unable(),
            significant_impact_on_wellbeing=self.answer("significant_impact_on_wellbeing"),
        )


class CarerCheckerForm(_CheckerForm):
    kind = CARER
    outcome_text = CARER_OUTCOME_TEXT
    reason_labels = {r: CARER_REASON_LABELS[r] for r in CARER_REASONS}
    intro_field_names = ("needs_arise_from_providing_necessary_care", "health_deteriorating")

    needs_arise_from_providing_necessary_care = yes_no(
        "Do your needs come from caring for an adult who needs the care you give?",
        "For example, you help them with things they cannot do, or cannot do safely, on their own. It does not "
        "matter whether they get care and support from the council.",
        "Select yes if your needs come from caring for an adult who needs that care",
    )
    health_deteriorating = yes_no(
        "Is your physical or mental health getting worse, or at risk of getting worse, because of caring?",
        "For example, you are exhausted, not sleeping, in pain, or feeling low or anxious.",
        "Select yes if your physical or mental health is getting worse, or at risk of getting worse",
    )

    def _evaluate(self) -> EligibilityResult:
        return carer_eligibility(
            needs_arise_from_providing_necessary_care=self.answer("needs_arise_from_providing_necessary_care"),
            health_deteriorating=self.answer("health_deteriorating"),
            unable=self.unable(),
            significant_impact_on_wellbeing=self.answer("significant_impact_on_wellbeing"),
        )


CHECKER_FORMS: dict[str, type[_CheckerForm]] = {ADULT: AdultCheckerForm, CARER: CarerCheckerForm}


# --------------------------------------------------------------------------------------------------
# The directory: public search, staff entries and the organisation's own edit page
# --------------------------------------------------------------------------------------------------

DISTANCE_CHOICES = [(str(m), f"Within {m} mile{'s' if m != 1 else ''}") for m in code_lists.DISTANCE_CHOICES_MILES]


class DirectorySearchForm(GovukFormMixin, forms.Form):
    need = forms.ChoiceField(label="What are you looking for?", required=False)
    q = forms.CharField(label="Search words (optional)", required=False, max_length=100,
                        help_text="For example “dementia”, “singing” or “Tuesday”")  # fmt: skip
    postcode = forms.CharField(
        label="Your postcode (optional)",
        required=False,
        max_length=10,
        help_text="To see what is near you. For example NM1 2AB",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
    )
    distance = forms.ChoiceField(label="How far can you travel?", choices=DISTANCE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", "Anything")] + [(t.code, t.name) for t in taxonomy_choices()]
        self.origin: tuple[float, float] | None = None

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        if value:
            try:
                self.origin = postcode_locate(value)
            except PostcodeNotFound as error:
                raise ValidationError(error.message) from None
        return value

    def radius_m(self) -> float:
        miles = int(self.cleaned_data.get("distance") or code_lists.DEFAULT_DISTANCE_MILES)
        return miles * METRES_PER_MILE


class _LocationFields(forms.Form):
    """The main place the service runs, and its opening times: shared by the staff form and the edit link."""

    location_name = forms.CharField(label="Name of the place", required=False, max_length=200,
                                    help_text="For example “St Mark's Church Hall”")  # fmt: skip
    address = forms.CharField(label="Building and street", required=False, max_length=300)
    town = forms.CharField(label="Town", required=False, max_length=100)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    accessibility = forms.CharField(
        label="Access",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One point a line, for example: Step-free entrance. Accessible toilet. Hearing loop.",
    )
    opening_times = forms.CharField(
        label="When it runs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, like “Tuesday 10:00 to 14:00” or “Friday 9:30 to 12:00 first Friday of the month”",
    )

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        if value and not is_valid_postcode(value):
            raise ValidationError("Enter a real postcode, like NM1 2AB")
        return normalise_postcode(value) if value else ""

    def clean_opening_times(self):
        try:
            return parse_opening_times(self.cleaned_data.get("opening_times", ""))
        except OpeningTimesError as error:
            raise ValidationError(str(error)) from None

    def location_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("location_name", ""),
            "address": data.get("address", ""),
            "town": data.get("town", ""),
            "postcode": data.get("postcode", ""),
            "accessibility": data.get("accessibility", ""),
        }

    @staticmethod
    def initial_for(service: Service | None) -> dict:
        if service is None:
            return {}
        location = service.locations.order_by("pk").first()
        initial = {"opening_times": format_opening_times(service.regular_schedules.all())}
        if location:
            initial.update(location_name=location.name, address=location.address, town=location.town,
                           postcode=location.postcode, accessibility=location.accessibility)  # fmt: skip
        return initial


class ServiceForm(GovukFormMixin, forms.ModelForm):
    taxonomies = forms.ModelMultipleChoiceField(
        label="Kinds of service",
        queryset=Taxonomy.objects.filter(vocabulary=code_lists.LOCAL_VOCABULARY),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="People find it under each kind you tick",
    )
    review_due = GovukDateField(label="Review by", required=False, help_text="For example 27 3 2027")
    url = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = ["organisation", "name", "description", "eligibility", "fees", "is_free", "status",
                  "attending_type", "attending_access", "url", "email", "phone", "service_area",
                  "review_due"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "eligibility": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_free": "It is free", "attending_type": "How people use it", "attending_access": "How to start"}


class ServiceWithPlaceForm(ServiceForm, _LocationFields):
    field_order = ["organisation", "name", "description", "taxonomies", "eligibility", "fees", "is_free",
                   "attending_type", "attending_access", "location_name", "address", "town", "postcode",
                   "accessibility", "opening_times", "url", "email", "phone", "service_area", "status",
                   "review_due"]  # fmt: skip


class OrganisationForm(GovukFormMixin, forms.ModelForm):
    url = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "description", "email", "url", "phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class OrganisationEditForm(GovukFormMixin, _LocationFields):
    """What an organisation may change itself, through its edit link."""

    description = forms.CharField(label="What it is and what happens there", widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"required": "Describe the service"})  # fmt: skip
    eligibility = forms.CharField(label="Who it is for", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fees = forms.CharField(
        label="Cost", required=False, max_length=300, help_text="For example “Free” or “£4.50 a meal”"
    )
    url = forms.URLField(label="Website", required=False, assume_scheme="https")
    email = forms.EmailField(label="Email for the public", required=False)
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    editor_name = forms.CharField(label="Your name", max_length=80, help_text="So we know who made the change",
                                  error_messages={"required": "Enter your name"})  # fmt: skip

    field_order = ["description", "eligibility", "fees", "url", "email", "phone"]

    @classmethod
    def initial_for(cls, service: Service) -> dict:
        return {**_LocationFields.initial_for(service), **{f: getattr(service, f) for f in cls.field_order}}
