"""The OpenAPI document at /api/v1/openapi.json describes the eligibility calculator completely."""

import json

import pytest
from django.test import Client

from selfdirect.rules.eligibility import ADULT_OUTCOMES, ADULT_REASONS, CARER_OUTCOMES, CARER_REASONS

PATH = "/api/v1/calculators/eligibility"


@pytest.fixture(scope="module")
def schema() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    assert ref.startswith("#/"), ref
    target = schema
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def all_refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def test_document_is_openapi_json(schema):
    """The document is JSON with the OpenAPI top-level fields and every $ref resolving inside it."""
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "selfdirect API"
    assert isinstance(schema["paths"], dict)
    refs = set(all_refs(schema))
    assert refs
    for ref in refs:
        assert resolve(schema, {"$ref": ref}) is not None


def test_eligibility_path_is_a_post(schema):
    """The path is listed with POST only, and no security requirement (no sign-in)."""
    operations = schema["paths"][PATH]
    assert set(operations) == {"post"}
    assert not operations["post"].get("security")


def test_request_body_is_a_union_on_kind(schema):
    """The request is one of two objects, chosen by "kind": adult or carer, each closed to unknown fields."""
    body = schema["paths"][PATH]["post"]["requestBody"]
    assert body["required"] is True
    request = body["content"]["application/json"]["schema"]
    assert request["discriminator"]["propertyName"] == "kind"
    assert set(request["discriminator"]["mapping"]) == {"adult", "carer"}
    adult = resolve(schema, {"$ref": request["discriminator"]["mapping"]["adult"]})
    carer = resolve(schema, {"$ref": request["discriminator"]["mapping"]["carer"]})
    assert set(adult["required"]) == {
        "kind",
        "needs_arise_from_impairment_or_illness",
        "outcomes",
        "significant_impact_on_wellbeing",
    }
    assert set(carer["required"]) == {
        "kind",
        "needs_arise_from_providing_necessary_care",
        "health_deteriorating",
        "outcomes",
        "significant_impact_on_wellbeing",
    }
    assert adult["additionalProperties"] is False
    assert carer["additionalProperties"] is False
    assert adult["properties"]["needs_arise_from_impairment_or_illness"]["type"] == "boolean"


def _outcome_schema(schema, request_name: str) -> dict:
    items = schema["components"]["schemas"][request_name]["properties"]["outcomes"]["items"]
    return resolve(schema, items)


def test_codes_and_reasons_in_the_schema_match_the_rules(schema):
    """The enums published for each kind are exactly the rules' outcome codes and reasons, in order."""
    adult = _outcome_schema(schema, "AdultEligibilityRequest")
    carer = _outcome_schema(schema, "CarerEligibilityRequest")
    assert adult["properties"]["code"]["enum"] == list(ADULT_OUTCOMES)
    assert carer["properties"]["code"]["enum"] == list(CARER_OUTCOMES)
    assert adult["properties"]["unable_reasons"]["items"]["enum"] == [r.value for r in ADULT_REASONS]
    assert carer["properties"]["unable_reasons"]["items"]["enum"] == [r.value for r in CARER_REASONS]
    assert adult["properties"]["unable_reasons"]["minItems"] == 1


def test_responses_200_and_400_have_schemas(schema):
    """200 is the result object; 400 is the shared {"errors": [{"field", "message"}]} format."""
    responses = schema["paths"][PATH]["post"]["responses"]
    ok = resolve(schema, responses["200"]["content"]["application/json"]["schema"])
    assert set(ok["properties"]) == {"eligible", "outcomes_unable", "explanation"}
    assert set(ok["required"]) == {"eligible", "outcomes_unable", "explanation"}
    bad = resolve(schema, responses["400"]["content"]["application/json"]["schema"])
    assert bad["required"] == ["errors"]
    item = resolve(schema, bad["properties"]["errors"]["items"])
    assert set(item["properties"]) == {"field", "message"}
    assert "422" not in responses
