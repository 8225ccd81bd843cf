"""Walk every URL pattern: each view must declare who may use it, and each role gets exactly what the
permission matrix says (403 when the role lacks the view's action, never 403 when it has it).

Object ids in URLs are ones that do not exist: permission is checked before the record is looked up, so a
role without the right gets 403 and a role with it gets 404 (an id reveals nothing either way).
"""

import re

import pytest
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, get_resolver

from selfdirect.core.permissions import MATRIX
from selfdirect.core.roles import Role

# Django's own sign-in and sign-out views are public by nature; the admin has its own staff checks.
PUBLIC_VIEW_CLASSES = {auth_views.LoginView, auth_views.LogoutView}
SKIPPED_PREFIXES = ("admin/", "api/v1/")
MISSING_ID = 987654


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _access(callback) -> str | None:
    if getattr(callback, "access", None):
        return callback.access
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        if any(issubclass(view_class, c) for c in PUBLIC_VIEW_CLASSES):
            return getattr(view_class, "access", "public")
        return getattr(view_class, "access", None)
    return getattr(callback, "access", None)


def _url(route: str) -> str:
    """The route with every parameter filled: ids that do not exist, "x" for text."""
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(MISSING_ID) if m.group(1) == "int" else "x", route)


ROUTES = [(route, p) for route, p in _patterns() if not route.startswith(SKIPPED_PREFIXES)]


def test_every_view_declares_who_may_use_it():
    """A new view without an access rule (staff action, portal or public) fails here."""
    undeclared = [route for route, p in ROUTES if _access(p.callback) is None]
    assert not undeclared, f"views without an access rule: {undeclared}"


STAFF_ROUTES = [(r, p) for r, p in ROUTES if (_access(p.callback) or "").startswith("staff")]


def _request(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_matrix_allows(role, user_of_role, client_as):
    """For every staff view and every role: 403 when the role lacks the action, otherwise not 403."""
    client = client_as(user_of_role(role))
    wrong = []
    for route, pattern in STAFF_ROUTES:
        access = _access(pattern.callback)
        action = access.split(":", 1)[1] if ":" in access else None
        allowed = action is None or action in MATRIX[role]
        status = _request(client, _url(route)).status_code
        if (status == 403) == allowed:
            wrong.append(f"{route} ({action}): {status}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_anonymous_is_sent_to_sign_in_for_every_staff_and_portal_view(client):
    """Nothing but public pages opens without signing in."""
    leaked = []
    for route, pattern in ROUTES:
        if _access(pattern.callback) == "public":
            continue
        response = _request(client, _url(route))
        if response.status_code not in (302, 403):
            leaked.append(f"{route}: {response.status_code}")
        elif response.status_code == 302 and "sign-in" not in response["Location"]:
            leaked.append(f"{route}: redirected to {response['Location']}")
    assert not leaked, leaked


def test_portal_pages_refuse_staff(social_worker, client_as):
    """Staff accounts cannot use the public portal's pages (they have their own)."""
    client = client_as(social_worker)
    wrong = []
    for route, pattern in ROUTES:
        if _access(pattern.callback) != "portal":
            continue
        status = _request(client, _url(route)).status_code
        if status != 403:
            wrong.append(f"{route}: {status}")
    assert not wrong, wrong
