"""The public "estimate my contribution" page (/estimate-my-contribution/): no sign-in, nothing saved, the
latest year whose figures are confirmed (or the year the person picks), and a clear "this is an estimate"."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.money.models import ChargingFigure, FinancialAssessment

from . import load_charging_figures

URL = "/estimate-my-contribution/"


@pytest.fixture(autouse=True)
def years(db):
    return load_charging_figures()


def answers(**changes) -> dict:
    data = {
        "setting": "community",
        "household": "single",
        "age": "70",
        "reached_pension_credit_age": "yes",
        "dependent_children": "0",
        "capital": "18450",
        "income_state_pension": "179.60",
        "income_attendance_allowance": "60",
        "income_pip_mobility": "24.45",
        "weekly_housing_costs": "",
        "weekly_disability_related_expenditure": "10",
        "weekly_cost_of_care": "250",
        "year": "latest",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_url_name_and_anonymous_get():
    """The page is /estimate-my-contribution/ ("estimate_contribution") and opens without signing in."""
    assert reverse("estimate_contribution") == URL
    response = Client().get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Estimate what you might pay towards your care" in page
    assert "This is an estimate only" in page


def test_information_page_links_to_the_estimate():
    """The public information page links to the estimate."""
    page = Client().get(reverse("information")).content.decode()
    assert f'href="{URL}"' in page


def test_estimate_uses_the_latest_year_it_can_and_says_why(years):
    """A pensioner: 2025-26 lacks a confirmed MIG, so the 2021-22 figures are used, said plainly."""
    response = Client().post(URL, answers())
    page = response.content.decode()
    assert response.status_code == 200
    assert "You might pay £57.60 a week" in page
    assert "This is an estimate, not a decision" in page
    assert "financial assessment decides how much you pay" in page
    assert "uses the charging figures for 2021-22" in page
    assert "We could not use the 2025-26 figures" in page
    assert "Your weekly contribution is £57.60." in page


def test_estimate_uses_the_newest_year_when_its_figures_are_confirmed(years):
    """Someone aged 30 (2025-26 MIG confirmed): the 2025-26 figures are used, with nothing skipped."""
    page = Client().post(URL, answers(age="30", reached_pension_credit_age="no")).content.decode()
    assert "uses the charging figures for 2025-26" in page
    assert "We could not use" not in page
    assert "£112.50" in page  # the 2025-26 MIG, single 25 to pension credit age


def test_unknown_cost_of_care_shows_the_most_they_could_pay(years):
    """With the cost of care left blank the page shows "up to" the amount they could afford."""
    page = Client().post(URL, answers(weekly_cost_of_care="")).content.decode()
    assert "You might pay up to £57.60 a week" in page
    assert "This is the most you could be asked to pay" in page


def test_unknown_cost_with_capital_above_the_limit(years):
    """Above the upper limit with no cost given: "the full cost of your care", with no made-up amount."""
    page = Client().post(URL, answers(capital="40000", weekly_cost_of_care="")).content.decode()
    assert "You would probably pay the full cost of your care" in page
    assert "so you would pay the full cost of your care." in page
    assert "9,999,999,999" not in page


def test_blank_extra_costs_without_a_standard_allowance(years):
    """Extra costs left blank, no council standard allowance: none taken off, and the page says so."""
    page = Client().post(URL, answers(weekly_disability_related_expenditure="")).content.decode()
    assert "You might pay £67.60 a week" in page
    assert "we have not taken any off" in page


def test_choosing_a_year_with_an_unconfirmed_figure_names_it(years):
    """Picking 2025-26 for a pensioner shows an error naming the figure that is not confirmed."""
    response = Client().post(URL, answers(year="2025-26"))
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Minimum income guarantee: single, pension credit age" in page
    assert "by an administrator" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capital": ""}, "Enter your savings and capital"),
        ({"capital": "-4"}, "Your savings and capital must be £0 or more"),
        ({"age": "seventy"}, "Your age must be a whole number"),
        ({"setting": None}, "Select where you get care"),
        ({"income_earnings": "12.345"}, "Earnings must not have more than 2 decimal places"),
    ],
)
def test_bad_answers_show_an_error_summary(years, changes, message):
    """Invalid answers re-show the questions with a GOV.UK error summary."""
    page = Client().post(URL, answers(**changes)).content.decode()
    assert "There is a problem" in page
    assert message in page


def test_nothing_is_saved(years):
    """The estimate writes nothing: no assessment and no audit record."""
    Client().post(URL, answers())
    Client().post(URL, answers(capital="x"))
    assert not FinancialAssessment.objects.exists()
    assert not AuditEvent.objects.exists()


def test_no_usable_year_says_the_estimate_is_unavailable(years):
    """If no year has its capital limits confirmed, the page says the estimate is not available."""
    ChargingFigure.objects.filter(key="capital_upper_limit").update(confirmed=False)
    page = Client().get(URL).content.decode()
    assert "The estimate is not available at the moment" in page
    assert "<form" not in page.split("main-content")[1]


def test_the_standard_allowance_is_used_when_the_council_has_one(years):
    """When the council has set a standard DRE allowance, blank extra costs use it, and the page says so."""
    ChargingFigure.objects.filter(key="policy_standard_dre").update(amount=Decimal("10.85"))
    page = Client().post(URL, answers(weekly_disability_related_expenditure="")).content.decode()
    assert "standard allowance of £10.85" in page
    assert "You might pay £56.75 a week" in page
