"""Failed arrangements: recording a breakdown of care and putting emergency cover in place.

`failed_arrangement_record` does everything a breakdown sets off, in one transaction: the record itself, ending the
arrangement a provider handed back, an unplanned review within the council's window
(CouncilSettings.unplanned_review_days), a task for the allocated worker, and an email to whoever must know (the
allocated worker; else the managers of the person's team; else the council's duty address). The email is sent once
the transaction has committed, so nobody is told about a record that was never saved.

`emergency_cover_arrange` puts short-term cover in place: a CLD Service event with Service Type "Short Term Support:
Other Short Term", Service Component "Emergency Support", commissioned by the council, with an end date.

Services raise DomainError with a message a person can act on; the views check roles (REVIEW_WORK).
"""

import datetime
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.audit import diff, snapshot
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement, PersonalAssistant, Provider
from selfdirect.people.models import PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.planning.models import PlanLine, SupportPlan
from selfdirect.rules import cld, plan_costs
from selfdirect.rules import pa_checks as pa_rules
from selfdirect.rules.charging import pounds

from .models import FailedArrangement, Task
from .task_services import task_close, task_open

logger = logging.getLogger(__name__)

Kind = FailedArrangement.Kind

# CLD fields of every emergency cover arrangement.
EMERGENCY_SERVICE_TYPE = "Short Term Support: Other Short Term"
EMERGENCY_COMPONENT = "Emergency Support"
EMERGENCY_DELIVERY = cld.DELIVERY_COMMISSIONED
# Emergency cover is short-term: it ends within six weeks, by when the unplanned review has put longer-term support
# in place (a local choice, not a national rule).
EMERGENCY_COVER_MAX_DAYS = 42
# Cover can be booked to start a few days ahead (for example the next weekday), never before the breakdown.
EMERGENCY_START_AHEAD_DAYS = 7
MAX_UNITS_PER_WEEK = Decimal("1000")
WHAT_HAPPENED_MAX = 5000

REASON_PROVIDER_FAILURE = "Unplanned - Provider Failure"
REASON_OTHER = "Unplanned - Other Reason"
DEFAULT_DUTY_EMAIL = "duty@example.org"

FAILURE_FIELDS = ["kind", "what_happened", "occurred_on", "plan", "arrangement", "review", "notified"]
COVER_FIELDS = [
    "plan_line",
    "provider",
    "pa",
    "start_date",
    "end_date",
    "service_type",
    "service_component",
    "delivery_mechanism",
    "unit_cost",
    "cost_frequency",
    "planned_units_per_week",
    "weekly_cost",
]


def duty_email() -> str:
    """The council's duty team address: settings.COUNCIL_DUTY_EMAIL (an environment setting), else a placeholder."""
    return getattr(settings, "COUNCIL_DUTY_EMAIL", "") or DEFAULT_DUTY_EMAIL


def review_reason_for(kind: str) -> str:
    """The CLD Review Reason of the unplanned review a failure books."""
    return REASON_PROVIDER_FAILURE if kind == Kind.PROVIDER_HANDBACK else REASON_OTHER


def review_due_for(occurred_on: datetime.date, *, today: datetime.date | None = None) -> datetime.date:
    """The unplanned review follows the breakdown within the council's window; one recorded late is due today at the
    latest, never in the past."""
    today = today or timezone.localdate()
    days = CouncilSettings.current().unplanned_review_days
    return max(occurred_on + datetime.timedelta(days=days), today)


def _recipients(person) -> tuple[list[str], str]:
    """Who is told about a failure, and how `notified` describes it: the allocated worker; else the managers of the
    person's team; else the duty team."""
    worker = person.allocated_worker
    if worker is not None and worker.is_active and worker.email:
        return [worker.email], f"Emailed the allocated worker, {worker.get_full_name() or worker.username}"
    if person.allocated_team_id:
        managers = list(
            person.allocated_team.members.filter(role=Role.TEAM_MANAGER, is_active=True)
            .exclude(email="")
            .order_by("last_name", "first_name", "pk")
        )
        if managers:
            names = ", ".join(m.get_full_name() or m.username for m in managers)
            return [m.email for m in managers], f"Emailed the team manager(s) of {person.allocated_team.name}: {names}"
    address = duty_email()
    return [address], f"No allocated worker: emailed the duty team ({address})"


def _link(path: str, request=None) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _send(subject: str, body: str, to: list[str]) -> None:
    """Send after commit; a mail server that is down is logged, never a lost record or a server error."""
    try:
        EmailMessage(subject=subject, body=body, to=to).send()
    except Exception:  # noqa: BLE001 - any transport failure
        logger.exception("Could not send the failed arrangement email to %s", ", ".join(to))


def _check_arrangement(person, arrangement: Arrangement | None, plan: SupportPlan | None):
    """The plan and arrangement the failure is about, each checked against the person and each other."""
    if arrangement is not None:
        arrangement = Arrangement.objects.select_related("plan_line__plan", "provider", "pa").get(pk=arrangement.pk)
        if arrangement.person_id != person.pk:
            raise DomainError("That arrangement is for someone else: choose one of this person's", field="what")
        if arrangement.status != Arrangement.Status.ACTIVE:
            raise DomainError(
                f"That arrangement ended on {arrangement.end_date:%-d %B %Y}: choose the support that failed",
                field="what",
            )
        line_plan = arrangement.plan_line.plan
        if plan is not None and plan.pk != line_plan.pk:
            raise DomainError("That arrangement is not part of this plan", field="what")
        plan = line_plan
    if plan is None:
        raise DomainError("Choose which support failed", field="what")
    plan = SupportPlan.objects.get(pk=plan.pk)
    if plan.person_id != person.pk:
        raise DomainError("That plan is for someone else: choose one of this person's", field="what")
    if plan.status != SupportPlan.Status.APPROVED:
        raise DomainError(
            f"That plan is not approved (it is {plan.get_status_display().lower()}): a failed arrangement is "
            "recorded against an approved plan",
            field="what",
        )
    return arrangement, plan


@transaction.atomic
def failed_arrangement_record(
    *,
    person,
    actor,
    kind: str,
    what_happened: str,
    occurred_on: datetime.date,
    arrangement: Arrangement | None = None,
    plan: SupportPlan | None = None,
    request=None,
) -> FailedArrangement:
    """Record that someone's support has broken down. Ends the arrangement when the provider handed it back, books
    an unplanned review ("Unplanned - Provider Failure" for a hand-back, else "Unplanned - Other Reason") due within
    the council's window, opens a task for the allocated worker (else the team managers' queue) and emails whoever
    must know, recording who was told in `notified`. Refuses a kind not on the list, nothing written about what
    happened, a date in the future or before the support started, support not on the person's approved plan, a
    hand-back that is not a provider's arrangement, and the same failure recorded twice."""
    from .services import review_unplanned_book

    today = timezone.localdate()
    what_happened = (what_happened or "").strip()
    if kind not in Kind.values:
        raise DomainError("Choose what went wrong", field="kind")
    if not what_happened:
        raise DomainError("Enter what happened", field="what_happened")
    if len(what_happened) > WHAT_HAPPENED_MAX:
        raise DomainError(f"What happened must be {WHAT_HAPPENED_MAX:,} characters or fewer", field="what_happened")
    if occurred_on is None:
        raise DomainError("Enter the date it happened", field="occurred_on")
    if occurred_on > today:
        raise DomainError("The date it happened must be today or in the past", field="occurred_on")
    arrangement, plan = _check_arrangement(person, arrangement, plan)
    if kind == Kind.PROVIDER_HANDBACK:
        if arrangement is None:
            raise DomainError("Choose the arrangement the provider handed back", field="what")
        if arrangement.provider_id is None:
            raise DomainError(
                "That arrangement is not with a provider: choose the provider's arrangement, or say what went wrong "
                "(for example a personal assistant is absent)",
                field="kind",
            )
    if arrangement is not None and occurred_on < arrangement.start_date:
        raise DomainError(
            f"The date it happened cannot be before the support started ({arrangement.start_date:%-d %B %Y})",
            field="occurred_on",
        )
    duplicate = FailedArrangement.objects.filter(
        person=person, plan=plan, arrangement=arrangement, kind=kind, occurred_on=occurred_on
    ).first()
    if duplicate is not None:
        raise DomainError(
            f"This failure was already recorded on {timezone.localtime(duplicate.recorded_at):%-d %B %Y} by "
            f"{duplicate.recorded_by}: open it from the list of failed arrangements"
        )

    failure = FailedArrangement.objects.create(
        person=person,
        plan=plan,
        arrangement=arrangement,
        kind=kind,
        what_happened=what_happened,
        occurred_on=occurred_on,
        recorded_by=actor,
    )
    if kind == Kind.PROVIDER_HANDBACK:
        from selfdirect.market.services import arrangement_end

        arrangement_end(
            arrangement=arrangement,
            actor=actor,
            end_date=occurred_on,
            reason=f"The provider handed back the care ({Kind(kind).label.lower()})",
            request=request,
        )
    review = review_unplanned_book(
        person=person,
        reason=review_reason_for(kind),
        due_on=review_due_for(occurred_on, today=today),
        actor=actor,
        plan=plan,
    )
    url = reverse("failed_arrangement_detail", args=[failure.pk])
    worker = person.allocated_worker if person.allocated_worker and person.allocated_worker.is_active else None
    task_open(
        kind=Task.Kind.FAILED_ARRANGEMENT,
        title=f"Failed arrangement: {Kind(kind).label.lower()}. Follow the contingency plan and arrange cover",
        due_on=today,
        source=f"failed_arrangement:{failure.pk}",
        person=person,
        assignee=worker,
        role="" if worker else Role.TEAM_MANAGER,
        url=url,
        detail=f"Happened on {occurred_on:%-d %B %Y}. Unplanned review due {review.due_on:%-d %B %Y}.",
    )
    recipients, notified = _recipients(person)
    failure.review = review
    failure.notified = notified[:300]
    failure.save(update_fields=["review", "notified"])
    what = arrangement.service_component if arrangement else f"support plan {plan.pk}"
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=failure,
        person=person,
        summary=f"Failed arrangement recorded: {Kind(kind).label.lower()} ({what})",
        changes=diff({}, snapshot(failure, FAILURE_FIELDS)),
        request=request,
        event_type=PersonEvent.Type.FAILED_ARRANGEMENT,
        title=f"Support failed: {Kind(kind).label.lower()}",
        detail=f"{what_happened}\n\nOn {occurred_on:%-d %B %Y}. Unplanned review due {review.due_on:%-d %B %Y}. "
        f"{notified}.",
    )
    body = render_to_string(
        "reviews/email/failed_arrangement.txt",
        {
            "failure": failure,
            "person": person,
            "what": what,
            "review": review,
            "actor": actor,
            "url": _link(url, request),
            "product_name": settings.PRODUCT_NAME,
        },
    )
    subject = f"Failed arrangement for {person.council_id}: {Kind(kind).label.lower()}"
    transaction.on_commit(lambda: _send(subject, body, recipients))
    return failure


def _cover_line(failure: FailedArrangement, line: PlanLine | None) -> PlanLine:
    if failure.arrangement_id is not None:
        failed_line = failure.arrangement.plan_line
        if line is not None and line.pk != failed_line.pk:
            raise DomainError("Emergency cover replaces the support that failed: use its plan line", field="line")
        return failed_line
    if line is None:
        raise DomainError("Choose which part of the plan the cover replaces", field="line")
    line = PlanLine.objects.select_related("plan").get(pk=line.pk)
    if line.plan_id != failure.plan_id:
        raise DomainError("That plan line is not part of the plan that failed", field="line")
    return line


def _cover_pa(pa: PersonalAssistant, start_date: datetime.date) -> None:
    pa = PersonalAssistant.objects.prefetch_related("checks").get(pk=pa.pk)
    if pa.is_suspended:
        raise DomainError(
            f"{pa.full_name} is suspended while a concern is looked into: they cannot start any new work", field="pa"
        )
    if not pa.is_active:
        raise DomainError(f"{pa.full_name} is no longer on the register", field="pa")
    council = CouncilSettings.current()
    found = pa_rules.problems(pa.rule_checks(), on=start_date, recheck_years=council.dbs_recheck_years)
    if found:
        missing = "; ".join(p.message for p in found)
        raise DomainError(
            f"{pa.full_name} cannot give emergency cover: their checks are not all current ({missing}). Choose "
            "someone whose checks are current, or a provider",
            field="pa",
        )


@transaction.atomic
def emergency_cover_arrange(
    *,
    failure: FailedArrangement,
    actor,
    start_date: datetime.date,
    end_date: datetime.date,
    unit_cost: Decimal,
    cost_frequency: str,
    planned_units_per_week: Decimal,
    provider: Provider | None = None,
    pa: PersonalAssistant | None = None,
    line: PlanLine | None = None,
    request=None,
) -> Arrangement:
    """Put emergency cover in place after a failure: a short-term arrangement on the failed plan line (CLD Service
    Type "Short Term Support: Other Short Term", Component "Emergency Support", Delivery Mechanism "CASSR
    Commissioned Support") from `start_date` to `end_date`, with a provider, a personal assistant or neither
    (someone not on the council's lists, named in the notes). Closes the failure's task. Refuses cover already in
    place, a start before the failure or more than a week ahead, no end date or one more than six weeks on, both a
    provider and a PA, a suspended or unchecked PA or an inactive provider, and costs or units that cannot be."""
    failure = (
        FailedArrangement.objects.select_for_update(of=("self",))
        .select_related("person", "plan", "arrangement__plan_line")
        .get(pk=failure.pk)
    )
    today = timezone.localdate()
    if failure.emergency_cover_id is not None:
        raise DomainError("Emergency cover is already in place for this failure")
    if failure.plan_id is None:
        raise DomainError("This failure is not linked to a plan: there is no plan line to cover")
    line = _cover_line(failure, line)
    if start_date is None:
        raise DomainError("Enter the date the cover starts", field="start_date")
    if start_date < failure.occurred_on:
        raise DomainError(
            f"The cover cannot start before the support failed ({failure.occurred_on:%-d %B %Y})", field="start_date"
        )
    if start_date > today + datetime.timedelta(days=EMERGENCY_START_AHEAD_DAYS):
        raise DomainError(
            f"Emergency cover starts within {EMERGENCY_START_AHEAD_DAYS} days: for later support, arrange it on the "
            "plan",
            field="start_date",
        )
    if end_date is None:
        raise DomainError("Enter the date the cover ends: emergency cover is short-term", field="end_date")
    if end_date < start_date:
        raise DomainError("The cover must end on or after the day it starts", field="end_date")
    latest = start_date + datetime.timedelta(days=EMERGENCY_COVER_MAX_DAYS)
    if end_date > latest:
        raise DomainError(
            f"Emergency cover lasts at most {EMERGENCY_COVER_MAX_DAYS // 7} weeks (until {latest:%-d %B %Y}): the "
            "unplanned review arranges longer-term support",
            field="end_date",
        )
    if provider is not None and pa is not None:
        raise DomainError("Choose a provider or a personal assistant, not both", field="provider")
    if cost_frequency not in cld.COST_FREQUENCIES:
        raise DomainError("Choose how the cost is charged", field="cost_frequency")
    if unit_cost is None or unit_cost < 0:
        raise DomainError("Enter the unit cost: £0 or more", field="unit_cost")
    if planned_units_per_week is None or planned_units_per_week < 0:
        raise DomainError("Enter the planned units a week: 0 or more", field="planned_units_per_week")
    if planned_units_per_week > MAX_UNITS_PER_WEEK:
        raise DomainError(f"Planned units a week must be {MAX_UNITS_PER_WEEK} or fewer", field="planned_units_per_week")
    if provider is not None:
        provider = Provider.objects.get(pk=provider.pk)
        if not provider.is_active:
            raise DomainError(f"{provider.name} is no longer active in the directory", field="provider")
    if pa is not None:
        _cover_pa(pa, start_date)
    charged = cost_frequency not in (plan_costs.NO_CHARGE, plan_costs.ONE_OFF)
    weekly = (unit_cost * planned_units_per_week).quantize(plan_costs.PENNY, rounding=ROUND_HALF_UP)
    cover = Arrangement.objects.create(
        plan_line=line,
        person=failure.person,
        provider=provider,
        pa=pa,
        start_date=start_date,
        end_date=end_date,
        service_type=EMERGENCY_SERVICE_TYPE,
        service_component=EMERGENCY_COMPONENT,
        delivery_mechanism=EMERGENCY_DELIVERY,
        unit_cost=unit_cost.quantize(plan_costs.PENNY),
        cost_frequency=cost_frequency,
        planned_units_per_week=planned_units_per_week.quantize(plan_costs.PENNY),
        weekly_cost=weekly if charged else plan_costs.ZERO,
        created_by=actor,
    )
    failure.emergency_cover = cover
    failure.save(update_fields=["emergency_cover"])
    task_close(source=f"failed_arrangement:{failure.pk}", actor=actor)
    who = provider.name if provider else (pa.full_name if pa else "someone not on the council's lists")
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=cover,
        person=failure.person,
        summary=f"Emergency cover arranged with {who} from {start_date:%-d %B %Y} to {end_date:%-d %B %Y}",
        changes=diff({}, snapshot(cover, COVER_FIELDS)),
        request=request,
        event_type=PersonEvent.Type.ARRANGEMENT,
        title=f"Emergency cover arranged with {who}",
        detail=f"After the failure on {failure.occurred_on:%-d %B %Y}: {line.description}. From "
        f"{start_date:%-d %B %Y} to {end_date:%-d %B %Y}, {pounds(cover.weekly_cost)} a week.",
    )
    return cover
