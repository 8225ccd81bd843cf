"""Every change of state in charging: completing a financial assessment, and setting or confirming the
yearly charging figures. Each runs in one transaction and writes its audit record (and, for a person, a
timeline event) alongside the change.

The sums are done by the pure engine (selfdirect.rules.charging) on the year's *confirmed* figures: a figure
an administrator has not confirmed is refused by the engine, and the refusal reaches the worker as a
DomainError naming the figure.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.rules.charging import ChargingError, ChargingInput, ChargingResult, Income, assess, pounds
from selfdirect.rules.charging_figures import LABELS

from .models import ChargingFigure, ChargingYear, FinancialAssessment

# Council policy settings: a blank amount is a valid, confirmed choice ("the statutory position").
POLICY_KEYS = frozenset(key for key in LABELS if key.startswith("policy_"))


def _income_lines(weekly_income: Iterable) -> tuple[Income, ...]:
    """Income as the engine wants it, from Income objects, {"type", "amount"} dicts or (type, amount) pairs."""
    lines = []
    for item in weekly_income:
        if isinstance(item, Income):
            lines.append(item)
        elif isinstance(item, Mapping):
            lines.append(Income(item["type"], Decimal(str(item["amount"]))))
        else:
            kind, amount = item
            lines.append(Income(kind, Decimal(str(amount))))
    return tuple(lines)


def domain_error_from(exc: ChargingError) -> DomainError:
    """The engine's refusal as a DomainError a form can place: a missing figure belongs to the year (or, for the
    standard disability-related expenditure allowance, to that question)."""
    if LABELS["policy_standard_dre"] in exc.message:
        return DomainError(exc.message, field="weekly_disability_related_expenditure")
    return DomainError(exc.message, field=exc.field or "year")


def charging_input(
    *,
    year: ChargingYear,
    setting: str,
    household: str,
    age: int,
    reached_pension_credit_age: bool,
    dependent_children: int,
    capital: Decimal,
    weekly_income: Iterable,
    weekly_housing_costs: Decimal,
    weekly_disability_related_expenditure: Decimal | None,
    weekly_cost_of_care: Decimal,
    disability_premium: bool = False,
    enhanced_disability_premium: bool = False,
    carer_premium: bool = False,
) -> ChargingInput:
    return ChargingInput(
        financial_year=year.financial_year,
        setting=setting,
        household=household,
        age=age,
        reached_pension_credit_age=reached_pension_credit_age,
        dependent_children=dependent_children,
        capital=capital,
        weekly_income=_income_lines(weekly_income),
        weekly_housing_costs=weekly_housing_costs,
        weekly_disability_related_expenditure=weekly_disability_related_expenditure,
        weekly_cost_of_care=weekly_cost_of_care,
        disability_premium=disability_premium,
        enhanced_disability_premium=enhanced_disability_premium,
        carer_premium=carer_premium,
    )


def charging_calculate(*, year: ChargingYear, data: ChargingInput) -> ChargingResult:
    """Run the engine on the year's confirmed figures; a refusal becomes a DomainError naming the figure."""
    try:
        return assess(data, year.figures())
    except ChargingError as exc:
        raise domain_error_from(exc) from exc


def result_fields(result: ChargingResult) -> dict:
    """A FinancialAssessment's fields that record the charging result."""
    return {
        "tariff_income": result.tariff_income,
        "counted_income": result.counted_income,
        "disregarded_income": result.disregarded_income,
        "minimum_income_guarantee": result.minimum_income_guarantee,
        "personal_expenses_allowance": result.personal_expenses_allowance,
        "disability_related_expenditure_used": None if result.full_cost else result.disability_related_expenditure,
        "weekly_contribution": result.weekly_contribution,
        "full_cost": result.full_cost,
    }


@transaction.atomic
def financial_assessment_complete(
    *,
    person: Person,
    year: ChargingYear,
    actor,
    setting: str,
    household: str,
    age: int,
    reached_pension_credit_age: bool,
    dependent_children: int = 0,
    capital: Decimal,
    weekly_income: Iterable = (),
    weekly_housing_costs: Decimal = Decimal("0.00"),
    weekly_disability_related_expenditure: Decimal | None,
    weekly_cost_of_care: Decimal,
    disability_premium: bool = False,
    enhanced_disability_premium: bool = False,
    carer_premium: bool = False,
    reason: str = "",
    request=None,
) -> FinancialAssessment:
    """Work out the person's weekly contribution and record it as their current financial assessment.

    weekly_disability_related_expenditure None means the council's standard allowance. The previous complete
    assessment (if any) becomes "superseded" and the new one `replaces` it. Raises
    DomainError (nothing saved) if a figure the calculation needs has not been confirmed for the year.
    """
    data = charging_input(
        year=year,
        setting=setting,
        household=household,
        age=age,
        reached_pension_credit_age=reached_pension_credit_age,
        dependent_children=dependent_children,
        capital=capital,
        weekly_income=weekly_income,
        weekly_housing_costs=weekly_housing_costs,
        weekly_disability_related_expenditure=weekly_disability_related_expenditure,
        weekly_cost_of_care=weekly_cost_of_care,
        disability_premium=disability_premium,
        enhanced_disability_premium=enhanced_disability_premium,
        carer_premium=carer_premium,
    )
    result = charging_calculate(year=year, data=data)

    # Lock the person so two assessments completed at once cannot both stay "complete".
    Person.objects.select_for_update().filter(pk=person.pk).first()
    previous = (
        FinancialAssessment.objects.select_for_update()
        .filter(person=person, status=FinancialAssessment.Status.COMPLETE)
        .order_by("-completed_at", "-id")
    )
    previous = list(previous)
    now = timezone.now()
    assessment = FinancialAssessment.objects.create(
        person=person,
        year=year,
        status=FinancialAssessment.Status.COMPLETE,
        setting=data.setting,
        household=data.household,
        age=data.age,
        reached_pension_credit_age=data.reached_pension_credit_age,
        dependent_children=data.dependent_children,
        disability_premium=data.disability_premium,
        enhanced_disability_premium=data.enhanced_disability_premium,
        carer_premium=data.carer_premium,
        capital=data.capital,
        weekly_income=[{"type": i.type, "amount": f"{i.amount:.2f}"} for i in data.weekly_income],
        weekly_housing_costs=data.weekly_housing_costs,
        weekly_disability_related_expenditure=data.weekly_disability_related_expenditure,
        weekly_cost_of_care=data.weekly_cost_of_care,
        **result_fields(result),
        explanation=list(result.explanation),
        reason=reason[:300],
        replaces=previous[0] if previous else None,
        completed_by=actor,
        completed_at=now,
        created_at=now,
    )
    for old in previous:
        old.status = FinancialAssessment.Status.SUPERSEDED
        old.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=old,
            person_id=person.pk,
            summary=f"Financial assessment {old.year} replaced by a later one",
            changes={"status": [FinancialAssessment.Status.COMPLETE, FinancialAssessment.Status.SUPERSEDED]},
            request=request,
        )

    weekly = pounds(result.weekly_contribution)
    detail = [f"Financial year {year}."]
    if result.full_cost:
        detail.append("Capital above the upper limit: pays the full cost of care.")
    if reason:
        detail.append(f"Reason: {reason}")
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=assessment,
        person=person,
        summary=f"Financial assessment {year}: {weekly} a week" + (" (full cost)" if result.full_cost else ""),
        changes={
            "status": [None, assessment.status],
            "weekly_contribution": [None, str(result.weekly_contribution)],
            "full_cost": [None, result.full_cost],
            "replaces": [None, previous[0].pk if previous else None],
        },
        request=request,
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"Financial assessment: {weekly} a week",
        detail=" ".join(detail),
    )
    # Nothing typed twice: a current personal budget takes the new contribution at once (a new version).
    from .budget_services import personal_budget_from_financial_assessment
    from .models import PersonalBudget

    current = PersonalBudget.objects.filter(person=person, is_current=True).first()
    if current is not None and current.weekly_person_contribution != min(
        assessment.weekly_contribution, current.weekly_total_cost
    ):
        personal_budget_from_financial_assessment(
            person=person,
            actor=actor,
            financial_assessment=assessment,
            reason="New financial assessment",
            request=request,
        )
    return assessment


# --- charging figures -------------------------------------------------------------------------------------


def _figure_name(figure: ChargingFigure) -> str:
    return f"{figure.year} {LABELS.get(figure.key, figure.key)}"


@transaction.atomic
def charging_figure_confirm(*, figure: ChargingFigure, actor, request=None) -> ChargingFigure:
    """Confirm a figure so the engine may use it; records who and when. A statutory figure needs an amount."""
    figure = ChargingFigure.objects.select_for_update().select_related("year").get(pk=figure.pk)
    if figure.confirmed:
        return figure
    if figure.amount is None and figure.key not in POLICY_KEYS:
        raise DomainError(f"Set an amount for {_figure_name(figure)} before confirming it.", field="amount")
    figure.confirmed = True
    figure.confirmed_by = actor
    figure.confirmed_at = timezone.now()
    figure.save(update_fields=["confirmed", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=figure,
        summary=f"Confirmed charging figure {_figure_name(figure)}: "
        + (pounds(figure.amount) if figure.amount is not None else "not set"),
        changes={"confirmed": [False, True]},
        request=request,
    )
    return figure


def _plain(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


@transaction.atomic
def charging_figure_update(
    *, figure: ChargingFigure, actor, amount: Decimal | None, source: str | None = None, request=None
) -> ChargingFigure:
    """Change a figure's amount (and source). A changed amount is unconfirmed until someone confirms it again."""
    locked = ChargingFigure.objects.select_for_update().select_related("year").get(pk=figure.pk)
    changes = {}
    if locked.amount != amount:
        changes["amount"] = [_plain(locked.amount), _plain(amount)]
        locked.amount = amount
        if locked.confirmed:
            changes["confirmed"] = [True, False]
        locked.confirmed = False
        locked.confirmed_by = None
        locked.confirmed_at = None
    if source is not None and source != locked.source:
        changes["source"] = [locked.source, source]
        locked.source = source
    if not changes:
        return locked
    locked.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        summary=f"Changed charging figure {_figure_name(locked)}"
        + (" (now unconfirmed)" if "amount" in changes else ""),
        changes=changes,
        request=request,
    )
    return locked


@transaction.atomic
def charging_figure_create(
    *, year: ChargingYear, key: str, actor, amount: Decimal | None = None, source: str = "", request=None
) -> ChargingFigure:
    """Add a figure to a year, unconfirmed."""
    if key not in LABELS:
        raise DomainError(f"Unknown charging figure {key!r}.", field="key")
    if ChargingFigure.objects.filter(year=year, key=key).exists():
        raise DomainError(f"{year} already has the figure {LABELS[key]}: change that one instead.", field="key")
    figure = ChargingFigure.objects.create(year=year, key=key, amount=amount, source=source, confirmed=False)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=figure,
        summary=f"Added charging figure {_figure_name(figure)} (unconfirmed)",
        changes={"amount": [None, _plain(amount)], "confirmed": [None, False]},
        request=request,
    )
    return figure


@transaction.atomic
def charging_year_add_missing_figures(*, year: ChargingYear, actor, request=None) -> list[ChargingFigure]:
    """Give a year a row (blank, unconfirmed) for every figure it lacks, so nothing is forgotten."""
    have = set(year.charging_figures.values_list("key", flat=True))
    made = []
    for key in LABELS:
        if key not in have:
            made.append(
                charging_figure_create(
                    year=year, key=key, actor=actor, source="Added blank: set and confirm", request=request
                )
            )
    return made
