"""A migrated service history for the synthetic council: the support people were already receiving when the council
moved onto selfdirect, so the reporting pages (ASCOF 3D, long-term support counts, the CLD return) have a caseload
to count.

`seed_service_history(seed=...)` runs after every other seeding step and picks a deterministic share of the living
people whom no other step used (no request, assessment, plan, budget, financial assessment, review, arrangement,
episode, safeguarding or payment record). Each gets what a council's previous system would hand over:
- a signed-off eligible needs assessment (a carer's assessment for carers), 1 to 3 years before the "as of" date;
- a complete financial assessment (but a handful: see below) and a personal budget;
- an approved support plan starting 1 to 3 years before "as of", with needs, lines, a risk, a contingency plan and
  the decision, and arrangements with providers from the seeded market starting on the plan's start date;
- planned reviews: the first at 6 to 8 weeks, a direct payment review at 6 months, then yearly, the latest within
  the last 12 months for most people, and the next one scheduled (with its task).
Some arrangements ended during the last 12 months, as planned or because the person died (their date of death is
recorded).

The rows are written in bulk, as a migration would load them, not through the services: those are a worker's steps
today (they stamp "now" on clocks, decisions and sign-offs, and schedule a first review 8 weeks after a start that
is long past), and one call per step would not stay quick for a 100,000-person council. What the services work out
is worked out the same way here: weekly costs and planned units by rules.plan_costs, the CLD service type and
delivery mechanism by the mapping market.services.arrangement_make uses, eligibility by rules.eligibility,
contributions by rules.charging, review dates by rules.reviews.

A small deliberate handful of records lack a CLD field, so the return's validation report has something to show: a
few people with no NHS number, a few with no financial assessment (no Client Funding Status), and a few reviews
whose method the old system did not record.

Everything made is found from the needs and carer's assessments whose decision reason starts with MARK, so
`reset_service_history()` removes exactly it (and clears the dates of death it recorded).

Figures come from shared/reference/care-act-and-cld.md section 5 where it has them; the rest is ILLUSTRATIVE (a
plausible shape for the demo, not a published statistic).
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import PROTECT, ProtectedError
from django.urls import reverse

from selfdirect.assessments.models import Assessment, OutcomeAnswer, QuestionBank
from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import CASEHOLDING_ROLES, Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement, Provider, Rate
from selfdirect.market.services import DELIVERY, service_type_for
from selfdirect.money.charging_services import result_fields
from selfdirect.money.models import ChargingYear, FinancialAssessment, PersonalBudget
from selfdirect.money.seeding import (
    CARE_HOME_YEAR,
    CARE_HOMES,
    COMMUNITY_YEAR,
    INDIVIDUAL_SERVICE_FUND_SHARE,
    charging_input,
    draw_financial_circumstances,
)
from selfdirect.people.models import Contact, Person, PersonEvent
from selfdirect.people.seeding import LD, MC, MH, reference_date
from selfdirect.reviews.models import Review, Task
from selfdirect.reviews.services import TASK_TITLES, task_source
from selfdirect.rules import cld, plan_costs
from selfdirect.rules import reviews as review_rules
from selfdirect.rules.charging import ChargingError, assess, pounds
from selfdirect.rules.eligibility import (
    ADULT_OUTCOMES,
    ADULT_REASONS,
    CARER_OUTCOMES,
    CARER_REASONS,
    adult_eligibility,
    carer_eligibility,
)

from .models import (
    ContingencyPlan,
    DirectPaymentSuitability,
    Management,
    PlanDecision,
    PlanLine,
    PlanNeed,
    PlanRisk,
    SupportPlan,
)
from .seeding import CONTINGENCY, UNPAID

MARK = "Migrated service history"
DIED = "The person died"
LONDON = ZoneInfo("Europe/London")
CHUNK = 1_000  # people written per round: bounds memory at 100,000 people
D = Decimal

# ILLUSTRATIVE: the share of the people known to the council who are in long-term support at some time in the last
# year (the brief asks for 15-25%; the reference gives national counts, not a share of a council's records).
LONG_TERM_SHARE = 0.24
# ILLUSTRATIVE: carers given support of their own, per person in long-term support.
CARER_SHARE = 0.10
# Section 5.1: 858,720 people had long-term support during 2023/24 and 650,085 had it at 31 March 2024, so about
# 24% of the people supported during a year are no longer supported at its end.
ENDED_SHARE = (858_720 - 650_085) / 858_720
# ILLUSTRATIVE: of those whose support ended, how many died (most care home residents, fewer people at home).
DIED_SHARE = {"nursing": 0.85, "residential": 0.8, "community": 0.4}
# ILLUSTRATIVE: people still supported whose yearly review is not done yet (the overdue dashboard has some).
OVERDUE_SHARE = 0.10
# The deliberate handful with a CLD field missing: this share of the people given a history, at least one of each kind.
HANDFUL_SHARE = 0.01

# Section 5.2, LTS001a 2020-21: people in long-term community support by delivery mechanism, per age band. Of
# community clients 23.8% had a direct payment (only or part). Prison (a few hundred nationally) is left out.
DP_ONLY, PART_DP, MANAGED, COMMISSIONED = "dp_only", "part_dp", "managed", "commissioned"
COMMUNITY_MECHANISMS = {
    "18-64": {DP_ONLY: 67_605, PART_DP: 25_180, MANAGED: 130_200, COMMISSIONED: 22_325},
    "65+": {DP_ONLY: 34_725, PART_DP: 12_240, MANAGED: 264_660, COMMISSIONED: 29_895},
}
NURSING_HOME, CARE_HOME = "Registered nursing home", "Registered care home"
SUPPORTED_ACCOMMODATION = "Supported accommodation / supported lodgings / supported group home"
SHARED_LIVES_HOME = "Shared Lives scheme"

# Unit rates when the market has no rate for a service (ILLUSTRATIVE; home support and day care are the
# reference's Essex 2024/25 figures, section 5.4).
FALLBACK_RATES = {
    ("Home Support", "Hourly"): D("23.92"),
    ("Day Support", "Per session"): D("13.64"),
    ("Community Supported Living", "Hourly"): D("22.50"),
    ("Shared Lives", "Weekly"): D("327.88"),
    ("Long Term Residential Care", "Weekly"): D("780.00"),
    ("Long Term Nursing Care", "Weekly"): D("1050.00"),
    ("Carer Respite", "Weekly"): D("820.00"),
}
RESIDENTIAL = "Long Term Residential Care"
NURSING = "Long Term Nursing Care"
# ILLUSTRATIVE: what ended people's support, when they did not die.
ENDED_REASONS = [
    "Needs met: support no longer needed, agreed at the review",
    "Moved to another council's area",
    "Now fully funded by the NHS (continuing healthcare)",
    "Chose to arrange and pay for their own support",
]
ENDED_OUTCOMES = {
    ENDED_REASONS[0]: "Service ended as planned",
    ENDED_REASONS[1]: "NFA - Moved to another LA",
    ENDED_REASONS[2]: "NFA - 100% NHS-funded care",
    ENDED_REASONS[3]: "NFA - Self-funded client (inc. 12wk disregard)",
}
METHODS = ["Face to Face", "Service User and Carer", "Telephone", "Face to Face"]
WISHES = [
    "To stay in my own home",
    "To see my family every week",
    "To get out of the house more",
    "To feel safe at night",
    "To have my own flat one day",
    "To be comfortable and looked after well",
]
OUTCOMES = [
    "Stay living at home safely",
    "See my friends again",
    "Get out of the house twice a week",
    "Be less tired",
    "Be cared for well where I live",
]
RISKS = {
    "community": (
        "A fall when getting up at night",
        "Pendant alarm; a night light; carers check the route is clear",
        "The family and the agency",
        "I want to stay in my own home, even with the risk",
    ),
    "care_home": (
        "Weight loss if meals are missed",
        "Meals and weight recorded weekly; the GP told of any loss",
        "The care home",
        "I would like to choose what I eat",
    ),
    "carer": (
        "The carer becomes unwell and cannot care",
        "A break each year; the contingency plan below",
        "The carer and the council",
        "I want to keep caring as long as I can",
    ),
}
PARTICIPANTS = [
    "The person and their daughter; the agency's care coordinator by phone",
    "The person, with their advocate",
    "The person and their husband, who is their main carer",
    "The person and the care home's deputy manager",
]
CHANGES = [
    "Support is working well. No change to the plan.",
    "The person would like the Saturday call 30 minutes later: agreed with the agency, no change in cost.",
    "The carer is managing but tired; a carer's assessment has been offered. No change to the plan for now.",
]


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _quotas(count: int, weights: dict) -> list:
    """`count` labels in proportion to `weights` (largest remainder), so small councils keep the national shares."""
    total = sum(weights.values())
    exact = {k: count * w / total for k, w in weights.items()}
    whole = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: whole[k] - exact[k])[: count - sum(whole.values())]:
        whole[k] += 1
    return [k for k, n in whole.items() for _ in range(n)]


def seed_as_of() -> datetime.date:
    """The date the council was seeded as of (seed_council records it), else the first of this month."""
    event = AuditEvent.objects.filter(object_type="seed_council").order_by("-occurred_at", "-id").first()
    if event is not None and event.changes.get("as_of"):
        return datetime.date.fromisoformat(event.changes["as_of"])
    return reference_date()


def _untouched_people() -> list[Person]:
    """Living, unrestricted people no other seeding step has used, in id order: nobody with any record that protects
    a person from deletion (requests, assessments, plans, money, reviews, arrangements, safeguarding, payments...)."""
    used = set()
    for relation in Person._meta.related_objects:
        if relation.on_delete is PROTECT:
            used |= set(relation.related_model._base_manager.values_list(relation.field.attname, flat=True))
    people = Person.objects.filter(date_of_death__isnull=True, is_restricted=False).select_related("allocated_worker")
    return [p for p in people.order_by("pk") if p.pk not in used]


def _complete(person: Person) -> bool:
    """Everything the CLD return asks of a person's record is there."""
    needed = [
        person.nhs_number,
        person.gender,
        person.ethnicity,
        person.primary_support_reason,
        person.postcode,
        person.accommodation_status,
    ]
    return all(needed) and bool(person.employment_status or person.primary_support_reason != LD)


# --------------------------------------------------------------------------------------------------
# Who gets what
# --------------------------------------------------------------------------------------------------


@dataclass
class _Story:
    person: Person
    kind: str  # "user" or "carer"
    setting: str  # nursing, residential, community (carers: community)
    start: datetime.date
    mechanism: str = ""
    end: datetime.date | None = None
    died: bool = False
    end_reason: str = ""
    overdue: bool = False
    no_financial_assessment: bool = False
    review_method_missing: bool = False
    cared_for: Person | None = None


def _setting(person: Person) -> str:
    return {NURSING_HOME: "nursing", CARE_HOME: "residential"}.get(person.accommodation_status, "community")


def _start_window(person: Person, as_of: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """Plan starts 1 to 3 years before `as_of`, at least six months after the record was made (the assessment
    comes first) and once the person was an adult; None when no such day exists."""
    latest = as_of - _days(365)
    earliest = max(
        as_of - _days(3 * 365),
        person.created_at.astimezone(LONDON).date() + _days(180),
        _years_after(person.date_of_birth, 18) + _days(120),
    )
    return (earliest, latest) if earliest <= latest else None


def _stories(rng: random.Random, as_of: datetime.date) -> list[_Story]:
    total = Person.objects.count()
    wanted = round(LONG_TERM_SHARE * total)
    carers_wanted = round(CARER_SHARE * wanted)
    handful = max(1, round(HANDFUL_SHARE * wanted))
    pool = _untouched_people()
    rng.shuffle(pool)
    windows = {p.pk: _start_window(p, as_of) for p in pool}
    pool = [p for p in pool if windows[p.pk] is not None]
    complete = [p for p in pool if _complete(p)]
    incomplete = [p for p in pool if not _complete(p)][:handful]
    users = complete[: max(0, wanted - len(incomplete))] + incomplete
    taken = {p.pk for p in users}
    carers = [
        p
        for p in complete
        if p.pk not in taken and _setting(p) == "community" and p.accommodation_status != SHARED_LIVES_HOME
    ][:carers_wanted]

    def start(p):
        earliest, latest = windows[p.pk]
        return earliest + _days(rng.randint(0, (latest - earliest).days))

    stories = [_Story(person=p, kind="user", setting=_setting(p), start=start(p)) for p in users]
    # Community delivery mechanisms in the national proportions for each age band (section 5.2).
    for band in COMMUNITY_MECHANISMS:
        community = [
            s
            for s in stories
            if s.setting == "community" and cld.age_band(_age_on(s.person.date_of_birth, as_of)) == band
        ]
        for story, mechanism in zip(
            community, rng.sample(_quotas(len(community), COMMUNITY_MECHANISMS[band]), len(community)), strict=True
        ):
            story.mechanism = mechanism
    ended = _quotas(len(stories), {True: ENDED_SHARE, False: 1 - ENDED_SHARE})
    for story, ends in zip(stories, rng.sample(ended, len(ended)), strict=True):
        if ends:
            story.end = max(story.start + _days(90), as_of - _days(rng.randint(1, 364)))
            story.died = rng.random() < DIED_SHARE[story.setting]
            story.end_reason = DIED if story.died else rng.choice(ENDED_REASONS)
        else:
            story.overdue = rng.random() < OVERDUE_SHARE
    for story in rng.sample(stories, min(handful, len(stories))):
        story.no_financial_assessment = True
    running = [s for s in stories if s.end is None and not s.overdue]
    for story in rng.sample(running, min(handful, len(running))):
        story.review_method_missing = True
    cared_for = [s.person for s in stories if s.setting == "community" and s.end is None] or [s.person for s in stories]
    for carer in carers:
        story = _Story(person=carer, kind="carer", setting="community", start=start(carer))
        story.cared_for = rng.choice(cared_for) if cared_for else None
        if story.cared_for is not None:
            stories.append(story)
    return stories


# --------------------------------------------------------------------------------------------------
# The market: who provides what, at what rate
# --------------------------------------------------------------------------------------------------

ACCEPTABLE = {Provider.Registration.REGISTERED, Provider.Registration.NOT_REQUIRED}


class _Market:
    def __init__(self):
        providers = list(Provider.objects.filter(is_active=True).order_by("pk"))
        self.by_component: dict[str, list[Provider]] = defaultdict(list)
        for provider in providers:
            for component in provider.service_components:
                # Personal care only from a registered provider (arrangement_make warns about the others).
                if provider.registration in ACCEPTABLE or component not in cld.PERSONAL_CARE_COMPONENTS:
                    self.by_component[component].append(provider)
        self.rates: dict[tuple, list[Rate]] = defaultdict(list)
        for rate in Rate.objects.filter(note="").order_by("effective_from", "pk"):
            self.rates[(rate.provider_id, rate.service_component, rate.unit_type)].append(rate)
        self.homes: dict[tuple[str, str], Provider] = {}

    def provider(self, rng: random.Random, component: str) -> Provider | None:
        offering = self.by_component.get(component)
        return rng.choice(offering) if offering else None

    def home(self, name: str, component: str) -> Provider | None:
        """The same care home provider for everyone living at the same address."""
        if (name, component) not in self.homes:
            offering = self.by_component.get(component) or [None]
            # The sum of the characters, not hash(): str hashes change from run to run.
            self.homes[(name, component)] = offering[sum(map(ord, name)) % len(offering)]
        return self.homes[(name, component)]

    def rate(
        self, provider: Provider | None, component: str, unit: str, on: datetime.date
    ) -> tuple[Decimal, Rate | None]:
        """The provider's rate in force on `on`, else the council's; when the records start later than `on` (the
        seeded market's rates start in April 2025), the earliest known rate, not linked (it was not yet in force)."""
        for owner in ([provider.pk] if provider else []) + [None]:
            known = self.rates.get((owner, component, unit))
            if known:
                in_force = [r for r in known if r.effective_from <= on]
                return (in_force[-1].amount, in_force[-1]) if in_force else (known[0].amount, None)
        return FALLBACK_RATES.get((component, unit), D("20.00")), None


# --------------------------------------------------------------------------------------------------
# Building one person's history
# --------------------------------------------------------------------------------------------------


@dataclass
class _Staff:
    fallback: object
    practitioners: list
    managers: dict  # team id -> manager
    manager: object
    panel: object
    broker: object
    finance: object
    limit: Decimal

    def worker(self, person: Person, rng: random.Random):
        worker = person.allocated_worker
        if worker is not None and worker.is_active and worker.role in CASEHOLDING_ROLES:
            return worker
        return rng.choice(self.practitioners) if self.practitioners else self.fallback


@dataclass
class _Rows:
    """Everything one round writes, in the order it is written."""

    assessments: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    financial: list = field(default_factory=list)
    budgets: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    contingencies: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    suitability: list = field(default_factory=list)
    arrangements: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    events: list = field(default_factory=list)
    died: list = field(default_factory=list)


class _Builder:
    def __init__(self, *, rng, as_of, staff: _Staff, market: _Market, bank, years, figures, contacts):
        self.rng, self.as_of, self.staff, self.market = rng, as_of, staff, market
        self.bank, self.years, self.figures, self.contacts = bank, years, figures, contacts
        self.counts = defaultdict(int)

    def event(self, rows: _Rows, person, type_, day, title, detail, actor, hour=10):
        rows.events.append(
            PersonEvent(
                person=person,
                type=type_,
                occurred_at=_at(day, hour),
                title=title[:200],
                detail=f"{MARK}. {detail}".strip(),
                actor=actor,
            )
        )

    # -- the assessment -------------------------------------------------------------------------

    def assessment(self, rows: _Rows, story: _Story, worker, signed: datetime.date) -> tuple[Assessment, list[str]]:
        rng = self.rng
        carer = story.kind == "carer"
        if carer:
            codes = rng.sample([c for c in CARER_OUTCOMES if c != "1"], k=rng.randint(1, 3))
            unable = {c: rng.sample([str(r) for r in CARER_REASONS], k=rng.randint(1, 2)) for c in codes}
            result = carer_eligibility(
                needs_arise_from_providing_necessary_care=True,
                health_deteriorating=True,
                unable=unable,
                significant_impact_on_wellbeing=True,
            )
        else:
            codes = rng.sample([c for c in ADULT_OUTCOMES if c not in "hj"], k=rng.choice([2, 3, 3, 4, 5]))
            unable = {c: rng.sample([str(r) for r in ADULT_REASONS], k=rng.randint(1, 2)) for c in codes}
            result = adult_eligibility(
                needs_arise_from_impairment_or_illness=True, unable=unable, significant_impact_on_wellbeing=True
            )
        started = signed - _days(rng.randint(7, 40))
        assessment = Assessment(
            kind=Assessment.Kind.CARER if carer else Assessment.Kind.NEEDS,
            status=Assessment.Status.SIGNED_OFF,
            person=story.person,
            cared_for=story.cared_for,
            question_bank=self.bank,
            assessment_type="Carers Assessment" if carer else "Care Act Needs Assessment",
            method=rng.choice(METHODS),
            primary_support_reason="Social Support: Support to Carer" if carer else story.person.primary_support_reason,
            needs_from_impairment=None if carer else True,
            needs_from_caring=True if carer else None,
            carer_health_deteriorating=True if carer else None,
            significant_impact=True,
            wishes_and_outcomes=rng.choice(WISHES),
            typical_week="Recorded in the council's previous system.",
            involvement_recorded=True,
            allocated_worker=worker,
            computed_eligible=result.eligible,
            computed_unable=result.outcomes_unable,
            computed_explanation=result.explanation,
            decision=Assessment.Decision.CONFIRMED,
            decision_eligible=True,
            decision_reason=f"{MARK}: eligibility decided in the council's previous system, migrated to selfdirect.",
            decided_by=worker,
            event_outcome="Progress to Support Planning / Services",
            started_on=started,
            signed_off_at=_at(signed, 15),
            created_at=_at(started, 9),
        )
        rows.assessments.append(assessment)
        for code in codes:
            rows.answers.append(
                OutcomeAnswer(
                    assessment=assessment,
                    code=code,
                    unable_reasons=unable[code],
                    met_by_unpaid_carer=rng.random() < 0.3,
                )
            )
        self.event(
            rows,
            story.person,
            PersonEvent.Type.ASSESSMENT,
            signed,
            "Eligibility decision: eligible",
            " ".join(result.explanation),
            worker,
            hour=15,
        )
        return assessment, codes

    # -- the plan's lines -----------------------------------------------------------------------

    def _line(
        self, component, unit, units, per_week, management, *, provider, start, description, when="", unit_rate=None
    ):
        rate = None
        if unit_rate is None:
            unit_rate, rate = self.market.rate(provider, component, unit, start)
        units, per_week = D(str(units)), D(str(per_week))
        return PlanLine(
            description=description,
            support_kind=PlanLine.SupportKind.PROVIDER,
            provider=provider,
            who_name=""
            if provider
            else (
                "Chosen by the person with their direct payment"
                if management == Management.DIRECT_PAYMENT
                else "A local provider"
            ),
            service_component=component,
            unit_type=unit,
            units=units,
            per_week=per_week,
            unit_rate=unit_rate,
            rate=rate,
            days_times=when,
            management=management,
            weekly_cost=plan_costs.line_weekly_cost(
                unit_type=unit, unit_rate=unit_rate, units=units, per_week=per_week
            ),
            one_off_cost=plan_costs.line_one_off_cost(unit_type=unit, unit_rate=unit_rate, units=units),
        )

    def lines(self, story: _Story) -> list[PlanLine]:
        rng, person, start = self.rng, story.person, story.start
        if story.kind == "carer":
            if rng.random() < 0.65:  # ILLUSTRATIVE: most carers' support is a yearly direct payment for a break
                return [
                    self._line(
                        "Other Carer Support",
                        "Annually",
                        1,
                        1,
                        Management.DIRECT_PAYMENT,
                        provider=None,
                        start=start,
                        description="A direct payment each year for a break from caring",
                        unit_rate=D(rng.randrange(250, 601, 25)),  # ILLUSTRATIVE: £250 to £600 a year
                    )
                ]
            # Two weeks' respite a year, costed by the day (a seventh of the home's weekly rate): 14 / 52 a week.
            provider = self.market.provider(rng, "Carer Respite")
            weekly, _ = self.market.rate(provider, "Carer Respite", "Weekly", start)
            return [
                self._line(
                    "Carer Respite",
                    "Daily",
                    1,
                    "0.27",
                    Management.COUNCIL_MANAGED,
                    provider=provider,
                    start=start,
                    description="Two weeks' respite care a year for the person cared for",
                    when="Booked with the care home",
                    unit_rate=(weekly / 7).quantize(D("0.01")),
                )
            ]
        if story.setting in ("nursing", "residential"):
            component = NURSING if story.setting == "nursing" else RESIDENTIAL
            provider = self.market.home(person.address_line_1, component)
            return [
                self._line(
                    component,
                    "Weekly",
                    1,
                    1,
                    Management.COUNCIL_MANAGED,
                    provider=provider,
                    start=start,
                    description=f"A place at {provider.name if provider else person.address_line_1}",
                    when="Every day",
                )
            ]
        drafts = self._community(story)
        mechanism = story.mechanism
        if mechanism == PART_DP and len(drafts) < 2:
            drafts.append(
                ("Day Support", "Per session", 1, rng.randint(1, 3), "A day at the community centre", "Weekdays")
            )
        lines = []
        for index, (component, unit, units, per_week, text, when) in enumerate(drafts):
            if mechanism == DP_ONLY or (mechanism == PART_DP and index == 0):
                management = Management.DIRECT_PAYMENT
            elif mechanism == MANAGED and rng.random() < INDIVIDUAL_SERVICE_FUND_SHARE:
                management = Management.INDIVIDUAL_SERVICE_FUND
            else:
                management = Management.COUNCIL_MANAGED
            provider = self.market.provider(rng, component)
            lines.append(
                self._line(
                    component,
                    unit,
                    units,
                    per_week,
                    management,
                    provider=provider,
                    start=start,
                    description=text,
                    when=when,
                )
            )
        return lines

    def _community(self, story: _Story) -> list[tuple]:
        """(component, unit, units, per week, what, when) for someone supported at home: ILLUSTRATIVE packages.
        Home support averages 0.8125 hours a visit x 17.5 visits = 14.2 hours a week (section 5.4: the ADASS average
        package is 14h 23m)."""
        rng, person = self.rng, story.person
        visit = rng.choice(["0.5", "0.75", "1", "1"])
        calls = rng.choices([1, 2, 3, 4], weights=[20, 30, 30, 20])[0]
        # (component, cost frequency, units a visit, visits a week, what it is for, when)
        home = ("Home Support", "Hourly", visit, 7 * calls, "Help at home: getting up, washing, meals, medication",
                f"{calls} visit{'s' if calls > 1 else ''} a day")  # fmt: skip
        day = ("Day Support", "Per session", 1, rng.randint(1, 5), "Days at a day centre or community group",
               "Weekdays")  # fmt: skip
        if person.primary_support_reason == LD:
            if person.accommodation_status == SUPPORTED_ACCOMMODATION:
                first = ("Community Supported Living", "Hourly", 1, rng.randint(15, 40), "Support in my own tenancy",
                         "Every day")  # fmt: skip
            elif person.accommodation_status == SHARED_LIVES_HOME:
                first = ("Shared Lives", "Weekly", 1, 1, "Living with my Shared Lives carer", "Every day")
            else:
                return [day] + ([home] if rng.random() < 0.5 else [])
            return [first] + ([day] if rng.random() < 0.6 else [])
        extra = 0.3 if person.primary_support_reason in (MH, MC) else 0.25
        return [home] + ([day] if rng.random() < extra else [])

    # -- money ----------------------------------------------------------------------------------

    def financial_assessment(self, rows: _Rows, story: _Story, total: Decimal, done: datetime.date):
        person = story.person
        care_home = person.accommodation_status in CARE_HOMES
        year = self.years[CARE_HOME_YEAR if care_home else COMMUNITY_YEAR]
        if story.kind == "carer" or story.no_financial_assessment:
            return None
        if _age_on(person.date_of_birth, year.effective_from) < 18:  # no adult assessment for a year as a child
            return None
        fields = draw_financial_circumstances(
            self.rng,
            _Facts(person.pk, person.date_of_birth, person.accommodation_status, person.employment_status),
            year_start=year.effective_from,
        )
        try:
            result = assess(charging_input(year.financial_year, fields, total), self.figures[year.financial_year])
        except ChargingError as exc:  # pragma: no cover - the draw uses only confirmed figures
            raise DomainError(f"Seeding a migrated financial assessment failed: {exc.message}") from exc
        fa = FinancialAssessment(
            person=person,
            year=year,
            status=FinancialAssessment.Status.COMPLETE,
            **fields,
            weekly_cost_of_care=total,
            **result_fields(result),
            explanation=result.explanation,
            reason=f"{MARK}: financial assessment from the council's previous system",
            completed_by=self.staff.finance,
            completed_at=_at(done, 14),
            created_at=_at(done - _days(self.rng.randint(3, 20)), 11),
        )
        rows.financial.append(fa)
        self.event(
            rows,
            person,
            PersonEvent.Type.ASSESSMENT,
            done,
            f"Financial assessment {year.financial_year}: {pounds(fa.weekly_contribution)} a week",
            fa.explanation[-1] if fa.explanation else "",
            self.staff.finance,
            hour=14,
        )
        return fa

    def budget(self, rows: _Rows, story: _Story, plan: SupportPlan, fa) -> PersonalBudget:
        total = plan.weekly_total
        if fa is None:
            contribution = D("0.00")
        else:
            contribution = (
                total if fa.full_cost or fa.weekly_contribution is None else min(fa.weekly_contribution, total)
            )
        reason = f"{MARK}: support plan approved in the council's previous system"
        if story.kind == "carer":
            reason += "; carers' support is not charged for"  # ILLUSTRATIVE: this council's choice
        elif fa is None:
            reason += "; no financial assessment on record, so no contribution is taken"
        budget = PersonalBudget(
            person=story.person,
            version=1,
            is_current=True,
            effective_from=story.start,
            reason=reason,
            weekly_total_cost=total,
            weekly_person_contribution=contribution,
            weekly_council_amount=total - contribution,
            weekly_direct_payment=plan.weekly_direct_payment,
            weekly_council_managed=plan.weekly_council_managed,
            weekly_individual_service_fund=plan.weekly_individual_service_fund,
            financial_assessment=fa,
            created_by=self.staff.finance,
            created_at=plan.decided_at,
        )
        rows.budgets.append(budget)
        self.event(
            rows,
            story.person,
            PersonEvent.Type.ASSESSMENT,
            story.start - _days(1),
            f"Personal budget: {pounds(total)} a week",
            budget.reason,
            self.staff.finance,
            hour=16,
        )
        return budget

    # -- one person -----------------------------------------------------------------------------

    def build(self, rows: _Rows, story: _Story) -> None:
        rng, staff, person = self.rng, self.staff, story.person
        worker = staff.worker(person, rng)
        decided = story.start - _days(rng.randint(5, 21))
        submitted = decided - _days(rng.randint(2, 14))
        created = submitted - _days(rng.randint(7, 30))
        signed = created - _days(rng.randint(1, 14))
        assessment, codes = self.assessment(rows, story, worker, signed)
        lines = self.lines(story)
        cost = plan_costs.plan_cost(line.costed() for line in lines)
        manager = staff.managers.get(person.allocated_team_id) or staff.manager
        route = "manager" if cost.weekly_total <= staff.limit else "panel"
        plan = SupportPlan(
            person=person,
            assessment=assessment,
            status=SupportPlan.Status.APPROVED,
            what_matters=assessment.wishes_and_outcomes,
            outcomes=rng.choice(OUTCOMES),
            weekly_total=cost.weekly_total,
            weekly_direct_payment=cost.split[plan_costs.DIRECT_PAYMENT],
            weekly_council_managed=cost.split[plan_costs.COUNCIL_MANAGED],
            weekly_individual_service_fund=cost.split[plan_costs.INDIVIDUAL_SERVICE_FUND],
            approval_route=route,
            start_date=story.start,
            created_by=worker,
            submitted_at=_at(submitted, 12),
            decided_at=_at(decided, 15),
            created_at=_at(created, 11),
        )
        fa = self.financial_assessment(rows, story, cost.weekly_total, decided - _days(rng.randint(1, 10)))
        plan.personal_budget = self.budget(rows, story, plan, fa)
        rows.plans.append(plan)
        needs = [
            PlanNeed(
                plan=plan,
                outcome_code=code,
                title=_need_title(code, story.kind),
                eligible=True,
                how_met="By the support listed in this plan",
                order=order,
            )
            for order, code in enumerate(sorted(codes))
        ]
        rows.needs += needs
        for order, line in enumerate(lines):
            line.plan, line.need, line.order = plan, needs[order % len(needs)] if needs else None, order
        rows.lines += lines
        if self.contacts.get(person.pk, {}).get("carer") and story.kind == "user":
            what, who = rng.choice(UNPAID)
            rows.lines.append(
                PlanLine(
                    plan=plan,
                    description=what,
                    support_kind=PlanLine.SupportKind.UNPAID,
                    who_name=who,
                    management=Management.NOT_PAID,
                    unit_type=cld.COST_FREQUENCIES[0],
                    units=D("0"),
                    per_week=D("0"),
                    order=len(lines),
                )
            )
        self._plan_parts(rows, story, plan, worker, manager, route, decided)
        self.event(
            rows,
            person,
            PersonEvent.Type.PLAN,
            decided,
            "Support plan: approve",
            f"Weekly cost {pounds(plan.weekly_total)}; support from {story.start:%-d %B %Y}.",
            manager,
            15,
        )
        self.arrangements(rows, story, lines)
        self.reviews(rows, story, plan, worker, dp=cost.split[plan_costs.DIRECT_PAYMENT] > 0)
        if story.died:
            person.date_of_death = story.end
            rows.died.append(person)
            self.event(
                rows,
                person,
                PersonEvent.Type.DETAILS_CHANGED,
                story.end,
                "Details changed",
                "Changed: Date of death",
                worker,
                hour=16,
            )
        self.counts["carers" if story.kind == "carer" else story.setting] += 1

    def _plan_parts(self, rows, story, plan, worker, manager, route, decided) -> None:
        rng, person = self.rng, story.person
        contact = self.contacts.get(person.pk, {})
        rows.contingencies.append(
            ContingencyPlan(
                plan=plan,
                **CONTINGENCY,
                backup_name=contact.get("name") or "A neighbour",
                backup_phone=contact.get("phone") or "01632 960001",
                emergency_name=contact.get("name") or "Duty team",
                emergency_phone=contact.get("phone") or "01632 960002",
            )
        )
        risk, mitigation, responsible, view = RISKS[
            "carer" if story.kind == "carer" else "community" if story.setting == "community" else "care_home"
        ]
        rows.risks.append(
            PlanRisk(
                plan=plan,
                risk=risk,
                likelihood=rng.choice(["low", "medium"]),
                impact="high",
                mitigation=mitigation,
                responsible=responsible,
                persons_view=view,
                positive_risk_taking=rng.random() < 0.3,
            )
        )
        decider = manager if route == "manager" else (self.staff.panel or manager)
        rows.decisions.append(
            PlanDecision(
                plan=plan,
                route=route,
                outcome=PlanDecision.Outcome.APPROVE,
                decided_by=decider,
                decided_at=_at(decided, 15),
                reasons=f"{MARK}: approved in the council's previous system. The plan meets the eligible "
                "needs and the person's outcomes.",
            )
        )
        if plan.weekly_direct_payment > 0:
            rows.suitability.append(
                DirectPaymentSuitability(
                    plan=plan,
                    route="s31_person",
                    notes=f"{MARK}.",
                    recorded_by=worker,
                    conditions={"c1": True, "c2": True, "c3": True, "c4": True},
                    recorded_at=_at(decided - _days(1), 11),
                )
            )

    def arrangements(self, rows: _Rows, story: _Story, lines: list[PlanLine]) -> None:
        rng, broker = self.rng, self.staff.broker
        for line in lines:
            spells = [(story.start, story.end)]
            if story.kind == "carer" and line.service_component == "Carer Respite":
                # Respite is taken in stays: one in the last year, and one the year before if the plan was running.
                stay = self.as_of - _days(rng.randint(30, 330))
                spells = [
                    (day, day + _days(rng.choice([6, 13]))) for day in (stay - _days(365), stay) if day >= story.start
                ]
            for begins, ends in spells:
                arrangement = Arrangement(
                    plan_line=line,
                    person=story.person,
                    provider=line.provider,
                    status=Arrangement.Status.ENDED if ends else Arrangement.Status.ACTIVE,
                    start_date=begins,
                    end_date=ends,
                    end_reason=story.end_reason if story.end else ("Respite stay ended as planned" if ends else ""),
                    service_type=service_type_for(line),
                    service_component=line.service_component,
                    # Migrated as the old system recorded it: support the council commissioned with no personal
                    # budget to direct (section 5.2's "CASSR Commissioned Support only"), as seeding_volume does.
                    delivery_mechanism=cld.DELIVERY_COMMISSIONED
                    if story.mechanism == COMMISSIONED
                    else DELIVERY.get(line.management, ""),
                    unit_cost=line.unit_rate,
                    cost_frequency=line.unit_type,
                    planned_units_per_week=plan_costs.planned_units_per_week(
                        unit_type=line.unit_type, units=line.units, per_week=line.per_week
                    ).quantize(D("0.01")),
                    weekly_cost=line.weekly_cost,
                    created_by=broker,
                    created_at=_at(begins, 9),
                )
                rows.arrangements.append(arrangement)
                who = line.provider.name if line.provider else "support the person chose"
                self.event(
                    rows,
                    story.person,
                    PersonEvent.Type.ARRANGEMENT,
                    begins,
                    f"Support arranged: {line.service_component} with {who}",
                    f"{line.description}. From {begins:%-d %B %Y}, {pounds(line.weekly_cost)} a week.",
                    broker,
                    hour=9,
                )
                if ends:
                    self.event(
                        rows,
                        story.person,
                        PersonEvent.Type.ARRANGEMENT,
                        ends,
                        f"Support ended: {line.service_component}",
                        f"Ended on {ends:%-d %B %Y}. Reason: {arrangement.end_reason}",
                        broker,
                        hour=17,
                    )

    # -- reviews --------------------------------------------------------------------------------

    def reviews(self, rows: _Rows, story: _Story, plan: SupportPlan, worker, *, dp: bool) -> None:
        """The plan's planned reviews as rules.reviews schedules them, each held a little before it was due; then,
        while support goes on, the next one scheduled (overdue for a few people). Support that ended other than by
        death ended at an unplanned review that day."""
        rng = self.rng
        until = min(story.end or self.as_of, self.as_of - _days(1))
        window_opens, first_due = review_rules.first_review_window(story.start)
        held = [(Review.Kind.FIRST, first_due, window_opens + _days(rng.randint(0, (first_due - window_opens).days)))]
        if dp:
            due = review_rules.first_dp_review_due(story.start)
            held.append((Review.Kind.DIRECT_PAYMENT, due, due - _days(rng.randint(0, 20))))
        while True:
            due = review_rules.next_annual_review(held[-1][2])
            day = due - _days(rng.randint(0, 21))
            if day > until:
                break
            held.append((Review.Kind.ANNUAL, due, day))
        held = [h for h in held if h[2] <= until]
        upcoming = None
        if story.end is None:
            last_kind, last_due, last_day = held[-1]
            yearly = last_kind == Review.Kind.ANNUAL
            if story.overdue and yearly and last_due < self.as_of and last_day > self.as_of - _days(365):
                upcoming = (last_kind, last_due)  # the latest yearly review has not been done yet
                held.pop()
            else:
                upcoming = (Review.Kind.ANNUAL, review_rules.next_annual_review(last_day))
        assigned = story.person.allocated_worker
        assigned = assigned if assigned is not None and assigned.is_active else None
        for index, (kind, due, day) in enumerate(held):
            missing = story.review_method_missing and index == len(held) - 1
            self._review_done(
                rows,
                story,
                plan,
                worker,
                assigned,
                kind=kind,
                due=due,
                day=day,
                reason=cld.REVIEW_PLANNED,
                method="" if missing else rng.choice(cld.REVIEW_METHODS),
                outcome="No change in package",
                changes=rng.choice(CHANGES),
            )
        if story.end is not None and not story.died:
            self._review_done(
                rows,
                story,
                plan,
                worker,
                assigned,
                kind=Review.Kind.UNPLANNED,
                due=story.end,
                day=story.end,
                reason="Unplanned - Other Reason",
                method=rng.choice(cld.REVIEW_METHODS),
                outcome=ENDED_OUTCOMES[story.end_reason],
                changes=story.end_reason,
            )
        if upcoming is not None:
            kind, due = upcoming
            rows.reviews.append(
                Review(
                    person=story.person,
                    plan=plan,
                    kind=kind,
                    reason=cld.REVIEW_PLANNED,
                    due_on=due,
                    assigned_to=assigned,
                    created_at=_at(min(due, self.as_of) - _days(30), 8),
                )
            )

    def _review_done(self, rows, story, plan, worker, assigned, *, kind, due, day, reason, method, outcome, changes):
        review = Review(
            person=story.person,
            plan=plan,
            kind=kind,
            reason=reason,
            status=Review.Status.DONE,
            due_on=due,
            assigned_to=assigned,
            method=method,
            participants=self.rng.choice(PARTICIPANTS),
            outcomes_achieved=self.rng.choice(["Fully achieved", "Fully achieved", "Partially achieved"]),
            what_changes=changes,
            event_outcome=outcome,
            started_on=day,
            completed_on=day,
            completed_by=worker,
            created_at=_at(max(story.start, due - _days(60)), 8),
        )
        rows.reviews.append(review)
        self.event(
            rows,
            story.person,
            PersonEvent.Type.REVIEW,
            day,
            f"{TASK_TITLES[kind]} done",
            f"{method or 'How it was held was not recorded'}, {day:%-d %B %Y}. Outcomes: "
            f"{review.outcomes_achieved.lower()}. {outcome}. {changes}",
            worker,
            hour=14,
        )


@dataclass(frozen=True)
class _Facts:
    """What money.seeding.draw_financial_circumstances reads about a person."""

    id: int
    date_of_birth: datetime.date
    accommodation: str
    employment: str


def _need_title(code: str, kind: str) -> str:
    label = (CARER_OUTCOMES if kind == "carer" else ADULT_OUTCOMES).get(code, code)
    return label[0].upper() + label[1:]


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def _write(rows: _Rows) -> None:
    Assessment.objects.bulk_create(rows.assessments)
    OutcomeAnswer.objects.bulk_create(rows.answers)
    FinancialAssessment.objects.bulk_create(rows.financial)
    PersonalBudget.objects.bulk_create(rows.budgets)
    SupportPlan.objects.bulk_create(rows.plans)
    PlanNeed.objects.bulk_create(rows.needs)
    PlanLine.objects.bulk_create(rows.lines)
    for model, made in (
        (ContingencyPlan, rows.contingencies),
        (PlanRisk, rows.risks),
        (PlanDecision, rows.decisions),
        (DirectPaymentSuitability, rows.suitability),
        (Arrangement, rows.arrangements),
        (Review, rows.reviews),
    ):
        model.objects.bulk_create(made)
    # Each review still to do has its task, as reviews.services schedules it (one open task per review).
    Task.objects.bulk_create(
        Task(
            kind=Task.Kind.REVIEW,
            title=f"{TASK_TITLES[r.kind]}: {r.person.full_name}"[:300],
            due_on=r.due_on,
            source=task_source(r),
            person=r.person,
            assignee=r.assigned_to,
            role="" if r.assigned_to else Role.TEAM_MANAGER,
            url=reverse("review_detail", args=[r.pk]),
            detail=f"{r.get_kind_display()}, due {r.due_on:%-d %B %Y}",
            created_at=r.created_at,
        )
        for r in rows.reviews
        if r.status == Review.Status.SCHEDULED
    )
    Person.objects.bulk_update(rows.died, ["date_of_death"])
    PersonEvent.objects.bulk_create(rows.events)


def _staff() -> _Staff | None:
    User = get_user_model()
    active = User.objects.filter(is_active=True).order_by("pk")
    fallback = active.filter(role=Role.SOCIAL_WORKER).first()
    manager = active.filter(role=Role.TEAM_MANAGER).first()
    broker = active.filter(role=Role.SUPPORT_PLANNER).first() or fallback
    finance = active.filter(role=Role.FINANCE_OFFICER).first()
    if fallback is None or manager is None:
        return None
    managers = {}
    for user in active.filter(role=Role.TEAM_MANAGER).prefetch_related("teams"):
        for team in user.teams.all():
            managers.setdefault(team.pk, user)
    return _Staff(
        fallback=fallback,
        practitioners=list(active.filter(role__in=[Role.SOCIAL_WORKER, Role.OCCUPATIONAL_THERAPIST])),
        managers=managers,
        manager=manager,
        panel=active.filter(role=Role.PANEL_MEMBER).first(),
        broker=broker,
        finance=finance,
        limit=CouncilSettings.current().manager_approval_limit_weekly,
    )


def _contacts(people: list[Person]) -> dict[int, dict]:
    """Each person's first active family contact (the unpaid carer if there is one), for the plan's contingency."""
    found: dict[int, dict] = {}
    rows = (
        Contact.objects.filter(person__in=people, is_active=True, is_family=True)
        .order_by("person_id", "-is_unpaid_carer", "pk")
        .values_list("person_id", "name", "phone", "is_unpaid_carer")
    )
    for person_id, name, phone, carer in rows:
        found.setdefault(person_id, {"name": name, "phone": phone, "carer": carer})
    return found


def seed_service_history(*, seed: int = 1, as_of: datetime.date | None = None) -> dict:
    """The migrated service history (see the module docstring). Runs once: when it has been seeded already, or the
    council has no staff, question bank or charging figures yet, it changes nothing and returns {}. Returns counts."""
    if Assessment.objects.filter(decision_reason__startswith=MARK).exists():
        return {}
    as_of = as_of or seed_as_of()
    staff = _staff()
    bank = QuestionBank.objects.filter(published_at__isnull=False).order_by("-version").first()
    years = {
        y.financial_year: y for y in ChargingYear.objects.filter(financial_year__in=[COMMUNITY_YEAR, CARE_HOME_YEAR])
    }
    if staff is None or bank is None or len(years) < 2:
        return {}
    rng = random.Random(seed * 31_337)
    with transaction.atomic():
        stories = _stories(rng, as_of)
        people = [s.person for s in stories]
        builder = _Builder(
            rng=rng,
            as_of=as_of,
            staff=staff,
            market=_Market(),
            bank=bank,
            years=years,
            figures={name: year.figures() for name, year in years.items()},
            contacts=_contacts(people),
        )
        for start in range(0, len(stories), CHUNK):
            rows = _Rows()
            for story in stories[start : start + CHUNK]:
                builder.build(rows, story)
            _write(rows)
        users = [s for s in stories if s.kind == "user"]
        counts = {
            "people with a migrated service history": len(users),
            "in nursing care": builder.counts["nursing"],
            "in residential care": builder.counts["residential"],
            "supported at home": builder.counts["community"],
            "with a direct payment at home": sum(s.mechanism in (DP_ONLY, PART_DP) for s in users),
            "whose support ended in the last year": sum(s.end is not None for s in users),
            "who died in the last year": sum(s.died for s in users),
            "carers supported": builder.counts["carers"],
            "migrated arrangements": Arrangement.objects.filter(plan_line__plan__assessment__in=_marked()).count(),
            "migrated reviews done": Review.objects.filter(
                plan__assessment__in=_marked(), status=Review.Status.DONE
            ).count(),
        }
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="seed_service_history",
            summary=f"Seeded a migrated service history for {len(users)} people and {builder.counts['carers']} carers",
            changes={"seed": seed, "as_of": str(as_of), **counts},
        )
    return counts


def _marked():
    return Assessment.objects.filter(decision_reason__startswith=MARK)


def reset_service_history() -> None:
    """Remove exactly what seed_service_history made, children first, and clear the dates of death it recorded.
    Safe when nothing was seeded. Records added since that refer to these plans (a review recorded by hand, a direct
    payment agreement) are the other resets' to remove first: this refuses rather than delete them."""
    assessments = _marked()
    plans = SupportPlan.objects.filter(assessment__in=assessments)
    with transaction.atomic():
        died = PersonEvent.objects.filter(
            type=PersonEvent.Type.DETAILS_CHANGED, detail=f"{MARK}. Changed: Date of death"
        ).values_list("person_id", flat=True)
        Person.objects.filter(pk__in=list(died)).update(date_of_death=None)
        reviews = Review.objects.filter(plan__in=plans)
        sources = [f"review:{pk}" for pk in reviews.values_list("pk", flat=True)]
        for start in range(0, len(sources), 500):
            Task.objects.filter(source__in=sources[start : start + 500]).delete()
        try:
            reviews.delete()
            Arrangement.objects.filter(plan_line__plan__in=plans).delete()
            budgets = list(plans.values_list("personal_budget_id", flat=True))
            PlanDecision.objects.filter(plan__in=plans).delete()
            plans.delete()  # needs, lines, risks, contingency and suitability go with it
            fas = list(PersonalBudget.objects.filter(pk__in=budgets).values_list("financial_assessment_id", flat=True))
            PersonalBudget.objects.filter(pk__in=budgets).delete()
            FinancialAssessment.objects.filter(pk__in=[pk for pk in fas if pk]).delete()
            assessments.delete()  # outcome answers go with them
        except ProtectedError as exc:
            names = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            raise DomainError(
                f"Other records refer to the migrated service history ({', '.join(names)}): reset those first."
            ) from exc
        PersonEvent.objects.filter(detail__startswith=f"{MARK}.").delete()
