"""Charts drawn on the server as inline SVG: no JavaScript library, no network at run time.

A `Chart` is data (categories by series); `chart_svg` draws it as stacked bars — horizontal when
the categories are names (models, communities), vertical when they are a time axis (months,
days). Every bar has a tooltip (`<title>`) with its exact figures, and a link when the category
has one, so a chart is as precise as the table it replaces.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH = 560
BAR = 18  # a horizontal bar's thickness
GAP = 8
LABEL_W = 150  # room for a horizontal bar's category name
PLOT_H = 140  # a vertical chart's plot height
AXIS_H = 34  # room under vertical bars for their labels
LEGEND_H = 22
FONT = 'font-family="system-ui,sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: tuple  # one number per category


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    vertical: bool = False
    links: tuple[str, ...] = ()  # one URL per category ("" for none)
    value_format: str = "count"  # or "money"
    empty_text: str = "Nothing to show yet."
    note: str = ""
    key: str = field(default="")

    @property
    def totals(self) -> list:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    @property
    def is_empty(self) -> bool:
        return not any(self.totals)


def figure(value, value_format: str) -> str:
    """Format one chart figure: "1,234" or "$1,234.00"."""
    if value_format == "money":
        return f"${Decimal(value):,.2f}"
    return f"{int(value):,}"


def chart_svg(chart: Chart) -> str:
    """Draw `chart` as an SVG element (safe HTML)."""
    if chart.is_empty:
        return format_html('<p class="chart-empty">{}</p>', chart.empty_text)
    body = _vertical(chart) if chart.vertical else _horizontal(chart)
    height = body[1] + LEGEND_H
    legend = _legend(chart, body[1] + 14)
    svg = (
        f'<svg class="chart" role="img" aria-label="{escape(chart.title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" {FONT}>{body[0]}{legend}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 - every text put in it went through escape()


def _tooltip(chart: Chart, index: int) -> str:
    parts = [f"{s.name}: {figure(s.values[index], chart.value_format)}" for s in chart.series]
    return escape(f"{chart.categories[index]} — " + ", ".join(parts))


def _wrap_link(chart: Chart, index: int, inner: str) -> str:
    url = chart.links[index] if index < len(chart.links) else ""
    return f'<a href="{escape(url)}">{inner}</a>' if url else inner


def _horizontal(chart: Chart) -> tuple[str, int]:
    scale = (WIDTH - LABEL_W - 90) / float(max(chart.totals) or 1)
    parts = []
    for i, category in enumerate(chart.categories):
        y = i * (BAR + GAP)
        x = LABEL_W
        rects = [f"<title>{_tooltip(chart, i)}</title>"]
        for series in chart.series:
            w = float(series.values[i]) * scale
            if w > 0:
                rects.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.5):.1f}" height="{BAR}" '
                    f'fill="{series.colour}"/>'
                )
            x += w
        total = figure(chart.totals[i], chart.value_format)
        rects.append(f'<text x="{x + 6:.1f}" y="{y + 13}" fill="currentColor">{total}</text>')
        label = escape(category if len(category) <= 24 else category[:23] + "…")
        rects.append(
            f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end" fill="currentColor">'
            f"{label}</text>"
        )
        parts.append(_wrap_link(chart, i, f'<g class="bar">{"".join(rects)}</g>'))
    return "".join(parts), len(chart.categories) * (BAR + GAP)


def _vertical(chart: Chart) -> tuple[str, int]:
    count = len(chart.categories)
    slot = (WIDTH - 20) / count
    width = min(slot * 0.7, 40)
    scale = (PLOT_H - 16) / float(max(chart.totals) or 1)
    parts = [f'<line x1="10" y1="{PLOT_H}" x2="{WIDTH - 10}" y2="{PLOT_H}" stroke="#9ca3af"/>']
    for i, category in enumerate(chart.categories):
        cx = 10 + slot * i + slot / 2
        y = PLOT_H
        rects = [f"<title>{_tooltip(chart, i)}</title>"]
        for series in chart.series:
            h = float(series.values[i]) * scale
            if h > 0:
                y -= max(h, 1.5)
                rects.append(
                    f'<rect x="{cx - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                    f'height="{max(h, 1.5):.1f}" fill="{series.colour}"/>'
                )
        if chart.totals[i]:
            total = figure(chart.totals[i], chart.value_format)
            rects.append(
                f'<text x="{cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'fill="currentColor">{total}</text>'
            )
        rects.append(
            f'<text x="{cx:.1f}" y="{PLOT_H + 14}" text-anchor="middle" fill="currentColor">'
            f"{escape(category)}</text>"
        )
        parts.append(_wrap_link(chart, i, f'<g class="bar">{"".join(rects)}</g>'))
    return "".join(parts), PLOT_H + AXIS_H - 10


def _legend(chart: Chart, y: int) -> str:
    if len(chart.series) < 2:
        return ""
    parts, x = [], LABEL_W if not chart.vertical else 10
    for series in chart.series:
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{series.colour}"/>'
            f'<text x="{x + 14}" y="{y}" fill="currentColor">{escape(series.name)}</text>'
        )
        x += 24 + 7 * len(series.name)
    return f'<g class="legend">{"".join(parts)}</g>'
