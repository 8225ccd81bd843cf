"""Forms for the data protection officer's pages."""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.money.charging_forms import whole_number

from .models import RetentionDecision, SensitiveRecordFlag


class PersonReferenceForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Council person ID",
        max_length=20,
        help_text="For example P000123 (or the record number)",
        error_messages={"required": "Enter the council person ID"},
    )


class RetentionDecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="What happens to this record",
        choices=RetentionDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep, anonymise or erase the record",
                        "invalid_choice": "Choose whether to keep, anonymise or erase the record"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to keep it: for example, a complaint or legal claim is open",
    )
    keep_until = GovukDateField(
        label="Look at it again on", required=False, help_text="If keeping it. For example, 1 4 2027"
    )


class GovernanceSettingsForm(GovukFormMixin, forms.Form):
    years_after_support_ends = whole_number(
        "Years a record is kept after the council's support ends", "the number of years", minimum=1, maximum=100
    )
    years_after_death = whole_number(
        "Years a record is kept after the person's death", "the number of years", minimum=1, maximum=100
    )
    unusual_access_threshold = whole_number(
        "Different records outside their caseload a worker may open before the report lists them",
        "the number of records",
        minimum=1,
        maximum=10000,
    )
    unusual_access_days = whole_number("Days the unusual-access report looks back", "the number of days",
                                       minimum=1, maximum=366)  # fmt: skip


class UnusualAccessForm(GovukFormMixin, forms.Form):
    days = whole_number("Days to look back", "the number of days", minimum=1, maximum=366)
    threshold = whole_number("Records outside their caseload before a worker is listed", "the number of records",
                             minimum=1, maximum=10000)  # fmt: skip


class FlagForm(GovukFormMixin, forms.Form):
    council_id = forms.CharField(label="Council person ID", max_length=20,
                                 error_messages={"required": "Enter the council person ID"})  # fmt: skip
    kind = forms.ChoiceField(
        label="Whose record is it",
        choices=SensitiveRecordFlag.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=dict.fromkeys(
            ("required", "invalid_choice"),
            "Choose whether the person is a member of staff or a staff member's relative",
        ),
    )
    staff_username = forms.CharField(label="The member of staff's username (optional)", max_length=150, required=False)
