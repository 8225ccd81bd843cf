from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.core.roles import Role

from .models import ApiToken
from .services import INTEGRATION_ROLES, MAX_CALLS_PER_MINUTE, MAX_LIFETIME_DAYS


class TokenIssueForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="What is the token for?", max_length=100, help_text="For example, NHS discharge hub or finance system"
    )
    kind = forms.ChoiceField(label="Who does it act as?", choices=ApiToken.Kind.choices, widget=forms.RadioSelect)
    user = forms.ModelChoiceField(
        label="Member of staff (if it acts as a member of staff)",
        queryset=None,
        required=False,
        empty_label="Choose a member of staff",
        help_text="It can do exactly what they can, with their teams and allocations",
    )
    integration_role = forms.ChoiceField(
        label="Role (if it is a system integration)",
        choices=[("", "Choose a role"), *[(r.value, r.label) for r in INTEGRATION_ROLES]],
        required=False,
        help_text="The integration gets its own account with this role; it can never sign in to the pages",
    )
    expires_on = GovukDateField(
        label="Expires on", help_text=f"At most {MAX_LIFETIME_DAYS} days from today, for example 31 3 2027"
    )
    calls_per_minute = forms.IntegerField(
        label="Calls a minute it may make (optional)",
        required=False,
        min_value=1,
        max_value=MAX_CALLS_PER_MINUTE,
        error_messages={
            "invalid": "Enter the calls a minute as a whole number, like 300",
            "min_value": "Allow at least 1 call a minute",
            "max_value": f"Allow at most {MAX_CALLS_PER_MINUTE:,} calls a minute",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(is_active=True).exclude(role="").exclude(api_tokens__kind="integration")
        self.fields["user"].queryset = staff.distinct().order_by("last_name", "first_name")
        self.fields["user"].label_from_instance = lambda u: f"{u} – {Role(u.role).label}"
        self.fields["calls_per_minute"].help_text = (
            f"More than this in one minute are refused until the next. Leave it empty for the council's "
            f"usual {settings.API_CALLS_PER_MINUTE:,}."
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ApiToken.Kind.STAFF and not data.get("user"):
            self.add_error("user", "Choose the member of staff the token acts as")
        if kind == ApiToken.Kind.INTEGRATION and not data.get("integration_role"):
            self.add_error("integration_role", "Choose the role the integration has")
        return data

    def issue_kwargs(self) -> dict:
        data = self.cleaned_data
        staff = data["kind"] == ApiToken.Kind.STAFF
        return {
            "name": data["name"],
            "expires_on": data["expires_on"],
            "user": data["user"] if staff else None,
            "integration_role": "" if staff else data["integration_role"],
            "calls_per_minute": data.get("calls_per_minute"),
        }


class WebhookForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="What is it for?", max_length=100, help_text="For example, finance system updates")
    url = forms.URLField(
        label="Address to send events to",
        max_length=500,
        assume_scheme="https",
        help_text="Must start with https://",
    )
    token = forms.ModelChoiceField(
        label="Token whose events it receives",
        queryset=None,
        empty_label="Choose a token",
        help_text="It receives the changes this token may see, and stops if the token is revoked or expires",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        active = ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        self.fields["token"].queryset = active.select_related("user").order_by("name")
        self.fields["token"].label_from_instance = lambda t: f"{t.name} ({t.prefix}…, acts as {t.user})"
