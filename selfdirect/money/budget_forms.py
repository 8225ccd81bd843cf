"""The form staff use to set or change a personal budget (Care Act s26).

Amounts are typed in pounds (the same money field as the financial assessment). The three ways of managing the
money are asked as one group, always in the same order and with the same weight: the form never pre-fills one of
them for a new budget, so it never steers anyone towards a way of managing their money.
"""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin

from .budget_services import SPLIT_FIELDS
from .charging_forms import MoneyField


class PersonalBudgetForm(GovukFormMixin, forms.Form):
    weekly_total_cost = MoneyField(
        name="The total weekly cost",
        weekly=True,
        label="Total weekly cost of meeting their needs",
        help_text="What it costs the council to meet the needs it must or has decided to meet, for example 312.50",
    )
    weekly_person_contribution = MoneyField(
        name="The person's weekly contribution",
        weekly=True,
        label="The person's weekly contribution",
        help_text="From their financial assessment. It can never be more than the total weekly cost.",
    )
    weekly_direct_payment = MoneyField(
        name="The direct payment amount", weekly=True, label="Direct payment", required=False
    )
    weekly_council_managed = MoneyField(
        name="The council-managed amount", weekly=True, label="Council-managed budget", required=False
    )
    weekly_individual_service_fund = MoneyField(
        name="The individual service fund amount", weekly=True, label="Individual service fund", required=False
    )
    effective_from = GovukDateField(label="Date the budget starts", help_text="For example, 6 4 2026")
    reason = forms.CharField(
        label="Reason for this budget or change",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, support plan agreed at panel on 3 March; or new financial assessment",
        error_messages={
            "required": "Enter the reason for this budget or change",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )

    SPLIT = tuple(SPLIT_FIELDS)

    def split_fields(self):
        return [self[name] for name in self.SPLIT]

    def other_fields(self):
        return [self[name] for name in self.fields if name not in self.SPLIT]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "weekly_total_cost": data["weekly_total_cost"],
            "weekly_person_contribution": data["weekly_person_contribution"],
            "split": {name: data.get(name) for name in self.SPLIT},
            "effective_from": data["effective_from"],
            "reason": data["reason"],
        }
