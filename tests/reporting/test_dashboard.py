"""The management dashboards: who may open them, what the tables say for records worked out by hand, filters
(and bad filter input), and CSV/XLSX downloads with exactly the table's rows, audited as exports."""

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.reporting import dashboard_exports
from selfdirect.reporting.dashboard_selectors import SECTIONS

from .dashboard_fixtures import operational_records, requests_and_assessments, small_council

pytestmark = pytest.mark.django_db

ALLOWED = [Role.TEAM_MANAGER, Role.PERFORMANCE_ANALYST, Role.COMMISSIONER]
REFUSED = [r for r in Role if r not in ALLOWED]
DASHBOARDS = [s.slug for s in SECTIONS if not s.is_link]
YEAR_END = {"date_from_0": "1", "date_from_1": "2", "date_from_2": "2026", "date_to_0": "31", "date_to_1": "3",
            "date_to_2": "2026"}  # fmt: skip


@pytest.fixture
def council():
    records = small_council()
    requests_and_assessments(records["people"])
    return records


@pytest.fixture
def analyst(user_of_role, client_as):
    return client_as(user_of_role(Role.PERFORMANCE_ANALYST))


def table_of(response, slug):
    return next(b for b in response.context["blocks"] if b["table"].slug == slug)["table"]


def as_text(rows) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in rows]


@pytest.mark.parametrize("role", ALLOWED)
def test_every_dashboard_opens_for_the_roles_it_is_for(role, council, user_of_role, client_as):
    """The index and every dashboard page render (with a chart image) for managers, analysts, commissioners."""
    client = client_as(user_of_role(role))
    index = client.get("/reporting/")
    assert index.status_code == 200
    for slug in DASHBOARDS:
        assert f"/reporting/dashboard/{slug}/" in index.content.decode()
        response = client.get(f"/reporting/dashboard/{slug}/", YEAR_END)
        assert response.status_code == 200, slug
        assert response.context["blocks"], slug


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(role, user_of_role, client_as):
    client = client_as(user_of_role(role))
    assert client.get("/reporting/").status_code == 403
    assert client.get("/reporting/dashboard/ascof/").status_code == 403
    assert client.get("/reporting/dashboard/ascof/ascof-trend.csv").status_code == 403


def test_ras_equity_is_linked_only_for_roles_that_may_open_it(council, user_of_role, client_as):
    """RAS equity needs the team caseload right: an analyst sees the link, a commissioner does not."""
    analyst = client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get("/reporting/").content.decode()
    commissioner = client_as(user_of_role(Role.COMMISSIONER)).get("/reporting/").content.decode()
    assert "/ras/equity/" in analyst
    assert "/ras/equity/" not in commissioner


def test_unknown_dashboard_or_table_is_404(analyst):
    assert analyst.get("/reporting/dashboard/nothing/").status_code == 404
    assert analyst.get("/reporting/dashboard/ascof/nothing.csv").status_code == 404


def test_ascof_dashboard_figures(council, analyst):
    """Month ends February and March 2026: 1a 66.7% then 60.0%, 2a 50.0% then 40.0%; by group on 31 March:
    65+ 75.0% / 50.0%, 18-64 0.0% / 0.0%. The page names no person."""
    response = analyst.get("/reporting/dashboard/ascof/", YEAR_END)
    trend = as_text(table_of(response, "ascof-trend").rows)
    assert [row[:6] for row in trend] == [
        ["28 Feb 2026", "66.7", "50.0", "4", "3", "6"],
        ["31 Mar 2026", "60.0", "40.0", "3", "2", "5"],
    ]
    groups = {(r[0], r[1]): r[2:] for r in as_text(table_of(response, "ascof-groups").rows)}
    assert groups[("Age band", "65+")] == ["75.0", "50.0", "4"]
    assert groups[("Age band", "18-64")] == ["0.0", "0.0", "1"]
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    for person in council["people"].values():
        assert f"{person.first_name} {person.last_name}" not in html
        assert person.council_id not in html


def test_filter_by_age_band(council, analyst):
    """65+ only: 31 March 1a = 3/4 = 75.0%."""
    response = analyst.get("/reporting/dashboard/ascof/", YEAR_END | {"age_band": "65+"})
    assert as_text(table_of(response, "ascof-trend").rows)[-1][:6] == ["31 Mar 2026", "75.0", "50.0", "3", "2", "4"]


def test_filter_by_team_and_reason(council, analyst):
    """South (Eve, learning disability): 0 of 1 on self-directed support."""
    query = YEAR_END | {"team": council["south"].pk, "primary_support_reason": "Learning Disability Support"}
    response = analyst.get("/reporting/dashboard/ascof/", query)
    assert as_text(table_of(response, "ascof-trend").rows)[-1][:6] == ["31 Mar 2026", "0.0", "0.0", "0", "0", "1"]


def test_waiting_times(council, analyst):
    """January: two requests assessed after 10 and 20 days (median and average 15.0); February: one open
    request waiting, the closed one not counted."""
    response = analyst.get("/reporting/dashboard/waiting-times/", YEAR_END | {"date_from_1": "1"})
    rows = {r[0]: r[1:] for r in as_text(table_of(response, "request-to-assessment").rows)}
    assert rows["Jan 2026"] == ["15.0", "15.0", "2", "0"]
    assert rows["Feb 2026"] == ["", "", "0", "1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from_0": "32", "date_from_1": "1", "date_from_2": "2026"}, "From must be a real date"),
        ({"date_to_0": "1", "date_to_1": "1", "date_to_2": "2020"}, "must be the same as or after the date from"),
        ({"team": "abc"}, "Choose a team from the list"),
        ({"age_band": "under 18"}, "Choose an age band from the list"),
        ({"primary_support_reason": "<script>"}, "Choose a primary support reason from the list"),
        ({"date_from_0": "1", "date_from_1": "1", "date_from_2": "2010", "date_to_0": "1", "date_to_1": "1",
          "date_to_2": "2026"}, "60 months or less"),
    ],
)  # fmt: skip
def test_bad_filters_show_an_error_summary(council, analyst, query, message):
    """Nonsense in the filters: the page with an error summary, no tables, never a server error; the download
    links give the same page rather than a file."""
    for url in ("/reporting/dashboard/ascof/", "/reporting/dashboard/ascof/ascof-trend.csv"):
        response = analyst.get(url, query)
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html and message in html
        assert response.context["blocks"] is None


@pytest.mark.parametrize("slug", DASHBOARDS)
def test_downloads_have_the_rows_of_the_table(council, analyst, slug):
    """Every table of every dashboard: the CSV and the XLSX have the table's header and rows, and each download
    is an audited export."""
    page = analyst.get(f"/reporting/dashboard/{slug}/", YEAR_END)
    for block in page.context["blocks"]:
        table = block["table"]
        expected = [[c.label for c in table.columns]] + as_text(dashboard_exports.rows(table))
        before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
        response = analyst.get(f"/reporting/dashboard/{slug}/{table.slug}.csv", YEAR_END)
        assert response["Content-Type"].startswith("text/csv")
        assert list(csv.reader(io.StringIO(response.content.decode()))) == expected
        response = analyst.get(f"/reporting/dashboard/{slug}/{table.slug}.xlsx", YEAR_END)
        sheet = load_workbook(io.BytesIO(response.content)).active
        got = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        assert [[_value(v) for v in row] for row in as_text(got)] == [[_value(v) for v in row] for row in expected]
        assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 2


def _value(text: str):
    """A cell compared by value: a spreadsheet keeps 50.0 as the number 50."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def test_the_csv_of_a_filtered_table(council, analyst):
    """The CSV follows the filters: 65+ only, last month end 3 of 4."""
    response = analyst.get("/reporting/dashboard/ascof/ascof-trend.csv", YEAR_END | {"age_band": "65+"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[-1][:6] == ["31 Mar 2026", "75.0", "50.0", "3", "2", "4"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")
    assert "aged 65+" in event.summary and event.object_type == "reporting.dashboard"


def test_formula_text_is_neutralised():
    """A team called "=SUM(A1)" goes into a spreadsheet as text."""
    assert dashboard_exports.cell("=SUM(A1)") == "'=SUM(A1)"
    assert dashboard_exports.cell("North") == "North"


@pytest.fixture
def busy_council(council):
    return council | operational_records(council, today=timezone.localdate())


def test_reviews_dashboard(busy_council, analyst):
    """North: 2 overdue, 1 due soon, longest 400 days, 8 plans never reviewed; South: 1 overdue (5 days), 1 plan.
    By length: 1 to 30 days 1 (Eve), 31 to 90 days 1 (Ann), more than 365 days 1 (Bob)."""
    response = analyst.get("/reporting/dashboard/reviews/")
    assert as_text(table_of(response, "reviews-by-team").rows) == [
        ["North", "2", "1", "400", "8"],
        ["South", "1", "0", "5", "1"],
    ]
    assert as_text(table_of(response, "reviews-overdue-by-length").rows) == [
        ["1 to 30 days", "1"],
        ["31 to 90 days", "1"],
        ["91 to 180 days", "0"],
        ["181 to 365 days", "0"],
        ["More than 365 days", "1"],
    ]
    south = analyst.get("/reporting/dashboard/reviews/", {"team": busy_council["south"].pk})
    assert as_text(table_of(south, "reviews-by-team").rows) == [["South", "1", "0", "5", "1"]]


def test_pa_checks_dashboard(busy_council, analyst):
    """Lapsed: PA 1's right to work (PA 2's old training is replaced; PA 3 is inactive). Next month: PA 1's
    training. Columns: DBS, reference, right to work, training, all."""
    response = analyst.get("/reporting/dashboard/pa-checks/")
    rows = {r[0]: r[1:] for r in as_text(table_of(response, "pa-check-expiries").rows)}
    assert rows["Already lapsed"] == ["0", "0", "1", "0", "1"]
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).strftime("%b %Y")
    assert rows[next_month] == ["0", "0", "0", "1", "1"]
    assert len(rows) == 7


def test_direct_payments_dashboard(busy_council, analyst):
    """February 2026: surplus £1,234.50; one surplus and one no-PA-wages finding; one resolved, one open."""
    response = analyst.get("/reporting/dashboard/direct-payments/", YEAR_END)
    table = table_of(response, "dp-findings")
    rows = {r[0]: r[1:] for r in as_text(table.rows)}
    labels = [c.label for c in table.columns]
    february = dict(zip(labels[1:], rows["Feb 2026"], strict=True))
    assert february["Surplus above the limit (£)"] == "1234.50"
    assert february["Balance above the council's limit"] == "1"
    assert february["No PA wages for four weeks"] == "1"
    assert (february["Resolved"], february["Still open"]) == ("1", "1")
    assert rows["Mar 2026"][0] == "0.00"
    # Eve's team has no direct payments.
    south = analyst.get("/reporting/dashboard/direct-payments/", YEAR_END | {"team": busy_council["south"].pk})
    assert as_text(table_of(south, "dp-findings").rows)[0][1] == "0.00"


def test_planning_organisations_dashboard(busy_council, analyst):
    """An organisation taking 4 a month with no referrals: nothing taken, no queue, a new referral starts now."""
    response = analyst.get("/reporting/dashboard/planning-organisations/")
    assert as_text(table_of(response, "planning-organisations").rows) == [
        ["Moorside Planning Together", "4", "0", "0", "0", "", "0"]
    ]


@pytest.mark.parametrize("slug", DASHBOARDS)
def test_downloads_of_a_busy_council(busy_council, analyst, slug):
    """With every kind of record present, each table's CSV still has exactly the table's rows."""
    page = analyst.get(f"/reporting/dashboard/{slug}/", YEAR_END)
    for block in page.context["blocks"]:
        table = block["table"]
        response = analyst.get(f"/reporting/dashboard/{slug}/{table.slug}.csv", YEAR_END)
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[1:] == as_text(dashboard_exports.rows(table))


def test_a_new_section_is_one_entry(monkeypatch, analyst):
    """Adding a dashboard (reablement, issue 11) is one more Section in SECTIONS: it is listed on the index and
    its page, table and downloads work with nothing else."""
    from selfdirect.reporting import dashboard_selectors as ds

    def tables(filters):
        return [ds.Table("followed-up", "Reablement followed up", [ds.Column("Month"), ds.Column("People", True)],
                         rows=[["Jan 2026", 4]], chart=ds.Chart("bar", 0, (1,)))]  # fmt: skip

    monkeypatch.setattr(ds, "SECTIONS", [*ds.SECTIONS, ds.Section("reablement", "Reablement", "Short-term", tables)])
    assert "/reporting/dashboard/reablement/" in analyst.get("/reporting/").content.decode()
    page = analyst.get("/reporting/dashboard/reablement/")
    assert as_text(table_of(page, "followed-up").rows) == [["Jan 2026", "4"]]
    csv_rows = list(
        csv.reader(io.StringIO(analyst.get("/reporting/dashboard/reablement/followed-up.csv").content.decode()))
    )
    assert csv_rows == [["Month", "People"], ["Jan 2026", "4"]]


def test_names_in_charts_are_escaped(council, analyst):
    """A team name with markup is text in the SVG and the table, never markup."""
    council["north"].name = '<script>alert("x")</script>'
    council["north"].save()
    html = analyst.get("/reporting/dashboard/ascof/", YEAR_END).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
