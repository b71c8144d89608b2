"""Charts as inline SVG built on the server: no script, no CDN, allowed by a 'self'-only CSP.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words
what it shows, so screen readers get the numbers; colours come from CSS classes in app.css.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

Number = Decimal | int | float | None


def _fmt(value: Number) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css: str) -> SafeString:
    head = format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" preserveAspectRatio="xMinYMin meet" '
        'aria-label="{}"><title>{}</title><desc>{}</desc>',
        css,
        width,
        height,
        title,
        title,
        desc,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every part is escaped above


def line_chart(
    points: Sequence[tuple[str, Number]], title: str, y_max: Number = 100, width: int = 640, height: int = 220
) -> SafeString:
    """A line over labelled points (gaps where a value is None), y from 0 to ``y_max``."""
    left, right, top, bottom = 52, 44, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = float(y_max or 100) or 100.0
    step = plot_w / max(1, len(points) - 1)

    def xy(i: int, value: Number) -> tuple[float, float]:
        y = top + plot_h - (float(value or 0) / top_value) * plot_h
        return round(left + i * step, 1), round(y, 1)

    body = _axes(left, top, plot_w, plot_h, top_value)
    body += _segments([(xy(i, v) if v is not None else None) for i, (_l, v) in enumerate(points)])
    for i, (label, value) in enumerate(points):
        x, y = xy(i, value)
        # Every other label is "alt": hidden on a phone, where the larger text would overlap.
        css = "axis alt" if i % 2 and len(points) > 6 else "axis"
        body.append(
            format_html(
                '<text class="{}" x="{}" y="{}" text-anchor="middle">{}</text>', css, x, height - 8, label
            )
        )
        if value is not None:
            body.append(
                format_html(
                    '<circle class="dot" cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
                    x,
                    y,
                    label,
                    _fmt(value),
                )
            )
    desc = "; ".join(f"{label}: {_fmt(value)}" for label, value in points)
    return _svg(width, height, title, desc, body, "line")


def _axes(left: int, top: int, plot_w: int, plot_h: int, top_value: float) -> list[str]:
    parts: list[str] = []
    for fraction in (0, 0.5, 1):
        y = round(top + plot_h - fraction * plot_h, 1)
        parts.append(
            format_html('<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>', left, y, left + plot_w, y)
        )
        parts.append(
            format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left - 6,
                y + 4,
                _fmt(top_value * fraction),
            )
        )
    return parts


def _segments(coords: list[tuple[float, float] | None]) -> list[str]:
    """Polylines through consecutive known points (a None breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in coords:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [
        str(
            format_html(
                '<polyline class="series" fill="none" points="{}"/>', " ".join(f"{x},{y}" for x, y in run)
            )
        )
        for run in runs
        if len(run) > 1
    ]


def bar_chart(bars: Sequence[tuple[str, int, str]], title: str, width: int = 640) -> SafeString:
    """Horizontal bars: (label, count, css class), scaled to the largest count."""
    row_h, label_w, count_w = 34, 230, 48
    height = row_h * max(1, len(bars)) + 8
    largest = max((count for _l, count, _c in bars), default=0) or 1
    body: list[str] = []
    for i, (label, count, css) in enumerate(bars):
        y = 4 + i * row_h
        bar_w = round((width - label_w - count_w) * count / largest, 1)
        body.append(format_html('<text class="axis" x="0" y="{}">{}</text>', y + 22, label))
        body.append(
            format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="24"/>', css, label_w, y + 4, bar_w
            )
        )
        body.append(
            format_html('<text class="count" x="{}" y="{}">{}</text>', label_w + bar_w + 6, y + 22, count)
        )
    desc = "; ".join(f"{label}: {count}" for label, count, _c in bars)
    return _svg(width, height, title, desc, body, "bars")


def sparkline(values: Sequence[tuple[str, Number]], title: str, y_max: Number = 100) -> SafeString:
    """A small trend line (80×24) for a table cell; the values are in its title and description."""
    width, height = 80, 24
    top_value = float(y_max or 100) or 100.0
    step = (width - 4) / max(1, len(values) - 1)
    coords = [
        (round(2 + i * step, 1), round(height - 2 - float(v) / top_value * (height - 4), 1))
        if v is not None
        else None
        for i, (_l, v) in enumerate(values)
    ]
    body: list[str] = list(_segments(coords))
    last = next((c for c in reversed(coords) if c is not None), None)
    if last is not None:
        body.append(format_html('<circle class="dot" cx="{}" cy="{}" r="2.5"/>', last[0], last[1]))
    desc = "; ".join(f"{label}: {_fmt(v)}" for label, v in values)
    return _svg(width, height, title, desc, body, "spark")
