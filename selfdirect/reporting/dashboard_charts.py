"""Charts for the dashboards as server-rendered SVG: no JavaScript, no style attributes (the CSP forbids inline
styles; SVG presentation attributes such as fill= are allowed). Each chart is an image with a title and a
description that points to its table, which carries every figure the chart shows.

Series differ by colour and by line pattern and marker shape, so colour is never the only difference; every
colour has at least 3:1 contrast against white (WCAG 2.2, 1.4.11).
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .dashboard_selectors import Table

COLOURS = ["#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#505a5f", "#912b88"]
DASHES = ["", "8 4", "2 3", "12 4 2 4", "6 6", "1 5"]
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH = 640
FONT = "font-family=\"'GDS Transport', arial, sans-serif\""


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(value)


def _scale_max(values: list[Decimal], maximum: Decimal | None) -> Decimal:
    """The top of the value axis: the chart's fixed maximum, or the next round number (1, 2, 4 or 8 times a power
    of ten, so that quarters of it are round too) at or above the largest value."""
    if maximum is not None:
        return maximum
    top = max(values, default=Decimal(0))
    if top <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(top))) - 1)
    return next(magnitude * m for m in (1, 2, 4, 8, 10) if top <= magnitude * m)


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value}"


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _open(table: Table, kind: str, height: int) -> list[str]:
    title_id, desc_id = f"chart-{table.slug}-title", f"chart-{table.slug}-desc"
    series = ", ".join(table.columns[i].label for i in table.chart.series)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" focusable="false">',
        f'<title id="{title_id}">{escape(kind)}: {escape(table.caption)}</title>',
        f'<desc id="{desc_id}">{escape(series)}. Every figure is in the table that follows.</desc>',
    ]


def _close(parts: list[str]) -> SafeString:
    # Every piece of text that comes from data went through escape(); the rest is markup written here.
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308


def _legend(table: Table, y: int, *, line: bool) -> list[str]:
    parts, x = [], 8
    for n, index in enumerate(table.chart.series):
        label = _shorten(table.columns[index].label, 40)
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        if line:
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{colour}" stroke-width="3"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + " />"
            )
            parts.append(_marker(n, x + 12, y, colour))
        else:
            parts.append(f'<rect x="{x}" y="{y - 6}" width="24" height="12" fill="{colour}" />')
        parts.append(f'<text x="{x + 30}" y="{y + 4}" font-size="12" fill="{TEXT}" {FONT}>{escape(label)}</text>')
        x += 56 + int(len(label) * 7)
        if x > WIDTH - 160:
            x, y = 8, y + 18
    return parts


def _marker(n: int, x: float, y: float, colour: str) -> str:
    shape = n % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" />'
    if shape == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" />'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}" />'


def line_chart(table: Table) -> SafeString:
    """Each plotted column as a line across the table's rows (in order), gaps where a value is missing."""
    chart = table.chart
    left, right, top, plot_height = 80, 40, 16, 200
    bottom = top + plot_height
    labels = [str(row[chart.label]) for row in table.rows]
    values = [[_number(row[i]) for row in table.rows] for i in chart.series]
    top_value = _scale_max([v for series in values for v in series if v is not None], chart.maximum)
    count = max(len(labels), 1)
    step = (WIDTH - left - right) / max(count - 1, 1)

    def x_at(n: int) -> float:
        return left + (step * n if count > 1 else (WIDTH - left - right) / 2)

    def y_at(value: Decimal) -> float:
        return bottom - float(value / top_value) * plot_height

    height = bottom + 96 + 18 * ((len(chart.series) - 1) // 3 + 1)
    parts = _open(table, "Line chart", height)
    parts += _grid(left, bottom, plot_height, top_value, chart.unit)
    every = max(1, (count + 11) // 12)
    for n, label in enumerate(labels):
        if n % every == 0:
            # Slanted so that a year of month-end dates fits without overlapping.
            x, y = x_at(n), bottom + 14
            parts.append(
                f'<text x="{x:.1f}" y="{y}" font-size="11" text-anchor="end" fill="{TEXT}" '
                f'transform="rotate(-35 {x:.1f} {y})" {FONT}>{escape(_shorten(label, 14))}</text>'
            )
    for n, series in enumerate(values):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        run: list[str] = []
        for i, value in enumerate(series + [None]):
            if value is not None:
                run.append(f"{x_at(i):.1f},{y_at(value):.1f}")
                parts.append(_marker(n, x_at(i), y_at(value), colour))
            elif run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="3"'
                    + (f' stroke-dasharray="{dash}"' if dash else "")
                    + " />"
                )
                run = []
    parts += _legend(table, bottom + 84, line=True)
    return _close(parts)


def _grid(left: int, bottom: int, plot_height: int, top_value: Decimal, unit: str) -> list[str]:
    parts = []
    for tick in range(5):
        value = top_value * tick / 4
        y = bottom - plot_height * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 40}" y2="{y:.1f}" stroke="{GRID}" />')
        label = _fmt(value if value == value.to_integral_value() else value.quantize(Decimal("0.01")).normalize())
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{TEXT}" {FONT}>'
            f"{escape(label)}{escape('%' if unit == '%' else '')}</text>"
        )
    return parts


def bar_chart(table: Table) -> SafeString:
    """Horizontal bars: one group per table row, one bar per plotted column, each bar labelled with its value."""
    chart = table.chart
    left, right, top = 220, 56, 8
    bar, gap = 12, 10
    series = chart.series
    group = bar * len(series) + gap
    values = [[_number(row[i]) for i in series] for row in table.rows]
    top_value = _scale_max([v for row in values for v in row if v is not None], chart.maximum)
    plot_width = WIDTH - left - right
    bottom = top + group * max(len(table.rows), 1)
    height = bottom + 24 + 18 * ((len(series) - 1) // 3 + 1) + 8
    parts = _open(table, "Bar chart", height)
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{TEXT}" />')
    for r, row in enumerate(table.rows):
        y0 = top + group * r
        label = str(row[chart.label])
        parts.append(
            f'<text x="{left - 6}" y="{y0 + group / 2:.1f}" font-size="11" text-anchor="end" fill="{TEXT}" {FONT}>'
            f"{escape(_shorten(label, 36))}</text>"
        )
        for n, value in enumerate(values[r]):
            y = y0 + bar * n
            length = 0.0 if value is None else float(value / top_value) * plot_width
            colour = COLOURS[n % len(COLOURS)]
            if length > 0:
                parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar - 1}" fill="{colour}" />')
            suffix = "%" if chart.unit == "%" and value is not None else ""
            parts.append(
                f'<text x="{left + length + 4:.1f}" y="{y + bar - 2}" font-size="10" fill="{TEXT}" {FONT}>'
                f"{escape(_fmt(value))}{suffix}</text>"
            )
    parts += _legend(table, bottom + 20, line=False)
    return _close(parts)


def chart_svg(table: Table) -> SafeString | None:
    """The table's chart, or None if it has none (or nothing to plot)."""
    if table.chart is None or not table.rows:
        return None
    return line_chart(table) if table.chart.kind == "line" else bar_chart(table)
