"""The CLD return built from records (selfdirect/reporting/cld_extract.py): the rows of a small council for July to
September 2026, written out by hand, and the validation report over them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from selfdirect.market.selectors import cld_service_event
from selfdirect.planning.models import SupportPlan
from selfdirect.reporting import cld_extract
from selfdirect.reviews.selectors import cld_review_event
from selfdirect.rules import cld_return as R
from tests.factories import PersonFactory
from tests.reporting.cld_fixtures import END, START, at, small_council

pytestmark = pytest.mark.django_db

MARY = {
    "LA Code": "X99",
    "Reporting Period Start Date": "01/07/2026",
    "Reporting Period End Date": "30/09/2026",
    "NHS Number": "9990000018",
    "LA Person Unique Identifier": "P9100001",
    "First Name": "Mary",
    "Last Name": "Smith",
    "GP Practice Name": "Moor Lane Surgery",
    "GP Practice Code": "N81001",
    "Gender": "Female",
    "Ethnicity": "White: Irish",
    "Date of Birth": "14/03/1948",
    "Client Type": "Service User",
    "Primary Support Reason": "Physical Support: Personal care support",
    "Postcode": "NM1 2AB",
    "Accommodation Status": "Owner occupier or shared ownership scheme",
    "Has Unpaid Carer": "Yes",
}
FUNDING = {"Client Funding Status": "Part funded by the council (client contributes)"}


def expected_rows(c) -> list[dict]:
    """Every non-blank cell of the return, by hand."""
    return [
        MARY | FUNDING | {
            "Event Type": "Request", "Event Reference": f"REQ-{c['request'].pk}", "Event Start Date": "02/07/2026",
            "Event End Date": "06/07/2026", "Event Outcome": "Progress to Assessment",
            "Request: Route of Access": "Discharge from Hospital",
        },
        {
            "LA Code": "X99", "Reporting Period Start Date": "01/07/2026", "Reporting Period End Date": "30/09/2026",
            "LA Person Unique Identifier": "P9100002", "First Name": "Ned", "Last Name": "Nonumber",
            "Gender": "Male", "Ethnicity": "No data: Refused", "Date of Birth": "05/05/1990",
            "Client Type": "Service User", "Primary Support Reason": "Learning Disability Support",
            "Postcode": "NM2 3FG", "Accommodation Status": "Tenant", "Has Unpaid Carer": "No",
            "Event Type": "Request", "Event Reference": f"REQ-{c['ned_request'].pk}", "Event Start Date": "01/09/2026",
            "Request: Route of Access": "Community/Other route",
        },
        MARY | {
            "Event Type": "Assessment", "Event Reference": f"ASM-{c['assessment'].pk}",
            "Event Start Date": "07/07/2026", "Event End Date": "20/07/2026",
            "Event Outcome": "Progress to Support Planning / Services", "Assessment Type": "Care Act Needs Assessment",
            "Eligible Needs Identified": "Yes", "Method of Assessment": "Face to Face",
        } | FUNDING,
        MARY | FUNDING | {
            "Event Type": "Assessment", "Event Reference": f"FA-{c['financial'].pk}",
            "Event Start Date": "21/07/2026", "Event End Date": "21/07/2026", "Assessment Type": "Financial Assessment",
        },
        MARY | FUNDING | {
            "Event Type": "Service", "Event Reference": f"SRV-{c['arrangement'].pk}", "Event Start Date": "01/08/2026",
            "Event Outcome": "Provision of service", "Service Type": "Long Term Support: Community",
            "Service Component": "Home Support", "Delivery Mechanism": "CASSR Managed Personal Budget",
            "Provider CQC Location ID": "1-101", "Provider CQC Location Name": "Moorside Home Care",
            "Unit Cost": "24.00", "Cost Frequency (Unit Type)": "Hourly", "Planned units per week": "10.00",
        },
        MARY | FUNDING | {
            "Event Type": "Review", "Event Reference": f"REV-{c['review'].pk}", "Event Start Date": "15/09/2026",
            "Event End Date": "15/09/2026", "Event Outcome": "No change in package", "Review Reason": "Planned",
            "Review Outcomes Achieved": "Fully achieved", "Method of Review": "Face to Face",
        },
        {
            "LA Code": "X99", "Reporting Period Start Date": "01/07/2026", "Reporting Period End Date": "30/09/2026",
            "LA Person Unique Identifier": f"CONTACT-{c['carer'].pk}", "First Name": "Jane", "Last Name": "Smith",
            "Client Type": "Carer known by association", "No. of adults being cared for": "1",
            "Adult 1 Linked Person_ID": "P9100001",
        },
    ]  # fmt: skip


def written(rows) -> list[dict]:
    return [{k: v for k, v in zip(R.COLUMNS, R.csv_values(row.values), strict=True) if v} for row in rows]


@pytest.fixture
def council(settings):
    settings.COUNCIL_LA_CODE = "X99"
    return small_council()


def test_rows_for_the_period(council):
    """One row per event touching July-September (the June request and the October review are left out), then
    Mary's carer known by association. Mary's funding status (from her financial assessment) is on every row of
    hers; Ned has none, and no NHS number."""
    rows = list(cld_extract.CldExtract(start=START, end=END).rows())
    assert written(rows) == expected_rows(council)


def test_service_and_review_rows_agree_with_the_apps_own_cld_events(council):
    """The return's service and review columns are the ones market and reviews already describe."""
    rows = {r.record.kind: r.values for r in cld_extract.CldExtract(start=START, end=END).rows()}
    for kind, event in [
        ("service", cld_service_event(council["arrangement"])),
        ("review", cld_review_event(council["review"])),
    ]:
        for column, value in event.items():
            if column != "Provider CQC Location Name":
                assert rows[kind][column] == (R.format_value(value) or None), column
    assert rows["service"]["Unit Cost"] == "24.00"


def test_a_person_without_an_nhs_number_is_reported_not_dropped(council):
    extract = cld_extract.CldExtract(start=START, end=END)
    report = cld_extract.validate(extract.rows())
    problems = report.examples["nhs_number"]
    references = [p.record.reference for p in problems]
    assert f"REQ-{council['ned_request'].pk}" in references
    ned = next(p for p in problems if p.record.council_id == "P9100002")
    assert ned.url == f"/people/{council['ned'].pk}/"


def test_validation_report_by_rule(council):
    """Ned's open request has no end date, outcome or NHS number; Ned (33, learning disability) has no employment
    status; the carer by association has no NHS number, gender, ethnicity, date of birth, PSR, postcode,
    accommodation or unpaid-carer flag. Mary's rows are complete."""
    report = cld_extract.validate(cld_extract.CldExtract(start=START, end=END).rows())
    assert report.rows == 7
    counts = {name: n for name, n in report.counts.items() if n}
    assert counts == {
        "nhs_number": 2,
        "gender": 1,
        "ethnicity": 1,
        "date_of_birth": 1,
        "primary_support_reason": 1,
        "postcode": 1,
        "accommodation_status": 1,
        "has_unpaid_carer": 1,
        "employment_status": 1,
        "event_end_date": 1,
        "event_outcome": 1,
    }
    end_date = report.examples["event_end_date"][0]
    assert end_date.url == f"/requests/{council['ned_request'].pk}/"
    assert report.by_rule()[0][0].name == "nhs_number"


def test_records_to_fix_link_to_the_page_for_each_kind(council):
    c = council
    urls = {r.record.kind: r.record.event_url() for r in cld_extract.CldExtract(start=START, end=END).rows()}
    assert urls == {
        "request": f"/requests/{c['ned_request'].pk}/",
        "assessment": f"/assessments/{c['assessment'].pk}/",
        "financial_assessment": f"/financial-assessments/{c['financial'].pk}/",
        "service": f"/plans/{c['plan'].pk}/",
        "review": f"/reviews/{c['review'].pk}/",
        "contact": f"/people/{c['mary'].pk}/",
    }


def test_a_period_with_nothing_in_it(council):
    extract = cld_extract.CldExtract(start=START.replace(year=2020), end=END.replace(year=2020))
    out = io.BytesIO()
    assert cld_extract.write_csv(extract, out) == 0
    assert out.getvalue().decode() == ",".join(f'"{c}"' if "," in c else c for c in R.COLUMNS) + "\n"


def test_the_file_is_the_rows_written_out(council):
    """The CSV (on PostgreSQL written by COPY) holds exactly the rows the validation reads, quoting a name with a
    comma and a quote in it, and counts them."""
    from selfdirect.people.models import Person

    Person.objects.filter(pk=council["ned"].pk).update(first_name='Ned "the, second"')
    extract = cld_extract.CldExtract(start=START, end=END)
    out = io.BytesIO()
    assert cld_extract.write_csv(extract, out) == 7
    lines = out.getvalue().decode().splitlines()
    assert lines[2].startswith('X99,01/07/2026,30/09/2026,,P9100002,"Ned ""the, second""",Nonumber,')
    written_rows = list(csv.reader(lines))
    assert written_rows[0] == R.COLUMNS
    assert written_rows[1:] == [R.csv_values(row.values) for row in extract.rows()]


def test_a_carer_s_row_names_the_adults_they_look_after(council):
    """A carer (a person record of their own) assessed for caring for Mary, then Ned, then Mary again: a Carer row
    with two adults, Mary first; the support reason a carer has when none is recorded; no funding status."""
    from selfdirect.assessments.models import Assessment

    carer = PersonFactory(council_id="P9100003", primary_support_reason="")
    for cared_for, day in [(council["mary"], 3), (council["ned"], 10), (council["mary"], 20)]:
        Assessment.objects.create(person=carer, cared_for=cared_for, kind=Assessment.Kind.CARER,
                                  question_bank=council["assessment"].question_bank,
                                  status=Assessment.Status.SIGNED_OFF, assessment_type="Carers Assessment",
                                  started_on=datetime.date(2026, 8, day),
                                  signed_off_at=at(datetime.date(2026, 8, day + 1)))  # fmt: skip
    rows = [r.values for r in cld_extract.CldExtract(start=START, end=END).rows()]
    carers = [r for r in rows if r["LA Person Unique Identifier"] == "P9100003"]
    assert len(carers) == 3
    for row in carers:
        assert row["Client Type"] == "Carer" and row["Primary Support Reason"] == "Social Support: Support to Carer"
        assert row["No. of adults being cared for"] == "2"
        assert (row["Adult 1 Linked Person_ID"], row["Adult 2 Linked Person_ID"]) == ("P9100001", "P9100002")
        assert row["Adult 3 Linked Person_ID"] is None and row["Client Funding Status"] is None
    assert carers[0]["Event Start Date"] == "03/08/2026" and carers[0]["Event End Date"] == "04/08/2026"


def test_reading_is_chunked_with_a_bounded_number_of_queries(council, django_assert_max_num_queries):
    """A handful of queries whatever the number of events: one streamed query per kind of event, and the few
    jointly funded plans."""
    extract = cld_extract.CldExtract(start=START, end=END, chunk=2)
    with django_assert_max_num_queries(12):
        assert sum(1 for _ in extract.rows()) == 7


def test_a_jointly_funded_service_reports_the_councils_cost(council):
    """Mary's £240-a-week plan is 40% funded by the NHS from 1 July: the return's unit cost is the council's 60% of
    £24.00 an hour, £14.40 (the NHS's share is not the council's spending)."""
    from selfdirect.reablement.models import JointFunding

    plan = council["plan"]
    SupportPlan.objects.filter(pk=plan.pk).update(weekly_total=Decimal("240.00"))
    JointFunding.objects.create(plan=plan, person=plan.person, funder="Northmoor ICB", method="percent",
                                percent=Decimal("40"), start_date=START, created_by=plan.created_by)  # fmt: skip
    rows = written(cld_extract.CldExtract(start=START, end=END).rows())
    service = next(r for r in rows if r["Event Type"] == "Service")
    assert service["Unit Cost"] == "14.40"


def test_short_term_support_episodes_are_service_events(council):
    """Mary left hospital on 3 August into six weeks of reablement, which closed on 10 September with no further
    support: a Service event, ST-Max / Reablement, commissioned by the council, ended as planned. An episode still
    open at the end of the period has no end date and is "Provision of service"."""
    from selfdirect.reablement import services as short_term_services
    from selfdirect.rules import short_term
    from tests.reablement.factories import hospital_episode

    mary, worker = council["plan"].person, council["plan"].created_by
    episode = hospital_episode(mary, worker, discharged_on=datetime.date(2026, 8, 3))
    short_term_services.episode_close(episode=episode, actor=worker, sequel=short_term.NO_FURTHER_SUPPORT,
                                      actual_end=datetime.date(2026, 9, 10))  # fmt: skip
    still_open = hospital_episode(mary, worker, discharged_on=datetime.date(2026, 9, 20))
    rows = {r.get("Event Reference"): r for r in written(cld_extract.CldExtract(start=START, end=END).rows())}
    closed = rows[f"STS-{episode.pk}"]
    assert (closed["Event Type"], closed["Event Start Date"], closed["Event End Date"]) == ("Service", "03/08/2026",
                                                                                          "10/09/2026")  # fmt: skip
    assert closed["Service Type"] == "Short Term Support: ST-Max" and closed["Service Component"] == "Reablement"
    assert closed["Delivery Mechanism"] == "CASSR Commissioned Support"
    assert closed["Event Outcome"] == "Service ended as planned"
    ongoing = rows[f"STS-{still_open.pk}"]
    assert "Event End Date" not in ongoing and ongoing["Event Outcome"] == "Provision of service"
