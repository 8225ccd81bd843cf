"""Failed arrangement pages: recording a breakdown of care (from a person or an approved plan), the page that shows
what the plan says to do with the emergency cover form, a person's failures, and the report by kind and month.

Recording and acting on failures is REVIEW_WORK (the practitioners who carry out reviews). The report is
REVIEW_OVERDUE: counts across the whole council are management information, for the same people who watch reviews
due and overdue (team managers, safeguarding leads, performance analysts); it shows no names, so analysts, who do
not open people's records, can use it. Every view checks the role before it looks anything up, and people's
records are fetched through people.selectors, so an id typed into a URL reveals nothing."""

from django.contrib import messages
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, require, staff_required
from selfdirect.core.services import DomainError
from selfdirect.market.selectors import cld_service_event
from selfdirect.people.selectors import person_get_for_user
from selfdirect.planning.models import ContingencyPlan, SupportPlan
from selfdirect.planning.selectors import plan_get_for_user

from . import failure_services
from .forms_failure import EmergencyCoverForm, FailedArrangementForm, ReportFilterForm, months_back
from .models import FailedArrangement

Kind = FailedArrangement.Kind

# Which part of the contingency plan answers each kind of failure.
CONTINGENCY_FOR_KIND = {
    Kind.PA_ABSENT: ("if_pa_absent", "If a personal assistant or carer cannot come"),
    Kind.PROVIDER_HANDBACK: ("if_main_support_fails", "If the main support fails"),
    Kind.DP_HOLDER_UNABLE: ("if_main_support_fails", "If the main support fails"),
    Kind.MONEY_RUN_OUT: ("if_money_runs_out", "If the money runs out"),
    Kind.OTHER: ("if_main_support_fails", "If the main support fails"),
}
RELATED = ("person", "plan", "arrangement__plan_line", "arrangement__provider", "arrangement__pa", "review",
           "recorded_by", "emergency_cover__provider", "emergency_cover__pa")  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Reads (the person's access rules first)
# --------------------------------------------------------------------------------------------------


def failure_get_for_user(*, user, pk) -> FailedArrangement:
    """A failure the user may work on: the role allows REVIEW_WORK and the person's record is open to them."""
    require(user, Action.REVIEW_WORK)
    failure = get_object_or_404(FailedArrangement.objects.select_related(*RELATED), pk=pk)
    failure.person = person_get_for_user(user=user, pk=failure.person_id)
    return failure


def failures_for_person(*, person):
    return FailedArrangement.objects.filter(person=person).select_related(*RELATED).order_by("-occurred_on", "-id")


def approved_plans(*, person):
    return SupportPlan.objects.filter(person=person, status=SupportPlan.Status.APPROVED).order_by("-decided_at", "-pk")


def failure_report(*, months: int = 12, today=None) -> dict:
    """Failures by month and kind over the last `months` months (by the day they happened), with how many had
    emergency cover, and provider hand-backs by provider. Counts only: no names."""
    today = today or timezone.localdate()
    firsts = months_back(today, months)
    failures = FailedArrangement.objects.filter(occurred_on__gte=firsts[0], occurred_on__lte=today)
    counts = {
        (row["month"], row["kind"]): row["n"]
        for row in failures.annotate(month=TruncMonth("occurred_on")).values("month", "kind").annotate(n=Count("id"))
    }
    covered = {
        row["month"]: row["n"]
        for row in failures.filter(emergency_cover__isnull=False)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("id"))
    }

    def first_of(value):
        return value.date() if hasattr(value, "date") and callable(value.date) else value

    counts = {(first_of(month), kind): n for (month, kind), n in counts.items()}
    covered = {first_of(month): n for month, n in covered.items()}
    rows = []
    for month in firsts:
        cells = [counts.get((month, kind), 0) for kind in Kind.values]
        rows.append({"month": month, "cells": cells, "total": sum(cells), "covered": covered.get(month, 0)})
    totals = [sum(row["cells"][i] for row in rows) for i in range(len(Kind.values))]
    providers = (
        failures.filter(kind=Kind.PROVIDER_HANDBACK, arrangement__provider__isnull=False)
        .values("arrangement__provider__name")
        .annotate(n=Count("id"))
        .order_by("-n", "arrangement__provider__name")
    )
    return {
        "kinds": Kind.choices,
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
        "covered": sum(row["covered"] for row in rows),
        "providers": [(row["arrangement__provider__name"], row["n"]) for row in providers],
        "since": firsts[0],
    }


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


@staff_required(Action.REVIEW_WORK)
def person_failed_arrangements(request, pk):
    """A person's failed arrangements, latest first, and the way to record another."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the failed arrangements", request=request)
    context = {
        "person": person,
        "failures": failures_for_person(person=person),
        "can_record": approved_plans(person=person).exists(),
    }
    return render(request, "reviews/failed_list.html", context)


def _record_page(request, person, plans, *, plan=None):
    form = FailedArrangementForm(request.POST if request.method == "POST" else None, plans=plans)
    if plans and request.method == "POST" and form.is_valid():
        try:
            failure = failure_services.failed_arrangement_record(
                person=person, actor=request.user, request=request, **form.service_arguments()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Failed arrangement recorded. {failure.notified}")
            return redirect("failed_arrangement_detail", pk=failure.pk)
    context = {"person": person, "plan": plan, "plans": plans, "form": form if plans else None}
    return render(request, "reviews/failed_record.html", context)


@staff_required(Action.REVIEW_WORK)
def failed_arrangement_record(request, pk):
    """Record a failed arrangement from a person's record: any support on their approved plans."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened recording a failed arrangement", request=request)
    return _record_page(request, person, list(approved_plans(person=person)))


@staff_required(Action.REVIEW_WORK)
def plan_failed_arrangement_record(request, pk):
    """Record a failed arrangement from an approved plan: the plan's support only."""
    plan = plan_get_for_user(user=request.user, pk=pk, action=Action.REVIEW_WORK)
    person = plan.person
    audit_person_view(
        actor=request.user, person=person, what=f"Opened recording a failed arrangement on plan {plan.pk}",
        request=request,
    )  # fmt: skip
    plans = [plan] if plan.status == SupportPlan.Status.APPROVED else []
    return _record_page(request, person, plans, plan=plan)


@staff_required(Action.REVIEW_WORK)
def failed_arrangement_detail(request, pk):
    """What happened, what the person's plan says to do (first and prominent), and the emergency cover: the form to
    put it in place, or the cover arranged."""
    failure = failure_get_for_user(user=request.user, pk=pk)
    person = failure.person
    audit_person_view(
        actor=request.user, person=person, what=f"Opened failed arrangement {failure.pk}", request=request
    )
    contingency = ContingencyPlan.objects.filter(plan_id=failure.plan_id).first() if failure.plan_id else None
    field, heading = CONTINGENCY_FOR_KIND.get(failure.kind, CONTINGENCY_FOR_KIND[Kind.OTHER])
    form = None
    can_arrange = can(request.user, Action.ARRANGE)
    if failure.emergency_cover_id is None and failure.plan_id is not None and can_arrange:
        lines = [] if failure.arrangement_id else list(failure.plan.lines.order_by("order", "pk"))
        form = EmergencyCoverForm(request.POST if request.method == "POST" else None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                cover = failure_services.emergency_cover_arrange(
                    failure=failure, actor=request.user, request=request, **form.service_arguments()
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    f"Emergency cover arranged from {cover.start_date:%-d %B %Y} to {cover.end_date:%-d %B %Y}",
                )
                return redirect("failed_arrangement_detail", pk=failure.pk)
    context = {
        "failure": failure,
        "person": person,
        "contingency": contingency,
        "advice_heading": heading,
        "advice": getattr(contingency, field, "") if contingency else "",
        "form": form,
        "cover": failure.emergency_cover,
        "cover_event": cld_service_event(failure.emergency_cover) if failure.emergency_cover_id else None,
        "max_weeks": failure_services.EMERGENCY_COVER_MAX_DAYS // 7,
    }
    return render(request, "reviews/failed_detail.html", context)


@staff_required(Action.REVIEW_OVERDUE)
def failed_arrangement_report(request):
    """Failed arrangements across the council by month and kind (counts only)."""
    form = ReportFilterForm(request.GET or None)
    months = 12
    if form.is_valid():
        months = form.cleaned_data.get("months") or 12
    context = {"form": form, "report": failure_report(months=months), "months": months}
    return render(request, "reviews/failed_report.html", context)
