"""Reads for the data protection officer: people past their retention date, the unusual-access report, and finding
a record for a subject access request. The pages that call these are limited to the DPO's actions (and AUDIT_ALL
for the report), so the records are read here rather than through the caseload rules of people.selectors."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.people.models import Allocation, CaseNote, Person, PersonEvent
from selfdirect.rules import retention, unusual_access

from .models import GovernanceSettings, RetentionDecision, SensitiveRecordFlag

D = RetentionDecision.Decision


def person_foreign_keys() -> list:
    """Every concrete foreign key (hidden ones too) that points at a person's record."""
    return [
        f
        for model in apps.get_models(include_auto_created=True)
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is Person
    ]


def person_by_reference(reference: str) -> Person | None:
    """A council person ID (e.g. P000123), or the internal record number."""
    reference = (reference or "").strip()
    if not reference:
        return None
    found = Person.objects.filter(council_id__iexact=reference).first()
    if found is None and reference.isdigit():
        found = Person.objects.filter(pk=int(reference)).first()
    return found


# --- retention -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionStatus:
    person: Person
    support_ended: datetime.date | None
    retain_until: datetime.date | None
    is_due: bool
    last_decision: RetentionDecision | None = None


def _as_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _latest(model, field: str) -> Subquery:
    """The latest `field` of the person's `model` rows."""
    rows = model.objects.filter(person=OuterRef("pk")).order_by().values("person").annotate(m=Max(field))
    return Subquery(rows.values("m")[:1])


def _with_activity(people, today: datetime.date):
    """Annotate whether support is still going on (an open allocation, a service or direct payment still running,
    a short-term episode not closed) and when the council's involvement last showed (allocations, services and
    direct payments ending, case notes, timeline entries). A long-running service can outlive every note about it,
    so its running is what counts, not the last time anyone wrote something down."""
    from selfdirect.market.models import Arrangement
    from selfdirect.payments.models import DirectPaymentAgreement
    from selfdirect.reablement.models import ShortTermEpisode

    running = Q(end_date__isnull=True) | Q(end_date__gte=today)
    mine = {"person": OuterRef("pk")}
    return people.annotate(
        open_allocation=Exists(Allocation.objects.filter(ended_at__isnull=True, **mine)),
        running_service=Exists(Arrangement.objects.filter(running, **mine)),
        paying_direct_payment=Exists(
            DirectPaymentAgreement.objects.filter(running, **mine).exclude(status=DirectPaymentAgreement.Status.ENDED)
        ),
        open_episode=Exists(ShortTermEpisode.objects.filter(actual_end__isnull=True, **mine)),
        last_allocation_end=_latest(Allocation, "ended_at"),
        last_service_end=_latest(Arrangement, "end_date"),
        last_direct_payment_end=_latest(DirectPaymentAgreement, "end_date"),
        last_episode_end=_latest(ShortTermEpisode, "actual_end"),
        last_note=_latest(CaseNote, "occurred_on"),
        last_event=_latest(PersonEvent, "occurred_at"),
    )


LAST_SIGNS = ["last_allocation_end", "last_service_end", "last_direct_payment_end", "last_episode_end", "last_note",
              "last_event"]  # fmt: skip
STILL_SUPPORTED = ["open_allocation", "running_service", "paying_direct_payment", "open_episode", "allocated_team_id",
                   "allocated_worker_id"]  # fmt: skip


def _support_ended(person) -> datetime.date | None:
    """None while support continues; otherwise the last sign of the council's involvement."""
    if any(getattr(person, name) for name in STILL_SUPPORTED):
        return None
    dates = [d for d in (_as_date(getattr(person, name)) for name in LAST_SIGNS) if d]
    if dates:
        return max(dates)
    # Nothing recorded: a death date alone decides; otherwise the record's own creation.
    return None if person.date_of_death else _as_date(person.created_at)


def _status(person, settings: GovernanceSettings, today: datetime.date, decision) -> RetentionStatus:
    ended = _support_ended(person)
    until = retention.retain_until(
        support_ended=ended,
        died=person.date_of_death,
        years_after_support=settings.years_after_support_ends,
        years_after_death=settings.years_after_death,
    )
    due = retention.is_due(retain_until_date=until, today=today)
    return RetentionStatus(person, ended, until, due, decision)


def retention_status(*, person: Person, today: datetime.date | None = None) -> RetentionStatus:
    today = today or timezone.localdate()
    annotated = _with_activity(Person.objects.filter(pk=person.pk), today).get()
    return _status(annotated, GovernanceSettings.current(), today, None)


def retention_review_list(*, today: datetime.date | None = None) -> list[RetentionStatus]:
    """People past their retention date with no decision still standing: never decided, or kept until a date now
    reached. Anonymised records are done with (they no longer identify anyone)."""
    today = today or timezone.localdate()
    settings = GovernanceSettings.current()
    latest: dict[int, RetentionDecision] = {}
    for decision in RetentionDecision.objects.filter(person__isnull=False).order_by("decided_at", "id"):
        latest[decision.person_id] = decision
    closed = Person.objects.filter(allocated_team__isnull=True, allocated_worker__isnull=True)
    due = []
    for person in _with_activity(closed, today).order_by("date_of_death", "pk").iterator(chunk_size=2000):
        decision = latest.get(person.pk)
        if decision and (decision.decision == D.ANONYMISE or (decision.keep_until and decision.keep_until > today)):
            continue
        status = _status(person, settings, today, decision)
        if status.is_due:
            due.append(status)
    return sorted(due, key=lambda s: (s.retain_until, s.person.pk))


# --- unusual access ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnusualAccessReport:
    since: datetime.datetime
    days: int
    threshold: int
    workers: list
    sensitive: list
    users: dict
    people: dict

    def worker_rows(self) -> list[tuple]:
        return [(self.users.get(w.worker), w) for w in self.workers]

    def sensitive_rows(self) -> list[tuple]:
        return [(s, self.users.get(s.read.worker), self.people.get(s.read.person)) for s in self.sensitive]


def _caseloads(workers: set[int], since: datetime.datetime) -> dict[int, set[int]]:
    """For each worker, the people allocated to them or to any of their teams at some time in the period."""
    Team = apps.get_model("workforce", "Team")
    memberships = Team.members.through.objects.filter(user_id__in=workers).values_list("user_id", "team_id")
    teams_of: dict[int, set[int]] = {}
    for user_id, team_id in memberships:
        teams_of.setdefault(user_id, set()).add(team_id)
    all_teams = set().union(*teams_of.values()) if teams_of else set()
    in_period = Q(ended_at__isnull=True) | Q(ended_at__gte=since)
    by_worker: dict[int, set[int]] = {}
    by_team: dict[int, set[int]] = {}
    allocations = Allocation.objects.filter(in_period).filter(Q(worker_id__in=workers) | Q(team_id__in=all_teams))
    for person_id, worker_id, team_id in allocations.values_list("person_id", "worker_id", "team_id"):
        if worker_id:
            by_worker.setdefault(worker_id, set()).add(person_id)
        by_team.setdefault(team_id, set()).add(person_id)
    current = Person.objects.filter(Q(allocated_worker_id__in=workers) | Q(allocated_team_id__in=all_teams))
    for person_id, worker_id, team_id in current.values_list("pk", "allocated_worker_id", "allocated_team_id"):
        if worker_id:
            by_worker.setdefault(worker_id, set()).add(person_id)
        if team_id:
            by_team.setdefault(team_id, set()).add(person_id)
    return {w: by_worker.get(w, set()).union(*(by_team.get(t, set()) for t in teams_of.get(w, set()))) for w in workers}


def unusual_access_report(*, days: int, threshold: int, now: datetime.datetime | None = None) -> UnusualAccessReport:
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, occurred_at__gte=since, person_id__isnull=False, actor__isnull=False
    ).values_list("actor_id", "person_id", "occurred_at")
    reads = [unusual_access.Read(worker, person, at) for worker, person, at in events]
    caseloads = _caseloads({r.worker for r in reads}, since)
    flags = [
        unusual_access.Flag(person, kind, staff)
        for person, kind, staff in SensitiveRecordFlag.objects.values_list("person_id", "kind", "staff_member_id")
    ]
    workers = unusual_access.unusual_workers(reads, caseloads, threshold=threshold)
    sensitive = unusual_access.sensitive_reads(reads, flags, caseloads)
    user_ids = {w.worker for w in workers} | {s.read.worker for s in sensitive}
    users = get_user_model().objects.in_bulk(user_ids)
    people = Person.objects.in_bulk({s.read.person for s in sensitive})
    return UnusualAccessReport(since, days, threshold, workers, sensitive, users, people)
