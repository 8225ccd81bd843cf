"""Reads for charging that pages, the API and the public estimate share. Access rules are applied here: a
financial assessment is only fetched through a rule that lets the user see it (and its person's record)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.permissions import Action, require
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules.charging import DISREGARDED, INCOME_TYPES, ChargingError, ChargingResult, assess, pounds
from selfdirect.rules.charging_figures import LABELS

from .charging_services import charging_input
from .models import ChargingFigure, ChargingYear, FinancialAssessment, IndicativeBudget, PersonalBudget

# Figures every assessment needs, whatever the person's circumstances.
CORE_KEYS = ("capital_upper_limit", "capital_lower_limit", "tariff_step")


def charging_years() -> QuerySet[ChargingYear]:
    """Every financial year with figures, newest first."""
    return ChargingYear.objects.order_by("-effective_from").prefetch_related(
        Prefetch("charging_figures", queryset=ChargingFigure.objects.select_related("confirmed_by"))
    )


def charging_year_get(*, financial_year: str) -> ChargingYear | None:
    return ChargingYear.objects.filter(financial_year=financial_year).first()


def charging_year_current() -> ChargingYear | None:
    """The latest year that has started (or the latest of all, if none has)."""
    today = timezone.localdate()
    return (
        ChargingYear.objects.filter(effective_from__lte=today).order_by("-effective_from").first()
        or ChargingYear.objects.order_by("-effective_from").first()
    )


def charging_years_usable() -> list[ChargingYear]:
    """Years whose core figures (capital limits, tariff step) are confirmed, newest first."""
    years = []
    for year in charging_years():
        figures = {f.key: f for f in year.charging_figures.all()}
        if all(key in figures and figures[key].confirmed and figures[key].amount is not None for key in CORE_KEYS):
            years.append(year)
    return years


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    amount: Decimal | None
    source: str
    status: str  # "confirmed", "unconfirmed" or "not_set" (a council policy left at the statutory position)
    confirmed_by: object
    confirmed_at: object

    @property
    def amount_display(self) -> str:
        return pounds(self.amount) if self.amount is not None else "Not set"


def charging_figures_overview() -> list[dict]:
    """Each year with its figures in the regulation's order, their status and what is still unconfirmed."""
    order = {key: i for i, key in enumerate(LABELS)}
    years = []
    for year in charging_years():
        rows = []
        for figure in sorted(year.charging_figures.all(), key=lambda f: order.get(f.key, len(order))):
            if not figure.confirmed:
                status = "unconfirmed"
            elif figure.amount is None:
                status = "not_set"
            else:
                status = "confirmed"
            rows.append(
                FigureRow(
                    key=figure.key,
                    label=LABELS.get(figure.key, figure.key),
                    amount=figure.amount,
                    source=figure.source,
                    status=status,
                    confirmed_by=figure.confirmed_by,
                    confirmed_at=figure.confirmed_at,
                )
            )
        missing = [LABELS[key] for key in LABELS if key not in {r.key for r in rows}]
        years.append(
            {
                "year": year,
                "rows": rows,
                "unconfirmed": [r for r in rows if r.status == "unconfirmed"],
                "missing": missing,
            }
        )
    return years


# --- financial assessments --------------------------------------------------------------------------------


def financial_assessment_get_for_user(*, user, pk) -> FinancialAssessment:
    """A financial assessment, if the user may carry them out and may see the person's record."""
    require(user, Action.FINANCE_ASSESS)
    assessment = get_object_or_404(
        FinancialAssessment.objects.select_related("year", "completed_by", "replaces"), pk=pk
    )
    assessment.person = person_get_for_user(user=user, pk=assessment.person_id)
    return assessment


def financial_assessments_for_person(*, person: Person) -> QuerySet[FinancialAssessment]:
    return (
        FinancialAssessment.objects.filter(person=person)
        .select_related("year", "completed_by")
        .order_by("-completed_at", "-created_at", "-id")
    )


def financial_assessment_current(*, person: Person) -> FinancialAssessment | None:
    return financial_assessments_for_person(person=person).filter(status=FinancialAssessment.Status.COMPLETE).first()


def weekly_cost_of_care_known(*, person: Person) -> Decimal | None:
    """What the person's care is known to cost a week: the current personal budget, else the indicative one."""
    budget = PersonalBudget.objects.filter(person=person, is_current=True).first()
    if budget is not None:
        return budget.weekly_total_cost
    indicative = IndicativeBudget.objects.filter(person=person).order_by("-computed_at").first()
    return indicative.weekly_amount if indicative is not None else None


def financial_assessment_initial(*, person: Person) -> dict:
    """What the form can fill in already, so nothing is typed twice: age from the date of birth, everything
    else from the person's current financial assessment, the cost of care from their budget."""
    age = person.age
    initial: dict = {"age": age, "dependent_children": 0}
    year = charging_year_current()
    if year is not None:
        initial["year"] = year.pk
    # Pension credit age is State Pension age: 66 for most people now, 67 for those born after 5 April 1960
    # from 2026 to 2028. Only pre-fill where the answer cannot be wrong; the worker confirms the rest.
    if age >= 67:
        initial["reached_pension_credit_age"] = "yes"
    elif age < 66:
        initial["reached_pension_credit_age"] = "no"
    previous = financial_assessment_current(person=person)
    cost = weekly_cost_of_care_known(person=person)
    if previous is not None:
        initial.update(
            setting=previous.setting,
            household=previous.household,
            reached_pension_credit_age="yes" if previous.reached_pension_credit_age else "no",
            dependent_children=previous.dependent_children,
            premiums=[
                name
                for name, wanted in (
                    ("disability", previous.disability_premium),
                    ("enhanced_disability", previous.enhanced_disability_premium),
                    ("carer", previous.carer_premium),
                )
                if wanted
            ],
            capital=previous.capital,
            weekly_housing_costs=previous.weekly_housing_costs,
            weekly_cost_of_care=previous.weekly_cost_of_care,
        )
        if previous.weekly_disability_related_expenditure is None:
            initial["dre_standard"] = True
        else:
            initial["dre_amount"] = previous.weekly_disability_related_expenditure
        totals: dict[str, Decimal] = {}
        for line in previous.weekly_income:
            if line.get("type") in INCOME_TYPES:
                totals[line["type"]] = totals.get(line["type"], Decimal("0")) + Decimal(str(line["amount"]))
        for kind, amount in totals.items():
            initial[f"income_{kind}"] = amount
    if cost is not None and "weekly_cost_of_care" not in initial:
        initial["weekly_cost_of_care"] = cost
    return initial


def dre_used(assessment: FinancialAssessment) -> Decimal | None:
    """The disability-related expenditure the calculation allowed: the amount assessed, or the council's standard
    allowance as it stood on the day."""
    if assessment.setting == "care_home" or assessment.full_cost:
        return None
    return assessment.disability_related_expenditure_used


@dataclass(frozen=True)
class IncomeRow:
    label: str
    amount: Decimal
    counted: bool
    why_not: str


def income_rows(weekly_income: list[dict]) -> list[IncomeRow]:
    rows = []
    for line in weekly_income:
        kind = line.get("type", "")
        rows.append(
            IncomeRow(
                label=INCOME_TYPES.get(kind, kind),
                amount=Decimal(str(line.get("amount", "0"))),
                counted=kind not in DISREGARDED,
                why_not=DISREGARDED.get(kind, ""),
            )
        )
    return rows


def financial_assessment_summary(assessment: FinancialAssessment) -> dict:
    """Everything the result page and the letter show, line by line."""
    dre = dre_used(assessment)
    community = assessment.setting == "community"
    counted = assessment.counted_income or Decimal("0.00")
    tariff = assessment.tariff_income or Decimal("0.00")
    allowance = assessment.minimum_income_guarantee if community else assessment.personal_expenses_allowance
    left_out = (allowance or Decimal("0.00")) + (
        (assessment.weekly_housing_costs + (dre or Decimal("0.00"))) if community else Decimal("0.00")
    )
    chargeable = max(counted + tariff - left_out, Decimal("0.00"))
    return {
        "capital_sentence": next((line for line in assessment.explanation if line.startswith("Your capital")), ""),
        "incomes": income_rows(assessment.weekly_income),
        "community": community,
        "dre": dre,
        "dre_standard": assessment.weekly_disability_related_expenditure is None,
        "counted_plus_tariff": counted + tariff,
        "left_out": left_out,
        "chargeable": chargeable,
        "capped": not assessment.full_cost and chargeable > assessment.weekly_cost_of_care,
        "premiums": [
            label
            for label, wanted in (
                ("Disability premium", assessment.disability_premium),
                ("Enhanced disability premium", assessment.enhanced_disability_premium),
                ("Carer premium", assessment.carer_premium),
            )
            if wanted
        ],
    }


# --- the public estimate -----------------------------------------------------------------------------------

# Used when the person does not know what their care costs: the contribution is then the most they could be
# asked to pay (the engine never charges more than the cost of care, so the cap must not bite).
COST_UNKNOWN = Decimal("9999999999.99")


@dataclass
class Estimate:
    year: ChargingYear
    result: ChargingResult
    explanation: list[str]
    cost_known: bool
    dre_note: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)  # newer years passed over, and why

    @property
    def weekly_contribution(self) -> Decimal:
        return self.result.weekly_contribution


def contribution_estimate(*, years: list[ChargingYear], chosen: ChargingYear | None, answers: dict) -> Estimate:
    """An estimate for the public page: nothing is saved. `answers` are charging_input's keyword arguments
    (without `year`), with weekly_cost_of_care and weekly_disability_related_expenditure None if not known.

    With no year chosen, the newest year whose figures for these answers are confirmed is used, and the years
    passed over are listed with the reason. Raises ChargingError (from the newest year tried) if none can be.
    """
    candidates = [chosen] if chosen is not None else list(years)
    skipped: list[tuple[str, str]] = []
    first_error: ChargingError | None = None
    for year in candidates:
        figures = year.figures()
        dre = answers.get("weekly_disability_related_expenditure")
        dre_note = ""
        if dre is None:
            if figures.get("policy_standard_dre") is not None:
                dre_note = "You did not give your extra costs, so we used the council's standard allowance."
            else:
                dre = Decimal("0.00")
                dre_note = (
                    "You did not give your extra costs, so we have not taken any off. The council's assessment "
                    "will look at them: they could lower what you pay."
                )
        cost = answers.get("weekly_cost_of_care")
        data = charging_input(
            year=year,
            **{
                **answers,
                "weekly_disability_related_expenditure": dre,
                "weekly_cost_of_care": COST_UNKNOWN if cost is None else cost,
            },
        )
        try:
            result = assess(data, figures)
        except ChargingError as exc:
            if chosen is not None or exc.field:
                raise
            first_error = first_error or exc
            skipped.append((year.financial_year, exc.message))
            continue
        explanation = list(result.explanation)
        if cost is None and result.full_cost:
            upper = figures["capital_upper_limit"]
            if data.setting == "community" and figures.get("policy_community_capital_upper_limit") is not None:
                upper = max(upper, figures["policy_community_capital_upper_limit"])
            explanation[-1] = (
                f"Your savings and capital of {pounds(data.capital)} are above the upper limit of {pounds(upper)}, "
                "so you would pay the full cost of your care."
            )
        return Estimate(year, result, explanation, cost is not None, dre_note, skipped)
    if first_error is None:
        raise ChargingError("There are no charging figures to estimate with yet.", "year")
    raise first_error
