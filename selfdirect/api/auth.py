"""Bearer-token authentication for the records API. The token acts as its user: request.user becomes the token's
user for the call (a signed-in browser session is never used by the API, so no cross-site request can act as a
member of staff)."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from selfdirect.core.permissions import Action, can

from .errors import ApiError
from .models import ApiToken
from .services import TokenRefused, TooManyCalls, api_token_authenticate

MISSING = "Send an API token in the header 'Authorization: Bearer <token>' (the council's administrator issues them)"


class TokenAuth(HttpBearer):
    """The token, then the role: `action` (a permission-matrix action) is checked here, before the request's
    parameters are even read, so a role without it gets 403 whatever it sends."""

    def __init__(self, action: str | None = None):
        super().__init__()
        self.action = action

    def __call__(self, request: HttpRequest) -> ApiToken:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError([("", MISSING)], status=401)
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        try:
            api_token = api_token_authenticate(secret=token)
        except TokenRefused as refused:
            raise ApiError([("", str(refused))], status=401) from refused
        except TooManyCalls as over:
            raise ApiError([("", str(over))], status=429, headers={"Retry-After": str(over.retry_after)}) from over
        request.user = api_token.user
        if self.action is not None and not can(api_token.user, self.action):
            message = f"This token's role does not allow this: {Action(self.action).label.lower()}"
            raise ApiError([("", message)], status=403)
        return api_token
