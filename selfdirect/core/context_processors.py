from django.conf import settings

from .permissions import MATRIX


def service(request):
    user = getattr(request, "user", None)
    allowed = MATRIX.get(getattr(user, "role", ""), frozenset()) if user and user.is_authenticated else frozenset()
    return {
        "council_name": settings.COUNCIL_NAME,
        "product_name": settings.PRODUCT_NAME,
        # Templates ask `perms_for.person_view` etc. to show only the links a role can use.
        "perms_for": {a.replace(".", "_"): True for a in allowed},
    }
