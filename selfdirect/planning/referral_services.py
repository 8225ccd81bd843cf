"""Who plans: referrals to support-planning organisations, and keeping the organisations' details up to date.

An organisation takes up to its monthly capacity of new referrals each calendar month. A referral it has room for
is taken on at once; any other waits in the organisation's queue with the date it can expect to start (from
rules.planning_capacity), and is taken on, in the order referrals came, when a new month brings free places
(`planning_referral_promote`). Nobody is dropped from a queue: a referral leaves it only by being taken on or
withdrawn.

Someone who lacks capacity to make decisions about their care and support planning can only be referred to an
organisation that offers non-directed advocacy. Each change is one transaction with its audit record and, when a
person is involved, their timeline event.
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import CapacityAssessment
from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.people.models import PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.rules import planning_capacity as rules

from .models import Party, PlanningOrganisation, PlanningReferral, SupportPlan
from .services import _clock_move

R = PlanningReferral.Status
ACTIVE = (R.QUEUED, R.ACCEPTED)
# Referrals that hold one of the month's places: taken on (and still being worked on, or finished).
HOLDING_A_PLACE = (R.ACCEPTED, R.COMPLETED)
ORGANISATION_FIELDS = [
    "name",
    "description",
    "monthly_capacity",
    "non_directed_advocacy",
    "phone",
    "email",
    "is_active",
]
# A capacity assessment is about care and support planning when its decision mentions any of these words.
PLANNING_DECISION = re.compile(r"\b(plan|plans|planning|support|care)\b", re.IGNORECASE)
MAX_CAPACITY = 500


# --- Reads the services need (also used by the pages) --------------------------------------------------------


def planning_capacity_assessment(*, person) -> CapacityAssessment | None:
    """The latest capacity assessment about decisions on the person's care and support planning, or None.
    Capacity is decision-specific, so assessments about other decisions (where to live, money) are not used."""
    for record in CapacityAssessment.objects.filter(person=person).order_by("-assessed_on", "-id"):
        if PLANNING_DECISION.search(record.decision or ""):
            return record
    return None


def lacks_planning_capacity(*, person) -> bool:
    record = planning_capacity_assessment(person=person)
    return bool(record and record.lacks_capacity)


def month_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = rules.month_start(today)
    return start, rules.add_months(start, 1)


def taken_this_month(*, organisation, today: datetime.date) -> int:
    """Referrals the organisation took on this calendar month (each used one of the month's places)."""
    start, end = month_bounds(today)
    return PlanningReferral.objects.filter(
        organisation=organisation, status__in=HOLDING_A_PLACE, accepted_on__gte=start, accepted_on__lt=end
    ).count()


def queue(*, organisation):
    """The organisation's queue, first in line first."""
    return PlanningReferral.objects.filter(organisation=organisation, status=R.QUEUED).order_by("referred_at", "id")


def expected_start_for_new(*, organisation, today: datetime.date) -> datetime.date | None:
    """When a referral made today could expect to start (today, the first of a later month, or None if the
    organisation is taking no referrals)."""
    if not organisation.is_active:
        return None
    return rules.expected_start(
        today=today,
        capacity=organisation.monthly_capacity,
        accepted_this_month=taken_this_month(organisation=organisation, today=today),
        queued_ahead=queue(organisation=organisation).count(),
    )


def active_referral(*, plan) -> PlanningReferral | None:
    return (
        PlanningReferral.objects.filter(plan=plan, status__in=ACTIVE).select_related("organisation").order_by("-id")
    ).first()


def advocacy_organisation_names() -> list[str]:
    return list(
        PlanningOrganisation.objects.filter(is_active=True, non_directed_advocacy=True, monthly_capacity__gt=0)
        .order_by("name")
        .values_list("name", flat=True)
    )


# --- Helpers -------------------------------------------------------------------------------------------------


def _today(today) -> datetime.date:
    return today or timezone.localdate()


def _moment(today: datetime.date) -> datetime.datetime:
    """Now, or (when a service is run for another day, as seeding and tests do) that day at the current time."""
    now = timezone.localtime()
    if today == now.date():
        return now
    return timezone.make_aware(datetime.datetime.combine(today, now.time().replace(tzinfo=None)))


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else "not known"


def _lock_plan(plan: SupportPlan, expected_version) -> SupportPlan:
    current = SupportPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    if expected_version is not None:
        try:
            expected = int(expected_version)
        except (TypeError, ValueError):
            expected = -1
        if current.version != expected:
            raise StaleEditError(
                "Someone else saved this plan after you opened it. Nothing has been changed: open the plan again "
                "to see their changes, then make the referral."
            )
    return current


def _plan_moves_to(plan: SupportPlan, *, party: str, at=None, **fields) -> None:
    """Change who has the plan (and any other plan fields), with a new version; the clock follows the holder."""
    moved = plan.held_by != party
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.held_by = party
    plan.version += 1
    plan.save()
    if moved:
        _clock_move(plan, status=plan.status, party=party, at=at)


def _reschedule(organisation: PlanningOrganisation, today: datetime.date) -> list[PlanningReferral]:
    """Take on as many queued referrals as this month has places for, in order, and bring the rest's expected
    starts up to date. Returns the referrals taken on. The organisation row must be locked by the caller."""
    waiting = list(queue(organisation=organisation).select_related("plan__person"))
    accepted = taken_this_month(organisation=organisation, today=today)
    capacity = organisation.monthly_capacity if organisation.is_active else 0
    take = rules.places_to_fill(capacity=capacity, accepted_this_month=accepted, queue_length=len(waiting))
    promoted = waiting[:take]
    for referral in promoted:
        referral.status = R.ACCEPTED
        referral.accepted_on = today
        if referral.expected_start is None or referral.expected_start > today:
            referral.expected_start = today
        referral.save(update_fields=["status", "accepted_on", "expected_start"])
        person_change_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=referral,
            person=referral.plan.person,
            summary=f"Taken on by {organisation.name} for support planning",
            changes={"status": [R.QUEUED.value, R.ACCEPTED.value], "accepted_on": [None, str(today)]},
            event_type=PersonEvent.Type.PLAN,
            title=f"Taken on by {organisation.name} for support planning",
            detail=f"Referred on {_date(timezone.localtime(referral.referred_at).date())}; waited "
            f"{(today - timezone.localtime(referral.referred_at).date()).days} days for a place.",
        )
    starts = rules.queue_starts(
        today=today,
        capacity=capacity,
        accepted_this_month=accepted + len(promoted),
        queue_length=len(waiting) - len(promoted),
    )
    for referral, start in zip(waiting[len(promoted) :], starts, strict=True):
        if referral.expected_start != start:
            referral.expected_start = start
            referral.save(update_fields=["expected_start"])
    return promoted


# --- Referrals -----------------------------------------------------------------------------------------------


@transaction.atomic
def planning_referral_make(
    *, plan: SupportPlan, organisation: PlanningOrganisation, actor, expected_version=None, today=None, request=None
) -> PlanningReferral:
    """Refer a plan being written to a support-planning organisation. It is taken on now if the organisation has
    a place this month, otherwise it joins the queue with the date it can expect to start. The organisation then
    has the plan (the clock charges the time to it)."""
    if not can(actor, Action.PLAN_WRITE):
        raise DomainError("Only council staff who write support plans can refer to a support-planning organisation")
    today = _today(today)
    plan = _lock_plan(plan, expected_version)
    if not plan.is_editable:
        raise DomainError(
            f"This plan is {plan.get_status_display().lower()}: only a plan being written or returned for changes "
            "can be referred for support planning"
        )
    if organisation is None:
        raise DomainError("Choose the support-planning organisation", field="organisation")
    organisation = PlanningOrganisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_active or organisation.monthly_capacity <= 0:
        raise DomainError(f"{organisation.name} is not taking referrals: choose another", field="organisation")
    current = active_referral(plan=plan)
    if current is not None:
        if current.organisation_id == organisation.pk:
            raise DomainError(
                f"This plan is already referred to {organisation.name} ({current.get_status_display().lower()})",
                field="organisation",
            )
        raise DomainError(
            f"This plan is already referred to {current.organisation.name}: withdraw that referral first",
            field="organisation",
        )
    needs_advocacy = lacks_planning_capacity(person=plan.person)
    if needs_advocacy and not organisation.non_directed_advocacy:
        offering = advocacy_organisation_names()
        where = (
            f"These organisations offer it: {', '.join(offering)}"
            if offering
            else "No organisation on the list offers it at the moment: ask the commissioning team"
        )
        raise DomainError(
            f"{plan.person.full_name} lacks capacity to make decisions about their support planning, so they need an "
            f"organisation that offers non-directed advocacy, and {organisation.name} does not. {where}.",
            field="organisation",
        )
    # Queued referrals take this month's free places first, so a new referral never jumps the queue.
    _reschedule(organisation, today)
    start = rules.expected_start(
        today=today,
        capacity=organisation.monthly_capacity,
        accepted_this_month=taken_this_month(organisation=organisation, today=today),
        queued_ahead=queue(organisation=organisation).count(),
    )
    at = _moment(today)
    now = start == today
    referral = PlanningReferral.objects.create(
        organisation=organisation,
        plan=plan,
        status=R.ACCEPTED if now else R.QUEUED,
        needs_non_directed_advocacy=needs_advocacy,
        referred_at=at,
        accepted_on=today if now else None,
        expected_start=start,
        referred_by=actor,
    )
    before = snapshot(plan, ["planner", "planning_organisation", "held_by"])
    _plan_moves_to(
        plan,
        party=Party.ORGANISATION,
        at=at,
        planner=SupportPlan.Planner.ORGANISATION,
        planning_organisation=organisation,
    )
    detail = (
        f"{organisation.name} has a place this month and takes the plan on now."
        if now
        else f"{organisation.name} is full this month: the referral is waiting for a place and is expected to start "
        f"on {_date(start)}."
    )
    if needs_advocacy:
        detail += " Non-directed advocacy is needed (the person lacks capacity to direct their planning)."
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=referral,
        person=plan.person,
        summary=f"Referred to {organisation.name} for support planning ({referral.get_status_display().lower()})",
        changes=diff(before, snapshot(plan, ["planner", "planning_organisation", "held_by"])),
        event_type=PersonEvent.Type.PLAN,
        title=f"Referred to {organisation.name} for support planning",
        detail=detail,
        request=request,
    )
    return referral


def planning_referral_promote(*, today=None) -> int:
    """Take queued referrals on into the month's free places, first come first served, and refresh the expected
    starts of those still waiting. Safe to run any number of times (a place is only ever used once); run daily by
    `manage.py planning_referrals_promote` and when the organisations page opens. Returns how many were taken on."""
    today = _today(today)
    taken = 0
    with_queue = PlanningReferral.objects.filter(status=R.QUEUED).values("organisation_id")
    organisations = PlanningOrganisation.objects.filter(pk__in=with_queue).order_by("pk")
    for organisation in organisations:
        capacity = organisation.monthly_capacity if organisation.is_active else 0
        if capacity - taken_this_month(organisation=organisation, today=today) <= 0:
            continue  # no place free this month: nothing can move (expected starts are dates, so stay right)
        with transaction.atomic():
            organisation = PlanningOrganisation.objects.select_for_update().get(pk=organisation.pk)
            taken += len(_reschedule(organisation, today))
    return taken


@transaction.atomic
def planning_referral_complete(*, referral: PlanningReferral, actor, today=None, request=None) -> PlanningReferral:
    """The organisation has written the plan with the person: the referral is finished and, if the plan is still
    being written, it goes back to the worker to check and submit."""
    if not can(actor, Action.PLAN_WRITE):
        raise DomainError("Only council staff who write support plans can record this")
    today = _today(today)
    referral = PlanningReferral.objects.select_for_update().select_related("organisation").get(pk=referral.pk)
    if referral.status != R.ACCEPTED:
        raise DomainError(
            f"This referral is {referral.get_status_display().lower()}: only a referral the organisation has taken "
            "on can be marked as done"
        )
    referral.status = R.COMPLETED
    referral.completed_on = today
    referral.save(update_fields=["status", "completed_on"])
    plan = _lock_plan(referral.plan, None)
    if plan.is_editable and plan.held_by == Party.ORGANISATION:
        _plan_moves_to(plan, party=Party.WORKER, at=_moment(today))
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=referral,
        person=plan.person,
        summary=f"Support planning by {referral.organisation.name} finished",
        changes={"status": [R.ACCEPTED.value, R.COMPLETED.value]},
        event_type=PersonEvent.Type.PLAN,
        title=f"{referral.organisation.name} finished support planning",
        detail="The plan is back with the council worker to check and submit." if plan.is_editable else "",
        request=request,
    )
    return referral


@transaction.atomic
def planning_referral_withdraw(
    *, referral: PlanningReferral, actor, reason: str, today=None, request=None
) -> PlanningReferral:
    """Withdraw a referral that is waiting or taken on. The plan goes back to a council worker; a place it held
    this month is offered to the next in the queue."""
    if not can(actor, Action.PLAN_WRITE):
        raise DomainError("Only council staff who write support plans can withdraw a referral")
    today = _today(today)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the referral is withdrawn", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason must be 300 characters or fewer", field="reason")
    referral = PlanningReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in ACTIVE:
        raise DomainError(f"This referral is {referral.get_status_display().lower()}: there is nothing to withdraw")
    organisation = PlanningOrganisation.objects.select_for_update().get(pk=referral.organisation_id)
    was = referral.status
    referral.status = R.WITHDRAWN
    referral.save(update_fields=["status"])
    plan = _lock_plan(referral.plan, None)
    if plan.is_editable and plan.planning_organisation_id == organisation.pk:
        _plan_moves_to(
            plan,
            party=Party.WORKER,
            at=_moment(today),
            planner=SupportPlan.Planner.STAFF,
            planning_organisation=None,
        )
    _reschedule(organisation, today)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=referral,
        person=plan.person,
        summary=f"Referral to {organisation.name} withdrawn: {reason}",
        changes={"status": [was, R.WITHDRAWN.value]},
        event_type=PersonEvent.Type.PLAN,
        title=f"Referral to {organisation.name} withdrawn",
        detail=reason,
        request=request,
    )
    return referral


# --- The organisations ---------------------------------------------------------------------------------------


def _organisation_values(fields: dict) -> dict:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    values = {}
    name = (fields.get("name") or "").strip()
    if not name:
        raise DomainError("Enter the organisation's name", field="name")
    if len(name) > 200:
        raise DomainError("The name must be 200 characters or fewer", field="name")
    values["name"] = name
    values["description"] = (fields.get("description") or "").strip()[:3000]
    capacity = fields.get("monthly_capacity")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise DomainError(
            "Enter how many new referrals it can take each month, as a whole number, for example 6",
            field="monthly_capacity",
        ) from None
    if capacity < 0:
        raise DomainError("The monthly capacity must be 0 or more", field="monthly_capacity")
    if capacity > MAX_CAPACITY:
        raise DomainError(f"The monthly capacity must be {MAX_CAPACITY} or fewer", field="monthly_capacity")
    values["monthly_capacity"] = capacity
    values["non_directed_advocacy"] = bool(fields.get("non_directed_advocacy"))
    values["phone"] = (fields.get("phone") or "").strip()[:30]
    values["email"] = (fields.get("email") or "").strip()[:254]
    values["is_active"] = bool(fields.get("is_active", True))
    return values


@transaction.atomic
def planning_organisation_save(
    *, actor, organisation: PlanningOrganisation | None = None, today=None, request=None, **fields
) -> PlanningOrganisation:
    """Add a support-planning organisation, or change one (its capacity, whether it offers non-directed
    advocacy, whether it takes referrals). A change of capacity moves its queue's expected starts with it."""
    if not can(actor, Action.MARKET_MANAGE):
        raise DomainError("Only commissioners keep the support-planning organisations up to date")
    values = _organisation_values(fields)
    clash = PlanningOrganisation.objects.filter(name__iexact=values["name"])
    if organisation is not None:
        clash = clash.exclude(pk=organisation.pk)
    if clash.exists():
        raise DomainError(f"There is already an organisation called {values['name']}", field="name")
    if organisation is None:
        organisation = PlanningOrganisation.objects.create(**values)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=organisation,
            summary=f"Support-planning organisation added: {organisation.name}",
            changes=diff({}, snapshot(organisation, ORGANISATION_FIELDS)),
            request=request,
        )
        return organisation
    organisation = PlanningOrganisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in values.items():
        setattr(organisation, name, value)
    changes = diff(before, snapshot(organisation, ORGANISATION_FIELDS))
    if not changes:
        return organisation
    organisation.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=organisation,
        summary=f"Support-planning organisation changed: {organisation.name}",
        changes=changes,
        request=request,
    )
    if "monthly_capacity" in changes or "is_active" in changes:
        _reschedule(organisation, _today(today))
    return organisation
