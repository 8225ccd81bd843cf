"""Fuzzing the API against its own OpenAPI schema (schemathesis, through WSGI: no server needed).

For every operation, up to 25 generated requests each (schema-valid and deliberately invalid ones), sent with a valid
token of a social worker (who may call every records operation) against a small case: no response is a server error,
every status code and body is one the schema documents, with the documented content type. About half of the requests
use the ids of records that exist, so the fuzzing reaches past the 404s into the record code.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from selfdirect.core.roles import Role
from tests.factories import PersonFactory

from .factories import full_case, token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def _keep_the_test_connection():
    """schemathesis calls Django's WSGI handler directly, which closes the database connection after each request
    (request_finished -> close_old_connections): on PostgreSQL that would close the test's own transaction. Django's
    test Client disconnects these signals for the same reason; so do we, for the length of the test."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, user_of_role, settings, _keep_the_test_connection):
    settings.API_EVENT_FEED_SETTLE_SECONDS = 0
    worker = user_of_role(Role.SOCIAL_WORKER)
    case = full_case(person=PersonFactory(last_name="Smith", allocated_worker=worker), worker=worker)
    ids = {
        "person_id": case["person"].pk,
        "assessment_id": case["assessment"].pk,
        "plan_id": case["plan"].pk,
        "budget_id": case["budget"].pk,
        "arrangement_id": case["arrangement"].pk,
        "review_id": case["review"].pk,
    }
    return {"headers": {"Authorization": f"Bearer {token_for(worker)}"}, "ids": ids}


# Loaded once when the module is collected (the schema endpoint reads no database). Not
# schemathesis.pytest.from_fixture: its lazy loader relies on a pytest internal that pytest 9 no longer has.
def _use_real_ids_for_even_ones(case, ids: dict[str, int]) -> None:
    """Swap a generated id for an existing record's when it is even (about half the time, decided by the generated
    data itself so Hypothesis can still shrink and replay a failure)."""
    for name, value in (case.path_parameters or {}).items():
        if name in ids and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = ids[name]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_match_the_schema(case, fuzz_world):
    _use_real_ids_for_even_ones(case, fuzz_world["ids"])
    response = case.call(headers=fuzz_world["headers"])
    case.validate_response(response, checks=CHECKS)


def test_the_fuzzing_covers_every_operation():
    """A new operation is fuzzed without anyone remembering to add it: the schema drives the test."""
    operations = {f"{r.ok().method.upper()} {r.ok().path}" for r in schema.get_all_operations()}
    assert "POST /people/{person_id}/notes" in operations or "POST /api/v1/people/{person_id}/notes" in operations
    assert len(operations) >= 16
