"""Reads for assessment pages, with the access rules applied."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from selfdirect.core.permissions import Action, require
from selfdirect.people.selectors import person_get_for_user

from .models import Assessment


def assessment_get_for_user(*, user, pk) -> Assessment:
    """The assessment, if the user's role may work on assessments and they may see the person's record."""
    require(user, Action.ASSESSMENT_WORK)
    assessment = get_object_or_404(
        Assessment.objects.select_related("person", "request", "allocated_worker", "question_bank", "cared_for"), pk=pk
    )
    if assessment.person_id is not None:
        person_get_for_user(user=user, pk=assessment.person_id)  # raises if the record is restricted
    return assessment


def assessments_waiting() -> QuerySet[Assessment]:
    """Submitted self-assessments and assessments with no worker: the allocation queue."""
    open_statuses = [Assessment.Status.SUBMITTED, Assessment.Status.DRAFT, Assessment.Status.IN_PROGRESS]
    return (
        Assessment.objects.filter(status__in=open_statuses, allocated_worker__isnull=True)
        .filter(Q(status=Assessment.Status.SUBMITTED) | Q(respondent=Assessment.Respondent.PRACTITIONER))
        .select_related("person", "request")
        .order_by("-is_complex", "submitted_at", "started_on", "id")
    )


def assessments_for_worker(*, worker) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(allocated_worker=worker)
        .exclude(status__in=[Assessment.Status.SIGNED_OFF, Assessment.Status.CANCELLED])
        .select_related("person", "request")
        .order_by("started_on", "id")
    )
