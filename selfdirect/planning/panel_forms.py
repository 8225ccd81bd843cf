"""Forms for the support-planning organisations, referrals, the funding panel and the "where the time went"
report. Checks that need the database (capacity, quorum, membership, agenda) are the services' and arrive as
DomainErrors, shown in the same error summary."""

import datetime

from django import forms
from django.utils import timezone

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.rules import planning_capacity as rules
from selfdirect.workforce.models import Team

from .models import PlanDecision
from .panel_services import panel_member_choices

REPORT_MONTHS = 36


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display().lower()})"


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display().lower()})"


class ProblemForm(GovukFormMixin, forms.Form):
    """No fields: carries a refusal from a page's button (a service's DomainError) to the error summary."""

    @classmethod
    def showing(cls, error) -> "ProblemForm":
        form = cls(data={})
        form.is_valid()
        form.add_error(None, error.message)
        return form


class PlanningOrganisationForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the organisation's name"})
    description = forms.CharField(
        label="What it offers",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a user-led organisation that plans with disabled people and their families",
    )
    monthly_capacity = forms.IntegerField(
        label="New referrals it can take each month",
        min_value=0,
        max_value=500,
        help_text="Referrals beyond this wait in its queue for the next month's places",
        error_messages={
            "required": "Enter how many new referrals it can take each month",
            "invalid": "Enter the monthly capacity as a whole number, for example 6",
            "min_value": "The monthly capacity must be 0 or more",
            "max_value": "The monthly capacity must be 500 or fewer",
        },
    )
    non_directed_advocacy = forms.BooleanField(
        label="Offers non-directed advocacy",
        required=False,
        help_text="It can plan with people who lack capacity to direct their own planning",
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    is_active = forms.BooleanField(
        label="Taking referrals", required=False, initial=True, help_text="Untick to stop new referrals to it"
    )


class ReferralForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.ChoiceField(
        label="Organisation",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the support-planning organisation"},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]


class ReferralEndForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the referral is withdrawn",
        max_length=300,
        required=False,
        help_text="For example, the person has chosen to plan with their family instead",
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )


TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I.%M%p", "%I%p"]


class PanelMeetingForm(GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of the meeting", help_text="For example, 17 3 2026")
    time = forms.CharField(
        label="Time",
        max_length=8,
        help_text="Use the 24-hour clock, for example 14:00",
        error_messages={"required": "Enter the time of the meeting"},
    )
    location = forms.CharField(label="Where", max_length=200, required=False, help_text="A room, or 'Online'")
    members = UsersChoiceField(
        label="Members",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Panel members and team managers",
        error_messages={"required": "Choose the members of the panel", "invalid_choice": "Choose from the list"},
    )
    chair = UserChoiceField(
        label="Chair", queryset=None, required=False, help_text="One of the members", empty_label="Not chosen yet"
    )
    quorum = forms.IntegerField(
        label="Members needed for a quorum",
        min_value=1,
        max_value=50,
        error_messages={
            "required": "Enter how many members are needed for a quorum",
            "invalid": "Enter the quorum as a whole number, for example 3",
            "min_value": "The quorum must be at least 1",
            "max_value": "The quorum must be 50 or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = panel_member_choices()
        self.fields["chair"].queryset = panel_member_choices()

    def clean_time(self):
        text = self.cleaned_data["time"].strip().upper().replace(" ", "")
        for pattern in TIME_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).time()
            except ValueError:
                continue
        raise forms.ValidationError("Enter a real time, for example 14:00")

    def meets_at(self) -> datetime.datetime | None:
        date, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if not date or not time:
            return None
        return timezone.make_aware(datetime.datetime.combine(date, time))


class AttendanceForm(GovukFormMixin, forms.Form):
    attendees = UsersChoiceField(
        label="Who attended",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the meeting's members"},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = meeting.members.order_by("last_name", "first_name", "pk")


class CancelMeetingForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the meeting is cancelled",
        max_length=300,
        error_messages={
            "required": "Enter why the meeting is cancelled",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )


class AgendaAddForm(GovukFormMixin, forms.Form):
    plan = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Choose a plan", "invalid": "Choose a plan"}
    )


class AgendaMoveForm(GovukFormMixin, forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PanelDecisionForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Decision",
        choices=PlanDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    return_category = forms.ChoiceField(
        label="If returning it: why",
        choices=PlanDecision.ReturnCategory.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reasons = forms.CharField(
        label="Reasons for the decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The planner and the person will read these",
        error_messages={"required": "Enter the reasons for the decision"},
    )
    changes_required = forms.CharField(
        label="Changes needed",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For approval with changes: what must change, and by when",
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == PlanDecision.Outcome.RETURN and not data.get("return_category"):
            self.add_error("return_category", "Choose why the plan is being returned")
        if data.get("outcome") == PlanDecision.Outcome.APPROVE_WITH_CHANGES and not data.get("changes_required"):
            self.add_error("changes_required", "Say what must change")
        return data


def month_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The last three years' months, newest first, as ("2026-03", "March 2026")."""
    today = today or timezone.localdate()
    first = rules.month_start(today)
    months = [rules.add_months(first, -n) for n in range(REPORT_MONTHS)]
    return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]


class TimeReportForm(GovukFormMixin, forms.Form):
    start = forms.ChoiceField(label="From", error_messages={"invalid_choice": "Choose a month from the list"})
    end = forms.ChoiceField(label="To", error_messages={"invalid_choice": "Choose a month from the list"})
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="Every team",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = month_choices(today)
        self.fields["start"].choices = choices
        self.fields["end"].choices = choices

    @staticmethod
    def _month(value: str) -> datetime.date:
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The month to report to must be the same as or after the month to report from")
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The first day of the first month and the last day of the last month."""
        start = self._month(self.cleaned_data["start"])
        end = rules.add_months(self._month(self.cleaned_data["end"]), 1) - datetime.timedelta(days=1)
        return start, end
