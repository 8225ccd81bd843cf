"""Personal budgets (Care Act s26): every change, each a new version in one transaction with its audit record and
timeline event.

A personal budget is a statement of (a) the cost to the council of meeting the person's needs, (b) the amount the
person must pay towards it, from their financial assessment, and (c) the amount the council must pay. The parts
always add up, to the penny: total cost = the person's contribution + the council's amount, and total cost =
direct payment + council-managed + individual service fund (the database checks both as well). Nobody pays more
than the cost of their care, so the contribution is never above the total.
"""

from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.rules.charging import pounds

from .models import FinancialAssessment, IndicativeBudget, PersonalBudget

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
# The database holds 12 digits with 2 after the point; anything this large is a typing mistake.
TOO_LARGE = Decimal("10000000.00")
SPLIT_FIELDS = {
    "weekly_direct_payment": "direct payment",
    "weekly_council_managed": "council-managed budget",
    "weekly_individual_service_fund": "individual service fund",
}
AMOUNT_LABELS = {
    "weekly_total_cost": "the total weekly cost",
    "weekly_person_contribution": "the person's weekly contribution",
    **{name: f"the weekly amount by {label}" for name, label in SPLIT_FIELDS.items()},
}
AUDITED = [
    "version",
    "effective_from",
    "reason",
    "weekly_total_cost",
    "weekly_person_contribution",
    "weekly_council_amount",
    *SPLIT_FIELDS,
    "financial_assessment",
    "indicative_budget",
]


def _money(name: str, value) -> Decimal:
    """An amount in pounds, exactly to the penny and not negative, or a DomainError saying what to type."""
    label = AMOUNT_LABELS[name]
    example = "for example 250.00"
    if value is None or value == "":
        raise DomainError(f"Enter {label} in pounds and pence, {example}", field=name)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"Enter {label} as an amount in pounds and pence, {example}", field=name) from None
    if not amount.is_finite():
        raise DomainError(f"Enter {label} as an amount in pounds and pence, {example}", field=name)
    if amount < 0:
        raise DomainError(f"{label[0].upper()}{label[1:]} cannot be less than £0", field=name)
    if amount >= TOO_LARGE:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be less than {pounds(TOO_LARGE)} a week", field=name)
    if amount != amount.quantize(PENNY, rounding=ROUND_FLOOR):
        raise DomainError(f"Enter {label} to the nearest penny, {example}", field=name)
    return amount.quantize(PENNY)


def _validate(*, weekly_total_cost, weekly_person_contribution, split: dict) -> tuple[Decimal, Decimal, dict]:
    unknown = set(split) - set(SPLIT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown way of managing the money: {', '.join(sorted(unknown))}")
    total = _money("weekly_total_cost", weekly_total_cost)
    contribution = _money("weekly_person_contribution", weekly_person_contribution)
    parts = {name: _money(name, split.get(name) if split.get(name) not in (None, "") else "0") for name in SPLIT_FIELDS}
    if total <= 0:
        raise DomainError(
            "Enter the total weekly cost of meeting the person's needs: it must be more than £0",
            field="weekly_total_cost",
        )
    if contribution > total:
        raise DomainError(
            f"The person's contribution ({pounds(contribution)}) cannot be more than the total cost of their care "
            f"({pounds(total)}): nobody pays more than their care costs",
            field="weekly_person_contribution",
        )
    allocated = sum(parts.values(), ZERO)
    if allocated != total:
        gap = total - allocated
        more_or_less = f"{pounds(gap)} more" if gap > 0 else f"{pounds(-gap)} less"
        raise DomainError(
            f"The amounts by direct payment, council-managed budget and individual service fund add up to "
            f"{pounds(allocated)}, but the total weekly cost is {pounds(total)}: they need {more_or_less} in all",
            field="weekly_direct_payment",
        )
    return total, contribution, parts


def _describe(budget: PersonalBudget) -> str:
    parts = [
        f"{label} {pounds(getattr(budget, name))}" for name, label in SPLIT_FIELDS.items() if getattr(budget, name)
    ]
    return (
        f"Total cost {pounds(budget.weekly_total_cost)} a week: the person pays "
        f"{pounds(budget.weekly_person_contribution)}, the council pays {pounds(budget.weekly_council_amount)}. "
        f"Managed as: {'; '.join(parts)}. "
        f"Reason: {budget.reason}"
    )


@transaction.atomic
def personal_budget_set(
    *,
    person: Person,
    actor,
    weekly_total_cost,
    weekly_person_contribution,
    split: dict,
    effective_from,
    reason: str,
    financial_assessment: FinancialAssessment | None = None,
    indicative_budget: IndicativeBudget | None = None,
    request=None,
) -> PersonalBudget:
    """Set or change a person's personal budget: a new version, which becomes the current one.

    split: {"weekly_direct_payment": ..., "weekly_council_managed": ..., "weekly_individual_service_fund": ...}
    (a missing way is £0). The council's amount is worked out: total cost - the person's contribution.
    """
    total, contribution, parts = _validate(
        weekly_total_cost=weekly_total_cost, weekly_person_contribution=weekly_person_contribution, split=split
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for this budget or change", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason must be 300 characters or fewer", field="reason")
    if effective_from is None:
        raise DomainError("Enter the date the budget starts", field="effective_from")
    if financial_assessment is not None:
        if financial_assessment.person_id != person.pk:
            raise DomainError("That financial assessment is for someone else", field="financial_assessment")
        if financial_assessment.status != FinancialAssessment.Status.COMPLETE:
            raise DomainError(
                "The financial assessment is not complete: complete it before using it for the budget",
                field="financial_assessment",
            )
    if indicative_budget is not None and indicative_budget.person_id != person.pk:
        raise DomainError("That indicative budget is for someone else", field="indicative_budget")

    # Lock the person's budgets so two changes at once cannot both become version n + 1.
    existing = list(PersonalBudget.objects.select_for_update().filter(person=person).order_by("-version"))
    previous = next((b for b in existing if b.is_current), None)
    version = (max((b.version for b in existing), default=0)) + 1
    if previous is not None:
        PersonalBudget.objects.filter(pk=previous.pk).update(is_current=False)
    budget = PersonalBudget.objects.create(
        person=person,
        version=version,
        is_current=True,
        effective_from=effective_from,
        reason=reason,
        weekly_total_cost=total,
        weekly_person_contribution=contribution,
        weekly_council_amount=total - contribution,
        financial_assessment=financial_assessment,
        indicative_budget=indicative_budget,
        created_by=actor if getattr(actor, "pk", None) else None,
        **parts,
    )
    before = snapshot(previous, AUDITED) if previous else {}
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if previous is None else AuditEvent.Action.UPDATE,
        obj=budget,
        person=person,
        summary=f"Personal budget version {version}: {pounds(total)} a week",
        changes=diff(before, snapshot(budget, AUDITED)),
        request=request,
        event_type=PersonEvent.Type.ASSESSMENT,
        title=f"Personal budget: {pounds(total)} a week",
        detail=_describe(budget),
    )
    from selfdirect.payments.services import dp_budget_changed  # payments depend on budgets, not the reverse

    dp_budget_changed(person=person, budget=budget, actor=actor, request=request)
    return budget


def split_in_proportion(parts: dict[str, Decimal], new_total: Decimal) -> dict[str, Decimal]:
    """The same shares of `new_total` as `parts` have of their own total, to the penny, adding up exactly
    (largest remainder: the pennies left over after rounding down go to the largest fractions)."""
    old_total = sum(parts.values(), ZERO)
    if old_total == 0:
        raise DomainError("The current budget has no amounts to keep the shares of")
    new_pence = int(new_total * 100)
    exact = {name: Decimal(int(value * 100) * new_pence) / int(old_total * 100) for name, value in parts.items()}
    floored = {name: int(value) for name, value in exact.items()}
    left = new_pence - sum(floored.values())
    order = sorted(parts, key=lambda name: (-(exact[name] - floored[name]), list(parts).index(name)))
    for name in order[:left]:
        floored[name] += 1
    return {name: Decimal(value) / 100 for name, value in floored.items()}


def personal_budget_from_financial_assessment(
    *,
    person: Person,
    actor,
    financial_assessment: FinancialAssessment,
    reason: str,
    weekly_total_cost=None,
    effective_from=None,
    request=None,
) -> PersonalBudget:
    """A new version of the current budget after a (new) financial assessment: the person's contribution becomes
    the assessed weekly contribution, never more than the total cost (Care Act: nobody pays more than their care
    costs); the council pays the rest.

    The total cost stays what the current budget says (the cost of meeting needs comes from the support plan,
    not from the financial assessment), unless `weekly_total_cost` is given: then the split between direct
    payment, council-managed and individual service fund keeps its shares of the new total, to the penny.
    """
    current = PersonalBudget.objects.filter(person=person, is_current=True).first()
    if current is None:
        raise DomainError(f"{person.full_name} has no personal budget yet: set one first")
    if financial_assessment.weekly_contribution is None:
        raise DomainError("The financial assessment has no weekly contribution yet: complete it first")
    parts = {name: getattr(current, name) for name in SPLIT_FIELDS}
    total = current.weekly_total_cost
    if weekly_total_cost is not None:
        total = _money("weekly_total_cost", weekly_total_cost)
        if total <= 0:
            raise DomainError("The total weekly cost must be more than £0", field="weekly_total_cost")
        parts = split_in_proportion(parts, total)
    return personal_budget_set(
        person=person,
        actor=actor,
        weekly_total_cost=total,
        weekly_person_contribution=min(financial_assessment.weekly_contribution, total),
        split=parts,
        effective_from=effective_from or timezone.localdate(),
        reason=reason,
        financial_assessment=financial_assessment,
        indicative_budget=current.indicative_budget,
        request=request,
    )
