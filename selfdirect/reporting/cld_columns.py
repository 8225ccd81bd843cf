"""Django expressions that write the cells of the Client Level Data return in the database.

Each expression gives a cell already as the specification wants it written (dates dd/mm/yyyy, money and units to two
places, Yes/No) or NULL for a blank cell, so the database does the per-cell work: on PostgreSQL the whole return is
produced by COPY, a million rows in seconds. The same expressions run on SQLite (the demo), with the vendor
differences kept to the two formatting functions below. The values and rules come from selfdirect/rules/cld_return.py.
"""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, TruncDate

from selfdirect.rules import cld
from selfdirect.rules import cld_return as R

TEXT = CharField()


def blank() -> Value:
    return Value(None, output_field=TEXT)


def text(value: str) -> Value:
    return Value(value, output_field=TEXT)


def field(name: str):
    """A text field, NULL where it is empty (the CSV writes a blank cell either way; the validation sees None)."""
    return NullIf(F(name), text(""))


class DateText(Func):
    """A date written dd/mm/yyyy (R.DATE_FORMAT)."""

    output_field = TEXT
    template = "to_char(CAST(%(expressions)s AS date), 'DD/MM/YYYY')"

    def as_sqlite(self, compiler, connection, **extra):
        # Each "%" is doubled twice: once for this template, once for the driver's own parameter formatting.
        return self.as_sql(compiler, connection, template="strftime('%%%%d/%%%%m/%%%%Y', %(expressions)s)", **extra)


class TwoPlaces(Func):
    """A number to two decimal places, rounded half away from zero (money, and planned units)."""

    output_field = TEXT
    template = "to_char(CAST(%(expressions)s AS numeric), 'FM999999999990.00')"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="printf('%%%%.2f', %(expressions)s)", **extra)


def local_date(name: str) -> DateText:
    """The day (in the council's time zone) of a moment."""
    return DateText(TruncDate(name))


def yes_no(name: str) -> Case:
    return Case(When(**{name: True}, then=text(R.YES)), When(**{name: False}, then=text(R.NO)), default=blank())


def reference(prefix: str, name: str = "pk") -> Concat:
    """The Event Reference: a prefix for the kind of record and its number (REQ-12)."""
    return Concat(text(f"{prefix}-"), Cast(name, TEXT), output_field=TEXT)


def number(name: str) -> Cast:
    return Cast(name, TEXT)


# --- The person ---------------------------------------------------------------------------------------------------

PERSON_TEXT = {
    R.NHS_NUMBER: "nhs_number",
    R.PERSON_ID: "council_id",
    R.FIRST_NAME: "first_name",
    R.LAST_NAME: "last_name",
    R.GP_NAME: "gp_practice_name",
    R.GP_CODE: "gp_practice_code",
    R.GENDER: "gender",
    R.ETHNICITY: "ethnicity",
    R.PSR: "primary_support_reason",
    R.POSTCODE: "postcode",
    R.ACCOMMODATION: "accommodation_status",
    R.EMPLOYMENT: "employment_status",
}
PERSON_DATES = {R.DATE_OF_BIRTH: "date_of_birth", R.DATE_OF_DEATH: "date_of_death"}
# What a request says about someone not yet matched to a person record.
SUBJECT = {
    R.FIRST_NAME: "subject_first_name",
    R.LAST_NAME: "subject_last_name",
    R.DATE_OF_BIRTH: "subject_date_of_birth",
    R.POSTCODE: "subject_postcode",
}


def person_cells(*, subject: str | None = None) -> dict:
    """The person's columns. `subject` ("" for a request, "request__" for an assessment) falls back to what the
    request says when the event has no person record yet."""
    cells = {column: field(f"person__{name}") for column, name in PERSON_TEXT.items()}
    cells |= {column: DateText(F(f"person__{name}")) for column, name in PERSON_DATES.items()}
    if subject is not None:
        for column, name in SUBJECT.items():
            own = DateText(F(f"{subject}{name}")) if column == R.DATE_OF_BIRTH else field(f"{subject}{name}")
            cells[column] = Case(When(person__isnull=True, then=own), default=cells[column])
    cells[R.HAS_UNPAID_CARER] = has_unpaid_carer()
    return cells


def has_unpaid_carer() -> Case:
    from selfdirect.people.models import Contact

    carers = Contact.objects.filter(person=OuterRef("person_id"), is_unpaid_carer=True, is_active=True)
    return Case(When(Exists(carers), then=text(R.YES)), When(person__isnull=False, then=text(R.NO)), default=blank())


def funding_status(prefix: str = "") -> Case:
    """Client Funding Status from a financial assessment's result (the values are UNCONFIRMED, see R)."""
    return Case(
        When(**{f"{prefix}full_cost": True}, then=text(R.FUNDING_FULL_COST)),
        When(**{f"{prefix}weekly_contribution__gt": 0}, then=text(R.FUNDING_CONTRIBUTES)),
        When(**{f"{prefix}weekly_contribution__isnull": False}, then=text(R.FUNDING_FULLY_FUNDED)),
        default=blank(),
    )


def latest_funding_status(*, by: datetime.datetime) -> Subquery:
    """The status from the person's latest financial assessment completed before `by`."""
    from selfdirect.money.models import FinancialAssessment

    done = [FinancialAssessment.Status.COMPLETE, FinancialAssessment.Status.SUPERSEDED]
    latest = (
        FinancialAssessment.objects.filter(person=OuterRef("person_id"), status__in=done, completed_at__lt=by)
        .order_by("-completed_at", "-pk")
        .annotate(status_text=funding_status())
        .values("status_text")[:1]
    )
    return Subquery(latest, output_field=TEXT)


def carer_cells(is_carer: Q | None, *, by: datetime.datetime) -> dict:
    """The columns that depend on whether the row is about a carer (`is_carer`; None: never): the client type, the
    support reason a carer has when none is recorded, funding status (service users only), and the adults a carer
    looks after (from their carer's assessments, the first three in the order they were assessed)."""
    from selfdirect.assessments.models import Assessment

    if is_carer is None:
        return {
            R.CLIENT_TYPE: text(R.SERVICE_USER),
            R.PSR: field("person__primary_support_reason"),
            R.FUNDING_STATUS: latest_funding_status(by=by),
        }
    assessed = Assessment.objects.filter(
        kind=Assessment.Kind.CARER, person=OuterRef("person_id"), cared_for__isnull=False
    ).exclude(status=Assessment.Status.CANCELLED)
    links = assessed.values("cared_for__council_id").annotate(first=Min("pk")).order_by("first")
    how_many = assessed.values("person_id").annotate(n=Count("cared_for", distinct=True)).values("n")
    cells = {
        R.CLIENT_TYPE: Case(When(is_carer, then=text(R.CARER)), default=text(R.SERVICE_USER)),
        R.PSR: Coalesce(
            field("person__primary_support_reason"),
            Case(When(is_carer, then=text("Social Support: Support to Carer")), default=blank()),
        ),
        R.FUNDING_STATUS: Case(When(is_carer, then=blank()), default=latest_funding_status(by=by)),
        R.ADULTS_CARED_FOR: Case(When(is_carer, then=Cast(Subquery(how_many[:1]), TEXT)), default=blank()),
    }
    for n, column in enumerate((R.ADULT_1, R.ADULT_2, R.ADULT_3)):
        nth = Subquery(links.values("cared_for__council_id")[n : n + 1], output_field=TEXT)
        cells[column] = Case(When(is_carer, then=nth), default=blank())
    return cells


# --- Services -----------------------------------------------------------------------------------------------------


def delivery_mechanism() -> Case:
    """NHSE overwrites the delivery mechanism of a Direct Payment component to Direct Payment (reference 4.2)."""
    return Case(
        When(service_component="Direct Payment", then=text(cld.DELIVERY_DIRECT_PAYMENT)),
        default=field("delivery_mechanism"),
    )


def costs_mandatory() -> Q:
    """R.costs_mandatory as a filter: services not commissioned by the council that are long-term or carer support,
    or short-term residential, nursing or respite care."""
    not_commissioned = Q(service_component="Direct Payment") | ~Q(
        delivery_mechanism__contains=cld.DELIVERY_COMMISSIONED
    )
    costed = Q(service_component__in=R.COSTED_SHORT_TERM_COMPONENTS)
    for prefix in R.COSTED_SERVICE_TYPES:
        costed |= Q(service_type__startswith=prefix)
    return not_commissioned & costed


def cost_cells(council_shares: dict) -> dict:
    """The cost columns, only where mandatory. A jointly funded plan's unit cost is the council's share of it."""
    unit_cost = F("unit_cost")
    if council_shares:
        share = Case(
            *[When(plan_line__plan_id=plan, then=Value(ratio)) for plan, ratio in council_shares.items()],
            default=Value(1),
            output_field=DecimalField(max_digits=12, decimal_places=6),
        )
        unit_cost = ExpressionWrapper(unit_cost * share, output_field=DecimalField(max_digits=14, decimal_places=6))
    mandatory = costs_mandatory()
    return {
        R.UNIT_COST: Case(When(mandatory, then=TwoPlaces(unit_cost)), default=blank()),
        R.COST_FREQUENCY: Case(When(mandatory, then=field("cost_frequency")), default=blank()),
        R.PLANNED_UNITS: Case(When(mandatory, then=TwoPlaces(F("planned_units_per_week"))), default=blank()),
    }


def service_outcome(period_end: datetime.date, *, died: str = "person__date_of_death") -> Case:
    """A service still running at the end of the period is being provided; one that ended did so as planned, or
    because the person died (on or before the end date)."""
    return Case(
        When(Q(end_date__isnull=True) | Q(end_date__gt=period_end), then=text(R.SERVICE_ONGOING)),
        When(**{f"{died}__lte": F("end_date")}, then=text(R.DECEASED)),
        default=text(R.SERVICE_ENDED),
    )
