"""Staff pages for assessments: the queue, carrying out and verifying, involvement and advocacy, capacity,
sign-off and the decision letter. Views stay thin: a selector to fetch, a service to change."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules.advocacy import DIFFICULTY_TEXT, EXCEPTION_TEXT
from selfdirect.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES

from . import selectors, services
from .forms import REASON_WORDING, section_form, sections
from .models import AdvocacyReferral, Assessment, Question
from .staff_forms import (
    AdvocacyReferralForm,
    AdvocacyUpdateForm,
    AssessmentAllocateForm,
    AssessmentStartForm,
    CapacityForm,
    ComplexForm,
    InvolvementForm,
    SectionChangeReasonForm,
    SignOffForm,
)


def _outcome_names(assessment: Assessment) -> dict[str, str]:
    return CARER_OUTCOMES if assessment.kind == Assessment.Kind.CARER else ADULT_OUTCOMES


def _answer_rows(assessment: Assessment) -> list[dict]:
    """Every question with its answer, grouped by section, in "they" wording for staff."""
    answers = {a.code: a for a in assessment.outcome_answers.all()}
    texts = {a.question_id: a.value for a in assessment.text_answers.all()}
    rows = []
    for question in services.questions_for(assessment):
        if question.kind == Question.Kind.OUTCOME:
            answer = answers.get(question.outcome_code)
            if answer is None:
                value = "Not answered"
            elif answer.unable_reasons:
                value = "; ".join(REASON_WORDING[r][1] for r in answer.unable_reasons)
            else:
                value = "Manages without help or difficulty"
            extra = []
            if answer and answer.own_words:
                extra.append(f"In their words: {answer.own_words}")
            if answer and answer.met_by_unpaid_carer:
                extra.append("An unpaid carer helps with this (still counted for eligibility)")
            rows.append(
                {"question": question, "value": value, "extra": extra, "unable": bool(answer and answer.is_unable)}
            )
        else:
            raw = getattr(assessment, question.key) if hasattr(Assessment, question.key) else texts.get(question.id)
            value = {True: "Yes", False: "No", None: "Not answered", "": "Not answered"}.get(raw, raw)
            rows.append({"question": question, "value": value, "extra": [], "unable": False})
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row["question"].section, []).append(row)
    return [{"name": name, "number": i + 1, "rows": rs} for i, (name, rs) in enumerate(grouped.items())]


@staff_required(Action.ASSESSMENT_WORK)
def assessment_queue(request):
    context = {
        "waiting": selectors.assessments_waiting()[:100],
        "mine": selectors.assessments_for_worker(worker=request.user),
        "can_allocate": can(request.user, Action.ASSESSMENT_ALLOCATE),
    }
    return render(request, "assessments/queue.html", context)


@staff_required(Action.ASSESSMENT_WORK)
def assessment_create(request, person_pk):
    person = person_get_for_user(user=request.user, pk=person_pk)
    form = AssessmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                actor=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                method=form.cleaned_data["method"],
                cared_for=form.cleaned_data["cared_for"],
                request=request,
            )
            services.assessment_allocate(
                assessment=assessment, worker=request.user, actor=request.user, request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{assessment.get_kind_display()} started")
            return redirect(assessment)
    context = {"form": form, "person": person, "heading": "Start an assessment", "submit_label": "Start"}
    return render(request, "people/form_page.html", context)


@staff_required(Action.ASSESSMENT_WORK)
def assessment_detail(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if assessment.person_id:
        audit_person_view(actor=request.user, person=assessment.person, what="Opened an assessment", request=request)
    result = services.eligibility_for(assessment)
    outcome_names = _outcome_names(assessment)
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "sections": _answer_rows(assessment),
        "result": result,
        "unable_names": [outcome_names[c] for c in result.outcomes_unable],
        "problems": services.signoff_problems(assessment),
        "changes": assessment.answer_changes.select_related("changed_by"),
        "capacity": assessment.capacity_assessments.select_related("assessed_by"),
        "referrals": assessment.advocacy_referrals.all(),
        "difficulties": [DIFFICULTY_TEXT[d] for d in assessment.difficulties],
        "exceptions": [EXCEPTION_TEXT[e] for e in assessment.advocacy_exceptions],
        "sign_off_form": SignOffForm(),
        "can_sign_off": can(request.user, Action.ASSESSMENT_SIGN_OFF),
        "can_allocate": can(request.user, Action.ASSESSMENT_ALLOCATE),
        "is_open": assessment.status not in (Assessment.Status.SIGNED_OFF, Assessment.Status.CANCELLED),
    }
    return render(request, "assessments/detail.html", context)


def _section_name(assessment: Assessment, number: int) -> str:
    names = sections(assessment)
    if not 1 <= number <= len(names):
        raise Http404("No such section")
    return names[number - 1]


def _changes_between(assessment: Assessment, outcomes: dict, answers: dict) -> list[tuple[str, object]]:
    """The items a verifying practitioner changed: (outcome code or question key, new value)."""
    current = {a.code: a.unable_reasons for a in assessment.outcome_answers.all()}
    changed = [
        (code, data["unable_reasons"])
        for code, data in outcomes.items()
        # An outcome left with nothing ticked is not a change to the person's answer (it stays as they gave it).
        if data is not None and sorted(current.get(code) or []) != sorted(data["unable_reasons"])
    ]
    texts = {a.question.key: a.value for a in assessment.text_answers.select_related("question")}
    for key, value in answers.items():
        old = getattr(assessment, key) if hasattr(Assessment, key) else texts.get(key, "")
        new = {"yes": True, "no": False}.get(value, value) if isinstance(old, bool) or old is None else value
        if old != new and not (old in (None, "") and new in (None, "")):
            changed.append((key, value))
    return changed


@staff_required(Action.ASSESSMENT_WORK)
def assessment_section(request, pk, number):
    """Complete a section with the person, or verify a submitted self-assessment (changes need a reason)."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    name = _section_name(assessment, number)
    verifying = assessment.respondent != Assessment.Respondent.PRACTITIONER and assessment.status != "draft"
    form = section_form(assessment, name, on_behalf=True, data=request.POST or None)
    reason_form = SectionChangeReasonForm(request.POST or None) if verifying else None
    if request.method == "POST" and form.is_valid() and (reason_form is None or reason_form.is_valid()):
        outcomes, answers = form.payload()
        try:
            if verifying:
                changed = _changes_between(assessment, outcomes, answers)
                reason = reason_form.cleaned_data["reason"]
                if changed and not reason.strip():
                    raise DomainError("Give the reason for the change: the person will see it.", field="reason")
                for item, value in changed:
                    services.answer_change(
                        assessment=assessment,
                        actor=request.user,
                        item=item,
                        new_value=value,
                        reason=reason,
                        request=request,
                    )
            else:
                services.assessment_save_answers(
                    assessment=assessment, actor=request.user, outcomes=outcomes, answers=answers, request=request
                )
        except DomainError as error:
            (reason_form or form).add_domain_error(error)
        else:
            messages.success(request, f"{name}: saved")
            return redirect(assessment)
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "form": form,
        "reason_form": reason_form,
        "section": name,
        "number": number,
        "verifying": verifying,
    }
    return render(request, "assessments/section.html", context)


def _simple_form_page(request, assessment, form, heading, submit_label, on_valid):
    """GET shows the form; a valid POST runs `on_valid` (a service call) and returns to the assessment."""
    if request.method == "POST" and form.is_valid():
        try:
            on_valid(form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{heading}: saved")
            return redirect(assessment)
    context = {
        "form": form,
        "person": assessment.person,
        "assessment": assessment,
        "heading": heading,
        "submit_label": submit_label,
    }
    return render(request, "assessments/form_page.html", context)


@staff_required(Action.ASSESSMENT_WORK)
def assessment_involvement(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if assessment.person is None:
        raise Http404("Link the assessment to a person's record first")
    initial = {
        "difficulties": assessment.difficulties,
        "appropriate_person": assessment.appropriate_person,
        "exceptions": assessment.advocacy_exceptions,
    }
    form = InvolvementForm(request.POST or None, person=assessment.person, initial=initial)
    return _simple_form_page(
        request,
        assessment,
        form,
        "Involvement and advocacy",
        "Save",
        lambda d: services.involvement_record(assessment=assessment, actor=request.user, request=request, **d),
    )


@staff_required(Action.ASSESSMENT_WORK)
def advocacy_referral_create(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    form = AdvocacyReferralForm(request.POST or None)
    return _simple_form_page(
        request,
        assessment,
        form,
        "Refer for an independent advocate",
        "Send referral",
        lambda d: services.advocacy_refer(assessment=assessment, actor=request.user, request=request, **d),
    )


@staff_required(Action.ASSESSMENT_WORK)
def advocacy_referral_update(request, pk):
    referral = get_object_or_404(AdvocacyReferral, pk=pk)
    assessment = selectors.assessment_get_for_user(user=request.user, pk=referral.assessment_id)
    form = AdvocacyUpdateForm(
        request.POST or None, initial={"status": referral.status, "advocate_name": referral.advocate_name}
    )
    return _simple_form_page(
        request,
        assessment,
        form,
        f"Advocacy referral to {referral.organisation}",
        "Save",
        lambda d: services.advocacy_update(referral=referral, actor=request.user, request=request, **d),
    )


@staff_required(Action.ASSESSMENT_WORK)
def capacity_create(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if assessment.person is None:
        raise Http404("Link the assessment to a person's record first")
    form = CapacityForm(request.POST or None)

    def record(data):
        services.capacity_record(
            person=assessment.person,
            assessment=assessment,
            actor=request.user,
            decision=data["decision"],
            impairment=data["impairment"] == "yes",
            abilities=form.abilities(),
            assessed_on=data["assessed_on"],
            notes=data["notes"],
            request=request,
        )

    return _simple_form_page(request, assessment, form, "Record a mental capacity assessment", "Save", record)


@staff_required(Action.ASSESSMENT_WORK)
def assessment_complex(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    initial = {"is_complex": assessment.is_complex, "complexity_reasons": assessment.complexity_reasons}
    form = ComplexForm(request.POST or None, initial=initial)
    return _simple_form_page(
        request,
        assessment,
        form,
        "Complexity",
        "Save",
        lambda d: services.assessment_mark_complex(
            assessment=assessment,
            actor=request.user,
            is_complex=d["is_complex"],
            reasons=d["complexity_reasons"],
            request=request,
        ),
    )


@staff_required(Action.ASSESSMENT_ALLOCATE)
def assessment_allocate(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    form = AssessmentAllocateForm(request.POST or None, initial={"worker": assessment.allocated_worker})
    return _simple_form_page(
        request,
        assessment,
        form,
        "Allocate the assessment",
        "Allocate",
        lambda d: services.assessment_allocate(assessment=assessment, actor=request.user, request=request, **d),
    )


@require_POST
@staff_required(Action.ASSESSMENT_WORK)
def assessment_take(request, pk):
    """A worker takes an assessment from the queue (complex ones only if they are a qualified social worker)."""
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    try:
        services.assessment_allocate(assessment=assessment, worker=request.user, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The assessment is now with you")
    return redirect(assessment)


@staff_required(Action.ASSESSMENT_SIGN_OFF)
def assessment_sign_off(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_sign_off(
                assessment=assessment,
                actor=request.user,
                override=form.cleaned_data["decision"] == "override",
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Eligibility decision signed off")
            return redirect("decision_letter", pk=assessment.pk)
    context = {
        "form": form,
        "person": assessment.person,
        "assessment": assessment,
        "heading": "Sign off the eligibility decision",
        "submit_label": "Sign off",
        "problems": services.signoff_problems(assessment),
    }
    return render(request, "assessments/form_page.html", context)


@staff_required(Action.ASSESSMENT_WORK)
def decision_letter(request, pk):
    assessment = selectors.assessment_get_for_user(user=request.user, pk=pk)
    if assessment.status != Assessment.Status.SIGNED_OFF:
        raise Http404("There is no decision yet")
    names = _outcome_names(assessment)
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "unable_names": [names[c] for c in assessment.computed_unable],
    }
    return render(request, "assessments/letter.html", context)
