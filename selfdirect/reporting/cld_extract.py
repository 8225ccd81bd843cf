"""The Client Level Data return for a reporting period, built from the records and streamed.

One row per event whose span touches the period (a request, a needs or carer's assessment, a financial assessment,
an arrangement as a service, a review that has taken place) and one row per unpaid carer known only as a contact of
a service user with an event in the period ("Carer known by association"). Rows come from `.values()` queries read
with `.iterator()` in chunks, so memory does not grow with the number of events: the only things held are small
per-person lookups (who has an unpaid carer, the latest financial assessment, the people a carer looks after) and
the set of people with an event, for the carers by association.

The columns, value formats and validation rules are in selfdirect/rules/cld_return.py (no Django).
"""

import csv
import datetime
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments.models import Assessment, SupportRequest
from selfdirect.market.models import Arrangement
from selfdirect.money.models import FinancialAssessment
from selfdirect.people.models import Contact
from selfdirect.reviews.models import Review
from selfdirect.rules import cld, short_term
from selfdirect.rules import cld_return as R

CHUNK = 2000

# Person columns read through a relation (prefix "person__" or "cared_for__" ...), keyed by the model field.
PERSON_FIELDS = {
    "nhs_number": R.NHS_NUMBER,
    "council_id": R.PERSON_ID,
    "first_name": R.FIRST_NAME,
    "last_name": R.LAST_NAME,
    "gp_practice_name": R.GP_NAME,
    "gp_practice_code": R.GP_CODE,
    "gender": R.GENDER,
    "ethnicity": R.ETHNICITY,
    "date_of_birth": R.DATE_OF_BIRTH,
    "date_of_death": R.DATE_OF_DEATH,
    "primary_support_reason": R.PSR,
    "postcode": R.POSTCODE,
    "accommodation_status": R.ACCOMMODATION,
    "employment_status": R.EMPLOYMENT,
}


def _person_lookups(prefix: str = "person__") -> list[str]:
    return [f"{prefix}{name}" for name in PERSON_FIELDS] + [prefix.rstrip("_") + "_id"]


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


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


class CldExtract:
    """The return for one period. `rows()` streams it; `count()` says how many rows to expect (for progress)."""

    def __init__(self, *, start: datetime.date, end: datetime.date, la_code: str | None = None, chunk: int = CHUNK):
        self.period = Period(start, end)
        self.la_code = settings.COUNCIL_LA_CODE if la_code is None else la_code
        self.chunk = chunk
        self._people_with_events: set[int] = set()

    # --- What is read ---------------------------------------------------------------------------------------------

    def requests(self):
        return (
            SupportRequest.objects.filter(self.period.overlaps("received_on", "outcome_on"))
            .order_by("pk")
            .values(
                "pk", "received_on", "outcome_on", "outcome", "route_of_access", "subject_first_name",
                "subject_last_name", "subject_date_of_birth", "subject_postcode", *_person_lookups(),
            )
        )  # fmt: skip

    def assessments(self):
        return (
            Assessment.objects.exclude(status=Assessment.Status.CANCELLED)
            .filter(self.period.overlaps("started_on", "signed_off_at", end_is_datetime=True))
            .order_by("pk")
            .values(
                "pk", "kind", "started_on", "signed_off_at", "assessment_type", "method", "decision_eligible",
                "event_outcome", "primary_support_reason", "request__subject_first_name",
                "request__subject_last_name", "request__subject_date_of_birth", "request__subject_postcode",
                *_person_lookups(),
            )
        )  # fmt: skip

    def financial_assessments(self):
        done = [FinancialAssessment.Status.COMPLETE, FinancialAssessment.Status.SUPERSEDED]
        return (
            FinancialAssessment.objects.filter(status__in=done, created_at__lt=_day_start(self.period.end + ONE_DAY))
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=_day_start(self.period.start)))
            .order_by("pk")
            .values("pk", "created_at", "completed_at", "full_cost", "weekly_contribution", *_person_lookups())
        )

    def services(self):
        return (
            Arrangement.objects.filter(self.period.overlaps("start_date", "end_date"))
            .order_by("pk")
            .values(
                "pk", "start_date", "end_date", "service_type", "service_component", "delivery_mechanism",
                "unit_cost", "cost_frequency", "planned_units_per_week", "provider__cqc_location_id",
                "provider__name", "plan_line__plan_id", *_person_lookups(),
            )
        )  # fmt: skip

    def episodes(self):
        from selfdirect.reablement.models import ShortTermEpisode

        return (
            ShortTermEpisode.objects.filter(self.period.overlaps("start_date", "actual_end"))
            .order_by("pk")
            .values("pk", "start_date", "actual_end", "service_type", "service_component", "sequel",
                    *_person_lookups())
        )  # fmt: skip

    def reviews(self):
        # A review is an event once it has taken place (started or completed); a review only due is not.
        held = Q(started_on__isnull=False) | Q(completed_on__isnull=False)
        started_by_end = Q(started_on__lte=self.period.end) | Q(
            started_on__isnull=True, completed_on__lte=self.period.end
        )
        not_ended_before = Q(completed_on__isnull=True) | Q(completed_on__gte=self.period.start)
        return (
            Review.objects.exclude(status=Review.Status.CANCELLED)
            .filter(held & started_by_end & not_ended_before)
            .order_by("pk")
            .values(
                "pk", "started_on", "completed_on", "reason", "outcomes_achieved", "method", "event_outcome",
                *_person_lookups(),
            )
        )  # fmt: skip

    def carer_contacts(self):
        return (
            Contact.objects.filter(is_unpaid_carer=True, is_active=True)
            .order_by("pk")
            .values("pk", "name", "person_id", "person__council_id")
        )

    def count(self) -> int:
        sources = [self.requests(), self.assessments(), self.financial_assessments(), self.services(), self.reviews()]
        return sum(qs.count() for qs in sources)

    # --- Per-person lookups (bounded by the number of people, not events) -------------------------------------------

    def _load_lookups(self) -> None:
        self.has_carer = set(
            Contact.objects.filter(is_unpaid_carer=True, is_active=True).values_list("person_id", flat=True).distinct()
        )
        # The latest financial assessment completed by the end of the period decides the funding status.
        self.funding: dict[int, str] = {}
        completed = (
            FinancialAssessment.objects.filter(
                status__in=[FinancialAssessment.Status.COMPLETE, FinancialAssessment.Status.SUPERSEDED],
                completed_at__lt=_day_start(self.period.end + ONE_DAY),
            )
            .order_by("person_id", "completed_at", "pk")
            .values_list("person_id", "full_cost", "weekly_contribution")
        )
        for person_id, full_cost, contribution in completed.iterator(chunk_size=self.chunk):
            self.funding[person_id] = R.client_funding_status(full_cost=full_cost, weekly_contribution=contribution)
        # The people each carer looks after, from their carer's assessments (first three, in order).
        self.cared_for: dict[int, list[str]] = {}
        links = (
            Assessment.objects.filter(kind=Assessment.Kind.CARER, person__isnull=False, cared_for__isnull=False)
            .exclude(status=Assessment.Status.CANCELLED)
            .order_by("person_id", "pk")
            .values_list("person_id", "cared_for__council_id")
        )
        for carer_id, council_id in links.iterator(chunk_size=self.chunk):
            ids = self.cared_for.setdefault(carer_id, [])
            if council_id not in ids:
                ids.append(council_id)

    # --- Building rows ----------------------------------------------------------------------------------------------

    def _base(self, values: dict, *, client_type: str, prefix: str = "person__") -> dict:
        person_pk = values.get(prefix.rstrip("_") + "_id")
        row = {R.LA_CODE: self.la_code, R.PERIOD_START: self.period.start, R.PERIOD_END: self.period.end}
        for name, column in PERSON_FIELDS.items():
            row[column] = values.get(prefix + name)
        if person_pk is not None:
            row[R.HAS_UNPAID_CARER] = person_pk in self.has_carer
            self._people_with_events.add(person_pk)
        row[R.CLIENT_TYPE] = client_type
        if client_type == R.CARER:
            if not row[R.PSR]:
                row[R.PSR] = "Social Support: Support to Carer"
            linked = self.cared_for.get(person_pk, [])
            row[R.ADULTS_CARED_FOR] = len(linked) or None
            for column, council_id in zip((R.ADULT_1, R.ADULT_2, R.ADULT_3), linked, strict=False):
                row[column] = council_id
        if client_type == R.SERVICE_USER and person_pk is not None:
            row[R.FUNDING_STATUS] = self.funding.get(person_pk, "")
        return row

    @staticmethod
    def _subject(row: dict, values: dict, prefix: str) -> None:
        """A request not yet matched to a person record: report what the request says about them."""
        row[R.FIRST_NAME] = values[f"{prefix}subject_first_name"]
        row[R.LAST_NAME] = values[f"{prefix}subject_last_name"]
        row[R.DATE_OF_BIRTH] = values[f"{prefix}subject_date_of_birth"]
        row[R.POSTCODE] = values[f"{prefix}subject_postcode"]

    def _record(self, kind: str, values: dict, reference: str, **extra) -> Record:
        return Record(
            kind=kind,
            pk=values["pk"],
            person_pk=values.get("person_id"),
            reference=reference,
            council_id=values.get("person__council_id") or "",
            **extra,
        )

    def _request_rows(self) -> Iterator[Row]:
        for v in self.requests().iterator(chunk_size=self.chunk):
            row = self._base(v, client_type=R.SERVICE_USER)
            if v["person_id"] is None:
                self._subject(row, v, "")
            reference = f"REQ-{v['pk']}"
            row.update(
                {
                    R.EVENT_TYPE: R.EVENT_REQUEST,
                    R.EVENT_REFERENCE: reference,
                    R.EVENT_START: v["received_on"],
                    R.EVENT_END: v["outcome_on"],
                    R.EVENT_OUTCOME: v["outcome"],
                    R.ROUTE_OF_ACCESS: v["route_of_access"],
                }
            )
            yield Row(row, self._record("request", v, reference))

    def _assessment_rows(self) -> Iterator[Row]:
        for v in self.assessments().iterator(chunk_size=self.chunk):
            carer = v["kind"] == Assessment.Kind.CARER
            row = self._base(v, client_type=R.CARER if carer else R.SERVICE_USER)
            if v["person_id"] is None:
                self._subject(row, v, "request__")
            row[R.PSR] = v["primary_support_reason"] or row[R.PSR]
            reference = f"ASM-{v['pk']}"
            row.update(
                {
                    R.EVENT_TYPE: R.EVENT_ASSESSMENT,
                    R.EVENT_REFERENCE: reference,
                    R.EVENT_START: v["started_on"],
                    R.EVENT_END: _local_date(v["signed_off_at"]),
                    R.EVENT_OUTCOME: v["event_outcome"],
                    R.ASSESSMENT_TYPE: v["assessment_type"],
                    R.ELIGIBLE_NEEDS: v["decision_eligible"],
                    R.ASSESSMENT_METHOD: v["method"],
                }
            )
            yield Row(row, self._record("assessment", v, reference))

    def _financial_assessment_rows(self) -> Iterator[Row]:
        for v in self.financial_assessments().iterator(chunk_size=self.chunk):
            row = self._base(v, client_type=R.SERVICE_USER)
            reference = f"FA-{v['pk']}"
            row.update(
                {
                    R.FUNDING_STATUS: R.client_funding_status(
                        full_cost=v["full_cost"], weekly_contribution=v["weekly_contribution"]
                    ),
                    R.EVENT_TYPE: R.EVENT_ASSESSMENT,
                    R.EVENT_REFERENCE: reference,
                    R.EVENT_START: _local_date(v["created_at"]),
                    R.EVENT_END: _local_date(v["completed_at"]),
                    R.ASSESSMENT_TYPE: R.FINANCIAL_ASSESSMENT,
                }
            )
            yield Row(row, self._record("financial_assessment", v, reference))

    def _service_rows(self) -> Iterator[Row]:
        shares = _council_shares(on=self.period.end)
        for v in self.services().iterator(chunk_size=self.chunk):
            carer = v["service_type"].startswith("Carer Support")
            row = self._base(v, client_type=R.CARER if carer else R.SERVICE_USER)
            reference = f"SRV-{v['pk']}"
            cqc_id = v["provider__cqc_location_id"] or ""
            row.update(
                {
                    R.EVENT_TYPE: R.EVENT_SERVICE,
                    R.EVENT_REFERENCE: reference,
                    R.EVENT_START: v["start_date"],
                    R.EVENT_END: v["end_date"],
                    R.EVENT_OUTCOME: R.service_event_outcome(
                        end_date=v["end_date"], period_end=self.period.end, died_on=v["person__date_of_death"]
                    ),
                    R.SERVICE_TYPE: v["service_type"],
                    R.SERVICE_COMPONENT: v["service_component"],
                    R.DELIVERY_MECHANISM: _delivery_mechanism(v["service_component"], v["delivery_mechanism"]),
                    R.CQC_ID: cqc_id,
                    R.CQC_NAME: v["provider__name"] if cqc_id else "",
                    **R.cost_fields(
                        service_type=v["service_type"],
                        service_component=v["service_component"],
                        delivery_mechanism=v["delivery_mechanism"],
                        unit_cost=_council_cost(v["unit_cost"], shares.get(v["plan_line__plan_id"])),
                        frequency=v["cost_frequency"],
                        units=v["planned_units_per_week"],
                    ),
                }
            )
            yield Row(row, self._record("service", v, reference, plan_pk=v["plan_line__plan_id"]))

    def _episode_rows(self) -> Iterator[Row]:
        """Reablement and other short-term support episodes are Service events too: the council commissions them,
        and how they ended (the sequel) is their Event Outcome."""
        for v in self.episodes().iterator(chunk_size=self.chunk):
            row = self._base(v, client_type=R.SERVICE_USER)
            reference = f"STS-{v['pk']}"
            ended = v["actual_end"] if v["actual_end"] and v["actual_end"] <= self.period.end else None
            outcome = short_term.sequel(v["sequel"]).event_outcome if ended and v["sequel"] else R.SERVICE_ONGOING
            row.update(
                {
                    R.EVENT_TYPE: R.EVENT_SERVICE,
                    R.EVENT_REFERENCE: reference,
                    R.EVENT_START: v["start_date"],
                    R.EVENT_END: ended,
                    R.EVENT_OUTCOME: outcome,
                    R.SERVICE_TYPE: v["service_type"],
                    R.SERVICE_COMPONENT: v["service_component"],
                    R.DELIVERY_MECHANISM: cld.DELIVERY_COMMISSIONED,
                }
            )
            yield Row(row, self._record("episode", v, reference))

    def _review_rows(self) -> Iterator[Row]:
        for v in self.reviews().iterator(chunk_size=self.chunk):
            row = self._base(v, client_type=R.SERVICE_USER)
            reference = f"REV-{v['pk']}"
            row.update(
                {
                    R.EVENT_TYPE: R.EVENT_REVIEW,
                    R.EVENT_REFERENCE: reference,
                    R.EVENT_START: v["started_on"] or v["completed_on"],
                    R.EVENT_END: v["completed_on"],
                    R.EVENT_OUTCOME: v["event_outcome"],
                    R.REVIEW_REASON: v["reason"],
                    R.REVIEW_OUTCOMES: v["outcomes_achieved"],
                    R.REVIEW_METHOD: v["method"],
                }
            )
            yield Row(row, self._record("review", v, reference))

    def _carer_by_association_rows(self) -> Iterator[Row]:
        """Unpaid carers recorded only as contacts of someone with an event in the period. A contact holds a name
        and who they care for, not the person details the specification asks for: validation says so."""
        for v in self.carer_contacts().iterator(chunk_size=self.chunk):
            if v["person_id"] not in self._people_with_events:
                continue
            first, _, last = v["name"].strip().rpartition(" ")
            reference = f"CONTACT-{v['pk']}"
            row = {
                R.LA_CODE: self.la_code,
                R.PERIOD_START: self.period.start,
                R.PERIOD_END: self.period.end,
                R.PERSON_ID: reference,
                R.FIRST_NAME: first or last,
                R.LAST_NAME: last if first else "",
                R.CLIENT_TYPE: R.CARER_BY_ASSOCIATION,
                R.ADULTS_CARED_FOR: 1,
                R.ADULT_1: v["person__council_id"],
            }
            yield Row(row, Record("contact", v["pk"], v["person_id"], reference, v["person__council_id"]))

    def rows(self) -> Iterator[Row]:
        self._load_lookups()
        self._people_with_events = set()
        yield from self._request_rows()
        yield from self._assessment_rows()
        yield from self._financial_assessment_rows()
        yield from self._service_rows()
        yield from self._episode_rows()
        yield from self._review_rows()
        yield from self._carer_by_association_rows()


ONE_DAY = datetime.timedelta(days=1)


def _delivery_mechanism(component: str, mechanism: str) -> str:
    """NHSE overwrites the delivery mechanism of a Direct Payment component to Direct Payment (reference 4.2)."""
    return cld.DELIVERY_DIRECT_PAYMENT if component == "Direct Payment" else mechanism


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


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[Row], *, report: Report | None = None, on_row: Callable[[], None] | None = None
) -> Iterator[str]:
    """The header and every row as CSV text lines; validates into `report` on the way if given."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(R.COLUMNS)
    for row in rows:
        yield writer.writerow(R.csv_values(row.values))
        if report is not None:
            report.check(row)
        if on_row is not None:
            on_row()


def write_csv(rows: Iterable[Row], out, **kwargs) -> int:
    """Write the return to the text stream `out`; returns the number of rows (without the header)."""
    lines = 0
    for line in csv_lines(rows, **kwargs):
        out.write(line)
        lines += 1
    return lines - 1


def write_csv_file(rows: Iterable[Row], path: Path, **kwargs) -> int:
    """Write to a temporary file beside `path`, then rename it: a run stopped half-way leaves no partial return, and
    re-running replaces the file whole."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            written = write_csv(rows, out, **kwargs)
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


def _council_cost(unit_cost, share):
    if unit_cost is None or share is None:
        return unit_cost
    return (unit_cost * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
