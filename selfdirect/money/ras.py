"""The resource allocation system: the indicative budget, worked out the moment needs are found eligible.

"Everyone knows their money" (PRODUCT.md requirement 1): assessments.services.assessment_sign_off calls
`indicative_budget_for_assessment` in its own transaction when a needs assessment is signed off as eligible.
The arithmetic is rules/allocation.py; the table is the latest published RasTable version, recorded on the
budget so it can always be explained later.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.people.models import PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.rules import allocation

from . import ras_selectors as selectors
from .models import WEEKS_PER_YEAR, IndicativeBudget


def budget_title(weekly_amount) -> str:
    """ "Indicative budget: £334.80 a week (£17,409.60 a year)", for the timeline."""
    yearly = weekly_amount * WEEKS_PER_YEAR
    return f"Indicative budget: {allocation.money(weekly_amount)} a week ({allocation.money(yearly)} a year)"


@transaction.atomic
def indicative_budget_for_assessment(*, assessment, actor, request=None) -> IndicativeBudget | None:
    """Compute and store the indicative budget for a signed-off eligible needs assessment, and return it.

    Idempotent: an assessment has at most one indicative budget, and asking again returns it unchanged.
    Returns None (and stores nothing) for carer's assessments, ineligible or unsigned decisions, an assessment
    not linked to a person, or when no table has been published. Exceptional needs are flagged for a manager,
    never capped.
    """
    from selfdirect.assessments.models import Assessment

    if (
        assessment.kind != Assessment.Kind.NEEDS
        or assessment.status != Assessment.Status.SIGNED_OFF
        or not assessment.decision_eligible
        or assessment.person_id is None
    ):
        return None
    existing = IndicativeBudget.objects.filter(assessment_id=assessment.pk).first()
    if existing is not None:
        return existing
    table = selectors.latest_published_table()
    if table is None:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=assessment,
            person_id=assessment.person_id,
            summary="No indicative budget: no resource allocation table has been published",
            request=request,
        )
        return None
    day = timezone.localdate(assessment.signed_off_at) if assessment.signed_off_at else timezone.localdate()
    answers = selectors.answers_from_assessment(assessment, on=day)
    try:
        result = allocation.allocate(answers, selectors.table_spec(table))
    except allocation.AllocationError as error:
        # A published table always prices every case (publishing checks it); never block the decision on it.
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=assessment,
            person_id=assessment.person_id,
            summary=f"No indicative budget: RAS version {table.version} cannot price this case ({error})",
            request=request,
        )
        return None
    try:
        with transaction.atomic():
            budget = IndicativeBudget.objects.create(
                assessment=assessment,
                person_id=assessment.person_id,
                table=table,
                points=result.points,
                weekly_amount=result.weekly_amount,
                explanation=result.explanation,
                exceptional=result.exceptional,
            )
    except IntegrityError:
        # Worked out at the same moment by another request: keep the one already stored.
        return IndicativeBudget.objects.get(assessment_id=assessment.pk)
    detail = "\n".join(result.explanation)
    if result.exceptional:
        detail += "\nExceptional needs: a manager should look. There is no cap on the amount."
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=budget,
        person=assessment.person,
        summary=(
            f"Indicative budget worked out with RAS version {table.version}: "
            f"{allocation.points_text(result.points)}, {allocation.money(result.weekly_amount)} a week"
            + (" (exceptional needs: a manager should look)" if result.exceptional else "")
        ),
        changes={
            "points": [None, str(result.points)],
            "weekly_amount": [None, str(result.weekly_amount)],
            "exceptional": [None, result.exceptional],
            "table_version": [None, table.version],
        },
        request=request,
        event_type=PersonEvent.Type.ASSESSMENT,
        title=budget_title(result.weekly_amount),
        detail=detail,
    )
    return budget
