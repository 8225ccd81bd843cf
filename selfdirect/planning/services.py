"""Every change to a support plan: writing it, submitting it, the manager's or panel's decision, and the budget
that approval creates. Each is one transaction with its audit record and the person's timeline event.

Plans are edited by more than one person (the family in the portal, a worker, a planning organisation), so every
change names the version it started from and is refused if someone else saved first (StaleEditError): nothing
is overwritten. The status moves only along the guarded transitions below; each move closes the clock segment
of the old state and opens one for the new, charged to whoever the plan is waiting on.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import Assessment
from selfdirect.core.audit import diff, snapshot
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.permissions import Action, can
from selfdirect.core.services import DomainError, StaleEditError
from selfdirect.money.budget_selectors import current_financial_assessment
from selfdirect.money.budget_services import personal_budget_set, split_in_proportion
from selfdirect.money.models import IndicativeBudget
from selfdirect.people.models import PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.rules import cld, plan_costs
from selfdirect.rules import direct_payments as dp_rules
from selfdirect.rules.charging import pounds
from selfdirect.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES

from .models import (
    ContingencyPlan,
    DirectPaymentSuitability,
    Management,
    Party,
    PlanClockSegment,
    PlanDecision,
    PlanLine,
    PlanNeed,
    PlanRisk,
    SupportPlan,
)

S = SupportPlan.Status
OPEN_STATUSES = (S.DRAFT, S.WITH_MANAGER, S.AT_PANEL, S.RETURNED, S.AWAITING_FINANCE)
# States the clock stops in: nobody is waiting any more.
CLOCK_STOPS = (S.APPROVED, S.CANCELLED, S.SUPERSEDED)
PLANNER_PARTY = {
    SupportPlan.Planner.PERSON: Party.PERSON,
    SupportPlan.Planner.STAFF: Party.WORKER,
    SupportPlan.Planner.ORGANISATION: Party.ORGANISATION,
}
PLAN_FIELDS = ["what_matters", "outcomes", "advice_given", "budget_difference_reason", "start_date"]
LINE_FIELDS = [
    "need",
    "description",
    "support_kind",
    "provider",
    "pa",
    "who_name",
    "service_component",
    "unit_type",
    "units",
    "per_week",
    "unit_rate",
    "days_times",
    "management",
]
RISK_FIELDS = ["risk", "likelihood", "impact", "mitigation", "responsible", "persons_view", "positive_risk_taking"]
CONTINGENCY_FIELDS = [
    "if_main_support_fails",
    "if_pa_absent",
    "if_money_runs_out",
    "in_a_crisis",
    "backup_name",
    "backup_phone",
    "emergency_name",
    "emergency_phone",
]
TOO_LARGE = Decimal("100000")


@dataclass(frozen=True)
class Problem:
    """Something a plan needs before it can be submitted, and where on the plan page to fix it."""

    message: str
    section: str


class PlanIncomplete(DomainError):
    """The plan cannot be submitted yet: every problem is listed, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


# --- Locking, clock and records ------------------------------------------------------------------------------


def _locked(plan: SupportPlan, expected_version) -> SupportPlan:
    """The plan, locked for this transaction, if nobody has saved it since `expected_version` was read."""
    current = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = -1
    if current.version != expected:
        when = timezone.localtime(current.updated_at)
        raise StaleEditError(
            f"Someone else saved this plan at {when:%H:%M} on {when:%-d %B}, after you opened it. Your changes have "
            "not been saved and nothing was overwritten: what you typed is still in the form. Open the plan again "
            "to see their changes, then add yours."
        )
    return current


def _saved(plan: SupportPlan) -> SupportPlan:
    plan.version += 1
    plan.save()
    return plan


def _editable(plan: SupportPlan) -> None:
    if not plan.is_editable:
        raise DomainError(f"This plan is {plan.get_status_display().lower()}, so it cannot be changed now")


def _clock_move(plan: SupportPlan, *, status: str, party: str | None, at=None) -> None:
    """Close the open clock segment and, unless the clock stops, open one for the new state and party."""
    at = at or timezone.now()
    PlanClockSegment.objects.filter(plan=plan, ended_at__isnull=True).update(ended_at=at)
    if status not in CLOCK_STOPS and party:
        PlanClockSegment.objects.create(plan=plan, status=status, party=party, started_at=at)


def _record(plan, *, actor, action, summary, title="", detail="", changes=None, request=None, obj=None):
    person_change_record(
        actor=actor,
        action=action,
        obj=obj or plan,
        person=plan.person,
        summary=summary,
        event_type=PersonEvent.Type.PLAN if title else "",
        title=title,
        detail=detail,
        changes=changes,
        request=request,
    )


def _text(value, *, label: str, field: str, limit: int | None = None, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if limit and len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer", field=field)
    return text


def _amount(value, *, label: str, field: str, places: int = 2) -> Decimal:
    """A non-negative number typed by a person, to `places` decimal places, or a DomainError saying what to type."""
    try:
        number = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except (InvalidOperation, AttributeError):
        raise DomainError(f"Enter {label} as a number, for example 2 or 1.5", field=field) from None
    if not number.is_finite() or number < 0:
        raise DomainError(f"Enter {label} as a number that is 0 or more", field=field)
    if number >= TOO_LARGE:
        raise DomainError(f"{label[0].upper()}{label[1:]} is too large: check what was typed", field=field)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise DomainError(f"Enter {label} with no more than {places} decimal places", field=field)
    return number


# --- Starting and writing a plan -----------------------------------------------------------------------------


def _needs_from(assessment: Assessment) -> list[PlanNeed]:
    outcomes = CARER_OUTCOMES if assessment.kind == Assessment.Kind.CARER else ADULT_OUTCOMES
    needs = []
    for order, answer in enumerate(assessment.outcome_answers.order_by("code")):
        if not answer.is_unable:
            continue
        label = outcomes.get(answer.code, answer.code)
        needs.append(
            PlanNeed(
                outcome_code=answer.code,
                title=label[0].upper() + label[1:],
                in_own_words=answer.own_words,
                eligible=bool(assessment.decision_eligible),
                order=order,
            )
        )
    return needs


@transaction.atomic
def support_plan_start(
    *, assessment: Assessment, actor, planner: str, planning_organisation=None, request=None
) -> SupportPlan:
    """Start a plan from a signed-off eligible assessment: its needs, the person's words and the indicative budget
    are copied in, so nothing is typed twice. One open plan per person at a time."""
    if assessment.person_id is None:
        raise DomainError("Link the assessment to a person's record before planning their support")
    if assessment.status != Assessment.Status.SIGNED_OFF or not assessment.decision_eligible:
        raise DomainError("A support plan starts from a signed-off assessment that found eligible needs")
    if planner not in SupportPlan.Planner.values:
        raise DomainError("Choose who is planning the support", field="planner")
    if planner == SupportPlan.Planner.ORGANISATION and planning_organisation is None:
        raise DomainError("Choose the support-planning organisation", field="planning_organisation")
    open_plan = SupportPlan.objects.filter(person_id=assessment.person_id, status__in=OPEN_STATUSES).first()
    if open_plan is not None:
        raise DomainError(
            f"{assessment.person.full_name} already has a support plan in progress (plan {open_plan.pk}, "
            f"{open_plan.get_status_display().lower()}): carry on with that one"
        )
    indicative = IndicativeBudget.objects.filter(assessment_id=assessment.pk).first()
    if indicative is None:
        indicative = IndicativeBudget.objects.filter(person_id=assessment.person_id).order_by("-computed_at").first()
    plan = SupportPlan.objects.create(
        person=assessment.person,
        assessment=assessment,
        indicative_budget=indicative,
        planner=planner,
        planning_organisation=planning_organisation if planner == SupportPlan.Planner.ORGANISATION else None,
        held_by=PLANNER_PARTY[planner],
        what_matters=assessment.wishes_and_outcomes,
        created_by=actor,
    )
    needs = _needs_from(assessment)
    for need in needs:
        need.plan = plan
    PlanNeed.objects.bulk_create(needs)
    emergency = assessment.person.contacts.filter(is_active=True, is_emergency_contact=True).first()
    ContingencyPlan.objects.create(
        plan=plan,
        emergency_name=emergency.name if emergency else "",
        emergency_phone=emergency.phone if emergency else "",
    )
    _clock_move(plan, status=S.DRAFT, party=plan.held_by)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.CREATE,
        summary=f"Support plan started ({plan.get_planner_display().lower()})",
        title="Support planning started",
        detail=f"Planning by {plan.get_planner_display().lower()}; {len(needs)} needs from the assessment.",
        request=request,
    )
    return plan


@transaction.atomic
def support_plan_update(*, plan: SupportPlan, actor, expected_version, request=None, **fields) -> SupportPlan:
    """Change the plan's own words (what matters, outcomes, advice, the reason the cost differs, the start)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    plan = _locked(plan, expected_version)
    _editable(plan)
    before = snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        if name == "start_date":
            plan.start_date = value
        else:
            setattr(plan, name, _text(value, label=name.replace("_", " "), field=name, limit=5000))
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if not changes:
        return plan
    _saved(plan)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary="Support plan changed",
        changes=changes,
        request=request,
    )
    return plan


@transaction.atomic
def plan_need_update(*, plan: SupportPlan, need: PlanNeed, actor, expected_version, how_met: str, request=None):
    plan = _locked(plan, expected_version)
    _editable(plan)
    if need.plan_id != plan.pk:
        raise DomainError("That need belongs to another plan")
    before = snapshot(need, ["how_met"])
    need.how_met = _text(how_met, label="how this need will be met", field="how_met", limit=3000)
    need.save(update_fields=["how_met"])
    _saved(plan)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=need,
        summary=f"How '{need.title}' is met",
        changes=diff(before, snapshot(need, ["how_met"])),
        request=request,
    )
    return need


def rate_in_force(*, provider, service_component: str, unit_type: str, on: datetime.date):
    """The provider's rate for this service on `on`, else the council's standard rate (None if neither)."""
    from selfdirect.market.models import Rate

    rates = Rate.objects.filter(service_component=service_component, unit_type=unit_type, effective_from__lte=on)
    if provider is not None:
        found = rates.filter(provider=provider).order_by("-effective_from").first()
        if found is not None:
            return found
    return rates.filter(provider__isnull=True).order_by("-effective_from").first()


def _line_values(plan: SupportPlan, fields: dict) -> dict:
    """Check and complete a line: who provides it, its CLD component, and its cost from the rate in force."""
    values = {name: fields.get(name) for name in LINE_FIELDS}
    kind = values["support_kind"]
    if kind not in PlanLine.SupportKind.values:
        raise DomainError("Choose who will provide this support", field="support_kind")
    values["description"] = _text(
        values["description"], label="what the support is", field="description", limit=300, required=True
    )
    values["who_name"] = _text(values["who_name"], label="the name of who helps", field="who_name", limit=200)
    values["days_times"] = _text(values["days_times"], label="the days and times", field="days_times", limit=200)
    if values["need"] is not None and values["need"].plan_id != plan.pk:
        raise DomainError("That need belongs to another plan", field="need")
    if kind == PlanLine.SupportKind.UNPAID:
        # Support nobody pays for still belongs in the plan, but it costs nothing and needs no component.
        if not values["who_name"]:
            raise DomainError("Enter who gives this support, for example 'Ann (daughter)'", field="who_name")
        values.update(
            provider=None,
            pa=None,
            management=Management.NOT_PAID,
            unit_rate=Decimal("0"),
            unit_type=cld.COST_FREQUENCIES[0],
            units=Decimal("0"),
            per_week=Decimal("0"),
        )
        values["service_component"] = values["service_component"] or ""
        return values
    if kind == PlanLine.SupportKind.PROVIDER and values["provider"] is None and not values["who_name"]:
        raise DomainError("Choose the provider, or enter its name if it is not in the directory yet", field="provider")
    if kind == PlanLine.SupportKind.PROVIDER:
        values["pa"] = None
    if kind == PlanLine.SupportKind.PA:
        values["provider"] = None
        if values["management"] not in (Management.DIRECT_PAYMENT,):
            raise DomainError(
                "A personal assistant is employed with a direct payment: choose direct payment for "
                "this line, or choose a provider",
                field="management",
            )
    if values["management"] not in plan_costs.MANAGEMENT_OPTIONS:
        raise DomainError("Choose how the money for this support is managed", field="management")
    if values["service_component"] not in cld.SERVICE_COMPONENTS:
        raise DomainError("Choose the kind of service (the service component)", field="service_component")
    if values["unit_type"] not in cld.COST_FREQUENCIES:
        raise DomainError("Choose what the rate is charged per", field="unit_type")
    values["units"] = _amount(
        values["units"] if values["units"] is not None else "1", label="the units each time", field="units"
    )
    values["per_week"] = _amount(
        values["per_week"] if values["per_week"] is not None else "1", label="how many times a week", field="per_week"
    )
    if values["unit_type"] in plan_costs.PER_OCCASION and values["per_week"] == 0:
        raise DomainError("Enter how many times a week, for example 7 for every day", field="per_week")
    values["rate"] = None
    if values["unit_rate"] in (None, ""):
        rate = rate_in_force(
            provider=values["provider"],
            service_component=values["service_component"],
            unit_type=values["unit_type"],
            on=plan.start_date or timezone.localdate(),
        )
        if rate is None:
            raise DomainError(
                f"No {values['unit_type'].lower()} rate is recorded for {values['service_component']}: enter the "
                "unit rate agreed",
                field="unit_rate",
            )
        values["unit_rate"], values["rate"] = rate.amount, rate
    else:
        values["unit_rate"] = _amount(values["unit_rate"], label="the unit rate in pounds", field="unit_rate")
    values["weekly_cost"] = plan_costs.line_weekly_cost(
        unit_type=values["unit_type"], unit_rate=values["unit_rate"], units=values["units"], per_week=values["per_week"]
    )
    values["one_off_cost"] = plan_costs.line_one_off_cost(
        unit_type=values["unit_type"], unit_rate=values["unit_rate"], units=values["units"]
    )
    return values


def _refresh_totals(plan: SupportPlan) -> None:
    cost = plan_costs.plan_cost(line.costed() for line in plan.lines.all())
    plan.weekly_total = cost.weekly_total
    plan.weekly_direct_payment = cost.split[plan_costs.DIRECT_PAYMENT]
    plan.weekly_council_managed = cost.split[plan_costs.COUNCIL_MANAGED]
    plan.weekly_individual_service_fund = cost.split[plan_costs.INDIVIDUAL_SERVICE_FUND]


@transaction.atomic
def plan_line_save(
    *, plan: SupportPlan, actor, expected_version, line: PlanLine | None = None, request=None, **fields
) -> PlanLine:
    """Add a line, or change one: its weekly cost comes from the rate in force unless a rate is typed."""
    plan = _locked(plan, expected_version)
    _editable(plan)
    if line is not None and line.plan_id != plan.pk:
        raise DomainError("That line belongs to another plan")
    values = _line_values(plan, fields)
    before = snapshot(line, LINE_FIELDS + ["weekly_cost"]) if line else {}
    if line is None:
        line = PlanLine(plan=plan, order=plan.lines.count())
    for name, value in values.items():
        setattr(line, name, value)
    if line.pa_id is None or line.pa is None or not line.pa.is_suspended:
        line.flagged = ""
    line.save()
    _refresh_totals(plan)
    _saved(plan)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        obj=line,
        summary=f"Plan line {'changed' if before else 'added'}: {line.description}",
        changes=diff(before, snapshot(line, LINE_FIELDS + ["weekly_cost"])),
        request=request,
    )
    return line


@transaction.atomic
def plan_line_remove(*, plan: SupportPlan, line: PlanLine, actor, expected_version, request=None) -> None:
    plan = _locked(plan, expected_version)
    _editable(plan)
    if line.plan_id != plan.pk:
        raise DomainError("That line belongs to another plan")
    if line.arrangements.exists():
        raise DomainError("This line has been arranged with a provider or PA: end the arrangement instead")
    description = line.description
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=line,
        summary=f"Plan line removed: {description}",
        request=request,
    )
    line.delete()
    _refresh_totals(plan)
    _saved(plan)


@transaction.atomic
def plan_risk_save(
    *, plan: SupportPlan, actor, expected_version, existing: PlanRisk | None = None, request=None, **fields
) -> PlanRisk:
    plan = _locked(plan, expected_version)
    _editable(plan)
    if existing is not None and existing.plan_id != plan.pk:
        raise DomainError("That risk belongs to another plan")
    labels = {
        "risk": "what could go wrong",
        "mitigation": "what will reduce the risk",
        "responsible": "who will do that",
    }
    values = {}
    for name, label in labels.items():
        values[name] = _text(fields.get(name), label=label, field=name, limit=3000, required=True)
    values["responsible"] = values["responsible"][:200]
    for name, label in (("likelihood", "how likely it is"), ("impact", "how serious it would be")):
        if fields.get(name) not in PlanRisk.Level.values:
            raise DomainError(f"Choose {label}", field=name)
        values[name] = fields[name]
    values["persons_view"] = _text(
        fields.get("persons_view"), label="what the person thinks", field="persons_view", limit=3000
    )
    values["positive_risk_taking"] = bool(fields.get("positive_risk_taking"))
    if values["positive_risk_taking"] and not values["persons_view"]:
        raise DomainError("Record the person's own view when they choose to take a risk", field="persons_view")
    before = snapshot(existing, RISK_FIELDS) if existing else {}
    risk = existing or PlanRisk(plan=plan)
    for name, value in values.items():
        setattr(risk, name, value)
    risk.save()
    _saved(plan)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        obj=risk,
        summary="Risk recorded" if not before else "Risk changed",
        changes=diff(before, snapshot(risk, RISK_FIELDS)),
        request=request,
    )
    return risk


@transaction.atomic
def plan_risk_remove(*, plan: SupportPlan, risk: PlanRisk, actor, expected_version, request=None) -> None:
    plan = _locked(plan, expected_version)
    _editable(plan)
    if risk.plan_id != plan.pk:
        raise DomainError("That risk belongs to another plan")
    _record(plan, actor=actor, action=AuditEvent.Action.DELETE, obj=risk, summary="Risk removed", request=request)
    risk.delete()
    _saved(plan)


@transaction.atomic
def contingency_save(*, plan: SupportPlan, actor, expected_version, request=None, **fields) -> ContingencyPlan:
    plan = _locked(plan, expected_version)
    _editable(plan)
    contingency, _ = ContingencyPlan.objects.get_or_create(plan=plan)
    before = snapshot(contingency, CONTINGENCY_FIELDS)
    for name in CONTINGENCY_FIELDS:
        if name in fields:
            limit = 200 if name.endswith("_name") else 30 if name.endswith("_phone") else 3000
            label = ContingencyPlan._meta.get_field(name).verbose_name.lower()
            setattr(contingency, name, _text(fields[name], label=label, field=name, limit=limit))
    contingency.save()
    changes = diff(before, snapshot(contingency, CONTINGENCY_FIELDS))
    if changes:
        _saved(plan)
        _record(
            plan,
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=contingency,
            summary="Contingency plan changed",
            changes=changes,
            request=request,
        )
    return contingency


@transaction.atomic
def dp_suitability_record(
    *,
    plan: SupportPlan,
    actor,
    expected_version,
    route: str,
    conditions: dict,
    recipient=None,
    notes: str = "",
    request=None,
) -> DirectPaymentSuitability:
    """Record the s31/s32 conditions for paying some of the plan by direct payment."""
    plan = _locked(plan, expected_version)
    _editable(plan)
    if route not in dp_rules.CONDITIONS:
        raise DomainError("Choose who the direct payment would be paid to", field="route")
    if route in (dp_rules.S31_NOMINEE, dp_rules.S32_AUTHORISED):
        if recipient is None or recipient.person_id != plan.person_id:
            raise DomainError("Choose the contact who will receive the payments", field="recipient")
        needed = "is_nominee" if route == dp_rules.S31_NOMINEE else "is_authorised_person"
        if not getattr(recipient, needed):
            role = "a nominee" if route == dp_rules.S31_NOMINEE else "an authorised person"
            raise DomainError(
                f"{recipient.name} is not recorded as {role}: change their contact roles first", field="recipient"
            )
    else:
        recipient = None
    kept = {key: bool(conditions.get(key)) for key in dp_rules.CONDITIONS[route]}
    suitability, created = DirectPaymentSuitability.objects.update_or_create(
        plan=plan,
        defaults={
            "route": route,
            "conditions": kept,
            "recipient": recipient,
            "recorded_by": actor,
            "notes": _text(notes, label="notes", field="notes", limit=3000),
            "recorded_at": timezone.now(),
        },
    )
    _saved(plan)
    unmet = dp_rules.unmet(route, kept)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=suitability,
        summary="Direct payment conditions recorded: " + ("all met" if not unmet else f"{len(unmet)} not met"),
        request=request,
    )
    return suitability


@transaction.atomic
def plan_hand_over(*, plan: SupportPlan, actor, expected_version, to: str, request=None) -> SupportPlan:
    """Pass a plan being written to someone else (for example the family sends it to their worker): the clock
    then charges the time to them."""
    plan = _locked(plan, expected_version)
    _editable(plan)
    if to not in (Party.WORKER, Party.PERSON, Party.ORGANISATION):
        raise DomainError("A plan being written is with the worker, the person or a planning organisation")
    if to == Party.ORGANISATION and plan.planning_organisation_id is None:
        raise DomainError("No support-planning organisation is working on this plan")
    if plan.held_by == to:
        return plan
    plan.held_by = to
    _saved(plan)
    _clock_move(plan, status=plan.status, party=to)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary=f"Plan passed to {Party(to).label.lower()}",
        title=f"Plan passed to {Party(to).label.lower()}",
        request=request,
    )
    return plan


# --- Submitting and deciding ---------------------------------------------------------------------------------


def submission_problems(plan: SupportPlan) -> list[Problem]:
    """Everything the plan still needs before it can go for approval (an empty list: it is ready)."""
    found: list[Problem] = []
    if not plan.what_matters.strip():
        found.append(Problem("Say what matters to the person, in their words", "about"))
    if not plan.outcomes.strip():
        found.append(Problem("Say what the person wants to achieve", "about"))
    if plan.start_date is None:
        found.append(Problem("Enter the date the support should start", "about"))
    lines = list(plan.lines.select_related("pa"))
    if not lines:
        found.append(Problem("Add the support that will meet the person's needs", "lines"))
    met = {line.need_id for line in lines}
    for need in plan.needs.all():
        if need.eligible and need.pk not in met and not need.how_met.strip():
            found.append(Problem(f"Say how this need will be met: {need.title}", "needs"))
    if not plan.risks.exists():
        found.append(Problem("Add at least one risk, with what reduces it (the risk assessment)", "risks"))
    contingency = ContingencyPlan.objects.filter(plan=plan).first()
    for name in CONTINGENCY_FIELDS:
        if contingency is None or not getattr(contingency, name).strip():
            label = ContingencyPlan._meta.get_field(name).verbose_name
            found.append(Problem(f"Complete the contingency plan: {label.lower()}", "contingency"))
    indicative = plan.indicative_budget.weekly_amount if plan.indicative_budget else None
    if indicative is not None and plan.weekly_total != indicative and not plan.budget_difference_reason.strip():
        found.append(
            Problem(
                f"Explain why the plan costs {pounds(plan.weekly_total)} a week when the indicative budget is "
                f"{pounds(indicative)}",
                "cost",
            )
        )
    if any(line.management == Management.DIRECT_PAYMENT for line in lines):
        suitability = DirectPaymentSuitability.objects.filter(plan=plan).first()
        if suitability is None:
            found.append(Problem("Record the direct payment conditions (Care Act s31 or s32)", "money"))
        elif suitability.unmet:
            found.append(
                Problem(
                    "Not every direct payment condition is met: choose another way to manage those "
                    "lines, or record the conditions again",
                    "money",
                )
            )
    flagged = [line.description for line in lines if line.flagged]
    if flagged:
        found.append(Problem(f"Resolve the flagged lines: {', '.join(flagged)}", "lines"))
    return found


@transaction.atomic
def support_plan_submit(*, plan: SupportPlan, actor, expected_version, request=None) -> SupportPlan:
    """Send a complete plan for approval: to a team manager when it is within the indicative budget and the
    council's limit, otherwise to the funding panel. Only council staff submit (the family sends it to them)."""
    if not can(actor, Action.PLAN_WRITE):
        raise DomainError("A council worker submits the plan for approval: send it to your worker")
    plan = _locked(plan, expected_version)
    if plan.status not in (S.DRAFT, S.RETURNED):
        raise DomainError(f"This plan is {plan.get_status_display().lower()}: it cannot be submitted again now")
    _refresh_totals(plan)
    problems = submission_problems(plan)
    if problems:
        raise PlanIncomplete(problems)
    limit = CouncilSettings.current().manager_approval_limit_weekly
    indicative = plan.indicative_budget.weekly_amount if plan.indicative_budget else None
    plan.approval_route = plan_costs.approval_route(
        weekly_total=plan.weekly_total, indicative_weekly=indicative, manager_limit=limit
    )
    plan.status = S.WITH_MANAGER if plan.approval_route == "manager" else S.AT_PANEL
    plan.submitted_at = timezone.now()
    _saved(plan)
    _clock_move(plan, status=plan.status, party=Party.PANEL)
    where = "a team manager" if plan.approval_route == "manager" else "the funding panel"
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary=f"Plan submitted to {where}",
        title=f"Support plan sent to {where}",
        detail=f"Weekly cost {pounds(plan.weekly_total)}"
        + (f" against an indicative budget of {pounds(indicative)}." if indicative is not None else "."),
        request=request,
    )
    return plan


def _check_decider(plan: SupportPlan, actor, meeting) -> None:
    if plan.status == S.WITH_MANAGER:
        if not can(actor, Action.PLAN_APPROVE):
            raise DomainError("Only a team manager can decide this plan")
        if plan.created_by_id == actor.pk:
            raise DomainError("You started this plan, so another manager must decide it")
        team = plan.person.allocated_team
        if team is not None and not team.members.filter(pk=actor.pk).exists():
            raise DomainError(f"This plan is for a manager of {team.name} to decide")
        if meeting is not None:
            raise DomainError("This plan is with a manager, not the funding panel")
        return
    if plan.status != S.AT_PANEL:
        raise DomainError(f"This plan is {plan.get_status_display().lower()}: there is no decision to make on it")
    if not can(actor, Action.PANEL_DECIDE):
        raise DomainError("Only the funding panel can decide this plan")
    if meeting is None:
        raise DomainError("Choose the panel meeting this decision was made at", field="meeting")
    from .models import PanelMeeting

    if meeting.status == PanelMeeting.Status.CANCELLED:
        raise DomainError("That panel meeting was cancelled")
    if not meeting.agenda.filter(plan=plan).exists():
        raise DomainError("This plan is not on that meeting's agenda: add it to the agenda first")
    if not meeting.attendees.filter(pk=actor.pk).exists():
        raise DomainError("Record that you attended the meeting before recording its decisions")
    present = meeting.attendees.count()
    if present < meeting.quorum:
        raise DomainError(f"The meeting is not quorate: {present} members attended and {meeting.quorum} are needed")


@transaction.atomic
def support_plan_decide(
    *,
    plan: SupportPlan,
    actor,
    expected_version,
    outcome: str,
    reasons: str,
    return_category: str = "",
    changes_required: str = "",
    meeting=None,
    request=None,
) -> PlanDecision:
    """Approve, approve with changes, or return a submitted plan, with reasons. A return needs a category. Approval
    creates the personal budget (or waits for the financial assessment if it is not complete)."""
    plan = _locked(plan, expected_version)
    _check_decider(plan, actor, meeting)
    if outcome not in PlanDecision.Outcome.values:
        raise DomainError("Choose the decision", field="outcome")
    reasons = _text(reasons, label="the reasons for the decision", field="reasons", limit=5000, required=True)
    changes_required = _text(changes_required, label="the changes needed", field="changes_required", limit=5000)
    if outcome == PlanDecision.Outcome.RETURN:
        if return_category not in PlanDecision.ReturnCategory.values:
            raise DomainError("Choose why the plan is being returned", field="return_category")
    else:
        return_category = ""
    if outcome == PlanDecision.Outcome.APPROVE_WITH_CHANGES and not changes_required:
        raise DomainError("Say what must change", field="changes_required")
    decision = PlanDecision.objects.create(
        plan=plan,
        route=plan.approval_route,
        meeting=meeting,
        outcome=outcome,
        return_category=return_category,
        reasons=reasons,
        changes_required=changes_required,
        decided_by=actor,
    )
    plan.decided_at = decision.decided_at
    label = decision.get_outcome_display()
    if outcome == PlanDecision.Outcome.RETURN:
        plan.status = S.RETURNED
        plan.held_by = PLANNER_PARTY[plan.planner]
        _saved(plan)
        _clock_move(plan, status=plan.status, party=plan.held_by)
        detail = f"{decision.get_return_category_display()}: {reasons}"
    else:
        _approve(plan, actor=actor, request=request)
        detail = reasons + (f" Changes: {changes_required}" if changes_required else "")
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=decision,
        summary=f"Plan decision: {label}",
        title=f"Support plan: {label.lower()}",
        detail=detail,
        request=request,
    )
    return decision


def _approve(plan: SupportPlan, *, actor, request) -> None:
    """After an approving decision: the budget if the money side is ready, otherwise wait for finance."""
    SupportPlan.objects.filter(person=plan.person, status=S.APPROVED).exclude(pk=plan.pk).update(status=S.SUPERSEDED)
    if plan.weekly_total and current_financial_assessment(person=plan.person) is None:
        plan.status = S.AWAITING_FINANCE
        _saved(plan)
        _clock_move(plan, status=plan.status, party=Party.FINANCE)
        return
    _make_budget(plan, actor=actor, request=request)


def _make_budget(plan: SupportPlan, *, actor, request) -> None:
    from selfdirect.reablement.selectors import council_share  # joint funding depends on plans, not the reverse

    # The budget is the cost to the council (s26(1)(a)): on a jointly funded plan, only the council's share.
    total = council_share(plan=plan, weekly_cost=plan.weekly_total)
    split = {
        "weekly_direct_payment": plan.weekly_direct_payment,
        "weekly_council_managed": plan.weekly_council_managed,
        "weekly_individual_service_fund": plan.weekly_individual_service_fund,
    }
    if total and total != plan.weekly_total:
        split = split_in_proportion(split, total)
    if total:
        assessment = current_financial_assessment(person=plan.person)
        if assessment.full_cost or assessment.weekly_contribution is None:
            contribution = total
        else:
            contribution = min(assessment.weekly_contribution, total)  # never more than the care costs
        plan.personal_budget = personal_budget_set(
            person=plan.person,
            actor=actor,
            weekly_total_cost=total,
            weekly_person_contribution=contribution,
            split=split,
            effective_from=plan.start_date or timezone.localdate(),
            reason=f"Support plan {plan.pk} approved",
            financial_assessment=assessment,
            indicative_budget=plan.indicative_budget,
            request=request,
        )
    plan.status = S.APPROVED
    _saved(plan)
    _clock_move(plan, status=plan.status, party=None)
    from selfdirect.reviews.services import reviews_schedule_for_plan  # reviews depend on plans, not the reverse

    reviews_schedule_for_plan(plan=plan, actor=actor, request=request)


@transaction.atomic
def support_plan_budget_agree(*, plan: SupportPlan, actor, expected_version, request=None) -> SupportPlan:
    """Finance: the financial assessment is now complete, so the approved plan's personal budget can be set."""
    if not can(actor, Action.FINANCE_ASSESS):
        raise DomainError("A finance officer agrees the budget")
    plan = _locked(plan, expected_version)
    if plan.status != S.AWAITING_FINANCE:
        raise DomainError("This plan is not waiting for the financial assessment")
    if current_financial_assessment(person=plan.person) is None:
        raise DomainError("Complete the person's financial assessment first: it sets their contribution")
    _make_budget(plan, actor=actor, request=request)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary="Personal budget agreed from the plan",
        title="Personal budget agreed",
        detail=f"Weekly cost {pounds(plan.weekly_total)}.",
        request=request,
    )
    return plan


@transaction.atomic
def support_plan_cancel(*, plan: SupportPlan, actor, expected_version, reason: str, request=None) -> SupportPlan:
    plan = _locked(plan, expected_version)
    if plan.status not in (S.DRAFT, S.RETURNED, S.WITH_MANAGER, S.AT_PANEL):
        raise DomainError(f"This plan is {plan.get_status_display().lower()}: it cannot be cancelled")
    reason = _text(reason, label="why the plan is cancelled", field="reason", limit=300, required=True)
    plan.status = S.CANCELLED
    _saved(plan)
    _clock_move(plan, status=plan.status, party=None)
    _record(
        plan,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        summary=f"Plan cancelled: {reason}",
        title="Support plan cancelled",
        detail=reason,
        request=request,
    )
    return plan
