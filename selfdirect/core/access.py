"""How each view declares who may use it. Every URL's view carries an `access` attribute:

- "staff:<action>" (core.permissions.staff_required, with `required_action`), or "staff" for any staff role;
- "portal" (portal.views.portal_user_required): signed-in members of the public, their own records only;
- "public": anyone, no sign-in (information, calculators, sign-in pages).

tests/core/test_access_walk.py walks every URL pattern: a view without a declared rule fails the suite.
"""


def public(view):
    """Mark a view (or a class-based view) as open to anyone without signing in."""
    view.access = "public"
    return view
