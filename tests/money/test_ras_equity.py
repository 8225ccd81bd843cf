"""The /ras/equity/ page: analysts and managers see the fit and, by primary support reason and age band, how
indicative budgets compare with approved ones, as an SVG chart with a text alternative and as a table."""

import re

import pytest
from django.urls import reverse

from selfdirect.core.roles import Role
from selfdirect.money import ras_selectors

from .test_ras_calibrate import LD, MH, PHYSICAL, synthetic_council

pytestmark = pytest.mark.django_db
URL = reverse("ras_equity")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SOCIAL_WORKER, 403),
        (Role.ASSESSOR, 403),
        (Role.FINANCE_OFFICER, 403),
        (Role.PERFORMANCE_ANALYST, 200),
        (Role.TEAM_MANAGER, 200),
    ],
)
def test_only_analysts_and_managers_see_the_page(role, status, user_of_role, client_as):
    """The page needs "see every team's caseload": analysts and managers yes, practitioners no."""
    assert client_as(user_of_role(role)).get(URL).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    """No account: redirected to the sign-in page."""
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_page_shows_the_chart_with_a_text_alternative_and_the_table(user_of_role, client_as):
    """An SVG chart with a title and description naming the flagged group, bars marked in words as well as
    colour, and the same figures as a table; no script in the chart."""
    synthetic_council()
    html = client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get(URL).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="ras-chart-title ras-chart-desc"' in svg
    assert '<title id="ras-chart-title">Median of indicative budget' in svg
    desc = re.search(r"<desc id=\"ras-chart-desc\">(.*?)</desc>", svg, re.S).group(1)
    assert f"{LD}, 18-64, median 0.70" in desc and MH not in desc
    assert "0.70: under-funded by the RAS" in svg and "too few cases to judge (n=3)" in svg
    assert "<script" not in svg
    table = re.search(r'<table class="govuk-table">.*?</table>', html, re.S).group(0)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)[1:]
    assert len(rows) == 3
    assert PHYSICAL in rows[0] and "No concern" in rows[0]
    assert LD in rows[1] and "Under-funded by the RAS" in rows[1] and "0.70" in rows[1]
    assert MH in rows[2] and "Too few cases to judge" in rows[2]
    assert "Fitted price per point" in html and "£23.66" in html and "£18.60 per point" in html


def test_page_and_command_use_the_same_selector(user_of_role, client_as):
    """What the page flags is what ras_equity (the command's selector) flags."""
    synthetic_council()
    flagged = [g.primary_support_reason for g in ras_selectors.ras_equity().flagged]
    html = client_as(user_of_role(Role.TEAM_MANAGER)).get(URL).content.decode()
    assert flagged == [LD] and f"1 group under-funded by the RAS:</strong> {LD} aged 18-64" in html


def test_page_without_cases_says_so(user_of_role, client_as):
    """No approved budgets yet: the page explains there is nothing to compare, and draws no chart."""
    html = client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get(URL).content.decode()
    assert "Nobody has both an approved personal budget and an indicative budget yet" in html
    assert "<svg" not in html


@pytest.mark.parametrize("version", ["99", "abc"])
def test_unknown_table_version_is_404(version, user_of_role, client_as):
    """?table= must name an existing version."""
    assert client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get(URL, {"table": version}).status_code == 404
