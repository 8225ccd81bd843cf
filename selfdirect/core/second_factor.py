"""Whether this session has passed the staff second factor. No models here: `staff_required` imports it.

After the password, staff confirm a code from an authenticator app (or a recovery code). The session then
carries the id of the user who did so; a fresh password sign-in clears it (core.second_factor_services listens
for that), so every sign-in needs its own code.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "selfdirect_second_factor_user"


def second_factor_required() -> bool:
    """On unless SECOND_FACTOR_REQUIRED=0 (a local demo only: councils must keep it on)."""
    return bool(getattr(settings, "SECOND_FACTOR_REQUIRED", True))


def mark_second_factor_verified(session, user) -> None:
    """Record in the session that `user` has passed the second factor (the only way it is recorded)."""
    session[SESSION_KEY] = user.pk


def clear_second_factor(session) -> None:
    session.pop(SESSION_KEY, None)


def is_second_factor_verified(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(SESSION_KEY) == request.user.pk


def second_factor_missing(request) -> bool:
    """True when a signed-in member of staff must still confirm a code before any staff page.

    A request without a session never passed SessionMiddleware, which Django's AuthenticationMiddleware needs
    before anyone can sign in: such requests only exist in unit tests built with RequestFactory.
    """
    if not second_factor_required() or not hasattr(request, "session"):
        return False
    return not is_second_factor_verified(request)


def redirect_to_second_factor(request):
    return redirect(f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}")
