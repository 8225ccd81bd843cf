"""The management dashboards in a real browser (issue 8, item 3), with axe-core on every page visited.

Ana, a performance analyst, opens the measures and dashboards index, then the ASCOF 3D dashboard for February to
March 2026. She narrows it to people aged 65 and over, reads the share on self-directed support at 31 March
(3 of 4, 75.0%) in the table beside the chart, and downloads the table as CSV. She then looks over every other
dashboard. The records are tests/reporting/dashboard_fixtures.py's small council."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.reporting.dashboard_selectors import SECTIONS
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import UserFactory
from tests.portal.bank import ensure_question_bank
from tests.reporting.dashboard_fixtures import small_council


@pytest.fixture
def council(transactional_db):
    ensure_question_bank()
    records = small_council()
    UserFactory(username="ana", role=Role.PERFORMANCE_ANALYST, first_name="Ana", last_name="Lyst")
    return records


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_an_analyst_filters_the_ascof_dashboard_and_downloads_a_table(page: Page, live_server, council):
    base = live_server.url
    staff_sign_in(page, base, "ana")

    page.goto(f"{base}/reporting/")
    expect(heading(page)).to_have_text("Measures and dashboards")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Self-directed support and direct payments (ASCOF 3D)").click()
    expect(heading(page)).to_have_text("Self-directed support and direct payments (ASCOF 3D)")
    assert_no_axe_violations(page)

    # A date that does not exist: an error summary, and nothing else breaks.
    fill_date(page, "From", "30", "2", "2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("alert")).to_contain_text("From must be a real date")
    assert_no_axe_violations(page)

    fill_date(page, "From", "1", "2", "2026")
    fill_date(page, "To", "31", "3", "2026")
    page.get_by_label("Age band").select_option("65+")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(re.compile(r"Showing 01 February 2026 to 31 March 2026, aged 65\+"))).to_be_visible()
    assert_no_axe_violations(page)

    trend = page.get_by_role("table", name="ASCOF 3D at each month end")
    march = trend.get_by_role("row").filter(has=page.get_by_role("rowheader", name="31 Mar 2026"))
    expect(march.get_by_role("cell").nth(0)).to_have_text("75.0")
    expect(march.get_by_role("cell").nth(1)).to_have_text("50.0")
    expect(page.get_by_role("img", name=re.compile("ASCOF 3D at each month end"))).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile(r"^Download this table as CSV\s*: ASCOF 3D at each month end$")
        ).click()
    download = download_info.value
    assert download.suggested_filename == "ascof-trend.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["Month end", "1a: self-directed support (%)", "2a: direct payments (%)"]
    assert rows[-1][:6] == ["31 Mar 2026", "75.0", "50.0", "3", "2", "4"]

    for section in SECTIONS:
        if section.is_link:
            continue
        page.goto(f"{base}/reporting/dashboard/{section.slug}/")
        expect(heading(page)).to_have_text(section.title)
        assert_no_axe_violations(page)
