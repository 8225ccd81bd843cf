"""Forms for reviews: recording one, booking an unplanned one, cancelling one, and the overdue dashboard's filter.
Rules the services enforce (outcomes for a planned review, a budget cut needing a reassessment) come back as
DomainErrors on the right field."""

from django import forms
from django.utils import timezone

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.money.charging_forms import MoneyField
from selfdirect.rules import cld
from selfdirect.workforce.models import Team

from .services import UNPLANNED_REASONS


class ReassessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = timezone.localdate(obj.signed_off_at) if obj.signed_off_at else obj.started_on
        return f"{obj.get_kind_display()}, signed off {when:%-d %B %Y}"


class ReviewRecordForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the review", not_future=True, help_text="For example, 27 3 2026")
    method = forms.ChoiceField(
        label="How was the review carried out?",
        choices=cld.choices(cld.REVIEW_METHODS),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the review was carried out", "invalid_choice": "Choose from the list"},
    )
    participants = forms.CharField(
        label="Who took part",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person, and anyone else: family, carers, an advocate, the provider",
        error_messages={
            "required": "Enter who took part in the review",
            "max_length": "Who took part must be 2000 characters or fewer",
        },
    )
    outcomes_achieved = forms.ChoiceField(
        label="Were the outcomes in the plan achieved?",
        choices=cld.choices(cld.REVIEW_OUTCOMES_ACHIEVED),
        widget=forms.RadioSelect,
        required=False,
        help_text="Required for a planned review",
        error_messages={"invalid_choice": "Choose from the list"},
    )
    what_changes = forms.CharField(
        label="What changes",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is working, what is not, and what will change in the plan",
        error_messages={"max_length": "What changes must be 5000 characters or fewer"},
    )
    event_outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=[("", "Choose the outcome"), *cld.choices(cld.EVENT_OUTCOMES)],
        error_messages={"required": "Choose the outcome of the review", "invalid_choice": "Choose from the list"},
    )
    new_weekly_total = MoneyField(
        name="The weekly cost agreed at the review",
        weekly=True,
        label="New weekly cost (if it changes)",
        required=False,
        help_text="Leave blank if the cost of the plan stays the same. A lower cost needs a reassessment.",
    )
    reassessment = ReassessmentChoiceField(
        label="Reassessment showing changed needs",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="Needed before a review lowers the budget: a signed-off assessment made after the budget was set",
        error_messages={"invalid_choice": "Choose an assessment from the list"},
    )

    def __init__(self, *args, reassessments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reassessment"].queryset = reassessments

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class UnplannedReviewForm(GovukFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why is the review needed?",
        choices=cld.choices(UNPLANNED_REASONS),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why the unplanned review is needed",
            "invalid_choice": "Choose from the list",
        },
    )
    due_on = GovukDateField(label="Date the review is due by", help_text="For example, 14 4 2026")


class ReviewCancelForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the review cancelled?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the review is cancelled",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )


class OverdueFilterForm(GovukFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="Every team",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
