"""Forms for statements and monitoring: uploading a statement, changing a line's category, classification rules,
statement formats (column mappings), and resolving a finding. Forms check the shape of what was typed; the
services check the rules, and their refusals are shown in the same error summary."""

from django import forms

from selfdirect.core.forms import GovukFormMixin
from selfdirect.money.charging_forms import MoneyField

from .models import Category, ClassificationRule, ColumnMapping, MonitoringFinding
from .statements import DELIMITERS, ENCODINGS, WEB_UPLOAD_MAX_BYTES


class MappingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StatementUploadForm(GovukFormMixin, forms.Form):
    agreement = forms.IntegerField(
        label="Direct payment number",
        min_value=1,
        help_text="On the direct payment's page, for example 12",
        error_messages={
            "required": "Enter the direct payment number",
            "invalid": "The direct payment number must be a number, like 12",
            "min_value": "The direct payment number must be a number, like 12",
        },
    )
    mapping = MappingChoice(
        label="Statement format",
        queryset=ColumnMapping.objects.order_by("name"),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Who the statement is from decides its columns. Finance officers can add formats.",
        error_messages={"required": "Choose the statement format", "invalid_choice": "Choose the statement format"},
    )
    file = forms.FileField(
        label="Statement file (CSV)",
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
        error_messages={"required": "Choose the statement file", "empty": "The chosen file is empty"},
    )

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_agreement = agreement
        if agreement is not None:
            del self.fields["agreement"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > WEB_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:,.0f} MB: statements uploaded here must be "
                f"{WEB_UPLOAD_MAX_BYTES // 2**20} MB or smaller. Ask for a shorter period, or ask an administrator to "
                "import it with the statement_import command"
            )
        return upload


class ReclassifyForm(GovukFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="What the money was for",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the money was for", "invalid_choice": "Choose what the money was for"},
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the receipt shows it was a shower chair",
        error_messages={"max_length": "Why must be 300 characters or fewer"},
    )


class RuleForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ClassificationRule
        fields = [
            "order",
            "category",
            "payee_pattern",
            "description_pattern",
            "mcc_codes",
            "direction",
            "is_active",
            "note",
        ]
        labels = {
            "order": "Order",
            "category": "Category it sets",
            "payee_pattern": "Payee contains",
            "description_pattern": "Description contains",
            "mcc_codes": "Merchant category codes",
            "direction": "Money in or out",
            "is_active": "Use this rule",
            "note": "Note for colleagues",
        }
        help_texts = {
            "order": "Rules are tried from the lowest number; the first that matches a line sets its category",
            "payee_pattern": "Words or phrases separated by commas, any of which the payee contains (capitals do not "
            "matter). Statements without a payee column are searched in the description",
            "description_pattern": "Words or phrases separated by commas, any of which the description contains",
            "mcc_codes": "Four-digit codes separated by commas, for example 4121, 4131 (card statements only)",
            "note": "What the rule is for",
        }
        widgets = {
            "category": forms.RadioSelect,
            "direction": forms.RadioSelect,
            "order": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }
        error_messages = {
            "order": {"required": "Enter the order, for example 100", "invalid": "The order must be a whole number"},
            "category": {"required": "Choose the category the rule sets"},
            "direction": {"required": "Choose money in, out or either"},
        }


class MappingForm(GovukFormMixin, forms.ModelForm):
    delimiter = forms.ChoiceField(
        label="Columns separated by", choices=list(DELIMITERS.items()), widget=forms.RadioSelect
    )
    encoding = forms.ChoiceField(
        label="Encoding",
        choices=list(ENCODINGS.items()),
        widget=forms.RadioSelect,
        help_text="How the file's characters are saved. Files saved by Windows programs are often Windows-1252",
    )

    class Meta:
        model = ColumnMapping
        fields = [
            "name",
            "description",
            "delimiter",
            "encoding",
            "skip_rows",
            "date_column",
            "date_format",
            "description_column",
            "payee_column",
            "amount_column",
            "money_out_column",
            "money_in_column",
            "mcc_column",
            "account_column",
            "reference_column",
        ]
        labels = {
            "name": "Name",
            "description": "Description",
            "skip_rows": "Lines before the column names",
            "date_column": "Date column",
            "date_format": "Date format",
            "description_column": "Description column",
            "payee_column": "Payee column (optional)",
            "amount_column": "Amount column",
            "money_out_column": "Money out column",
            "money_in_column": "Money in column",
            "mcc_column": "Merchant category code column (optional)",
            "account_column": "Account or card number column (optional)",
            "reference_column": "Transaction ID column (optional)",
        }
        help_texts = {
            "name": "For example, the bank or provider",
            "skip_rows": "Heading lines some providers put above the column names",
            "date_format": "%d/%m/%Y for 05/03/2025, %Y-%m-%d for 2025-03-05, %d-%b-%Y for 05-Mar-2025",
            "amount_column": "One column with money out as negative amounts; or leave blank and give the money out "
            "and money in columns",
            "account_column": "When given, every line must be for the direct payment's own account",
            "reference_column": "When given, two lines with different IDs are never taken for the same line",
        }
        widgets = {"skip_rows": forms.NumberInput(attrs={"class": "govuk-input--width-4"})}
        error_messages = {
            "name": {"required": "Enter a name for the format"},
            "date_column": {"required": "Enter the name of the date column"},
            "date_format": {"required": "Enter the date format, for example %d/%m/%Y"},
            "description_column": {"required": "Enter the name of the description column"},
            "skip_rows": {"invalid": "Enter a whole number of lines, for example 0"},
        }


RESOLUTIONS_HINT = "What you found out or agreed with the person, for example that the money is saved for a holiday"


class FindingResolveForm(GovukFormMixin, forms.Form):
    resolution = forms.CharField(
        label="What was found or agreed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=RESOLUTIONS_HINT,
        error_messages={
            "required": "Enter what was found or agreed",
            "max_length": "What was found or agreed must be 2,000 characters or fewer",
        },
    )
    recoup_amount = MoneyField(
        name="The amount to recoup",
        label="Amount agreed to return to the council (optional)",
        required=False,
        help_text="Only if the person agreed: it is taken out of the account's balance in the ledger",
    )

    def __init__(self, *args, recoupment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not recoupment:
            del self.fields["recoup_amount"]

    def clean_recoup_amount(self):
        amount = self.cleaned_data.get("recoup_amount")
        if amount is not None and amount <= 0:
            raise forms.ValidationError("The amount to recoup must be more than £0")
        return amount


class FindingFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any"), *MonitoringFinding.Kind.choices], required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=[("open", "Open"), ("resolved", "Resolved"), ("all", "Open and resolved")],
        required=False,
    )
