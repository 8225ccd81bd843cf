"""Olu, the new data protection officer, signs in for the first time: sets up an authenticator app (typing the key,
as someone whose camera will not scan), keeps the recovery codes, then answers a subject access request for Mary
and decides that a long-closed record is anonymised. An administrator then resets Olu's lost phone."""

import datetime
import io
import re
import zipfile
from base64 import b32decode

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from selfdirect.api.models import ApiToken
from selfdirect.core.roles import Role
from selfdirect.people.models import Allocation, Person
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import STAFF_PASSWORD, staff_sign_in
from tests.factories import ContactFactory, PersonFactory, TeamFactory, UserFactory


@pytest.fixture
def council(transactional_db):
    team = TeamFactory(name="Older people north", code="opn")
    UserFactory(username="olu", role=Role.DATA_PROTECTION_OFFICER, first_name="Olu", last_name="Bankole")
    UserFactory(username="chris", role=Role.ADMINISTRATOR, first_name="Chris", last_name="Bennett")
    mary = PersonFactory(first_name="Mary", last_name="Smith")
    ContactFactory(person=mary, name="Joan Smith")
    closed = PersonFactory(first_name="Albert", last_name="Closed")
    ended = timezone.make_aware(datetime.datetime(2012, 5, 1, 12))
    Allocation.objects.create(person=closed, team=team, started_at=ended.replace(year=2010), ended_at=ended)
    return {"mary": mary, "closed": closed}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_first_sign_in_subject_access_and_a_retention_decision(page: Page, live_server, council):
    base = live_server.url
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # No authenticator yet: set one up by typing the key.
    expect(heading(page)).to_have_text("Set up your authenticator app")
    expect(page.locator("#qr-code svg")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_text("I cannot scan the QR code").click()
    key = b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))
    page.get_by_label("Code").fill("000000" if f"{totp(key):06d}" != "000000" else "000001")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm and continue").click()

    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Continue").click()

    # Subject access for Mary.
    page.goto(f"{base}/governance/subject-access/")
    expect(heading(page)).to_have_text("Subject access")
    assert_no_axe_violations(page)
    page.get_by_label("Council person ID").fill(council["mary"].council_id)
    page.get_by_role("button", name="Find the record").click()
    expect(page.locator("#marked")).to_contain_text("a contact's name (third party)")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the bundle (JSON and PDF)").click()
    download = download_info.value
    assert re.fullmatch(r"subject-access-P9\d+-\d{8}-\d{4}\.zip", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == 2

    # Albert's record closed in 2012: past the 8-year schedule, so it is on the review list.
    page.goto(f"{base}/governance/retention/")
    expect(heading(page)).to_have_text("Retention review")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Albert Closed")).click()
    expect(heading(page)).to_have_text("What happens to Albert Closed's record")
    assert_no_axe_violations(page)
    page.get_by_label("Anonymise it").check()
    page.get_by_role("button", name="Record the decision and carry it out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("anonymise")
    assert Person.objects.get(pk=council["closed"].pk).first_name == "Anonymised"

    # Olu's phone is lost: the administrator resets it, and Olu sets up again at the next sign-in.
    staff_sign_in(page, base, "chris", check_accessibility=True)
    page.goto(f"{base}/staff/second-factor/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Reset the second factor of Olu Bankole").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sets up a new authenticator app")

    # Chris issues a token for the NHS discharge hub: the secret is shown once.
    page.goto(f"{base}/api-tokens/")
    expect(heading(page)).to_have_text("API tokens")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Issue a token").click()
    page.get_by_role("button", name="Issue token").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    page.get_by_label("What is the token for?").fill("NHS discharge hub")
    page.get_by_label("A system integration (its own account, with a role)").check()
    page.get_by_label("Role (if it is a system integration)").select_option(label="Social worker (qualified)")
    expires = timezone.localdate() + datetime.timedelta(days=90)
    group = page.get_by_role("group", name="Expires on")
    group.get_by_label("Day").fill(str(expires.day))
    group.get_by_label("Month").fill(str(expires.month))
    group.get_by_label("Year").fill(str(expires.year))
    page.get_by_role("button", name="Issue token").click()
    expect(heading(page)).to_have_text("Token issued")
    assert_no_axe_violations(page)
    assert ApiToken.objects.get(name="NHS discharge hub").kind == "integration"
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Set up your authenticator app")
