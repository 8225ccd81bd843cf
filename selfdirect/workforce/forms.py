"""Forms for workforce pages. Rules the services enforce (a registration number for a qualified social worker, an
expiry after completion, one open round at a time) come back as DomainErrors on the right field."""

from django import forms
from django.core.validators import validate_slug

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.rules import workforce as rules

from . import selectors
from .models import Dimension, Team, TrainingRecord

CHOOSE = "Choose from the list"


def _text(label: str, name: str, *, max_length: int, required: bool = True, help_text: str = "", rows: int = 0):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": f"Enter {name}",
            "max_length": f"{name[0].upper()}{name[1:]} must be {max_length} characters or fewer",
        },
    )


def _topic_field(label: str, *, required: bool = True, empty: str = "Choose a topic"):
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=[("", empty), *rules.TOPICS],
        error_messages={"required": "Choose a topic", "invalid_choice": CHOOSE},
    )


def _staff_field(label: str, *, required: bool = True, help_text: str = ""):
    return forms.ModelChoiceField(
        label=label,
        queryset=selectors.staff_choices(),
        required=required,
        help_text=help_text,
        empty_label="Choose a member of staff",
        error_messages={"required": f"Choose the {label.lower()}", "invalid_choice": CHOOSE},
    )


class StaffFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.order_by("name"), required=False, empty_label="All teams"
    )
    topic = _topic_field("With an open training need in", required=False, empty="Any topic")


class StaffProfileForm(GovukFormMixin, forms.Form):
    job_title = _text("Job title", "the job title", max_length=120)
    qualified_social_worker = forms.BooleanField(
        label="Qualified social worker registered with Social Work England", required=False
    )
    registration_number = _text(
        "Social Work England registration number", "the registration number", max_length=12, required=False,
        help_text="For example SW123456. Needed for a qualified social worker",
    )  # fmt: skip
    registered_on = GovukDateField(
        label="Date first registered", required=False, not_future=True, help_text="For example, 27 3 2015"
    )


class TrainingRecordForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=TrainingRecord.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a course or a skill", "invalid_choice": CHOOSE},
    )
    title = _text("Title", "the title", max_length=200, help_text="For example, Employing personal assistants")
    topic = _topic_field("Topic", required=False, empty="None of these topics")
    completed_on = GovukDateField(label="Date completed", not_future=True, help_text="For example, 27 3 2026")
    expires_on = GovukDateField(
        label="Date it expires", required=False, help_text="Leave blank if it does not need renewing"
    )


class TrainingNeedsForm(GovukFormMixin, forms.Form):
    topics = forms.MultipleChoiceField(
        label="Which topics do you need training in?",
        choices=rules.TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Untick a topic once the need is met",
        error_messages={"invalid_choice": CHOOSE},
    )
    peer_topics = forms.MultipleChoiceField(
        label="Would you join a peer development group on any of them?",
        choices=rules.TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Small groups of colleagues learning together, rather than a course",
        error_messages={"invalid_choice": CHOOSE},
    )

    def clean(self):
        data = super().clean()
        extra = set(data.get("peer_topics") or ()) - set(data.get("topics") or ())
        if extra:
            names = ", ".join(rules.topic_label(t) for t in sorted(extra))
            self.add_error("peer_topics", f"Also tick these as training needs, or untick them here: {names}")
        return data

    def needs(self) -> dict[str, bool]:
        peer = set(self.cleaned_data["peer_topics"])
        return {topic: topic in peer for topic in self.cleaned_data["topics"]}


class SurveyCreateForm(GovukFormMixin, forms.Form):
    name = _text("Name of the survey", "a name for the survey", max_length=120,
                 help_text="For example, Readiness for personalisation")  # fmt: skip


class QuestionForm(GovukFormMixin, forms.Form):
    key = forms.CharField(
        label="Short name",
        max_length=60,
        validators=[validate_slug],
        help_text="Letters, numbers, underscores and hyphens. It links the question across rounds",
        error_messages={
            "required": "Enter a short name",
            "max_length": "Short name must be 60 characters or fewer",
            "invalid": "Short name must only include letters, numbers, underscores and hyphens",
        },
    )
    text = _text("Question", "the question", max_length=300)
    hint = _text("Hint", "a hint", max_length=300, required=False)
    scale = forms.ChoiceField(
        label="Answers",
        choices=rules.SCALE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the answers", "invalid_choice": CHOOSE},
    )
    topic = _topic_field("Training topic", required=False, empty="None")
    benchmark = forms.ChoiceField(
        label="Published figures to compare with",
        choices=[("", "None"), *rules.BENCHMARK_CHOICES],
        required=False,
        error_messages={"invalid_choice": CHOOSE},
    )
    order = forms.IntegerField(
        label="Order",
        min_value=0,
        max_value=32000,
        help_text="Questions are asked from the lowest number",
        error_messages={
            "required": "Enter the order",
            "invalid": "Order must be a whole number",
            "min_value": "Order must be 0 or more",
            "max_value": "Order must be 32000 or less",
        },
    )
    is_active = forms.BooleanField(label="Ask this question in new rounds", required=False)

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class RoundOpenForm(GovukFormMixin, forms.Form):
    label = _text("Name of the round", "a name for the round", max_length=60, help_text="For example, Autumn 2026")


class SurveyAnswerForm(GovukFormMixin, forms.Form):
    """One radio question per question in the round, named by the question's key."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            scale = rules.SCALES[question.scale]
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=scale.options,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer: {question.text}", "invalid_choice": CHOOSE},
            )


class ResultsForm(forms.Form):
    dimension = forms.ChoiceField(label="Show results for", choices=Dimension.choices, required=False)


class PeerGroupForm(GovukFormMixin, forms.Form):
    name = _text("Name of the group", "a name for the group", max_length=120)
    facilitator = _staff_field("Facilitator", required=False, help_text="Someone trained in the topic, if possible")
    members = forms.ModelMultipleChoiceField(
        label="Members",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Staff who recorded this training need",
        error_messages={"invalid_choice": CHOOSE, "invalid_pk_value": CHOOSE},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates


class PeerGroupAddForm(GovukFormMixin, forms.Form):
    members = forms.ModelMultipleChoiceField(
        label="Add members",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one person", "invalid_choice": CHOOSE,
                        "invalid_pk_value": CHOOSE},
    )  # fmt: skip

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates


class MentoringPairForm(GovukFormMixin, forms.Form):
    topic = _topic_field("Topic")
    mentor = _staff_field("Mentor", help_text="Someone with current training in the topic")
    mentee = _staff_field("Mentee", help_text="Someone who recorded a need in the topic")
