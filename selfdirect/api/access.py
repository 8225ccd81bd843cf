"""Who may call each records endpoint, and how reads are audited.

Every operation is registered through `operation(...)` with the permission-matrix action it needs. The action is
checked before anything is looked up (so an id reveals nothing to a role without it), and it is published in the
OpenAPI schema as `x-required-action`: tests/api/test_v1_access_walk.py calls every operation as every role and
checks the answer against the matrix, so an endpoint without a rule cannot be added unnoticed.
"""

from django.http import HttpRequest

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action
from selfdirect.people.selectors import person_get_for_user

from .auth import TokenAuth
from .errors import ErrorResponse

ACTION_KEY = "x-required-action"
MAX_ID = 2**63 - 1  # the largest id a database can hold: larger ones are refused as input, never looked up
ERRORS = {400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse}


def operation(router, method: str, path: str, *, action: str, response, **kwargs):
    """Register a token-authenticated operation that needs `action` (checked first, documented in the schema)."""

    def decorator(view):
        view.required_action = action
        description = kwargs.pop("description", "")
        rule = f"Needs a token whose role may: {Action(action).label.lower()} (`{action}`)."
        router.api_operation(
            [method],
            path,
            auth=TokenAuth(action),
            response={**response, **ERRORS},
            description=f"{description}\n\n{rule}".strip(),
            openapi_extra={ACTION_KEY: action},
            **kwargs,
        )(view)
        return view

    return decorator


def audit_what(request: HttpRequest, what: str) -> str:
    """The audit summary for an API call: what was read, through which token."""
    token = request.auth
    return f"API ({token.name}, {token.prefix}…): {what}"


def person_for(request: HttpRequest, person_id: int, *, what: str):
    """The person, through the same rules as the pages (404 if none, 403 if restricted), the read audited."""
    person = person_get_for_user(user=request.user, pk=person_id)
    audit_person_view(actor=request.user, person=person, what=audit_what(request, what), request=request)
    return person
