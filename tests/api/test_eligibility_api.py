"""POST /api/v1/calculators/eligibility: the fixed contract that outside callers rely on.

200 {"eligible", "outcomes_unable", "explanation"} for valid input; 400 {"errors": [{"field", "message"}]}
for anything else, including malformed JSON and near-misses such as "true" for true. Never 422, never 500.
No sign-in and no CSRF token are needed, and nothing is stored.
"""

import copy
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = "/api/v1/calculators/eligibility"

ADULT_EXAMPLE = {
    "kind": "adult",
    "needs_arise_from_impairment_or_illness": True,
    "outcomes": [
        {"code": "a", "unable_reasons": ["without_assistance"]},
        {"code": "g", "unable_reasons": ["pain_distress_anxiety", "takes_significantly_longer"]},
    ],
    "significant_impact_on_wellbeing": True,
}
CARER_EXAMPLE = {
    "kind": "carer",
    "needs_arise_from_providing_necessary_care": True,
    "health_deteriorating": False,
    "outcomes": [{"code": "8", "unable_reasons": ["endangers_health_safety"]}],
    "significant_impact_on_wellbeing": True,
}


def post(body, *, raw: bool = False, client: Client | None = None):
    client = client or Client()
    data = body if raw else json.dumps(body)
    return client.post(URL, data, content_type="application/json")


def with_changes(base: dict, **changes) -> dict:
    body = copy.deepcopy(base)
    for key, value in changes.items():
        if value is DELETE:
            body.pop(key, None)
        else:
            body[key] = value
    return body


DELETE = object()


def assert_error_format(response) -> list[dict]:
    """A 400 with a JSON body {"errors": [...]}, each error exactly {"field": str, "message": non-empty str}."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert set(payload) == {"errors"}
    assert payload["errors"], "a 400 names at least one problem"
    for error in payload["errors"]:
        assert set(error) == {"field", "message"}
        assert isinstance(error["field"], str)
        assert isinstance(error["message"], str) and error["message"].strip()
    return payload["errors"]


def fields_of(response) -> list[str]:
    return [e["field"] for e in assert_error_format(response)]


# --- valid requests ----------------------------------------------------------------------------------------


def test_adult_example_from_the_contract():
    """The contract's example: two outcomes unable, all conditions met -> 200, eligible, ["a", "g"]."""
    response = post(ADULT_EXAMPLE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"eligible", "outcomes_unable", "explanation"}
    assert body["eligible"] is True
    assert body["outcomes_unable"] == ["a", "g"]
    assert body["explanation"][-1] == "All three conditions are met, therefore your needs are eligible."
    assert any("managing and maintaining nutrition" in sentence for sentence in body["explanation"])


def test_adult_with_one_outcome_is_not_eligible():
    """One outcome is not enough for an adult; the explanation says which condition is not met."""
    body = post(with_changes(ADULT_EXAMPLE, outcomes=ADULT_EXAMPLE["outcomes"][:1])).json()
    assert body["eligible"] is False
    assert body["outcomes_unable"] == ["a"]
    assert "not eligible" in body["explanation"][-1]


def test_outcomes_come_back_in_list_order():
    """outcomes_unable follows the regulation's order, not the order sent."""
    outcomes = [{"code": c, "unable_reasons": ["without_assistance"]} for c in ("j", "b", "e")]
    assert post(with_changes(ADULT_EXAMPLE, outcomes=outcomes)).json()["outcomes_unable"] == ["b", "e", "j"]


def test_carer_example():
    """A carer with one outcome unable is eligible (carers need one, not two)."""
    response = post(CARER_EXAMPLE)
    assert response.status_code == 200
    assert response.json()["eligible"] is True
    assert response.json()["outcomes_unable"] == ["8"]


def test_carer_health_deteriorating_with_no_outcomes():
    """A carer whose health is deteriorating is eligible with an empty outcomes list."""
    body = post(with_changes(CARER_EXAMPLE, health_deteriorating=True, outcomes=[])).json()
    assert body == {**body, "eligible": True, "outcomes_unable": []}


def test_no_csrf_token_or_sign_in_needed():
    """Outside callers have no session: with CSRF checks enforced, an anonymous POST still gets 200."""
    response = post(ADULT_EXAMPLE, client=Client(enforce_csrf_checks=True))
    assert response.status_code == 200


@pytest.mark.django_db
def test_nothing_is_stored():
    """The calculator writes nothing: no audit event or any other row appears."""
    from selfdirect.core.models import AuditEvent

    post(ADULT_EXAMPLE)
    post({"kind": "nope"})
    assert AuditEvent.objects.count() == 0


# --- invalid requests: each gets 400 naming the field ------------------------------------------------------

ADULT_BOOLS = ["needs_arise_from_impairment_or_illness", "significant_impact_on_wellbeing"]
CARER_BOOLS = ["needs_arise_from_providing_necessary_care", "health_deteriorating", "significant_impact_on_wellbeing"]


def outcome(code, *reasons):
    return {"code": code, "unable_reasons": list(reasons)}


INVALID = [
    ("unknown kind", with_changes(ADULT_EXAMPLE, kind="child"), "kind"),
    ("kind missing", with_changes(ADULT_EXAMPLE, kind=DELETE), "kind"),
    ("kind not a string", with_changes(ADULT_EXAMPLE, kind=["adult"]), "kind"),
    (
        "unknown adult code",
        with_changes(ADULT_EXAMPLE, outcomes=[outcome("k", "without_assistance")]),
        "outcomes[0].code",
    ),
    (
        "carer code for an adult",
        with_changes(ADULT_EXAMPLE, outcomes=[outcome("1", "without_assistance")]),
        "outcomes[0].code",
    ),
    (
        "adult code for a carer",
        with_changes(CARER_EXAMPLE, outcomes=[outcome("a", "without_assistance")]),
        "outcomes[0].code",
    ),
    ("code as a number", with_changes(CARER_EXAMPLE, outcomes=[outcome(1, "without_assistance")]), "outcomes[0].code"),
    (
        "takes longer for a carer",
        with_changes(CARER_EXAMPLE, outcomes=[outcome("1", "takes_significantly_longer")]),
        "outcomes[0].unable_reasons[0]",
    ),
    (
        "unknown reason",
        with_changes(ADULT_EXAMPLE, outcomes=[outcome("a", "without_assistance", "bad_day")]),
        "outcomes[0].unable_reasons[1]",
    ),
    (
        "outcome listed twice",
        with_changes(
            ADULT_EXAMPLE, outcomes=[outcome("a", "without_assistance"), outcome("a", "pain_distress_anxiety")]
        ),
        "outcomes[1].code",
    ),
    ("outcome without reasons", with_changes(ADULT_EXAMPLE, outcomes=[outcome("a")]), "outcomes[0].unable_reasons"),
    (
        "reasons missing",
        with_changes(ADULT_EXAMPLE, outcomes=[{"code": "a"}]),
        "outcomes[0].unable_reasons",
    ),
    (
        "reasons not a list",
        with_changes(ADULT_EXAMPLE, outcomes=[{"code": "a", "unable_reasons": "without_assistance"}]),
        "outcomes[0].unable_reasons",
    ),
    ("outcomes not a list", with_changes(ADULT_EXAMPLE, outcomes={"a": ["without_assistance"]}), "outcomes"),
    ("outcomes null", with_changes(ADULT_EXAMPLE, outcomes=None), "outcomes"),
    ("outcomes missing", with_changes(ADULT_EXAMPLE, outcomes=DELETE), "outcomes"),
    ("outcome not an object", with_changes(ADULT_EXAMPLE, outcomes=["a"]), "outcomes[0]"),
    (
        "more outcomes than exist",
        with_changes(ADULT_EXAMPLE, outcomes=[outcome("a", "without_assistance")] * 11),
        "outcomes",
    ),
    (
        "unknown field in an outcome",
        with_changes(ADULT_EXAMPLE, outcomes=[{**outcome("a", "without_assistance"), "severity": 3}]),
        "outcomes[0].severity",
    ),
    ("carer field on an adult", with_changes(ADULT_EXAMPLE, health_deteriorating=True), "health_deteriorating"),
    (
        "adult field on a carer",
        with_changes(CARER_EXAMPLE, needs_arise_from_impairment_or_illness=True),
        "needs_arise_from_impairment_or_illness",
    ),
    ("unknown field", with_changes(ADULT_EXAMPLE, postcode="NM1 2AB"), "postcode"),
]
for name in ADULT_BOOLS:
    INVALID += [
        (f"adult {name} missing", with_changes(ADULT_EXAMPLE, **{name: DELETE}), name),
        (f"adult {name} as 'true'", with_changes(ADULT_EXAMPLE, **{name: "true"}), name),
        (f"adult {name} as 1", with_changes(ADULT_EXAMPLE, **{name: 1}), name),
        (f"adult {name} as 0", with_changes(ADULT_EXAMPLE, **{name: 0}), name),
        (f"adult {name} as null", with_changes(ADULT_EXAMPLE, **{name: None}), name),
    ]
for name in CARER_BOOLS:
    INVALID += [
        (f"carer {name} missing", with_changes(CARER_EXAMPLE, **{name: DELETE}), name),
        (f"carer {name} as 'false'", with_changes(CARER_EXAMPLE, **{name: "false"}), name),
        (f"carer {name} as 1", with_changes(CARER_EXAMPLE, **{name: 1}), name),
    ]


@pytest.mark.parametrize(
    ("body", "field"), [(body, field) for _, body, field in INVALID], ids=[n for n, _, _ in INVALID]
)
def test_invalid_input_is_400_naming_the_field(body, field):
    """Each kind of invalid input gets 400 in the errors format, and one error names the offending field."""
    assert field in fields_of(post(body))


def test_carer_field_on_adult_says_not_used_for_adults():
    """A field that belongs to the other kind is refused with a message saying so."""
    errors = assert_error_format(post(with_changes(ADULT_EXAMPLE, health_deteriorating=False)))
    assert errors == [{"field": "health_deteriorating", "message": "This field is not used for adults: remove it"}]
    errors = assert_error_format(post(with_changes(CARER_EXAMPLE, needs_arise_from_impairment_or_illness=True)))
    assert "not used for carers" in errors[0]["message"]


def test_messages_say_what_to_send():
    """Messages are actionable: a string boolean is told to send true or false; a bad code the valid codes."""
    errors = assert_error_format(post(with_changes(ADULT_EXAMPLE, significant_impact_on_wellbeing="true")))
    assert "true or false" in errors[0]["message"]
    errors = assert_error_format(post(with_changes(ADULT_EXAMPLE, outcomes=[outcome("1", "without_assistance")])))
    assert '"a" to "j"' in errors[0]["message"]
    errors = assert_error_format(
        post(with_changes(CARER_EXAMPLE, outcomes=[outcome("1", "takes_significantly_longer")]))
    )
    assert "not a reason for carers" in errors[0]["message"]
    errors = assert_error_format(post(with_changes(ADULT_EXAMPLE, kind="child")))
    assert '"adult" or "carer"' in errors[0]["message"]


def test_every_problem_is_reported_at_once():
    """Several problems in one request are all listed, so a caller can fix them together."""
    body = with_changes(
        ADULT_EXAMPLE, needs_arise_from_impairment_or_illness="yes", significant_impact_on_wellbeing=DELETE
    )
    assert set(fields_of(post(body))) == {"needs_arise_from_impairment_or_illness", "significant_impact_on_wellbeing"}


@pytest.mark.parametrize("body", [[], [ADULT_EXAMPLE], "adult", 42, None, True], ids=repr)
def test_json_that_is_not_an_object_is_400(body):
    """The body must be a JSON object: arrays, strings, numbers, null and booleans get 400 on "body"."""
    assert fields_of(post(body)) == ["body"]


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b'{"kind": "adult",}', b"{'kind': 'adult'}", b"NaN", b'{"kind": Infinity}', b"\xff\xfe{}", b"[" * 5000],
    ids=["empty", "unclosed", "trailing comma", "single quotes", "NaN", "Infinity", "not UTF-8", "deeply nested"],
)
def test_malformed_bodies_are_400(raw):
    """A body that is not (UTF-8, standard) JSON gets 400 with the error on "body", not ninja's {"detail"}."""
    errors = assert_error_format(post(raw, raw=True))
    assert [e["field"] for e in errors] == ["body"]


@pytest.mark.parametrize("depth", [100, 900])
def test_deeply_nested_values_in_fields_are_400(depth):
    """Deep nesting inside valid JSON, where a code, a kind or a boolean belongs, is a 400 like any wrong type."""
    nested = "[" * depth + "]" * depth
    for raw in (
        '{"kind": NESTED}',
        '{"kind": "adult", "outcomes": [{"code": NESTED, "unable_reasons": [NESTED]}]}',
        '{"kind": "adult", "needs_arise_from_impairment_or_illness": NESTED}',
    ):
        assert_error_format(post(raw.replace("NESTED", nested).encode(), raw=True))


def test_too_large_body_is_413_in_the_errors_format(settings):
    """A body over Django's upload limit is refused in the same format (413), not as an HTML error page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(with_changes(ADULT_EXAMPLE, padding="x" * 200))
    assert response.status_code == 413
    assert response.json() == {"errors": [{"field": "body", "message": "The request body is too large"}]}


def test_malformed_json_message_says_where():
    """The parse error message points at the line and column."""
    errors = assert_error_format(post(b'{"kind": "adult",\n "outcomes": [}', raw=True))
    assert "line 2" in errors[0]["message"]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_methods_are_405(method):
    """Only POST is allowed."""
    response = getattr(Client(), method)(URL)
    assert response.status_code == 405
    assert "POST" in response["Allow"]


# --- fuzzing: never a 500, always one of the two documented shapes ----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
interesting_keys = st.sampled_from(
    [
        "kind",
        "outcomes",
        "code",
        "unable_reasons",
        "needs_arise_from_impairment_or_illness",
        "needs_arise_from_providing_necessary_care",
        "health_deteriorating",
        "significant_impact_on_wellbeing",
    ]
)
interesting_values = st.sampled_from(
    ["adult", "carer", "a", "j", "1", "8", "without_assistance", "takes_significantly_longer", True, False, [], {}]
)


@st.composite
def near_valid(draw):
    """A valid adult or carer body with one to three mutations: keys dropped, added or given odd values."""
    body = copy.deepcopy(draw(st.sampled_from([ADULT_EXAMPLE, CARER_EXAMPLE])))
    for _ in range(draw(st.integers(1, 3))):
        target = body
        if body.get("outcomes") and isinstance(body["outcomes"], list) and draw(st.booleans()):
            index = draw(st.integers(0, len(body["outcomes"]) - 1))
            if isinstance(body["outcomes"][index], dict):
                target = body["outcomes"][index]
        action = draw(st.sampled_from(["drop", "set", "add"]))
        if action == "drop" and target:
            target.pop(draw(st.sampled_from(sorted(target))))
        else:
            key = draw(st.sampled_from(sorted(target)) | interesting_keys) if action == "set" and target else None
            key = key or draw(interesting_keys | st.text(max_size=8))
            target[key] = draw(interesting_values | json_values)
    return body


def check_shape(response) -> None:
    if response.status_code == 200:
        body = response.json()
        assert set(body) == {"eligible", "outcomes_unable", "explanation"}
        assert isinstance(body["eligible"], bool) and body["explanation"]
    else:
        assert_error_format(response)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=json_values)
def test_arbitrary_json_never_errors(body):
    """Any JSON value at all gets 200 or 400 in the documented shapes (a 500 would raise in the test client)."""
    check_shape(post(body))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=near_valid())
def test_near_valid_bodies_never_error(body):
    """Mutations of valid requests get 200 or 400 in the documented shapes, never 422 or 500."""
    check_shape(post(body))


@settings(max_examples=30, deadline=None)
@given(raw=st.binary(max_size=60))
def test_arbitrary_bytes_never_error(raw):
    """Random bytes as the body get 200 or 400, never a server error."""
    check_shape(post(raw, raw=True))
