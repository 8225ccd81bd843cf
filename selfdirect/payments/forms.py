"""Forms for direct payments: setting up the agreement from a plan, one-off payments, payment runs and ledger
corrections. The forms check the shape of what was typed; the services check the rules (the holder the plan
allows, the account, the dates) and their refusals are shown in the same error summary."""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.market.models import Provider
from selfdirect.money.charging_forms import MoneyField
from selfdirect.rules.charging import pounds

from .models import DirectPaymentAgreement, OneOffPayment

A = DirectPaymentAgreement
NET_GROSS = [
    ("net", "Net: the council pays its share, the person pays their contribution into the account"),
    ("gross", "Gross: the council pays it all and collects the person's contribution separately"),
]


def _choice(label, choices, required_message, hint=""):
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class PlanLineChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        who = f" ({obj.who})" if obj.who else ""
        return f"{obj.description}{who}, {pounds(obj.weekly_cost)} a week"


class AgreementForm(GovukFormMixin, forms.Form):
    holder = _choice(
        "Who holds the direct payment",
        A.Holder.choices,
        "Choose who holds the direct payment",
        hint="It must be who the plan's direct payment conditions were recorded for",
    )
    holder_contact = forms.ModelChoiceField(
        label="The nominee or authorised person",
        queryset=None,
        required=False,
        empty_label="Not needed: the person holds it",
        help_text="Only when a nominee or authorised person holds the direct payment",
        error_messages={"invalid_choice": "Choose one of the person's contacts"},
    )
    account_type = _choice("The account the payments go into", A.AccountType.choices, "Choose the kind of account")
    account_identifier = forms.CharField(
        label="Account identifier",
        max_length=60,
        help_text="The sort code and account number, or the card or managed account number, as statements show it",
        error_messages={
            "required": "Enter the account identifier",
            "max_length": "The account identifier must be 40 characters or fewer",
        },
    )
    managed_account_provider = forms.ModelChoiceField(
        label="Provider that manages the account",
        queryset=Provider.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="Not a managed account",
        error_messages={"invalid_choice": "Choose a provider from the list"},
    )
    start_date = GovukDateField(label="Date the direct payment starts", help_text="For example, 6 4 2026")
    frequency = _choice("How often it is paid", A.Frequency.choices, "Choose how often the payments are made")
    paid = _choice("Gross or net of the person's contribution", NET_GROSS, "Choose gross or net")
    plan_lines = PlanLineChoice(
        label="The support it pays for",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="All the plan's support paid by direct payment, unless you untick some",
        error_messages={"invalid_choice": "Choose support from this plan", "invalid_pk_value": "Choose support"},
    )
    cash_agreed = forms.BooleanField(label="Cash withdrawals are agreed in the plan", required=False)
    start_up_amount = MoneyField(
        name="The start-up costs",
        label="Start-up costs (optional)",
        required=False,
        help_text="A one-off payment with the first payment, for example to recruit a personal assistant",
    )
    employer_amount = MoneyField(
        name="The employer costs",
        label="Employer costs (optional)",
        required=False,
        help_text="A one-off payment with the first payment, for example employer's liability insurance",
    )

    def __init__(self, *args, plan, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder_contact"].queryset = plan.person.contacts.filter(is_active=True).order_by("name")
        self.fields["plan_lines"].queryset = lines

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        start = data["start_date"]
        one_offs = []
        for field, kind, description in (
            ("start_up_amount", OneOffPayment.Kind.START_UP, "Start-up costs"),
            ("employer_amount", OneOffPayment.Kind.EMPLOYER, "Employer costs"),
        ):
            if data.get(field):
                one_offs.append({"kind": kind, "description": description, "amount": data[field], "due_on": start})
        return {
            "holder": data["holder"],
            "holder_contact": data.get("holder_contact"),
            "account_type": data["account_type"],
            "account_identifier": data["account_identifier"],
            "managed_account_provider": data.get("managed_account_provider"),
            "start_date": start,
            "frequency": data["frequency"],
            "net_of_contribution": data["paid"] == "net",
            "plan_lines": list(data.get("plan_lines") or []),
            "cash_agreed": bool(data.get("cash_agreed")),
            "one_offs": one_offs,
        }


class OneOffForm(GovukFormMixin, forms.Form):
    kind = _choice("What the payment is for", OneOffPayment.Kind.choices, "Choose what the payment is for")
    description = forms.CharField(
        label="Description",
        max_length=200,
        help_text="For example, recruitment advertising for a personal assistant",
        error_messages={
            "required": "Enter what the payment is for",
            "max_length": "The description must be 200 characters or fewer",
        },
    )
    amount = MoneyField(name="The amount", label="Amount")
    due_on = GovukDateField(label="Date it is due", help_text="For example, 6 4 2026")


class AgreementEndForm(GovukFormMixin, forms.Form):
    end_date = GovukDateField(label="The last day the direct payment pays for", help_text="For example, 31 1 2027")
    end_reason = _choice("Why is it ending?", A.EndReason.choices, "Choose why the direct payment is ending")


class PaymentRunForm(GovukFormMixin, forms.Form):
    run_on = GovukDateField(
        label="Date of the payment run", help_text="Every scheduled payment due on or before this date is taken"
    )


class MarkPaidForm(GovukFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="The finance system has made these payments",
        error_messages={"required": "Confirm that the finance system has made these payments"},
    )


class ReverseForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the transaction is reversed",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the payment was returned by the bank",
        error_messages={
            "required": "Enter why the transaction is reversed",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )
