"""Provider invoices: importing a CSV (atomic, line-numbered, idempotent), checking each line against the person's
commitment at the rate in force that day with the variance explained, a finance officer's decision on a variance,
the pages, and the invoice_import command.

The provider's home support rate rises from £23.92 to £24.85 an hour on Wednesday 1 April 2026."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Rate
from selfdirect.payments import commitments as svc
from selfdirect.payments.commitments import InvoiceImportError
from selfdirect.payments.models import InvoiceLine, ProviderInvoice
from tests.factories import PersonFactory
from tests.market.factories import ProviderFactory
from tests.payments.test_commitments import LAST_APRIL, THIS_APRIL, commitment_for, provider_with_rates

pytestmark = pytest.mark.django_db
D = Decimal
M = InvoiceLine.Match
FIXTURES = Path(__file__).resolve().parents[2] / "selfdirect" / "payments" / "fixtures" / "invoices"
HEADER = "Invoice reference,Person,Service date,Units,Amount\n"


@pytest.fixture
def finance(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Ruth", last_name="Evans")


@pytest.fixture
def provider():
    return provider_with_rates()


@pytest.fixture
def mary():
    return PersonFactory(first_name="Mary", last_name="Smith", council_id="P9000001")


@pytest.fixture
def john():
    return PersonFactory(first_name="John", last_name="Brown", council_id="P9000002")


@pytest.fixture
def commitment(mary, provider, finance):
    """Mary's commitment with the provider: 1.5 hours of home support, 7 times a week, from 2 March 2026."""
    return commitment_for(mary, provider, finance)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def run(provider, finance, data: bytes, filename="invoice.csv", **kwargs):
    return svc.invoice_import(provider=provider, actor=finance, data=data, filename=filename, **kwargs)


def lines(invoice=None) -> list[InvoiceLine]:
    found = InvoiceLine.objects.order_by("invoice_id", "line_number")
    return list(found.filter(invoice=invoice) if invoice else found)


# --------------------------------------------------------------------------------------------------
# Matching and explaining
# --------------------------------------------------------------------------------------------------


def test_the_example_file_is_checked_day_by_day(provider, finance, commitment, john):
    """The example invoice (fixtures/invoices/generic.csv): Monday and Tuesday at £23.92, Wednesday 1 April
    onwards at £24.85, all as planned; Thursday billed 2 hours where the plan has 1.5 (a variance, explained);
    a line for someone with no commitment with this provider (unmatched). Totals claimed and expected are kept."""
    result = run(provider, finance, (FIXTURES / "generic.csv").read_bytes(), filename="generic.csv")
    assert not result.already_imported and result.counts == {"matched": 4, "variance": 1, "unmatched": 1}
    (invoice,) = result.invoices
    assert (invoice.reference, invoice.period_start, invoice.period_end) == (
        "MHC-2026-0412",
        datetime.date(2026, 3, 30),
        datetime.date(2026, 4, 3),
    )
    got = [(x.line_number, x.match, x.amount_claimed, x.amount_expected) for x in lines(invoice)]
    assert got == [
        (2, M.MATCHED, D("35.88"), D("35.88")),
        (3, M.MATCHED, D("35.88"), D("35.88")),
        (4, M.MATCHED, D("37.28"), D("37.28")),  # 1.5 x £24.85 = £37.275, half up
        (5, M.VARIANCE, D("49.70"), D("37.28")),
        (6, M.MATCHED, D("37.28"), D("37.28")),
        (7, M.UNMATCHED, D("24.85"), D("0.00")),
    ]
    assert invoice.total_claimed == D("220.87") and invoice.total_expected == D("183.60")
    thursday, stranger = lines(invoice)[3], lines(invoice)[5]
    assert thursday.explanation == (
        "Billed 2.0 hours at £24.85 = £49.70; expected 1.5 hours at £24.85 (rate from 1 April 2026) = £37.28. "
        "The plan has 1.5 hours each time. £12.42 more than expected."
    )
    assert (thursday.commitment, thursday.units_expected) == (commitment, D("1.50"))
    assert lines(invoice)[0].explanation == "Billed as expected: 1.5 hours at £23.92 (rate from 1 April 2025) = £35.88."
    assert stranger.person == john and stranger.commitment is None
    assert stranger.explanation.startswith(
        f"No commitment with {provider} covers 3 April 2026 for P9000002. They have no commitment with this provider."
    )
    assert AuditEvent.objects.filter(object_type="payments.providerinvoice", object_id=str(invoice.pk)).exists()


def test_the_briefs_example_variance(provider, finance, commitment):
    """Billing 2 hours at £24.00 on a day the rate is £23.92 and the plan has 1.5 hours: the explanation gives
    both sums."""
    run(provider, finance, csv_bytes("INV-1,P9000001,17/03/2026,2,48.00"))
    (line,) = lines()
    assert line.match == M.VARIANCE
    assert line.explanation.startswith(
        "Billed 2.0 hours at £24.00 = £48.00; expected 1.5 hours at £23.92 (rate from 1 April 2025) = £35.88."
    )


def test_a_rise_applied_too_early_is_explained(provider, finance, commitment):
    """The provider billed the new rate on the Monday and Tuesday before the rise on Wednesday 1 April: each of
    those days differs, and the explanation says which rate applies that day."""
    run(provider, finance, csv_bytes(*(f"INV-2,P9000001,{d}/03/2026,1.5,37.28" for d in (30, 31))))
    monday, tuesday = lines()
    assert monday.match == tuesday.match == M.VARIANCE
    assert monday.amount_expected == D("35.88")
    assert (
        "£24.85 is the rate from 1 April 2026; on Monday 30 March 2026 the rate from 1 April 2025 applies (£23.92)."
        in monday.explanation
    )


def test_the_price_billed_is_the_rate_that_gives_the_amount(provider, finance, commitment):
    """Half an hour at £24.85 is £12.425, billed as £12.43: the explanation names £24.85, not £12.43 / 0.5."""
    run(provider, finance, csv_bytes("INV-4,P9000001,27/03/2026,0.5,12.43"))
    (friday,) = lines()
    assert friday.explanation.startswith(
        "Billed 0.5 hours at £24.85 = £12.43; expected 0.5 hours at £23.92 (rate from 1 April 2025) = £11.96. "
        "£24.85 is the rate from 1 April 2026; on Friday 27 March 2026"
    )


def test_a_weekly_rate_that_changes_mid_week_bills_each_day_at_its_own_rate(finance, mary):
    """A weekly service (£700 a week, £770 from Wednesday 1 April) billed for the week from Monday 30 March at
    £770: expected 2 days at £700/7 and 5 at £770/7 = £750.00."""
    shared_lives = provider_with_rates(
        name="Dales Shared Lives",
        component="Shared Lives",
        unit_type="Weekly",
        rates=[(LAST_APRIL, "700.00"), (THIS_APRIL, "770.00")],
    )
    commitment_for(mary, shared_lives, finance, service_component="Shared Lives", unit_type="Weekly",
                   units=D("1"), per_week=D("1"), unit_rate=D("700.00"), weekly_cost=D("700.00"))  # fmt: skip
    run(shared_lives, finance, csv_bytes("SL-1,P9000001,30/03/2026,1,770.00", "SL-1,P9000001,06/04/2026,1,770.00"))
    week_of_change, next_week = lines()
    assert (week_of_change.match, week_of_change.amount_expected) == (M.VARIANCE, D("750.00"))
    assert week_of_change.explanation.startswith(
        "Billed 1.0 week at £770.00 = £770.00; expected 1.0 week from 30 March 2026: 2 days at £700.00 a week "
        "(rate from 1 April 2025) and 5 days at £770.00 a week (rate from 1 April 2026) = £750.00."
    )
    assert (next_week.match, next_week.amount_expected) == (M.MATCHED, D("770.00"))


def test_without_a_provider_rate_the_council_rate_applies(finance, mary):
    """A provider with no rate of its own for the service is checked at the council's standard rate that day."""
    Rate.objects.create(
        service_component="Home Support", unit_type="Hourly", amount=D("23.92"), effective_from=LAST_APRIL
    )
    agency = ProviderFactory(name="Northmoor Care")
    commitment_for(mary, agency, finance)
    run(agency, finance, csv_bytes("NC-1,P9000001,17/03/2026,1.5,36.00"))
    (line,) = lines()
    assert line.amount_expected == D("35.88")
    assert "expected 1.5 hours at £23.92 (council rate from 1 April 2025) = £35.88" in line.explanation


def test_with_no_market_rate_the_rate_agreed_in_the_plan_applies(finance, mary):
    agency = ProviderFactory(name="Northmoor Care")
    commitment_for(mary, agency, finance, unit_rate=D("21.50"))
    run(agency, finance, csv_bytes("NC-1,P9000001,17/03/2026,1.5,32.25"))
    (line,) = lines()
    assert line.match == M.MATCHED
    assert "(the rate agreed in the plan)" in line.explanation


def test_more_visits_than_the_week_plans_are_not_expected(provider, finance, mary):
    """The plan has 1.5 hours twice a week: a third visit in the same week (Monday to Sunday) expects nothing, and
    a later invoice for the same week counts the earlier one's lines."""
    commitment_for(mary, provider, finance, per_week=D("2"))
    run(provider, finance, csv_bytes(*(f"A-1,P9000001,{d}/03/2026,1.5,35.88" for d in (16, 17))))
    run(provider, finance, csv_bytes("A-2,P9000001,18/03/2026,1.5,35.88", "A-2,P9000001,23/03/2026,1.5,35.88"))
    got = [(x.service_date.day, x.match, x.amount_expected, x.units_expected) for x in lines()]
    assert got == [
        (16, M.MATCHED, D("35.88"), D("1.50")),
        (17, M.MATCHED, D("35.88"), D("1.50")),
        (18, M.VARIANCE, D("0.00"), D("0.00")),
        (23, M.MATCHED, D("35.88"), D("1.50")),  # the next week
    ]
    assert (
        "The plan has 3.0 hours a week and 3.0 hours were already billed for the week beginning 16 March 2026."
        in lines()[2].explanation
    )


def test_days_outside_the_commitment_are_unmatched(provider, finance, commitment):
    """Before the commitment started, or after it ended, a line has no commitment; the explanation says when the
    person's commitments with this provider run."""
    svc.commitment_end(commitment=commitment, actor=finance, end_date=datetime.date(2026, 3, 31), reason="Moved")
    run(provider, finance, csv_bytes("B-1,P9000001,27/02/2026,1.5,35.88", "B-1,P9000001,31/03/2026,1.5,35.88",
                                     "B-1,P9000001,01/04/2026,1.5,37.28"))  # fmt: skip
    assert [x.match for x in lines()] == [M.UNMATCHED, M.MATCHED, M.UNMATCHED]
    assert "Their commitments with this provider run 2 March 2026 to 31 March 2026." in lines()[2].explanation


def test_two_commitments_with_one_provider_each_line_finds_its_own(provider, finance, mary):
    """A morning call (1 hour) and a teatime call (half an hour) with the same agency: each line is matched to the
    commitment it fits."""
    morning = commitment_for(mary, provider, finance, units=D("1"))
    teatime = commitment_for(mary, provider, finance, units=D("0.5"))
    run(provider, finance, csv_bytes("C-1,P9000001,17/03/2026,1,23.92", "C-1,P9000001,17/03/2026,0.5,11.96"))
    assert [(x.commitment, x.match) for x in lines()] == [(morning, M.MATCHED), (teatime, M.MATCHED)]


# --------------------------------------------------------------------------------------------------
# Importing: idempotent, atomic, line-numbered
# --------------------------------------------------------------------------------------------------


def test_the_same_file_again_adds_nothing(provider, finance, commitment, john):
    data = (FIXTURES / "generic.csv").read_bytes()
    run(provider, finance, data)
    again = run(provider, finance, data)
    assert again.already_imported and "already imported" in again.summary() and "nothing was added" in again.summary()
    assert ProviderInvoice.objects.count() == 1 and InvoiceLine.objects.count() == 6


def test_an_invoice_reference_is_used_once(provider, finance, commitment):
    """Another file with an invoice reference the provider has already sent is refused, naming the line."""
    run(provider, finance, csv_bytes("INV-9,P9000001,17/03/2026,1.5,35.88"))
    with pytest.raises(InvoiceImportError) as raised:
        run(provider, finance, csv_bytes("INV-10,P9000001,18/03/2026,1.5,35.88", "INV-9,P9000001,19/03/2026,1.5,35.88"))
    assert raised.value.errors[0].startswith("Line 3: invoice INV-9 from Moorside Home Care was already imported")
    assert ProviderInvoice.objects.count() == 1 and InvoiceLine.objects.count() == 1


def test_the_same_reference_from_another_provider_is_fine(provider, finance, commitment):
    other = ProviderFactory()
    run(provider, finance, csv_bytes("INV-1,P9000001,17/03/2026,1.5,35.88"))
    run(other, finance, csv_bytes("INV-1,P9000001,17/03/2026,1.5,35.88", "INV-1,P9000001,18/03/2026,1.5,35.88"))
    assert ProviderInvoice.objects.count() == 2


def test_a_provider_s_own_headers_separators_and_money_format(provider, finance, commitment):
    """fixtures/invoices/provider_headers.csv: 'Inv No', 'Client ID', 'Date of visit', 'Hrs', 'Charge (£)',
    semicolons and "£37.28": all understood."""
    result = run(provider, finance, (FIXTURES / "provider_headers.csv").read_bytes())
    assert result.counts == {"matched": 3, "variance": 0, "unmatched": 0}
    assert result.invoices[0].reference == "NCS/7781"


def test_a_file_can_hold_several_invoices_and_name_its_own_columns(provider, finance, commitment):
    """Columns this provider names its own way can be given; each invoice reference becomes an invoice."""
    data = csv_bytes(
        "X1|P9000001|17/03/2026|1.5|35.88", "X2|P9000001|18/03/2026|1.5|35.88", header="Doc|Resident|Day|Hrs|Net\n"
    ).replace(b"|", b",")
    result = run(
        provider,
        finance,
        data,
        columns={"reference": "Doc", "person": "Resident", "service_date": "Day", "amount": "Net"},
    )
    assert sorted(i.reference for i in result.invoices) == ["X1", "X2"]


def test_amounts_with_pounds_commas_and_another_encoding(provider, finance, commitment):
    """'£1,234.50' and ' 35.88 ' are amounts; a file saved from Excel in Windows-1252 (£ is one byte) reads."""
    data = (HEADER + 'INV-3,P9000001,17/03/2026,1.5,"£1,234.50"\nINV-3,p9000001,2026-03-18,1.5, 35.88 \n').encode(
        "cp1252"
    )
    run(provider, finance, data)
    assert [x.amount_claimed for x in lines()] == [D("1234.50"), D("35.88")]
    assert lines()[1].match == M.MATCHED


BAD = [
    ("INV,P9000001,31/02/2026,1.5,35.88", "Line 2: '31/02/2026' is not a real date"),
    ("INV,P9000001,next Tuesday,1.5,35.88", "Line 2: 'next Tuesday' is not a date: use day/month/year"),
    ("INV,P9000001,,1.5,35.88", "Line 2: enter the service date"),
    ("INV,P9000001,17/03/2099,1.5,35.88", "Line 2: 17 March 2099 is in the future"),
    ("INV,P0000000,17/03/2026,1.5,35.88", "Line 2: there is no person with the council person ID P0000000"),
    ("INV,P9000001,17/03/2026,-1.5,35.88", "Line 2: the units cannot be negative (-1.5)"),
    ("INV,P9000001,17/03/2026,1.555,35.88", "Line 2: the units must have no more than 2 decimal places"),
    ("INV,P9000001,17/03/2026,lots,35.88", "Line 2: the units 'lots' is not a number"),
    ("INV,P9000001,17/03/2026,1.5,-35.88", "Line 2: the amount cannot be negative"),
    ("INV,P9000001,17/03/2026,1.5,(35.88)", "Line 2: the amount cannot be negative"),
    ("INV,P9000001,17/03/2026,1.5,thirty", "Line 2: the amount 'thirty' is not a number"),
    ("INV,P9000001,17/03/2026,1.5,35.885", "Line 2: the amount must have no more than 2 decimal places"),
    ("INV,P9000001,17/03/2026,1.5,99999999999", "Line 2: the amount (99999999999) is too large"),
    (",,17/03/2026,1.5,35.88", "Line 2: enter the invoice reference; enter the council person ID"),
    ("INV,P9000001,17/03/2026,1.5,35.88,extra", "Line 2: there are more values than the first line has columns"),
    ("INV,P9000001,17/03/2026", "Line 2: the units: enter"),
]


@pytest.mark.parametrize(("row", "message"), BAD)
def test_bad_lines_are_reported_by_line_and_nothing_is_imported(provider, finance, commitment, row, message):
    """A good line and a bad one: the report names the bad line, and nothing at all is imported."""
    data = csv_bytes(row, "INV,P9000001,18/03/2026,1.5,35.88")
    with pytest.raises(InvoiceImportError) as raised:
        run(provider, finance, data)
    if message.endswith("enter"):
        assert raised.value.errors[0] == "Line 2: enter the units; enter the amount"
    else:
        assert raised.value.errors[0].startswith(message), raised.value.errors
    assert len(raised.value.errors) == 1
    assert not ProviderInvoice.objects.exists() and not InvoiceLine.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n\n", "The file is empty"),
        (
            b"Invoice reference,Person,Units,Amount\nINV,P9000001,1.5,35.88\n",
            "Line 1: there is no column for the service date",
        ),
        (HEADER.encode(), "The file has a header line but no invoice lines"),
        (b"\x00\x01\x02PK\x03\x04 binary", "The file is not a CSV text file we can read"),
        (b"\xff\xfe\x00\xd8", "The file is not a CSV text file we can read"),
        (b"INV,P9000001,17/03/2026,1.5,35.88\n", "Line 1: there is no column for the invoice reference"),
    ],
)
def test_files_that_are_not_invoices_are_refused(provider, finance, data, message):
    with pytest.raises(InvoiceImportError) as raised:
        run(provider, finance, data)
    assert raised.value.errors[0].startswith(message), raised.value.errors
    assert not ProviderInvoice.objects.exists()


def test_a_column_that_could_be_two_things_is_refused(provider, finance):
    with pytest.raises(InvoiceImportError) as raised:
        run(provider, finance, csv_bytes("1,P9000001,17/03/2026,1.5", header="Invoice,Person,Date,Total\n"),
            columns={"units": "Total"})  # fmt: skip
    assert "could be the units or the amount" in " ".join(raised.value.errors)


def test_many_problems_are_all_listed_up_to_a_limit(provider, finance, commitment):
    data = csv_bytes(*("INV,P9000001,31/02/2026,1.5,35.88" for _ in range(150)))
    with pytest.raises(InvoiceImportError) as raised:
        run(provider, finance, data)
    assert len(raised.value.errors) == 101 and raised.value.errors[-1] == "... and 50 more"
    assert raised.value.message == "The file has 150 problems, so nothing was imported"


# --------------------------------------------------------------------------------------------------
# Deciding on a variance
# --------------------------------------------------------------------------------------------------


def test_a_finance_officer_records_a_decision_on_a_variance(provider, finance, commitment, john):
    """Accepting the expected amount for the Thursday variance and querying the unmatched line: each is audited
    (old -> new), the invoice's agreed-to-pay total follows, and matched lines have nothing to decide."""
    run(provider, finance, (FIXTURES / "generic.csv").read_bytes())
    invoice = ProviderInvoice.objects.get()
    thursday, stranger = lines()[3], lines()[5]
    totals = svc.invoice_totals(invoice)
    assert (totals.matched, totals.variance, totals.unmatched, totals.to_check) == (4, 1, 1, 2)
    assert totals.agreed == D("146.32") and totals.difference == D("37.27")
    svc.invoice_line_resolve(line=thursday, actor=finance, resolution="pay_expected", note="Plan says 1.5 hours")
    svc.invoice_line_resolve(line=stranger, actor=finance, resolution="queried", note="Asked the agency who John is")
    totals = svc.invoice_totals(invoice)
    assert totals.agreed == D("183.60") and totals.to_check == 1
    event = AuditEvent.objects.get(object_type="payments.invoiceline", object_id=str(thursday.pk))
    assert event.changes == {"resolution": ["", "pay_expected"], "resolution_note": ["", "Plan says 1.5 hours"]}
    assert event.person_id == thursday.person_id
    svc.invoice_line_resolve(line=stranger, actor=finance, resolution="pay_claimed", note="A visit covering a gap")
    assert svc.invoice_totals(invoice).agreed == D("208.45") and svc.invoice_totals(invoice).to_check == 0
    with pytest.raises(DomainError, match="nothing to decide"):
        svc.invoice_line_resolve(line=lines()[0], actor=finance, resolution="pay_claimed", note="Fine")
    with pytest.raises(DomainError, match="Enter why"):
        svc.invoice_line_resolve(line=thursday, actor=finance, resolution="pay_claimed", note="  ")
    with pytest.raises(DomainError, match="Choose"):
        svc.invoice_line_resolve(line=thursday, actor=finance, resolution="shrug", note="Why not")


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def upload(client, provider, data: bytes, name="invoice.csv"):
    return client.post(
        reverse("invoice_import", args=[provider.pk]), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_importing_through_the_page_and_reading_the_invoice(client_as, provider, finance, commitment, john):
    """Upload the example file: to the invoice page with claimed against expected and each line's explanation;
    uploading it again says it is already imported and adds nothing."""
    client = client_as(finance)
    assert client.get(reverse("invoice_import", args=[provider.pk])).status_code == 200
    data = (FIXTURES / "generic.csv").read_bytes()
    response = upload(client, provider, data, "generic.csv")
    invoice = ProviderInvoice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("invoice_detail", args=[invoice.pk])
    page = client.get(response["Location"]).content.decode()
    for text in ("Invoice MHC-2026-0412", "£220.87", "£183.60", "£37.27 more than expected",
                 "The plan has 1.5 hours", "4 as planned, 1 differ from the plan, 1 with no commitment",
                 "Record a decision", "Mary Smith"):  # fmt: skip
        assert text in page, text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="payments.providerinvoice", object_id=str(invoice.pk)
    ).exists()
    response = upload(client, provider, data, "generic.csv")
    page = client.get(response["Location"]).content.decode()
    assert "already imported" in page and InvoiceLine.objects.count() == 6
    page = client.get(reverse("invoice_list")).content.decode()
    assert "MHC-2026-0412" in page and "2 of 6" in page


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Select the invoice CSV file"),
        (
            {"file": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4", "application/pdf")},
            "The selected file must be a CSV",
        ),
        ({"file": SimpleUploadedFile("invoice.csv", b"", "text/csv")}, "The selected file is empty"),
        ({"file": SimpleUploadedFile("invoice.csv", b"\x00\x00garbage", "text/csv")}, "nothing was imported"),
    ],
)
def test_bad_uploads_show_the_error_summary(client_as, provider, finance, files, message):
    response = client_as(finance).post(reverse("invoice_import", args=[provider.pk]), files)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and message in page


def test_a_bad_file_lists_each_problem_on_the_page(client_as, provider, finance, commitment):
    response = upload(
        client_as(finance), provider, csv_bytes("INV,P9000001,31/02/2026,1.5,35.88", "INV,NOBODY,17/03/2026,1,2")
    )
    page = response.content.decode()
    assert "The file has 2 problems, so nothing was imported" in page
    assert "Line 2: &#x27;31/02/2026&#x27; is not a real date" in page
    assert "Line 3: there is no person with the council person ID NOBODY" in page
    assert not ProviderInvoice.objects.exists()


def test_recording_a_decision_through_the_page(client_as, provider, finance, commitment, john):
    run(provider, finance, (FIXTURES / "generic.csv").read_bytes())
    invoice = ProviderInvoice.objects.get()
    thursday, matched = lines()[3], lines()[0]
    client = client_as(finance)
    url = reverse("invoice_line_resolve", args=[invoice.pk, thursday.pk])
    page = client.get(url).content.decode()
    assert "The plan has 1.5 hours each time" in page
    response = client.post(url, {"resolution": "pay_expected", "note": ""})
    assert "There is a problem" in response.content.decode() and "Enter why" in response.content.decode()
    response = client.post(url, {"resolution": "nonsense", "note": "x"})
    assert "Choose an option" in response.content.decode()
    response = client.post(url, {"resolution": "pay_expected", "note": "The plan says 1.5 hours"})
    assert response.status_code == 302
    thursday.refresh_from_db()
    assert (thursday.resolution, thursday.resolved_by) == ("pay_expected", finance)
    assert client.get(reverse("invoice_line_resolve", args=[invoice.pk, matched.pk])).status_code == 404
    other = ProviderInvoice.objects.create(provider=provider, reference="Z", period_start=datetime.date(2026, 1, 1),
                                           period_end=datetime.date(2026, 1, 1), filename="z.csv", sha256="0",
                                           imported_by=finance)  # fmt: skip
    assert client.get(reverse("invoice_line_resolve", args=[other.pk, thursday.pk])).status_code == 404
    page = client.get(reverse("person_commitments", args=[thursday.person_id])).content.decode()
    assert "MHC-2026-0412" in page and "Pay the expected amount only" in page


# --------------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------------


def test_the_command_imports_with_a_progress_bar(provider, finance, commitment, john, capsys):
    call_command("invoice_import", str(FIXTURES / "generic.csv"), provider=provider.pk, user=finance.username)
    out, err = capsys.readouterr()
    assert "Imported invoice MHC-2026-0412: 6 lines, 4 as expected, 1 with a variance, 1 with no commitment" in out
    assert "£220.87 billed, £183.60 expected" in out
    assert "Checking generic.csv" in err and "100%" in err
    call_command("invoice_import", str(FIXTURES / "generic.csv"), provider=provider.pk)  # a finance officer by default
    assert "already imported" in capsys.readouterr()[0]
    assert ProviderInvoice.objects.count() == 1


def test_the_command_names_its_own_columns(provider, finance, commitment, tmp_path, capsys):
    path = tmp_path / "odd.csv"
    path.write_text("Doc,Resident,Day,Hrs,Net\nX1,P9000001,17/03/2026,1.5,35.88\n")
    call_command("invoice_import", str(path), provider=provider.pk,
                 column=["reference=Doc", "person=Resident", "service_date=Day", "amount=Net"])  # fmt: skip
    assert "1 as expected" in capsys.readouterr()[0]


def test_the_command_refuses_bad_input_clearly(provider, finance, commitment, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "INV,P9000001,31/02/2026,1.5,35.88\n")
    with pytest.raises(CommandError, match=r"(?s)nothing was imported.*Line 2: '31/02/2026' is not a real date"):
        call_command("invoice_import", str(bad), provider=provider.pk)
    with pytest.raises(CommandError, match="no provider with id"):
        call_command("invoice_import", str(bad), provider=987654)
    with pytest.raises(CommandError, match="is not a file"):
        call_command("invoice_import", str(tmp_path / "missing.csv"), provider=provider.pk)
    with pytest.raises(CommandError, match="FIELD=HEADER"):
        call_command("invoice_import", str(bad), provider=provider.pk, column=["colour=Blue"])
    with pytest.raises(CommandError, match="no active user"):
        call_command("invoice_import", str(bad), provider=provider.pk, user="nobody")
    assert not ProviderInvoice.objects.exists()
