"""Personal budget pages and the uprating pages: what they show, who may see or change them, and bad input.

Amounts here are whole pounds or quarters, which binary floating point holds exactly, so the budgets' CHECK
constraints pass on SQLite as well."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.money.budget_services import personal_budget_set
from selfdirect.money.models import ChargingYear, ContributionLetter, FinancialAssessment, PersonalBudget, UpratingRun
from tests.factories import PersonFactory


@pytest.fixture
def finance(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Ruth", last_name="Evans")


@pytest.fixture
def budget(person, finance):
    personal_budget_set(
        person=person,
        actor=finance,
        weekly_total_cost=Decimal("200.00"),
        weekly_person_contribution=Decimal("0.00"),
        split={"weekly_council_managed": Decimal("200.00")},
        effective_from=datetime.date(2025, 6, 2),
        reason="Support plan agreed at panel",
    )
    return personal_budget_set(
        person=person,
        actor=finance,
        weekly_total_cost=Decimal("250.00"),
        weekly_person_contribution=Decimal("40.00"),
        split={"weekly_direct_payment": Decimal("100.00"), "weekly_council_managed": Decimal("150.00")},
        effective_from=datetime.date(2026, 4, 6),
        reason="Night support added after review",
    )


def test_the_statement_shows_every_part_weekly_and_yearly(client_as, finance, person, budget):
    """The person's budget page states the total, the person's contribution and the council's amount, weekly and
    for 52 weeks, each way of managing the money (all three, used or not), and every version with its reason."""
    response = client_as(finance).get(reverse("person_personal_budget", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "£250.00",
        "£13,000.00",
        "£40.00",
        "£2,080.00",
        "£210.00",
        "£10,920.00",
        "£100.00",
        "£5,200.00",
        "£150.00",
        "£7,800.00",
        "Direct payment",
        "Council-managed budget",
        "Individual service fund",
        "Night support added after review",
        "Support plan agreed at panel",
        "Version 2",
        "Version 1",
    ):
        assert text in page, text
    assert "Change the personal budget" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, person_id=person.pk, summary="Opened the personal budget"
    ).exists()


def test_a_version_and_its_printable_statement(client_as, finance, person, budget):
    """Each version has its own page (the model's get_absolute_url) and a printable statement for the person."""
    client = client_as(finance)
    detail = client.get(budget.get_absolute_url())
    assert detail.status_code == 200 and "Personal budget version 2" in detail.content.decode()
    first = PersonalBudget.objects.get(person=person, version=1)
    older = client.get(first.get_absolute_url()).content.decode()
    assert "Replaced by a later version" in older and "£200.00" in older
    statement = client.get(reverse("personal_budget_statement", args=[budget.pk])).content.decode()
    assert "Your personal budget" in statement and f"Dear {person.known_as}" in statement
    assert "£250.00" in statement and "£40.00" in statement and "£210.00" in statement


def test_no_budget_yet(client_as, finance, person):
    """Without a budget the page says so, and a finance officer is offered to set one."""
    page = client_as(finance).get(reverse("person_personal_budget", args=[person.pk])).content.decode()
    assert "has no personal budget yet" in page and "Set the personal budget" in page


def test_who_may_see_and_change_budgets(client_as, user_of_role, person, budget, social_worker):
    """People who may view records see budgets; only finance roles change them; others get 403. A restricted
    record stays restricted on its budget pages."""
    urls = [
        reverse("person_personal_budget", args=[person.pk]),
        reverse("personal_budget_detail", args=[budget.pk]),
        reverse("personal_budget_statement", args=[budget.pk]),
    ]
    change = reverse("personal_budget_change", args=[person.pk])
    worker = client_as(social_worker)
    assert [worker.get(u).status_code for u in urls] == [200, 200, 200]
    assert worker.get(change).status_code == 403
    assert "Change the personal budget" not in worker.get(urls[0]).content.decode()
    commissioner = client_as(user_of_role(Role.COMMISSIONER))
    assert [commissioner.get(u).status_code for u in [*urls, change]] == [403, 403, 403, 403]
    manager = client_as(user_of_role(Role.TEAM_MANAGER))
    assert manager.get(change).status_code == 200
    person.is_restricted = True
    person.save()
    finance = client_as(user_of_role(Role.FINANCE_OFFICER))
    assert [finance.get(u).status_code for u in [*urls, change]] == [403, 403, 403, 403]
    assert client_as(social_worker).get(reverse("personal_budget_detail", args=[999_999])).status_code == 404


def post_budget(client, person, **changes):
    data = {
        "weekly_total_cost": "£1,300.00",
        "weekly_person_contribution": "55.25",
        "weekly_direct_payment": "300",
        "weekly_council_managed": "",
        "weekly_individual_service_fund": "1000.00",
        "effective_from_0": "6",
        "effective_from_1": "4",
        "effective_from_2": "2026",
        "reason": "Support plan agreed",
    }
    return client.post(reverse("personal_budget_change", args=[person.pk]), data | changes)


def test_setting_a_budget_through_the_form(client_as, finance, person):
    """A finance officer sets a budget: it is saved as version 1 and they return to the statement."""
    client = client_as(finance)
    form = client.get(reverse("personal_budget_change", args=[person.pk])).content.decode()
    assert "How the money is managed" in form
    response = post_budget(client, person)
    assert response.status_code == 302 and response["Location"] == reverse("person_personal_budget", args=[person.pk])
    budget = PersonalBudget.objects.get(person=person)
    assert (budget.weekly_total_cost, budget.weekly_person_contribution, budget.weekly_council_amount) == (
        Decimal("1300.00"),
        Decimal("55.25"),
        Decimal("1244.75"),
    )
    assert (budget.weekly_direct_payment, budget.weekly_council_managed, budget.weekly_individual_service_fund) == (
        Decimal("300.00"),
        Decimal("0.00"),
        Decimal("1000.00"),
    )
    assert budget.effective_from == datetime.date(2026, 4, 6) and budget.created_by == finance


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekly_person_contribution": "1300.01"}, "cannot be more than the total cost of their care"),
        ({"weekly_direct_payment": "299.75"}, "they need £0.25 more in all"),
        ({"weekly_total_cost": "lots"}, "must be an amount of money"),
        ({"weekly_total_cost": ""}, "Enter the total weekly cost"),
        ({"reason": ""}, "Enter the reason for this budget or change"),
        ({"effective_from_1": "13"}, "Date the budget starts must be a real date"),
    ],
)
def test_bad_input_shows_an_error_summary_and_saves_nothing(client_as, finance, person, changes, message):
    """Each mistake comes back as a GOV.UK error summary with a message saying what to fix; nothing is saved."""
    response = post_budget(client_as(finance), person, **changes)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page, message
    assert "<title>Error: " in page
    assert not PersonalBudget.objects.exists()


def test_the_form_starts_from_the_financial_assessment(client_as, finance, person, budget):
    """Changing a budget starts from the current one, with the contribution from the latest complete financial
    assessment (never more than the total)."""
    FinancialAssessment.objects.create(
        person=person,
        year=ChargingYear.objects.get(financial_year="2021-22"),
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=Decimal("0"),
        weekly_cost_of_care=Decimal("250.00"),
        weekly_contribution=Decimal("12.50"),
    )
    page = client_as(finance).get(reverse("personal_budget_change", args=[person.pk])).content.decode()
    assert 'value="12.50"' in page and 'value="250.00"' in page and 'value="100.00"' in page


def uprating_run(person, *, old="10.00", new="12.50") -> UpratingRun:
    year = ChargingYear.objects.get(financial_year="2025-26")
    run = UpratingRun.objects.create(
        to_year=year,
        summary={
            "people": 1,
            "up": 1,
            "down": 0,
            "unchanged": 0,
            "total_weekly_contributions_before": old,
            "after": new,
            "change": "2.50",
            "blocked": [],
            "letters": 1,
            "budgets_changed": 0,
        },
    )
    fa = FinancialAssessment.objects.create(
        person=person,
        year=year,
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        capital=Decimal("0"),
        weekly_cost_of_care=Decimal("250.00"),
        weekly_contribution=Decimal(new),
    )
    ContributionLetter.objects.create(
        person=person,
        financial_assessment=fa,
        uprating_run=run,
        old_contribution=Decimal(old),
        new_contribution=Decimal(new),
    )
    return run


def test_uprating_runs_and_their_letters(client_as, finance, person, social_worker):
    """Finance officers see each run's summary and the letters it queued; other roles may not."""
    run = uprating_run(person)
    client = client_as(finance)
    runs = client.get(reverse("uprating_runs")).content.decode()
    assert "Uprating to 2025-26" in runs and "£12.50" in runs and "Letters" in runs
    letters = client.get(reverse("uprating_letters", args=[run.pk])).content.decode()
    assert person.full_name in letters and "£10.00" in letters and "£12.50" in letters
    assert "Waiting to be sent" in letters
    assert client_as(social_worker).get(reverse("uprating_runs")).status_code == 403
    assert client_as(social_worker).get(reverse("uprating_letters", args=[run.pk])).status_code == 403


def test_letters_hide_restricted_names(client_as, finance):
    """A restricted person's name is not shown in the letters list to someone who may not open their record."""
    hidden = PersonFactory(first_name="Secret", last_name="Person", is_restricted=True)
    run = uprating_run(hidden)
    page = client_as(finance).get(reverse("uprating_letters", args=[run.pk])).content.decode()
    assert "Secret Person" not in page and "Restricted record" in page
