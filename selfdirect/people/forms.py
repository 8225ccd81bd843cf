from django import forms

from selfdirect.core.forms import GovukDateField, GovukFormMixin, validate_person_name
from selfdirect.core.roles import CASEHOLDING_ROLES, Role
from selfdirect.rules import cld
from selfdirect.rules.nhs_number import is_valid_nhs_number, normalise_nhs_number
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode
from selfdirect.workforce.models import Team

from .models import CaseNote, Contact, ContactMethod, ContactRole, Person, Relationship
from .services import PERSON_FIELDS


def _select(values, empty="Choose an option"):
    return forms.ChoiceField(choices=[("", empty), *cld.choices(values)], required=False)


class PersonForm(GovukFormMixin, forms.Form):
    """Details of a person. Free text is stripped; every coded field uses the CLD list as stored."""

    first_name = forms.CharField(max_length=100, validators=[validate_person_name])
    last_name = forms.CharField(max_length=100, validators=[validate_person_name])
    preferred_name = forms.CharField(
        max_length=100, required=False, validators=[validate_person_name], help_text="What they like to be called"
    )
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True, help_text="For example, 27 3 1947")
    nhs_number = forms.CharField(
        label="NHS number", max_length=14, required=False, help_text="10 digits, for example 485 777 3456"
    )
    gender = _select(cld.GENDERS)
    ethnicity = _select(cld.ETHNICITIES)
    primary_support_reason = _select(cld.PRIMARY_SUPPORT_REASONS)
    accommodation_status = _select(cld.ACCOMMODATION_STATUSES)
    employment_status = _select(cld.EMPLOYMENT_STATUSES)
    address_line_1 = forms.CharField(label="Address line 1", max_length=120, required=False)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", max_length=120, required=False)
    town = forms.CharField(label="Town or city", max_length=80, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    email = forms.EmailField(label="Email address", required=False)
    preferred_contact_method = forms.ChoiceField(
        label="How they prefer to be contacted",
        choices=ContactMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    communication_needs = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Person._meta.get_field("communication_needs").help_text,
    )
    gp_practice_name = forms.CharField(label="GP practice", max_length=120, required=False)
    gp_practice_code = forms.CharField(label="GP practice code", max_length=10, required=False)
    date_of_death = GovukDateField(label="Date of death", required=False, not_future=True)

    # The person fields a worker edits here; the restricted flag is set by the safeguarding route.
    FIELDS = [name for name in PERSON_FIELDS if name != "is_restricted"]

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if not value:
            return None
        if not value.isdigit() or len(value) != 10:
            raise forms.ValidationError("NHS number must be 10 digits")
        if not is_valid_nhs_number(value):
            raise forms.ValidationError("Enter a valid NHS number: the last digit does not match the others")
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if not value:
            return ""
        if not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like NM1 2AB")
        return normalise_postcode(value)

    def clean(self):
        data = super().clean()
        born, died = data.get("date_of_birth"), data.get("date_of_death")
        if born and died and died < born:
            self.add_error("date_of_death", "Date of death must be on or after the date of birth")
        return data

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class PersonCreateForm(PersonForm):
    confirm_not_duplicate = forms.BooleanField(label="None of these is the person: create a new record", required=False)


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContactForm(GovukFormMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label="Their roles for this person",
        choices=ContactRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    relationship = forms.ChoiceField(choices=Relationship.choices, widget=forms.RadioSelect)

    class Meta:
        model = Contact
        fields = ["name", "relationship", "organisation", "phone", "email", "address", "lives_with_person", "notes"]
        labels = {"name": "Full name", "lives_with_person": "Lives with the person"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    field_order = ["name", "relationship", "roles"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = self.instance.roles
        self.fields["name"].validators.append(validate_person_name)

    def contact_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        chosen = set(self.cleaned_data["roles"])
        data.update({field: role in chosen for role, field in Contact.ROLE_FIELDS.items()})
        return data


class NoteForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type of note", choices=CaseNote.Kind.choices, widget=forms.RadioSelect)
    occurred_on = GovukDateField(label="Date", not_future=True, help_text="When it happened, for example 3 11 2026")
    subject = forms.CharField(max_length=200, help_text="A short summary")
    text = forms.CharField(label="Note", max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class AllocationForm(GovukFormMixin, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.all(), empty_label="Choose a team")
    worker = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No worker yet (team holds the case)",
        help_text="The worker must be a member of the team",
    )
    reason = forms.CharField(max_length=300, required=False, help_text="For example, moved area or change of need")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from selfdirect.core.models import User

        caseholders = [*CASEHOLDING_ROLES, Role.SOCIAL_WORKER, Role.TEAM_MANAGER]
        # Integration service accounts hold a role for the API's sake; they are not people to allocate to.
        self.fields["worker"].queryset = (
            User.objects.filter(is_active=True, role__in=caseholders)
            .exclude(api_tokens__kind="integration")
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["worker"].label_from_instance = lambda u: f"{u} – {u.get_role_display()}"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, NHS number, date of birth or postcode",
        max_length=100,
        required=False,
        help_text="For example Mary Smith, 485 777 3456, 27/03/1947 or NM1 2AB",
    )
