"""`manage.py cld_extract`: the CSV (columns exactly as the reference, values from the R1 code lists), the
validation report, re-running safely, and refusing bad arguments."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from selfdirect.core.models import AuditEvent
from selfdirect.rules import cld
from tests.reporting.cld_fixtures import small_council

pytestmark = pytest.mark.django_db

# Reference 4.1, in order, as the specification spells them.
REFERENCE_COLUMNS = [
    "LA Code",
    "Reporting Period Start Date",
    "Reporting Period End Date",
    "NHS Number",
    "LA Person Unique Identifier",
    "First Name",
    "Last Name",
    "GP Practice Name",
    "GP Practice Code",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Date of Death",
    "Client Type",
    "Primary Support Reason",
    "Postcode",
    "Accommodation Status",
    "Employment Status",
    "Has Unpaid Carer",
    "Autism Spectrum Disorder (ASD)",
    "Visual Impairment",
    "Hearing Impairment",
    "Dementia",
    "Client Funding Status",
    "Event Type",
    "Event Reference",
    "Event Start Date",
    "Event End Date",
    "Event Description",
    "Event Outcome",
    "Request: Route of Access",
    "Assessment Type",
    "Eligible Needs Identified",
    "Method of Assessment",
    "Total Hrs Caring per week",
    "No. of adults being cared for",
    "Adult 1 Linked Person_ID",
    "Adult 2 Linked Person_ID",
    "Adult 3 Linked Person_ID",
    "Service Type",
    "Service Component",
    "Delivery Mechanism",
    "Provider CQC Location ID",
    "Provider CQC Location Name",
    "Review Reason",
    "Review Outcomes Achieved",
    "Method of Review",
    "Unit Cost",
    "Cost Frequency (Unit Type)",
    "Planned units per week",
]


def run(*args) -> str:
    out = io.StringIO()
    call_command("cld_extract", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def council(settings):
    settings.COUNCIL_LA_CODE = "E08000099"
    return small_council()


def test_writes_the_return(council, tmp_path):
    out = tmp_path / "cld.csv"
    printed = run("--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out))
    assert printed.strip() == f"Wrote 7 rows to {out}"
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert header == REFERENCE_COLUMNS
    assert len(rows) == 7
    assert {r["LA Code"] for r in rows} == {"E08000099"}
    assert [r["Event Type"] for r in rows] == [
        "Request",
        "Request",
        "Assessment",
        "Assessment",
        "Service",
        "Review",
        "",
    ]
    # Values come from the R1 code lists.
    for column, values in [
        ("Event Type", ["Request", "Assessment", "Service", "Review", ""]),
        ("Client Type", cld.CLIENT_TYPES),
        ("Service Type", cld.SERVICE_TYPES + [""]),
        ("Service Component", cld.SERVICE_COMPONENTS + [""]),
        ("Delivery Mechanism", cld.DELIVERY_MECHANISMS + [""]),
        ("Event Outcome", cld.EVENT_OUTCOMES + [""]),
        ("Primary Support Reason", cld.PRIMARY_SUPPORT_REASONS + [""]),
        ("Review Reason", cld.REVIEW_REASONS + [""]),
    ]:
        assert {r[column] for r in rows} <= set(values), column
    service = rows[4]
    assert (service["Unit Cost"], service["Cost Frequency (Unit Type)"], service["Planned units per week"]) == (
        "24.00",
        "Hourly",
        "10.00",
    )
    assert rows[0]["Event Start Date"] == "02/07/2026"
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="reporting.cld_return")
    assert export.object_id == "2026-07-01:2026-09-30"


def test_re_running_replaces_the_file_whole(council, tmp_path):
    out = tmp_path / "cld.csv"
    out.write_text("an older return that was much longer than this one\n" * 1000)
    run("--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out))
    first = out.read_bytes()
    run("--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out))
    assert out.read_bytes() == first
    assert b"older return" not in first
    assert [p.name for p in tmp_path.iterdir()] == ["cld.csv"]  # no temporary file left behind


def test_validate_prints_problems_by_rule_with_the_record(council):
    printed = run("--from", "2026-07-01", "--to", "2026-09-30", "--validate")
    assert "7 rows" in printed
    # Ned: NHS number, employment status, request end date and outcome; the carer by association: NHS number,
    # gender, ethnicity, date of birth, PSR, postcode, accommodation, unpaid-carer flag.
    assert "12 problems under 11 rules" in printed
    assert "nhs_number: NHS Number missing (every row): 2" in printed
    ned_request = council["ned_request"]
    assert f"REQ-{ned_request.pk}  P9100002  /people/{council['ned'].pk}/" in printed
    assert f"REQ-{ned_request.pk}  P9100002  /requests/{ned_request.pk}/" in printed  # its end date and outcome
    assert "employment_status: Employment Status missing" in printed


def test_validate_limit_lists_fewer_but_counts_all(council):
    printed = run("--from", "2026-07-01", "--to", "2026-09-30", "--validate", "--limit", "1")
    assert "nhs_number: NHS Number missing (every row): 2" in printed
    assert "  ... and 1 more" in printed


def test_a_clean_period(council):
    printed = run("--from", "2020-01-01", "--to", "2020-03-31", "--validate")
    assert "No problems" in printed


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-09-30", "--to", "2026-07-01", "--validate"], "--from must be on or before --to"),
        (["--from", "2026-02-30", "--to", "2026-07-01", "--validate"], "--from must be a real date"),
        (["--from", "1/7/2026", "--to", "2026-07-01", "--validate"], "--from must be a real date"),
        (["--from", "2026-07-01", "--to", "2026-09-30"], "Say what to do"),
        (["--from", "2026-07-01", "--to", "2026-09-30", "--out", "/no/such/folder/x.csv"], "does not exist"),
        (["--from", "2026-07-01", "--to", "2026-09-30", "--validate", "--limit", "-1"], "--limit"),
    ],
)
def test_bad_arguments_are_refused(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
