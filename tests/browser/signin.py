"""Signing in from a browser journey: one place, so a change to the sign-in (a second factor) is made once."""

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations

STAFF_PASSWORD = "password"  # every UserFactory account's


def staff_sign_in(page: Page, base_url: str, username: str, *, check_accessibility: bool = False) -> None:
    """Sign in as a member of staff afresh (no one else's session left in the browser)."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Sign in"))
    if check_accessibility:
        assert_no_axe_violations(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
