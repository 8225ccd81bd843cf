"""Reads for personal budgets and uprating runs, shared by the pages (and, later, the API and portal). A budget is
only ever fetched through people.selectors.person_get_for_user, so restricted records stay restricted."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from selfdirect.people.models import Person
from selfdirect.people.selectors import can_see_restricted, person_get_for_user

from .budget_services import SPLIT_FIELDS
from .models import (
    WEEKS_PER_YEAR,
    ContributionLetter,
    FinancialAssessment,
    IndicativeBudget,
    PersonalBudget,
    UpratingRun,
)


@dataclass(frozen=True)
class StatementLine:
    label: str
    weekly: Decimal
    yearly: Decimal


@dataclass(frozen=True)
class Statement:
    """A personal budget as the s26 statement shows it: weekly amounts with their yearly equivalents."""

    budget: PersonalBudget
    total: StatementLine
    contribution: StatementLine
    council: StatementLine
    managed: list[StatementLine]
    weeks: int = WEEKS_PER_YEAR


def _line(label: str, weekly: Decimal) -> StatementLine:
    return StatementLine(label, weekly, weekly * WEEKS_PER_YEAR)


def budget_statement(budget: PersonalBudget) -> Statement:
    # Every way of managing the money is listed, in the same order, whether or not it is used: none is
    # presented as the default or the better one.
    managed = [_line(label[0].upper() + label[1:], getattr(budget, name)) for name, label in SPLIT_FIELDS.items()]
    return Statement(
        budget=budget,
        total=_line("Total cost of meeting needs", budget.weekly_total_cost),
        contribution=_line("The person's contribution", budget.weekly_person_contribution),
        council=_line("The council's amount", budget.weekly_council_amount),
        managed=managed,
    )


def personal_budget_history(*, person: Person) -> QuerySet[PersonalBudget]:
    """Every version, newest first."""
    return PersonalBudget.objects.filter(person=person).select_related("created_by").order_by("-version")


def personal_budget_current(*, person: Person) -> PersonalBudget | None:
    return (
        PersonalBudget.objects.filter(person=person, is_current=True)
        .select_related("financial_assessment__year", "indicative_budget", "created_by")
        .first()
    )


def personal_budget_get_for_user(*, user, pk) -> PersonalBudget:
    """One version, if the user may see the person it belongs to (404 if there is no such budget)."""
    budget = get_object_or_404(
        PersonalBudget.objects.select_related("financial_assessment__year", "indicative_budget", "created_by"), pk=pk
    )
    budget.person = person_get_for_user(user=user, pk=budget.person_id)
    return budget


def current_financial_assessment(*, person: Person) -> FinancialAssessment | None:
    """The person's latest complete financial assessment (the one their contribution comes from)."""
    return (
        FinancialAssessment.objects.filter(person=person, status=FinancialAssessment.Status.COMPLETE)
        .select_related("year")
        .order_by("-year__effective_from", "-completed_at", "-created_at", "-id")
        .first()
    )


def latest_indicative_budget(*, person: Person) -> IndicativeBudget | None:
    return IndicativeBudget.objects.filter(person=person).order_by("-computed_at", "-id").first()


def uprating_runs() -> QuerySet[UpratingRun]:
    return UpratingRun.objects.select_related("to_year").order_by("-started_at", "-id")


def uprating_run_get(*, pk) -> UpratingRun:
    return get_object_or_404(UpratingRun.objects.select_related("to_year"), pk=pk)


def uprating_letters(*, run: UpratingRun) -> QuerySet[ContributionLetter]:
    return (
        ContributionLetter.objects.filter(uprating_run=run)
        .select_related("person", "financial_assessment__year")
        .order_by("person__last_name", "person__first_name", "id")
    )


def letter_rows(*, user, letters) -> list[dict]:
    """Letters for a list page: a restricted person's name is shown only to those who may open their record."""
    rows = []
    for letter in letters:
        person = letter.person
        visible = not person.is_restricted or can_see_restricted(user=user, person=person)
        rows.append({"letter": letter, "person": person, "visible": visible})
    return rows
