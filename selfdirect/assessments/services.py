"""Every change of state in requests and assessments. Each runs in one transaction and writes its audit
record (and, once a person record is linked, a timeline event) alongside the change."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.services import person_change_record, person_create
from selfdirect.rules import eligibility
from selfdirect.rules.advocacy import signoff_blockers
from selfdirect.rules.capacity import capacity_summary, lacks_capacity

from .models import (
    AdvocacyReferral,
    AnswerChange,
    Assessment,
    CapacityAssessment,
    Frequency,
    OutcomeAnswer,
    Question,
    QuestionBank,
    SupportRequest,
    TextAnswer,
)
from .question_bank_default import FIELD_KEYS

# Who may decide eligibility (a qualified practitioner); complex cases need a qualified social worker.
QUALIFIED_ROLES = {Role.SOCIAL_WORKER, Role.OCCUPATIONAL_THERAPIST, Role.TEAM_MANAGER}
COMPLEX_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}

REQUEST_FIELDS = ["status", "outcome", "outcome_on", "outcome_notes", "person"]
ASSESSMENT_STATE_FIELDS = ["status", "allocated_worker", "is_complex", "decision", "decision_eligible"]


# --- Requests for support -------------------------------------------------------------------------


@transaction.atomic
def request_record(*, actor, person: Person | None = None, request=None, **fields) -> SupportRequest:
    """Record a request for support, by staff (actor is staff) or through the portal (portal_user set)."""
    if person is not None:
        fields.setdefault("subject_first_name", person.first_name)
        fields.setdefault("subject_last_name", person.last_name)
        fields.setdefault("subject_date_of_birth", person.date_of_birth)
        fields.setdefault("subject_postcode", person.postcode)
    support_request = SupportRequest.objects.create(
        person=person, recorded_by=actor if getattr(actor, "is_staff_member", False) else None, **fields
    )
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=support_request,
        person=person,
        request=request,
        summary=f"Request for support received ({support_request.get_channel_display()})",
        event_type=PersonEvent.Type.REQUEST,
        title="Request for support received",
        detail=support_request.what_they_need,
    )
    return support_request


@transaction.atomic
def request_link_person(*, support_request: SupportRequest, person: Person, actor, request=None) -> SupportRequest:
    """Attach a request (and any self-assessment started with it) to an existing person's record."""
    # Lock and re-read: two workers linking the same request at once must not overwrite each other.
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if support_request.person_id and support_request.person_id != person.pk:
        raise DomainError("This request is already linked to another person's record.")
    support_request.person = person
    support_request.save(update_fields=["person"])
    support_request.assessments.filter(person__isnull=True).update(person=person)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=support_request,
        person=person,
        request=request,
        summary="Request linked to the person's record",
        event_type=PersonEvent.Type.REQUEST,
        title="Request for support linked to this record",
        detail=support_request.what_they_need,
    )
    return support_request


@transaction.atomic
def request_create_person(*, support_request: SupportRequest, actor, request=None, **person_fields) -> Person:
    """Create the person's record from what the request says (nothing typed twice), then link it."""
    fields = {
        "first_name": support_request.subject_first_name,
        "last_name": support_request.subject_last_name,
        "date_of_birth": support_request.subject_date_of_birth,
        "postcode": support_request.subject_postcode,
        "phone": support_request.subject_phone,
    } | person_fields
    if fields["date_of_birth"] is None:
        raise DomainError("Record the person's date of birth before creating their record.", field="date_of_birth")
    if support_request.subject_date_of_birth is None:
        # Keep what the worker has just found out on the request too, so the two never disagree.
        support_request.subject_date_of_birth = fields["date_of_birth"]
        support_request.save(update_fields=["subject_date_of_birth"])
    person = person_create(actor=actor, request=request, **fields)
    request_link_person(support_request=support_request, person=person, actor=actor, request=request)
    return person


@transaction.atomic
def request_conclude(*, support_request: SupportRequest, outcome: str, actor, notes: str = "", request=None):
    """Close a request with its CLD outcome. "Progress to Assessment" opens a needs assessment."""
    support_request = (
        SupportRequest.objects.select_for_update(of=("self",)).select_related("person").get(pk=support_request.pk)
    )
    if support_request.status == SupportRequest.Status.CLOSED:
        raise DomainError("This request has already been concluded.")
    if support_request.person_id is None:
        raise DomainError("Link the request to a person's record (or create one) before concluding it.")
    before = snapshot(support_request, REQUEST_FIELDS)
    support_request.status = SupportRequest.Status.CLOSED
    support_request.outcome = outcome
    support_request.outcome_on = timezone.localdate()
    support_request.outcome_notes = notes
    support_request.save()
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=support_request,
        person=support_request.person,
        summary=f"Request concluded: {outcome}",
        changes=diff(before, snapshot(support_request, REQUEST_FIELDS)),
        event_type=PersonEvent.Type.REQUEST,
        title=f"Request concluded: {outcome}",
        detail=notes,
        request=request,
    )
    assessment = None
    if outcome == "Progress to Assessment" and not support_request.assessments.exists():
        assessment = assessment_start(
            actor=actor,
            person=support_request.person,
            support_request=support_request,
            request=request,
            method="Face to Face",
        )
    return assessment


# --- Assessments ----------------------------------------------------------------------------------


def current_question_bank() -> QuestionBank:
    bank = QuestionBank.objects.filter(published_at__isnull=False).order_by("-version").first()
    if bank is None:
        raise DomainError("No question bank has been published. An administrator must publish one.")
    return bank


@transaction.atomic
def assessment_start(
    *,
    actor,
    person: Person | None = None,
    support_request: SupportRequest | None = None,
    kind: str = Assessment.Kind.NEEDS,
    respondent: str = Assessment.Respondent.PRACTITIONER,
    respondent_name: str = "",
    respondent_relationship: str = "",
    method: str = "Face to Face",
    cared_for: Person | None = None,
    request=None,
) -> Assessment:
    if kind == Assessment.Kind.CARER and cared_for is None and person is not None:
        raise DomainError("Say who the carer looks after.", field="cared_for")
    assessment = Assessment.objects.create(
        kind=kind,
        person=person or getattr(support_request, "person", None),
        request=support_request,
        cared_for=cared_for,
        question_bank=current_question_bank(),
        respondent=respondent,
        respondent_name=respondent_name,
        respondent_relationship=respondent_relationship,
        method=method,
        assessment_type="Carers Assessment" if kind == Assessment.Kind.CARER else "Care Act Needs Assessment",
        status=Assessment.Status.DRAFT,
    )
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=assessment,
        person=assessment.person,
        request=request,
        summary=f"{assessment.get_kind_display()} started",
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"{assessment.get_kind_display()} started",
    )
    return assessment


def questions_for(assessment: Assessment):
    """The bank's questions for this kind of assessment, in order."""
    kinds = [Question.AppliesTo.BOTH, assessment.kind]
    return assessment.question_bank.questions.filter(applies_to__in=kinds).order_by("order", "id")


def _answer_value(question: Question, value):
    if question.kind == Question.Kind.YES_NO:
        return {"yes": True, "no": False, True: True, False: False}.get(value)  # "" clears to None
    return (value or "").strip()


@transaction.atomic
def assessment_save_answers(
    *,
    assessment: Assessment,
    actor,
    outcomes: dict | None = None,
    answers: dict | None = None,
    expected_version: int | None = None,
    request=None,
) -> Assessment:
    """Save some or all answers (autosave and "save and come back later" call this with partial data).

    outcomes: {code: {"unable_reasons": [...], "own_words": str, "met_by_unpaid_carer": bool}}, or
        {code: None} to remove an answer (nothing ticked any more)
    answers: {question key: value}; yes/no answers are "yes" / "no"; "" clears an answer.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status in (Assessment.Status.SIGNED_OFF, Assessment.Status.CANCELLED):
        raise DomainError("This assessment is finished and can no longer be changed.")
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError("Someone else saved this assessment while you were working on it. Reload to see it.")
    allowed_reasons = eligibility.CARER_REASONS if locked.kind == Assessment.Kind.CARER else eligibility.ADULT_REASONS
    codes = eligibility.CARER_OUTCOMES if locked.kind == Assessment.Kind.CARER else eligibility.ADULT_OUTCOMES
    for code, data in (outcomes or {}).items():
        if code not in codes:
            raise DomainError(f"Unknown outcome {code!r} for this kind of assessment.")
        if data is None:
            OutcomeAnswer.objects.filter(assessment=locked, code=code).delete()
            continue
        reasons = [str(r) for r in data.get("unable_reasons", [])]
        if any(r not in allowed_reasons for r in reasons):
            raise DomainError("One of the reasons given does not apply to this kind of assessment.")
        if (data.get("frequency") or "") not in ("", *Frequency.values):
            raise DomainError("Choose how often help is needed from the list.")
        OutcomeAnswer.objects.update_or_create(
            assessment=locked,
            code=code,
            defaults={
                "frequency": data.get("frequency") or "",
                "unable_reasons": reasons,
                "own_words": (data.get("own_words") or "").strip(),
                "met_by_unpaid_carer": bool(data.get("met_by_unpaid_carer")),
            },
        )
    by_key = {q.key: q for q in questions_for(locked)}
    for key, value in (answers or {}).items():
        question = by_key.get(key)
        if question is None:
            continue  # a question from another version or kind: ignore rather than fail a whole autosave
        if key in FIELD_KEYS:
            value = _answer_value(question, value)
            choices = Assessment._meta.get_field(key).choices
            if choices and value not in ("", None, *dict(choices)):
                raise DomainError(f"{value!r} is not one of the answers to this question.", field=key)
            setattr(locked, key, value)
        else:
            TextAnswer.objects.update_or_create(
                assessment=locked, question=question, defaults={"value": _answer_value(question, value)}
            )
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        summary="Assessment answers saved",
        request=request,
    )
    return locked


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor, request=None) -> Assessment:
    """A self-assessment is handed to the council for a worker to verify."""
    if assessment.status != Assessment.Status.DRAFT:
        raise DomainError("This assessment has already been submitted.")
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=assessment,
        person=assessment.person,
        request=request,
        summary="Self-assessment submitted",
        event_type=PersonEvent.Type.ASSESSMENT,
        title="Self-assessment submitted",
        detail=f"Completed by {assessment.get_respondent_display().lower()}",
    )
    return assessment


def _require_role(actor, roles, message):
    if actor.role not in roles:
        raise DomainError(message)


@transaction.atomic
def assessment_allocate(*, assessment: Assessment, worker, actor, request=None) -> Assessment:
    """Give the assessment to a worker. Complex assessments need a qualified social worker."""
    if assessment.is_complex and worker.role not in COMPLEX_ROLES:
        raise DomainError(
            f"This assessment is marked complex, so it needs a qualified social worker; {worker} is a "
            f"{worker.get_role_display().lower()}.",
            field="worker",
        )
    before = snapshot(assessment, ASSESSMENT_STATE_FIELDS)
    assessment.allocated_worker = worker
    if assessment.status in (Assessment.Status.DRAFT, Assessment.Status.SUBMITTED):
        assessment.status = Assessment.Status.IN_PROGRESS
    assessment.save()
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=assessment,
        person=assessment.person,
        request=request,
        summary=f"Assessment allocated to {worker}",
        changes=diff(before, snapshot(assessment, ASSESSMENT_STATE_FIELDS)),
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"Assessment allocated to {worker}",
    )
    return assessment


@transaction.atomic
def assessment_mark_complex(*, assessment: Assessment, actor, is_complex: bool, reasons: str, request=None):
    if is_complex and not reasons.strip():
        raise DomainError("Say why the assessment is complex.", field="complexity_reasons")
    assessment.is_complex = is_complex
    assessment.complexity_reasons = reasons.strip()
    assessment.save(update_fields=["is_complex", "complexity_reasons", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=assessment,
        person_id=assessment.person_id,
        summary="Marked complex" if is_complex else "Marked not complex",
        changes={"is_complex": [None, is_complex]},
        request=request,
    )
    return assessment


@transaction.atomic
def answer_change(*, assessment: Assessment, actor, item: str, new_value, reason: str, request=None) -> AnswerChange:
    """A practitioner verifying a self-assessment changes one answer, with a reason the person will see."""
    if not reason.strip():
        raise DomainError("Give the reason for the change: the person will see it.", field="reason")
    codes = eligibility.CARER_OUTCOMES if assessment.kind == Assessment.Kind.CARER else eligibility.ADULT_OUTCOMES
    if item in codes:
        answer, _ = OutcomeAnswer.objects.get_or_create(assessment=assessment, code=item)
        old = ", ".join(answer.unable_reasons) or "can achieve"
        assessment_save_answers(
            assessment=assessment,
            actor=actor,
            outcomes={
                item: {
                    "unable_reasons": list(new_value),
                    "own_words": answer.own_words,
                    "met_by_unpaid_carer": answer.met_by_unpaid_carer,
                }
            },
            request=request,
        )
        label, new = codes[item], ", ".join(new_value) or "can achieve"
    else:
        question = questions_for(assessment).filter(key=item).first()
        if question is None:
            raise DomainError("There is no such question in this assessment.")
        old = (
            getattr(assessment, item)
            if item in FIELD_KEYS
            else getattr(TextAnswer.objects.filter(assessment=assessment, question=question).first(), "value", "")
        )
        assessment_save_answers(assessment=assessment, actor=actor, answers={item: new_value}, request=request)
        label, new = question.text_they, str(new_value)
    return AnswerChange.objects.create(
        assessment=assessment,
        item=item,
        item_label=label,
        old_value="" if old is None else str(old),
        new_value=new,
        reason=reason.strip(),
        changed_by=actor,
    )


def eligibility_for(assessment: Assessment) -> eligibility.EligibilityResult:
    """Run the statutory rule on what is recorded. Unanswered conditions count as not met."""
    unable = {a.code: a.unable_reasons for a in assessment.outcome_answers.all() if a.unable_reasons}
    if assessment.kind == Assessment.Kind.CARER:
        return eligibility.carer_eligibility(
            needs_arise_from_providing_necessary_care=bool(assessment.needs_from_caring),
            health_deteriorating=bool(assessment.carer_health_deteriorating),
            unable=unable,
            significant_impact_on_wellbeing=bool(assessment.significant_impact),
        )
    return eligibility.adult_eligibility(
        needs_arise_from_impairment_or_illness=bool(assessment.needs_from_impairment),
        unable=unable,
        significant_impact_on_wellbeing=bool(assessment.significant_impact),
    )


@transaction.atomic
def involvement_record(
    *, assessment: Assessment, actor, difficulties: list[str], appropriate_person=None, exceptions=(), request=None
) -> Assessment:
    """Record the s67 test: substantial difficulty in being involved, and who can support involvement."""
    if appropriate_person is not None and appropriate_person.person_id != assessment.person_id:
        raise DomainError("The appropriate person must be one of this person's contacts.", field="appropriate_person")
    assessment.difficulties = sorted(set(difficulties))
    assessment.appropriate_person = appropriate_person
    assessment.advocacy_exceptions = sorted(set(exceptions))
    assessment.involvement_recorded = True
    assessment.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=assessment,
        person_id=assessment.person_id,
        summary="Involvement and advocacy needs recorded",
        changes={"difficulties": [None, assessment.difficulties]},
        request=request,
    )
    return assessment


@transaction.atomic
def advocacy_refer(*, assessment: Assessment, actor, organisation: str, notes: str = "", request=None):
    referral = AdvocacyReferral.objects.create(assessment=assessment, organisation=organisation, notes=notes)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=referral,
        person=assessment.person,
        request=request,
        summary=f"Advocacy referral to {organisation}",
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"Referred for an independent advocate ({organisation})",
    )
    return referral


@transaction.atomic
def advocacy_update(*, referral: AdvocacyReferral, actor, status: str, advocate_name: str = "", request=None):
    if status == AdvocacyReferral.Status.ARRANGED and not advocate_name.strip():
        raise DomainError("Record the advocate's name once one is arranged.", field="advocate_name")
    before = snapshot(referral, ["status", "advocate_name"])
    referral.status = status
    referral.advocate_name = advocate_name.strip()
    referral.save()
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=referral,
        person=referral.assessment.person,
        summary=f"Advocacy referral: {referral.get_status_display()}",
        request=request,
        changes=diff(before, snapshot(referral, ["status", "advocate_name"])),
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"Advocacy: {referral.get_status_display().lower()}" + (f" ({advocate_name})" if advocate_name else ""),
    )
    return referral


@transaction.atomic
def capacity_record(
    *,
    person: Person,
    actor,
    decision: str,
    impairment: bool,
    abilities: dict[str, bool],
    assessed_on,
    assessment: Assessment | None = None,
    notes: str = "",
    request=None,
) -> CapacityAssessment:
    record = CapacityAssessment.objects.create(
        person=person,
        assessment=assessment,
        decision=decision,
        impairment=impairment,
        can_understand=abilities["understand"],
        can_retain=abilities["retain"],
        can_use_or_weigh=abilities["use_or_weigh"],
        can_communicate=abilities["communicate"],
        lacks_capacity=lacks_capacity(impairment=impairment, abilities=abilities),
        notes=notes,
        assessed_by=actor,
        assessed_on=assessed_on,
    )
    summary = capacity_summary(impairment=impairment, abilities=abilities, decision=decision)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=record,
        person=person,
        summary="Capacity assessed",
        event_type=PersonEvent.Type.CAPACITY,
        title="Mental capacity assessed",
        detail=summary,
        request=request,
    )
    return record


def signoff_problems(assessment: Assessment) -> list[str]:
    """Everything that stops sign-off, each as a message the worker can act on."""
    problems = []
    if assessment.person_id is None:
        problems.append("Link the assessment to the person's record.")
    if assessment.status != Assessment.Status.IN_PROGRESS:
        problems.append("A worker must take the assessment (or a manager allocate it) before sign-off.")
    conditions = (
        ["needs_from_caring", "significant_impact"]
        if assessment.kind == Assessment.Kind.CARER
        else ["needs_from_impairment", "significant_impact"]
    )
    for name in conditions:
        if getattr(assessment, name) is None:
            problems.append(f"Answer: {Assessment._meta.get_field(name).verbose_name.lower()}?")
    if not assessment.involvement_recorded:
        problems.append("Record whether the person has substantial difficulty being involved (advocacy).")
    else:
        problems += signoff_blockers(
            difficulties=assessment.difficulties,
            has_appropriate_person=assessment.appropriate_person_id is not None,
            advocate_arranged=assessment.advocacy_referrals.filter(status=AdvocacyReferral.Status.ARRANGED).exists(),
            exceptions=assessment.advocacy_exceptions,
        )
    return problems


@transaction.atomic
def assessment_sign_off(
    *, assessment: Assessment, actor, override: bool = False, reason: str = "", request=None
) -> Assessment:
    """A qualified practitioner confirms (or overrides, with a reason) the computed eligibility."""
    _require_role(actor, QUALIFIED_ROLES, "Only a qualified practitioner can sign off an eligibility decision.")
    if assessment.is_complex and actor.role not in COMPLEX_ROLES:
        raise DomainError("This assessment is complex: a qualified social worker must sign it off.")
    problems = signoff_problems(assessment)
    if problems:
        raise DomainError(" ".join(problems))
    if override and not reason.strip():
        raise DomainError("Give the reason for overriding the calculated decision.", field="reason")
    result = eligibility_for(assessment)
    assessment.computed_eligible = result.eligible
    assessment.computed_unable = result.outcomes_unable
    assessment.computed_explanation = result.explanation
    assessment.decision = Assessment.Decision.OVERRIDDEN if override else Assessment.Decision.CONFIRMED
    assessment.decision_eligible = (not result.eligible) if override else result.eligible
    assessment.decision_reason = reason.strip()
    assessment.decided_by = actor
    assessment.event_outcome = (
        "Progress to Support Planning / Services"
        if assessment.decision_eligible
        else "NFA - Information & Advice / Signposting only"
    )
    assessment.status = Assessment.Status.SIGNED_OFF
    assessment.signed_off_at = timezone.now()
    assessment.save()
    outcome = "eligible" if assessment.decision_eligible else "not eligible"
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=assessment,
        person=assessment.person,
        request=request,
        summary=f"Eligibility decided: {outcome} ({assessment.get_decision_display().lower()})",
        changes={"decision_eligible": [None, assessment.decision_eligible]},
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"Eligibility decision: {outcome}",
        detail=reason or " ".join(result.explanation),
    )
    if assessment.decision_eligible:
        # Everyone knows their money: the indicative budget is worked out the moment needs are found eligible.
        from selfdirect.money.ras import indicative_budget_for_assessment

        indicative_budget_for_assessment(assessment=assessment, actor=actor, request=request)
    return assessment


# --- Question bank versions ---------------------------------------------------------------------------


@transaction.atomic
def question_bank_new_version(*, bank: QuestionBank, actor) -> QuestionBank:
    """Copy a bank into a new draft version to edit; published versions never change."""
    latest = QuestionBank.objects.select_for_update().order_by("-version").first()
    draft = QuestionBank.objects.create(version=latest.version + 1, notes=f"Based on version {bank.version}")
    Question.objects.bulk_create(
        Question(
            **{f.name: getattr(q, f.name) for f in Question._meta.concrete_fields if f.name not in ("id", "bank")},
            bank=draft,
        )
        for q in bank.questions.all()
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=draft,
        summary=f"Question bank version {draft.version} drafted from version {bank.version}",
    )
    return draft


@transaction.atomic
def question_bank_publish(*, bank: QuestionBank, actor) -> QuestionBank:
    """Publish a draft: new assessments use it; assessments already started keep their own version."""
    bank = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    if bank.published_at:
        raise DomainError("This version is already published.")
    questions = list(bank.questions.all())
    kinds = {q.applies_to for q in questions}
    if not questions or not ({"needs", "both"} & kinds):
        raise DomainError("A question bank needs questions for needs assessments before it can be published.")
    missing = [q.key for q in questions if not (q.text_you.strip() and q.text_they.strip())]
    if missing:
        raise DomainError(f"Every question needs both wordings (for the person and for someone else): {missing}")
    bank.published_at = timezone.now()
    bank.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=bank,
        summary=f"Question bank version {bank.version} published",
    )
    return bank
