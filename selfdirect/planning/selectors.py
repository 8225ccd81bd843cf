"""Reads of support plans shared by pages, the portal and the API. A plan is fetched only through its person's
access rules (restricted records), so a plan id typed into a URL reveals nothing the person record would not."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from selfdirect.core.permissions import Action, require
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules import plan_costs

from .models import SupportPlan

PLAN_RELATED = ("person", "assessment", "indicative_budget", "planning_organisation", "personal_budget")


def plan_get_for_user(*, user, pk, action: str = Action.PERSON_VIEW) -> SupportPlan:
    """A plan a member of staff may see (and, with `action`, act on): the role allows it and the person's record
    is open to them. Restricted records raise RestrictedRecord as the person page does."""
    require(user, action)
    plan = get_object_or_404(SupportPlan.objects.select_related(*PLAN_RELATED), pk=pk)
    person_get_for_user(user=user, pk=plan.person_id)
    return plan


def plans_for_person(*, person) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.filter(person=person).select_related("planning_organisation").order_by("-created_at")


def plan_get_for_portal_user(*, user, pk) -> SupportPlan:
    """A plan for someone this portal account asked for support for, or 404: ids reveal nothing."""
    plan = (
        SupportPlan.objects.select_related(*PLAN_RELATED)
        .filter(pk=pk, person__support_requests__portal_user=user)
        .distinct()
        .first()
    )
    if plan is None:
        raise Http404("No such support plan")
    return plan


@dataclass
class PlanView:
    """Everything the plan page shows, worked out once."""

    plan: SupportPlan
    needs: list
    lines: list
    risks: list
    contingency: object
    suitability: object
    decisions: list
    indicative: Decimal | None
    difference: Decimal | None
    problems: list
    split: list = field(default_factory=list)
    unpaid: list = field(default_factory=list)

    @property
    def over_budget(self) -> bool:
        return self.difference is not None and self.difference > 0


def plan_view(*, plan: SupportPlan) -> PlanView:
    from .models import ContingencyPlan, DirectPaymentSuitability, Management
    from .services import submission_problems

    lines = list(plan.lines.select_related("provider", "pa", "need"))
    indicative = plan.indicative_budget.weekly_amount if plan.indicative_budget else None
    cost = plan_costs.plan_cost(line.costed() for line in lines)
    labels = dict(Management.choices)
    return PlanView(
        plan=plan,
        needs=list(plan.needs.all()),
        lines=[line for line in lines if line.is_costed],
        unpaid=[line for line in lines if not line.is_costed],
        risks=list(plan.risks.all()),
        contingency=ContingencyPlan.objects.filter(plan=plan).first(),
        suitability=DirectPaymentSuitability.objects.filter(plan=plan).select_related("recipient").first(),
        decisions=list(plan.decisions.select_related("decided_by", "meeting")),
        indicative=indicative,
        difference=(cost.weekly_total - indicative) if indicative is not None else None,
        problems=submission_problems(plan) if plan.is_editable else [],
        split=[(labels[option], amount) for option, amount in cost.split.items() if amount],
    )


def assessments_to_plan_from(*, person):
    """Signed-off assessments with eligible needs that have no plan in progress or approved yet."""
    from selfdirect.assessments.models import Assessment

    return (
        Assessment.objects.filter(person=person, status=Assessment.Status.SIGNED_OFF, decision_eligible=True)
        .exclude(support_plans__status__in=["draft", "with_manager", "at_panel", "returned", "awaiting_finance"])
        .order_by("-signed_off_at")
    )


def expected_route(*, plan: SupportPlan) -> str:
    """Who would decide the plan if it were submitted now."""
    from selfdirect.core.models import CouncilSettings

    indicative = plan.indicative_budget.weekly_amount if plan.indicative_budget else None
    return plan_costs.approval_route(
        weekly_total=plan.weekly_total,
        indicative_weekly=indicative,
        manager_limit=CouncilSettings.current().manager_approval_limit_weekly,
    )


def plan_clock_lines(*, plan: SupportPlan) -> list[tuple[str, str]]:
    """The plan's clock for its page: each party that has held it, and for how long, in days."""
    from .models import Party
    from .report_selectors import days, plan_clock_summary

    return [(Party(party).label, f"{days(held)} days") for party, held in plan_clock_summary(plan=plan).items() if held]
