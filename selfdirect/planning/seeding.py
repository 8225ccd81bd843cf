"""The synthetic council's support plans: people at every step from a first draft to an approved plan whose lines
are arranged with providers and PAs. Made through the real services (so audit records, timelines, budgets and
clocks are what real use leaves), then the clock is spread back over the weeks it would have taken.

Runs after the market (providers, rates, PAs), the planning organisations and panels, and money seeding.
"""

import contextlib
import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import Assessment
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement, PersonalAssistant, Provider

from . import services
from .models import PanelMeeting, Party, PlanClockSegment, SupportPlan

# How many plans at each step (before the council is large enough to scale them, they are simply these).
STAGES = [
    ("draft_staff", 6),
    ("draft_family", 3),
    ("referred", 3),
    ("with_manager", 4),
    ("at_panel", 5),
    ("returned", 3),
    ("approved", 14),
]
RETURNS = [
    ("missing_information", "The contingency plan does not say who covers if the agency cannot come at weekends."),
    ("cost", "Two carers for the evening call: say why one is not enough, or change it."),
    ("clerical", "The start date is before the assessment was signed off: correct the date."),
]
# Days each party typically holds a plan: drawn for the clock so "where the time went" has a story to tell.
HOLD_DAYS = {Party.WORKER: (4, 30), Party.PERSON: (3, 21), Party.ORGANISATION: (10, 45), Party.PANEL: (2, 21),
             Party.FINANCE: (3, 18)}  # fmt: skip
LINES = [
    ("Help to get up, washed and dressed", "Home Support", "Hourly", "1", "7", "Mornings, 8am to 9am"),
    ("A hot meal and medication prompt", "Home Support", "Hourly", "0.5", "7", "Teatime, 5pm"),
    ("A day at the community centre", "Day Support", "Per session", "1", "2", "Tuesdays and Fridays"),
    ("Going out: shopping, the allotment", "Home Support", "Hourly", "3", "2", "Wednesday and Saturday afternoons"),
]
UNPAID = [
    ("Sunday lunch and a lift to church", "Daughter"),
    ("Checks in most evenings", "Neighbour"),
    ("Tuesday lunch club", "Community group"),
]
CONTINGENCY = {
    "if_main_support_fails": "The agency sends a replacement carer; the family covers mornings until they arrive.",
    "if_pa_absent": "The agency's bank staff cover; if no one can come, the family is called.",
    "if_money_runs_out": "Ring the finance team before it runs out: the plan is reviewed, support does not stop.",
    "in_a_crisis": "Ring the council's duty team (out of hours: the emergency duty team).",
}


def _staff(role):
    return get_user_model().objects.filter(role=role, is_active=True).order_by("pk").first()


def _age_clock(plan: SupportPlan, rng: random.Random, now) -> None:
    """Spread the plan's clock segments back in time, newest ending now, each lasting what its party
    typically takes. Only seeded plans are aged; real ones keep the times they happened."""
    segments = list(PlanClockSegment.objects.filter(plan=plan).order_by("-started_at", "-id"))
    end = now
    for segment in segments:
        low, high = HOLD_DAYS[segment.party]
        start = end - datetime.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 8))
        PlanClockSegment.objects.filter(pk=segment.pk).update(
            started_at=start, ended_at=None if segment.ended_at is None else end
        )
        end = start
    SupportPlan.objects.filter(pk=plan.pk).update(created_at=end)


def _write(plan, worker, rng: random.Random, providers, pas, *, dp: bool, complete: bool = True):
    """Fill a plan as a worker would: outcomes, how each need is met, lines, unpaid support, a risk, contingency."""
    v = lambda: SupportPlan.objects.get(pk=plan.pk).version  # noqa: E731
    start = timezone.localdate() + datetime.timedelta(days=rng.randint(7, 28))
    services.support_plan_update(plan=plan, actor=worker, expected_version=v(),
                                 outcomes=rng.choice(["Stay living at home safely", "See my friends again",
                                                      "Get out of the house twice a week", "Be less tired"]),
                                 start_date=start)  # fmt: skip
    needs = list(plan.needs.all())
    for index, (text, component, unit, units, per_week, when) in enumerate(rng.sample(LINES, k=rng.randint(1, 3))):
        fields = {"need": needs[index % len(needs)] if needs else None, "description": text,
                  "service_component": component, "unit_type": unit, "units": units, "per_week": per_week,
                  "days_times": when, "unit_rate": None, "pa": None, "provider": None, "who_name": ""}  # fmt: skip
        use_pa = dp and component == "Home Support" and pas and rng.random() < 0.6
        if use_pa:
            fields |= {"support_kind": "pa", "pa": rng.choice(pas), "management": "direct_payment"}
        else:
            offering = [p for p in providers if component in p.service_components]
            fields |= {"support_kind": "provider", "provider": rng.choice(offering) if offering else None,
                       "who_name": "" if offering else "A local agency",
                       "management": rng.choice(["direct_payment", "council_managed", "individual_service_fund"])
                       if dp else rng.choice(["council_managed", "individual_service_fund"])}  # fmt: skip
        try:
            services.plan_line_save(plan=plan, actor=worker, expected_version=v(), **fields)
        except DomainError:  # no rate recorded for this component: an agreed rate instead
            fields["unit_rate"] = "21.50" if unit == "Hourly" else "14.00"
            services.plan_line_save(plan=plan, actor=worker, expected_version=v(), **fields)
    what, who = rng.choice(UNPAID)
    services.plan_line_save(plan=plan, actor=worker, expected_version=v(), description=what, support_kind="unpaid",
                            who_name=who, need=None)  # fmt: skip
    if not complete:
        return
    for need in needs:
        services.plan_need_update(plan=plan, need=need, actor=worker, expected_version=v(),
                                  how_met="By the support listed in this plan")  # fmt: skip
    services.plan_risk_save(plan=plan, actor=worker, expected_version=v(), risk="A fall when getting up at night",
                            likelihood=rng.choice(["low", "medium"]), impact="high",
                            mitigation="Pendant alarm; a night light; the bed moved nearer the bathroom",
                            responsible="The family and the agency",
                            persons_view="I want to stay in my own home, even with the risk",
                            positive_risk_taking=rng.random() < 0.5)  # fmt: skip
    contact = plan.person.contacts.filter(is_active=True).first()
    services.contingency_save(plan=plan, actor=worker, expected_version=v(), **CONTINGENCY,
                              backup_name=contact.name if contact else "A neighbour",
                              backup_phone=(contact.phone if contact and contact.phone else "01632 960001"),
                              emergency_name=plan.contingency.emergency_name or (contact.name if contact else "Duty"),
                              emergency_phone=plan.contingency.emergency_phone or "01632 960002")  # fmt: skip
    plan.refresh_from_db()
    if plan.indicative_budget and plan.weekly_total != plan.indicative_budget.weekly_amount:
        services.support_plan_update(plan=plan, actor=worker, expected_version=v(),
                                     budget_difference_reason="The agency's rate for the calls the person chose, "
                                     "and two days at the centre rather than one")  # fmt: skip
    if plan.lines.filter(management="direct_payment").exists():
        services.dp_suitability_record(plan=plan, actor=worker, expected_version=v(), route="s31_person",
                                       conditions={"c1": True, "c2": True, "c3": True, "c4": True},
                                       notes="Will use a payroll service for the PA's wages")  # fmt: skip


def _arrange(plan, broker, rng):
    """Put the approved plan's paid lines in place (PA lines only where the PA's checks allow it)."""
    from selfdirect.market import services as market_services

    if plan.lines.filter(support_kind="pa").exists():  # an employer needs employer's liability insurance
        start = plan.start_date or timezone.localdate()
        market_services.employer_insurance_record(
            person=plan.person,
            actor=broker,
            insurer=rng.choice(["Fish Insurance", "Markerstudy PA cover"]),
            policy_number=f"EL{rng.randint(100000, 999999)}",
            starts_on=start - datetime.timedelta(days=30),
            expires_on=start + datetime.timedelta(days=335),
        )
    for line in plan.lines.exclude(management="none").select_related("provider", "pa"):
        try:
            market_services.arrangement_make(line=line, actor=broker, start_date=plan.start_date,
                                             provider=line.provider, pa=line.pa,
                                             acknowledge_unregistered=True)  # fmt: skip
        except DomainError:
            continue  # for example a PA whose DBS has lapsed: left for the broker, as in real life


def seed_plans(*, seed: int = 1) -> dict:
    """Support plans at every step for people with a signed-off eligible needs assessment. Skipped when plans
    already exist, so `make demo` can run again. Returns counts."""
    if SupportPlan.objects.exists():
        return {}
    rng = random.Random(seed * 7_919)
    worker, manager, broker = _staff(Role.SOCIAL_WORKER), _staff(Role.TEAM_MANAGER), _staff(Role.SUPPORT_PLANNER)
    finance = _staff(Role.FINANCE_OFFICER)
    if not (worker and manager and broker):
        return {}
    providers = list(Provider.objects.filter(is_active=True).order_by("pk"))
    pas = [pa for pa in PersonalAssistant.objects.filter(is_active=True, is_suspended=False).order_by("pk")]
    assessments = list(
        Assessment.objects.filter(
            kind=Assessment.Kind.NEEDS,
            status=Assessment.Status.SIGNED_OFF,
            decision_eligible=True,
            person__isnull=False,
            person__date_of_death__isnull=True,
            person__is_restricted=False,
            indicative_budget__isnull=False,
        )
        .select_related("person")
        .order_by("person_id", "-signed_off_at")  # fmt: skip
    )
    seen, candidates = set(), []
    for assessment in assessments:
        if assessment.person_id not in seen:
            seen.add(assessment.person_id)
            candidates.append(assessment)
    rng.shuffle(candidates)
    meeting = PanelMeeting.objects.filter(status=PanelMeeting.Status.SCHEDULED, meets_at__gte=timezone.now()).first()
    counts: dict[str, int] = {}
    now = timezone.now()
    for stage, number in STAGES:
        for _ in range(number):
            if not candidates:
                break
            assessment = candidates.pop()
            with transaction.atomic():
                made = _seed_one(stage, assessment, rng, worker=worker, manager=manager, broker=broker,
                                 finance=finance, providers=providers, pas=pas, meeting=meeting)  # fmt: skip
                if made is not None:
                    _age_clock(made, rng, now)
                    counts[stage] = counts.get(stage, 0) + 1
    counts["arrangements"] = Arrangement.objects.count()
    return {f"plans {k.replace('_', ' ')}" if k != "arrangements" else k: n for k, n in counts.items()}


def _seed_one(stage, assessment, rng, *, worker, manager, broker, finance, providers, pas, meeting):
    v = lambda plan: SupportPlan.objects.get(pk=plan.pk).version  # noqa: E731
    person = assessment.person
    if person.allocated_worker is not None and person.allocated_worker.role in (Role.SOCIAL_WORKER, Role.ASSESSOR):
        worker = person.allocated_worker
    if person.allocated_team is not None:
        manager = person.allocated_team.members.filter(role=Role.TEAM_MANAGER).order_by("pk").first() or manager
    planner = "person" if stage == "draft_family" else "staff"
    plan = services.support_plan_start(assessment=assessment, actor=worker, planner=planner)
    if stage == "referred":
        from .models import PlanningOrganisation

        organisation = PlanningOrganisation.objects.filter(is_active=True).order_by("?").first()
        if organisation is not None:
            from .referral_services import planning_referral_make

            with contextlib.suppress(DomainError):  # an organisation that cannot take this person: left unreferred
                planning_referral_make(plan=plan, organisation=organisation, actor=worker)
        return plan
    # Approved plans lean towards direct payments so the demo has several to pay (national share: 25.5%).
    dp = rng.random() < (0.7 if stage == "approved" else 0.45)
    _write(plan, worker, rng, providers, pas, dp=dp, complete=stage != "draft_staff")
    if stage in ("draft_staff", "draft_family"):
        return plan
    plan = services.support_plan_submit(plan=plan, actor=worker, expected_version=v(plan))
    if stage == "with_manager" and plan.status == SupportPlan.Status.WITH_MANAGER:
        return plan
    from .panel_services import panel_agenda_add

    decider, held = manager, None
    if plan.status == SupportPlan.Status.AT_PANEL:
        if stage in ("approved", "returned"):
            # Decided at last week's meeting, by a member who was there.
            held = PanelMeeting.objects.filter(status=PanelMeeting.Status.HELD).order_by("-meets_at").first()
            decider = held.attendees.order_by("pk").first() if held else None
        if decider is None or stage not in ("approved", "returned"):
            if meeting is not None:
                panel_agenda_add(meeting=meeting, plan=plan, actor=manager)
            return plan
        panel_agenda_add(meeting=held, plan=plan, actor=manager)
    elif stage == "at_panel":
        return plan
    if stage == "returned":
        category, reasons = rng.choice(RETURNS)
        services.support_plan_decide(plan=plan, actor=decider, expected_version=v(plan), outcome="return",
                                     return_category=category, reasons=reasons, meeting=held)  # fmt: skip
        return plan
    services.support_plan_decide(plan=plan, actor=decider, expected_version=v(plan), outcome="approve",
                                 reasons="The plan meets the eligible needs and the person's outcomes, "
                                 "at a cost that reflects the support they chose.", meeting=held)  # fmt: skip
    plan.refresh_from_db()
    if plan.status == SupportPlan.Status.APPROVED:
        _arrange(plan, broker, rng)
    return plan


def reset_planning() -> None:
    """Remove seeded arrangements and plans (before budgets, assessments and people are reset: plans refer to
    them). Providers, PAs, organisations and panel meetings are kept: they are not about any one person."""
    from selfdirect.market.seeding import reset_arrangements

    from .models import PanelAgendaItem, PlanDecision, PlanningReferral

    reset_arrangements()
    for model in (PanelAgendaItem, PlanDecision, PlanningReferral):
        model.objects.all().delete()
    SupportPlan.objects.update(replaces=None)
    SupportPlan.objects.all().delete()
    from .seeding_panel import reset_planning_organisations_and_panels

    reset_planning_organisations_and_panels()
