"""Synthetic money for the synthetic council: financial assessments and personal budgets.

`seed_money(seed=...)` (called by seed_council) gives people whose needs assessment was signed off as eligible
a personal budget, and about 60% of them a complete financial assessment. `seed_money_bulk(...)` gives every
person both, fast, for benchmarks (bench/bench_uprate.py). `reset_money()` removes it all (before people are
reset).

Seeded assessments use the 2021-22 charging figures, because every minimum income guarantee figure is confirmed
for that year (shared/reference section 2.3), with 2021-22 benefit amounts. The 2021-22 personal expenses
allowance is unconfirmed, so care home residents are assessed on 2025-26 figures instead (its allowance is
confirmed); the carer premium and the couple's enhanced disability premium are unconfirmed for 2021-22, so no
seeded person has them. Every amount below that is not from the reference is marked ILLUSTRATIVE: a plausible
shape for the demo, not a published figure.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import Assessment
from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.progress import Progress
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person, PersonEvent
from selfdirect.rules.charging import ChargingError, ChargingInput, Income, assess, pounds
from selfdirect.rules.charging_figures import LABELS

from . import uprating, vectorised
from .models import (
    ChargingYear,
    ContributionLetter,
    FinancialAssessment,
    IndicativeBudget,
    PersonalBudget,
    UpratingRun,
)

COMMUNITY_YEAR, CARE_HOME_YEAR = "2021-22", "2025-26"
CARE_HOMES = {"Registered care home", "Registered nursing home"}
FINANCIAL_ASSESSMENT_SHARE = 0.60  # of people with an eligible needs assessment (as asked; ILLUSTRATIVE)
CHUNK = 5_000

# Weekly amounts, 2021-22.
FULL_NEW_STATE_PENSION = "179.60"  # the full new State Pension, as in the API example
BASIC_STATE_PENSION = "137.60"  # ILLUSTRATIVE: the full basic State Pension 2021-22 (not in the reference)
ATTENDANCE_ALLOWANCE = ("60.00", "89.60")  # lower and higher rates, as in the brief
PIP_DAILY_LIVING = ("60.00", "89.60")  # ILLUSTRATIVE: PIP daily living standard / enhanced 2021-22
PIP_MOBILITY = ("23.70", "62.55")  # ILLUSTRATIVE: PIP mobility standard / enhanced 2021-22
DLA_CARE = ("23.70", "60.00", "89.60")  # ILLUSTRATIVE: DLA care lowest / middle / highest 2021-22
DLA_MOBILITY = ("23.70", "62.55")  # ILLUSTRATIVE: DLA mobility lower / higher 2021-22
ESA = "74.35"  # ILLUSTRATIVE: ESA (assessment rate, 25 and over) 2021-22
# ILLUSTRATIVE: the pension credit qualifying age was 66 in 2021-22 (not in the reference; synthetic data only).
PENSION_CREDIT_AGE = 66
# Section 5.4: Essex home support £23.92 an hour (2024/25) and the ADASS average package of about 14 hours a
# week; used only to give illustrative community budgets a plausible size.
HOURLY_RATE = Decimal("23.92")
# Section 5.2: 37% of people aged 18-64 and 14% of those 65+ in long-term support have a direct payment; of
# people with a DP in the community, 4.4 / (12.2 + 4.4) = 27% have part of their budget as a DP.
DIRECT_PAYMENT_SHARE = {"18-64": 0.37, "65+": 0.14}
PART_DIRECT_PAYMENT_SHARE = 0.27
INDIVIDUAL_SERVICE_FUND_SHARE = 0.08  # ILLUSTRATIVE: of community budgets without a DP


class MoneySeedError(DomainError):
    """The money seed cannot run as asked (the message says why)."""


def _d(text) -> Decimal:
    return Decimal(str(text)).quantize(Decimal("0.01"))


def _pounds(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount between £low and £high, to the penny."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class _Someone:
    id: int
    date_of_birth: datetime.date
    accommodation: str
    employment: str


def draw_financial_circumstances(rng: random.Random, who: _Someone, *, year_start: datetime.date) -> dict:
    """A plausible (ILLUSTRATIVE) financial assessment for one person: FinancialAssessment field values except the
    cost of care and the results."""
    age = _age_on(who.date_of_birth, year_start)
    care_home = who.accommodation in CARE_HOMES
    pension_age = age >= PENSION_CREDIT_AGE
    r = rng.random()
    if pension_age:
        household = "couple" if r < 0.40 else "single"  # ILLUSTRATIVE
    else:
        household = "single" if r < 0.72 else "couple" if r < 0.90 else "lone_parent"  # ILLUSTRATIVE
    if care_home and household == "lone_parent":
        household = "single"
    children = 0
    if not care_home and not pension_age:
        if household == "lone_parent":
            children = rng.choice((1, 1, 2, 3))
        elif household == "couple" and rng.random() < 0.3:
            children = rng.choice((1, 2))
    income: list[tuple[str, str | Decimal]] = []
    disability, enhanced = False, False
    if pension_age:
        income.append(("state_pension", FULL_NEW_STATE_PENSION if rng.random() < 0.6 else BASIC_STATE_PENSION))
        if rng.random() < 0.45:
            income.append(("occupational_pension", _pounds(rng, 10, 250)))
        if rng.random() < 0.55:
            income.append(("attendance_allowance", rng.choice(ATTENDANCE_ALLOWANCE)))
        if rng.random() < 0.15:
            income.append(("pension_credit", _pounds(rng, 10, 80)))
    else:
        if rng.random() < 0.65:
            higher = rng.random() < 0.45
            income.append(("pip_daily_living", PIP_DAILY_LIVING[higher]))
            if rng.random() < 0.6:
                income.append(("pip_mobility", rng.choice(PIP_MOBILITY)))
            enhanced = higher and household == "single" and rng.random() < 0.7
        elif rng.random() < 0.5:
            income.append(("dla_care", rng.choice(DLA_CARE)))
            if rng.random() < 0.5:
                income.append(("dla_mobility", rng.choice(DLA_MOBILITY)))
        disability = any(kind in ("pip_daily_living", "dla_care") for kind, _ in income) and rng.random() < 0.8
        if rng.random() < 0.55:
            income.append(("employment_support_allowance", ESA))
        else:
            income.append(("universal_credit", _pounds(rng, 60, 140)))
        if who.employment.startswith("Paid"):
            income.append(("earnings", _pounds(rng, 30, 220)))
    r = rng.random()
    if r < 0.70:
        capital = _pounds(rng, 0, 14_250) if rng.random() < 0.9 else _pounds(rng, 0, 2_000)
    elif r < 0.90:
        capital = (
            _d(rng.choice(("14250.00", "14250.01", "23250.00")))
            if rng.random() < 0.05
            else (Decimal(rng.randint(1_425_001, 2_325_000)) / 100)
        )
    else:  # about 10% self-funders above the upper limit
        capital = _d("23250.01") if rng.random() < 0.03 else _pounds(rng, 23_251, 250_000)
    owner = who.accommodation.startswith("Owner")
    housing = Decimal("0.00") if care_home or owner or rng.random() < 0.3 else _pounds(rng, 0, 120)
    return {
        "setting": "care_home" if care_home else "community",
        "household": household,
        "age": age,
        "reached_pension_credit_age": pension_age,
        "dependent_children": children,
        "disability_premium": disability,
        "enhanced_disability_premium": enhanced,
        "carer_premium": False,  # the 2021-22 carer premium is unconfirmed
        "capital": capital,
        "weekly_income": [{"type": kind, "amount": str(_d(amount))} for kind, amount in income],
        "weekly_housing_costs": housing,
        # Assessed in full: the shipped figures set no standard allowance.
        "weekly_disability_related_expenditure": Decimal("0.00") if care_home else _pounds(rng, 0, 35),
    }


def draw_weekly_cost(rng: random.Random, *, care_home: bool) -> Decimal:
    """An ILLUSTRATIVE weekly cost of care: a care home place, or 4 to 30 hours of home support a week."""
    if care_home:
        return _pounds(rng, 700, 1_200)
    return (HOURLY_RATE * rng.randint(8, 60) / 2).quantize(Decimal("0.01"))


def draw_split(rng: random.Random, total: Decimal, *, age_band: str, care_home: bool) -> dict:
    """How the money is managed (weekly amounts adding up to `total`)."""
    split = dict.fromkeys(
        ("weekly_direct_payment", "weekly_council_managed", "weekly_individual_service_fund"), Decimal("0.00")
    )
    if care_home:
        split["weekly_council_managed"] = total
    elif rng.random() < DIRECT_PAYMENT_SHARE[age_band]:
        if rng.random() < PART_DIRECT_PAYMENT_SHARE:
            part = (total * Decimal(rng.randint(30, 70)) / 100).quantize(Decimal("0.01"))
            split["weekly_direct_payment"], split["weekly_council_managed"] = part, total - part
        else:
            split["weekly_direct_payment"] = total
    elif rng.random() < INDIVIDUAL_SERVICE_FUND_SHARE:
        split["weekly_individual_service_fund"] = total
    else:
        split["weekly_council_managed"] = total
    return split


def charging_input(year: str, fields: dict, cost: Decimal) -> ChargingInput:
    return ChargingInput(
        financial_year=year,
        setting=fields["setting"],
        household=fields["household"],
        age=fields["age"],
        reached_pension_credit_age=fields["reached_pension_credit_age"],
        dependent_children=fields["dependent_children"],
        capital=fields["capital"],
        weekly_income=tuple(Income(i["type"], Decimal(i["amount"])) for i in fields["weekly_income"]),
        weekly_housing_costs=fields["weekly_housing_costs"],
        weekly_disability_related_expenditure=fields["weekly_disability_related_expenditure"],
        weekly_cost_of_care=cost,
        disability_premium=fields["disability_premium"],
        enhanced_disability_premium=fields["enhanced_disability_premium"],
        carer_premium=fields["carer_premium"],
    )


def _years() -> dict[str, ChargingYear]:
    wanted = [COMMUNITY_YEAR, CARE_HOME_YEAR]
    years = {y.financial_year: y for y in ChargingYear.objects.filter(financial_year__in=wanted)}
    for name in (COMMUNITY_YEAR, CARE_HOME_YEAR):
        if name not in years:
            raise MoneySeedError(f"The {name} charging figures are missing: run the migrations first.")
    return years


def _finance_officer():
    return get_user_model().objects.filter(username="finance").first()


def seed_money(*, seed: int = 1) -> dict:
    """Personal budgets for people with an eligible needs assessment, and for about 60% of them a complete
    financial assessment (computed by rules.charging.assess, with its full explanation). People who already have a
    budget are left alone, so it can run again. Returns counts."""
    rng = random.Random(seed * 104_729)
    years = _years()
    figures = {name: year.figures() for name, year in years.items()}
    signed_off = (
        Assessment.objects.filter(
            kind=Assessment.Kind.NEEDS,
            status=Assessment.Status.SIGNED_OFF,
            decision_eligible=True,
            person__isnull=False,
            person__date_of_death__isnull=True,
        )
        .exclude(person__personal_budgets__isnull=False)
        .order_by("person_id", "-signed_off_at", "-id")
        .values_list("person_id", "signed_off_at")
    )
    when = {}
    for person_id, signed_at in signed_off:
        when.setdefault(person_id, signed_at)
    people = [
        _Someone(*row)
        for row in Person.objects.filter(pk__in=list(when))
        .order_by("pk")
        .values_list("id", "date_of_birth", "accommodation_status", "employment_status")
    ]
    indicative = {}
    for budget in IndicativeBudget.objects.filter(person_id__in=list(when)).order_by("person_id", "-computed_at"):
        indicative.setdefault(budget.person_id, budget)
    officer = _finance_officer()
    today = timezone.localdate()
    counts = {
        "financial_assessments": 0,
        "personal_budgets": 0,
        "with_direct_payment": 0,
        "with_individual_service_fund": 0,
        "council_managed_only": 0,
    }
    with transaction.atomic():
        assessments, budgets, events = [], [], []
        for who in people:
            signed_at = when[who.id] or timezone.now()
            care_home = who.accommodation in CARE_HOMES
            year = years[CARE_HOME_YEAR if care_home else COMMUNITY_YEAR]
            ib = indicative.get(who.id)
            total = ib.weekly_amount if ib is not None else draw_weekly_cost(rng, care_home=care_home)
            fa = None
            # Nobody has an adult financial assessment for a year they started as a child.
            if rng.random() < FINANCIAL_ASSESSMENT_SHARE and _age_on(who.date_of_birth, year.effective_from) >= 18:
                fields = draw_financial_circumstances(rng, who, year_start=year.effective_from)
                try:
                    data = charging_input(year.financial_year, fields, total)
                    result = assess(data, figures[year.financial_year])
                except ChargingError as exc:  # pragma: no cover - the draw only uses confirmed figures
                    raise MoneySeedError(f"Seeding a financial assessment failed: {exc.message}") from exc
                fa = FinancialAssessment(
                    person_id=who.id,
                    year=year,
                    status=FinancialAssessment.Status.COMPLETE,
                    **fields,
                    weekly_cost_of_care=total,
                    tariff_income=result.tariff_income,
                    counted_income=result.counted_income,
                    disregarded_income=result.disregarded_income,
                    minimum_income_guarantee=result.minimum_income_guarantee,
                    personal_expenses_allowance=result.personal_expenses_allowance,
                    disability_related_expenditure_used=None
                    if result.full_cost
                    else result.disability_related_expenditure,
                    weekly_contribution=result.weekly_contribution,
                    full_cost=result.full_cost,
                    explanation=result.explanation,
                    reason="Financial assessment (synthetic demo data)",
                    completed_by=officer,
                    completed_at=signed_at,
                    created_at=signed_at,
                )
                assessments.append(fa)
            age_band = "65+" if _age_on(who.date_of_birth, today) >= 65 else "18-64"
            split = draw_split(rng, total, age_band=age_band, care_home=care_home)
            contribution = min(fa.weekly_contribution, total) if fa else Decimal("0.00")
            start = min(today, timezone.localdate(signed_at) + datetime.timedelta(days=rng.randint(14, 60)))
            reason = "Support plan agreed (synthetic demo data)"
            if fa is None:
                reason += "; financial assessment not done yet, so no contribution is taken"
            budgets.append(
                (
                    who,
                    fa,
                    PersonalBudget(
                        person_id=who.id,
                        version=1,
                        is_current=True,
                        effective_from=start,
                        reason=reason,
                        weekly_total_cost=total,
                        weekly_person_contribution=contribution,
                        weekly_council_amount=total - contribution,
                        indicative_budget=ib,
                        created_by=officer,
                        created_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(10))),
                        **split,
                    ),
                )
            )
        FinancialAssessment.objects.bulk_create(assessments, batch_size=CHUNK)
        for who, fa, budget in budgets:
            budget.financial_assessment = fa
            counts["with_direct_payment"] += budget.weekly_direct_payment > 0
            counts["with_individual_service_fund"] += budget.weekly_individual_service_fund > 0
            counts["council_managed_only"] += budget.weekly_council_managed == budget.weekly_total_cost
            if fa is not None:
                events.append(
                    PersonEvent(
                        person_id=who.id,
                        type=PersonEvent.Type.ASSESSMENT,
                        occurred_at=fa.completed_at,
                        actor=officer,
                        title=f"Financial assessment {fa.year.financial_year}: {pounds(fa.weekly_contribution)} a week",
                        detail=fa.explanation[-1] if fa.explanation else "",
                    )
                )
            events.append(
                PersonEvent(
                    person_id=who.id,
                    type=PersonEvent.Type.ASSESSMENT,
                    occurred_at=budget.created_at,
                    actor=officer,
                    title=f"Personal budget: {pounds(budget.weekly_total_cost)} a week",
                    detail=budget.reason,
                )
            )
        PersonalBudget.objects.bulk_create([b for _, _, b in budgets], batch_size=CHUNK)
        PersonEvent.objects.bulk_create(events, batch_size=CHUNK)
        counts["financial_assessments"], counts["personal_budgets"] = len(assessments), len(budgets)
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="seed_money",
            summary=f"Seeded {len(assessments)} financial assessments and {len(budgets)} personal budgets",
            changes={"seed": seed, **counts},
        )
    return counts


def seed_money_bulk(
    *, seed: int = 1, year: str = COMMUNITY_YEAR, with_budgets: bool = True, progress_stream=None
) -> dict:
    """For benchmarks: a complete financial assessment on `year`'s figures (and a personal budget) for every
    living person who has none, computed with the vectorised engine and written in bulk. Refuses, writing
    nothing, if the year has an unconfirmed figure people need (confirm it first)."""
    rng = random.Random(seed * 7_919)
    charging_year = ChargingYear.objects.filter(financial_year=year).first()
    if charging_year is None:
        raise MoneySeedError(f"There are no charging figures for {year}.")
    figures = charging_year.figures()
    people = [
        _Someone(*row)
        for row in Person.objects.filter(date_of_death__isnull=True, financial_assessments__isnull=True)
        .order_by("pk")
        .values_list("id", "date_of_birth", "accommodation_status", "employment_status")
    ]
    # Nobody has an adult financial assessment for a year they started as a child.
    people = [who for who in people if _age_on(who.date_of_birth, charging_year.effective_from) >= 18]
    rows, costs = [], []
    for who in people:
        fields = draw_financial_circumstances(rng, who, year_start=charging_year.effective_from)
        cost = draw_weekly_cost(rng, care_home=fields["setting"] == "care_home")
        rows.append(fields)
        costs.append(cost)
    frame = vectorised.frame_from_inputs(charging_input(year, f, c) for f, c in zip(rows, costs, strict=True))
    needed = vectorised.figures_needed(frame, figures)
    if needed:
        listed = "; ".join(f"'{LABELS.get(k, k)}' ({n:,} people)" for k, n in needed.items())
        raise MoneySeedError(f"Cannot seed on {year}: these figures are not confirmed: {listed}.")
    result = vectorised.assess_frame(frame, figures).with_columns(
        vectorised.explanation_expr(figures).alias("explanation")
    )
    money = list(vectorised.ASSESSMENT_RESULT_FIELDS)
    outcomes = result.select(*money, "full_cost", "explanation").rows()
    now = timezone.now()
    today = timezone.localdate()
    fixed = {
        "year_id": charging_year.pk,
        "status": FinancialAssessment.Status.COMPLETE,
        "reason": "Financial assessment (synthetic benchmark data)",
        "completed_at": now,
        "created_at": now,
    }
    drawn = list(rows[0]) if rows else []
    fa_columns = ["person_id", *drawn, "weekly_cost_of_care", *money, "full_cost", "explanation", *fixed]
    pb_columns = [
        "person_id",
        "version",
        "is_current",
        "effective_from",
        "reason",
        "weekly_total_cost",
        "weekly_person_contribution",
        "weekly_council_amount",
        "weekly_direct_payment",
        "weekly_council_managed",
        "weekly_individual_service_fund",
        "financial_assessment_id",
        "created_at",
    ]
    counts = {"financial_assessments": 0, "personal_budgets": 0}
    label = "Seeding financial assessments"
    with (
        transaction.atomic(),
        Progress(len(people), label=label, stream=progress_stream, enabled=progress_stream is not None) as bar,
    ):
        for start in range(0, len(people), CHUNK):
            chunk = slice(start, start + CHUNK)
            assessments = []
            for who, fields, cost, out in zip(people[chunk], rows[chunk], costs[chunk], outcomes[chunk], strict=True):
                results = [vectorised.pounds_from_pence(value) for value in out[: len(money)]]
                assessments.append((who.id, *fields.values(), cost, *results, *out[len(money) :], *fixed.values()))
            ids = uprating.insert_rows(FinancialAssessment, fa_columns, assessments, ids=True)
            if with_budgets:
                budgets = []
                mine = zip(people[chunk], ids, rows[chunk], costs[chunk], outcomes[chunk], strict=True)
                for who, fa_id, fields, cost, out in mine:
                    contribution = vectorised.pounds_from_pence(out[money.index("weekly_contribution")])
                    band = "65+" if fields["age"] >= 65 else "18-64"
                    split = draw_split(rng, cost, age_band=band, care_home=fields["setting"] == "care_home")
                    reason = "Support plan agreed (synthetic benchmark data)"
                    budgets.append(
                        (
                            who.id,
                            1,
                            True,
                            today,
                            reason,
                            cost,
                            contribution,
                            cost - contribution,
                            *split.values(),
                            fa_id,
                            now,
                        )
                    )
                uprating.insert_rows(PersonalBudget, pb_columns, budgets)
                counts["personal_budgets"] += len(budgets)
            counts["financial_assessments"] += len(assessments)
            bar.advance(len(assessments))
    return counts


def reset_money() -> dict:
    """Delete every financial assessment, personal budget, uprating run and contribution letter (call it before
    people are reset: they refer to people). Charging years and figures, and the RAS, are kept."""
    with transaction.atomic():
        removed = {"contribution_letters": ContributionLetter.objects.all().delete()[0]}
        removed["uprating_runs"] = UpratingRun.objects.all().delete()[0]
        removed["personal_budgets"] = PersonalBudget.objects.all().delete()[0]
        # Assessments protect the ones they replace: unlink them, then they can go together.
        FinancialAssessment.objects.exclude(replaces=None).update(replaces=None)
        removed["financial_assessments"] = FinancialAssessment.objects.all().delete()[0]
    return removed
