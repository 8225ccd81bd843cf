"""Forms for charging: the staff financial assessment, and the public "estimate my contribution" questions.

Money is typed in pounds ("179.60", "£1,250" and "1250.5" are all fine) and kept as exact Decimal pence.
Income is a fixed set of rows, one per income type, blank meaning none: the simplest accessible design (no
"add another" JavaScript), and the type of each amount is never in doubt.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from selfdirect.core.forms import GovukFormMixin
from selfdirect.rules.charging import INCOME_TYPES

from .models import ChargingYear

MAX_AMOUNT = Decimal("9999999999.99")  # the model's 12 digits, 2 after the point
YES_NO = [("yes", "Yes"), ("no", "No")]
SETTING_CHOICES = [("community", "At home or in the community"), ("care_home", "In a care home")]
HOUSEHOLD_CHOICES = [
    ("single", "Single"),
    ("lone_parent", "Lone parent (single, with a dependent child)"),
    ("couple", "Member of a couple"),
]
PREMIUM_CHOICES = [
    ("disability", "Disability premium"),
    ("enhanced_disability", "Enhanced disability premium"),
    ("carer", "Carer premium"),
]
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


class MoneyInput(forms.TextInput):
    """A GOV.UK text input with a "£" prefix (and an optional suffix such as "a week")."""

    template_name = "money/charging_money_input.html"

    def __init__(self, attrs=None, suffix: str = ""):
        super().__init__(
            {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10", **(attrs or {})}
        )
        self.suffix = suffix

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suffix"] = self.suffix
        return context

    def format_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return super().format_value(value)


class MoneyField(forms.Field):
    """An amount in pounds and pence, never negative, at most 2 decimal places. `name` is used in messages."""

    def __init__(self, *, name: str, weekly: bool = False, **kwargs):
        self.name = name
        kwargs.setdefault("widget", MoneyInput(suffix="a week" if weekly else ""))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace(",", "").replace(" ", "")
        text = text.removeprefix("£")
        if not text:
            return None
        if text.startswith("-") and _AMOUNT.match(text[1:]):
            raise ValidationError(f"{self.name} must be £0 or more", code="negative")
        if not _AMOUNT.match(text):
            raise ValidationError(f"{self.name} must be an amount of money, like 18450 or 179.60", code="invalid")
        if "." in text and len(text.split(".")[1]) > 2:
            raise ValidationError(f"{self.name} must not have more than 2 decimal places", code="decimal_places")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern above already rules this out
            raise ValidationError(f"{self.name} must be an amount of money", code="invalid") from exc
        if amount > MAX_AMOUNT:
            raise ValidationError(f"{self.name} must be less than £10,000,000,000", code="too_large")
        return amount.quantize(Decimal("0.01"))

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(f"Enter {self.name[0].lower()}{self.name[1:]}", code="required")


def yes_no(label: str, required: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


def whole_number(label: str, name: str, *, minimum: int, maximum: int, hint: str = "", **kwargs) -> forms.IntegerField:
    field = forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "required": f"Enter {name}",
            "invalid": f"{name[0].upper()}{name[1:]} must be a whole number, like {minimum + 2}",
            "min_value": f"{name[0].upper()}{name[1:]} must be {minimum} or more",
            "max_value": f"{name[0].upper()}{name[1:]} must be {maximum} or less",
        },
        **kwargs,
    )
    field.widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-3"})
    field.widget.input_type = "text"
    return field


class _ChargingQuestions(GovukFormMixin, forms.Form):
    """What staff and public forms share: income rows and turning answers into the service's arguments."""

    income_label_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in INCOME_TYPES.items():
            self.fields[f"income_{kind}"] = MoneyField(name=label, weekly=True, required=False, label=label)

    @staticmethod
    def income_field(kind: str) -> str:
        return f"income_{kind}"

    def income_fields(self):
        return [self[self.income_field(kind)] for kind in INCOME_TYPES]

    def weekly_income(self) -> list[dict]:
        return [
            {"type": kind, "amount": self.cleaned_data[self.income_field(kind)]}
            for kind in INCOME_TYPES
            if self.cleaned_data.get(self.income_field(kind)) is not None
        ]

    def add_domain_error(self, error) -> None:
        """Errors from the engine name its fields; put each on the question that asked for it."""
        field = getattr(error, "field", None) or ""
        mapped = {"year": "year", "weekly_disability_related_expenditure": self.dre_field}.get(field, field)
        if match := re.match(r"weekly_income\[(\d+)\]", field):
            lines = self.weekly_income()
            index = int(match.group(1))
            mapped = self.income_field(lines[index]["type"]) if index < len(lines) else ""
        self.add_error(mapped if mapped in self.fields else None, error.message)

    dre_field = "dre_standard"


class FinancialAssessmentForm(_ChargingQuestions):
    """The staff financial assessment: every question the engine needs, pre-filled where the record knows."""

    year = forms.ModelChoiceField(
        queryset=ChargingYear.objects.none(),
        label="Financial year",
        help_text="The year whose charging figures apply.",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the financial year", "invalid_choice": "Select the financial year"},
    )
    setting = forms.ChoiceField(
        label="Where do they get care?",
        choices=SETTING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where they get care", "invalid_choice": "Select where they get care"},
    )
    household = forms.ChoiceField(
        label="Household",
        help_text="For the minimum income guarantee.",
        choices=HOUSEHOLD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their household", "invalid_choice": "Select their household"},
    )
    age = whole_number("Age", "their age", minimum=18, maximum=130)
    reached_pension_credit_age = yes_no(
        "Have they reached pension credit age?",
        "Select yes if they have reached pension credit age",
        hint="This is the same as State Pension age.",
    )
    dependent_children = whole_number(
        "Dependent children",
        "the number of dependent children",
        minimum=0,
        maximum=20,
        hint="Children they are responsible for who live with them. Enter 0 if none.",
    )
    premiums = forms.MultipleChoiceField(
        label="Premiums",
        help_text="Select all they get, or would get if they were on Income Support. Leave blank if none.",
        choices=PREMIUM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only the premiums listed"},
    )
    capital = MoneyField(
        name="Capital",
        label="Capital",
        help_text="Savings, investments and property that counts. For care at home, leave out their main home.",
    )
    weekly_housing_costs = MoneyField(
        name="Housing costs",
        weekly=True,
        required=False,
        label="Housing costs",
        help_text="Rent or mortgage after any Housing Benefit, for care at home. Leave blank if none.",
    )
    dre_amount = MoneyField(
        name="Disability-related expenditure",
        weekly=True,
        required=False,
        label="Disability-related expenditure",
        help_text="The extra costs of their disability or condition, as assessed. Leave blank if none.",
    )
    dre_standard = forms.BooleanField(
        label="Use the council's standard allowance instead",
        help_text="Instead of an assessed amount.",
        required=False,
    )
    weekly_cost_of_care = MoneyField(
        name="Weekly cost of care",
        weekly=True,
        label="Weekly cost of care",
        help_text="What their care and support costs a week. They never pay more than this.",
    )
    reason = forms.CharField(
        label="Why is this assessment being made? (optional)",
        help_text="For example, first assessment, or a change in their income.",
        max_length=300,
        required=False,
        error_messages={"max_length": "Reason must be 300 characters or fewer"},
    )

    def __init__(self, *args, years=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years if years is not None else ChargingYear.objects.order_by("-effective_from")
        self.fields["year"].label_from_instance = self._year_label
        self._unconfirmed = {}
        self.order_fields(
            [
                "year",
                "setting",
                "household",
                "age",
                "reached_pension_credit_age",
                "dependent_children",
                "premiums",
                "capital",
                *(self.income_field(k) for k in INCOME_TYPES),
                "weekly_housing_costs",
                "dre_amount",
                "dre_standard",
                "weekly_cost_of_care",
                "reason",
            ]
        )

    @staticmethod
    def _year_label(year: ChargingYear) -> str:
        unconfirmed = sum(1 for f in year.charging_figures.all() if not f.confirmed)
        if unconfirmed:
            return f"{year.financial_year} ({unconfirmed} figure{'s' if unconfirmed != 1 else ''} not yet confirmed)"
        return year.financial_year

    def about_fields(self):
        names = ["year", "setting", "household", "age", "reached_pension_credit_age", "dependent_children", "premiums"]
        return [self[name] for name in names]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("dre_standard") and cleaned.get("dre_amount") is not None:
            self.add_error(
                "dre_amount",
                "Enter an amount of disability-related expenditure, or select the council's standard allowance, "
                "not both",
            )
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        premiums = set(data.get("premiums") or ())
        dre = None if data.get("dre_standard") else (data.get("dre_amount") or Decimal("0.00"))
        return {
            "year": data["year"],
            "setting": data["setting"],
            "household": data["household"],
            "age": data["age"],
            "reached_pension_credit_age": data["reached_pension_credit_age"] == "yes",
            "dependent_children": data["dependent_children"],
            "disability_premium": "disability" in premiums,
            "enhanced_disability_premium": "enhanced_disability" in premiums,
            "carer_premium": "carer" in premiums,
            "capital": data["capital"],
            "weekly_income": self.weekly_income(),
            "weekly_housing_costs": data.get("weekly_housing_costs") or Decimal("0.00"),
            "weekly_disability_related_expenditure": dre,
            "weekly_cost_of_care": data["weekly_cost_of_care"],
            "reason": data.get("reason", ""),
        }


# --- the public estimate -----------------------------------------------------------------------------------

AUTOMATIC_YEAR = "latest"


class EstimateForm(_ChargingQuestions):
    """The public "estimate my contribution" questions: a short version of the staff form, in plain English.
    Premiums are left out (a council works them out); the cost of care may be left blank."""

    dre_field = "weekly_disability_related_expenditure"

    setting = forms.ChoiceField(
        label="Where do you get care, or expect to?",
        choices=SETTING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where you get care", "invalid_choice": "Select where you get care"},
    )
    household = forms.ChoiceField(
        label="Which of these describes you?",
        choices=[
            ("single", "I am single"),
            ("lone_parent", "I am single and look after a child who lives with me"),
            ("couple", "I live with a husband, wife or partner"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select which describes you", "invalid_choice": "Select which describes you"},
    )
    age = whole_number("How old are you?", "your age", minimum=18, maximum=130)
    reached_pension_credit_age = yes_no(
        "Have you reached State Pension age?",
        "Select yes if you have reached State Pension age",
        hint="State Pension age is 66 for most people now. You can check yours on GOV.UK.",
    )
    dependent_children = whole_number(
        "How many children do you look after who live with you?",
        "the number of children",
        minimum=0,
        maximum=20,
        hint="Enter 0 if none.",
        initial=0,
    )
    capital = MoneyField(
        name="Your savings and capital",
        label="How much do you have in savings and other capital?",
        help_text="For example money in bank and building society accounts, cash, Premium Bonds, stocks and "
        "shares. If you get care at home, do not count the home you live in.",
    )
    weekly_housing_costs = MoneyField(
        name="Your rent or mortgage",
        weekly=True,
        required=False,
        label="How much rent or mortgage do you pay a week?",
        help_text="After any Housing Benefit. Leave blank if none, or if you live in a care home.",
    )
    weekly_disability_related_expenditure = MoneyField(
        name="Your extra costs",
        weekly=True,
        required=False,
        label="How much do you spend a week on extra costs because of your disability or condition?",
        help_text="For example a community alarm, care you arrange yourself, extra laundry or heating, or a special "
        "diet. Leave blank if you are not sure.",
    )
    weekly_cost_of_care = MoneyField(
        name="The cost of your care",
        weekly=True,
        required=False,
        label="How much does your care cost a week? (optional)",
        help_text="If you do not know, leave this blank: we will show the most you could be asked to pay.",
    )
    year = forms.ChoiceField(
        label="Which year's figures should we use?",
        help_text="Leave this as it is unless you want to see an earlier year.",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select a year from the list"},
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {year.financial_year: year for year in years}
        self.fields["year"].choices = [(AUTOMATIC_YEAR, "The latest figures (recommended)")] + [
            (name, name) for name in self.years
        ]
        self.fields["year"].initial = AUTOMATIC_YEAR
        for kind in INCOME_TYPES:
            self.fields[self.income_field(kind)].name = INCOME_TYPES[kind]
        self.order_fields(
            [
                "setting",
                "household",
                "age",
                "reached_pension_credit_age",
                "dependent_children",
                "capital",
                *(self.income_field(k) for k in INCOME_TYPES),
                "weekly_housing_costs",
                "weekly_disability_related_expenditure",
                "weekly_cost_of_care",
                "year",
            ]
        )

    def about_fields(self):
        return [self[n] for n in ("setting", "household", "age", "reached_pension_credit_age", "dependent_children")]

    def chosen_year(self) -> ChargingYear | None:
        return self.years.get(self.cleaned_data.get("year") or "")
