"""Importing bank, managed-account and prepaid-card statements (CSV) through configurable column mappings.

    statement_import(agreement=..., mapping=..., file=<binary stream>, filename=..., actor=...) -> StatementImport

- Streamed: the file is read in 64 KB chunks and decoded a line at a time with the mapping's encoding, so a
  200 MB file never sits in memory, and a line that cannot be decoded is named by its number.
- Checked first, written second: the first pass checks every line and collects a line-numbered report; only a
  file with no problems is read again and written, in one transaction. A bad file imports nothing: the import
  raises StatementImportError carrying the report (the first MAX_PROBLEMS_KEPT problems and the total).
- Idempotent: each line has a fingerprint (sha256 of the agreement, date, amount, description and payee as
  normalised, the reference if the file has one, and which occurrence of an identical line in the same file it
  is). A line already held is not added again, so importing the same or an overlapping file twice adds nothing,
  while two genuinely identical lines on one day in one file both count.
- Each new line is classified (classification.py) and posted to the ledger: money out as spending by category,
  contributions paid in as contributions; money in from the council was posted by the payment run, so it is
  linked to that transaction, never posted again.
"""

import codecs
import csv
import datetime
import functools
import hashlib
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from selfdirect.core.services import DomainError

MAX_PROBLEMS_KEPT = 1000
CHUNK_BYTES = 64 * 1024
MAX_LINE_BYTES = 1024 * 1024
BATCH_LINES = 500
# Uploads through the page are checked and imported while the person waits: larger files go through the
# statement_import command, which streams files of any size with a progress bar.
WEB_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
MAX_AMOUNT = Decimal("1000000.00")  # the ledger refuses amounts this large as typing mistakes (services.TOO_LARGE)

ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Windows Western European)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "ascii": "ASCII",
}
DELIMITERS = {",": "Comma (,)", ";": "Semicolon (;)", "\t": "Tab", "|": "Vertical bar (|)"}
_FORMAT_WORDS = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy", "%b": "Mon", "%B": "Month", "%H": "hh", "%M": "mm"}


class StatementImportError(DomainError):
    """The file cannot be imported and nothing was saved. `problems` holds the first MAX_PROBLEMS_KEPT problems
    found, each naming its line; `problem_count` how many there were in all."""

    def __init__(self, problems: list[str], problem_count: int | None = None):
        self.problems = list(problems)
        self.problem_count = problem_count if problem_count is not None else len(self.problems)
        noun = "problem" if self.problem_count == 1 else "problems"
        super().__init__(f"The statement has {self.problem_count:,} {noun}, so nothing was imported")


# --------------------------------------------------------------------------------------------------
# Reading values
# --------------------------------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"^(?P<sign>[+-])?(?:£|GBP)?(?P<sign2>[+-])?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$"
)


def parse_amount(text: str) -> Decimal:
    """Pounds and pence as a Decimal. Accepts £ signs, "GBP", thousands commas, a leading or trailing minus and
    (brackets) for negative amounts: "£1,234.56", "-£5", "(12.50)", "12.50-". Anything else raises ValueError."""
    raw = (text or "").strip()
    value = raw.replace(" ", "").replace("\u00a0", "")
    negative = False
    if value.startswith("(") and value.endswith(")"):
        value, negative = value[1:-1], True
    if value.endswith("-") and not value.startswith("-"):
        value, negative = value[:-1], not negative
    match = _AMOUNT.match(value)
    if not match or (match["sign"] and match["sign2"]):
        raise ValueError(f"“{raw}” is not an amount (write pounds and pence, for example 1,234.56)")
    amount = Decimal(match["whole"].replace(",", "") + "." + (match["pence"] or "0").ljust(2, "0"))
    if "-" in (match["sign"] or "", match["sign2"] or ""):
        negative = not negative
    return -amount if negative else amount


def normalise_text(text: str) -> str:
    """For fingerprints: case and runs of spaces ignored, so a bank's re-export with different spacing matches."""
    return " ".join((text or "").split()).casefold()


def account_matches(identifier: str, shown: str) -> bool:
    """Whether the account or card number a statement line shows is the agreement's. Spaces and dashes are
    ignored; a masked number (****1234, XXXX XXXX XXXX 1234) matches on its visible trailing digits; a number
    given without its sort code matches the end of one given with it."""
    mine = re.sub(r"[^0-9a-z]", "", identifier.lower())
    theirs_raw = shown.strip().lower()
    if not mine:
        return True  # the agreement records no number to check against
    if re.search(r"[*x•]", theirs_raw):
        visible = re.findall(r"[0-9]+", theirs_raw)
        if not visible:
            return False
        tail = visible[-1]
        return len(tail) >= 4 and mine.endswith(tail)
    theirs = re.sub(r"[^0-9a-z]", "", theirs_raw)
    if not theirs:
        return False
    if theirs == mine:
        return True
    shorter, longer = sorted((theirs, mine), key=len)
    return len(shorter) >= 8 and longer.endswith(shorter)


# Statements repeat the same few dates and one account number on every line: parse each once.
@functools.lru_cache(maxsize=4096)
def _parse_date(text: str, date_format: str) -> datetime.date:
    return datetime.datetime.strptime(text, date_format).date()


@functools.lru_cache(maxsize=256)
def _account_matches(identifier: str, shown: str) -> bool:
    return account_matches(identifier, shown)


def human_date_format(date_format: str) -> str:
    text = date_format
    for code, word in _FORMAT_WORDS.items():
        text = text.replace(code, word)
    return text


def encoding_label(encoding: str) -> str:
    return ENCODINGS.get(encoding.lower(), encoding)


# --------------------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    occurred_on: datetime.date
    description: str
    payee: str
    amount: Decimal
    mcc: str
    reference: str

    def fingerprint_base(self, agreement_id: int) -> str:
        return "\x1f".join(
            (
                str(agreement_id),
                self.occurred_on.isoformat(),
                f"{self.amount:.2f}",
                normalise_text(self.description),
                normalise_text(self.payee),
                self.reference.strip(),
            )
        )


def fingerprint(base: str, occurrence: int) -> str:
    return hashlib.sha256(f"{base}\x1f{occurrence}".encode()).hexdigest()


class _Stop(Exception):
    """Reading cannot go on (no header, wrong columns, not a text file): the problems so far are the report."""


class StatementReader:
    """Iterates the valid lines of one statement file, collecting a line-numbered report of every problem.

    Iterating reads the stream to its end. After that, `problems` (the first MAX_PROBLEMS_KEPT), `problem_count`,
    `rows_read` (lines with data after the header), `rows_skipped` (lines with no money in or out) and `sha256`
    (of the bytes read) are set. `spool`, if given, receives a copy of every byte read (for a second pass over a
    stream that cannot seek)."""

    def __init__(
        self,
        *,
        stream,
        mapping,
        agreement,
        today: datetime.date | None = None,
        on_bytes: Callable[[int], None] | None = None,
        spool=None,
    ):
        self.stream = stream
        self.mapping = mapping
        self.agreement = agreement
        self.today = today or timezone.localdate()
        self.on_bytes = on_bytes
        self.spool = spool
        self.problems: list[str] = []
        self.problem_count = 0
        self.rows_read = 0
        self.rows_skipped = 0
        self.lines_read = 0
        self._undecodable: set[int] = set()
        self._hash = hashlib.sha256()
        self.sha256 = ""

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(message)

    # -- bytes to text lines ---------------------------------------------------------------------

    def _raw_lines(self) -> Iterator[bytes]:
        pending = b""
        first = True
        while True:
            chunk = self.stream.read(CHUNK_BYTES)
            if not chunk:
                break
            if isinstance(chunk, str):  # a text stream: work in bytes all the same
                chunk = chunk.encode(self.mapping.encoding or "utf-8", errors="replace")
            self._hash.update(chunk)
            if self.spool is not None:
                self.spool.write(chunk)
            if self.on_bytes:
                self.on_bytes(len(chunk))
            if first:
                first = False
                if b"\x00" in chunk[:4096]:
                    self.problem(
                        "This is not a CSV text file (it may be a spreadsheet or a PDF): save the statement as CSV "
                        "and upload that"
                    )
                    raise _Stop
            pending += chunk
            *complete, pending = pending.split(b"\n")
            yield from (line + b"\n" for line in complete)
            if len(pending) > MAX_LINE_BYTES:
                self.problem(
                    f"Line {self.lines_read + len(complete) + 1} is longer than 1 MB with no line break: "
                    "this does not look like a statement"
                )
                raise _Stop
        if pending:
            yield pending

    def _text_lines(self) -> Iterator[str]:
        encoding = (self.mapping.encoding or "utf-8").strip()
        try:
            codecs.lookup(encoding)
        except LookupError:
            self.problem(f"The statement format “{self.mapping.name}” names an encoding this service does not know: "
                         f"{encoding}. Change the format's encoding, for example to UTF-8")  # fmt: skip
            raise _Stop from None
        for raw in self._raw_lines():
            self.lines_read += 1
            if self.lines_read == 1 and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.start + 1].hex()
                self.problem(
                    f"Line {self.lines_read} cannot be read as {encoding_label(encoding)} (byte 0x{bad} at character "
                    f"{error.start + 1}). The file is probably saved in another encoding: choose a statement format "
                    "with another encoding (many banks use Windows-1252), or save the file as UTF-8"
                )
                text = raw.decode(encoding, errors="replace")
                self._undecodable.add(self.lines_read)
            yield text

    # -- text lines to statement lines -----------------------------------------------------------

    def __iter__(self) -> Iterator[ParsedLine]:
        try:
            yield from self._parse()
        except _Stop:
            pass
        except csv.Error as error:
            self.problem(f"Line {self.lines_read} cannot be read as CSV: {error}")
        # Read to the end whatever happened, so the file's hash and the progress bar are complete.
        for _ in self._drain():
            pass
        self.sha256 = self._hash.hexdigest()

    def _drain(self):
        if self.stream is None:
            return
        while True:
            chunk = self.stream.read(CHUNK_BYTES)
            if not chunk:
                return
            if isinstance(chunk, str):
                chunk = chunk.encode("utf-8", errors="replace")
            self._hash.update(chunk)
            if self.spool is not None:
                self.spool.write(chunk)
            if self.on_bytes:
                self.on_bytes(len(chunk))
            yield

    def _columns(self) -> dict[str, str]:
        m = self.mapping
        wanted = {"date": m.date_column, "description": m.description_column}
        for key, name in (
            ("payee", m.payee_column),
            ("amount", m.amount_column),
            ("money_out", m.money_out_column),
            ("money_in", m.money_in_column),
            ("mcc", m.mcc_column),
            ("account", m.account_column),
            ("reference", m.reference_column),
        ):
            if name and name.strip():
                wanted[key] = name
        return {key: name.strip() for key, name in wanted.items()}

    def _parse(self) -> Iterator[ParsedLine]:
        mapping = self.mapping
        lines = self._text_lines()
        for _ in range(mapping.skip_rows or 0):
            if next(lines, None) is None:
                self.problem(f"The file ends before its header row (the format skips {mapping.skip_rows} lines first)")
                raise _Stop
        delimiter = mapping.delimiter or ","
        reader = csv.reader(lines, delimiter=delimiter)
        header = None
        for row in reader:
            if any(cell.strip() for cell in row):
                header = row
                break
        if header is None:
            self.problem("The file is empty: there is no header row of column names")
            raise _Stop
        header_line = self.lines_read
        names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
        columns = self._columns()
        index, missing = {}, []
        for key, name in columns.items():
            if name.lower() in names:
                index[key] = names.index(name.lower())
            else:
                missing.append(name)
        if "amount" not in index and not ("money_out" in index and "money_in" in index) and not missing:
            self.problem(f"The statement format “{mapping.name}” names no amount column: add one to the format")
            raise _Stop
        if missing:
            found = ", ".join(f"“{cell.strip()}”" for cell in header if cell.strip()) or "none"
            expected = ", ".join(f"“{name}”" for name in columns.values())
            plural = "columns" if len(missing) > 1 else "column"
            self.problem(
                f"Line {header_line} (the header row) has no {', '.join(f'“{n}”' for n in missing)} {plural}. The "
                f"statement format “{mapping.name}” expects {expected}; this file has {found}. Check you chose the "
                "right format for this file"
            )
            if (
                len(header) == 1
                and delimiter not in header[0]
                and any(d in header[0] for d in DELIMITERS if d != delimiter)
            ):
                self.problem(f"The header row looks separated by another character than the format's "
                             f"{DELIMITERS.get(delimiter, delimiter).lower()}: check the format")  # fmt: skip
            raise _Stop
        needed = max(index.values()) + 1
        previous_end = self.lines_read
        for row in reader:
            line_number = previous_end + 1
            previous_end = self.lines_read
            if not any(cell.strip() for cell in row):
                continue
            self.rows_read += 1
            if self._undecodable and any(n in self._undecodable for n in range(line_number, previous_end + 1)):
                continue  # already reported: its values cannot be trusted
            if len(row) < needed:
                self.problem(
                    f"Line {line_number} has {len(row)} value{'s' if len(row) != 1 else ''} but the header row has "
                    f"{len(header)} columns"
                )
                continue
            parsed = self._line(line_number, row, index)
            if parsed is not None:
                yield parsed

    def _line(self, n: int, row: list[str], index: dict[str, int]) -> ParsedLine | None:
        mapping = self.mapping

        def cell(key: str) -> str:
            return row[index[key]].strip() if key in index else ""

        problems_before = self.problem_count
        occurred_on = None
        text = cell("date")
        if not text:
            self.problem(f"Line {n}: the date is missing")
        else:
            try:
                occurred_on = _parse_date(text, mapping.date_format)
            except ValueError:
                self.problem(
                    f"Line {n}: “{text}” is not a real date in the format {human_date_format(mapping.date_format)}"
                )
            else:
                if occurred_on > self.today:
                    self.problem(f"Line {n}: the date {text} is in the future")
                elif occurred_on.year < 1990:
                    self.problem(f"Line {n}: the date {text} is too long ago to be on a direct payment statement")
        amount = self._amount(n, cell, index)
        description, payee = cell("description"), cell("payee")
        if not description and not payee:
            self.problem(f"Line {n}: the description is missing")
        mcc = cell("mcc")
        if mcc and not (mcc.isdigit() and len(mcc) == 4):
            self.problem(f"Line {n}: the merchant category code “{mcc}” is not 4 digits")
        shown = cell("account")
        if shown and not _account_matches(self.agreement.account_identifier, shown):
            self.problem(
                f"Line {n}: account or card “{shown}” is not this direct payment's account "
                f"({mask(self.agreement.account_identifier)}). Lines for another account cannot be imported here"
            )
        if self.problem_count != problems_before or amount is None or occurred_on is None:
            return None
        if amount == 0:
            self.rows_skipped += 1
            return None
        return ParsedLine(
            line_number=n,
            occurred_on=occurred_on,
            description=description[:300],
            payee=payee[:200],
            amount=amount,
            mcc=mcc,
            reference=cell("reference")[:100],
        )

    def _amount(self, n: int, cell, index) -> Decimal | None:
        def read(key: str, label: str) -> Decimal | None:
            text = cell(key)
            if not text:
                return None
            try:
                value = parse_amount(text)
            except ValueError as error:
                self.problem(f"Line {n}: {label}{error}")
                return None
            if abs(value) >= MAX_AMOUNT:
                self.problem(f"Line {n}: {label}“{text}” is too large to be a statement amount")
                return None
            return value

        if "amount" in index:
            if not cell("amount"):
                self.problem(f"Line {n}: the amount is missing")
                return None
            return read("amount", "")
        out_text, in_text = cell("money_out"), cell("money_in")
        money_out = read("money_out", "money out: ")
        money_in = read("money_in", "money in: ")
        if (out_text and money_out is None) or (in_text and money_in is None):
            return None
        if not out_text and not in_text:
            self.problem(f"Line {n}: money in and money out are both empty")
            return None
        if money_out and money_in:
            self.problem(f"Line {n} has both money in ({in_text}) and money out ({out_text}): it should be one or "
                         "the other")  # fmt: skip
            return None
        if money_out:
            return -abs(money_out)
        return abs(money_in or Decimal("0"))


def mask(identifier: str) -> str:
    digits = re.sub(r"[^0-9A-Za-z]", "", identifier or "")
    return f"ending {digits[-4:]}" if len(digits) > 4 else identifier


# --------------------------------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------------------------------

ProgressCallback = Callable[[str, int, int], None]


def _size(stream) -> int:
    size = getattr(stream, "size", None)
    if size:
        return int(size)
    try:
        position = stream.tell()
        stream.seek(0, 2)
        end = stream.tell()
        stream.seek(position)
        return end - position
    except (AttributeError, OSError, ValueError):
        return 0


def _seekable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError):
        return False


@dataclass(frozen=True)
class Posting:
    kind: str
    occurred_on: datetime.date
    description: str
    category: str
    entries: dict


def statement_line_posting(line) -> Posting:
    """What a statement line posts to the ledger (classification.ledger_posting), as one Posting."""
    from . import classification

    kind, entries = classification.ledger_posting(line.category, line.amount)
    description = " – ".join(part for part in (line.payee, line.description) if part)[:300] or "Statement line"
    return Posting(kind, line.occurred_on, description, line.category, entries)


def ledger_post_batch(*, agreement, postings: list[Posting], actor) -> list:
    """Post many ledger transactions for one agreement at once, with the same rules as services.ledger_post
    (entries add up to exactly £0, whole pence, under services.TOO_LARGE, known kinds and categories), in a few
    queries rather than a few per transaction. The caller's own audit record covers them (a statement import
    records one for the file). Returns the transactions in the order given."""
    from .models import Category, LedgerAccount, LedgerEntry, LedgerTransaction

    if not postings:
        return []
    for posting in postings:
        if posting.kind not in LedgerTransaction.Kind.values or posting.kind == LedgerTransaction.Kind.REVERSAL:
            raise DomainError(f"Unknown kind of ledger transaction: {posting.kind}")
        if posting.category and posting.category not in Category.values:
            raise DomainError(f"Unknown category: {posting.category}")
        if len(posting.entries) < 2 or sum(posting.entries.values(), Decimal("0")) != 0:
            raise DomainError("A ledger transaction's entries must add up to £0")
        for kind, amount in posting.entries.items():
            if kind not in LedgerAccount.Kind.values or amount != amount.quantize(Decimal("0.01")):
                raise DomainError(f"A ledger entry must be whole pence in a known account: {kind} {amount}")
            if abs(amount) >= MAX_AMOUNT:
                raise DomainError(f"A ledger entry must be less than £{MAX_AMOUNT:,.2f}")
    kinds = {kind for posting in postings for kind in posting.entries}
    accounts = {a.kind: a for a in LedgerAccount.objects.filter(agreement=agreement, kind__in=kinds)}
    for kind in kinds - set(accounts):
        accounts[kind], _ = LedgerAccount.objects.get_or_create(agreement=agreement, kind=kind)
    created_by = actor if getattr(actor, "pk", None) else None
    transactions = LedgerTransaction.objects.bulk_create(
        [
            LedgerTransaction(
                agreement=agreement,
                kind=posting.kind,
                occurred_on=posting.occurred_on,
                description=posting.description,
                category=posting.category,
                created_by=created_by,
            )
            for posting in postings
        ]
    )
    if any(t.pk is None for t in transactions):  # a database that cannot return ids from a bulk insert
        raise DomainError("The database did not return the new ledger transactions' ids")
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(transaction=t, account=accounts[kind], amount=amount)
            for t, posting in zip(transactions, postings, strict=True)
            for kind, amount in posting.entries.items()
        ]
    )
    return transactions


def statement_check(*, agreement, mapping, file, today=None, on_progress: ProgressCallback | None = None):
    """Check a whole statement without saving anything: (reader, spool or None). Raises StatementImportError with
    the line-numbered report when anything is wrong. The spool holds the bytes when the stream cannot seek."""
    total = _size(file)
    done = [0]

    def on_bytes(n: int) -> None:
        done[0] += n
        if on_progress:
            on_progress("Checking", done[0], total)

    spool = None if _seekable(file) else tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
    start = file.tell() if spool is None else 0
    reader = StatementReader(stream=file, mapping=mapping, agreement=agreement, today=today, on_bytes=on_bytes,
                             spool=spool)  # fmt: skip
    for _ in reader:
        pass
    if reader.problem_count:
        if spool is not None:
            spool.close()
        raise StatementImportError(reader.problems, reader.problem_count)
    if reader.rows_read == 0:
        if spool is not None:
            spool.close()
        raise StatementImportError(["The file has a header row but no statement lines"])
    if spool is None:
        file.seek(start)
    else:
        spool.seek(0)
    return reader, spool


def statement_import(
    *,
    agreement,
    mapping,
    file,
    filename: str,
    actor,
    today=None,
    on_progress: ProgressCallback | None = None,
    request=None,
):
    """Import one statement file for a direct-payment agreement (see the module docstring). Returns the
    StatementImport; raises StatementImportError (a DomainError with the report) and saves nothing when any line
    is wrong."""
    from selfdirect.core.audit import audit_record
    from selfdirect.core.models import AuditEvent

    from . import classification
    from .models import DirectPaymentAgreement, StatementImport, StatementLine

    today = today or timezone.localdate()
    checked, spool = statement_check(agreement=agreement, mapping=mapping, file=file, today=today,
                                     on_progress=on_progress)  # fmt: skip
    source = spool if spool is not None else file
    total = checked.rows_read
    rules = classification.rules_active()
    try:
        with transaction.atomic():
            # One import at a time per account: a second waits here, then finds these lines already held.
            agreement = DirectPaymentAgreement.objects.select_for_update().get(pk=agreement.pk)
            record = StatementImport.objects.create(
                agreement=agreement,
                mapping=mapping,
                filename=(filename or "statement.csv")[:200],
                sha256=checked.sha256,
                rows_read=checked.rows_read,
                rows_skipped=checked.rows_skipped,
                imported_by=actor if getattr(actor, "pk", None) else None,
            )
            reader = StatementReader(stream=source, mapping=mapping, agreement=agreement, today=today)
            occurrences: dict[bytes, int] = {}
            added = held = 0
            linked: set[int] = set()
            batch: list[tuple[ParsedLine, str]] = []

            def flush() -> None:
                nonlocal added, held
                fingerprints = [fp for _, fp in batch]
                existing = set(
                    StatementLine.objects.filter(agreement=agreement, fingerprint__in=fingerprints).values_list(
                        "fingerprint", flat=True
                    )
                )
                new = []
                for parsed, fp in batch:
                    if fp in existing:
                        held += 1
                        continue
                    category, rule = classification.classify(
                        description=parsed.description,
                        payee=parsed.payee,
                        mcc=parsed.mcc,
                        amount=parsed.amount,
                        rules=rules,
                    )
                    line = StatementLine(
                        agreement=agreement,
                        statement_import=record,
                        line_number=parsed.line_number,
                        occurred_on=parsed.occurred_on,
                        description=parsed.description,
                        payee=parsed.payee,
                        amount=parsed.amount,
                        mcc=parsed.mcc,
                        reference=parsed.reference,
                        fingerprint=fp,
                        category=category,
                        rule_id=rule.id if rule else None,
                    )
                    if not classification.posts_own_transaction(category, parsed.amount):
                        match = classification.council_payment_match(
                            agreement=agreement, occurred_on=parsed.occurred_on, amount=parsed.amount, exclude=linked
                        )
                        if match is not None:
                            linked.add(match.pk)
                            line.ledger_transaction = match
                    new.append(line)
                own = [line for line in new if classification.posts_own_transaction(line.category, line.amount)]
                posted = ledger_post_batch(
                    agreement=agreement, postings=[statement_line_posting(line) for line in own], actor=actor
                )
                for line, posted_transaction in zip(own, posted, strict=True):
                    line.ledger_transaction = posted_transaction
                StatementLine.objects.bulk_create(new)
                added += len(new)
                batch.clear()

            for done, parsed in enumerate(reader, start=1):
                base = parsed.fingerprint_base(agreement.pk)
                key = hashlib.blake2b(base.encode(), digest_size=16).digest()
                occurrence = occurrences.get(key, 0)
                occurrences[key] = occurrence + 1
                batch.append((parsed, fingerprint(base, occurrence)))
                if len(batch) >= BATCH_LINES:
                    flush()
                    if on_progress:
                        on_progress("Importing", done, total)
            if batch:
                flush()
            if on_progress:
                on_progress("Importing", total, total)
            if reader.problem_count:  # the file changed between the two readings
                raise StatementImportError(reader.problems, reader.problem_count)
            record.rows_added, record.rows_already_held = added, held
            record.save(update_fields=["rows_added", "rows_already_held"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=record,
                person_id=agreement.person_id,
                summary=(
                    f"Statement imported for direct payment {agreement.pk}: {record.filename}, {added} lines added, "
                    f"{held} already held"
                ),
                request=request,
            )
    except IntegrityError as error:
        raise StatementImportError(
            ["Another import for this account saved some of the same lines at the same moment. Nothing from this "
             "file was saved: import it again and the lines already held will be left out"]
        ) from error  # fmt: skip
    finally:
        if spool is not None:
            spool.close()
    return record


# --------------------------------------------------------------------------------------------------
# Statement formats (column mappings)
# --------------------------------------------------------------------------------------------------

BUILT_IN_MAPPINGS: tuple[dict, ...] = (
    {
        "name": "Generic CSV",
        "description": "One signed amount column (money out negative), dates as dd/mm/yyyy. Any bank's or provider's "
        "export can be rearranged into this shape.",
        "delimiter": ",",
        "encoding": "utf-8",
        "date_column": "Date",
        "date_format": "%d/%m/%Y",
        "description_column": "Description",
        "payee_column": "Payee",
        "amount_column": "Amount",
        "reference_column": "Reference",
        "account_column": "Account",
    },
    {
        "name": "High-street bank (Money In and Money Out)",
        "description": "A personal bank account export: separate Money In and Money Out columns with £ signs and "
        "commas, dd/mm/yyyy dates, sort code and account number on every line, saved by Windows (Windows-1252).",
        "delimiter": ",",
        "encoding": "cp1252",
        "date_column": "Transaction Date",
        "date_format": "%d/%m/%Y",
        "description_column": "Transaction Description",
        "money_out_column": "Money Out",
        "money_in_column": "Money In",
        "account_column": "Account Number",
    },
    {
        "name": "Prepaid card scheme",
        "description": "A prepaid card provider's export: signed amounts, ISO dates (yyyy-mm-dd), merchant category "
        "codes, the masked card number and a transaction ID.",
        "delimiter": ",",
        "encoding": "utf-8",
        "date_column": "posted_date",
        "date_format": "%Y-%m-%d",
        "description_column": "description",
        "payee_column": "merchant_name",
        "amount_column": "amount",
        "mcc_column": "mcc",
        "account_column": "card_number",
        "reference_column": "transaction_id",
    },
    {
        "name": "Managed account provider",
        "description": "A managed-account provider's client statement: three lines of heading before the columns, "
        "semicolon-separated, dates like 05-Mar-2025, Paid Out and Received columns and the client reference.",
        "delimiter": ";",
        "encoding": "utf-8",
        "skip_rows": 3,
        "date_column": "Date",
        "date_format": "%d-%b-%Y",
        "description_column": "Details",
        "payee_column": "Payee",
        "money_out_column": "Paid Out",
        "money_in_column": "Received",
        "account_column": "Client Ref",
        "reference_column": "Item",
    },
)


def mappings_install_defaults(mapping_model=None) -> int:
    """Install the built-in statement formats that are missing by name (a council's own changes are kept)."""
    if mapping_model is None:
        from .models import ColumnMapping as mapping_model
    have = set(mapping_model.objects.values_list("name", flat=True))
    new = [mapping_model(**fields) for fields in BUILT_IN_MAPPINGS if fields["name"] not in have]
    mapping_model.objects.bulk_create(new)
    return len(new)


MAPPING_FIELDS = [
    "name",
    "description",
    "delimiter",
    "encoding",
    "skip_rows",
    "date_column",
    "date_format",
    "description_column",
    "payee_column",
    "amount_column",
    "money_out_column",
    "money_in_column",
    "mcc_column",
    "account_column",
    "reference_column",
]


def mapping_check(mapping) -> None:
    """Refuse a format that could not read any file: an unknown encoding, a date format that does not round-trip,
    no amount column (or only one of money in and money out), or one column used twice."""
    try:
        codecs.lookup(mapping.encoding)
    except LookupError:
        raise DomainError(f"{mapping.encoding} is not an encoding this service knows", field="encoding") from None
    sample = datetime.date(2025, 3, 5)
    try:
        shown = sample.strftime(mapping.date_format)
        if datetime.datetime.strptime(shown, mapping.date_format).date() != sample:
            raise ValueError
    except ValueError:
        raise DomainError(
            "Enter a date format with a day, month and year, such as %d/%m/%Y (05/03/2025) or %Y-%m-%d",
            field="date_format",
        ) from None
    amount = (mapping.amount_column or "").strip()
    out, into = (mapping.money_out_column or "").strip(), (mapping.money_in_column or "").strip()
    if amount and (out or into):
        raise DomainError("Give either one amount column or money out and money in columns, not both",
                          field="amount_column")  # fmt: skip
    if not amount and not (out and into):
        raise DomainError("Give the amount column, or both the money out and money in columns", field="amount_column")
    names = [
        (getattr(mapping, f) or "").strip().lower()
        for f in MAPPING_FIELDS
        if f.endswith("_column") and (getattr(mapping, f) or "").strip()
    ]
    if len(names) != len(set(names)):
        raise DomainError("Each column can be used for one thing only", field="date_column")


def mapping_save(*, mapping, actor, request=None):
    """Create or change a statement format, audited (old -> new)."""
    from selfdirect.core.audit import audit_record, diff, snapshot
    from selfdirect.core.models import AuditEvent

    from .models import ColumnMapping

    mapping_check(mapping)
    with transaction.atomic():
        creating = mapping.pk is None
        if ColumnMapping.objects.filter(name__iexact=mapping.name).exclude(pk=mapping.pk).exists():
            raise DomainError("There is already a statement format with this name", field="name")
        before = {} if creating else snapshot(ColumnMapping.objects.get(pk=mapping.pk), MAPPING_FIELDS)
        mapping.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            obj=mapping,
            summary=f"Statement format {'added' if creating else 'changed'}: {mapping.name}",
            changes=diff(before, snapshot(mapping, MAPPING_FIELDS)),
            request=request,
        )
    return mapping
