"""Where the time went: per team and month, how long plans were with each party, the decision turnaround, and
returns by category. A table (data, not charts) and the same numbers as CSV."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, staff_required
from selfdirect.rules import planning_capacity as rules

from . import report_selectors as selectors
from .models import Party, PlanDecision
from .panel_forms import TimeReportForm

DEFAULT_MONTHS = 6


def _form(request) -> TimeReportForm:
    today = timezone.localdate()
    if request.GET:
        return TimeReportForm(request.GET, today=today)
    first = rules.month_start(today)
    initial = {"start": f"{rules.add_months(first, 1 - DEFAULT_MONTHS):%Y-%m}", "end": f"{first:%Y-%m}"}
    return TimeReportForm(initial | {"team": ""}, today=today)


def _cells(row: selectors.TimeRow) -> dict:
    return {
        "row": row,
        "held": [
            {
                "party": party.label,
                "days": selectors.days(row.held[party.value]),
                "hours": selectors.hours(row.held[party.value]),
            }
            for party in Party
        ],
        "total_days": selectors.days(row.total_held),
        "manager_days": selectors.days(row.manager_turnaround),
        "panel_days": selectors.days(row.panel_turnaround),
        "returns": [row.returns[c.value] for c in PlanDecision.ReturnCategory],
    }


@staff_required(Action.PLAN_REPORTS)
def report_time(request):
    """The report page: choose the months and (optionally) a team."""
    form = _form(request)
    rows, period = None, None
    if form.is_valid():
        period = form.period()
        team = form.cleaned_data.get("team")
        rows = [_cells(r) for r in selectors.time_by_party(start=period[0], end=period[1], team=team)]
    context = {
        "form": form if form.errors else None,
        "report_form": form,
        "rows": rows,
        "period": period,
        "parties": [p.label for p in Party],
        "categories": [c.label for c in PlanDecision.ReturnCategory],
        "query": request.GET.urlencode() if form.is_valid() and request.GET else "",
    }
    return render(request, "planning/report_time.html", context)


@staff_required(Action.PLAN_REPORTS)
def report_time_csv(request):
    """The same numbers as CSV (hours and days to one decimal place)."""
    form = _form(request)
    if not form.is_valid():
        return report_time(request)
    start, end = form.period()
    team = form.cleaned_data.get("team")
    rows = selectors.time_by_party(start=start, end=end, team=team)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="where-the-time-went-{start:%Y-%m}-to-{end:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["team", "month"]
        + [f"{p.value}_hours" for p in Party]
        + [f"{p.value}_days" for p in Party]
        + ["total_days", "manager_decisions", "manager_turnaround_days", "panel_decisions", "panel_turnaround_days"]
        + [f"returned_{c.value}" for c in PlanDecision.ReturnCategory]
    )
    for r in rows:
        writer.writerow(
            [r.team_name, f"{r.month:%Y-%m}"]
            + [selectors.hours(r.held[p.value]) for p in Party]
            + [selectors.days(r.held[p.value]) for p in Party]
            + [
                selectors.days(r.total_held),
                r.manager_decisions,
                selectors.days(r.manager_turnaround) if r.manager_turnaround is not None else "",
                r.panel_decisions,
                selectors.days(r.panel_turnaround) if r.panel_turnaround is not None else "",
            ]
            + [r.returns[c.value] for c in PlanDecision.ReturnCategory]
        )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="planning.report_time",
        summary=f"Downloaded where the time went, {start:%B %Y} to {end:%B %Y}"
        + (f", {team.name}" if team else ", every team"),
        request=request,
    )
    return response
