"""Statement import (issue 6, item 3): configurable column mappings, a line-numbered report of every bad line,
atomic (a bad file imports nothing), idempotent (the same or an overlapping file adds nothing), streamed, and each
new line classified and posted to the ledger (council payments in linked, never posted twice).

`make_agreement` and `import_text` are shared with the other statement, classification and monitoring tests."""

import datetime
import io
import re
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.payments import classification, statements
from selfdirect.payments.models import (
    ColumnMapping,
    DirectPaymentAgreement,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    StatementImport,
    StatementLine,
)
from selfdirect.payments.selectors import balance
from selfdirect.payments.services import ledger_post
from selfdirect.payments.statements import StatementImportError, parse_amount, statement_import
from selfdirect.planning.models import Management, PlanLine, SupportPlan
from tests.factories import PersonFactory, UserFactory
from tests.planning.factories_panel import eligible_assessment

FIXTURES = Path(statements.__file__).resolve().parent / "fixtures" / "statements"
TODAY = datetime.date(2025, 11, 20)
GENERIC = "Generic CSV"
BANK = "High-street bank (Money In and Money Out)"
CARD = "Prepaid card scheme"
MANAGED = "Managed account provider"
HEADER = "Date,Description,Payee,Amount,Reference,Account\n"


def install_defaults():
    """The built-in formats and rules (the migration installs them; a transactional test's flush removes them)."""
    statements.mappings_install_defaults()
    classification.rules_install_defaults()


def mapping(name=GENERIC) -> ColumnMapping:
    install_defaults()
    return ColumnMapping.objects.get(name=name)


def finance_officer(**fields):
    return UserFactory(role=Role.FINANCE_OFFICER, **fields)


def make_agreement(
    *,
    account_identifier="12345678",
    lines=("pa",),
    components=(),
    weekly_dp="280.00",
    contribution="0.00",
    net=True,
    cash_agreed=False,
    start=datetime.date(2025, 6, 2),
    worker=None,
    person=None,
    actor=None,
) -> DirectPaymentAgreement:
    """An active direct payment built straight in the database: an approved plan with direct-payment lines (a PA
    and/or a provider, plus lines with the given service components), a personal budget, and the agreement."""
    install_defaults()
    actor = actor or finance_officer()
    person = person or PersonFactory(first_name="Mary", last_name="Smith", allocated_worker=worker)
    weekly_dp = Decimal(weekly_dp)
    plan = SupportPlan.objects.create(
        person=person,
        assessment=eligible_assessment(person),
        status=SupportPlan.Status.APPROVED,
        weekly_total=weekly_dp,
        weekly_direct_payment=weekly_dp,
        created_by=actor,
    )
    made = []
    for kind in lines:
        made.append(
            PlanLine.objects.create(
                plan=plan,
                description="A personal assistant" if kind == "pa" else "Home care agency",
                support_kind=kind,
                service_component="Home Support",
                management=Management.DIRECT_PAYMENT,
                weekly_cost=weekly_dp,
            )
        )
    for component in components:
        made.append(
            PlanLine.objects.create(
                plan=plan,
                description=component,
                support_kind="provider",
                service_component=component,
                management=Management.DIRECT_PAYMENT,
            )
        )
    from selfdirect.money.models import PersonalBudget

    contribution = Decimal(contribution)
    PersonalBudget.objects.create(
        person=person,
        version=1,
        effective_from=start,
        reason="Plan approved",
        weekly_total_cost=weekly_dp,
        weekly_person_contribution=contribution,
        weekly_council_amount=weekly_dp - contribution,
        weekly_direct_payment=weekly_dp,
    )
    agreement = DirectPaymentAgreement.objects.create(
        person=person,
        plan=plan,
        holder=DirectPaymentAgreement.Holder.PERSON,
        account_type=DirectPaymentAgreement.AccountType.OWN_BANK,
        account_identifier=account_identifier,
        start_date=start,
        first_payment_on=start,
        net_of_contribution=net,
        cash_agreed=cash_agreed,
        status=DirectPaymentAgreement.Status.ACTIVE,
        created_by=actor,
    )
    agreement.plan_lines.set(made)
    return agreement


def council_payment(agreement, amount, on, actor=None):
    """What a payment run posts when a payment is made: into the holder's account from council funding."""
    amount = Decimal(amount)
    return ledger_post(
        agreement=agreement,
        kind=LedgerTransaction.Kind.COUNCIL_PAYMENT,
        occurred_on=on,
        description="Direct payment",
        entries={LedgerAccount.Kind.HOLDER: amount, LedgerAccount.Kind.COUNCIL: -amount},
        category="council_payment",
        actor=actor,
    )


def import_text(agreement, text: str | bytes, *, name=GENERIC, actor=None, filename="statement.csv", **kwargs):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return statement_import(
        agreement=agreement,
        mapping=mapping(name),
        file=io.BytesIO(data),
        filename=filename,
        actor=actor or finance_officer(),
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def import_fixture(agreement, fixture: str, name: str, **kwargs):
    with open(FIXTURES / fixture, "rb") as handle:
        return statement_import(
            agreement=agreement,
            mapping=mapping(name),
            file=handle,
            filename=fixture,
            actor=kwargs.pop("actor", None) or finance_officer(),
            today=kwargs.pop("today", TODAY),
            **kwargs,
        )


def problems_of(agreement, text, **kwargs) -> list[str]:
    with pytest.raises(StatementImportError) as caught:
        import_text(agreement, text, **kwargs)
    assert not StatementLine.objects.filter(agreement=agreement).exists()
    return caught.value.problems


def categories(agreement) -> list[str]:
    return list(
        StatementLine.objects.filter(agreement=agreement).order_by("line_number").values_list("category", flat=True)
    )


# --- Amounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12.50", "12.50"),
        ("£1,234.56", "1234.56"),
        ("-£5", "-5.00"),
        ("£-5.10", "-5.10"),
        ("(12.50)", "-12.50"),
        ("12.50-", "-12.50"),
        (" 1,000,000.1 ", "1000000.10"),
        ("GBP 40.00", "40.00"),
        ("+3", "3.00"),
    ],
)
def test_amounts_with_pound_signs_commas_and_brackets_are_normalised(text, expected):
    """Banks write amounts many ways: each of these is read as pounds and pence."""
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12,5", "1.234", "abc", "£", "12.345", "1,23,456.00", "--5", "5 pounds", "€5.00"])
def test_anything_else_is_not_an_amount(text):
    """Ambiguous or foreign amounts are refused with the value named, never guessed at."""
    with pytest.raises(ValueError, match="is not an amount"):
        parse_amount(text)


@pytest.mark.parametrize(
    "mine, shown, ok",
    [
        ("12345678", "12345678", True),
        ("40-11-22 12345678", "12345678", True),
        ("12345678", "'40-11-22 12345678", True),
        ("5355 0000 0000 4821", "************4821", True),
        ("5355 0000 0000 4821", "XXXX XXXX XXXX 4821", True),
        ("5355 0000 0000 4821", "************9999", False),
        ("12345678", "87654321", False),
        ("12345678", "5678", False),
        ("MA-000123", "ma 000123", True),
        ("MA-000123", "MA-000124", False),
    ],
)
def test_account_numbers_match_with_or_without_sort_codes_and_masks(mine, shown, ok):
    assert statements.account_matches(mine, shown) is ok


# --- The shipped formats ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fixture, name, identifier, expected",
    [
        (
            "generic.csv",
            GENERIC,
            "12345678",
            ["council_payment", "pa_wages", "transport", "transport", "contribution", "pa_wages", "tax_pension",
             "payroll_service", "insurance", "pa_wages", "activities", "pa_wages"],
        ),
        (
            "bank_money_in_out.csv",
            BANK,
            "40-11-22 12345678",
            ["council_payment", "cash", "pa_wages", "other", "contribution", "pa_wages", "tax_pension", "transport",
             "pa_wages", "other"],
        ),
        (
            "prepaid_card.csv",
            CARD,
            "5355 0000 0000 4821",
            ["council_payment", "cash", "transport", "transport", "equipment", "agency_care", "activities",
             "transport", "other"],
        ),
        (
            "managed_account.csv",
            MANAGED,
            "MA-000123",
            ["council_payment", "pa_wages", "payroll_service", "pa_wages", "tax_pension", "pa_wages", "pa_wages",
             "insurance"],
        ),
    ],
)  # fmt: skip
def test_each_shipped_format_imports_its_example_and_classifies_every_line(fixture, name, identifier, expected):
    """The four built-in formats (generic; a bank with Money In/Money Out, £ signs and Windows-1252; a prepaid card
    with ISO dates, MCC codes and a masked card number; a managed-account provider with heading lines, semicolons
    and 05-Oct-2025 dates) each read their example file, and the default rules classify every line."""
    agreement = make_agreement(account_identifier=identifier)
    record = import_fixture(agreement, fixture, name)
    assert (record.rows_read, record.rows_added, record.rows_already_held) == (len(expected), len(expected), 0)
    assert categories(agreement) == expected
    assert len(record.sha256) == 64


@pytest.mark.django_db
def test_the_bank_format_reads_pound_signs_in_windows_1252_and_dates_day_first():
    agreement = make_agreement(account_identifier="40-11-22 12345678")
    import_fixture(agreement, "bank_money_in_out.csv", BANK)
    first, *_, last = StatementLine.objects.filter(agreement=agreement).order_by("line_number")
    assert (first.occurred_on, first.amount, first.line_number) == (datetime.date(2025, 10, 1), Decimal("1120.00"), 2)
    assert (last.amount, last.description) == (Decimal("-1015.00"), "MOBILITY AIDS DIRECT")
    cafe = StatementLine.objects.get(agreement=agreement, description__startswith="CAF")
    assert cafe.description == "CAFÉ NERO NORTHMOOR"


@pytest.mark.django_db
def test_managed_account_lines_are_numbered_as_in_the_file():
    """Three heading lines come before the column names: line numbers still count every line of the file."""
    agreement = make_agreement(account_identifier="MA-000123")
    import_fixture(agreement, "managed_account.csv", MANAGED)
    first = StatementLine.objects.filter(agreement=agreement).order_by("line_number").first()
    assert (first.line_number, first.occurred_on, first.reference) == (5, datetime.date(2025, 10, 1), "1001")


# --- Posting to the ledger -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lines_are_posted_spending_by_category_contributions_in_and_council_payments_linked_not_posted():
    """Money out: holder -x, spending +x with the category. A contribution: holder +x, contributions -x. Money in
    from the council was posted by the payment run: the line links to that transaction and nothing is posted."""
    agreement = make_agreement()
    paid = council_payment(agreement, "1120.00", datetime.date(2025, 9, 30))
    import_fixture(agreement, "generic.csv", GENERIC)
    council = StatementLine.objects.get(agreement=agreement, category="council_payment")
    assert council.ledger_transaction == paid
    assert LedgerTransaction.objects.filter(agreement=agreement, kind="council_payment").count() == 1
    wages = StatementLine.objects.filter(agreement=agreement, category="pa_wages").first()
    entries = {e.account.kind: e.amount for e in wages.ledger_transaction.entries.select_related("account")}
    assert entries == {"holder": Decimal("-245.50"), "spending": Decimal("245.50")}
    assert (wages.ledger_transaction.kind, wages.ledger_transaction.category) == ("spending", "pa_wages")
    contribution = StatementLine.objects.get(agreement=agreement, category="contribution")
    entries = {e.account.kind: e.amount for e in contribution.ledger_transaction.entries.select_related("account")}
    assert entries == {"holder": Decimal("98.00"), "contribution": Decimal("-98.00")}
    # The balance is the council payment, plus the contribution, less everything spent.
    spent = sum(line.amount for line in StatementLine.objects.filter(agreement=agreement, amount__lt=0))
    assert balance(agreement=agreement) == Decimal("1120.00") + Decimal("98.00") + spent
    # Every ledger transaction still adds up to zero.
    for transaction in LedgerTransaction.objects.filter(agreement=agreement):
        assert sum(e.amount for e in transaction.entries.all()) == 0


@pytest.mark.django_db
def test_a_council_payment_in_with_no_payment_run_to_match_is_held_but_not_posted():
    """Money in from the council is never posted from a statement: without a matching payment it stays unlinked
    (the payment run posts it)."""
    agreement = make_agreement()
    import_text(agreement, HEADER + "01/10/2025,Direct payment,Northmoor Council,500.00,,12345678\n")
    line = StatementLine.objects.get(agreement=agreement)
    assert (line.category, line.ledger_transaction) == ("council_payment", None)
    assert balance(agreement=agreement) == 0


@pytest.mark.django_db
def test_the_import_is_audited_with_its_counts():
    agreement = make_agreement()
    actor = finance_officer()
    record = import_fixture(agreement, "generic.csv", GENERIC, actor=actor)
    event = AuditEvent.objects.get(object_type="payments.statementimport", object_id=str(record.pk))
    assert event.actor == actor and event.person_id == agreement.person_id
    assert "12 lines added, 0 already held" in event.summary
    assert record.imported_by == actor


# --- Idempotency -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_same_file_twice_adds_nothing_the_second_time():
    agreement = make_agreement()
    import_fixture(agreement, "generic.csv", GENERIC)
    transactions = LedgerTransaction.objects.count()
    again = import_fixture(agreement, "generic.csv", GENERIC)
    assert (again.rows_read, again.rows_added, again.rows_already_held) == (12, 0, 12)
    assert StatementLine.objects.filter(agreement=agreement).count() == 12
    assert LedgerTransaction.objects.count() == transactions


@pytest.mark.django_db
def test_an_overlapping_file_adds_only_the_new_lines():
    """A later export repeats the last days of the earlier one (re-spaced and in capitals, as banks do): only the
    new lines are added."""
    agreement = make_agreement()
    first = HEADER + (
        "01/10/2025,Bus fare,First Bus,-2.50,,12345678\n"
        "02/10/2025,WAGES WEEK 40,J SMITH,-245.50,,12345678\n"
        "03/10/2025,Swimming,Northmoor Leisure Centre,-4.20,,12345678\n"
    )
    second = HEADER + (
        "02/10/2025,wages  week 40,J Smith,-245.50,,12345678\n"
        "03/10/2025,SWIMMING,NORTHMOOR LEISURE CENTRE,-4.20,,12345678\n"
        "04/10/2025,Taxi,Northmoor Cabs,-12.00,,12345678\n"
    )
    import_text(agreement, first)
    record = import_text(agreement, second)
    assert (record.rows_added, record.rows_already_held) == (1, 2)
    assert StatementLine.objects.filter(agreement=agreement).count() == 4


@pytest.mark.django_db
def test_two_identical_lines_on_one_day_both_count_and_stay_counted_on_reimport():
    """Two bus fares of £2.50 on the same day are two journeys, not a duplicate: both are added, and importing the
    same file (or one holding the same day) again adds neither."""
    agreement = make_agreement()
    twice = HEADER + "03/10/2025,Bus fare,First Bus,-2.50,,12345678\n" * 2
    assert import_text(agreement, twice).rows_added == 2
    assert import_text(agreement, twice).rows_added == 0
    thrice = twice + "03/10/2025,Bus fare,First Bus,-2.50,,12345678\n"
    assert import_text(agreement, thrice).rows_added == 1
    assert StatementLine.objects.filter(agreement=agreement).count() == 3


@pytest.mark.django_db
def test_lines_with_different_references_are_different_lines():
    agreement = make_agreement()
    text = HEADER + "03/10/2025,Bus fare,First Bus,-2.50,A1,12345678\n03/10/2025,Bus fare,First Bus,-2.50,A2,12345678\n"
    assert import_text(agreement, text).rows_added == 2


@pytest.mark.django_db
def test_the_same_line_for_two_agreements_is_held_for_each():
    one, two = make_agreement(), make_agreement()
    text = HEADER + "03/10/2025,Bus fare,First Bus,-2.50,,\n"
    assert import_text(one, text).rows_added == 1
    assert import_text(two, text).rows_added == 1


@pytest.mark.django_db
def test_lines_with_no_money_are_skipped_and_counted():
    agreement = make_agreement()
    record = import_text(agreement, HEADER + "03/10/2025,Card check,Shop,0.00,,\n03/10/2025,Bus,First Bus,-2.50,,\n")
    assert (record.rows_read, record.rows_added, record.rows_skipped) == (2, 1, 1)


# --- Bad input: a clear line-numbered report, nothing imported -------------------------------------------------


@pytest.mark.django_db
def test_wrong_columns_are_named_with_what_the_format_expects():
    agreement = make_agreement()
    (problem,) = problems_of(agreement, "Date,Details,Value\n01/10/2025,Bus,-2.50\n")
    assert "Line 1 (the header row) has no “Description”, “Payee”, “Amount”, “Account”, “Reference” columns" in problem
    assert "this file has “Date”, “Details”, “Value”" in problem
    assert "Check you chose the right format" in problem


@pytest.mark.django_db
def test_a_file_for_another_format_is_refused_at_the_header():
    """The card scheme's file read as the bank format: its columns are not the bank's."""
    agreement = make_agreement(account_identifier="5355 0000 0000 4821")
    with open(FIXTURES / "prepaid_card.csv", "rb") as handle:
        data = handle.read()
    (problem,) = problems_of(agreement, data, name=BANK)
    assert "“Transaction Date”" in problem and "“posted_date”" in problem


@pytest.mark.django_db
def test_missing_and_impossible_dates_are_reported_by_line():
    agreement = make_agreement()
    text = HEADER + (
        "01/10/2025,Fine,Shop,-1.00,,\n"
        ",No date,Shop,-1.00,,\n"
        "31/02/2025,Impossible,Shop,-1.00,,\n"
        "2025-10-01,Wrong way round,Shop,-1.00,,\n"
        "01/10/2030,Future,Shop,-1.00,,\n"
    )
    assert problems_of(agreement, text) == [
        "Line 3: the date is missing",
        "Line 4: “31/02/2025” is not a real date in the format dd/mm/yyyy",
        "Line 5: “2025-10-01” is not a real date in the format dd/mm/yyyy",
        "Line 6: the date 01/10/2030 is in the future",
    ]


@pytest.mark.django_db
def test_amounts_with_commas_and_pound_signs_import_and_others_are_not_amounts():
    agreement = make_agreement()
    assert import_text(agreement, HEADER + '01/10/2025,Big,Shop,"-£1,015.00",,\n').rows_added == 1
    assert StatementLine.objects.get(agreement=agreement).amount == Decimal("-1015.00")
    other = make_agreement()
    text = (
        HEADER
        + '01/10/2025,Comma decimal,Shop,"12,5",,\n01/10/2025,Words,Shop,ten pounds,,\n01/10/2025,Empty,Shop,,,\n'
    )
    assert problems_of(other, text) == [
        "Line 2: “12,5” is not an amount (write pounds and pence, for example 1,234.56)",
        "Line 3: “ten pounds” is not an amount (write pounds and pence, for example 1,234.56)",
        "Line 4: the amount is missing",
    ]


@pytest.mark.django_db
def test_money_in_and_out_columns_are_checked():
    agreement = make_agreement(account_identifier="40-11-22 12345678")
    head = (
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        "Money Out,Money In,Balance\n"
    )
    text = head + (
        "01/10/2025,DEB,40-11-22,12345678,BOTH,£1.00,£2.00,£0\n"
        "01/10/2025,DEB,40-11-22,12345678,NEITHER,,,£0\n"
        "01/10/2025,DEB,40-11-22,12345678,BAD OUT,1.2.3,,£0\n"
    )
    assert problems_of(agreement, text.encode("cp1252"), name=BANK) == [
        "Line 2 has both money in (£2.00) and money out (£1.00): it should be one or the other",
        "Line 3: money in and money out are both empty",
        "Line 4: money out: “1.2.3” is not an amount (write pounds and pence, for example 1,234.56)",
    ]


@pytest.mark.django_db
def test_another_accounts_number_is_refused():
    """A line for another account (or card) means the wrong statement: the whole file is refused."""
    agreement = make_agreement(account_identifier="5355 0000 0000 4821")
    with open(FIXTURES / "prepaid_card.csv", "rb") as handle:
        data = handle.read().replace(b"************4821,2025-10-14", b"************7777,2025-10-14")
    problems = problems_of(agreement, data, name=CARD)
    assert problems == [
        "Line 8: account or card “************7777” is not this direct payment's account (ending 4821). Lines for "
        "another account cannot be imported here"
    ]


@pytest.mark.django_db
def test_a_cp1252_file_read_as_utf8_names_the_line_and_suggests_another_encoding():
    agreement = make_agreement()
    text = HEADER + "01/10/2025,Fine,Shop,-1.00,,\n01/10/2025,Café,Shop,£2.00,,\n"
    (problem,) = problems_of(agreement, text.encode("cp1252"))
    assert problem.startswith("Line 3 cannot be read as UTF-8 (byte 0xe9 at character 15)")
    assert "choose a statement format with another encoding (many banks use Windows-1252)" in problem


@pytest.mark.django_db
def test_a_utf8_byte_order_mark_is_ignored():
    agreement = make_agreement()
    record = import_text(agreement, b"\xef\xbb\xbf" + (HEADER + "01/10/2025,Bus,First Bus,-2.50,,\n").encode())
    assert record.rows_added == 1


@pytest.mark.django_db
def test_short_rows_descriptions_and_codes_are_checked():
    agreement = make_agreement(account_identifier="5355 0000 0000 4821")
    head = "transaction_id,card_number,posted_date,merchant_name,mcc,description,amount\n"
    text = head + (
        "T1,************4821,2025-10-01\n"
        "T2,************4821,2025-10-01,,,,-1.00\n"
        "T3,************4821,2025-10-01,Shop,54,Thing,-1.00\n"
    )
    assert problems_of(agreement, text, name=CARD) == [
        "Line 2 has 3 values but the header row has 7 columns",
        "Line 3: the description is missing",
        "Line 4: the merchant category code “54” is not 4 digits",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "The file is empty: there is no header row of column names"),
        (HEADER.encode(), "The file has a header row but no statement lines"),
        (b"PK\x03\x04\x00\x00binary", "This is not a CSV text file"),
    ],
)
def test_empty_headless_and_binary_files_are_reported(data, expected):
    agreement = make_agreement()
    (problem,) = problems_of(agreement, data)
    assert problem.startswith(expected)


@pytest.mark.django_db
def test_a_file_with_one_bad_line_at_the_end_imports_nothing():
    """Atomic: every good line before the bad one is left out too, and the ledger is untouched."""
    agreement = make_agreement()
    text = HEADER + "01/10/2025,Bus,First Bus,-2.50,,\n" * 20 + "01/10/2025,Bus,First Bus,oops,,\n"
    problems_of(agreement, text)
    assert not StatementImport.objects.filter(agreement=agreement).exists()
    assert not LedgerEntry.objects.filter(account__agreement=agreement).exists()


@pytest.mark.django_db
def test_the_report_keeps_the_first_thousand_problems_and_counts_them_all():
    agreement = make_agreement()
    text = HEADER + "not a date,Bus,First Bus,-2.50,,\n" * 1500
    with pytest.raises(StatementImportError) as caught:
        import_text(agreement, text)
    assert len(caught.value.problems) == statements.MAX_PROBLEMS_KEPT
    assert caught.value.problem_count == 1500
    assert caught.value.message == "The statement has 1,500 problems, so nothing was imported"


@pytest.mark.django_db
def test_a_failure_while_posting_rolls_everything_back(monkeypatch):
    """If anything fails part-way through writing (here the third batch of five lines), nothing of the file is
    kept: not the lines, not the import, not the ledger."""
    agreement = make_agreement()
    calls = []
    real = statements.ledger_post_batch

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(statements, "BATCH_LINES", 5)
    monkeypatch.setattr(statements, "ledger_post_batch", flaky)
    with pytest.raises(RuntimeError):
        import_fixture(agreement, "generic.csv", GENERIC)
    assert len(calls) == 3
    assert not StatementLine.objects.filter(agreement=agreement).exists()
    assert not StatementImport.objects.filter(agreement=agreement).exists()
    assert not LedgerEntry.objects.filter(account__agreement=agreement).exists()


# --- Large files: streamed -------------------------------------------------------------------------------------


class GeneratedStatement(io.RawIOBase):
    """A statement of `rows` lines made as it is read, so the test holds no copy of the file. Not seekable, like a
    pipe: the import must keep its own spool for the second pass."""

    def __init__(self, rows: int, bad_last: bool = False):
        self.rows, self.bad_last = rows, bad_last
        self.line = -1
        self.buffer = b""
        self.size = 0

    def readable(self):
        return True

    def _next(self) -> bytes:
        self.line += 1
        if self.line == 0:
            return HEADER.encode()
        if self.line > self.rows:
            return b""
        if self.bad_last and self.line == self.rows:
            return b"31/09/2025,Bad date,Shop,-1.00,,\n"
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=self.line % 300)
        padding = "x" * 150  # long descriptions: 50,000 lines make a file of about 10 MB
        amount = f"-{self.line % 500 + 1}.25"
        return f"{day:%d/%m/%Y},Card payment {self.line} {padding},Shop {self.line % 97},{amount},,12345678\n".encode()

    def readinto(self, target):
        while len(self.buffer) < len(target):
            more = self._next()
            if not more:
                break
            self.buffer += more
        n = min(len(target), len(self.buffer))
        target[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        self.size += n
        return n


@pytest.mark.django_db
def test_a_large_bad_file_is_streamed_and_refused_with_the_line_named():
    """50,000 lines (about 10 MB) are checked a line at a time: memory stays far below the file's size, and a bad
    date on the very last line refuses the whole file, naming that line."""
    agreement = make_agreement()
    stream = GeneratedStatement(50_000, bad_last=True)
    tracemalloc.start()
    try:
        with pytest.raises(StatementImportError) as caught:
            statement_import(
                agreement=agreement,
                mapping=mapping(),
                file=io.BufferedReader(stream),
                filename="big.csv",
                actor=finance_officer(),
                today=TODAY,
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stream.size > 9_000_000
    assert peak < 2_000_000, f"peak {peak:,} bytes while reading {stream.size:,}"
    assert caught.value.problems == ["Line 50001: “31/09/2025” is not a real date in the format dd/mm/yyyy"]
    assert not StatementLine.objects.filter(agreement=agreement).exists()


@pytest.mark.django_db
def test_a_large_good_file_is_imported_with_progress_reported():
    """5,000 lines (streamed from a source that cannot seek) import in full, reporting progress for both passes."""
    agreement = make_agreement()
    seen = []
    record = statement_import(
        agreement=agreement,
        mapping=mapping(),
        file=io.BufferedReader(GeneratedStatement(5_000)),
        filename="big.csv",
        actor=finance_officer(),
        today=TODAY,
        on_progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert (record.rows_read, record.rows_added) == (5_000, 5_000)
    assert {stage for stage, *_ in seen} == {"Checking", "Importing"}
    assert seen[-1] == ("Importing", 5_000, 5_000)
    assert StatementLine.objects.filter(agreement=agreement).count() == 5_000


# --- The command ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_with_a_progress_bar_and_reports_counts():
    agreement = make_agreement(account_identifier="MA-000123")
    officer = finance_officer(username="fran")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "statement_import",
        str(FIXTURES / "managed_account.csv"),
        agreement=agreement.pk,
        mapping="managed account provider",
        user="fran",
        stdout=out,
        stderr=err,
    )
    assert "8 lines read, 8 added, 0 already held, 0 with no money skipped" in out.getvalue()
    assert "Checking (bytes)" in err.getvalue() and "Importing (lines)" in err.getvalue()
    assert StatementImport.objects.get(agreement=agreement).imported_by == officer


@pytest.mark.django_db
def test_the_command_fails_with_the_line_numbered_report_and_saves_nothing(tmp_path):
    agreement = make_agreement()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "01/10/2025,Bus,First Bus,-2.50,,\n" + "31/02/2025,Bus,First Bus,-2.50,,\n" * 3)
    with pytest.raises(CommandError) as caught:
        call_command(
            "statement_import",
            str(bad),
            agreement=agreement.pk,
            mapping=GENERIC,
            no_progress=True,
            stdout=io.StringIO(),
        )
    message = str(caught.value)
    assert "The statement has 3 problems, so nothing was imported" in message
    assert "Line 3: “31/02/2025” is not a real date" in message and "Line 5:" in message
    assert not StatementLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options, message",
    [
        ({"agreement": 987654, "mapping": GENERIC}, "There is no direct payment 987654"),
        ({"mapping": "Bank of Nowhere"}, "No statement format called 'Bank of Nowhere'. The formats are: "),
        ({"mapping": GENERIC, "user": "nobody"}, "No user called 'nobody'"),
        ({"mapping": GENERIC, "file": "/no/such/file.csv"}, "No file at /no/such/file.csv"),
    ],
)
def test_the_command_names_what_it_cannot_find(options, message):
    agreement = make_agreement()
    options = {"agreement": agreement.pk, **options}
    file = options.pop("file", str(FIXTURES / "generic.csv"))
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("statement_import", file, stdout=io.StringIO(), stderr=io.StringIO(), **options)
