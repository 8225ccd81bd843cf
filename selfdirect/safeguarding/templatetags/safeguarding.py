"""Safeguarding on other apps' pages: the person's page (the "Raise a safeguarding concern" link, and the
safeguarding summary for those allowed to see it) and the 403 page for a restricted record (break glass)."""

from django import template

from selfdirect.core.models import CouncilSettings
from selfdirect.core.permissions import Action, can

from ..forms import BreakGlassForm
from ..selectors import safeguarding_for_person

register = template.Library()


@register.inclusion_tag("safeguarding/_person_summary.html", takes_context=True)
def safeguarding_summary(context, person):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or person is None:
        return {"person": person, "can_raise": False, "summary": None}
    return {
        "person": person,
        "request": request,
        "can_raise": can(user, Action.SAFEGUARDING_RAISE),
        "summary": safeguarding_for_person(user=user, person=person),
    }


@register.inclusion_tag("safeguarding/_restricted_offer.html", takes_context=True)
def break_glass_offer(context):
    """On the 403 page: when the refusal was a restricted person's record (people.selectors.person_get_for_user
    leaves its id on the user), offer to break the glass."""
    request = context.get("request")
    user = getattr(request, "user", None)
    person_pk = getattr(user, "restricted_person_pk", None) if user is not None else None
    if not person_pk or not can(user, Action.PERSON_VIEW):
        return {"person_pk": None}
    return {
        "person_pk": person_pk,
        "form": BreakGlassForm(),
        "minutes": CouncilSettings.current().break_glass_minutes,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
