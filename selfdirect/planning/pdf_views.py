"""The printable plan for staff: the same PDF the person downloads from the portal."""

from selfdirect.core.permissions import Action, staff_required

from . import selectors
from .portal_views import pdf_response


@staff_required(Action.PERSON_VIEW)
def plan_pdf(request, pk):
    """Anyone who may read the person's record may print their plan; the download is in the audit log."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk, action=Action.PERSON_VIEW)
    return pdf_response(request, plan)
