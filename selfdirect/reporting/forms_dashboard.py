"""The dashboard filters: a GET form (team, age band, primary support reason, date range), validated like any
other form so a mistyped date or a made-up choice shows an error summary, never a server error."""

import datetime

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.rules import ascof, cld
from selfdirect.workforce.models import Team

from .dashboard_selectors import DashboardFilters
from .measures import PeopleFilter

DEFAULT_MONTHS = 12
MAX_MONTHS = 60


def default_start(today: datetime.date) -> datetime.date:
    """The first day of the month eleven months ago: twelve months up to today."""
    month = today.month - (DEFAULT_MONTHS - 1)
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


class DashboardFilterForm(GovukFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="Every team",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    age_band = forms.ChoiceField(
        label="Age band",
        choices=[("", "Every age")] + [(band, band) for band in ascof.AGE_BANDS],
        required=False,
        error_messages={"invalid_choice": "Choose an age band from the list"},
    )
    primary_support_reason = forms.ChoiceField(
        label="Primary support reason",
        choices=[("", "Every reason")] + cld.choices(cld.PRIMARY_SUPPORT_REASONS),
        required=False,
        error_messages={"invalid_choice": "Choose a primary support reason from the list"},
    )
    # Left empty: the last twelve months.
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2025")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2026")

    def __init__(self, *args, today: datetime.date, **kwargs):
        self.today = today
        kwargs.setdefault("initial", {"date_from": default_start(today), "date_to": today})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "date_from" in data and not data["date_from"]:
            data["date_from"] = default_start(self.today)
        if "date_to" in data and not data["date_to"]:
            data["date_to"] = self.today
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", "The date to must be the same as or after the date from")
            elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                self.add_error("date_to", f"The date range must be {MAX_MONTHS} months or less")
        return data

    def filters(self) -> DashboardFilters:
        """The filters chosen (the defaults when the form was not sent)."""
        data = self.cleaned_data if self.is_bound else self.initial
        team = data.get("team")
        return DashboardFilters(
            people=PeopleFilter(
                team_id=team.pk if team else None,
                age_band=data.get("age_band") or "",
                primary_support_reason=data.get("primary_support_reason") or "",
            ),
            start=data["date_from"],
            end=data["date_to"],
            today=self.today,
        )

    def describe(self) -> str:
        """The filters in words, for the page and the export's audit record."""
        f = self.filters()
        parts = [f"{f.start:%d %B %Y} to {f.end:%d %B %Y}"]
        data = self.cleaned_data if self.is_bound else {}
        if data.get("team"):
            parts.append(f"team {data['team'].name}")
        if f.people.age_band:
            parts.append(f"aged {f.people.age_band}")
        if f.people.primary_support_reason:
            parts.append(f.people.primary_support_reason)
        return ", ".join(parts)
