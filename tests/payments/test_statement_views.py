"""Statement and monitoring pages: uploading with a line-numbered report in the error summary (the first 50
problems and a count), never a 500 whatever is uploaded or typed; lines and changing a category; the rules and
formats pages; the findings list and resolving a finding (finance, or the allocated worker)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.payments import statement_forms
from selfdirect.payments.models import ClassificationRule, ColumnMapping, MonitoringFinding, StatementLine
from selfdirect.payments.monitoring import dp_monitor
from selfdirect.payments.selectors import balance
from tests.factories import UserFactory
from tests.payments.test_statements import (
    BANK,
    FIXTURES,
    GENERIC,
    HEADER,
    council_payment,
    finance_officer,
    import_text,
    install_defaults,
    make_agreement,
    mapping,
)

TODAY = datetime.date(2025, 11, 20)


@pytest.fixture
def finance(db):
    install_defaults()  # a browser journey's flush removes what the migration installed
    return finance_officer(first_name="Fran", last_name="Finance")


@pytest.fixture
def agreement(db):
    return make_agreement()


def upload(client, agreement, data: bytes, *, name=GENERIC, filename="statement.csv", in_url=True):
    payload = {"mapping": mapping(name).pk, "file": SimpleUploadedFile(filename, data, content_type="text/csv")}
    if in_url:
        return client.post(f"/direct-payments/{agreement.pk}/statements/import/", payload)
    return client.post("/direct-payments/statements/import/", {**payload, "agreement": agreement.pk})


# --- Uploading ------------------------------------------------------------------------------------------------


def test_the_upload_page_lists_the_formats(client_as, finance, agreement):
    response = client_as(finance).get(f"/direct-payments/{agreement.pk}/statements/import/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in (GENERIC, BANK, "Prepaid card scheme", "Managed account provider"):
        assert name in page
    assert 'enctype="multipart/form-data"' in page
    assert "Direct payment number" not in page  # the agreement is in the address


def test_a_good_statement_imports_and_shows_its_lines(client_as, finance, agreement):
    client = client_as(finance)
    data = (FIXTURES / "generic.csv").read_bytes()
    response = upload(client, agreement, data, filename="october.csv")
    assert response.status_code == 302
    detail = client.get(response["Location"])
    page = detail.content.decode()
    assert "Statement imported: 12 new lines" in page
    assert "october.csv" in page and "Personal assistant wages" in page
    assert StatementLine.objects.filter(agreement=agreement).count() == 12
    # Again: nothing new, and the page says so.
    again = client.get(upload(client, agreement, data)["Location"])
    assert "Statement imported: 0 new lines, 12 already held" in again.content.decode()
    assert "everything in this file was already held" in again.content.decode()


def test_the_agreement_can_be_chosen_by_number(client_as, finance, agreement):
    client = client_as(finance)
    response = upload(client, agreement, (FIXTURES / "generic.csv").read_bytes(), in_url=False)
    assert response.status_code == 302
    missing = client.post(
        "/direct-payments/statements/import/",
        {"agreement": 987654, "mapping": mapping().pk, "file": SimpleUploadedFile("s.csv", b"x")},
    )
    assert missing.status_code == 200
    assert "There is no direct payment with that number" in missing.content.decode()


def test_a_bad_statement_shows_the_first_50_problems_and_a_count_and_imports_nothing(client_as, finance, agreement):
    data = (HEADER + "99/99/2025,Bus,First Bus,-2.50,,\n" * 73).encode()
    response = upload(client_as(finance), agreement, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert "The statement has 73 problems, so nothing was imported" in page
    assert page.count("is not a real date in the format dd/mm/yyyy</a>") == 50
    assert "Line 2: “99/99/2025”" in page and "Line 51: “99/99/2025”" in page and "Line 52:" not in page
    assert "And 23 more problems not listed." in page
    assert page.startswith("<!DOCTYPE html>") or "<title>Error: " in page
    assert not StatementLine.objects.filter(agreement=agreement).exists()


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "The chosen file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV text file"),
        ((HEADER + "01/10/2025,Café,Shop,-1.00,,\n").encode("cp1252"), "Line 2 cannot be read as UTF-8"),
        (b"Date,Details,Value\n01/10/2025,Bus,-2.50\n", "has no “Description”, “Payee”"),
        (b"\xff\xfe" + HEADER.encode("utf-16-le"), "This is not a CSV text file"),
        (
            b'Date,Description,Payee,Amount,Reference,Account\n"unterminated',
            "Line 2 has 1 value but the header row has 6 columns",
        ),
        (b"a" * 2_000_000, "longer than 1 MB"),
    ],
)
def test_whatever_is_uploaded_there_is_a_clear_message_and_never_a_500(client_as, finance, agreement, data, expected):
    response = upload(client_as(finance), agreement, data)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not StatementLine.objects.filter(agreement=agreement).exists()


def test_another_accounts_statement_is_refused(client_as, finance):
    mine = make_agreement(account_identifier="40-11-22 99999999")
    response = upload(client_as(finance), mine, (FIXTURES / "bank_money_in_out.csv").read_bytes(), name=BANK)
    page = response.content.decode()
    assert "Line 2: account or card “12345678” is not this direct payment&#x27;s account (ending 9999)" in page


def test_a_file_too_large_for_the_page_points_to_the_command(client_as, finance, agreement, monkeypatch):
    monkeypatch.setattr(statement_forms, "WEB_UPLOAD_MAX_BYTES", 100)
    response = upload(client_as(finance), agreement, (FIXTURES / "generic.csv").read_bytes())
    assert "statement_import command" in response.content.decode()


def test_missing_choices_are_errors_not_crashes(client_as, finance, agreement):
    client = client_as(finance)
    response = client.post(f"/direct-payments/{agreement.pk}/statements/import/", {"mapping": "nonsense"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the statement format" in page and "Choose the statement file" in page
    wrong = client.post("/direct-payments/statements/import/", {"agreement": "twelve"})
    assert "The direct payment number must be a number, like 12" in wrong.content.decode()


def test_statements_are_for_finance_and_an_unknown_agreement_is_not_found(client_as, social_worker, finance):
    assert client_as(social_worker).get("/direct-payments/statements/import/").status_code == 403
    assert client_as(finance).get("/direct-payments/987654/statements/import/").status_code == 404
    assert client_as(finance).get("/direct-payments/987654/statements/").status_code == 404


# --- Lines and changing a category ----------------------------------------------------------------------------


def test_the_lines_page_filters_by_category_and_is_audited(client_as, finance, agreement):
    import_text(agreement, (FIXTURES / "generic.csv").read_bytes())
    client = client_as(finance)
    page = client.get(f"/direct-payments/{agreement.pk}/statements/?category=pa_wages").content.decode()
    assert "4 lines in this category" in page and "PAYE and NI September" not in page
    everything = client.get(f"/direct-payments/{agreement.pk}/statements/?category=nonsense&page=abc")
    assert everything.status_code == 200 and "12 lines" in everything.content.decode()
    assert AuditEvent.objects.filter(
        actor=finance, action="view", person_id=agreement.person_id, summary__contains="statements"
    ).exists()


def test_changing_a_lines_category_from_the_page(client_as, finance, agreement):
    import_text(agreement, HEADER + "01/10/2025,Walking frame,Mobility Aids Direct,-45.00,,\n")
    line = StatementLine.objects.get(agreement=agreement)
    client = client_as(finance)
    url = f"/direct-payments/statement-lines/{line.pk}/category/"
    back = f"/direct-payments/{agreement.pk}/statements/"
    form = client.get(url + f"?next={back}")
    assert form.status_code == 200 and "Change what the money was for" in form.content.decode()
    refused = client.post(url, {"category": "other", "next": back})
    assert "The line is already other" in refused.content.decode()
    response = client.post(url, {"category": "equipment", "reason": "Receipt seen", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    line.refresh_from_db()
    assert (line.category, line.reclassified_by) == ("equipment", finance)
    assert balance(agreement=agreement) == Decimal("-45.00")
    # An address elsewhere is never followed.
    client.post(url, {"category": "activities", "next": "https://example.com/"})
    assert client.post(url, {"category": "other", "next": "https://example.com/"})["Location"] == back


# --- Rules and formats ----------------------------------------------------------------------------------------


def test_rules_are_listed_in_order_and_can_be_added_and_changed(client_as, finance):
    client = client_as(finance)
    page = client.get("/direct-payments/classification-rules/").content.decode()
    assert "Nothing is learnt behind the scenes" in page and "hmrc" in page
    bad = client.post(
        "/direct-payments/classification-rules/new/", {"order": "5", "category": "equipment", "direction": "any"}
    )
    assert "Give the rule at least one thing to look for" in bad.content.decode()
    bad_codes = client.post(
        "/direct-payments/classification-rules/new/",
        {"order": "5", "category": "equipment", "direction": "out", "mcc_codes": "12"},
    )
    assert "Merchant category codes are 4 digits" in bad_codes.content.decode()
    created = client.post(
        "/direct-payments/classification-rules/new/",
        {
            "order": "5",
            "category": "equipment",
            "direction": "out",
            "payee_pattern": "Mobility Aids",
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    rule = ClassificationRule.objects.get(payee_pattern="mobility aids")
    changed = client.post(
        f"/direct-payments/classification-rules/{rule.pk}/",
        {"order": "6", "category": "equipment", "direction": "out", "payee_pattern": "mobility aids"},
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.order, rule.is_active) == (6, False)
    assert client.get("/direct-payments/classification-rules/987654/").status_code == 404


def test_statement_formats_can_be_added_and_are_checked(client_as, finance):
    client = client_as(finance)
    assert "Managed account provider" in client.get("/direct-payments/statement-formats/").content.decode()
    fields = {
        "name": "Northmoor Credit Union",
        "delimiter": ",",
        "encoding": "utf-8",
        "skip_rows": "0",
        "date_column": "When",
        "date_format": "%d/%m",
        "description_column": "What",
        "amount_column": "Amount",
    }
    bad_date = client.post("/direct-payments/statement-formats/new/", fields)
    assert "Enter a date format with a day, month and year" in bad_date.content.decode()
    both = client.post(
        "/direct-payments/statement-formats/new/", fields | {"date_format": "%d/%m/%Y", "money_out_column": "Out"}
    )
    assert "not both" in both.content.decode()
    ok = client.post("/direct-payments/statement-formats/new/", fields | {"date_format": "%d/%m/%Y"})
    assert ok.status_code == 302
    union = ColumnMapping.objects.get(name="Northmoor Credit Union")
    again = client.post("/direct-payments/statement-formats/new/", fields | {"date_format": "%d/%m/%Y"})
    assert again.status_code == 200 and union.pk == ColumnMapping.objects.get(name__iexact="northmoor credit union").pk
    assert AuditEvent.objects.filter(object_type="payments.columnmapping", object_id=str(union.pk)).exists()


# --- Findings ---------------------------------------------------------------------------------------------------


@pytest.fixture
def surplus(db):
    worker = UserFactory(role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Worker")
    agreement = make_agreement(weekly_dp="100.00", worker=worker, lines=("provider",))
    council_payment(agreement, "1000.00", datetime.date(2025, 11, 3))
    (finding,) = dp_monitor(agreement=agreement, today=TODAY).created
    return finding


def test_the_findings_list_is_short_friendly_and_filterable(client_as, finance, surplus):
    client = client_as(finance)
    page = client.get("/direct-payments/findings/").content.decode()
    assert "1 open check" in page
    assert f"{surplus.agreement.person.full_name}&#x27;s direct payment has built up" in page
    assert "None of them stops a payment" in page and "Sam Worker" in page
    assert "0 open checks" in client.get("/direct-payments/findings/?kind=cash").content.decode()
    odd = client.get("/direct-payments/findings/?kind=nonsense&status=weird&page=99")
    assert odd.status_code == 200


def test_finance_resolves_a_surplus_with_a_recoupment(client_as, finance, surplus):
    client = client_as(finance)
    url = f"/direct-payments/findings/{surplus.pk}/"
    page = client.get(url).content.decode()
    assert "Amount agreed to return to the council" in page and "nothing has been stopped or changed" in page
    bad = client.post(url, {"resolution": "Agreed", "recoup_amount": "lots"})
    assert "The amount to recoup must be an amount of money" in bad.content.decode()
    too_much = client.post(url, {"resolution": "Agreed", "recoup_amount": "5000"})
    assert "cannot be more than that" in too_much.content.decode()
    done = client.post(url, {"resolution": "Mary agreed to return £200", "recoup_amount": "200"})
    assert done.status_code == 302 and done["Location"] == "/direct-payments/findings/"
    surplus.refresh_from_db()
    assert surplus.status == "resolved" and surplus.recoupment is not None
    assert balance(agreement=surplus.agreement) == Decimal("800.00")
    assert "Resolved" in client.get(url).content.decode()
    assert client.post(url, {"resolution": "again"}).status_code == 302  # refused with a message, not an error


def test_the_allocated_worker_resolves_without_a_recoupment_and_others_only_read(client_as, surplus, user_of_role):
    worker = surplus.agreement.person.allocated_worker
    url = f"/direct-payments/findings/{surplus.pk}/"
    page = client_as(worker).get(url).content.decode()
    assert "Resolve" in page and "Amount agreed to return" not in page
    colleague = user_of_role(Role.SOCIAL_WORKER)
    assert "Resolve</button>" not in client_as(colleague).get(url).content.decode()
    client_as(colleague).post(url, {"resolution": "not mine"})
    surplus.refresh_from_db()
    assert surplus.status == "open"
    done = client_as(worker).post(url, {"resolution": "Saving for a holiday with her PA: fine"})
    assert done["Location"] == "/tasks/"
    surplus.refresh_from_db()
    assert (surplus.status, surplus.resolved_by, surplus.recoupment) == ("resolved", worker, None)


def test_a_restricted_persons_finding_is_refused_and_a_missing_one_not_found(client_as, surplus, user_of_role):
    person = surplus.agreement.person
    person.is_restricted = True
    person.save()
    colleague = user_of_role(Role.SOCIAL_WORKER)
    assert client_as(colleague).get(f"/direct-payments/findings/{surplus.pk}/").status_code == 403
    assert client_as(person.allocated_worker).get(f"/direct-payments/findings/{surplus.pk}/").status_code == 200
    assert client_as(colleague).get("/direct-payments/findings/987654/").status_code == 404
    assert client_as(user_of_role(Role.COMMISSIONER)).get(f"/direct-payments/findings/{surplus.pk}/").status_code == 403


def test_findings_pages_are_audited(client_as, finance, surplus):
    client_as(finance).get(f"/direct-payments/findings/{surplus.pk}/")
    assert AuditEvent.objects.filter(
        actor=finance, action="view", person_id=surplus.agreement.person_id, summary__contains="finding"
    ).exists()
    assert MonitoringFinding.objects.count() == 1


def test_a_restricted_persons_name_is_not_on_the_findings_list(client_as, finance, surplus):
    person = surplus.agreement.person
    person.is_restricted = True
    person.save()
    page = client_as(finance).get("/direct-payments/findings/").content.decode()
    assert person.full_name not in page
    assert "This person&#x27;s direct payment has built up" in page and "Restricted record" in page
