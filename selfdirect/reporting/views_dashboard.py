"""The management dashboards: an index of sections at /reporting/, one page per section with its charts and
tables, and every table as CSV or XLSX. Aggregates only; downloads are audited as exports."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can, staff_required

from . import dashboard_exports as exports
from . import dashboard_selectors as selectors
from .dashboard_charts import chart_svg
from .forms_dashboard import DashboardFilterForm

# Tables this narrow sit beside their chart; wider ones go under it.
SIDE_BY_SIDE_COLUMNS = 3


def _form(request) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET or None, today=timezone.localdate())


def _usable(form: DashboardFilterForm) -> bool:
    return not form.is_bound or form.is_valid()


def _section_or_404(slug: str):
    section = selectors.section_get(slug)
    if section is None:
        raise Http404("There is no dashboard with that name.")
    return section


def _link(section) -> str | None:
    try:
        return reverse(section.url_name) if section.is_link else reverse("dashboard_section", args=[section.slug])
    except NoReverseMatch:  # a page another part of the product has not added yet
        return None


@staff_required(Action.DASHBOARD_VIEW)
def reporting_index(request):
    """Every dashboard the user may open, with what it shows."""
    entries = []
    for section in selectors.SECTIONS:
        url = _link(section)
        if url and can(request.user, section.action):
            entries.append({"section": section, "url": url})
    return render(request, "reporting/index.html", {"entries": entries})


@staff_required(Action.DASHBOARD_VIEW)
def dashboard_section(request, section: str):
    """One dashboard: the filters, then each table with its chart and downloads."""
    found = _section_or_404(section)
    form = _form(request)
    blocks = None
    query = request.GET.urlencode()
    if _usable(form):
        blocks = []
        for table in found.build(form.filters()):
            urls = {fmt: reverse(f"dashboard_export_{fmt}", args=[found.slug, table.slug]) for fmt in exports.FORMATS}
            blocks.append(
                {
                    "table": table,
                    "rows": [list(zip(row, table.columns, strict=True)) for row in table.rows],
                    "svg": chart_svg(table),
                    "beside": len(table.columns) <= SIDE_BY_SIDE_COLUMNS,
                    "urls": {fmt: f"{url}?{query}" if query else url for fmt, url in urls.items()},
                }
            )
    context = {
        "dashboard": found,
        "form": form,
        "blocks": blocks,
        "described": form.describe() if blocks is not None else "",
    }
    return render(request, "reporting/dashboard_section.html", context)


@staff_required(Action.DASHBOARD_VIEW)
def dashboard_export(request, section: str, table: str, fmt: str):
    """One table as CSV or XLSX, exactly the rows the page shows for the same filters."""
    found = _section_or_404(section)
    form = _form(request)
    if not _usable(form):
        return dashboard_section(request, section)
    chosen = selectors.table_get(found, table, form.filters())
    if chosen is None:
        raise Http404("That dashboard has no table with that name.")
    write, content_type = exports.FORMATS[fmt]
    response = HttpResponse(write(chosen), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{chosen.slug}.{fmt}"'
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="reporting.dashboard",
        object_id=chosen.slug,
        summary=f"Downloaded {chosen.caption} ({fmt.upper()}), {form.describe()}",
        request=request,
    )
    return response
