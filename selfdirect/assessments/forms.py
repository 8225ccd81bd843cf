"""Forms built from the question bank, one per section, in "you" or "they" wording.

Shared by the citizen portal (self-assessment) and staff pages (assessment with the person, verification).
Drafts save partial answers, so fields are optional here; completeness is checked on submit.
"""

from django import forms

from selfdirect.core.forms import GovukFormMixin
from selfdirect.rules.eligibility import ADULT_REASONS, CARER_REASONS

from .models import Assessment, Frequency, Question

NONE = "none"

REASON_WORDING = {
    "without_assistance": ("I need help, prompting or reminding to do this", "They need help, prompting or reminding"),
    "pain_distress_anxiety": (
        "I can do it on my own, but it causes me a lot of pain, distress or anxiety",
        "They can do it on their own, but it causes them a lot of pain, distress or anxiety",
    ),
    "endangers_health_safety": (
        "I can do it on my own, but it puts my health or safety, or someone else's, at risk",
        "They can do it on their own, but it puts their health or safety, or someone else's, at risk",
    ),
    "takes_significantly_longer": (
        "I can do it on my own, but it takes me much longer than it would take most people",
        "They can do it on their own, but it takes them much longer than it would take most people",
    ),
}
NONE_WORDING = ("None of these: I can do this without help or difficulty", "None of these: they manage without help")


def sections(assessment: Assessment, *, include_future_hopes: bool = True) -> list[str]:
    """Section names in question order (each is one page of the self-assessment)."""
    from .services import questions_for

    names = []
    for question in questions_for(assessment):
        if question.is_future_hopes and not include_future_hopes:
            continue
        if question.section not in names:
            names.append(question.section)
    return names


def shows_future_hopes(assessment: Assessment, *, staff: bool = False) -> bool:
    """Hopes for the future are never put to someone answering for the person unless they choose to."""
    return staff or not assessment.on_behalf or assessment.show_future_hopes_to_proxy


class SectionForm(GovukFormMixin, forms.Form):
    def __init__(self, *args, assessment: Assessment, questions: list[Question], on_behalf: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.questions = questions
        who = 1 if on_behalf else 0
        reasons = CARER_REASONS if assessment.kind == Assessment.Kind.CARER else ADULT_REASONS
        answers = {a.code: a for a in assessment.outcome_answers.all()}
        texts = {a.question_id: a.value for a in assessment.text_answers.all()}
        for question in questions:
            label, hint = question.wording(on_behalf=on_behalf)
            if question.kind == Question.Kind.OUTCOME:
                code = question.outcome_code
                answer = answers.get(code)
                choices = [(str(r), REASON_WORDING[str(r)][who]) for r in reasons] + [(NONE, NONE_WORDING[who])]
                self.fields[f"{code}__reasons"] = forms.MultipleChoiceField(
                    label=label,
                    help_text=hint,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=(answer.unable_reasons or [NONE]) if answer else [],
                )
                self.fields[f"{code}__own_words"] = forms.CharField(
                    label="In your own words (optional)" if not on_behalf else "In their words, or yours (optional)",
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=answer.own_words if answer else "",
                )
                self.fields[f"{code}__frequency"] = forms.ChoiceField(
                    label="If help is needed, how often?",
                    choices=Frequency.choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=answer.frequency if answer else "",
                )
                self.fields[f"{code}__carer"] = forms.BooleanField(
                    label="Family, a friend or another unpaid carer helps with this",
                    required=False,
                    initial=answer.met_by_unpaid_carer if answer else False,
                )
            elif question.kind == Question.Kind.CHOICE:
                # The options are the answer's own field choices, so stored values always match.
                self.fields[question.key] = forms.ChoiceField(
                    label=label,
                    help_text=hint,
                    choices=Assessment._meta.get_field(question.key).choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=getattr(assessment, question.key, ""),
                )
            elif question.kind == Question.Kind.YES_NO:
                value = getattr(assessment, question.key, None) if hasattr(Assessment, question.key) else None
                initial = {True: "yes", False: "no"}.get(value, texts.get(question.id, ""))
                self.fields[question.key] = forms.ChoiceField(
                    label=label,
                    help_text=hint,
                    choices=[("yes", "Yes"), ("no", "No")],
                    required=False,
                    widget=forms.RadioSelect,
                    initial=initial,
                )
            else:
                value = getattr(assessment, question.key, None) if hasattr(Assessment, question.key) else None
                label = f"{label} (optional)" if question.is_optional else label
                self.fields[question.key] = forms.CharField(
                    label=label,
                    help_text=hint,
                    required=False,
                    max_length=10000,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    initial=value or texts.get(question.id, ""),
                )

    def clean(self):
        data = super().clean()
        for question in self.questions:
            if question.kind != Question.Kind.OUTCOME:
                continue
            chosen = data.get(f"{question.outcome_code}__reasons") or []
            if NONE in chosen and len(chosen) > 1:
                self.add_error(
                    f"{question.outcome_code}__reasons",
                    "Select what applies, or 'None of these', not both",
                )
        return data

    def payload(self) -> tuple[dict, dict]:
        """(outcomes, answers) for assessments.services.assessment_save_answers. An outcome with nothing ticked
        is None (no answer: never "can achieve" by accident); a text cleared on this page is saved as cleared."""
        outcomes, answers = {}, {}
        for question in self.questions:
            if question.kind == Question.Kind.OUTCOME:
                code = question.outcome_code
                chosen = self.cleaned_data.get(f"{code}__reasons") or []
                if not chosen:
                    outcomes[code] = None
                    continue
                outcomes[code] = {
                    "unable_reasons": [r for r in chosen if r != NONE],
                    "own_words": self.cleaned_data.get(f"{code}__own_words", ""),
                    "frequency": self.cleaned_data.get(f"{code}__frequency", ""),
                    "met_by_unpaid_carer": self.cleaned_data.get(f"{code}__carer", False),
                }
            elif question.key in self.data or self.cleaned_data.get(question.key) not in (None, ""):
                answers[question.key] = self.cleaned_data.get(question.key) or ""
        return outcomes, answers


def section_form(assessment: Assessment, section: str, *, on_behalf: bool, data=None) -> SectionForm:
    from .services import questions_for

    questions = [q for q in questions_for(assessment) if q.section == section]
    return SectionForm(data, assessment=assessment, questions=questions, on_behalf=on_behalf, prefix=None)


def unanswered(assessment: Assessment) -> list[str]:
    """Required questions with no answer yet (shown on the check-your-answers page before submitting)."""
    from .services import questions_for

    answered_codes = set(assessment.outcome_answers.values_list("code", flat=True))
    texts = {a.question_id for a in assessment.text_answers.exclude(value="")}
    missing = []
    for question in questions_for(assessment):
        if question.is_optional or question.is_future_hopes:
            continue
        if question.kind == Question.Kind.OUTCOME:
            if question.outcome_code not in answered_codes and question.outcome_code != "j":
                missing.append(question.section)
        elif hasattr(Assessment, question.key):
            if getattr(assessment, question.key) in (None, ""):
                missing.append(question.section)
        elif question.id not in texts:
            missing.append(question.section)
    return list(dict.fromkeys(missing))
