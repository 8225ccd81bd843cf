"""The public eligibility checker's questions, worded for the person answering.

Condition-neutral and outcome-focused: the outcomes are the regulation's (rules/eligibility.py), each with a
plain-English title and a hint; nothing assumes a physical disability or asks about "your worst day".
Nothing is saved: a valid form is turned straight into an EligibilityResult.
"""

from django import forms

from selfdirect.core.forms import GovukFormMixin
from selfdirect.rules.eligibility import (
    ADULT_REASONS,
    CARER_REASONS,
    EligibilityInputError,
    EligibilityResult,
    Reason,
    adult_eligibility,
    carer_eligibility,
)

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
