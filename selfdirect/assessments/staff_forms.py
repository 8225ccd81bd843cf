"""Forms for the staff side of assessments: involvement and advocacy, capacity, complexity, allocation,
sign-off, and starting an assessment."""

from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.core.models import User
from selfdirect.core.roles import CASEHOLDING_ROLES, Role
from selfdirect.people.models import Person
from selfdirect.rules import cld
from selfdirect.rules.advocacy import DIFFICULTY_TEXT, EXCEPTION_TEXT
from selfdirect.rules.capacity import ABILITIES

from .models import AdvocacyReferral, Assessment

REASON_FIELD = forms.CharField(
    label="Reason for the change",
    help_text="The person will see this reason next to the change",
    max_length=2000,
    required=False,
    widget=forms.Textarea(attrs={"rows": 3}),
)


class AssessmentStartForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type of assessment", choices=Assessment.Kind.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label="How it is being carried out",
        choices=cld.choices(cld.ASSESSMENT_METHODS),
        initial="Face to Face",
        help_text="CLD method of assessment (list still to be confirmed by your administrator)",
    )
    cared_for = forms.CharField(
        label="For a carer's assessment: council person ID of the person they care for",
        required=False,
        max_length=20,
        help_text="For example P0001234",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Assessment.Kind.CARER:
            ref = (data.get("cared_for") or "").strip().upper()
            person = Person.objects.filter(council_id=ref).first() if ref else None
            if person is None:
                self.add_error("cared_for", "Enter the council person ID of the person they care for")
            data["cared_for"] = person
        else:
            data["cared_for"] = None
        return data


class InvolvementForm(GovukFormMixin, forms.Form):
    difficulties = forms.MultipleChoiceField(
        label="Would they have substantial difficulty with any of these, without support?",
        choices=[(k.value, v[0].upper() + v[1:]) for k, v in DIFFICULTY_TEXT.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Care Act s67. Leave all unticked if they can be involved without substantial difficulty.",
    )
    appropriate_person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Nobody appropriate",
        help_text="Someone who can support their involvement and is not paid to care for them",
    )
    exceptions = forms.MultipleChoiceField(
        label="Does any of these apply? (an advocate is then needed even with an appropriate person)",
        choices=[(k.value, v[0].upper() + v[1:]) for k, v in EXCEPTION_TEXT.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appropriate_person"].queryset = person.contacts.filter(is_active=True)


class AdvocacyReferralForm(GovukFormMixin, forms.Form):
    organisation = forms.CharField(label="Advocacy organisation", max_length=200)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AdvocacyUpdateForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(choices=AdvocacyReferral.Status.choices, widget=forms.RadioSelect)
    advocate_name = forms.CharField(label="Advocate's name", max_length=200, required=False)


class CapacityForm(GovukFormMixin, forms.Form):
    YES_NO = [("yes", "Yes"), ("no", "No")]
    decision = forms.CharField(
        label="The decision being assessed",
        max_length=300,
        help_text="Capacity is decision-specific: for example 'whether to accept care at home'",
    )
    impairment = forms.ChoiceField(
        label="Stage 1: is there an impairment of, or a disturbance in the functioning of, the mind or brain?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    assessed_on = GovukDateField(label="Date assessed", not_future=True)
    notes = forms.CharField(
        label="How you reached this view", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in ABILITIES.items():
            self.fields[name] = forms.ChoiceField(
                label=f"Stage 2: can they {text}?", choices=self.YES_NO, widget=forms.RadioSelect
            )
        self.order_fields(["decision", "impairment", *ABILITIES, "assessed_on", "notes"])

    def abilities(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name in ABILITIES}


class ComplexForm(GovukFormMixin, forms.Form):
    is_complex = forms.BooleanField(
        label="This assessment is complex and needs a qualified social worker", required=False
    )
    complexity_reasons = forms.CharField(
        label="Why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example a safeguarding concern, doubts about capacity, several agencies involved",
    )


class AssessmentAllocateForm(GovukFormMixin, forms.Form):
    worker = forms.ModelChoiceField(queryset=None, empty_label="Choose a worker")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [*CASEHOLDING_ROLES, Role.TEAM_MANAGER]
        self.fields["worker"].queryset = User.objects.filter(is_active=True, role__in=roles)
        self.fields["worker"].label_from_instance = lambda u: f"{u} – {u.get_role_display()}"


class SignOffForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("confirm", "Confirm the calculated decision"), ("override", "Override it")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (needed to override)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SectionChangeReasonForm(GovukFormMixin, forms.Form):
    reason = REASON_FIELD
