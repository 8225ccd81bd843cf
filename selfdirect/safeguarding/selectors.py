"""Reads of safeguarding records. They are open only to safeguarding leads, the lead of an enquiry about the person
and the person's allocated worker: a break-glass opening of the person's record does not open them. Every read and
every refusal is logged on the person's record."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can, require

from .models import BreakGlass, EnquiryAction, SafeguardingConcern, SafeguardingEnquiry

REFUSED = (
    "Safeguarding records are open only to safeguarding leads, the lead of the enquiry and the person's allocated "
    "worker."
)


def is_safeguarding_lead(user) -> bool:
    return can(user, Action.SAFEGUARDING_TRIAGE)


def can_see_safeguarding(*, user, person) -> bool:
    """Whether `user` may see safeguarding records about `person` (None: a concern not yet matched to a record,
    which only safeguarding leads see)."""
    if is_safeguarding_lead(user):
        return True
    if person is None or not getattr(user, "is_staff_member", False):
        return False
    if person.allocated_worker_id == user.pk:
        return True
    return SafeguardingEnquiry.objects.filter(person=person, lead_id=user.pk).exists()


def _refuse(*, user, obj, person_id):
    audit_record(
        actor=user,
        action=AuditEvent.Action.DENIED,
        obj=obj,
        person_id=person_id,
        summary="Tried to open a safeguarding record",
    )
    raise PermissionDenied(REFUSED)


def concern_get_for_user(*, user, pk) -> SafeguardingConcern:
    require(user, Action.SAFEGUARDING_RAISE)
    concern = get_object_or_404(
        SafeguardingConcern.objects.select_related(
            "person", "person__allocated_worker", "raised_by_user", "alleged_pa", "alleged_provider", "triaged_by"
        ),
        pk=pk,
    )
    if not can_see_safeguarding(user=user, person=concern.person):
        _refuse(user=user, obj=concern, person_id=concern.person_id)
    return concern


def enquiry_get_for_user(*, user, pk, action: str = Action.SAFEGUARDING_RAISE) -> SafeguardingEnquiry:
    """An enquiry the user may see; with action=SAFEGUARDING_ENQUIRE, one they may change: its lead, or a
    safeguarding lead."""
    require(user, action)
    enquiry = get_object_or_404(
        SafeguardingEnquiry.objects.select_related("concern", "person", "person__allocated_worker", "lead"), pk=pk
    )
    if not can_see_safeguarding(user=user, person=enquiry.person):
        _refuse(user=user, obj=enquiry, person_id=enquiry.person_id)
    if action == Action.SAFEGUARDING_ENQUIRE and not (is_safeguarding_lead(user) or enquiry.lead_id == user.pk):
        raise PermissionDenied("Only the lead of this enquiry, or a safeguarding lead, can change it.")
    return enquiry


def can_change_enquiry(*, user, enquiry: SafeguardingEnquiry) -> bool:
    return can(user, Action.SAFEGUARDING_ENQUIRE) and (is_safeguarding_lead(user) or enquiry.lead_id == user.pk)


def concerns_awaiting_triage() -> QuerySet[SafeguardingConcern]:
    """Concerns waiting for triage, the longest overdue first."""
    return (
        SafeguardingConcern.objects.filter(status=SafeguardingConcern.Status.NEW)
        .select_related("person")
        .order_by("triage_due_at", "id")
    )


def enquiries_open(*, user) -> QuerySet[SafeguardingEnquiry]:
    """Open enquiries, soonest due first: every one for safeguarding leads, otherwise those the user leads."""
    enquiries = SafeguardingEnquiry.objects.filter(closed_at__isnull=True)
    if not is_safeguarding_lead(user):
        enquiries = enquiries.filter(lead=user)
    return enquiries.select_related("person", "lead", "concern").order_by("due_at", "id")


def enquiries_closed(*, user) -> QuerySet[SafeguardingEnquiry]:
    enquiries = SafeguardingEnquiry.objects.filter(closed_at__isnull=False)
    if not is_safeguarding_lead(user):
        enquiries = enquiries.filter(lead=user)
    return enquiries.select_related("person", "lead", "concern").order_by("-closed_at", "-id")


def enquiry_actions(*, enquiry: SafeguardingEnquiry) -> QuerySet[EnquiryAction]:
    return enquiry.actions.order_by("done_on", "due_on", "id")


def break_glass_unreviewed() -> QuerySet[BreakGlass]:
    return BreakGlass.objects.filter(reviewed_at__isnull=True).select_related("user", "person").order_by("opened_at")


def break_glass_reviewed(*, limit: int = 20) -> list[BreakGlass]:
    return list(
        BreakGlass.objects.filter(reviewed_at__isnull=False)
        .select_related("user", "person", "reviewed_by")
        .order_by("-reviewed_at")[:limit]
    )


def break_glass_get(*, pk) -> BreakGlass:
    return get_object_or_404(BreakGlass.objects.select_related("user", "person"), pk=pk)


def safeguarding_for_person(*, user, person) -> dict | None:
    """What the person's page shows about safeguarding, or None for anyone not allowed to see it."""
    if person is None or not can_see_safeguarding(user=user, person=person):
        return None
    concerns = list(
        SafeguardingConcern.objects.filter(person=person).select_related("enquiry").order_by("-received_at", "-id")
    )
    enquiries = [c.enquiry for c in concerns if hasattr(c, "enquiry")]
    return {
        "concerns": concerns,
        "open_enquiries": [e for e in enquiries if e.is_open],
        "has_any": bool(concerns),
    }


def overdue_counts() -> dict:
    now = timezone.now()
    return {
        "triage": SafeguardingConcern.objects.filter(
            status=SafeguardingConcern.Status.NEW, triage_due_at__lt=now
        ).count(),
        "enquiries": SafeguardingEnquiry.objects.filter(closed_at__isnull=True, due_at__lt=now).count(),
    }


def enquiry_lead_choices():
    from django.contrib.auth import get_user_model

    from .services import enquiry_lead_roles

    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=enquiry_lead_roles())
        .order_by("last_name", "first_name")
    )


def person_matches(*, user, query: str):
    """People a public concern might be about (the staff search, which a safeguarding lead can use fully)."""
    from selfdirect.people.selectors import person_search

    kind, people = person_search(user=user, query=query)
    return kind, people[:25]
