"""The cells the database writes for the CLD return (selfdirect/reporting/cld_columns.py), table by table, run through
the real database: each expression is evaluated over values given as query aliases, as the extract evaluates it over
the record's fields."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, CharField, DateField, DecimalField, Value
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from selfdirect.reporting import cld_columns as C
from selfdirect.rules import cld_return as R

pytestmark = pytest.mark.django_db

END = datetime.date(2026, 9, 30)
TYPES = {bool: BooleanField(), str: CharField(), datetime.date: DateField(), Decimal: DecimalField()}


def evaluate(expression, **fields):
    """The expression's value over one row whose fields are `fields` (a None is given as (None, its type))."""
    aliases = {
        name: Value(value[0], output_field=TYPES[value[1]]) if isinstance(value, tuple) else Value(value)
        for name, value in fields.items()
    }
    return ContentType.objects.alias(**aliases).annotate(result=expression).values_list("result", flat=True)[0]


@pytest.mark.parametrize(
    "value, written",
    [
        (datetime.date(2026, 4, 1), "01/04/2026"),
        (datetime.date(1948, 12, 31), "31/12/1948"),
        ((None, datetime.date), None),
    ],
)
def test_dates_are_written_as_the_specification_expects(value, written):
    assert evaluate(C.DateText("day"), day=value) == written
    if written:
        assert written == R.format_value(value)  # as the contacts' rows, written in Python


@pytest.mark.parametrize("value, written", [(Decimal("24"), "24.00"), (Decimal("7.5"), "7.50"),
                                            (Decimal("1100.00"), "1100.00"), (Decimal("0"), "0.00")])  # fmt: skip
def test_money_and_units_to_two_places(value, written):
    assert evaluate(C.TwoPlaces("amount"), amount=value) == written == R.format_value(value)


@pytest.mark.parametrize(
    "full_cost, contribution, status",
    [
        (True, Decimal("0"), "Full cost client"),
        (False, Decimal("0.00"), "Fully funded by the council"),
        (False, Decimal("12.40"), "Part funded by the council (client contributes)"),
        (False, (None, Decimal), None),
    ],
)
def test_client_funding_status_from_the_financial_assessment(full_cost, contribution, status):
    assert evaluate(C.funding_status(), full_cost=full_cost, weekly_contribution=contribution) == status


@pytest.mark.parametrize(
    "end_date, died_on, outcome",
    [
        ((None, datetime.date), (None, datetime.date), "Provision of service"),
        (datetime.date(2026, 10, 5), (None, datetime.date), "Provision of service"),  # ends after the period
        (datetime.date(2026, 8, 1), (None, datetime.date), "Service ended as planned"),
        (datetime.date(2026, 8, 1), datetime.date(2026, 7, 30), "NFA - Deceased"),
        (datetime.date(2026, 8, 1), datetime.date(2026, 8, 1), "NFA - Deceased"),
        (datetime.date(2026, 8, 1), datetime.date(2026, 9, 1), "Service ended as planned"),
    ],
)
def test_service_event_outcome(end_date, died_on, outcome):
    expression = C.service_outcome(END, died="died_on")
    assert evaluate(expression, end_date=end_date, died_on=died_on) == outcome


COSTS = [
    ("Long Term Support: Community", "Home Support", "CASSR Managed Personal Budget", True),
    ("Long Term Support: Community", "Direct Payment", "Direct Payment", True),
    (
        "Long Term Support: Community",
        "Direct Payment",
        "CASSR Commissioned Support",
        True,
    ),  # a DP is never commissioned
    ("Long Term Support: Community", "Home Support", "", True),  # blank is "not commissioned"
    ("Long Term Support: Community", "Home Support", "CASSR Commissioned Support", False),
    ("Carer Support: Direct to Carer", "Carer Sitting Service", "Direct Payment", True),
    ("Short Term Support: Other Short Term", "Short Term Residential Care", "Direct Payment", True),
    ("Short Term Support: Other Short Term", "Carer Respite", "", True),
    ("Short Term Support: ST-Max", "Reablement", "", False),
    ("Short Term Support: Other Short Term", "Equipment", "Direct Payment", False),
]


@pytest.mark.parametrize("service_type, component, mechanism, mandatory", COSTS)
def test_costs_only_where_mandatory(service_type, component, mechanism, mandatory):
    """The cost columns are filled only where the costs rule makes them mandatory, and the validation's own
    reading of that rule (on the row as written) agrees."""
    fields = {"service_type": service_type, "service_component": component, "delivery_mechanism": mechanism,
              "unit_cost": Decimal("24"), "cost_frequency": "Hourly",
              "planned_units_per_week": Decimal("10")}  # fmt: skip
    cells = {column: evaluate(expression, **fields) for column, expression in C.cost_cells({}).items()}
    expected = ("24.00", "Hourly", "10.00") if mandatory else (None, None, None)
    assert (cells[R.UNIT_COST], cells[R.COST_FREQUENCY], cells[R.PLANNED_UNITS]) == expected
    written = {R.EVENT_TYPE: R.EVENT_SERVICE, R.SERVICE_TYPE: service_type, R.SERVICE_COMPONENT: component,
               R.DELIVERY_MECHANISM: evaluate(C.delivery_mechanism(), **fields) or ""}  # fmt: skip
    assert R.costs_mandatory(written) is mandatory


@pytest.mark.parametrize("value, written", [(True, "Yes"), (False, "No"), ((None, bool), None)])
def test_yes_no(value, written):
    assert evaluate(C.yes_no("flag"), flag=value) == written


class TestDatesAgreeWithPython(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
    def test_any_date_is_written_as_python_writes_it(self, day):
        assert evaluate(C.DateText("day"), day=day) == R.format_value(day)
