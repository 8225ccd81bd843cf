"""Choosing the reporting period of the Client Level Data return: a GET form with GOV.UK date inputs."""

import datetime

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.rules.cld_return import last_complete_quarter


class CldPeriodForm(GovukFormMixin, forms.Form):
    date_from = GovukDateField(label="Period start", help_text="For example, 1 7 2026")
    date_to = GovukDateField(label="Period end", help_text="For example, 30 9 2026")

    def __init__(self, *args, today: datetime.date, **kwargs):
        start, end = last_complete_quarter(today)
        kwargs.setdefault("initial", {"date_from": start, "date_to": end})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The period end must be the same as or after the period start")
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
