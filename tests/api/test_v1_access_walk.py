"""Walk every API operation as every role, as tests/core/test_access_walk.py walks the pages.

Each records operation publishes the permission-matrix action it needs (`x-required-action` in the schema). With
ids that do not exist, a role without the action gets 403 and a role with it never does (404 for an id, 200 for a
search or the feed): the action is checked before anything is looked up or even validated. Without a token, every
records operation is 401. An operation without a declared action (other than the public calculators) fails here.
"""

import re

import pytest
from django.test import Client

from selfdirect.api.access import ACTION_KEY
from selfdirect.api.api import api
from selfdirect.core.permissions import MATRIX
from selfdirect.core.roles import Role

MISSING_ID = 987654
PUBLIC_PREFIX = "/api/v1/calculators/"
QUERIES = {"/api/v1/people": {"q": "Smith"}}
BODIES = {
    "/api/v1/people/{person_id}/notes": {"kind": "phone", "occurred_on": "2026-01-05", "subject": "S", "text": "T"},
    # A person who does not exist: an allowed role gets as far as the lookup (404), never a 400.
    "/api/v1/requests": {
        "person_id": 987654,
        "requester": {"kind": "health"},
        "channel": "referral",
        "route_of_access": "Discharge from Hospital",
        "received_on": "2026-01-05",
        "what_they_need": "Help at home",
        "immediate_risk": False,
    },
}


def _operations():
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield path, method, op


OPERATIONS = list(_operations())
RECORDS = [(p, m, op) for p, m, op in OPERATIONS if not p.startswith(PUBLIC_PREFIX)]


def _call(client: Client, path: str, method: str):
    url = re.sub(r"\{\w+\}", str(MISSING_ID), path)
    if method == "get":
        return client.get(url, QUERIES.get(path, {}))
    return client.generic(method.upper(), url, __import__("json").dumps(BODIES.get(path, {})), "application/json")


def test_every_records_operation_declares_its_action_and_needs_a_token():
    """Anything outside the public calculators has a permission-matrix action and bearer security."""
    assert len(RECORDS) >= 14
    undeclared = [f"{m} {p}" for p, m, op in RECORDS if ACTION_KEY not in op or not op.get("security")]
    assert not undeclared, undeclared
    public = [f"{m} {p}" for p, m, op in OPERATIONS if p.startswith(PUBLIC_PREFIX) and op.get("security")]
    assert public == []  # the calculators stay open to anyone


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_matrix_allows(role, user_of_role, api_as):
    client = api_as(user_of_role(role))
    wrong = []
    for path, method, op in RECORDS:
        action = op[ACTION_KEY]
        allowed = action in MATRIX[role]
        response = _call(client, path, method)
        if (response.status_code == 403) == allowed or response.status_code >= 500:
            wrong.append(f"{method} {path} ({action}): {response.status_code}")
        if not allowed:
            assert response.json()["errors"][0]["message"].startswith("This token's role does not allow this")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_without_a_token_every_records_operation_is_401(db):
    client = Client()
    for path, method, _ in RECORDS:
        response = _call(client, path, method)
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in response.json()["errors"][0]["message"]


def test_a_signed_in_browser_session_is_not_enough(social_worker, client_as):
    """The API never acts on a session cookie: a page user's browser cannot be made to call it (CSRF)."""
    response = client_as(social_worker).get("/api/v1/people", {"q": "Smith"})
    assert response.status_code == 401
