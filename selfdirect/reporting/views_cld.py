"""The Client Level Data return in the interface: choose a period, see the validation report by rule with a link to
each record to fix, and download the return as CSV (audited as an export)."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, staff_required
from selfdirect.rules import cld_return as rules

from . import cld_extract
from .forms_cld import CldPeriodForm

# Records listed under each rule on the page; every problem is counted.
SHOWN_PER_RULE = 50


def _form(request) -> CldPeriodForm:
    today = timezone.localdate()
    return CldPeriodForm(request.GET, today=today) if request.GET else CldPeriodForm(today=today)


@staff_required(Action.CLD_RETURN)
def cld_return(request):
    """Choose the period; with a valid period, validate the return for it."""
    form = _form(request)
    report, period = None, None
    if form.is_bound and form.is_valid():
        period = form.period()
        extract = cld_extract.CldExtract(start=period[0], end=period[1])
        report = cld_extract.validate(extract.rows(), keep=SHOWN_PER_RULE)
    context = {
        "form": form,
        "report": report,
        "by_rule": report.by_rule() if report else [],
        "period": period,
        "query": request.GET.urlencode() if report is not None else "",
        "shown_per_rule": SHOWN_PER_RULE,
        "columns": rules.COLUMNS,
        "section": "cld_return",
    }
    return render(request, "reporting/cld_return.html", context)


@staff_required(Action.CLD_RETURN)
def cld_return_csv(request):
    """The return as CSV, streamed as the database writes it (a whole council's year does not have to fit in memory)."""
    form = _form(request)
    if not (form.is_bound and form.is_valid()):
        return cld_return(request)
    start, end = form.period()
    extract = cld_extract.CldExtract(start=start, end=end)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="reporting.cld_return",
        object_id=f"{start:%Y-%m-%d}:{end:%Y-%m-%d}",
        summary=f"Downloaded the CLD return, {start:%-d %B %Y} to {end:%-d %B %Y}",
        request=request,
    )
    response = StreamingHttpResponse(extract.csv_blocks(), content_type="text/csv; charset=utf-8")
    filename = f"cld-{extract.la_code}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
