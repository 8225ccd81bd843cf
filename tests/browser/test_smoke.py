"""Smoke journey: the built front end (CSS, fonts, GOV.UK Frontend JS) reaches a real browser."""

import re

from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations


def test_accessibility_statement_loads_with_its_assets_and_passes_axe(page: Page, live_server):
    """The public accessibility statement opens without signing in, every file it loads is served, GOV.UK
    Frontend's JavaScript starts, the heading says "Accessibility" and axe finds no WCAG 2.2 A/AA violation."""
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))

    response = page.goto(f"{live_server.url}/accessibility/")

    assert response is not None and response.ok, f"GET /accessibility/ -> {response and response.status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility")
    # app.js (an ES module) sets this class once it has imported GOV.UK Frontend and run initAll().
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    page.wait_for_load_state("networkidle")
    assert not failed, "files that failed to load:\n" + "\n".join(failed)
    assert_no_axe_violations(page)
