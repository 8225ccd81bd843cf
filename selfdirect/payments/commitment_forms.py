"""Forms for commitments and provider invoices: ending a commitment, uploading an invoice CSV, and a finance
officer's decision on a line that differs from the plan."""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin

from .commitments import MAX_BYTES
from .models import InvoiceLine


class CommitmentEndForm(GovukFormMixin, forms.Form):
    end_date = GovukDateField(label="Last day of the commitment", help_text="For example, 27 11 2026")
    reason = forms.CharField(
        label="Why is it ending?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the person moved to a care home; or the provider handed the package back",
        error_messages={
            "required": "Enter why the commitment is ending",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )


class InvoiceUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload the invoice file",
        help_text=(
            "A CSV file with a header line naming the invoice reference, council person ID, service date, units "
            "and amount"
        ),
        error_messages={
            "required": "Select the invoice CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select the invoice CSV file",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)}MB")
        return upload


class InvoiceLineResolveForm(GovukFormMixin, forms.Form):
    resolution = forms.ChoiceField(
        label="What should happen to this line?",
        choices=InvoiceLine.Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do about this line", "invalid_choice": "Choose an option"},
    )
    note = forms.CharField(
        label="Why?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you found out, or what you asked the provider. This is kept in the audit log.",
        error_messages={
            "required": "Enter why: what you found out, or what you asked the provider",
            "max_length": "The explanation must be 2,000 characters or fewer",
        },
    )
