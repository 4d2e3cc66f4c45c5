"""Small charts as inline SVG strings, drawn at build time: no chart library, nothing loaded from elsewhere.

Each chart is one `<svg role="img">` with a `<title>` (its accessible name) and a viewBox, so it
scales to the column width; the numbers it shows are always printed in a table beside it by the
caller. Labels come from reports (body and region names), so every text goes through
`render.neutralise` (XML-safe, and inert should the SVG ever land outside an HTML block).
The SVG is written on one line: a blank line would end the Markdown HTML block it sits in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup

from gknb.model.numbers import format_number
from gknb.portal.render import neutralise

# Light-theme colours with at least 3:1 contrast against white, distinguishable in greyscale order.
PALETTE = ("#3561a8", "#2e8540", "#c15f00", "#b3261e", "#6f4a9e", "#5f6368")
TEXT = "#333333"
GRID = "#d0d0d0"
WIDTH = 480   # viewBox units; CSS scales the chart to at most 30rem
FONT = 13


@dataclass(frozen=True)
class Series:
    """One coloured part of a stacked bar (e.g. 维持), its value per bar."""
    label: str
    values: tuple[float | None, ...]


def _svg(ident: str, title: str, height: int, body: list[str], desc: str = "") -> Markup:
    head = (f'<svg class="gknb-chart" xmlns="http://www.w3.org/2000/svg" role="img" id="{neutralise(ident)}" '
            f'aria-labelledby="{neutralise(ident)}-t" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'preserveAspectRatio="xMinYMin meet" font-size="{FONT}" fill="{TEXT}">'
            f'<title id="{neutralise(ident)}-t">{neutralise(title)}</title>')
    described = f"<desc>{neutralise(desc)}</desc>" if desc else ""
    return Markup(head + described + "".join(body) + "</svg>")


def _at(value: float) -> str:
    """A coordinate to a tenth of a unit, without a trailing .0 (a chart has a hundred of them)."""
    return f"{value:.1f}".removesuffix(".0")


def _text(x: float, y: float, text: str, anchor: str = "start", css: str = "") -> str:
    extra = f' class="{css}"' if css else ""
    aligned = f' text-anchor="{anchor}"' if anchor != "start" else ""   # start: SVG's default
    return f'<text x="{_at(x)}" y="{_at(y)}"{aligned}{extra}>{neutralise(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, colour: str, label: str, css: str = "gknb-bar") -> str:
    # The <title> inside the bar is its tooltip on hover.
    return (f'<rect class="{css}" x="{_at(x)}" y="{_at(y)}" width="{_at(max(width, 0))}" height="{_at(height)}" '
            f'fill="{colour}"><title>{neutralise(label)}</title></rect>')


def _shown(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A value as a label: "—" for None; `decimals` fixed places (shares), else as the tables print it."""
    if value is None:
        return "—"
    return f"{value:.{decimals}f}{unit}" if decimals is not None else f"{format_number(round(value, 1), grouped=True)}{unit}"


def bar_chart(ident: str, title: str, items: Sequence[tuple[str, float | None]], *, unit: str = "",
              maximum: float | None = None, decimals: int | None = None) -> Markup:
    """Horizontal bars, one per item, label on the left and value on the right; None draws no bar and "—"."""
    label_width, value_width, row = 100, 64, 26
    scale_width = WIDTH - label_width - value_width
    top = max([maximum or 0] + [v for _l, v in items if v is not None]) or 1
    body = []
    for index, (label, value) in enumerate(items):
        y = 8 + index * row
        body.append(_text(label_width - 8, y + 15, label, "end"))
        if value is not None:
            body.append(_rect(label_width, y + 3, scale_width * value / top, row - 8, PALETTE[index % len(PALETTE)],
                              f"{label}：{_shown(value, unit, decimals)}"))
        body.append(_text(label_width + scale_width * (value or 0) / top + 6, y + 15, _shown(value, unit, decimals)))
    return _svg(ident, title, 16 + len(items) * row, body)


def column_chart(ident: str, title: str, items: Sequence[tuple[str, float | None]], *, unit: str = "") -> Markup:
    """Vertical bars over a category axis (years); None draws no bar and "—" on the axis."""
    top = max([v for _l, v in items if v is not None] + [0])
    # Nothing above 0: a low strip with the labels, not a tall empty plot.
    height, bottom, top_margin = (200 if top > 0 else 60), 24, 22
    plot = height - bottom - top_margin
    top = top or 1
    slot = (WIDTH - 20) / max(len(items), 1)
    bar = min(slot * 0.6, 60)
    body = [f'<line x1="10" y1="{height - bottom}" x2="{WIDTH - 10}" y2="{height - bottom}" stroke="{GRID}"/>']
    for index, (label, value) in enumerate(items):
        centre = 10 + slot * (index + 0.5)
        size = plot * (value or 0) / top
        if value is not None:
            body.append(_rect(centre - bar / 2, height - bottom - size, bar, size, PALETTE[0],
                              f"{label}：{_shown(value, unit)}"))
        body.append(_text(centre, height - bottom - size - 6, _shown(value, unit), "middle"))
        body.append(_text(centre, height - 6, label, "middle"))
    return _svg(ident, title, height, body)


def bar_end_label(parts: float, known: bool, total: float | None, unit: str) -> str:
    """What a stacked bar says at its end: the sum of its parts; the printed 总计 too when that differs
    (reports do not always add up, and the table beneath shows the 总计)."""
    if not known:
        return "—"
    if total is None or total == parts:
        return _shown(parts, unit)
    return f"{_shown(parts, unit)}（总计 {_shown(total, unit)}）"


def stacked_chart(ident: str, title: str, bars: Sequence[str], series: Sequence[Series], *, unit: str = "",
                  totals: Sequence[float | None] = ()) -> Markup:
    """One horizontal bar per entry of `bars`, split into the series' parts; a legend above.
    A bar whose parts are all None draws nothing and says "—"."""
    label_width, row, legend = 200, 30, 26
    scale_width = WIDTH - label_width - 110
    sums = [sum(s.values[i] or 0 for s in series) for i in range(len(bars))]
    top = max(sums + [0]) or 1
    body = []
    for index, part in enumerate(series):
        key_x = 10 + index * 90
        body.append(f'<rect x="{key_x}" y="6" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>')
        body.append(_text(key_x + 16, 17, part.label))
    for bar_index, name in enumerate(bars):
        y = legend + bar_index * row
        body.append(_text(label_width - 8, y + 19, name, "end"))
        x = float(label_width)
        for index, part in enumerate(series):
            value = part.values[bar_index]
            if value:
                width = scale_width * value / top
                body.append(_rect(x, y + 6, width, row - 10, PALETTE[index % len(PALETTE)],
                                  f"{name} · {part.label}：{_shown(value, unit)}"))
                x += width
        known = any(part.values[bar_index] is not None for part in series)
        total = totals[bar_index] if bar_index < len(totals) else None
        body.append(_text(x + 6, y + 19, bar_end_label(sums[bar_index], known, total, unit)))
    return _svg(ident, title, legend + len(bars) * row + 8, body)
