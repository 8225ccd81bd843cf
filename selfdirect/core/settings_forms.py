"""The council settings form: the choices each council makes for itself (core.models.CouncilSettings)."""

from django import forms

from selfdirect.money.charging_forms import MoneyField, whole_number

from .forms import GovukFormMixin
from .models import CouncilSettings


class CouncilSettingsForm(GovukFormMixin, forms.Form):
    manager_approval_limit_weekly = MoneyField(
        name="The highest weekly plan cost a team manager may approve",
        weekly=True,
        label="Highest weekly plan cost a team manager may approve",
        help_text="Plans above this, or above the indicative budget, go to the funding panel. For example 500.00",
    )
    panel_quorum = whole_number(
        "Members needed at a funding panel meeting for its decisions to count",
        "the number of members needed",
        minimum=1,
        maximum=20,
    )
    pa_checks_policy = forms.ChoiceField(
        label="Checks on personal assistants",
        choices=CouncilSettings.PaChecksPolicy.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the council's policy on personal assistants' checks",
            "invalid_choice": "Choose the council's policy on personal assistants' checks",
        },
    )
    dbs_recheck_years = whole_number(
        "Years after which a DBS certificate must be renewed",
        "the number of years",
        minimum=1,
        maximum=10,
        hint="Unless the personal assistant subscribes to the DBS Update Service and the council checks it",
    )
    check_alert_days = whole_number(
        "Days' warning before a check lapses",
        "the number of days' warning",
        minimum=1,
        maximum=365,
        hint="Checks and insurance that lapse within this many days are listed on the alerts page and emailed",
    )
    # The settings as the page showed them: a save made from an older copy is refused (someone else saved first).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    FIELDS = (
        "manager_approval_limit_weekly",
        "panel_quorum",
        "pa_checks_policy",
        "dbs_recheck_years",
        "check_alert_days",
    )

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
