"""The CLD return pages: choosing the period (errors in the GOV.UK summary), the validation report by rule with links
to the records, the CSV download (audited as an export), and who may use them."""

import csv
import io

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from tests.reporting.cld_fixtures import small_council

pytestmark = pytest.mark.django_db

PERIOD = {
    "date_from_0": "1", "date_from_1": "7", "date_from_2": "2026",
    "date_to_0": "30", "date_to_1": "9", "date_to_2": "2026",
}  # fmt: skip


@pytest.fixture
def analyst(user_of_role):
    return user_of_role(Role.PERFORMANCE_ANALYST, first_name="Ana", last_name="Lyst")


@pytest.fixture
def council(settings):
    settings.COUNCIL_LA_CODE = "X99"
    return small_council()


def test_the_page_offers_the_last_complete_quarter(client_as, analyst):
    response = client_as(analyst).get(reverse("cld_return"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Client Level Data return" in html
    assert "There is a problem" not in html
    assert 'name="date_from_0"' in html


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date_from_0": "1", "date_from_1": "10"}, "The period end must be the same as or after the period start"),
        ({"date_to_0": "31", "date_to_1": "9"}, "Period end must be a real date"),
        ({"date_from_0": "", "date_from_1": "", "date_from_2": ""}, "Enter period start"),
        ({"date_to_2": "26"}, "Year must include 4 numbers"),
        ({"date_from_1": "13"}, "Period start must be a real date"),
    ],
)
def test_period_errors_are_shown_in_the_error_summary(client_as, analyst, changes, message):
    response = client_as(analyst).get(reverse("cld_return"), PERIOD | changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "Rows in the return" not in html


def test_the_validation_report_groups_problems_by_rule_with_links(client_as, analyst, council):
    response = client_as(analyst).get(reverse("cld_return"), PERIOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="govuk-summary-list__value" id="cld-rows">7</dd>' in html
    assert '<dd class="govuk-summary-list__value" id="cld-problems">12</dd>' in html
    assert "NHS Number missing: 2 rows" in html
    assert "Employment Status missing: 1 row" in html
    ned, ned_request = council["ned"], council["ned_request"]
    assert f'href="/people/{ned.pk}/"' in html
    assert f'href="/requests/{ned_request.pk}/"' in html
    # People appear by council ID only: the analyst sees numbers, not names.
    assert "Nonumber" not in html and "Mary Smith" not in html
    assert f"{reverse('cld_return_csv')}?" in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_download_is_the_return_and_is_audited(client_as, analyst, council):
    response = client_as(analyst).get(reverse("cld_return_csv"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cld-X99-2026-07-01-to-2026-09-30.csv"'
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["LA Code", "Reporting Period Start Date", "Reporting Period End Date"]
    assert len(rows) == 8
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert export.actor == analyst
    assert export.object_type == "reporting.cld_return"
    assert export.summary == "Downloaded the CLD return, 1 July 2026 to 30 September 2026"


def test_download_with_a_bad_period_shows_the_errors_not_a_file(client_as, analyst):
    response = client_as(analyst).get(reverse("cld_return_csv"), PERIOD | {"date_to_2": "2025"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.PERFORMANCE_ANALYST, True),
        (Role.TEAM_MANAGER, True),
        (Role.SOCIAL_WORKER, False),
        (Role.FINANCE_OFFICER, False),
        (Role.COMMISSIONER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_who_may_produce_the_return(client_as, user_of_role, role, allowed):
    client = client_as(user_of_role(role))
    for name in ("cld_return", "cld_return_csv"):
        response = client.get(reverse(name), PERIOD)
        assert response.status_code == (200 if allowed else 403), (role, name)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == (1 if allowed else 0)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("cld_return"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]
