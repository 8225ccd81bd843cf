"""Forms for writing a support plan, shared by staff pages and the portal. Every form carries the plan version it
started from (optimistic locking). Amounts are text, checked by the services, so a typing mistake gets a message
that says what to type rather than a bare "enter a number".

How the money is managed is asked with every option in the same order and weight, and no option is pre-selected
for a new line: nothing steers anyone towards one way of managing their money.
"""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.market.models import PersonalAssistant, Provider
from selfdirect.rules import cld
from selfdirect.rules import direct_payments as dp_rules

from .models import ContingencyPlan, Management, PlanDecision, PlanLine, PlanRisk, SupportPlan


class VersionedForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _text(label, *, hint="", rows=4, required=False, max_length=5000):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label.lower()}", "max_length": f"Keep this to {max_length} characters"},
    )


class PlanAboutForm(VersionedForm):
    what_matters = _text(
        "What matters to me", hint="In the person's own words: people, places, routines, what a good day looks like"
    )
    outcomes = _text("What I want to achieve", hint="For example: get out to the allotment twice a week")
    advice_given = _text(
        "Advice and information given",
        hint="About meeting or reducing needs, and preventing or delaying future needs (Care Act s25(1)(f))",
    )
    budget_difference_reason = _text(
        "Why the cost differs from the indicative budget",
        hint="Only needed when the plan costs more or less than the indicative budget",
        rows=3,
    )
    start_date = GovukDateField(
        label="When the support should start", help_text="For example, 6 4 2026", required=False
    )

    SERVICE_FIELDS = ("what_matters", "outcomes", "advice_given", "budget_difference_reason", "start_date")

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class NeedForm(VersionedForm):
    how_met = _text("How this will be met", hint="Name the support below, or other ways it will be met")


def _choices(values):
    return [("", "Choose")] + cld.choices(values)


class PlanLineForm(VersionedForm):
    description = forms.CharField(
        label="What the support is",
        max_length=300,
        help_text="For example: help to get up, washed and dressed",
        error_messages={"required": "Enter what the support is"},
    )
    need = forms.ModelChoiceField(
        label="Which need it meets", queryset=None, required=False, empty_label="More than one, or none in particular"
    )
    support_kind = forms.ChoiceField(
        label="Who will provide it",
        choices=PlanLine.SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who will provide this support"},
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Provider.objects.filter(is_active=True),
        required=False,
        empty_label="Choose a provider",
        help_text="If it is a provider",
    )
    pa = forms.ModelChoiceField(
        label="Personal assistant",
        queryset=PersonalAssistant.objects.filter(is_active=True, is_suspended=False),
        required=False,
        empty_label="Not chosen yet",
        help_text="If it is a personal assistant (they can also be chosen when the support is arranged)",
    )
    who_name = forms.CharField(
        label="Name of who helps",
        max_length=200,
        required=False,
        help_text="For family, friends or a community group, for example 'Ann (daughter)' or 'Tuesday lunch club'",
    )
    service_component = forms.ChoiceField(
        label="Kind of service", choices=_choices(cld.SERVICE_COMPONENTS), required=False
    )
    unit_type = forms.ChoiceField(
        label="The rate is charged", choices=_choices(cld.COST_FREQUENCIES), required=False, initial="Hourly"
    )
    units = forms.CharField(label="Units each time", required=False, help_text="For example 1.5 for an hour and a half")
    per_week = forms.CharField(label="Times a week", required=False, help_text="For example 7 for every day")
    unit_rate = forms.CharField(
        label="Unit rate in pounds",
        required=False,
        help_text="Leave blank to use the rate in force for this provider or the council's standard rate",
    )
    days_times = forms.CharField(
        label="Days and times", max_length=200, required=False, help_text="For example mornings, 8am to 9:30am"
    )
    management = forms.ChoiceField(
        label="How the money for it is managed",
        choices=Management.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Each way is equally available. Support nobody is paid for is not part of the budget.",
    )

    def __init__(self, *args, plan: SupportPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = plan.needs.all()

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class RiskForm(VersionedForm):
    risk = _text("What could go wrong", required=True, rows=3)
    likelihood = forms.ChoiceField(
        label="How likely it is",
        choices=PlanRisk.Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how likely it is"},
    )
    impact = forms.ChoiceField(
        label="How serious it would be",
        choices=PlanRisk.Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how serious it would be"},
    )
    mitigation = _text("What will reduce the risk", required=True, rows=3)
    responsible = forms.CharField(
        label="Who will do that", max_length=200, error_messages={"required": "Enter who will do that"}
    )
    persons_view = _text("What the person thinks about this risk", rows=3)
    positive_risk_taking = forms.BooleanField(
        label="The person chooses to take this risk (positive risk-taking)",
        required=False,
        help_text="Record their view above: a choice to take a risk is theirs to make",
    )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ContingencyForm(VersionedForm):
    if_main_support_fails = _text(ContingencyPlan._meta.get_field("if_main_support_fails").verbose_name, rows=3)
    if_pa_absent = _text(ContingencyPlan._meta.get_field("if_pa_absent").verbose_name, rows=3)
    if_money_runs_out = _text(ContingencyPlan._meta.get_field("if_money_runs_out").verbose_name, rows=3)
    in_a_crisis = _text(ContingencyPlan._meta.get_field("in_a_crisis").verbose_name, rows=3)
    backup_name = forms.CharField(label="Backup contact's name", max_length=200, required=False)
    backup_phone = forms.CharField(label="Backup contact's phone number", max_length=30, required=False)
    emergency_name = forms.CharField(label="Emergency contact's name", max_length=200, required=False)
    emergency_phone = forms.CharField(label="Emergency contact's phone number", max_length=30, required=False)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class DirectPaymentForm(VersionedForm):
    route = forms.ChoiceField(
        label="Who the direct payment is paid to",
        choices=list(dp_rules.ROUTES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the direct payment would be paid to"},
    )
    recipient = forms.ModelChoiceField(
        label="Nominee or authorised person",
        queryset=None,
        required=False,
        empty_label="Not needed: paid to the person",
        help_text="Only contacts recorded as a nominee or authorised person are listed",
    )
    c1 = forms.BooleanField(label="Condition 1", required=False)
    c2 = forms.BooleanField(label="Condition 2", required=False)
    c3 = forms.BooleanField(label="Condition 3", required=False)
    c4 = forms.BooleanField(label="Condition 4", required=False)
    c5 = forms.BooleanField(label="Condition 5 (s32 only)", required=False)
    notes = _text("Notes", hint="What help the person or their representative will have to manage the payments")

    def __init__(self, *args, plan: SupportPlan, **kwargs):
        super().__init__(*args, **kwargs)
        contacts = plan.person.contacts.filter(is_active=True)
        self.fields["recipient"].queryset = contacts.filter(is_nominee=True) | contacts.filter(
            is_authorised_person=True
        )

    def conditions(self) -> dict:
        return {key: self.cleaned_data.get(key, False) for key in ("c1", "c2", "c3", "c4", "c5")}


class HandOverForm(VersionedForm):
    to = forms.CharField(widget=forms.HiddenInput)


class SubmitForm(VersionedForm):
    """No visible fields: a place for the submission's problems."""


class DecisionForm(VersionedForm):
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
    reasons = _text("Reasons for the decision", required=True, hint="The planner and the person will read these")
    changes_required = _text("Changes needed", hint="For approval with changes: what must change, and by when")

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class CancelForm(VersionedForm):
    reason = forms.CharField(
        label="Why the plan is being cancelled", max_length=300, error_messages={"required": "Enter why"}
    )


class StartPlanForm(GovukFormMixin, forms.Form):
    planner = forms.ChoiceField(
        label="Who will write the plan",
        choices=SupportPlan.Planner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who will write the plan"},
        help_text="The person and their family can write it in the portal. To refer to a support-planning "
        "organisation, start with a council worker and then refer it from the plan page.",
    )

    def clean_planner(self):
        planner = self.cleaned_data["planner"]
        if planner == SupportPlan.Planner.ORGANISATION:
            raise forms.ValidationError(
                "Start the plan with a council worker, then refer it to an organisation from the plan page: the "
                "page shows each organisation's waiting time"
            )
        return planner
