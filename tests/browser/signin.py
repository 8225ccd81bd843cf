"""Signing in from a browser journey: one place, so a change to the sign-in (a second factor) is made once."""

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

STAFF_PASSWORD = "password"  # every UserFactory account's
# The authenticator secret journeys give staff who have none yet (a fixed key: codes are computed from it).
TEST_TOTP_KEY = "48656c6c6fde3ad6ef"  # noqa: S105 - test accounts only


def _device_for(username: str):
    """The member of staff's confirmed authenticator, made with the test secret if they have none."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", key=TEST_TOTP_KEY, confirmed=True)


def enter_second_factor(page: Page, username: str, *, check_accessibility: bool = False) -> None:
    """On the code page, type the code the account's authenticator shows now (as a person reads it off their phone)."""
    from selfdirect.core.second_factor_demo import next_code

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    if check_accessibility:
        assert_no_axe_violations(page)
    device = _device_for(username)
    device.refresh_from_db()
    page.get_by_label("Code").fill(next_code(device))
    page.get_by_role("button", name="Continue").click()


def staff_sign_in(page: Page, base_url: str, username: str, *, check_accessibility: bool = False) -> None:
    """Sign in as a member of staff afresh (no one else's session left in the browser): password, then the code."""
    _device_for(username)
    page.context.clear_cookies()
    page.goto(f"{base_url}/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Sign in"))
    if check_accessibility:
        assert_no_axe_violations(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_second_factor(page, username, check_accessibility=check_accessibility)
