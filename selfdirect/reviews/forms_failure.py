"""Forms for failed arrangements: recording what went wrong, emergency cover, and the report's filter. Each form
checks what a person typed; the services check the rules."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.market.models import Arrangement, PersonalAssistant, Provider
from selfdirect.money.charging_forms import MoneyField
from selfdirect.rules import cld

from .models import FailedArrangement


def _arrangement_label(arrangement: Arrangement) -> str:
    who = arrangement.provider or arrangement.pa or "unpaid support"
    return (
        f"{arrangement.plan_line.description}: {arrangement.service_component} with {who}, "
        f"from {arrangement.start_date:%-d %B %Y} (plan {arrangement.plan_line.plan_id})"
    )


def what_failed_choices(plans) -> list[tuple[str, str]]:
    """Each approved plan's arrangements in place ("a<id>"), then the plan as a whole ("p<id>") for support that is
    not arranged with anyone (family, friends, a direct payment the person manages)."""
    choices = []
    for plan in plans:
        arrangements = (
            Arrangement.objects.filter(plan_line__plan=plan, status=Arrangement.Status.ACTIVE)
            .select_related("plan_line", "provider", "pa")
            .order_by("plan_line__order", "plan_line_id", "start_date", "pk")
        )
        choices += [(f"a{a.pk}", _arrangement_label(a)) for a in arrangements]
        choices.append((f"p{plan.pk}", f"Other support in plan {plan.pk} (not arranged with a provider or PA)"))
    return choices


class FailedArrangementForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What went wrong?",
        choices=FailedArrangement.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what went wrong", "invalid_choice": "Choose what went wrong"},
    )
    what = forms.ChoiceField(
        label="Which support failed?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which support failed", "invalid_choice": "Choose which support failed"},
    )
    what_happened = forms.CharField(
        label="What happened?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who told you, what the person is left without, and anything already done about it",
        error_messages={"required": "Enter what happened", "max_length": "What happened must be 5,000 characters or "
                        "fewer"},
    )  # fmt: skip
    occurred_on = GovukDateField(label="Date it happened", not_future=True, help_text="For example, 6 4 2026")

    def __init__(self, *args, plans, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.plans = list(plans)
        self.fields["what"].choices = what_failed_choices(self.plans)
        if len(self.fields["what"].choices) == 1:
            self.fields["what"].initial = self.fields["what"].choices[0][0]

    def service_arguments(self) -> dict:
        """The service's arguments: the arrangement or plan chosen as objects."""
        data = dict(self.cleaned_data)
        what = data.pop("what")
        pk = int(what[1:])
        if what.startswith("a"):
            data["arrangement"], data["plan"] = Arrangement.objects.get(pk=pk), None
        else:
            data["arrangement"], data["plan"] = None, next(p for p in self.plans if p.pk == pk)
        return data


class UnitsField(forms.Field):
    """Planned units a week: a number, up to 2 decimal places."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 12:
            raise ValidationError("Planned units a week must be a number, like 7 or 10.5", code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError("Planned units a week must be a number, like 7 or 10.5", code="invalid") from exc
        if not number.is_finite():
            raise ValidationError("Planned units a week must be a number, like 7 or 10.5", code="invalid")
        if number < 0:
            raise ValidationError("Planned units a week must be 0 or more", code="negative")
        if number > 1000:
            raise ValidationError("Planned units a week must be 1,000 or fewer", code="too_large")
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError("Planned units a week must not have more than 2 decimal places", code="places")
        return number

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError("Enter the planned units a week", code="required")


def _choice_pk(value: str, queryset):
    if not value:
        return None
    try:
        return queryset.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


class EmergencyCoverForm(GovukFormMixin, forms.Form):
    """Short-term cover after a failure. `lines` are the plan's lines when the failure names no arrangement (the
    cover then says which it replaces)."""

    line = forms.ChoiceField(
        label="Which part of the plan does the cover replace?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose which part of the plan the cover replaces"},
    )
    provider = forms.ChoiceField(
        label="Provider (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose a provider from the list"},
    )
    pa = forms.ChoiceField(
        label="Or a personal assistant (optional)",
        required=False,
        help_text="Only personal assistants who are not suspended are listed; their checks must be current",
        error_messages={"invalid_choice": "Choose a personal assistant from the list"},
    )
    start_date = GovukDateField(label="Date the cover starts", help_text="For example, 6 4 2026")
    end_date = GovukDateField(
        label="Date the cover ends",
        help_text="Emergency cover is short-term: at most 6 weeks after it starts, while the unplanned review "
        "arranges what comes next",
    )
    unit_cost = MoneyField(name="The unit cost", label="Unit cost", help_text="In pounds and pence, for example 24.50")
    cost_frequency = forms.ChoiceField(
        label="The cost is charged",
        choices=[("", "Choose how the cost is charged"), *cld.choices(cld.COST_FREQUENCIES)],
        error_messages={
            "required": "Choose how the cost is charged",
            "invalid_choice": "Choose how the cost is charged",
        },
    )
    planned_units_per_week = UnitsField(
        label="Planned units a week", help_text="For example 14 for two hours every day charged hourly"
    )

    def __init__(self, *args, lines=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        if self.lines:
            self.fields["line"].required = True
            self.fields["line"].error_messages["required"] = "Choose which part of the plan the cover replaces"
            self.fields["line"].choices = [(str(line.pk), line.description) for line in self.lines]
            if len(self.lines) == 1:
                self.fields["line"].initial = str(self.lines[0].pk)
        else:
            del self.fields["line"]
        providers = Provider.objects.filter(is_active=True).order_by("name", "pk")
        self.fields["provider"].choices = [("", "No provider")] + [(str(p.pk), p.name) for p in providers]
        pas = PersonalAssistant.objects.filter(is_active=True, is_suspended=False).order_by("last_name", "first_name")
        self.fields["pa"].choices = [("", "No personal assistant")] + [(str(p.pk), p.full_name) for p in pas]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The cover must end on or after the day it starts")
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["provider"] = _choice_pk(data.get("provider"), Provider.objects.all())
        data["pa"] = _choice_pk(data.get("pa"), PersonalAssistant.objects.all())
        line = data.pop("line", None)
        data["line"] = next((item for item in self.lines if str(item.pk) == line), None)
        return data


class ReportFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Months to show",
        coerce=int,
        choices=[(6, "6 months"), (12, "12 months"), (24, "24 months")],
        required=False,
        empty_value=12,
    )


def months_back(today: datetime.date, count: int) -> list[datetime.date]:
    """The first day of each of the last `count` months, this month last."""
    first = today.replace(day=1)
    months = []
    year, month = first.year, first.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))
