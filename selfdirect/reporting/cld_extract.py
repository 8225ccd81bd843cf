"""The Client Level Data return for a reporting period, built from the records by the database.

One row per event whose span touches the period (a request, a needs or carer's assessment, a financial assessment,
an arrangement or a short-term support episode as a service, a review that has taken place) and one row per unpaid
carer known only as a contact of a service user with an event in the period ("Carer known by association").

Each kind of event is one query whose fifty columns are the return's cells, written by the database
(reporting/cld_columns.py). On PostgreSQL the file is those queries run through COPY ... TO STDOUT (FORMAT csv): the
database writes the CSV and Python passes its blocks on, so a council's year (a million rows) takes seconds and
constant memory. On SQLite (the demo) the same queries are read in chunks and written with csv.writer; a test checks
both give the same bytes. The validation report reads the same queries as rows. Carers by association are few and
built in Python: a contact holds a name, not the person details the specification asks for.

The columns, value formats and validation rules are in selfdirect/rules/cld_return.py (no Django).
"""

import csv
import datetime
import io
import os
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments.models import Assessment, SupportRequest
from selfdirect.market.models import Arrangement
from selfdirect.money.models import FinancialAssessment
from selfdirect.people.models import Contact
from selfdirect.reviews.models import Review
from selfdirect.rules import cld, short_term
from selfdirect.rules import cld_return as R

from . import cld_columns as C

CHUNK = 2000
# Annotation names for the fifty cells, in the order of R.COLUMNS (a model field may not share a column's name).
CELL_NAMES = [f"cld_cell_{i:02d}" for i in range(len(R.COLUMNS))]


@dataclass(slots=True)
class Record:
    """Where a row came from: the record to open to fix it."""

    kind: str  # request, assessment, financial_assessment, service, episode, review, contact
    pk: int
    person_pk: int | None
    reference: str  # the Event Reference, or CONTACT-<id> for a carer known by association
    council_id: str = ""
    plan_pk: int | None = None

    def event_url(self) -> str:
        if self.kind == "request":
            return reverse("request_detail", args=[self.pk])
        if self.kind == "assessment":
            return reverse("assessment_detail", args=[self.pk])
        if self.kind == "financial_assessment":
            return reverse("financial_assessment_detail", args=[self.pk])
        if self.kind == "service" and self.plan_pk:
            return reverse("plan_detail", args=[self.plan_pk])
        if self.kind == "review":
            return reverse("review_detail", args=[self.pk])
        if self.kind == "episode":
            return reverse("episode_detail", args=[self.pk])
        return self.person_url()

    def person_url(self) -> str:
        return reverse("person_detail", args=[self.person_pk]) if self.person_pk else ""


@dataclass(slots=True)
class Row:
    values: dict
    record: Record


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError("The start of the period must be on or before its end.")

    def overlaps(self, start_field: str, end_field: str, *, end_is_datetime: bool = False) -> Q:
        """Events that started by the end of the period and had not ended before it began."""
        begin = _day_start(self.start) if end_is_datetime else self.start
        return Q(**{f"{start_field}__lte": self.end}) & (
            Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": begin})
        )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Kind:
    """One kind of event: how its rows are selected and written, and the record each row links to."""

    name: str  # the Record kind
    prefix: str  # of the Event Reference
    events: str  # the CldExtract method giving the events in the period
    cells: str  # the CldExtract method giving its columns
    plan: str | None = None  # where a service's plan is, for the link to fix it


KINDS = [
    Kind("request", "REQ", "requests", "_request_cells"),
    Kind("assessment", "ASM", "assessments", "_assessment_cells"),
    Kind("financial_assessment", "FA", "financial_assessments", "_financial_assessment_cells"),
    Kind("service", "SRV", "services", "_service_cells", plan="plan_line__plan_id"),
    Kind("episode", "STS", "episodes", "_episode_cells"),
    Kind("review", "REV", "reviews", "_review_cells"),
]


class CldExtract:
    """The return for one period. `rows()` streams it for validation, `csv_blocks()` as the CSV file's bytes, and
    `count()` says how many rows to expect (for progress)."""

    def __init__(self, *, start: datetime.date, end: datetime.date, la_code: str | None = None, chunk: int = CHUNK):
        self.period = Period(start, end)
        self.la_code = settings.COUNCIL_LA_CODE if la_code is None else la_code
        self.chunk = chunk

    # --- The events in the period -----------------------------------------------------------------------------------

    def requests(self) -> QuerySet:
        return SupportRequest.objects.filter(self.period.overlaps("received_on", "outcome_on"))

    def assessments(self) -> QuerySet:
        return Assessment.objects.exclude(status=Assessment.Status.CANCELLED).filter(
            self.period.overlaps("started_on", "signed_off_at", end_is_datetime=True)
        )

    def financial_assessments(self) -> QuerySet:
        done = [FinancialAssessment.Status.COMPLETE, FinancialAssessment.Status.SUPERSEDED]
        return FinancialAssessment.objects.filter(status__in=done, created_at__lt=self._after_end).filter(
            Q(completed_at__isnull=True) | Q(completed_at__gte=_day_start(self.period.start))
        )

    def services(self) -> QuerySet:
        return Arrangement.objects.filter(self.period.overlaps("start_date", "end_date"))

    def episodes(self) -> QuerySet:
        from selfdirect.reablement.models import ShortTermEpisode

        return ShortTermEpisode.objects.filter(self.period.overlaps("start_date", "actual_end"))

    def reviews(self) -> QuerySet:
        # A review is an event once it has taken place (started or completed); a review only due is not.
        held = Q(started_on__isnull=False) | Q(completed_on__isnull=False)
        started_by_end = Q(started_on__lte=self.period.end) | Q(
            started_on__isnull=True, completed_on__lte=self.period.end
        )
        not_ended_before = Q(completed_on__isnull=True) | Q(completed_on__gte=self.period.start)
        return Review.objects.exclude(status=Review.Status.CANCELLED).filter(held & started_by_end & not_ended_before)

    def carer_contacts(self) -> QuerySet:
        """Unpaid carers recorded as contacts of someone with an event in the period."""
        has_event = Q()
        for kind in KINDS:
            has_event |= Exists(getattr(self, kind.events)().filter(person=OuterRef("person_id")))
        return Contact.objects.filter(has_event, is_unpaid_carer=True, is_active=True)

    def count(self) -> int:
        return sum(getattr(self, kind.events)().count() for kind in KINDS) + self.carer_contacts().count()

    @property
    def _after_end(self) -> datetime.datetime:
        return _day_start(self.period.end + ONE_DAY)

    # --- Their cells ------------------------------------------------------------------------------------------------

    def _common_cells(self, kind: Kind, event_type: str) -> dict:
        return {
            R.LA_CODE: C.text(self.la_code),
            R.PERIOD_START: C.text(R.format_date(self.period.start)),
            R.PERIOD_END: C.text(R.format_date(self.period.end)),
            R.EVENT_TYPE: C.text(event_type),
            R.EVENT_REFERENCE: C.reference(kind.prefix),
        }

    def _service_user_cells(self) -> dict:
        """The client type and funding status of an event that is always about a service user."""
        return C.carer_cells(None, by=self._after_end)

    def _request_cells(self, kind: Kind) -> dict:
        return {
            **self._common_cells(kind, R.EVENT_REQUEST),
            **C.person_cells(subject=""),
            **self._service_user_cells(),
            R.EVENT_START: C.DateText("received_on"),
            R.EVENT_END: C.DateText("outcome_on"),
            R.EVENT_OUTCOME: C.field("outcome"),
            R.ROUTE_OF_ACCESS: C.field("route_of_access"),
        }

    def _assessment_cells(self, kind: Kind) -> dict:
        cells = {
            **self._common_cells(kind, R.EVENT_ASSESSMENT),
            **C.person_cells(subject="request__"),
            **C.carer_cells(Q(kind=Assessment.Kind.CARER), by=self._after_end),
            R.EVENT_START: C.DateText("started_on"),
            R.EVENT_END: C.local_date("signed_off_at"),
            R.EVENT_OUTCOME: C.field("event_outcome"),
            R.ASSESSMENT_TYPE: C.field("assessment_type"),
            R.ELIGIBLE_NEEDS: C.yes_no("decision_eligible"),
            R.ASSESSMENT_METHOD: C.field("method"),
        }
        cells[R.PSR] = Coalesce(C.field("primary_support_reason"), cells[R.PSR])  # the assessment's own, if any
        return cells

    def _financial_assessment_cells(self, kind: Kind) -> dict:
        return {
            **self._common_cells(kind, R.EVENT_ASSESSMENT),
            **C.person_cells(),
            **self._service_user_cells(),
            R.FUNDING_STATUS: C.funding_status(),  # this assessment's result, not the latest
            R.EVENT_START: C.local_date("created_at"),
            R.EVENT_END: C.local_date("completed_at"),
            R.ASSESSMENT_TYPE: C.text(R.FINANCIAL_ASSESSMENT),
        }

    def _service_cells(self, kind: Kind) -> dict:
        return {
            **self._common_cells(kind, R.EVENT_SERVICE),
            **C.person_cells(),
            **C.carer_cells(Q(service_type__startswith="Carer Support"), by=self._after_end),
            R.EVENT_START: C.DateText("start_date"),
            R.EVENT_END: C.DateText("end_date"),
            R.EVENT_OUTCOME: C.service_outcome(self.period.end),
            R.SERVICE_TYPE: C.field("service_type"),
            R.SERVICE_COMPONENT: C.field("service_component"),
            R.DELIVERY_MECHANISM: C.delivery_mechanism(),
            R.CQC_ID: C.field("provider__cqc_location_id"),
            R.CQC_NAME: Case(When(~Q(provider__cqc_location_id=""), then=C.field("provider__name")), default=C.blank()),
            **C.cost_cells(_council_shares(on=self.period.end)),
        }

    def _episode_cells(self, kind: Kind) -> dict:
        """Reablement and other short-term support episodes are Service events too: the council commissions them,
        and how they ended (the sequel) is their Event Outcome."""
        ended = Q(actual_end__lte=self.period.end)
        outcome = [When(ended & Q(sequel=s.code), then=C.text(s.event_outcome)) for s in short_term.SEQUELS]
        return {
            **self._common_cells(kind, R.EVENT_SERVICE),
            **C.person_cells(),
            **self._service_user_cells(),
            R.EVENT_START: C.DateText("start_date"),
            R.EVENT_END: Case(When(ended, then=C.DateText("actual_end")), default=C.blank()),
            R.EVENT_OUTCOME: Case(*outcome, default=C.text(R.SERVICE_ONGOING)),
            R.SERVICE_TYPE: C.field("service_type"),
            R.SERVICE_COMPONENT: C.field("service_component"),
            R.DELIVERY_MECHANISM: C.text(cld.DELIVERY_COMMISSIONED),
        }

    def _review_cells(self, kind: Kind) -> dict:
        return {
            **self._common_cells(kind, R.EVENT_REVIEW),
            **C.person_cells(),
            **self._service_user_cells(),
            R.EVENT_START: C.DateText(Coalesce("started_on", "completed_on")),
            R.EVENT_END: C.DateText("completed_on"),
            R.EVENT_OUTCOME: C.field("event_outcome"),
            R.REVIEW_REASON: C.field("reason"),
            R.REVIEW_OUTCOMES: C.field("outcomes_achieved"),
            R.REVIEW_METHOD: C.field("method"),
        }

    def written(self, kind: Kind) -> QuerySet:
        """The kind's events with their fifty cells annotated, in order; `.values_list(*CELL_NAMES)` is its rows."""
        cells = getattr(self, kind.cells)(kind)
        unknown = set(cells) - set(R.COLUMNS)
        assert not unknown, f"not columns of the return: {unknown}"
        annotations = {name: cells.get(column, C.blank()) for name, column in zip(CELL_NAMES, R.COLUMNS, strict=True)}
        return getattr(self, kind.events)().annotate(**annotations).order_by("pk")

    # --- Reading --------------------------------------------------------------------------------------------------

    def rows(self) -> Iterator[Row]:
        """Every row with the record it came from (for validation and its links)."""
        for kind in KINDS:
            extra = ["pk", "person_id", "person__council_id", kind.plan or "pk"]
            rows = self.written(kind).values_list(*CELL_NAMES, *extra)
            for values in rows.iterator(chunk_size=self.chunk):
                cells = dict(zip(R.COLUMNS, values, strict=False))
                pk, person_pk, council_id, plan_pk = values[-4:]
                record = Record(kind.name, pk, person_pk, cells[R.EVENT_REFERENCE], council_id or "",
                                plan_pk if kind.plan else None)  # fmt: skip
                yield Row(cells, record)
        yield from self._carer_by_association_rows()

    def _carer_by_association_rows(self) -> Iterator[Row]:
        """A contact holds a name and who they care for; validation reports the person details it lacks."""
        contacts = self.carer_contacts().order_by("pk").values_list("pk", "name", "person_id", "person__council_id")
        for pk, name, person_pk, council_id in contacts.iterator(chunk_size=self.chunk):
            first, _, last = name.strip().rpartition(" ")
            reference = f"CONTACT-{pk}"
            row = {
                R.LA_CODE: self.la_code,
                R.PERIOD_START: R.format_date(self.period.start),
                R.PERIOD_END: R.format_date(self.period.end),
                R.PERSON_ID: reference,
                R.FIRST_NAME: first or last,
                R.LAST_NAME: (last if first else "") or None,
                R.CLIENT_TYPE: R.CARER_BY_ASSOCIATION,
                R.ADULTS_CARED_FOR: "1",
                R.ADULT_1: council_id,
            }
            yield Row(row, Record("contact", pk, person_pk, reference, council_id))

    # --- Writing --------------------------------------------------------------------------------------------------

    def csv_blocks(self, *, on_rows: Callable[[int], None] | None = None) -> Iterator[bytes]:
        """The return as CSV (UTF-8, header first), in blocks; `rows_written` counts its rows once it is through.
        `on_rows(n)` hears of rows as they go (progress)."""
        on_rows = on_rows or (lambda n: None)
        self.rows_written = 0
        yield from _csv_blocks([R.COLUMNS], lambda n: None)
        for kind in KINDS:
            rows = self.written(kind).values_list(*CELL_NAMES)
            if connection.vendor == "postgresql":
                yield from self._copy(rows, on_rows)
            else:
                self.rows_written += yield from _csv_blocks(rows.iterator(chunk_size=self.chunk), on_rows)
        contacts = (R.csv_values(row.values) for row in self._carer_by_association_rows())
        self.rows_written += yield from _csv_blocks(contacts, on_rows)

    def _copy(self, rows: QuerySet, on_rows: Callable[[int], None]) -> Iterator[bytes]:
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    block = bytes(block)
                    on_rows(block.count(b"\n"))  # progress only: a newline inside a quoted cell counts twice
                    yield block
            self.rows_written += cursor.cursor.rowcount


# --- Validation -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    rule: R.Rule
    message: str
    record: Record

    @property
    def url(self) -> str:
        """The person's page for a person detail, else the event's page (also when there is no person record yet)."""
        return (self.rule.about_person and self.record.person_url()) or self.record.event_url()


@dataclass
class Report:
    """Problems by rule: every one counted, the first `keep` of each kept to show."""

    keep: int | None = 100
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {rule.name: 0 for rule in R.RULES})
    examples: dict[str, list[Problem]] = field(default_factory=lambda: {rule.name: [] for rule in R.RULES})

    def check(self, row: Row) -> None:
        self.rows += 1
        for rule, message in R.problems(row.values):
            self.add(Problem(rule, message, row.record))

    def add(self, problem: Problem) -> None:
        self.counts[problem.rule.name] += 1
        kept = self.examples[problem.rule.name]
        if self.keep is None or len(kept) < self.keep:
            kept.append(problem)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_rule(self) -> list[tuple[R.Rule, int, list[Problem]]]:
        """Rules with problems, most problems first."""
        found = [(rule, self.counts[rule.name], self.examples[rule.name]) for rule in R.RULES]
        return sorted((f for f in found if f[1]), key=lambda f: -f[1])


def validate(rows: Iterable[Row], *, keep: int | None = 100, report: Report | None = None) -> Report:
    report = report or Report(keep=keep)
    for row in rows:
        report.check(row)
    return report


BLOCK = 64 * 1024


def _csv_blocks(rows: Iterable, on_rows: Callable[[int], None]) -> Generator[bytes, None, int]:
    """Rows written as PostgreSQL's COPY writes them (quoted only where needed, a blank (None) empty, "\\n" at the
    end of a line), in blocks of about BLOCK characters; returns how many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    written = pending = 0
    for values in rows:
        writer.writerow(values)
        written, pending = written + 1, pending + 1
        if buffer.tell() >= BLOCK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            on_rows(pending)
            pending = 0
    if buffer.tell():
        yield buffer.getvalue().encode()
    on_rows(pending)
    return written


def write_csv(extract: CldExtract, out: BinaryIO, **kwargs) -> int:
    """Write the return to the binary stream `out`; returns the number of rows (without the header)."""
    for block in extract.csv_blocks(**kwargs):
        out.write(block)
    return extract.rows_written


def write_csv_file(extract: CldExtract, path: Path, **kwargs) -> int:
    """Write to a temporary file beside `path`, then rename it: a run stopped half-way leaves no partial return, and
    re-running replaces the file whole."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "wb") as out:
            written = write_csv(extract, out, **kwargs)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return written


def _council_shares(*, on) -> dict:
    """{plan id: the council's fraction of its cost} for jointly funded plans (few): the return reports the
    council's cost, not the NHS's share of it."""
    from selfdirect.reablement.models import JointFunding
    from selfdirect.reablement.selectors import council_share_ratios

    return council_share_ratios(plan_ids=JointFunding.objects.values_list("plan_id", flat=True), on=on)
