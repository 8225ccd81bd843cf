"""Reads for workforce pages: staff and their training, needs by topic and team, who holds complex or safeguarding
work without being qualified for it, survey results (never below the minimum group size) and suggestions for peer
groups and mentoring."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.roles import Role
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
    Team,
    TrainingNeed,
    TrainingRecord,
)

# The roles the assessment service already lets hold complex assessments (assessments.services.COMPLEX_ROLES).
COMPLEX_WORK_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}


def _staff() -> QuerySet:
    return get_user_model().objects.filter(is_active=True).exclude(role="")


# --- Staff ---------------------------------------------------------------------------------------------------------


def staff_list(*, team: Team | None = None, topic: str = "") -> QuerySet:
    """Active staff with their profile, teams and open training needs; optionally only a team's members, or only
    those with an open need in `topic`."""
    staff = _staff().select_related("staff_profile")
    if team is not None:
        staff = staff.filter(teams=team)
    if topic:
        staff = staff.filter(training_needs__topic=topic, training_needs__met_on__isnull=True)
    return staff.prefetch_related(
        "teams", Prefetch("training_needs", queryset=TrainingNeed.objects.filter(met_on__isnull=True), to_attr="open")
    ).order_by("last_name", "first_name", "pk")


def staff_get(*, pk) -> object:
    return get_object_or_404(_staff().select_related("staff_profile").prefetch_related("teams"), pk=pk)


def staff_profile_of(user) -> StaffProfile | None:
    return StaffProfile.objects.filter(user=user).first()


def training_records(*, user) -> list[TrainingRecord]:
    today = timezone.localdate()
    records = list(TrainingRecord.objects.filter(user=user).order_by("-completed_on", "-id"))
    for record in records:
        record.current = record.is_current(today)
        record.expires_soon = (
            record.current and record.expires_on is not None and (record.expires_on - today).days <= 60
        )
    return records


def training_needs(*, user) -> list[TrainingNeed]:
    return list(TrainingNeed.objects.filter(user=user).order_by("met_on", "topic"))


def training_record_get(*, user, pk) -> TrainingRecord:
    return get_object_or_404(TrainingRecord, user=user, pk=pk)


def needs_summary() -> dict:
    """Open training needs by topic and team (a person in two teams counts in both), with how many staff hold
    current training in each topic: where to put training and who could mentor."""
    teams = list(Team.objects.order_by("name"))
    needs = TrainingNeed.objects.filter(met_on__isnull=True, user__is_active=True).exclude(user__role="")
    by_topic_team: dict = defaultdict(int)
    totals: dict = defaultdict(int)
    peer: dict = defaultdict(int)
    for topic, team_id in needs.values_list("topic", "user__teams"):
        by_topic_team[(topic, team_id)] += 1
    for topic, wants in needs.values_list("topic", "wants_peer_group"):
        totals[topic] += 1
        peer[topic] += wants
    today = timezone.localdate()
    trained = defaultdict(set)
    current = TrainingRecord.objects.filter(completed_on__lte=today, user__is_active=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    for topic, user_id in current.exclude(topic="").values_list("topic", "user_id"):
        trained[topic].add(user_id)
    rows = [
        {
            "topic": code,
            "label": label,
            "cells": [by_topic_team[(code, t.pk)] for t in teams],
            "total": totals[code],
            "peer": peer[code],
            "trained": len(trained[code]),
        }
        for code, label in rules.TOPICS
    ]
    return {"teams": teams, "rows": rows}


# --- Allocation of complex and safeguarding work -------------------------------------------------------------------


def _qualified(user, profile: StaffProfile | None) -> bool:
    if not getattr(user, "is_staff_member", False):
        return False
    if profile is not None:
        return profile.qualified_social_worker and bool(profile.registration_number)
    return user.role in COMPLEX_WORK_ROLES


def qualified_for_complex_work(user) -> bool:
    """Whether `user` may hold complex and safeguarding work: a qualified social worker. The staff profile decides
    when there is one (a recorded Social Work England registration); without a profile, the role does (social
    workers and team managers, as the assessment service already requires for complex assessments)."""
    if user is None:
        return False
    return _qualified(user, StaffProfile.objects.filter(user_id=user.pk).first())


@dataclass
class AllocationConcern:
    person: object
    worker: object
    reasons: list[str] = field(default_factory=list)
    safeguarding: bool = False
    complex: bool = False


SAFEGUARDING_REASON = "Open safeguarding enquiry"
COMPLEX_ASSESSMENT_REASON = "Assessment marked complex"
HIGH_RISK_PLAN_REASON = "Support plan marked complex or high-risk"


def _qualified_ids(worker_ids: set[int]) -> set[int]:
    users = get_user_model().objects.filter(pk__in=worker_ids).select_related("staff_profile")
    return {u.pk for u in users if _qualified(u, getattr(u, "staff_profile", None))}


def allocation_concerns(*, team: Team | None = None) -> list[AllocationConcern]:
    """People (alive, with an allocated worker) who need a qualified social worker, because they have an open
    safeguarding enquiry, an assessment marked complex (not cancelled), or a support plan marked complex or
    high-risk (not cancelled or superseded), but whose allocated worker is not qualified for that work
    (qualified_for_complex_work)."""
    from selfdirect.assessments.models import Assessment
    from selfdirect.people.models import Person
    from selfdirect.planning.models import SupportPlan
    from selfdirect.safeguarding.models import SafeguardingEnquiry

    people = Person.objects.filter(date_of_death__isnull=True, allocated_worker__isnull=False)
    if team is not None:
        people = people.filter(allocated_team=team)
    reasons: dict[int, list[str]] = defaultdict(list)
    enquiries = SafeguardingEnquiry.objects.filter(closed_at__isnull=True, person__in=people)
    for person_id in enquiries.values_list("person_id", flat=True).distinct():
        reasons[person_id].append(SAFEGUARDING_REASON)
    complex_assessments = Assessment.objects.filter(is_complex=True, person__in=people).exclude(
        status=Assessment.Status.CANCELLED
    )
    for person_id in complex_assessments.values_list("person_id", flat=True).distinct():
        reasons[person_id].append(COMPLEX_ASSESSMENT_REASON)
    live = [s for s in SupportPlan.Status if s not in (SupportPlan.Status.CANCELLED, SupportPlan.Status.SUPERSEDED)]
    high_risk = SupportPlan.objects.filter(high_risk=True, status__in=live, person__in=people)
    for person_id in high_risk.values_list("person_id", flat=True).distinct():
        reasons[person_id].append(HIGH_RISK_PLAN_REASON)
    if not reasons:
        return []
    flagged = list(
        Person.objects.filter(pk__in=reasons)
        .select_related("allocated_worker", "allocated_team")
        .order_by("allocated_team__name", "last_name", "first_name", "pk")
    )
    qualified = _qualified_ids({p.allocated_worker_id for p in flagged})
    return [
        AllocationConcern(
            person=p,
            worker=p.allocated_worker,
            reasons=reasons[p.pk],
            safeguarding=SAFEGUARDING_REASON in reasons[p.pk],
            complex=any(r != SAFEGUARDING_REASON for r in reasons[p.pk]),
        )
        for p in flagged
        if p.allocated_worker_id not in qualified
    ]


def allocation_concerns_for_user(*, user, team: Team | None = None) -> list[dict]:
    """The concerns as a manager's page shows them: a restricted record's name is shown only to those who may open
    it, and that the reason is safeguarding only to those who may see safeguarding records about the person."""
    from selfdirect.people.selectors import can_see_restricted
    from selfdirect.safeguarding.selectors import can_see_safeguarding

    rows = []
    for concern in allocation_concerns(team=team):
        person = concern.person
        sees_safeguarding = can_see_safeguarding(user=user, person=person)
        reasons = [r for r in concern.reasons if r != SAFEGUARDING_REASON or sees_safeguarding]
        if concern.safeguarding and not sees_safeguarding:
            reasons.append("Needs a qualified social worker (the reason is open only to safeguarding staff)")
        rows.append(
            {
                "person": person,
                "visible": not person.is_restricted or can_see_restricted(user=user, person=person),
                "worker": concern.worker,
                "reasons": reasons,
            }
        )
    return rows


# --- The readiness survey ------------------------------------------------------------------------------------------


def surveys() -> QuerySet[Survey]:
    return Survey.objects.prefetch_related("rounds").order_by("name")


def survey_get(*, pk) -> Survey:
    return get_object_or_404(Survey, pk=pk)


def question_get(*, survey: Survey, pk) -> SurveyQuestion:
    return get_object_or_404(SurveyQuestion, survey=survey, pk=pk)


def round_get(*, pk) -> SurveyRound:
    return get_object_or_404(SurveyRound.objects.select_related("survey"), pk=pk)


def respondents(*, survey_round: SurveyRound) -> int:
    row = ResponseCount.objects.filter(round=survey_round, dimension=Dimension.ALL).first()
    return row.respondents if row else 0


def rounds_open_for(*, user) -> list[SurveyRound]:
    """Open rounds, each marked with whether `user` has answered it."""
    rounds = list(SurveyRound.objects.filter(closed_on__isnull=True).select_related("survey").order_by("opened_on"))
    answered = set(RoundParticipation.objects.filter(user=user).values_list("round_id", flat=True))
    for r in rounds:
        r.answered = r.pk in answered
    return rounds


def has_answered(*, survey_round: SurveyRound, user) -> bool:
    return RoundParticipation.objects.filter(round=survey_round, user=user).exists()


@dataclass
class Estimate:
    """A percentage with its 95% Wilson interval, from `count` of `n` answers."""

    count: int
    n: int
    percent: int = 0
    lower: int = 0
    upper: int = 0

    def __post_init__(self):
        lower, upper = rules.wilson_interval(self.count, self.n)
        self.percent = rules.percent(self.count / self.n)
        self.lower, self.upper = rules.percent(lower), rules.percent(upper)


def _question_measures(question: SurveyQuestion) -> list[dict]:
    """The measures a question is reported on: its scale's headline measure, and any single option a published
    figure counted; each with the published figures for it."""
    scale = rules.SCALES[question.scale]
    benchmarks = rules.BENCHMARKS.get(question.benchmark, ())
    options = dict(scale.options)
    measures = [{"label": scale.measure, "options": scale.counts, "option": "", "benchmarks": []}]
    for benchmark in benchmarks:
        match = next((m for m in measures if m["option"] == benchmark.option), None)
        if match is None:
            label = f"answered “{options.get(benchmark.option, benchmark.option)}”"
            match = {"label": label, "options": (benchmark.option,), "option": benchmark.option, "benchmarks": []}
            measures.append(match)
        match["benchmarks"].append(benchmark)
    return measures


def round_results(*, survey_round: SurveyRound, dimension: str = Dimension.ALL) -> dict:
    """Results of a closed round for everyone, or by team or by role. A group is shown only with at least
    rules.MIN_GROUP_SIZE respondents, and not when the hidden groups together would be fewer than that (they
    could be worked out by subtraction). An open round shows nothing but its count of respondents: results
    watched while answers arrive would show what each newcomer said."""
    total = respondents(survey_round=survey_round)
    result = {"round": survey_round, "respondents": total, "dimension": dimension, "minimum": rules.MIN_GROUP_SIZE,
              "available": False, "groups": [], "hidden_groups": 0, "questions": []}  # fmt: skip
    if survey_round.is_open or total < rules.MIN_GROUP_SIZE:
        return result
    sizes = dict(
        ResponseCount.objects.filter(round=survey_round, dimension=dimension).values_list("group", "respondents")
    )
    shown = sorted(rules.groups_to_show(sizes))
    result.update(available=bool(shown), groups=[(g, sizes[g]) for g in shown], hidden_groups=len(sizes) - len(shown))
    if not shown:
        return result
    counts: dict = defaultdict(int)
    rows = AnswerCount.objects.filter(round=survey_round, dimension=dimension, group__in=shown)
    for question_id, group, option, count in rows.values_list("question_id", "group", "option", "count"):
        counts[(question_id, group, option)] += count
    for question in survey_round.questions.order_by("order", "id"):
        measures = []
        for measure in _question_measures(question):
            cells = [
                Estimate(count=sum(counts[(question.pk, g, o)] for o in measure["options"]), n=sizes[g]) for g in shown
            ]
            measures.append({**measure, "cells": cells})
        result["questions"].append({"question": question, "measures": measures})
    return result


def survey_trend(*, survey: Survey) -> dict:
    """Each question's headline measure in every closed round with enough respondents, oldest first: the council's
    own change over time, beside the published figures."""
    rounds = [r for r in survey.rounds.filter(closed_on__isnull=False).order_by("opened_on", "id")]
    totals = {r.pk: respondents(survey_round=r) for r in rounds}
    rounds = [r for r in rounds if totals[r.pk] >= rules.MIN_GROUP_SIZE]
    counts: dict = defaultdict(int)
    rows = AnswerCount.objects.filter(round__in=rounds, dimension=Dimension.ALL)
    for round_id, question_id, option, count in rows.values_list("round_id", "question_id", "option", "count"):
        counts[(round_id, question_id, option)] += count
    asked = defaultdict(set)
    for round_id, question_id in SurveyRound.questions.through.objects.filter(
        surveyround_id__in=[r.pk for r in rounds]
    ).values_list("surveyround_id", "surveyquestion_id"):
        asked[question_id].add(round_id)
    lines = []
    for question in survey.questions.order_by("order", "id"):
        if not asked[question.pk]:
            continue
        measure = _question_measures(question)[0]
        cells = [
            Estimate(count=sum(counts[(r.pk, question.pk, o)] for o in measure["options"]), n=totals[r.pk])
            if r.pk in asked[question.pk]
            else None
            for r in rounds
        ]
        lines.append({"question": question, "measure": measure, "cells": cells})
    return {"rounds": [(r, totals[r.pk]) for r in rounds], "lines": lines}


# --- Peer groups and mentoring -------------------------------------------------------------------------------------


def peer_groups() -> QuerySet[PeerGroup]:
    return PeerGroup.objects.select_related("facilitator").prefetch_related("members").order_by("-started_on", "name")


def peer_group_get(*, pk) -> PeerGroup:
    return get_object_or_404(PeerGroup.objects.select_related("facilitator"), pk=pk)


def mentoring_pairs() -> QuerySet[MentoringPair]:
    return MentoringPair.objects.select_related("mentor", "mentee").order_by("ended_on", "-started_on", "id")


def mentoring_pair_get(*, pk) -> MentoringPair:
    return get_object_or_404(MentoringPair, pk=pk)


def staff_needing(*, topic: str) -> QuerySet:
    """Staff with an open need in `topic`, those who asked for a peer group first."""
    needs = TrainingNeed.objects.filter(topic=topic, met_on__isnull=True)
    return (
        _staff()
        .filter(pk__in=needs.values("user_id"))
        .prefetch_related(Prefetch("training_needs", queryset=needs, to_attr="topic_need"), "teams")
        .order_by("last_name", "first_name", "pk")
    )


def staff_trained(*, topic: str) -> QuerySet:
    """Staff with current training in `topic`: possible mentors and facilitators."""
    today = timezone.localdate()
    current = TrainingRecord.objects.filter(topic=topic, completed_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    return _staff().filter(pk__in=current.values("user_id")).prefetch_related("teams").order_by("last_name", "pk")


def staff_choices() -> QuerySet:
    return _staff().order_by("last_name", "first_name", "pk")
