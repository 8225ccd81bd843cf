"""Resource allocation pages. /ras/equity/ shows analysts and managers whether the RAS gives each group what
planning ends up approving: the frontline's charge was that RAS tables were biased towards physical disability.
The chart is server-rendered SVG (no JavaScript); the table under it is its accessible version."""

from django.http import Http404
from django.shortcuts import render

from selfdirect.core.permissions import Action, staff_required

from . import ras_selectors
from .models import RasTable

# Chart geometry (SVG user units).
LABEL_WIDTH = 400
PLOT_WIDTH = 330
VALUE_WIDTH = 260
ROW_HEIGHT = 44
TOP = 40
BOTTOM = 44


def _chart(report) -> dict | None:
    """Bars (median ratio), whiskers (interquartile range) and reference lines at 0.9 and 1.0, in SVG units."""
    groups = report.groups if report else []
    if not groups:
        return None
    top_value = max([1.5] + [g.q75_ratio for g in groups] + [g.median_ratio for g in groups])
    scale_max = -(-top_value // 0.5) * 0.5  # round up to the next 0.5

    def x(value: float) -> float:
        return round(LABEL_WIDTH + min(value, scale_max) / scale_max * PLOT_WIDTH, 1)

    rows = []
    for i, g in enumerate(groups):
        y = TOP + i * ROW_HEIGHT
        if g.under_funded:
            kind, note = "under", "under-funded by the RAS"
        elif not g.enough_cases:
            kind, note = "few", f"too few cases to judge (n={g.n})"
        else:
            kind, note = "ok", f"n={g.n}"
        rows.append(
            {
                "group": g,
                "kind": kind,
                "note": note,
                "y": y,
                "bar_y": y + 8,
                "bar_height": ROW_HEIGHT - 16,
                "text_y": y + ROW_HEIGHT / 2 + 5,
                "reason_y": y + 19,
                "band_y": y + 37,
                "mid_y": y + ROW_HEIGHT / 2,
                "cap_top": y + ROW_HEIGHT / 2 - 6,
                "cap_bottom": y + ROW_HEIGHT / 2 + 6,
                "bar_width": round(x(g.median_ratio) - LABEL_WIDTH, 1),
                "q25_x": x(g.q25_ratio),
                "q75_x": x(g.q75_ratio),
            }
        )
    height = TOP + len(groups) * ROW_HEIGHT + BOTTOM
    ticks = []
    step = 0.5
    value = 0.0
    while value <= scale_max + 1e-9:
        ticks.append({"x": x(value), "label": f"{value:.1f}"})
        value += step
    axis_y = TOP + len(groups) * ROW_HEIGHT
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        "height": height,
        "rows": rows,
        "ticks": ticks,
        "plot_left": LABEL_WIDTH,
        "plot_right": LABEL_WIDTH + PLOT_WIDTH,
        "value_x": LABEL_WIDTH + PLOT_WIDTH + 8,
        "axis_y": axis_y,
        "tick_bottom": axis_y + 5,
        "tick_label_y": axis_y + 18,
        "axis_label_y": axis_y + 38,
        "axis_label_x": LABEL_WIDTH + PLOT_WIDTH / 2,
        "one_x": x(1.0),
        "threshold_x": x(ras_selectors.UNDER_FUNDED_RATIO),
        "label_x": LABEL_WIDTH - 10,
    }


@staff_required(Action.CASELOAD_TEAMS)
def equity(request):
    tables = list(RasTable.objects.only("version", "name", "published_at"))
    table = None
    if request.GET.get("table"):
        try:
            table = next(t for t in tables if t.version == int(request.GET["table"]))
        except (StopIteration, ValueError):
            raise Http404("No such table version") from None
    report = ras_selectors.ras_equity(table=table)
    context = {
        "report": report,
        "chart": _chart(report),
        "tables": tables,
        "threshold": ras_selectors.UNDER_FUNDED_RATIO,
        "min_group_size": ras_selectors.MIN_GROUP_SIZE,
        "current_prices": list(report.table.prices.all()) if report else [],
    }
    return render(request, "money/ras_equity.html", context)
