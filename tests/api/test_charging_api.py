"""POST /api/v1/calculators/charging: the fixed contract that outside callers rely on.

200 with every amount a string in pounds to the penny; 400 {"errors": [{"field", "message"}]} for invalid
input, an unknown year, or a figure an administrator has not confirmed. Money must be a JSON string: a JSON
number is refused. Never 422, never 500. No sign-in, no CSRF token, nothing stored. Figures come from the
database, so confirming one in the admin changes the answer.
"""

import copy
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfdirect.money.models import ChargingFigure
from selfdirect.rules.charging import INCOME_TYPES
from tests.money import load_charging_figures

URL = "/api/v1/calculators/charging"

EXAMPLE = {
    "financial_year": "2021-22",
    "setting": "community",
    "household": "single",
    "age": 70,
    "reached_pension_credit_age": True,
    "dependent_children": 0,
    "premiums": {"disability": False, "enhanced_disability": False, "carer": False},
    "capital": "18450.00",
    "weekly_income": [
        {"type": "state_pension", "amount": "179.60"},
        {"type": "attendance_allowance", "amount": "60.00"},
        {"type": "pip_mobility", "amount": "24.45"},
    ],
    "weekly_housing_costs": "0.00",
    "weekly_disability_related_expenditure": "10.00",
    "weekly_cost_of_care": "250.00",
}
RESULT_KEYS = {
    "tariff_income",
    "counted_income",
    "disregarded_income",
    "minimum_income_guarantee",
    "personal_expenses_allowance",
    "weekly_contribution",
    "full_cost",
    "explanation",
}
PENCE = re.compile(r"^[0-9]+\.[0-9]{2}$")
DELETE = object()


@pytest.fixture(autouse=True)
def figures(db):
    return load_charging_figures()


def post(body, *, raw: bool = False, client: Client | None = None):
    client = client or Client()
    return client.post(URL, body if raw else json.dumps(body), content_type="application/json")


def with_changes(**changes) -> dict:
    body = copy.deepcopy(EXAMPLE)
    for key, value in changes.items():
        if value is DELETE:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def assert_error_format(response) -> list[dict]:
    """A 400 with a JSON body {"errors": [...]}, each error exactly {"field": str, "message": non-empty str}."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert set(payload) == {"errors"}
    assert payload["errors"]
    for error in payload["errors"]:
        assert set(error) == {"field", "message"}
        assert isinstance(error["field"], str)
        assert isinstance(error["message"], str) and error["message"].strip()
    return payload["errors"]


def fields_of(response) -> list[str]:
    return [e["field"] for e in assert_error_format(response)]


# --- valid requests ----------------------------------------------------------------------------------------


def test_contract_example():
    """The contract's example: tariff "17.00", contribution "57.60", not full cost, every amount a string."""
    response = post(EXAMPLE)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == RESULT_KEYS
    assert body["tariff_income"] == "17.00"
    assert body["counted_income"] == "239.60"
    assert body["disregarded_income"] == "24.45"
    assert body["minimum_income_guarantee"] == "189.00"
    assert body["personal_expenses_allowance"] is None
    assert body["weekly_contribution"] == "57.60"
    assert body["full_cost"] is False
    assert body["explanation"][-1] == "Your weekly contribution is £57.60."
    assert any("not counted" in line and "Personal Independence Payment" in line for line in body["explanation"])


def test_amounts_are_strings_to_the_penny():
    """Whole-pound results still come back with pence: "0.00", not "0" or 0."""
    body = post(with_changes(capital="0", weekly_income=[], weekly_disability_related_expenditure="0")).json()
    for key in ("tariff_income", "counted_income", "disregarded_income", "weekly_contribution"):
        assert PENCE.match(body[key]), (key, body[key])
    assert body["weekly_contribution"] == "0.00"


def test_never_more_than_the_cost_of_care():
    """Able to pay £57.60 with care costing £23.92: the contribution is "23.92"."""
    body = post(with_changes(weekly_cost_of_care="23.92")).json()
    assert body["weekly_contribution"] == "23.92"
    assert body["full_cost"] is False


def test_above_the_upper_limit_is_full_cost():
    """Capital above £23,250 pays the full cost: full_cost true, contribution the cost of care."""
    body = post(with_changes(capital="23250.01")).json()
    assert body["full_cost"] is True
    assert body["weekly_contribution"] == "250.00"


def test_care_home_gives_the_personal_expenses_allowance_not_the_mig():
    """A care home (2025-26): PEA "30.65" and MIG null."""
    body = post(with_changes(financial_year="2025-26", setting="care_home", weekly_cost_of_care="900.00")).json()
    assert body["personal_expenses_allowance"] == "30.65"
    assert body["minimum_income_guarantee"] is None
    assert body["weekly_contribution"] == "225.95"  # 239.60 + 17 - 30.65


def test_confirming_a_figure_in_the_database_changes_the_answer():
    """Figures come from the database: once an administrator sets and confirms the 2025-26 MIG for a single
    person at pension credit age, the same request is answered."""
    figure = ChargingFigure.objects.get(year__financial_year="2025-26", key="mig_single_pc_age")
    assert post(with_changes(financial_year="2025-26")).status_code == 400
    figure.amount, figure.confirmed = Decimal("200.00"), True
    figure.save()
    body = post(with_changes(financial_year="2025-26")).json()
    assert body["minimum_income_guarantee"] == "200.00"
    assert body["weekly_contribution"] == "46.60"


def test_standard_dre_is_used_when_null_and_the_council_has_one():
    """weekly_disability_related_expenditure null uses the council's standard allowance, once it is set."""
    ChargingFigure.objects.filter(year__financial_year="2021-22", key="policy_standard_dre").update(
        amount=Decimal("10.85"), confirmed=True
    )
    body = post(with_changes(weekly_disability_related_expenditure=None)).json()
    assert body["weekly_contribution"] == "56.75"  # 57.60 + 10.00 - 10.85


def test_no_csrf_token_or_sign_in_needed():
    """Outside callers have no session: with CSRF checks enforced, an anonymous POST still gets 200."""
    assert post(EXAMPLE, client=Client(enforce_csrf_checks=True)).status_code == 200


def test_nothing_is_stored():
    """The calculator writes nothing: no audit event and no financial assessment appears."""
    from selfdirect.core.models import AuditEvent
    from selfdirect.money.models import FinancialAssessment

    post(EXAMPLE)
    post(with_changes(capital=1))
    assert AuditEvent.objects.count() == 0
    assert FinancialAssessment.objects.count() == 0


# --- invalid requests: each gets 400 naming the field ------------------------------------------------------

MONEY_FIELDS = ["capital", "weekly_housing_costs", "weekly_disability_related_expenditure", "weekly_cost_of_care"]

INVALID = [
    ("unknown year", with_changes(financial_year="2030-31"), "financial_year"),
    ("year not a year", with_changes(financial_year="this year"), "financial_year"),
    ("year as a number", with_changes(financial_year=2021), "financial_year"),
    ("unknown setting", with_changes(setting="hospital"), "setting"),
    ("unknown household", with_changes(household="family"), "household"),
    ("age under 18", with_changes(age=17), "age"),
    ("age as a string", with_changes(age="70"), "age"),
    ("age with a fraction", with_changes(age=70.5), "age"),
    ("pension age as a string", with_changes(reached_pension_credit_age="true"), "reached_pension_credit_age"),
    ("negative children", with_changes(dependent_children=-1), "dependent_children"),
    (
        "premium as 1",
        with_changes(premiums={"disability": 1, "enhanced_disability": False, "carer": False}),
        "premiums.disability",
    ),
    ("premium missing", with_changes(premiums={"disability": False, "carer": False}), "premiums.enhanced_disability"),
    (
        "unknown income type",
        with_changes(weekly_income=[{"type": "lottery", "amount": "1.00"}]),
        "weekly_income[0].type",
    ),
    (
        "income amount as a number",
        with_changes(weekly_income=[{"type": "earnings", "amount": 10}]),
        "weekly_income[0].amount",
    ),
    (
        "negative income",
        with_changes(weekly_income=[{"type": "earnings", "amount": "-10.00"}]),
        "weekly_income[0].amount",
    ),
    ("income without amount", with_changes(weekly_income=[{"type": "earnings"}]), "weekly_income[0].amount"),
    ("income not a list", with_changes(weekly_income={"earnings": "1.00"}), "weekly_income"),
    ("unknown field", with_changes(postcode="NM1 2AB"), "postcode"),
    (
        "unknown field in an income",
        with_changes(weekly_income=[{"type": "earnings", "amount": "1", "x": 1}]),
        "weekly_income[0].x",
    ),
]
for name in [f for f in EXAMPLE if f != "weekly_disability_related_expenditure"]:
    INVALID.append((f"{name} missing", with_changes(**{name: DELETE}), name))
INVALID.append(
    ("dre missing", with_changes(weekly_disability_related_expenditure=DELETE), "weekly_disability_related_expenditure")
)
for name in MONEY_FIELDS:
    INVALID += [
        (f"{name} as a JSON number", with_changes(**{name: 250}), name),
        (f"{name} as a JSON float", with_changes(**{name: 250.5}), name),
        (f"{name} negative", with_changes(**{name: "-1.00"}), name),
        (f"{name} three decimal places", with_changes(**{name: "1.005"}), name),
        (f"{name} not a number", with_changes(**{name: "lots"}), name),
        (f"{name} with a pound sign", with_changes(**{name: "£10.00"}), name),
        (f"{name} with a comma", with_changes(**{name: "1,000.00"}), name),
        (f"{name} exponent", with_changes(**{name: "1e3"}), name),
        (f"{name} too large", with_changes(**{name: "100000000000.00"}), name),
    ]
for name in MONEY_FIELDS[:1] + MONEY_FIELDS[3:]:
    INVALID.append((f"{name} null", with_changes(**{name: None}), name))


@pytest.mark.parametrize(("body", "field"), [(b, f) for _, b, f in INVALID], ids=[n for n, _, _ in INVALID])
def test_invalid_input_is_400_naming_the_field(body, field):
    """Each kind of invalid input gets 400 in the errors format, and one error names the offending field."""
    assert field in fields_of(post(body))


def test_money_as_a_json_number_says_to_send_a_string():
    """A JSON number for money is refused with a message saying to send a string in pounds."""
    errors = assert_error_format(post(with_changes(capital=18450)))
    assert errors == [
        {
            "field": "capital",
            "message": '18450 is not allowed: send money as a JSON string in pounds, for example "179.60" '
            "(not a number)",
        }
    ]


@pytest.mark.parametrize(
    ("value", "words"),
    [("-5.00", "cannot be negative"), ("5.001", "at most 2 decimal places"), ("five", "amount in pounds")],
)
def test_money_messages_say_what_is_wrong(value, words):
    """Negative amounts, too many decimal places and words each get their own actionable message."""
    (error,) = assert_error_format(post(with_changes(weekly_cost_of_care=value)))
    assert words in error["message"]


def test_unknown_year_lists_the_years_there_are():
    """An unknown year names the years that have figures."""
    (error,) = assert_error_format(post(with_changes(financial_year="2030-31")))
    assert error["field"] == "financial_year"
    assert '"2021-22"' in error["message"] and '"2025-26"' in error["message"]


def test_unconfirmed_figure_is_400_naming_it():
    """2025-26, single, pension credit age: that MIG is UNCONFIRMED, so 400 on financial_year naming the figure."""
    (error,) = assert_error_format(post(with_changes(financial_year="2025-26")))
    assert error["field"] == "financial_year"
    assert "Minimum income guarantee: single, pension credit age" in error["message"]
    assert "2025-26" in error["message"]


def test_null_dre_without_a_standard_allowance_is_400():
    """With no standard DRE allowance set, null DRE is 400 naming the policy and saying to send an amount."""
    (error,) = assert_error_format(post(with_changes(weekly_disability_related_expenditure=None)))
    assert error["field"] == "weekly_disability_related_expenditure"
    assert "has not set a standard allowance for disability-related expenditure" in error["message"]


def test_every_problem_is_reported_at_once():
    """Several problems in one request are all listed, so a caller can fix them together."""
    body = with_changes(capital=1, setting="home", age=DELETE)
    assert set(fields_of(post(body))) == {"capital", "setting", "age"}


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]", b"null", b"NaN", b"\xff"], ids=repr)
def test_malformed_or_non_object_bodies_are_400_on_body(raw):
    """A body that is not a JSON object gets 400 on "body"."""
    assert fields_of(post(raw, raw=True)) == ["body"]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_405(method):
    """Only POST is allowed."""
    response = getattr(Client(), method)(URL)
    assert response.status_code == 405
    assert "POST" in response["Allow"]


# --- the OpenAPI schema ------------------------------------------------------------------------------------


def _resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    target = schema
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def test_openapi_schema_describes_the_endpoint():
    """The path is a POST with no security, a closed request object whose money fields are strings, and 200 and
    400 schemas (the shared errors format)."""
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert set(schema["paths"][URL]) == {"post"}
    assert not operation.get("security")
    request = _resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    assert request["additionalProperties"] is False
    assert set(request["required"]) == set(EXAMPLE)
    for name in ("capital", "weekly_housing_costs", "weekly_cost_of_care"):
        assert request["properties"][name]["type"] == "string"
        assert "pattern" in request["properties"][name]
    assert request["properties"]["setting"]["enum"] == ["community", "care_home"]
    income = _resolve(schema, request["properties"]["weekly_income"]["items"])
    assert income["properties"]["type"]["enum"] == list(INCOME_TYPES)
    responses = operation["responses"]
    ok = _resolve(schema, responses["200"]["content"]["application/json"]["schema"])
    assert set(ok["properties"]) == RESULT_KEYS
    bad = _resolve(schema, responses["400"]["content"]["application/json"]["schema"])
    assert bad["required"] == ["errors"]
    assert "422" not in responses


# --- fuzzing: never a 500 ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=12,
)
interesting_values = st.sampled_from(
    ["2021-22", "2025-26", "community", "care_home", "couple", "lone_parent", "0", "0.00", "-1", "1.234", "9" * 12]
    + list(INCOME_TYPES)
    + [True, False, 0, -1, 18, 131, None, [], {}]
)
money_strings = st.decimals(min_value=0, max_value=10**7, places=2).map(str)


@st.composite
def near_valid(draw):
    """The example with one to four fields dropped, replaced or added, sometimes inside an income line."""
    body = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(1, 4))):
        target = body
        if isinstance(body.get("weekly_income"), list) and body["weekly_income"] and draw(st.booleans()):
            line = draw(st.sampled_from(body["weekly_income"]))
            if isinstance(line, dict):
                target = line
        action = draw(st.sampled_from(["drop", "set", "set", "add"]))
        if action == "drop" and target:
            target.pop(draw(st.sampled_from(sorted(target))))
        elif action == "set" and target:
            target[draw(st.sampled_from(sorted(target)))] = draw(interesting_values | money_strings | json_values)
        else:
            target[draw(st.text(max_size=8))] = draw(json_values)
    return body


def check_shape(response) -> None:
    if response.status_code == 200:
        body = response.json()
        assert set(body) == RESULT_KEYS
        assert PENCE.match(body["weekly_contribution"])
    else:
        assert_error_format(response)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(body=near_valid())
def test_near_valid_bodies_never_error(body):
    """Mutations of the example get 200 or 400 in the documented shapes, never 422 or 500."""
    check_shape(post(body))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    setting=st.sampled_from(["community", "care_home"]),
    household=st.sampled_from(["single", "lone_parent", "couple"]),
    age=st.integers(18, 130),
    pension=st.booleans(),
    children=st.integers(0, 20),
    capital=money_strings,
    income=st.lists(st.tuples(st.sampled_from(list(INCOME_TYPES)), money_strings), max_size=6),
    housing=money_strings,
    dre=st.none() | money_strings,
    cost=money_strings,
    year=st.sampled_from(["2021-22", "2025-26"]),
)
def test_valid_bodies_give_a_result_or_name_a_figure(
    setting, household, age, pension, children, capital, income, housing, dre, cost, year
):
    """Any well-formed body gets 200 with a contribution never above the cost, or 400 naming an unconfirmed
    figure on financial_year (or the missing standard DRE allowance on that field): never a 500."""
    body = with_changes(
        financial_year=year,
        setting=setting,
        household=household,
        age=age,
        reached_pension_credit_age=pension,
        dependent_children=children,
        capital=capital,
        weekly_income=[{"type": t, "amount": a} for t, a in income],
        weekly_housing_costs=housing,
        weekly_disability_related_expenditure=dre,
        weekly_cost_of_care=cost,
    )
    response = post(body)
    check_shape(response)
    if response.status_code == 200:
        assert Decimal(response.json()["weekly_contribution"]) <= Decimal(cost)
    else:
        assert fields_of(response) in (["financial_year"], ["weekly_disability_related_expenditure"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(body=json_values)
def test_arbitrary_json_never_errors(body):
    """Any JSON value at all gets 400 in the documented shape (a 500 would raise in the test client)."""
    check_shape(post(body))
