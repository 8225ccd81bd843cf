"""Reads for portal pages. Every fetch is filtered by the signed-in portal user, so an id typed into a URL
that belongs to someone else is simply not found (404): ids reveal nothing."""

import re
from dataclasses import dataclass, field

from django.http import Http404

from selfdirect.assessments.forms import NONE_WORDING, REASON_WORDING, sections, shows_future_hopes
from selfdirect.assessments.models import Assessment, Question, SupportRequest
from selfdirect.assessments.services import questions_for


def requests_for_portal_user(*, user):
    """The requests this account made, newest first, with their assessments."""
    return (
        SupportRequest.objects.filter(portal_user=user).prefetch_related("assessments").order_by("-created_at", "-id")
    )


def assessment_get_for_portal_user(*, user, pk: int) -> Assessment:
    """An assessment attached to one of this account's requests, or 404."""
    assessment = (
        Assessment.objects.select_related("request", "question_bank").filter(pk=pk, request__portal_user=user).first()
    )
    if assessment is None:
        raise Http404("No such self-assessment")
    return assessment


# --- Sections ---------------------------------------------------------------------------------------

_YOUR = re.compile(r"\b([Yy])our(self)?\b")


def section_title(name: str, *, on_behalf: bool) -> str:
    """Section names are written to the person ("Your health"); someone answering for them reads "Their health"."""
    if not on_behalf:
        return name

    def swap(match):
        word = "themselves" if match.group(2) else "their"
        return word.capitalize() if match.group(1) == "Y" else word

    return _YOUR.sub(swap, name)


def all_sections(assessment: Assessment) -> list[str]:
    """Every section, including "Looking ahead": section numbers in URLs index this list, so they never shift."""
    return sections(assessment, include_future_hopes=True)


def visible_sections(assessment: Assessment) -> list[str]:
    return sections(assessment, include_future_hopes=shows_future_hopes(assessment))


def future_hopes_sections(assessment: Assessment) -> list[str]:
    hidden_from_proxies = set(sections(assessment, include_future_hopes=False))
    return [name for name in all_sections(assessment) if name not in hidden_from_proxies]


def section_by_number(assessment: Assessment, number: int) -> str:
    """The section with this 1-based number, if this respondent is shown it; otherwise 404."""
    names = all_sections(assessment)
    if not 1 <= number <= len(names) or names[number - 1] not in visible_sections(assessment):
        raise Http404("No such section")
    return names[number - 1]


def section_number(assessment: Assessment, name: str) -> int:
    return all_sections(assessment).index(name) + 1


class Status:
    NOT_STARTED = "Not yet started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    OPTIONAL = "Optional"


@dataclass
class Answer:
    """One question's answer, in the wording the respondent saw."""

    question: Question
    label: str
    answered: bool
    lines: list[str] = field(default_factory=list)
    required: bool = True


@dataclass
class SectionSummary:
    name: str
    title: str
    number: int
    status: str
    answers: list[Answer]


def _is_required(question: Question) -> bool:
    # Outcome j (children) says "if this does not apply, leave it", so it is never required.
    if question.is_optional or question.is_future_hopes:
        return False
    return not (question.kind == Question.Kind.OUTCOME and question.outcome_code == "j")


def _reason_wording(reason: str, who: int) -> str:
    return REASON_WORDING[reason][who] if reason in REASON_WORDING else reason


def answers_by_section(assessment: Assessment, *, on_behalf: bool | None = None) -> list[SectionSummary]:
    """The visible sections, each with its status and its answers in plain words (for the task list and the
    check-your-answers page). Three queries, whatever the number of questions."""
    on_behalf = assessment.on_behalf if on_behalf is None else on_behalf
    who = 1 if on_behalf else 0
    outcomes = {a.code: a for a in assessment.outcome_answers.all()}
    texts = {a.question_id: a.value for a in assessment.text_answers.all()}
    visible = visible_sections(assessment)
    numbers = {name: i for i, name in enumerate(all_sections(assessment), start=1)}
    grouped: dict[str, list[Answer]] = {name: [] for name in visible}
    for question in questions_for(assessment):
        if question.section not in grouped:
            continue
        label, _hint = question.wording(on_behalf=on_behalf)
        answer = Answer(question=question, label=label, answered=False, required=_is_required(question))
        if question.kind == Question.Kind.OUTCOME:
            given = outcomes.get(question.outcome_code)
            if given is not None:
                answer.answered = True
                if given.unable_reasons:
                    answer.lines = [_reason_wording(r, who) for r in given.unable_reasons]
                else:
                    answer.lines = [NONE_WORDING[who]]
                if given.met_by_unpaid_carer:
                    answer.lines.append("Family, a friend or another unpaid carer helps with this")
                if given.own_words:
                    answer.lines.append(f"“{given.own_words}”")
        else:
            # Some answers live on the Assessment itself (FIELD_KEYS), the rest as TextAnswer rows.
            on_model = hasattr(Assessment, question.key)
            value = getattr(assessment, question.key) if on_model else texts.get(question.id)
            if question.kind == Question.Kind.YES_NO:
                value = {True: "Yes", False: "No", "yes": "Yes", "no": "No", "True": "Yes", "False": "No"}.get(
                    value, value
                )
            if value not in (None, ""):
                answer.answered = True
                answer.lines = [str(value)]
        grouped[question.section].append(answer)
    summaries = []
    for name, answers in grouped.items():
        required = [a for a in answers if a.required]
        answered = [a for a in answers if a.answered]
        if required and all(a.answered for a in required):
            status = Status.COMPLETED
        elif not required:
            status = Status.COMPLETED if answered else Status.OPTIONAL
        elif answered:
            status = Status.IN_PROGRESS
        else:
            status = Status.NOT_STARTED
        summaries.append(
            SectionSummary(
                name=name,
                title=section_title(name, on_behalf=on_behalf),
                number=numbers[name],
                status=status,
                answers=answers,
            )
        )
    return summaries


def plain_change_value(value: str, *, on_behalf: bool) -> str:
    """An AnswerChange value in plain words: outcome reasons are stored as codes ("without_assistance, ...")."""
    who = 1 if on_behalf else 0
    if value == "can achieve":
        return NONE_WORDING[who]
    parts = [p.strip() for p in value.split(",")] if value else []
    if parts and all(p in REASON_WORDING for p in parts):
        return "; ".join(_reason_wording(p, who) for p in parts)
    return {"True": "Yes", "False": "No"}.get(value, value) or "No answer"


def answer_changes_for(assessment: Assessment) -> list[dict]:
    """What the council changed while checking the self-assessment, and why (shown read-only to the person)."""
    wording = {}
    for question in questions_for(assessment):
        text, _hint = question.wording(on_behalf=assessment.on_behalf)
        wording[question.outcome_code if question.kind == Question.Kind.OUTCOME else question.key] = text
    return [
        {
            "label": wording.get(change.item, change.item_label),
            "old": plain_change_value(change.old_value, on_behalf=assessment.on_behalf),
            "new": plain_change_value(change.new_value, on_behalf=assessment.on_behalf),
            "reason": change.reason,
            "changed_at": change.changed_at,
        }
        for change in assessment.answer_changes.all()
    ]


def budget_statement_for(assessment: Assessment):
    """The person's current personal budget statement (Care Act s26), once they have one: everyone knows their
    money. None before a budget is agreed, or while the request has no record yet."""
    from selfdirect.money.budget_selectors import budget_statement
    from selfdirect.money.models import PersonalBudget

    if assessment.person_id is None:
        return None
    budget = PersonalBudget.objects.filter(person_id=assessment.person_id, is_current=True).first()
    return budget_statement(budget) if budget else None
