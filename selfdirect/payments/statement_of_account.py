"""The statement of account for a direct payment over a period: what was in the account at the start, what came
in (council payments, contributions paid in), what went out (spending by category, money returned to the council),
what is left, and how much of that is more than the account needs to hold (a surplus).

One selector (`account_statement`) serves the staff page, the portal page and the PDF. Everything is worked out
from the holder's ledger entries: each entry in the period is counted once, under the kind of transaction it
belongs to (a reversal under the kind of the transaction it corrects, so a reversed payment nets out), so the
closing balance is always the opening balance plus the movements, and that is checked against the ledger.

Also here: reading the period from the query string (`period_from_query`) and storing the holder's receipts and
payroll slips (`receipt_store`, `receipts_for`).
"""

import datetime
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_valid_filename

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.planning.pdf import Field, Section, Subheading, render_pdf
from selfdirect.rules.charging import pounds

from . import selectors
from .models import Category, DirectPaymentAgreement, LedgerAccount, LedgerEntry, LedgerTransaction, ScheduledPayment

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
T = LedgerTransaction.Kind
DEFAULT_MONTHS = 3


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class StatementRow:
    occurred_on: datetime.date
    description: str
    amount: Decimal  # positive: money in; negative: money out
    balance: Decimal


@dataclass(frozen=True)
class AccountStatement:
    agreement: DirectPaymentAgreement
    start: datetime.date
    end: datetime.date
    opening: Decimal
    council_payments: Decimal
    contributions: Decimal
    spending: list[CategoryTotal]
    spending_total: Decimal
    recoupments: Decimal
    closing: Decimal
    weekly_amount: Decimal
    weekly_basis: str
    surplus_weeks: int
    surplus_limit: Decimal
    surplus: Decimal
    rows: list[StatementRow] = field(default_factory=list)

    @property
    def money_in(self) -> Decimal:
        return self.council_payments + self.contributions

    @property
    def money_out(self) -> Decimal:
        return self.spending_total + self.recoupments


def _penny(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(PENNY)


def weekly_amount(*, agreement: DirectPaymentAgreement, on: datetime.date) -> tuple[Decimal, str]:
    """The weekly amount the account is paid, and how it was worked out.

    First choice: the latest regular scheduled payment due on or before `on` (not cancelled), divided by the weeks
    in the period it pays for: what was actually paid, net or gross as the agreement pays. Otherwise (no regular
    payment yet) the personal budget's weekly direct payment in force on that day, as the agreement pays it
    (selectors.weekly_amount_now)."""
    payment = (
        ScheduledPayment.objects.filter(
            agreement=agreement,
            kind=ScheduledPayment.Kind.REGULAR,
            due_on__lte=on,
            period_start__isnull=False,
            period_end__isnull=False,
        )
        .exclude(status=ScheduledPayment.Status.CANCELLED)
        .order_by("-due_on", "-id")
        .first()
    )
    if payment is not None:
        days = (payment.period_end - payment.period_start).days + 1
        if days > 0:
            return _penny(payment.amount * 7 / Decimal(days)), "the latest regular payment"
    weekly = selectors.weekly_amount_now(agreement=agreement, on=max(on, agreement.start_date))
    return _penny(weekly), "the personal budget"


def account_statement(
    *, agreement: DirectPaymentAgreement, start: datetime.date, end: datetime.date
) -> AccountStatement:
    """The statement of account from `start` to `end` (both included)."""
    if start > end:
        raise ValueError("The statement period starts after it ends")
    opening = selectors.balance(agreement=agreement, on=start - datetime.timedelta(days=1))
    entries = (
        LedgerEntry.objects.filter(
            account__agreement=agreement,
            account__kind=LedgerAccount.Kind.HOLDER,
            transaction__occurred_on__range=(start, end),
        )
        .select_related("transaction__reverses")
        .order_by("transaction__occurred_on", "transaction_id", "id")
    )
    council = contributions = recoupments = ZERO
    by_category: dict[str, Decimal] = {}
    rows, running = [], opening
    for entry in entries:
        transaction = entry.transaction
        amount = _penny(entry.amount)
        kind = transaction.kind
        if kind == T.REVERSAL and transaction.reverses is not None:
            kind = transaction.reverses.kind  # a reversal nets out against what it corrects
        if kind == T.COUNCIL_PAYMENT:
            council += amount
        elif kind == T.CONTRIBUTION:
            contributions += amount
        elif kind == T.RECOUPMENT:
            recoupments -= amount
        else:  # spending (money in under a spending category is a refund: it reduces that spending)
            category = transaction.category or Category.OTHER
            by_category[category] = by_category.get(category, ZERO) - amount
        running += amount
        rows.append(StatementRow(transaction.occurred_on, transaction.description, amount, running))
    labels = dict(Category.choices)
    spending = [
        CategoryTotal(category, labels.get(category, category), amount)
        for category, amount in sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
        if amount != 0
    ]
    spending_total = sum((c.amount for c in spending), ZERO)
    closing = opening + council + contributions - spending_total - recoupments
    ledger_closing = selectors.balance(agreement=agreement, on=end)
    if closing != ledger_closing:  # not `assert`: this must hold with -O too
        raise RuntimeError(
            f"Statement of account does not add up: {closing} worked out, {ledger_closing} in the ledger"
        )
    weekly, basis = weekly_amount(agreement=agreement, on=end)
    weeks = CouncilSettings.current().dp_surplus_weeks
    limit = _penny(weekly * weeks)
    return AccountStatement(
        agreement=agreement,
        start=start,
        end=end,
        opening=opening,
        council_payments=council,
        contributions=contributions,
        spending=spending,
        spending_total=spending_total,
        recoupments=recoupments,
        closing=closing,
        weekly_amount=weekly,
        weekly_basis=basis,
        surplus_weeks=weeks,
        surplus_limit=limit,
        surplus=max(ZERO, closing - limit) if weekly > 0 else ZERO,
        rows=rows,
    )


def upcoming_payments(*, agreement: DirectPaymentAgreement, today: datetime.date, count: int = 3):
    """The next payments still to be made (scheduled or in a payment run), soonest first."""
    return list(
        ScheduledPayment.objects.filter(
            agreement=agreement,
            status__in=[ScheduledPayment.Status.SCHEDULED, ScheduledPayment.Status.IN_RUN],
            due_on__gte=today,
        ).order_by("due_on", "id")[:count]
    )


# --- The period -----------------------------------------------------------------------------------------------


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 3 months, up to and including today."""
    return _months_before(today, DEFAULT_MONTHS) + datetime.timedelta(days=1), today


def period_from_query(params, *, today: datetime.date | None = None):
    """(start, end, errors) from ?from=YYYY-MM-DD&to=YYYY-MM-DD; the last 3 months when not given. errors maps
    "from"/"to" to a message; with errors, the default period is returned for the page to show."""
    today = today or timezone.localdate()
    default_start, default_end = default_period(today)
    values = {"from": default_start, "to": default_end}
    errors: dict[str, str] = {}
    names = {"from": "start", "to": "end"}
    for key in ("from", "to"):
        text = (params.get(key) or "").strip()
        if not text:
            continue
        try:
            values[key] = datetime.date.fromisoformat(text)
        except ValueError:
            errors[key] = f"Enter the {names[key]} date as year-month-day, for example 2026-12-01"
    if not errors and values["from"] > values["to"]:
        errors["to"] = "The end date must be the same as or after the start date"
    if errors:
        return default_start, default_end, errors
    return values["from"], values["to"], errors


# --- The PDF --------------------------------------------------------------------------------------------------


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def statement_sections(statement: AccountStatement, *, printed_on: datetime.date) -> list[Section]:
    agreement = statement.agreement
    person = agreement.person
    period = f"{_date(statement.start)} to {_date(statement.end)}"
    about = [
        f"This statement shows the money that went into and out of the direct payment account for "
        f"{person.full_name} from {period}.",
        Field("Agreement number", f"DP{agreement.pk:06d}"),
        Field("Paid to", agreement.holder_name),
        Field("Printed on", _date(printed_on)),
    ]
    summary = [
        Field(f"In the account on {_date(statement.start)}", pounds(statement.opening)),
        Field("Paid in by the council", pounds(statement.council_payments)),
        Field("Contributions paid in", pounds(statement.contributions)),
        Field("Spent on support", pounds(statement.spending_total)),
        Field("Paid back to the council", pounds(statement.recoupments)),
        Field(f"In the account on {_date(statement.end)}", pounds(statement.closing)),
    ]
    spending: list[str] = [Field(c.label, pounds(c.amount)) for c in statement.spending]
    if not spending:
        spending = ["Nothing was spent from the account in this period."]
    if statement.weekly_amount > 0:
        money_left = [
            f"The account may hold up to {statement.surplus_weeks} weeks of the direct payment "
            f"({pounds(statement.weekly_amount)} a week, worked out from {statement.weekly_basis}): "
            f"{pounds(statement.surplus_limit)}.",
        ]
        if statement.surplus > 0:
            money_left.append(
                f"The account holds {pounds(statement.surplus)} more than that. The council may talk to you about "
                "paying some of it back, or about whether the support is meeting your needs."
            )
        else:
            money_left.append("The account does not hold more than that.")
    else:
        money_left = ["There is no weekly amount to compare the balance with yet."]
    movements: list[str] = [
        Field(_date(row.occurred_on), f"{row.description}: {pounds(row.amount)} (balance {pounds(row.balance)})")
        for row in statement.rows
    ] or ["No money went into or out of the account in this period."]
    return [
        Section(f"Statement of account for {person.full_name}", about),
        Section("Summary", summary),
        Section("Spending by category", spending),
        Section("Money left in the account", money_left),
        Section("Every payment in and out", [Subheading(period), *movements]),
    ]


def statement_pdf_bytes(statement: AccountStatement) -> bytes:
    printed_on = timezone.localdate()
    sections = statement_sections(statement, printed_on=printed_on)
    footer = f"Statement of account for {statement.agreement.person.full_name}. Printed on {_date(printed_on)}. "
    return render_pdf(sections[0].heading, sections, footer=footer)


def statement_pdf_filename(statement: AccountStatement) -> str:
    return f"statement-of-account-{statement.agreement.pk}-{statement.start:%Y-%m-%d}-to-{statement.end:%Y-%m-%d}.pdf"


# --- Receipts and payroll slips -------------------------------------------------------------------------------

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
RECEIPT_AUDIT_TYPE = "payments.receipt"
# Extension -> the file's first bytes (magic numbers): the extension must agree with the content.
RECEIPT_TYPES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


class ReceiptRefused(ValueError):
    pass


def receipts_root() -> Path:
    """MEDIA_ROOT/receipts (settings.RECEIPTS_DIR overrides it; BASE_DIR/var/receipts without a MEDIA_ROOT)."""
    configured = getattr(settings, "RECEIPTS_DIR", None)
    if configured:
        return Path(configured)
    if getattr(settings, "MEDIA_ROOT", ""):
        return Path(settings.MEDIA_ROOT) / "receipts"
    return Path(settings.BASE_DIR) / "var" / "receipts"


def clean_filename(name: str) -> str:
    """The uploaded name without any folder, odd characters or excessive length (for display and the audit)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    try:
        cleaned = get_valid_filename(name)
    except Exception:  # SuspiciousFileOperation for "", "." or ".."
        cleaned = ""
    stem, dot, ext = cleaned.rpartition(".")
    if dot and len(cleaned) > 100:
        cleaned = f"{stem[: 99 - len(ext)]}.{ext}"
    return cleaned[:100] or "receipt"


def receipt_store(*, agreement: DirectPaymentAgreement, upload, actor, request=None) -> str:
    """Check and store an uploaded receipt or payroll slip; returns the stored (random) name. ReceiptRefused says
    why a file was not accepted."""
    original = clean_filename(getattr(upload, "name", ""))
    ext = Path(original).suffix.lower()
    if ext not in RECEIPT_TYPES:
        raise ReceiptRefused("The file must be a PDF, JPG or PNG")
    if upload.size > MAX_RECEIPT_BYTES:
        raise ReceiptRefused("The file must be smaller than 5 MB")
    if upload.size == 0:
        raise ReceiptRefused("The file is empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in RECEIPT_TYPES[ext]):
        raise ReceiptRefused(f"The file is not a real {ext[1:].upper()}: it must be a PDF, JPG or PNG")
    folder = receipts_root() / str(agreement.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(12)}{'.jpg' if ext == '.jpeg' else ext}"
    with open(folder / stored, "xb") as destination:
        for chunk in upload.chunks():
            destination.write(chunk)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type=RECEIPT_AUDIT_TYPE,
        object_id=f"{agreement.pk}/{stored}",
        person_id=agreement.person_id,
        summary=f"Receipt uploaded: {original}",
        request=request,
    )
    return stored


@dataclass(frozen=True)
class Receipt:
    stored: str
    original: str
    uploaded_at: datetime.datetime | None


STORED_RECEIPT_NAME = re.compile(r"^[0-9a-f]{24}\.(pdf|png|jpg)$")


def receipt_path(*, agreement: DirectPaymentAgreement, stored: str) -> Path | None:
    """The stored receipt's file, or None when the name is not one receipt_store makes or the file is gone (a
    name from a URL never reaches the file system unchecked)."""
    if not STORED_RECEIPT_NAME.match(stored):
        return None
    path = receipts_root() / str(agreement.pk) / stored
    return path if path.is_file() else None


def receipts_for(*, agreement: DirectPaymentAgreement) -> list[Receipt]:
    """The agreement's stored receipts (newest first), named as uploaded (from the audit records)."""
    folder = receipts_root() / str(agreement.pk)
    if not folder.is_dir():
        return []
    events = {
        e.object_id.split("/", 1)[-1]: e
        for e in AuditEvent.objects.filter(
            object_type=RECEIPT_AUDIT_TYPE, object_id__startswith=f"{agreement.pk}/", person_id=agreement.person_id
        )
    }
    receipts = []
    for path in folder.iterdir():
        if not path.is_file():
            continue
        event = events.get(path.name)
        original = event.summary.removeprefix("Receipt uploaded: ") if event else path.name
        receipts.append(Receipt(path.name, original, event.occurred_at if event else None))
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return sorted(receipts, key=lambda r: r.uploaded_at or epoch, reverse=True)
