"""Forms for the staff second factor: one field, the code (an authenticator code or a recovery code)."""

from django import forms

from .forms import GovukFormMixin


class SecondFactorCodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        required=False,  # the service says what is missing, and audits it
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),  # fmt: skip
    )

    def __init__(self, *args, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint
