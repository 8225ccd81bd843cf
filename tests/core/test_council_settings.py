"""The council settings page: administrators change the council's own choices (not national rules), each change
audited with its old and new values; other roles get 403; bad input is shown in the error summary; a save made
from a stale copy of the settings is refused with nothing overwritten."""

from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import StaleEditError
from selfdirect.core.settings_views import council_settings_update

pytestmark = pytest.mark.django_db
URL = "/settings/"


def form_data(**changes) -> dict:
    data = {
        "manager_approval_limit_weekly": "500.00",
        "panel_quorum": "3",
        "pa_checks_policy": "mandatory",
        "dbs_recheck_years": "3",
        "check_alert_days": "42",
    }
    return data | changes


@pytest.fixture
def admin_user(user_of_role):
    return user_of_role(Role.ADMINISTRATOR, first_name="Chris", last_name="Bennett")


def test_the_page_says_these_are_the_councils_own_choices(client_as, admin_user):
    assert reverse("council_settings") == URL
    response = client_as(admin_user).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "own choices, not national rules" in text
    for label in ("Highest weekly plan cost a team manager may approve", "Checks on personal assistants",
                  "Years after which a DBS certificate must be renewed", "Days&#x27; warning before a check lapses",
                  "Members needed at a funding panel meeting"):  # fmt: skip
        assert label in text, label


def test_only_administrators_may_change_settings(client_as, user_of_role):
    for role in Role:
        status = client_as(user_of_role(role)).get(URL).status_code
        assert status == (200 if role == Role.ADMINISTRATOR else 403), role


def test_a_change_is_saved_and_audited_old_to_new(client_as, admin_user):
    client = client_as(admin_user)
    response = client.post(URL, form_data(pa_checks_policy="recommended", manager_approval_limit_weekly="£650",
                                          dbs_recheck_years="5"))  # fmt: skip
    assert response.status_code == 302
    settings = CouncilSettings.current()
    assert settings.pa_checks_policy == "recommended" and settings.dbs_recheck_years == 5
    assert settings.manager_approval_limit_weekly == Decimal("650.00") and settings.updated_by == admin_user
    event = AuditEvent.objects.get(object_type="core.councilsettings")
    assert event.actor == admin_user and event.action == AuditEvent.Action.UPDATE
    assert event.changes == {
        "manager_approval_limit_weekly": ["500.00", "650.00"],
        "pa_checks_policy": ["mandatory", "recommended"],
        "dbs_recheck_years": [3, 5],
    }
    assert "Council settings saved" in client.get(URL).content.decode()


def test_saving_without_changes_writes_no_audit_record(client_as, admin_user):
    assert client_as(admin_user).post(URL, form_data()).status_code == 302
    assert not AuditEvent.objects.filter(object_type="core.councilsettings").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"manager_approval_limit_weekly": "lots"}, "must be an amount of money"),
        ({"manager_approval_limit_weekly": "-5"}, "must be £0 or more"),
        ({"panel_quorum": "0"}, "must be 1 or more"),
        ({"dbs_recheck_years": "three"}, "must be a whole number"),
        ({"check_alert_days": "999"}, "must be 365 or less"),
        ({"pa_checks_policy": "whatever"}, "Choose the council&#x27;s policy"),
        ({"pa_checks_policy": ""}, "Choose the council&#x27;s policy"),
    ],
)
def test_bad_input_is_shown_in_the_error_summary(client_as, admin_user, changes, message):
    response = client_as(admin_user).post(URL, form_data(**changes))
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    assert CouncilSettings.current().dbs_recheck_years == 3
    assert not AuditEvent.objects.filter(object_type="core.councilsettings").exists()


def test_a_stale_save_is_refused(client_as, admin_user, user_of_role):
    """Two administrators open the page; the second to save is told someone else saved first, and nothing of theirs
    is written."""
    first, second = client_as(admin_user), client_as(user_of_role(Role.ADMINISTRATOR))
    seen = CouncilSettings.current().updated_at.isoformat()
    assert first.post(URL, form_data(panel_quorum="4", seen=seen)).status_code == 302
    response = second.post(URL, form_data(panel_quorum="5", seen=seen))
    assert "Someone else changed the settings" in response.content.decode()
    assert CouncilSettings.current().panel_quorum == 4
    with pytest.raises(StaleEditError):
        council_settings_update(actor=admin_user, seen="2000-01-01T00:00:00+00:00", panel_quorum=6)
