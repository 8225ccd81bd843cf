"""Forms for short-term support, other public money, joint funding and signposting. Rules the services enforce come
back as DomainErrors on the right field (GovukFormMixin.add_domain_error)."""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.money.charging_forms import MoneyField
from selfdirect.rules import cld, joint_funding, short_term

from .models import Goal, OtherFunding, ShortTermEpisode

# The CLD Service Components a short-term episode is usually made of.
EPISODE_COMPONENTS = [
    "Reablement",
    "Equipment",
    "Home Support",
    "Short Term Residential Care",
    "Short Term Nursing Care",
    "Other Short Term Support",
]


def _required(what: str) -> dict:
    return {"required": f"Choose {what}", "invalid_choice": "Choose from the list"}


class RequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"Request received {obj.received_on:%-d %B %Y}: {obj.what_they_need[:80]}"


class EpisodeStartForm(GovukFormMixin, forms.Form):
    service_type = forms.ChoiceField(
        label="What kind of short-term support?",
        choices=list(short_term.EPISODE_TYPE_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages=_required("the kind of short-term support"),
    )
    started_from = forms.ChoiceField(
        label="How did it start?",
        choices=ShortTermEpisode.StartedFrom.choices,
        widget=forms.RadioSelect,
        error_messages=_required("how the support started"),
    )
    discharged_on = GovukDateField(
        label="Date they left hospital",
        required=False,
        not_future=True,
        help_text="Only for a discharge from hospital. For example, 27 3 2026",
    )
    hospital = forms.CharField(label="Hospital", required=False, max_length=200)
    support_request = RequestChoiceField(
        label="The request it follows",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="An open request is concluded with the matching outcome",
        error_messages={"invalid_choice": "Choose a request from the list"},
    )
    service_component = forms.ChoiceField(
        label="Main service", choices=cld.choices(EPISODE_COMPONENTS), initial="Reablement"
    )
    intermediate_care = forms.BooleanField(
        label="This is intermediate care", required=False, help_text="Free for the first six weeks, like reablement"
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
    planned_end = GovukDateField(label="Planned end date", help_text="Reablement is usually up to six weeks")
    goals = forms.CharField(
        label="Goals, in the person's own words",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One goal on each line, for example: I want to make my own breakfast again",
        error_messages={"max_length": "The goals must be 5000 characters or fewer"},
    )

    def __init__(self, *args, requests=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_request"].queryset = requests

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["goals"] = [line for line in data["goals"].splitlines() if line.strip()]
        return data


class GoalForm(GovukFormMixin, forms.Form):
    in_own_words = forms.CharField(
        label="Goal, in the person's own words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the goal in the person's own words",
            "max_length": "The goal must be 2000 characters or fewer",
        },
    )


class GoalProgressForm(GovukFormMixin, forms.Form):
    progress = forms.ChoiceField(
        label="How is it going?",
        choices=Goal.Progress.choices,
        widget=forms.RadioSelect,
        error_messages=_required("how the goal is going"),
    )
    progress_notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The notes must be 2000 characters or fewer"},
    )


class EpisodeCloseForm(GovukFormMixin, forms.Form):
    sequel = forms.ChoiceField(
        label="What happens next?",
        choices=short_term.SEQUEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_required("what happens next"),
    )
    actual_end = GovukDateField(label="Date the support ended", not_future=True, help_text="For example, 27 3 2026")
    closing_notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The notes must be 2000 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FollowUpForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Where was the person 91 days after leaving hospital?",
        choices=list(short_term.FOLLOW_UP_OUTCOMES.items()),
        widget=forms.RadioSelect,
        error_messages=_required("where the person was"),
    )
    recorded_on = GovukDateField(label="Date checked", not_future=True, help_text="For example, 27 3 2026")
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The notes must be 2000 characters or fewer"},
    )


class OtherFundingForm(GovukFormMixin, forms.Form):
    source = forms.ChoiceField(
        label="Where does the money come from?",
        choices=OtherFunding.Source.choices,
        widget=forms.RadioSelect,
        error_messages=_required("where the money comes from"),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=300,
        help_text="For example: level-access shower, or support worker at work",
        error_messages={"max_length": "The description must be 300 characters or fewer"},
    )
    amount = MoneyField(name="The amount", label="Amount", error_messages={"required": "Enter the amount"})
    period = forms.ChoiceField(
        label="How often?",
        choices=OtherFunding.Period.choices,
        widget=forms.RadioSelect,
        error_messages=_required("how often it is paid"),
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
    end_date = GovukDateField(label="End date (if known)", required=False)


class JointFundingForm(GovukFormMixin, forms.Form):
    funder = forms.CharField(
        label="Who shares the cost?",
        max_length=120,
        initial="NHS integrated care board",
        error_messages={"required": "Enter who shares the cost", "max_length": "Use 120 characters or fewer"},
    )
    method = forms.ChoiceField(
        label="How is the cost shared?",
        choices=list(joint_funding.METHODS.items()),
        widget=forms.RadioSelect,
        error_messages=_required("how the cost is shared"),
    )
    value = forms.DecimalField(
        label="Their share (a percentage, or pounds a week)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter their share",
            "invalid": "Enter their share as a number, like 40 or 125.50",
            "min_value": "Their share must be 0 or more",
            "max_digits": "Their share is too large",
            "max_decimal_places": "Enter their share to at most 2 decimal places",
            "max_whole_digits": "Their share is too large",
        },
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
    end_date = GovukDateField(label="End date (if known)", required=False)
    agreement_reference = forms.CharField(label="Agreement reference", required=False, max_length=100)


class AdviceForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="How was the request resolved?",
        choices=list(short_term.ADVICE_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages=_required("how the request was resolved"),
    )
    service = forms.ChoiceField(
        label="Community service",
        required=False,
        choices=[("", "None"), *cld.choices(short_term.DIRECTORY_SERVICES)],
        help_text="Needed for a referral to a community service",
        error_messages={"invalid_choice": "Choose a service from the list"},
    )
    notes = forms.CharField(
        label="What was given or arranged",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what was given or arranged",
            "max_length": "Use 2000 characters or fewer",
        },
    )


class TeamChoiceForm(GovukFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label="Team", queryset=None, required=False, empty_label="No team", error_messages=_required("a team")
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ReportPeriodForm(GovukFormMixin, forms.Form):
    year = forms.TypedChoiceField(
        label="Financial year", coerce=int, required=False, error_messages=_required("a year")
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y} to {y + 1}") for y in years]
