"""Council-managed budgets and individual service funds: commitments (service orders) to providers raised from
approved plans, and providers' invoices checked against them day by day at the rate in force that day.

Services change state, each in one transaction with its audit record (and, for commitments, the person's timeline
event); selectors read, and the ones for a person's records go through people.selectors.person_get_for_user.

How an invoice line is checked:

1. The person (by council person ID) and the service date find the commitments with that provider that cover the
   date (an ended commitment still covers the days before it ended). None: UNMATCHED.
2. Each commitment expects, for rates per occasion (hourly, per session, daily), the units billed, but no more
   than the plan's units each time and no more than what is left of the week's planned units (weeks run Monday
   to Sunday; lines already imported for that week count). For rates for a period (weekly and longer), the units
   billed, up to the day the commitment ended.
3. The expected amount is those units at the rate in force that day (rules/daily_rates.py): the provider's
   market rate for the commitment's service component and unit type, else the council's standard rate, else the
   rate agreed in the plan. A weekly rate billed from a Monday with a rise on the Wednesday is two days at the
   old rate and five at the new. It is rounded to the penny once per line.
4. MATCHED when the amount billed equals the expected amount, otherwise VARIANCE with a sentence saying why. With
   two commitments that could fit (a morning and a teatime call with the same agency), the one that matches, or
   else the one nearest the amount billed, is used.

Invoice files are CSV (see `HEADER_ALIASES` for the column names understood, and `fixtures/invoices/`). An import is
atomic: a file with any problem imports nothing and the report names each line. Importing the same file again
adds nothing; another file reusing an invoice reference the provider has already sent is refused.
"""

import codecs
import csv
import datetime
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, require
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement, Provider, Rate
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.selectors import person_get_for_user
from selfdirect.people.services import person_change_record
from selfdirect.planning.models import PlanLine, SupportPlan
from selfdirect.rules import daily_rates, plan_costs
from selfdirect.rules.daily_rates import Costing, RatePoint

from .models import Commitment, InvoiceLine, ProviderInvoice

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
RAISED_FOR = (plan_costs.COUNCIL_MANAGED, plan_costs.INDIVIDUAL_SERVICE_FUND)
NOT_ORDERED = (plan_costs.NO_CHARGE, plan_costs.ONE_OFF)
COMMITMENT_FIELDS = ["status", "start_date", "end_date", "end_reason", "units_per_week", "provider"]
RESOLUTION_FIELDS = ["resolution", "resolution_note"]

# Bigger than any provider's invoice; a file this large is the wrong file.
MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 100
TOO_MANY_UNITS = Decimal("1000000")
TOO_MUCH_MONEY = Decimal("10000000000")

UNIT_WORDS = {
    "Hourly": ("hour", "hours", "an hour"),
    "Per session": ("session", "sessions", "a session"),
    "Daily": ("day", "days", "a day"),
    "Weekly": ("week", "weeks", "a week"),
    "Fortnightly": ("fortnight", "fortnights", "a fortnight"),
    "4-weekly": ("four-week period", "four-week periods", "every four weeks"),
    "Monthly": ("month", "months", "a month"),
    "Quarterly": ("quarter", "quarters", "a quarter"),
    "Annually": ("year", "years", "a year"),
    "One-off": ("item", "items", "each"),
}


# --------------------------------------------------------------------------------------------------
# Words and numbers for explanations
# --------------------------------------------------------------------------------------------------


def _decimal(value) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value)


def number(value) -> str:
    """Units as people write them: to 2 places, at least one ("2.0", "1.5", "0.25")."""
    text = f"{_decimal(value).quantize(PENNY):f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def quantity(value, unit_type: str) -> str:
    singular, plural, _ = UNIT_WORDS.get(unit_type, ("unit", "units", "a unit"))
    return f"{number(value)} {singular if _decimal(value) == 1 else plural}"


def money(amount) -> str:
    return f"£{_decimal(amount).quantize(PENNY):,.2f}"


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _weekday(day: datetime.date) -> str:
    return f"{day:%A %-d %B %Y}"


def _days(value: Fraction) -> str:
    return f"{number(value) if value.denominator != 1 else value} day{'' if value == 1 else 's'}"


def describe_costing(costing: Costing, *, unit_type: str, units, on: datetime.date) -> str:
    """What the expected amount is made of: "1.5 hours at £23.92 (rate from 1 April 2025)", or for a period rate
    over a change "1.0 week from 30 March 2026: 2 days at £700.00 a week (rate from ...) and 5 days at ..."."""
    if not costing.pieces:
        return quantity(units, unit_type)
    per = UNIT_WORDS.get(unit_type, ("", "", ""))[2]
    if unit_type in plan_costs.PERIOD_FACTORS:
        parts = [
            f"{_days(p.days)} at {money(p.rate.amount)} {per} ({p.rate.source})"
            if p.rate
            else f"{_days(p.days)} with no rate in force"
            for p in costing.pieces
        ]
        return f"{quantity(units, unit_type)} from {_day(on)}: " + " and ".join(parts)
    piece = costing.pieces[0]
    if piece.rate is None:
        return f"{quantity(units, unit_type)} with no rate in force on {_day(on)}"
    return f"{quantity(units, unit_type)} at {money(piece.rate.amount)} ({piece.rate.source})"


# --------------------------------------------------------------------------------------------------
# Rates for a commitment
# --------------------------------------------------------------------------------------------------


def _source(rate: Rate) -> str:
    return f"{'rate' if rate.provider_id else 'council rate'} from {_day(rate.effective_from)}"


def rate_schedule(commitment: Commitment) -> list[RatePoint]:
    """The rates for a commitment over time: on each day the provider's own market rate for the service component
    and unit type (and the rate's note), else the council's standard rate, else the rate agreed in the plan."""
    rates = Rate.objects.filter(
        Q(provider_id=commitment.provider_id) | Q(provider__isnull=True),
        service_component=commitment.service_component,
        unit_type=commitment.unit_type,
        note=commitment.rate_note,
    ).order_by("effective_from", "id")
    own = [RatePoint(r.effective_from, r.amount, _source(r)) for r in rates if r.provider_id]
    council = [RatePoint(r.effective_from, r.amount, _source(r)) for r in rates if not r.provider_id]
    agreed = []
    if commitment.agreed_rate is not None:
        agreed = [RatePoint(datetime.date.min, commitment.agreed_rate, "the rate agreed in the plan")]
    return daily_rates.in_force(own, council, agreed)


# --------------------------------------------------------------------------------------------------
# Raising and ending commitments
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineOrder:
    """What raising commitments for a plan does with one council-managed or ISF line."""

    line: PlanLine
    provider: Provider | None
    arrangement: Arrangement | None
    existing: Commitment | None
    reason: str = ""  # why no commitment is raised for it

    @property
    def will_raise(self) -> bool:
        return self.provider is not None and self.existing is None and not self.reason


@dataclass
class RaiseResult:
    created: list[Commitment] = field(default_factory=list)
    existing: list[Commitment] = field(default_factory=list)
    skipped: list[LineOrder] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.created:
            parts.append(f"{len(self.created)} commitment{'s' if len(self.created) != 1 else ''} raised")
        if self.existing:
            parts.append(f"{len(self.existing)} already raised")
        if self.skipped:
            parts.append(f"{len(self.skipped)} line{'s' if len(self.skipped) != 1 else ''} left (see why below)")
        return "; ".join(parts) or "This plan has no council-managed or individual service fund lines"


def _main_arrangement(line: PlanLine) -> Arrangement | None:
    return next(
        (a for a in line.arrangements.all() if a.status == Arrangement.Status.ACTIVE and not a.is_emergency_cover),
        None,
    )


def commitment_preview(*, plan: SupportPlan) -> list[LineOrder]:
    """For each council-managed or ISF line of the plan: the provider a commitment would be with (the line's
    active arrangement's, else the line's own), the commitment already raised, or why none can be."""
    lines = (
        plan.lines.filter(management__in=RAISED_FOR)
        .select_related("provider", "rate")
        .prefetch_related("arrangements__provider", "arrangements__pa")
        .order_by("order", "id")
    )
    active = {
        c.plan_line_id: c
        for c in Commitment.objects.filter(plan_line__plan=plan, status=Commitment.Status.ACTIVE).select_related(
            "provider"
        )
    }
    orders = []
    for line in lines:
        arrangement = _main_arrangement(line)
        provider = arrangement.provider if arrangement and arrangement.provider else line.provider
        existing = active.get(line.pk)
        reason = ""
        if not line.service_component:
            reason = "The line has no service component, so there is no rate to check invoices against"
        elif line.unit_type in NOT_ORDERED:
            reason = f"{line.unit_type}: nothing is ordered week by week"
        elif provider is None:
            if arrangement is not None and arrangement.pa_id:
                reason = f"It is arranged with a personal assistant ({arrangement.pa}), not a provider"
            else:
                reason = "No provider yet: arrange the line with a provider first"
        elif existing is not None and existing.provider_id != provider.pk:
            reason = f"A commitment with {existing.provider} is still active: end it before raising one with {provider}"
        orders.append(
            LineOrder(line=line, provider=provider, arrangement=arrangement, existing=existing, reason=reason)
        )
    return orders


@transaction.atomic
def commitment_raise_for_plan(*, plan: SupportPlan, actor, request=None) -> RaiseResult:
    """Raise a commitment (service order) for each council-managed or ISF line of an approved plan that has a
    provider, from the line's arrangement (its start date) or the line itself (the plan's start date). Lines
    that already have an active commitment keep it: raising again changes nothing."""
    plan = SupportPlan.objects.select_for_update(of=("self",)).select_related("person").get(pk=plan.pk)
    if plan.status != SupportPlan.Status.APPROVED:
        raise DomainError(
            f"This plan is not approved (it is {plan.get_status_display().lower()}): commitments are raised only "
            "for an approved plan"
        )
    result = RaiseResult()
    today = timezone.localdate()
    for order in commitment_preview(plan=plan):
        if order.existing is not None and not order.reason:
            result.existing.append(order.existing)
            continue
        if not order.will_raise:
            result.skipped.append(order)
            continue
        line, arrangement = order.line, order.arrangement
        start = arrangement.start_date if arrangement else (plan.start_date or today)
        commitment = Commitment.objects.create(
            plan_line=line,
            person=plan.person,
            provider=order.provider,
            service_component=line.service_component,
            unit_type=line.unit_type,
            units_per_week=plan_costs.planned_units_per_week(
                unit_type=line.unit_type, units=line.units, per_week=line.per_week
            ).quantize(PENNY),
            units_each_time=line.units if line.unit_type in plan_costs.PER_OCCASION and line.units else None,
            rate_note=line.rate.note if line.rate_id else "",
            agreed_rate=line.unit_rate if line.unit_rate else None,
            arrangement=arrangement,
            start_date=start,
            end_date=arrangement.end_date if arrangement else None,
            created_by=actor,
        )
        per_week = quantity(commitment.units_per_week, commitment.unit_type)
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=commitment,
            person=plan.person,
            summary=f"Commitment raised with {order.provider}: {line.service_component}, {per_week} a week",
            changes=diff({}, snapshot(commitment, COMMITMENT_FIELDS)),
            request=request,
            event_type=PersonEvent.Type.ARRANGEMENT,
            title=f"Service order to {order.provider}: {line.service_component}",
            detail=f"{per_week} a week from {_day(start)} ({line.get_management_display().lower()}).",
        )
        result.created.append(commitment)
    return result


@transaction.atomic
def commitment_end(*, commitment: Commitment, actor, end_date: datetime.date, reason: str, request=None) -> Commitment:
    """End a commitment on `end_date`: invoices for days after it no longer match it."""
    commitment = (
        Commitment.objects.select_for_update(of=("self",)).select_related("person", "provider").get(pk=commitment.pk)
    )
    reason = (reason or "").strip()
    if commitment.status == Commitment.Status.ENDED:
        raise DomainError(f"This commitment already ended on {_day(commitment.end_date)}")
    if end_date is None:
        raise DomainError("Enter the date the commitment ends", field="end_date")
    if end_date < commitment.start_date:
        raise DomainError(
            f"The end date cannot be before the commitment started ({_day(commitment.start_date)})", field="end_date"
        )
    if not reason:
        raise DomainError("Enter why the commitment is ending", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason must be 300 characters or fewer", field="reason")
    before = snapshot(commitment, COMMITMENT_FIELDS)
    commitment.status = Commitment.Status.ENDED
    commitment.end_date, commitment.end_reason = end_date, reason
    commitment.save(update_fields=["status", "end_date", "end_reason"])
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=commitment,
        person=commitment.person,
        summary=f"Commitment with {commitment.provider} ended on {_day(end_date)}",
        changes=diff(before, snapshot(commitment, COMMITMENT_FIELDS)),
        request=request,
        event_type=PersonEvent.Type.ARRANGEMENT,
        title=f"Service order ended: {commitment.service_component} with {commitment.provider}",
        detail=f"Ended on {_day(end_date)}. Reason: {reason}",
    )
    return commitment


# --------------------------------------------------------------------------------------------------
# Reading invoice files
# --------------------------------------------------------------------------------------------------

# The columns an invoice needs, and the header names providers use for them (compared without case, punctuation,
# "£" or "GBP"). `columns` on import can name others.
HEADER_ALIASES = {
    "reference": [
        "invoice reference",
        "invoice ref",
        "invoice number",
        "invoice no",
        "invoice id",
        "invoice",
        "inv no",
        "inv ref",
        "reference",
    ],
    "person": [
        "person",
        "council person id",
        "person id",
        "council id",
        "client id",
        "client ref",
        "client reference",
        "service user id",
        "service user ref",
        "customer id",
    ],
    "service_date": [
        "service date",
        "date of service",
        "visit date",
        "date of visit",
        "delivered on",
        "shift date",
        "date",
    ],
    "units": ["units", "quantity", "qty", "hours", "hrs", "sessions", "days", "weeks", "number of units"],
    "amount": ["amount", "charge", "line total", "total", "cost", "value", "net amount", "amount due"],
}
FIELD_LABELS = {
    "reference": "invoice reference",
    "person": "council person ID",
    "service_date": "service date",
    "units": "units",
    "amount": "amount",
}
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"]
_DIGITS_DATE = re.compile(r"^\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}$")


class InvoiceImportError(DomainError):
    """A file that cannot be imported: `errors` says what is wrong, line by line. Nothing was saved."""

    def __init__(self, errors: list[str]):
        count = len(errors)
        if count > MAX_ERRORS:
            errors = errors[:MAX_ERRORS] + [f"... and {count - MAX_ERRORS} more"]
        self.errors = errors
        super().__init__(
            f"The file has {count} problem{'s' if count != 1 else ''}, so nothing was imported", field="file"
        )


@dataclass(frozen=True)
class ReadLine:
    line_number: int
    reference: str
    council_id: str
    service_date: datetime.date
    units: Decimal
    amount: Decimal


def _normal_header(text: str) -> str:
    text = (text or "").replace("\ufeff", "").lower().replace("£", " ")
    text = re.sub(r"\bgbp\b", " ", text)
    text = re.sub(r"[^\w ]", " ", text)
    return " ".join(text.split())


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise InvoiceImportError(
        ["The file is not a CSV text file we can read: save it from the spreadsheet as 'CSV UTF-8' and try again"]
    )


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _columns(header: list[str], columns: dict[str, str] | None) -> tuple[dict[str, int], list[str]]:
    """Which position holds each field, from the header row (and any names given for this provider)."""
    normal = [_normal_header(h) for h in header]
    found: dict[str, int] = {}
    errors = []
    for name, aliases in HEADER_ALIASES.items():
        wanted = [_normal_header(columns[name])] if columns and columns.get(name) else aliases
        for alias in wanted:
            if alias in normal:
                found[name] = normal.index(alias)
                break
    taken: dict[int, str] = {}
    for name, position in found.items():
        if position in taken:
            errors.append(
                f"Line 1: the column '{header[position]}' could be the {FIELD_LABELS[taken[position]]} or the "
                f"{FIELD_LABELS[name]}: name the columns in the file's first line"
            )
        taken[position] = name
    for name in HEADER_ALIASES:
        if name not in found:
            asked = (
                f"'{columns[name]}'"
                if columns and columns.get(name)
                else "one of: " + ", ".join(f"'{a}'" for a in HEADER_ALIASES[name][:4])
            )
            errors.append(
                f"Line 1: there is no column for the {FIELD_LABELS[name]} (the first line should name it: {asked})"
            )
    return found, errors


def parse_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date_error(text: str) -> str:
    if not text:
        return "enter the service date"
    if _DIGITS_DATE.match(text):
        return f"'{text}' is not a real date"
    return f"'{text}' is not a date: use day/month/year, for example 30/03/2026"


def parse_money(text: str) -> Decimal:
    """An amount in pounds, with any £, GBP, commas or spaces taken out; (12.00) is negative. ValueError if not
    an amount."""
    cleaned = re.sub(r"(?i)gbp|£|,|\s", "", text or "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if not cleaned or not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError(text)
    amount = Decimal(cleaned)
    return -amount if negative else amount


def _number_error(label: str, text: str, value: Decimal | None, *, limit: Decimal) -> str | None:
    if value is None:
        return f"the {label} '{text}' is not a number" if text else f"enter the {label}"
    if value < 0:
        return f"the {label} cannot be negative ({text})"
    if value != value.quantize(PENNY):
        return f"the {label} must have no more than 2 decimal places ({text})"
    if value >= limit:
        return f"the {label} ({text}) is too large: check the file"
    return None


def invoice_file_read(
    data: bytes,
    *,
    columns: dict[str, str] | None = None,
    today: datetime.date | None = None,
    advance: Callable[[int], None] | None = None,
) -> list[ReadLine]:
    """The lines of an invoice CSV, checked: every problem is reported with its line number (InvoiceImportError),
    so a file imports whole or not at all. Blank lines are skipped."""
    lines, errors = _read(data, columns=columns, today=today, advance=advance)
    if errors:
        raise InvoiceImportError(errors)
    return lines


def _line_order(error: str) -> int:
    found = re.match(r"Line (\d+)", error)
    return int(found.group(1)) if found else 0


def _read(data: bytes, *, columns, today, advance) -> tuple[list[ReadLine], list[str]]:
    """The good lines and the problems with the others; InvoiceImportError at once when it is not an invoice file."""
    today = today or timezone.localdate()
    if not data or not data.strip():
        raise InvoiceImportError(["The file is empty"])
    if len(data) > MAX_BYTES:
        raise InvoiceImportError([f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: is it the right file?"])
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    errors: list[str] = []
    lines: list[ReadLine] = []
    header = None
    positions: dict[str, int] = {}
    try:
        for row in reader:
            if advance:
                advance(1)
            if not any(cell.strip() for cell in row):
                continue
            number_ = reader.line_num
            if header is None:
                header = row
                positions, problems = _columns(header, columns)
                if problems:
                    raise InvoiceImportError(problems)
                continue
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
                errors.append(f"Line {number_}: there are more values than the first line has columns")
                continue
            cells = {name: (row[p].strip() if p < len(row) else "") for name, p in positions.items()}
            problems = []
            reference = cells["reference"]
            if not reference:
                problems.append("enter the invoice reference")
            elif len(reference) > 60:
                problems.append("the invoice reference must be 60 characters or fewer")
            council_id = cells["person"]
            if not council_id:
                problems.append("enter the council person ID")
            service_date = parse_date(cells["service_date"])
            if service_date is None:
                problems.append(_date_error(cells["service_date"]))
            elif service_date > today:
                problems.append(f"{_day(service_date)} is in the future: an invoice bills support already given")
            elif service_date.year < 2000:
                problems.append(f"{_day(service_date)} is too long ago: check the year")
            try:
                units = Decimal(cells["units"].replace(",", "")) if cells["units"] else None
                if units is not None and not units.is_finite():
                    units = None
            except InvalidOperation:
                units = None
            if problem := _number_error("units", cells["units"], units, limit=TOO_MANY_UNITS):
                problems.append(problem)
            try:
                amount = parse_money(cells["amount"])
            except (ValueError, InvalidOperation):
                amount = None
            if amount is not None and amount < 0:
                problems.append(
                    f"the amount cannot be negative ({cells['amount']}): credit notes are not imported here"
                )
            elif problem := _number_error("amount", cells["amount"], amount, limit=TOO_MUCH_MONEY):
                problems.append(problem)
            if problems:
                errors.append(f"Line {number_}: " + "; ".join(problems))
                continue
            lines.append(ReadLine(number_, reference, council_id, service_date, units, amount))
    except csv.Error as error:
        errors.append(f"Line {reader.line_num}: the file is not valid CSV ({error})")
    if header is None:
        raise InvoiceImportError(["The file has no header line and no invoice lines"])
    if not lines and not errors:
        raise InvoiceImportError(["The file has a header line but no invoice lines"])
    return lines, errors


# --------------------------------------------------------------------------------------------------
# Checking lines against commitments
# --------------------------------------------------------------------------------------------------


@dataclass
class Expectation:
    commitment: Commitment
    units: Fraction
    costing: Costing
    reasons: list[str]

    @property
    def amount(self) -> Decimal:
        return self.costing.total


def _expect(commitment: Commitment, schedule: list[RatePoint], line: ReadLine, used_before: Fraction) -> Expectation:
    unit_type = commitment.unit_type
    allowed = Fraction(line.units)
    reasons: list[str] = []
    if unit_type in plan_costs.PERIOD_FACTORS:
        if commitment.end_date is not None:
            days_left = Fraction((commitment.end_date - line.service_date).days + 1)
            most = days_left / daily_rates.period_days(unit_type)
            if allowed > most:
                allowed = most
                reasons.append(f"The commitment ended on {_day(commitment.end_date)}.")
    else:
        each = commitment.units_each_time
        if each and allowed > Fraction(each):
            allowed = Fraction(each)
            reasons.append(f"The plan has {quantity(each, unit_type)} each time.")
        left = max(Fraction(commitment.units_per_week) - used_before, Fraction(0))
        if allowed > left:
            allowed = left
            reasons.append(
                f"The plan has {quantity(commitment.units_per_week, unit_type)} a week and "
                f"{quantity(used_before, unit_type)} were already billed for the week beginning "
                f"{_day(daily_rates.week_start(line.service_date))}."
            )
    costing = daily_rates.service_cost(schedule, unit_type=unit_type, on=line.service_date, units=allowed)
    return Expectation(commitment=commitment, units=allowed, costing=costing, reasons=reasons)


def _billed_price(schedule: list[RatePoint], line: ReadLine) -> Decimal:
    """The price a line was billed at: a known rate that gives the amount billed (so 0.5 hours billed £12.32 is
    at £24.63, not £24.64), else the amount divided by the units."""
    for point in reversed(schedule):
        if daily_rates.to_penny(Fraction(point.amount) * Fraction(line.units)) == line.amount:
            return point.amount
    return (line.amount / line.units).quantize(PENNY)


def _rate_reason(expectation: Expectation, schedule: list[RatePoint], line: ReadLine) -> str:
    """When the price billed is another rate (a rise applied too early, or not yet), say which day has which."""
    unit_type = expectation.commitment.unit_type
    if unit_type in plan_costs.PERIOD_FACTORS or not line.units or len(expectation.costing.pieces) != 1:
        return ""
    rate = expectation.costing.pieces[0].rate
    price = _billed_price(schedule, line)
    if rate is None or price == rate.amount:
        return ""
    other = next((p for p in reversed(schedule) if p.amount == price and p != rate), None)
    if other is None:
        return ""
    return (
        f"{money(price)} is the {other.source}; on {_weekday(line.service_date)} the {rate.source} applies "
        f"({money(rate.amount)})."
    )


def _explain(expectation: Expectation, schedule: list[RatePoint], line: ReadLine) -> tuple[str, str]:
    commitment = expectation.commitment
    unit_type = commitment.unit_type
    expected = expectation.amount
    described = describe_costing(
        expectation.costing, unit_type=unit_type, units=expectation.units, on=line.service_date
    )
    if expected == line.amount:
        return InvoiceLine.Match.MATCHED, f"Billed as expected: {described} = {money(expected)}."
    if line.units:
        price = (
            _billed_price(schedule, line) if unit_type not in plan_costs.PERIOD_FACTORS else line.amount / line.units
        )
        billed = f"{quantity(line.units, unit_type)} at {money(price)} = {money(line.amount)}"
    else:
        billed = f"{money(line.amount)} for {quantity(line.units, unit_type)}"
    reasons = list(expectation.reasons)
    if rate_reason := _rate_reason(expectation, schedule, line):
        reasons.append(rate_reason)
    if expectation.costing.days_without_rate:
        reasons.append(
            f"No rate is recorded for {commitment.service_component} ({unit_type}) for some or all of it: add the "
            "rate in the care market."
        )
    gap = line.amount - expected
    reasons.append(f"{money(abs(gap))} {'more' if gap > 0 else 'less'} than expected.")
    return InvoiceLine.Match.VARIANCE, f"Billed {billed}; expected {described} = {money(expected)}. " + " ".join(
        reasons
    )


def _unmatched(line: ReadLine, provider: Provider, held: list[Commitment]) -> str:
    text = f"No commitment with {provider} covers {_day(line.service_date)} for {line.council_id}."
    if held:
        spans = [
            f"{_day(c.start_date)} to {_day(c.end_date) if c.end_date else 'now'}"
            for c in sorted(held, key=lambda c: c.start_date)
        ]
        text += f" Their commitments with this provider run {'; '.join(spans)}."
    else:
        text += " They have no commitment with this provider."
    return text + f" Billed {quantity(line.units, '')} = {money(line.amount)}."


def _choose(expectations: list[Expectation], line: ReadLine) -> Expectation:
    """The commitment the line fits best: one it matches, else the nearest amount; then one whose units each time
    are what was billed (a half-hour call, not the hour-long one), then the earliest."""
    return min(
        expectations,
        key=lambda e: (
            abs(line.amount - e.amount),
            e.commitment.units_each_time != line.units,
            e.commitment.start_date,
            e.commitment.pk,
        ),
    )


# --------------------------------------------------------------------------------------------------
# Importing invoices
# --------------------------------------------------------------------------------------------------


@dataclass
class InvoiceImportResult:
    invoices: list[ProviderInvoice]
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        refs = ", ".join(i.reference for i in self.invoices)
        if self.already_imported:
            when = min(i.imported_at for i in self.invoices)
            return (
                f"This file was already imported on {timezone.localtime(when):%-d %B %Y} (invoice {refs}): "
                "nothing was added"
            )
        matched, variance, unmatched = (self.counts.get(m, 0) for m in InvoiceLine.Match.values)
        return (
            f"Imported invoice {refs}: {self.lines} line{'s' if self.lines != 1 else ''}, {matched} as expected, "
            f"{variance} with a variance, {unmatched} with no commitment"
        )


def invoice_import(
    *,
    provider: Provider,
    actor,
    data: bytes,
    filename: str,
    columns: dict[str, str] | None = None,
    today: datetime.date | None = None,
    advance: Callable[[int], None] | None = None,
    request=None,
) -> InvoiceImportResult:
    """Import a provider's invoice CSV (one or more invoice references) and check every line against the
    commitments. All or nothing: InvoiceImportError lists each problem by line. The same file again adds nothing
    (already_imported); an invoice reference the provider has used before is refused."""
    sha256 = hashlib.sha256(data or b"").hexdigest()
    filename = (filename or "invoice.csv")[-200:]
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)  # one import per provider at a time
        held = list(ProviderInvoice.objects.filter(provider=provider, sha256=sha256).order_by("id"))
        if held:
            return InvoiceImportResult(invoices=held, already_imported=True)
        read, errors = _read(data, columns=columns, today=today, advance=advance)
        wanted = {line.council_id for line in read}
        people = {
            p.council_id.upper(): p for p in Person.objects.filter(council_id__in=wanted | {w.upper() for w in wanted})
        }
        for line in read:
            if line.council_id.upper() not in people:
                errors.append(
                    f"Line {line.line_number}: there is no person with the council person ID {line.council_id}"
                )
        first_line: dict[str, int] = {}
        for line in read:
            first_line.setdefault(line.reference, line.line_number)
        for invoice in ProviderInvoice.objects.filter(provider=provider, reference__in=list(first_line)):
            errors.append(
                f"Line {first_line[invoice.reference]}: invoice {invoice.reference} from {provider} was already "
                f"imported on {timezone.localtime(invoice.imported_at):%-d %B %Y} (from {invoice.filename}): an "
                "invoice reference can be used once"
            )
        if errors:
            raise InvoiceImportError(sorted(errors, key=_line_order))

        commitments: dict[int, list[Commitment]] = defaultdict(list)
        person_ids = {p.pk for p in people.values()}
        for commitment in Commitment.objects.filter(provider=provider, person_id__in=person_ids).order_by(
            "start_date", "id"
        ):
            commitments[commitment.person_id].append(commitment)
        used = _already_billed(commitments, read)
        schedules: dict[int, list[RatePoint]] = {}

        invoices: dict[str, ProviderInvoice] = {}
        rows: list[InvoiceLine] = []
        counts: dict[str, int] = {m: 0 for m in InvoiceLine.Match.values}
        for line in read:
            person = people[line.council_id.upper()]
            invoice = invoices.get(line.reference)
            if invoice is None:
                dates = [r.service_date for r in read if r.reference == line.reference]
                invoice = invoices[line.reference] = ProviderInvoice.objects.create(
                    provider=provider,
                    reference=line.reference,
                    period_start=min(dates),
                    period_end=max(dates),
                    filename=filename,
                    sha256=sha256,
                    imported_by=actor,
                )
            covering = [c for c in commitments.get(person.pk, []) if c.covers(line.service_date)]
            row = InvoiceLine(
                invoice=invoice,
                line_number=line.line_number,
                person=person,
                service_date=line.service_date,
                units=line.units,
                amount_claimed=line.amount,
            )
            if not covering:
                row.match = InvoiceLine.Match.UNMATCHED
                row.explanation = _unmatched(line, provider, commitments.get(person.pk, []))
            else:
                week = daily_rates.week_start(line.service_date)
                options = []
                for commitment in covering:
                    if commitment.pk not in schedules:
                        schedules[commitment.pk] = rate_schedule(commitment)
                    options.append(_expect(commitment, schedules[commitment.pk], line, used[(commitment.pk, week)]))
                chosen = _choose(options, line)
                if chosen.commitment.unit_type not in plan_costs.PERIOD_FACTORS:
                    used[(chosen.commitment.pk, week)] += chosen.units
                row.commitment = chosen.commitment
                row.amount_expected = chosen.amount
                row.units_expected = _decimal(chosen.units).quantize(PENNY)
                row.match, row.explanation = _explain(chosen, schedules[chosen.commitment.pk], line)
            counts[row.match] += 1
            rows.append(row)
        InvoiceLine.objects.bulk_create(rows)
        for invoice in invoices.values():
            mine = [r for r in rows if r.invoice is invoice]
            invoice.total_claimed = sum((r.amount_claimed for r in mine), ZERO)
            invoice.total_expected = sum((r.amount_expected for r in mine), ZERO)
            invoice.save(update_fields=["total_claimed", "total_expected"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=invoice,
                summary=(
                    f"Imported invoice {invoice.reference} from {provider}: {len(mine)} lines, "
                    f"{money(invoice.total_claimed)} billed, {money(invoice.total_expected)} expected"
                ),
                changes={
                    "filename": filename,
                    "sha256": sha256,
                    **{m: sum(1 for r in mine if r.match == m) for m in InvoiceLine.Match.values},
                },
                request=request,
            )
    return InvoiceImportResult(invoices=list(invoices.values()), counts=counts)


def _already_billed(commitments: dict[int, list[Commitment]], read: list[ReadLine]) -> defaultdict:
    """Units already expected on earlier invoices, by (commitment, week), for the weeks this file bills."""
    used: defaultdict = defaultdict(Fraction)
    ids = [c.pk for held in commitments.values() for c in held]
    if not ids or not read:
        return used
    first = daily_rates.week_start(min(r.service_date for r in read))
    last = daily_rates.week_start(max(r.service_date for r in read)) + datetime.timedelta(days=6)
    earlier = InvoiceLine.objects.filter(commitment_id__in=ids, service_date__range=(first, last)).values_list(
        "commitment_id", "service_date", "units_expected"
    )
    for commitment_id, day, units in earlier:
        used[(commitment_id, daily_rates.week_start(day))] += Fraction(units)
    return used


# --------------------------------------------------------------------------------------------------
# Deciding on a variance
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def invoice_line_resolve(*, line: InvoiceLine, actor, resolution: str, note: str, request=None) -> InvoiceLine:
    """Record a finance officer's decision on a line that differs from the plan (or has no commitment): pay what
    was billed, pay the expected amount only, or query it with the provider. Changing a decision is allowed and
    audited (old -> new)."""
    line = (
        InvoiceLine.objects.select_for_update(of=("self",))
        .select_related("invoice__provider", "person")
        .get(pk=line.pk)
    )
    if line.match == InvoiceLine.Match.MATCHED:
        raise DomainError("This line was billed as expected: there is nothing to decide")
    if resolution not in InvoiceLine.Resolution.values:
        raise DomainError("Choose what to do about this line", field="resolution")
    note = (note or "").strip()
    if not note:
        raise DomainError("Enter why: what you found out, or what you asked the provider", field="note")
    if len(note) > 2000:
        raise DomainError("The explanation must be 2,000 characters or fewer", field="note")
    before = snapshot(line, RESOLUTION_FIELDS)
    line.resolution, line.resolution_note = resolution, note
    line.resolved_by, line.resolved_at = actor, timezone.now()
    line.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=line,
        person=line.person,
        summary=(
            f"Invoice {line.invoice.reference} from {line.invoice.provider}, line {line.line_number}: "
            f"{line.get_resolution_display()}"
        ),
        changes=diff(before, snapshot(line, RESOLUTION_FIELDS)),
        request=request,
    )
    return line


# --------------------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------------------


def commitments_for_provider(*, provider: Provider, status: str = "") -> QuerySet[Commitment]:
    found = Commitment.objects.filter(provider=provider).select_related("person", "plan_line")
    if status in Commitment.Status.values:
        found = found.filter(status=status)
    return found.order_by("status", "person__council_id", "start_date", "id")


def commitments_for_person(*, person: Person) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(person=person)
        .select_related("provider", "plan_line__plan")
        .order_by("status", "-start_date", "-id")
    )


def commitment_get_for_user(*, user, pk, action: str = Action.PAYMENTS_MANAGE) -> Commitment:
    """A commitment, if the role allows `action` and the person's record is open to the user (404 if none)."""
    require(user, action)
    commitment = get_object_or_404(
        Commitment.objects.select_related("provider", "plan_line__plan", "arrangement", "created_by"), pk=pk
    )
    commitment.person = person_get_for_user(user=user, pk=commitment.person_id)
    return commitment


def invoice_lines_for_commitment(*, commitment: Commitment) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(commitment=commitment).select_related("invoice").order_by("-service_date", "id")


def invoice_lines_for_person(*, person: Person, limit: int = 100) -> list[InvoiceLine]:
    return list(
        InvoiceLine.objects.filter(person=person)
        .select_related("invoice__provider", "commitment")
        .order_by("-service_date", "-id")[:limit]
    )


def invoice_list(*, provider: Provider | None = None) -> QuerySet[ProviderInvoice]:
    invoices = ProviderInvoice.objects.select_related("provider", "imported_by").annotate(
        line_count=Count("lines"),
        to_check=Count(
            "lines",
            filter=~Q(lines__match=InvoiceLine.Match.MATCHED)
            & (Q(lines__resolution="") | Q(lines__resolution=InvoiceLine.Resolution.QUERIED)),
        ),
    )
    if provider is not None:
        invoices = invoices.filter(provider=provider)
    return invoices.order_by("-imported_at", "-id")


def invoice_get(*, pk) -> ProviderInvoice:
    return get_object_or_404(ProviderInvoice.objects.select_related("provider", "imported_by"), pk=pk)


def invoice_lines(*, invoice: ProviderInvoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("person", "commitment", "resolved_by").order_by("line_number")


def invoice_line_get(*, invoice: ProviderInvoice, pk) -> InvoiceLine:
    return get_object_or_404(
        InvoiceLine.objects.select_related("person", "commitment", "resolved_by"), invoice=invoice, pk=pk
    )


@dataclass(frozen=True)
class InvoiceTotals:
    claimed: Decimal
    expected: Decimal
    agreed: Decimal  # what the council has agreed to pay so far
    matched: int
    variance: int
    unmatched: int
    to_check: int  # lines that differ with no decision yet, or queried

    @property
    def difference(self) -> Decimal:
        return self.claimed - self.expected

    @property
    def gap(self) -> Decimal:
        return abs(self.difference)


def invoice_totals(invoice: ProviderInvoice) -> InvoiceTotals:
    """Claimed against expected, how the lines matched, and what the council has agreed to pay: lines as expected
    (what was billed), variances accepted as billed, and the expected amount where that was decided."""
    lines = invoice.lines.all()
    by_match = dict(lines.values_list("match").annotate(n=Count("id")).order_by())
    R = InvoiceLine.Resolution
    agreed = (
        lines.filter(Q(match=InvoiceLine.Match.MATCHED) | Q(resolution=R.PAY_CLAIMED)).aggregate(
            s=Sum("amount_claimed")
        )["s"]
        or ZERO
    ) + (lines.filter(resolution=R.PAY_EXPECTED).aggregate(s=Sum("amount_expected"))["s"] or ZERO)
    to_check = lines.exclude(match=InvoiceLine.Match.MATCHED).filter(resolution__in=["", R.QUERIED]).count()
    return InvoiceTotals(
        claimed=invoice.total_claimed,
        expected=invoice.total_expected,
        agreed=Decimal(agreed).quantize(PENNY),
        matched=by_match.get(InvoiceLine.Match.MATCHED, 0),
        variance=by_match.get(InvoiceLine.Match.VARIANCE, 0),
        unmatched=by_match.get(InvoiceLine.Match.UNMATCHED, 0),
        to_check=to_check,
    )
