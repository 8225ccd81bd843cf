"""Every change of state for short-term support, other public money and joint funding. Each runs in one
transaction and writes its audit record (and the person's timeline event) alongside the change; refusals are
DomainErrors with a message a person can act on."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.rules import joint_funding, short_term
from selfdirect.rules.charging import pounds

from .models import FollowUp91, Goal, JointFunding, OtherFunding, ShortTermEpisode, SignpostingReferral

EPISODE_FIELDS = ["status", "service_type", "planned_end", "actual_end", "sequel", "closing_notes", "worker"]
# What a request becomes when an episode starts from it (CLD Event Outcome of the Request event).
REQUEST_OUTCOME_FOR_EPISODE = {
    short_term.ST_MAX: "Progress to Reablement/ST-Max",
    short_term.ONGOING_LOW_LEVEL: "Progress to Support Planning / Services",
    short_term.OTHER_SHORT_TERM: "Progress to Support Planning / Services",
}
LONGEST_EPISODE_DAYS = 366  # short-term support is short: anything longer is a typing mistake
MAX_TEXT = 2000


def _record(*, actor, person, obj, summary, title="", detail="", changes=None, action=None, request=None):
    """The audit record and timeline event each change writes (episodes show as "Support arranged")."""
    person_change_record(
        actor=actor,
        action=action or AuditEvent.Action.UPDATE,
        obj=obj,
        person=person,
        summary=summary,
        changes=changes,
        event_type=PersonEvent.Type.ARRANGEMENT,
        title=title or summary,
        detail=detail,
        request=request,
    )


def _text(value, *, field: str, label: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"Enter {label}", field=field)
    if len(value) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer", field=field)
    return value


def is_existing_client(*, person: Person, on: datetime.date) -> bool:
    """CLD: an existing client is in receipt of long-term support (a long-term arrangement in place) on the day."""
    from selfdirect.market.models import Arrangement

    return (
        Arrangement.objects.filter(person=person, service_type__startswith="Long Term", start_date__lte=on)
        .exclude(end_date__lt=on)
        .exists()
    )


# --- episodes ------------------------------------------------------------------------------------------------


@transaction.atomic
def episode_start(
    *,
    person: Person,
    actor,
    service_type: str,
    started_from: str,
    start_date: datetime.date,
    planned_end: datetime.date,
    service_component: str = "Reablement",
    intermediate_care: bool = False,
    discharged_on: datetime.date | None = None,
    hospital: str = "",
    support_request=None,
    team=None,
    worker=None,
    goals: list[str] = (),
    request=None,
) -> ShortTermEpisode:
    """Start an episode of short-term support, from a hospital discharge, a request or in the community. A request
    still open is concluded with the matching CLD outcome; a follow-up at 91 days is set for people aged 65+
    discharged from hospital into reablement."""
    today = timezone.localdate()
    if service_type not in short_term.EPISODE_TYPES:
        raise DomainError("Choose the kind of short-term support", field="service_type")
    if started_from not in ShortTermEpisode.StartedFrom.values:
        raise DomainError("Choose how the episode started", field="started_from")
    if start_date is None:
        raise DomainError("Enter the date the support starts", field="start_date")
    if planned_end is None:
        raise DomainError("Enter the date the support is planned to end", field="planned_end")
    if planned_end < start_date:
        raise DomainError("The planned end must be on or after the start date", field="planned_end")
    if (planned_end - start_date).days > LONGEST_EPISODE_DAYS:
        raise DomainError("Short-term support cannot be planned for more than a year", field="planned_end")
    if started_from == ShortTermEpisode.StartedFrom.HOSPITAL:
        if discharged_on is None:
            raise DomainError("Enter the date the person left hospital", field="discharged_on")
        if discharged_on > today:
            raise DomainError("The date the person left hospital must be today or in the past", field="discharged_on")
        if discharged_on > start_date:
            raise DomainError("Support cannot start before the person left hospital", field="start_date")
    else:
        discharged_on, hospital = None, ""
    hospital = _text(hospital, field="hospital", label="the hospital", limit=200)
    if support_request is not None:
        if support_request.person_id != person.pk:
            raise DomainError("That request is for someone else", field="support_request")
    elif started_from == ShortTermEpisode.StartedFrom.REQUEST:
        raise DomainError("Choose the request the support follows", field="support_request")
    goals = [_text(g, field="goals", label="the goal") for g in goals if (g or "").strip()]
    # Lock the person's episodes so two workers cannot start the same support twice.
    open_already = (
        ShortTermEpisode.objects.select_for_update()
        .filter(person=person, status=ShortTermEpisode.Status.OPEN, service_type=service_type)
        .exists()
    )
    if open_already:
        raise DomainError(
            f"{person.full_name} already has this kind of short-term support under way: close it first",
            field="service_type",
        )
    episode = ShortTermEpisode.objects.create(
        person=person,
        team=team or person.allocated_team,
        worker=worker,
        service_type=service_type,
        service_component=service_component or "Reablement",
        intermediate_care=intermediate_care,
        started_from=started_from,
        support_request=support_request,
        discharged_on=discharged_on,
        hospital=hospital,
        start_date=start_date,
        planned_end=planned_end,
        existing_client=is_existing_client(person=person, on=start_date),
        created_by=actor,
    )
    for order, words in enumerate(goals):
        Goal.objects.create(episode=episode, in_own_words=words, order=order)
    if short_term.needs_follow_up(
        date_of_birth=person.date_of_birth, discharged_on=discharged_on, episode_type=service_type
    ):
        FollowUp91.objects.create(episode=episode, person=person, due_on=short_term.follow_up_due(discharged_on))
    _record(
        actor=actor,
        person=person,
        obj=episode,
        action=AuditEvent.Action.CREATE,
        summary=f"Short-term support started: {service_type}",
        title=f"{episode.type_label} started",
        detail=f"From {start_date:%-d %B %Y}, planned to end {planned_end:%-d %B %Y}."
        + (f" Left hospital on {discharged_on:%-d %B %Y}." if discharged_on else ""),
        changes={"status": [None, episode.status], "service_type": [None, service_type]},
        request=request,
    )
    if support_request is not None and support_request.status == support_request.Status.OPEN:
        from selfdirect.assessments.services import request_conclude

        request_conclude(
            support_request=support_request,
            outcome=REQUEST_OUTCOME_FOR_EPISODE[service_type],
            actor=actor,
            notes=f"{episode.type_label} from {start_date:%-d %B %Y}",
            request=request,
        )
    return episode


def _locked(episode: ShortTermEpisode, expected_version: int | None) -> ShortTermEpisode:
    locked = ShortTermEpisode.objects.select_for_update(of=("self",)).select_related("person").get(pk=episode.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError("Someone else has changed this episode since you opened it: reload the page and retry")
    return locked


def _open(episode: ShortTermEpisode) -> None:
    if episode.status != ShortTermEpisode.Status.OPEN:
        raise DomainError("This episode is closed: it cannot be changed")


def _saved(episode: ShortTermEpisode) -> None:
    episode.version += 1
    episode.save()


@transaction.atomic
def goal_add(*, episode: ShortTermEpisode, actor, in_own_words: str, request=None) -> Goal:
    """Add a goal, in the person's own words."""
    episode = _locked(episode, None)
    _open(episode)
    words = _text(in_own_words, field="in_own_words", label="the goal in the person's own words", required=True)
    goal = Goal.objects.create(episode=episode, in_own_words=words, order=episode.goals.count())
    _saved(episode)
    _record(
        actor=actor,
        person=episode.person,
        obj=goal,
        action=AuditEvent.Action.CREATE,
        summary="Short-term support goal added",
        detail=words,
        changes={"in_own_words": [None, words]},
        request=request,
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, actor, progress: str, progress_notes: str = "", request=None) -> Goal:
    """Record progress towards a goal."""
    episode = _locked(goal.episode, None)
    _open(episode)
    if progress not in Goal.Progress.values:
        raise DomainError("Choose how the goal is going", field="progress")
    notes = _text(progress_notes, field="progress_notes", label="the notes")
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = snapshot(goal, ["progress", "progress_notes"])
    goal.progress, goal.progress_notes = progress, notes
    goal.save()
    _record(
        actor=actor,
        person=episode.person,
        obj=goal,
        summary=f"Goal progress: {goal.get_progress_display()}",
        title=f"Short-term goal: {goal.get_progress_display().lower()}",
        detail=goal.in_own_words,
        changes=diff(before, snapshot(goal, ["progress", "progress_notes"])),
        request=request,
    )
    return goal


@transaction.atomic
def episode_close(
    *,
    episode: ShortTermEpisode,
    actor,
    sequel: str,
    actual_end: datetime.date,
    closing_notes: str = "",
    expected_version: int | None = None,
    request=None,
) -> ShortTermEpisode:
    """Close an episode with what happens next (its sequel, which gives the CLD outcome and the STS002 row)."""
    episode = _locked(episode, expected_version)
    _open(episode)
    if sequel not in short_term.SEQUELS_BY_CODE:
        raise DomainError("Choose what happens next", field="sequel")
    if actual_end is None:
        raise DomainError("Enter the date the support ended", field="actual_end")
    if actual_end > timezone.localdate():
        raise DomainError("The date the support ended must be today or in the past", field="actual_end")
    if actual_end < episode.start_date:
        raise DomainError(
            f"The support cannot end before it started ({episode.start_date:%-d %B %Y})", field="actual_end"
        )
    before = snapshot(episode, EPISODE_FIELDS)
    episode.status = ShortTermEpisode.Status.CLOSED
    episode.sequel = sequel
    episode.actual_end = actual_end
    episode.closing_notes = _text(closing_notes, field="closing_notes", label="the notes")
    _saved(episode)
    chosen = short_term.sequel(sequel)
    _record(
        actor=actor,
        person=episode.person,
        obj=episode,
        summary=f"Short-term support closed: {chosen.label}",
        title=f"{episode.type_label} ended: {chosen.label}",
        detail=f"Ended {actual_end:%-d %B %Y}. CLD outcome: {chosen.event_outcome}. {episode.closing_notes}".strip(),
        changes=diff(before, snapshot(episode, EPISODE_FIELDS)),
        request=request,
    )
    return episode


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp91,
    actor,
    outcome: str,
    recorded_on: datetime.date | None = None,
    notes: str = "",
    request=None,
) -> FollowUp91:
    """Record where the person was 91 days after leaving hospital."""
    follow_up = FollowUp91.objects.select_for_update(of=("self",)).select_related("person").get(pk=follow_up.pk)
    if follow_up.is_done:
        raise DomainError("This follow-up has already been recorded")
    if outcome not in short_term.FOLLOW_UP_OUTCOMES:
        raise DomainError("Choose where the person was 91 days after leaving hospital", field="outcome")
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        raise DomainError("The date must be today or in the past", field="recorded_on")
    if recorded_on < follow_up.due_on:
        raise DomainError(
            f"The follow-up is not due until {follow_up.due_on:%-d %B %Y}: the measure is where the person is 91 "
            "days after leaving hospital",
            field="recorded_on",
        )
    follow_up.outcome = outcome
    follow_up.recorded_on = recorded_on
    follow_up.recorded_by = actor
    follow_up.notes = _text(notes, field="notes", label="the notes")
    follow_up.save()
    label = short_term.FOLLOW_UP_OUTCOMES[outcome]
    _record(
        actor=actor,
        person=follow_up.person,
        obj=follow_up,
        summary=f"91-day follow-up: {label}",
        detail=follow_up.notes,
        changes={"outcome": [None, outcome]},
        request=request,
    )
    return follow_up


# --- other public money and joint funding ---------------------------------------------------------------------


def _amount(value, *, field: str, label: str) -> Decimal:
    if value is None or value == "":
        raise DomainError(f"Enter {label} in pounds and pence", field=field)
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise DomainError(f"Enter {label} as an amount in pounds and pence", field=field) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(f"Enter {label} as an amount of £0 or more", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"Enter {label} to the nearest penny", field=field)
    if amount >= Decimal("10000000"):
        raise DomainError(f"{label[0].upper()}{label[1:]} must be less than £10,000,000", field=field)
    return amount


def _dates(start_date, end_date) -> None:
    if start_date is None:
        raise DomainError("Enter the date it starts", field="start_date")
    if end_date is not None and end_date < start_date:
        raise DomainError("The end date must be on or after the start date", field="end_date")


@transaction.atomic
def other_funding_add(
    *,
    person: Person,
    actor,
    source: str,
    amount,
    period: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    description: str = "",
    request=None,
) -> OtherFunding:
    """Record other public money the person gets for their support (Care Act s26(3))."""
    if source not in OtherFunding.Source.values:
        raise DomainError("Choose where the money comes from", field="source")
    if period not in OtherFunding.Period.values:
        raise DomainError("Choose how often it is paid", field="period")
    amount = _amount(amount, field="amount", label="the amount")
    _dates(start_date, end_date)
    funding = OtherFunding.objects.create(
        person=person,
        source=source,
        amount=amount,
        period=period,
        start_date=start_date,
        end_date=end_date,
        description=_text(description, field="description", label="the description", limit=300),
        created_by=actor,
    )
    _record(
        actor=actor,
        person=person,
        obj=funding,
        action=AuditEvent.Action.CREATE,
        summary=f"Other public money recorded: {funding.get_source_display()}",
        detail=f"{pounds(amount)} {funding.get_period_display()} from {start_date:%-d %B %Y}",
        changes={"source": [None, source], "amount": [None, str(amount)], "period": [None, period]},
        request=request,
    )
    return funding


def _shares_in_force(plan, on: datetime.date, extra: JointFunding | None = None) -> list[joint_funding.Share]:
    rows = [j for j in JointFunding.objects.filter(plan=plan) if j.covers(on)]
    if extra is not None:
        rows.append(extra)
    return [j.share() for j in rows]


@transaction.atomic
def joint_funding_record(
    *,
    plan,
    actor,
    funder: str,
    method: str,
    value,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    agreement_reference: str = "",
    request=None,
):
    """Record another funder's share of an approved or draft support plan. The council's share is what is left;
    when the plan already has the person's current personal budget, a new budget version is set to the council's
    share (so charging and direct payments follow it)."""
    from selfdirect.money.models import PersonalBudget
    from selfdirect.planning.models import SupportPlan

    plan = SupportPlan.objects.select_for_update(of=("self",)).select_related("person").get(pk=plan.pk)
    if plan.status in (SupportPlan.Status.CANCELLED, SupportPlan.Status.SUPERSEDED):
        raise DomainError("This plan is no longer in use: record joint funding on the current plan")
    funder = _text(funder, field="funder", label="who shares the cost", required=True, limit=120)
    if funder.lower() == joint_funding.COUNCIL:
        raise DomainError("Name the other funder, for example the integrated care board", field="funder")
    if method not in JointFunding.Method.values:
        raise DomainError("Choose how the cost is shared", field="method")
    _dates(start_date, end_date)
    label = "the percentage" if method == joint_funding.PERCENT else "the weekly amount"
    value = _amount(value, field="value", label=label)
    row = JointFunding(
        plan=plan,
        person=plan.person,
        funder=funder,
        method=method,
        percent=value if method == joint_funding.PERCENT else None,
        weekly_amount=value if method == joint_funding.AMOUNT else None,
        start_date=start_date,
        end_date=end_date,
        agreement_reference=_text(agreement_reference, field="agreement_reference", label="the reference", limit=100),
        created_by=actor,
    )
    total = plan.weekly_total
    try:
        parts = joint_funding.split(total, _shares_in_force(plan, start_date, extra=row))
    except joint_funding.JointFundingError as error:
        field = "funder" if error.field == "funder" else "value"
        raise DomainError(error.message, field=field) from None
    if total and parts[joint_funding.COUNCIL] == 0:
        raise DomainError(
            "With this share the council would pay nothing: care funded wholly by the NHS is NHS continuing "
            "healthcare, recorded as other public money",
            field="value",
        )
    row.save()
    _record(
        actor=actor,
        person=plan.person,
        obj=row,
        action=AuditEvent.Action.CREATE,
        summary=f"Joint funding recorded: {funder} pays {pounds(parts[funder])} a week of plan {plan.pk}",
        detail=f"Of {pounds(total)} a week, the council's share is {pounds(parts[joint_funding.COUNCIL])}.",
        changes={"funder": [None, funder], "method": [None, method], "value": [None, str(value)]},
        request=request,
    )
    budget = PersonalBudget.objects.filter(person=plan.person, is_current=True).first()
    if budget is not None and plan.personal_budget_id == budget.pk and start_date <= timezone.localdate():
        _budget_to_council_share(plan=plan, budget=budget, actor=actor, request=request)
    return row


def _budget_to_council_share(*, plan, budget, actor, request) -> None:
    """A new personal budget version for the council's share of the plan, keeping the direct payment /
    council-managed / ISF shares and the assessed contribution (never more than the new total)."""
    from selfdirect.money.budget_services import SPLIT_FIELDS, personal_budget_set, split_in_proportion

    from .selectors import council_share

    share = council_share(plan=plan, weekly_cost=plan.weekly_total)
    if share == budget.weekly_total_cost or share <= 0:
        return
    split = split_in_proportion({name: getattr(plan, name) for name in SPLIT_FIELDS}, share)
    assessed = budget.financial_assessment
    contribution = budget.weekly_person_contribution
    if assessed is not None and assessed.weekly_contribution is not None and not assessed.full_cost:
        contribution = assessed.weekly_contribution
    elif assessed is not None and assessed.full_cost:
        contribution = share
    plan.personal_budget = personal_budget_set(
        person=plan.person,
        actor=actor,
        weekly_total_cost=share,
        weekly_person_contribution=min(contribution, share),
        split=split,
        effective_from=timezone.localdate(),
        reason=f"Joint funding: the council's share of support plan {plan.pk}",
        financial_assessment=assessed,
        indicative_budget=budget.indicative_budget,
        request=request,
    )
    plan.save(update_fields=["personal_budget"])


# --- information and advice, signposting -----------------------------------------------------------------------


@transaction.atomic
def request_resolve_with_advice(
    *, support_request, actor, kind: str, service: str = "", notes: str = "", request=None
) -> SignpostingReferral:
    """Conclude a request with information and advice, or a referral to a community service: the CLD outcome is
    "NFA - Information & Advice / Signposting only", and the referral is kept for the reports."""
    from selfdirect.assessments.services import request_conclude

    if kind not in short_term.ADVICE_KINDS:
        raise DomainError("Choose information and advice, or a referral to a community service", field="kind")
    service = (service or "").strip()
    if kind == "signposting" and service not in short_term.DIRECTORY_SERVICES:
        raise DomainError("Choose the community service the person was referred to", field="service")
    if kind == "information_advice" and service and service not in short_term.DIRECTORY_SERVICES:
        raise DomainError("Choose a service from the list", field="service")
    notes = _text(notes, field="notes", label="what was given or arranged", required=True)
    request_conclude(
        support_request=support_request,
        outcome=short_term.SIGNPOSTING_OUTCOME,
        actor=actor,
        notes=f"{short_term.ADVICE_KINDS[kind]}{': ' + service if service else ''}. {notes}",
        request=request,
    )
    support_request.refresh_from_db()
    return SignpostingReferral.objects.create(
        support_request=support_request,
        person=support_request.person,
        kind=kind,
        service=service,
        notes=notes,
        made_by=actor,
    )
