"""Changes to workforce records: staff profiles, training and needs, peer groups and mentoring, and the readiness
survey. Every function runs in one transaction and writes its audit record.

Survey answers are anonymous: `survey_respond` records THAT a person answered a round (to stop a second answer) and
adds one to counts of answers per question, overall and for the person's team and role. Nothing links a count to
the person, and counts carry no time or order."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.rules import workforce as rules

from .models import (
    AnswerCount,
    Dimension,
    MentoringPair,
    PeerGroup,
    ResponseCount,
    RoundParticipation,
    StaffProfile,
    Survey,
    SurveyQuestion,
    SurveyRound,
    TrainingNeed,
    TrainingRecord,
)

# Social Work England registration numbers are "SW" followed by digits (for example SW123456).
_SWE_NUMBER = re.compile(r"^SW\d{1,8}$")
NO_TEAM = "No team"


def _audit(*, actor, action, obj, summary, changes=None, request=None):
    audit_record(actor=actor, action=action, obj=obj, summary=summary, changes=changes, request=request)


# --- Staff profiles and training -----------------------------------------------------------------------------------


@transaction.atomic
def staff_profile_save(
    *,
    user,
    actor,
    qualified_social_worker: bool,
    registration_number: str,
    registered_on: datetime.date | None,
    job_title: str,
    request=None,
) -> StaffProfile:
    number = registration_number.strip().upper().replace(" ", "")
    if qualified_social_worker and not number:
        raise DomainError("Enter the Social Work England registration number", field="registration_number")
    if number and not _SWE_NUMBER.match(number):
        raise DomainError(
            "Enter the registration number as SW followed by numbers, like SW123456", field="registration_number"
        )
    if registered_on and registered_on > timezone.localdate():
        raise DomainError("The date registered must be today or in the past", field="registered_on")
    profile, _ = StaffProfile.objects.select_for_update().get_or_create(user=user)
    fields = ["qualified_social_worker", "registration_number", "registered_on"]
    before = snapshot(profile, fields) | {"job_title": user.job_title}
    profile.qualified_social_worker = qualified_social_worker
    profile.registration_number = number if qualified_social_worker else ""
    profile.registered_on = registered_on if qualified_social_worker else None
    profile.save()
    if user.job_title != job_title.strip():
        user.job_title = job_title.strip()
        user.save(update_fields=["job_title"])
    after = snapshot(profile, fields) | {"job_title": user.job_title}
    _audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=profile, summary=f"Staff profile of {user} changed",
           changes=diff(before, after), request=request)  # fmt: skip
    return profile


@transaction.atomic
def training_record_save(
    *,
    user,
    actor,
    kind: str,
    topic: str,
    title: str,
    completed_on: datetime.date,
    expires_on: datetime.date | None,
    record: TrainingRecord | None = None,
    request=None,
) -> TrainingRecord:
    if completed_on > timezone.localdate():
        raise DomainError("The date completed must be today or in the past", field="completed_on")
    if expires_on is not None and expires_on <= completed_on:
        raise DomainError("The expiry date must be after the date completed", field="expires_on")
    fields = ["kind", "topic", "title", "completed_on", "expires_on"]
    creating = record is None
    record = record or TrainingRecord(user=user, recorded_by=actor)
    before = {} if creating else snapshot(record, fields)
    record.kind, record.topic, record.title = kind, topic, title.strip()
    record.completed_on, record.expires_on = completed_on, expires_on
    record.save()
    _audit(actor=actor, action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, obj=record,
           summary=f"Training record for {user}: {record.title}", changes=diff(before, snapshot(record, fields)),
           request=request)  # fmt: skip
    return record


@transaction.atomic
def training_needs_set(*, user, actor, needs: dict[str, bool], request=None) -> list[TrainingNeed]:
    """Make `needs` ({topic: would join a peer group}) the person's open training needs. A need no longer listed is
    marked met today; a met need listed again is reopened."""
    unknown = set(needs) - set(rules.TOPIC_LABELS)
    if unknown:
        raise DomainError("Choose topics from the list", field="topics")
    today = timezone.localdate()
    existing = {n.topic: n for n in TrainingNeed.objects.select_for_update().filter(user=user)}
    changes = {}
    for topic, need in existing.items():
        if topic not in needs and need.met_on is None:
            need.met_on = today
            need.save(update_fields=["met_on"])
            changes[topic] = ["open", "met"]
    for topic, wants_group in needs.items():
        need = existing.get(topic)
        if need is None:
            TrainingNeed.objects.create(user=user, topic=topic, noted_on=today, wants_peer_group=wants_group)
            changes[topic] = [None, "open"]
        elif need.met_on is not None or need.wants_peer_group != wants_group:
            if need.met_on is not None:
                need.noted_on, changes[topic] = today, ["met", "open"]
            need.met_on, need.wants_peer_group = None, wants_group
            need.save(update_fields=["met_on", "wants_peer_group", "noted_on"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, object_type="workforce.trainingneed",
                 object_id=str(user.pk), summary=f"Training needs of {user} recorded", changes=changes,
                 request=request)  # fmt: skip
    return list(TrainingNeed.objects.filter(user=user, met_on__isnull=True))


# --- Peer groups and mentoring -------------------------------------------------------------------------------------


@transaction.atomic
def peer_group_create(*, actor, topic: str, name: str, facilitator=None, members=(), request=None) -> PeerGroup:
    if topic not in rules.TOPIC_LABELS:
        raise DomainError("Choose a topic from the list", field="topic")
    group = PeerGroup.objects.create(
        topic=topic, name=name.strip(), facilitator=facilitator, started_on=timezone.localdate(), created_by=actor
    )
    group.members.set(members)
    _audit(actor=actor, action=AuditEvent.Action.CREATE, obj=group,
           summary=f"Peer group {group.name} formed with {len(members)} members", request=request)  # fmt: skip
    return group


@transaction.atomic
def peer_group_add_members(*, group: PeerGroup, actor, members, request=None) -> PeerGroup:
    if group.ended_on is not None:
        raise DomainError("This peer group has ended: form a new one")
    new = [m for m in members if not group.members.filter(pk=m.pk).exists()]
    if not new:
        raise DomainError("Choose at least one person who is not already a member", field="members")
    group.members.add(*new)
    _audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=group,
           summary=f"Added to peer group {group.name}: {', '.join(str(m) for m in new)}", request=request)  # fmt: skip
    return group


@transaction.atomic
def mentoring_pair_create(*, actor, topic: str, mentor, mentee, request=None) -> MentoringPair:
    if topic not in rules.TOPIC_LABELS:
        raise DomainError("Choose a topic from the list", field="topic")
    if mentor.pk == mentee.pk:
        raise DomainError("Choose a mentor who is not the mentee", field="mentor")
    if MentoringPair.objects.filter(topic=topic, mentor=mentor, mentee=mentee, ended_on__isnull=True).exists():
        raise DomainError(f"{mentor} is already mentoring {mentee} in this topic", field="mentee")
    pair = MentoringPair.objects.create(
        topic=topic, mentor=mentor, mentee=mentee, started_on=timezone.localdate(), created_by=actor
    )
    _audit(actor=actor, action=AuditEvent.Action.CREATE, obj=pair, summary=str(pair), request=request)
    return pair


@transaction.atomic
def mentoring_pair_end(*, pair: MentoringPair, actor, request=None) -> MentoringPair:
    if pair.ended_on is None:
        pair.ended_on = timezone.localdate()
        pair.save(update_fields=["ended_on"])
        _audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=pair, summary=f"Ended: {pair}", request=request)
    return pair


# --- The readiness survey ------------------------------------------------------------------------------------------


@transaction.atomic
def survey_create_default(*, actor, name: str, request=None) -> Survey:
    """A survey with the default questions (rules.workforce.DEFAULT_QUESTIONS), each linked to its published
    figures where there are any."""
    name = name.strip()
    if Survey.objects.filter(name__iexact=name).exists():
        raise DomainError("A survey with this name already exists: choose another name", field="name")
    survey = Survey.objects.create(name=name, description="Workforce readiness for personalisation")
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, key=q.key, text=q.text, hint=q.hint, scale=q.scale, topic=q.topic,
                       benchmark=q.key if q.key in rules.BENCHMARKS else "", order=(i + 1) * 10)
        for i, q in enumerate(rules.DEFAULT_QUESTIONS)
    )  # fmt: skip
    _audit(actor=actor, action=AuditEvent.Action.CREATE, obj=survey, summary=f"Survey {name} created",
           request=request)  # fmt: skip
    return survey


QUESTION_FIELDS = ["key", "text", "hint", "scale", "topic", "benchmark", "order", "is_active"]


@transaction.atomic
def survey_question_save(*, survey: Survey, actor, question: SurveyQuestion | None = None, request=None, **values):
    """Add or change a question. Once a round has asked it, its key and scale are fixed and its wording may change
    only as a correction, since earlier answers were to the words then asked (a different question is a new one)."""
    key = values["key"]
    clash = SurveyQuestion.objects.filter(survey=survey, key=key)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if clash.exists():
        raise DomainError("Another question in this survey has this key: choose another", field="key")
    creating = question is None
    question = question or SurveyQuestion(survey=survey)
    if not creating and question.rounds.exists():
        for field in ("key", "scale"):
            if values[field] != getattr(question, field):
                raise DomainError(
                    f"This question has been asked in a round, so its {field} cannot change: add a new question "
                    "and stop asking this one",
                    field=field,
                )
    before = {} if creating else snapshot(question, QUESTION_FIELDS)
    for field in QUESTION_FIELDS:
        setattr(question, field, values[field])
    question.save()
    _audit(actor=actor, action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, obj=question,
           summary=f"Survey question {question.key}", changes=diff(before, snapshot(question, QUESTION_FIELDS)),
           request=request)  # fmt: skip
    return question


@transaction.atomic
def survey_round_open(*, survey: Survey, actor, label: str, request=None) -> SurveyRound:
    Survey.objects.select_for_update().get(pk=survey.pk)  # one open round at a time, even under concurrent clicks
    if survey.rounds.filter(closed_on__isnull=True).exists():
        raise DomainError("A round of this survey is already open: close it before opening another")
    if survey.rounds.filter(label__iexact=label.strip()).exists():
        raise DomainError("A round with this name already exists: choose another name", field="label")
    questions = list(survey.questions.filter(is_active=True))
    if not questions:
        raise DomainError("The survey has no questions to ask: add one, or ask an existing one again")
    survey_round = SurveyRound.objects.create(survey=survey, label=label.strip(), opened_on=timezone.localdate())
    survey_round.questions.set(questions)
    _audit(actor=actor, action=AuditEvent.Action.CREATE, obj=survey_round,
           summary=f"Opened {survey_round} with {len(questions)} questions", request=request)  # fmt: skip
    return survey_round


@transaction.atomic
def survey_round_close(*, survey_round: SurveyRound, actor, request=None) -> SurveyRound:
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if survey_round.closed_on is not None:
        raise DomainError("This round is already closed")
    survey_round.closed_on = timezone.localdate()
    survey_round.save(update_fields=["closed_on"])
    _audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=survey_round, summary=f"Closed {survey_round}",
           request=request)  # fmt: skip
    return survey_round


def respondent_groups(user) -> dict[str, str]:
    """The groups one response is counted in: everyone, the person's main team (the first by name, so each
    person is in exactly one team group and the groups add up to the whole) and their role."""
    team = user.teams.order_by("name").first()
    return {Dimension.ALL: Dimension.ALL.label, Dimension.TEAM: team.name if team else NO_TEAM,
            Dimension.ROLE: user.get_role_display() or "No role"}  # fmt: skip


def _add_one(model, **key) -> None:
    field = "respondents" if model is ResponseCount else "count"
    row, _ = model.objects.select_for_update().get_or_create(**key)
    model.objects.filter(pk=row.pk).update(**{field: F(field) + 1})


@transaction.atomic
def survey_respond(*, survey_round: SurveyRound, user, answers: dict[str, str], request=None) -> None:
    """Count one person's answers. `answers` maps each question's key to one option of its scale; every question in
    the round must be answered."""
    # Read afresh and lock: a round closed a moment ago takes no more answers.
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if not survey_round.is_open:
        raise DomainError("This round of the survey has closed")
    questions = list(survey_round.questions.all())
    for question in questions:
        options = dict(rules.SCALES[question.scale].options)
        if answers.get(question.key) not in options:
            raise DomainError(f"Answer: {question.text}", field=question.key)
    try:
        with transaction.atomic():
            RoundParticipation.objects.create(round=survey_round, user=user, responded_on=timezone.localdate())
    except IntegrityError as exc:
        raise DomainError("You have already answered this round of the survey. Thank you.") from exc
    groups = respondent_groups(user)
    for dimension, group in groups.items():
        _add_one(ResponseCount, round=survey_round, dimension=dimension, group=group)
        for question in questions:
            _add_one(AnswerCount, round=survey_round, question=question, dimension=dimension, group=group,
                     option=answers[question.key])  # fmt: skip
    # The audit says who took part (as RoundParticipation does), never what they answered.
    _audit(actor=user, action=AuditEvent.Action.CREATE, obj=survey_round,
           summary=f"Answered {survey_round} (answers are anonymous)", request=request)  # fmt: skip
