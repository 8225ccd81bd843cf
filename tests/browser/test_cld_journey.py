"""A performance analyst checks and downloads the quarterly Client Level Data return in a real browser (issue 8,
item 1), with axe-core on every page visited.

Ana, a performance analyst, opens the CLD return page. She first types a period that ends before it starts and is
told so in the error summary. With July to September 2026 the return has 7 rows and 12 problems: Ned has no NHS
number (reported, not dropped), with a link to his record. She downloads the return: the CSV has the
specification's columns and one row per event."""

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import UserFactory
from tests.reporting.cld_fixtures import small_council


@pytest.fixture
def council(transactional_db, settings):
    settings.COUNCIL_LA_CODE = "X99"
    records = small_council()
    UserFactory(username="ana", role=Role.PERFORMANCE_ANALYST, first_name="Ana", last_name="Lyst")
    return records


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_an_analyst_validates_and_downloads_the_cld_return(page: Page, live_server, council):
    base = live_server.url
    staff_sign_in(page, base, "ana")

    page.goto(f"{base}/reporting/cld/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Client Level Data return")
    assert_no_axe_violations(page)

    fill_date(page, "Period start", "1", "10", "2026")
    fill_date(page, "Period end", "30", "9", "2026")
    page.get_by_role("button", name="Check the return").click()
    expect(page.get_by_role("alert")).to_contain_text("The period end must be the same as or after the period start")
    assert_no_axe_violations(page)

    fill_date(page, "Period start", "1", "7", "2026")
    page.get_by_role("button", name="Check the return").click()
    expect(page.locator("#cld-rows")).to_have_text("7")
    expect(page.locator("#cld-problems")).to_have_text("12")
    nhs = page.get_by_role("table", name=re.compile(r"^NHS Number missing: 2 rows"))
    ned_row = nhs.get_by_role("row").filter(has_text="P9100002")
    expect(ned_row.get_by_role("link")).to_have_attribute("href", f"/people/{council['ned'].pk}/")
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the return (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "cld-X99-2026-07-01-to-2026-09-30.csv"
    with open(download.path(), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "LA Code" and rows[0][-1] == "Planned units per week"
    assert len(rows) == 8
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="reporting.cld_return").count() == 1
