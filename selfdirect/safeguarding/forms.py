"""Safeguarding forms, to GOV.UK patterns. The public concern form also carries its spam protection, with no
third-party service: a honeypot field people never see, a signed timestamp that must be old enough (a person takes
more than a few seconds to describe a concern) and young enough, and a per-address limit (checked in the view)."""

import time

from django import forms
from django.core import signing

from selfdirect.core.forms import GovukDateField, GovukFormMixin
from selfdirect.market.models import PersonalAssistant, Provider
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .models import AbuseType, SafeguardingConcern, SafeguardingEnquiry

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_DONT_KNOW = [("yes", "Yes"), ("no", "No"), ("dont_know", "I do not know")]
Concern = SafeguardingConcern
Enquiry = SafeguardingEnquiry

# Spam protection on the public form.
TIMESTAMP_SALT = "safeguarding.public-concern"
MIN_FILL_SECONDS = 5
MAX_FORM_AGE_SECONDS = 24 * 60 * 60
SPAM_MESSAGE = (
    "We could not send your concern. If someone is in danger now, phone 999. Otherwise, phone the council's adult "
    "social care team."
)
TOO_FAST_MESSAGE = "The form was sent too quickly after it was opened. Check your answers, then send it again."
EXPIRED_MESSAGE = "The form had been open for too long. Check your answers, then send it again."


def yes_no(value: str):
    return {"yes": True, "no": False}.get(value)


def as_choice(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _radio(label, choices, *, required_message, help_text="", required=True):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def _text(label, *, max_length=200, required=False, required_message="", help_text="", textarea=False, rows=5):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if textarea else forms.TextInput,
        error_messages={
            "required": required_message or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def fresh_timestamp() -> str:
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


class ConcernForm(GovukFormMixin, forms.Form):
    """What anyone raising a concern is asked. Staff see it with the person's name filled in."""

    subject_name = _text(
        "Name of the adult you are worried about", required=True, required_message="Enter the name of the adult"
    )
    subject_address = _text("Their address, if you know it", max_length=300)
    subject_postcode = _text("Their postcode, if you know it", max_length=8)
    what_happened = _text(
        "What has happened, or what are you worried about?",
        max_length=10_000,
        required=True,
        required_message="Enter what has happened, or what you are worried about",
        help_text="Say what you saw or heard, or what you were told and by whom.",
        textarea=True,
        rows=8,
    )
    when_happened = _text(
        "When did it happen?", help_text="For example, last Tuesday evening, or it has been going on for months."
    )
    abuse_types = forms.MultipleChoiceField(
        label="What kind of harm do you think it is?",
        choices=AbuseType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Leave this blank if you are not sure.",
    )
    immediate_risk = _radio(
        "Is anyone in danger right now?",
        YES_NO,
        required_message="Select yes if anyone is in danger right now",
        help_text="If someone is in danger now, phone 999 before you carry on.",
    )
    persons_views = _text(
        "What does the person think, and what do they want to happen?",
        max_length=5000,
        help_text="In their own words if you can.",
        textarea=True,
        rows=4,
    )
    person_aware = _radio(
        "Does the person know you are telling us?",
        YES_NO_DONT_KNOW,
        required_message="Select whether the person knows you are telling us",
    )
    alleged_source = _text(
        "Who do you think is causing the harm?",
        max_length=300,
        help_text="Their name and how they know the person, if you know. Leave this blank if you do not.",
    )
    raised_by = _radio("Who are you?", [], required_message="Select who you are")
    raised_by_name = _text("Your name", help_text="You can stay anonymous, but then we cannot ask you more.")
    raised_by_contact = _text("Your phone number or email address", help_text="So we can contact you if we need to.")

    def __init__(self, *args, raised_by_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].choices = raised_by_choices or [
            (value, label) for value, label in Concern.RaisedBy.choices if value != Concern.RaisedBy.WORKER
        ]

    def clean_subject_postcode(self):
        postcode = self.cleaned_data.get("subject_postcode", "").strip()
        if postcode and not is_valid_postcode(postcode):
            raise forms.ValidationError("Enter a real postcode, like NM1 2AB, or leave it blank")
        return normalise_postcode(postcode) if postcode else ""

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "subject_name": data["subject_name"],
            "subject_address": data["subject_address"],
            "subject_postcode": data["subject_postcode"],
            "what_happened": data["what_happened"],
            "when_happened": data["when_happened"],
            "abuse_types": data["abuse_types"],
            "immediate_risk": data["immediate_risk"] == "yes",
            "persons_views": data["persons_views"],
            "person_aware": yes_no(data["person_aware"]),
            "alleged_source": data["alleged_source"],
            "raised_by": data["raised_by"],
            "raised_by_name": data["raised_by_name"],
            "raised_by_contact": data["raised_by_contact"],
        }


class PublicConcernForm(ConcernForm):
    """The public form at /raise-a-concern/, with its spam checks. `problem` says which check failed (honeypot,
    too_fast, expired) so the view can log it; the person sees a message they can act on."""

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # A honeypot: hidden from people (and from screen readers) by the template; bots fill in every field.
    website = forms.CharField(label="Leave this blank", required=False, max_length=200)

    def __init__(self, *args, min_seconds: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_seconds = MIN_FILL_SECONDS if min_seconds is None else min_seconds
        self.problem = ""
        if not self.is_bound:
            self.initial["started"] = fresh_timestamp()

    def visible_concern_fields(self):
        return [self[name] for name in ConcernForm.base_fields]

    def clean(self):
        data = super().clean()
        if (self.data.get("website") or "").strip():
            self.problem = "honeypot"
            raise forms.ValidationError(SPAM_MESSAGE, code="spam")
        try:
            started = float(signing.loads(self.data.get("started") or "", salt=TIMESTAMP_SALT,
                                          max_age=MAX_FORM_AGE_SECONDS))  # fmt: skip
        except (signing.BadSignature, TypeError, ValueError):  # SignatureExpired is a BadSignature
            self.problem = "expired"
            raise forms.ValidationError(EXPIRED_MESSAGE, code="expired") from None
        if time.time() - started > MAX_FORM_AGE_SECONDS:
            self.problem = "expired"
            raise forms.ValidationError(EXPIRED_MESSAGE, code="expired")
        if time.time() - started < self.min_seconds:
            self.problem = "too_fast"
            raise forms.ValidationError(TOO_FAST_MESSAGE, code="too_fast")
        return data

    def refresh_timestamp(self) -> None:
        """Give a re-shown form a new timestamp after an expired or tampered one."""
        self.data = self.data.copy()
        self.data["started"] = fresh_timestamp()


class AllegedFromRegisterMixin(forms.Form):
    """Who is thought to cause harm, chosen from the registers: a personal assistant (suspended at once) or a
    provider, not both."""

    alleged_pa = forms.ModelChoiceField(
        label="A personal assistant on the register",
        queryset=PersonalAssistant.objects.filter(is_active=True).order_by("last_name", "first_name"),
        required=False,
        empty_label="None of them",
        help_text="Naming a personal assistant suspends them at once: every plan line using them is flagged.",
    )
    alleged_provider = forms.ModelChoiceField(
        label="A care provider",
        queryset=Provider.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="None of them",
    )

    def clean(self):
        data = super().clean()
        if data.get("alleged_pa") and data.get("alleged_provider"):
            self.add_error("alleged_pa", "Choose a personal assistant or a provider, not both")
        return data


class StaffConcernForm(AllegedFromRegisterMixin, ConcernForm):
    """Staff raising a concern can name a personal assistant from the register (who is then suspended) or a
    provider as causing harm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, raised_by_choices=Concern.RaisedBy.choices, **kwargs)
        self.fields["raised_by"].label = "Who is raising it?"
        self.fields["raised_by"].error_messages["required"] = "Select who is raising the concern"
        self.fields["raised_by_name"].label = "Name of whoever raised it"
        self.fields["raised_by_name"].help_text = "You, or whoever told you about it."
        self.fields["raised_by_contact"].label = "How to contact them"
        self.fields["raised_by_contact"].help_text = ""
        self.fields["person_aware"].label = "Does the person know about this concern?"
        self.fields["alleged_source"].help_text = (
            "Their name and how they know the person. If it is a personal assistant or provider on the register, "
            "choose them below as well."
        )

    def service_arguments(self) -> dict:
        return super().service_arguments() | {
            "alleged_pa": self.cleaned_data.get("alleged_pa"),
            "alleged_provider": self.cleaned_data.get("alleged_provider"),
        }


class NameAllegedForm(GovukFormMixin, AllegedFromRegisterMixin):
    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("alleged_pa") and not data.get("alleged_provider"):
            self.add_error("alleged_pa", "Choose a personal assistant or a provider")
        return data


class MatchSearchForm(forms.Form):
    q = forms.CharField(
        label="Search for the person's record",
        required=False,
        max_length=100,
        help_text="A name, date of birth, NHS number, postcode or council ID.",
    )


class TriageForm(GovukFormMixin, forms.Form):
    has_care_needs = _radio(
        "(a) Does the person have needs for care and support?",
        YES_NO,
        required_message="Select whether the person has needs for care and support",
        help_text="Whether or not the council is meeting them.",
    )
    experiencing_abuse = _radio(
        "(b) Is the person experiencing, or at risk of, abuse or neglect?",
        YES_NO,
        required_message="Select whether the person is experiencing, or at risk of, abuse or neglect",
    )
    cannot_protect_self = _radio(
        "(c) Because of those needs, is the person unable to protect themselves against the abuse or neglect or "
        "its risk?",
        YES_NO,
        required_message="Select whether the person can protect themselves",
    )
    decision = _radio(
        "Decision",
        Concern.Decision.choices,
        required_message="Select the decision",
        help_text="A section 42 enquiry only when all three criteria are met.",
    )
    decision_reasons = _text(
        "Reasons for the decision",
        max_length=10_000,
        required=True,
        required_message="Enter the reasons for the decision",
        textarea=True,
    )
    lead = forms.ModelChoiceField(
        label="Who will lead the enquiry?",
        queryset=None,
        required=False,
        empty_label="Choose someone",
    )
    desired_outcomes = _text(
        "What does the person want to happen?",
        max_length=10_000,
        help_text="Ask the person at the start of the enquiry (Making Safeguarding Personal), in their own words.",
        textarea=True,
        rows=4,
    )
    needs_advocate = _radio(
        "Would the person have substantial difficulty being involved, with no appropriate person to support them?",
        YES_NO,
        required_message="Select whether the person needs an independent advocate",
        help_text="If so, the council must arrange an independent advocate (Care Act s68).",
        required=False,
    )
    advocate_arranged = _text("Advocate arranged", help_text="Their name and organisation, once arranged.")

    def __init__(self, *args, lead_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = lead_queryset

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "has_care_needs": yes_no(data["has_care_needs"]),
            "experiencing_abuse": yes_no(data["experiencing_abuse"]),
            "cannot_protect_self": yes_no(data["cannot_protect_self"]),
            "decision": data["decision"],
            "reasons": data["decision_reasons"],
            "lead": data.get("lead"),
            "desired_outcomes": data.get("desired_outcomes", ""),
            "needs_advocate": data.get("needs_advocate") == "yes",
            "advocate_arranged": data.get("advocate_arranged", ""),
        }

    def enquiry_fields(self):
        return [self[name] for name in ("lead", "desired_outcomes", "needs_advocate", "advocate_arranged")]

    def triage_fields(self):
        return [self[name] for name in ("has_care_needs", "experiencing_abuse", "cannot_protect_self")]


class StageForm(GovukFormMixin, forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        choices=[(v, label) for v, label in Enquiry.Stage.choices if v != Enquiry.Stage.CLOSED],
        error_messages={"required": "Choose the stage", "invalid_choice": "Choose the stage"},
    )


class EnquiryEditForm(GovukFormMixin, forms.Form):
    safeguarding_plan = _text(
        "Safeguarding plan",
        max_length=10_000,
        help_text="What will keep the person safe, in the way they want: who does what, and when.",
        textarea=True,
        rows=8,
    )
    needs_advocate = _radio(
        "Would the person have substantial difficulty being involved, with no appropriate person to support them?",
        YES_NO,
        required_message="Select whether the person needs an independent advocate",
        help_text="If so, an independent advocate must be arranged before the enquiry closes (Care Act s68).",
    )
    advocate_arranged = _text("Advocate arranged", help_text="Their name and organisation.")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "safeguarding_plan": data["safeguarding_plan"],
            "needs_advocate": data["needs_advocate"] == "yes",
            "advocate_arranged": data["advocate_arranged"],
        }


class ActionForm(GovukFormMixin, forms.Form):
    action = _text("Action", max_length=300, required=True, required_message="Enter the action")
    owner = _text("Who will do it", required=True, required_message="Enter who will do it")
    due_on = GovukDateField(label="Date due", help_text="For example, 27 3 2026")


class CloseForm(GovukFormMixin, forms.Form):
    outcome = _radio("Outcome of the enquiry", Enquiry.Outcome.choices, required_message="Select the outcome")
    outcomes_achieved = _radio(
        "Were the outcomes the person wanted achieved?",
        Enquiry.Achieved.choices,
        required_message="Select whether the outcomes the person wanted were achieved",
    )


class BreakGlassForm(GovukFormMixin, forms.Form):
    reason = _text(
        "Why do you need to open this record now?",
        max_length=1000,
        required=True,
        required_message="Enter why you need to open this record now",
        help_text="At least 10 characters. The safeguarding lead reads every reason.",
        textarea=True,
        rows=4,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Enter why you need to open this record now, in at least 10 characters")
        return reason


class ReviewForm(GovukFormMixin, forms.Form):
    note = _text(
        "Review note",
        max_length=1000,
        required=True,
        required_message="Enter a note on your review",
        help_text="For example: justified, the duty worker needed the GP's number; or raised with their manager.",
        textarea=True,
        rows=3,
    )
