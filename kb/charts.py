"""Server-rendered SVG charts for the static pages: no chart library, no script, no request.

Three pictures, each one row per trial figure:
- :func:`rate_chart` — response rates (%) as bars with their CI whiskers and "19.4% (6/31)" labels;
- :func:`forest_chart` — medians (months) as points with CI lines, forest-style, on a linear axis;
- :func:`ratio_chart` — hazard/odds/risk ratios with CIs on a log axis, with the line of no effect at 1.
Labels are XML-escaped; numbers are formatted deterministically, so the same data gives the same bytes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional
from xml.sax.saxutils import escape

ROW = 26
LABEL_W = 300
PLOT_W = 360
VALUE_W = 190
TOP = 30


@dataclass
class Point:
    label: str
    value: float
    low: Optional[float] = None
    high: Optional[float] = None
    note: str = ""  # "19.4% (6/31)", written right of the plot
    href: Optional[str] = None


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(title: str, rows: list[str], n: int, axis: list[str]) -> str:
    height = TOP + n * ROW + 34
    width = LABEL_W + PLOT_W + VALUE_W
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-family="sans-serif" font-size="12">'
            f'<title>{escape(title)}</title>'
            f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>')
    return head + "".join(axis) + "".join(rows) + "</svg>"


def _label(p: Point, y: float) -> str:
    text = escape(p.label if len(p.label) <= 44 else p.label[:43] + "…")
    inner = f'<text x="{LABEL_W - 8}" y="{_f(y + 4)}" text-anchor="end">{text}</text>'
    if p.href:
        return f'<a href="{escape(p.href, {chr(34): "&quot;"})}">{inner}</a>'
    return inner


def _scale(lo: float, hi: float, log: bool):
    if log:
        lo, hi = math.log(lo), math.log(hi)
        return lambda v: LABEL_W + (math.log(v) - lo) / (hi - lo) * PLOT_W
    return lambda v: LABEL_W + (v - lo) / (hi - lo) * PLOT_W


def _axis(ticks: list[float], x, n: int, fmt=_f) -> list[str]:
    bottom = TOP + n * ROW
    out = [f'<line x1="{LABEL_W}" y1="{bottom}" x2="{LABEL_W + PLOT_W}" y2="{bottom}" stroke="#888"/>']
    for t in ticks:
        out.append(f'<line x1="{_f(x(t))}" y1="{TOP - 4}" x2="{_f(x(t))}" y2="{bottom}" stroke="#eee"/>'
                   f'<text x="{_f(x(t))}" y="{bottom + 16}" text-anchor="middle" fill="#555">{fmt(t)}</text>')
    return out


def _whisker(p: Point, x, y: float, lo_bound: float, hi_bound: float) -> str:
    if p.low is None and p.high is None:
        return ""
    low = max(p.low if p.low is not None else p.value, lo_bound)
    high = min(p.high if p.high is not None else hi_bound, hi_bound)
    return (f'<line x1="{_f(x(low))}" y1="{_f(y)}" x2="{_f(x(high))}" y2="{_f(y)}" stroke="#222" stroke-width="1.5"/>'
            f'<line x1="{_f(x(low))}" y1="{_f(y - 5)}" x2="{_f(x(low))}" y2="{_f(y + 5)}" stroke="#222"/>'
            + (f'<line x1="{_f(x(high))}" y1="{_f(y - 5)}" x2="{_f(x(high))}" y2="{_f(y + 5)}" stroke="#222"/>'
               if p.high is not None else ""))


def _note(p: Point, y: float) -> str:
    return f'<text x="{LABEL_W + PLOT_W + 10}" y="{_f(y + 4)}">{escape(p.note)}</text>'


def rate_chart(title: str, points: list[Point]) -> str:
    """Bars from 0 to 100%."""
    x = _scale(0, 100, False)
    rows = []
    for i, p in enumerate(points):
        y = TOP + i * ROW + ROW / 2
        value = min(max(p.value, 0), 100)
        rows.append(_label(p, y) + f'<rect x="{LABEL_W}" y="{_f(y - 8)}" width="{_f(x(value) - LABEL_W)}" '
                    f'height="16" fill="#4c78a8"/>' + _whisker(p, x, y, 0, 100) + _note(p, y))
    return _svg(title, rows, len(points), _axis([0, 25, 50, 75, 100], x, len(points), lambda t: f"{t:g}%"))


def _nice_max(v: float) -> float:
    for step in (1, 2, 5, 10, 12, 24, 36, 48, 60, 120, 240):
        if v <= step:
            return float(step)
    return float(math.ceil(v / 100) * 100)


def forest_chart(title: str, points: list[Point]) -> str:
    """Points with CI lines on a linear axis from 0 (medians in months)."""
    top = _nice_max(max([p.high or p.value for p in points] + [p.value for p in points] + [1]) * 1.05)
    x = _scale(0, top, False)
    rows = []
    for i, p in enumerate(points):
        y = TOP + i * ROW + ROW / 2
        rows.append(_label(p, y) + _whisker(p, x, y, 0, top)
                    + f'<rect x="{_f(x(min(p.value, top)) - 4)}" y="{_f(y - 4)}" width="8" height="8" fill="#e45756"/>'
                    + _note(p, y))
    ticks = [top * k / 4 for k in range(5)]
    return _svg(title, rows, len(points), _axis(ticks, x, len(points)))


def ratio_chart(title: str, points: list[Point]) -> str:
    """Ratios on a log axis with the line of no effect at 1."""
    values = [v for p in points for v in (p.value, p.low, p.high) if v is not None and v > 0]
    lo = min(values + [0.5]) / 1.2
    hi = max(values + [2.0]) * 1.2
    x = _scale(lo, hi, True)
    rows = []
    for i, p in enumerate(points):
        y = TOP + i * ROW + ROW / 2
        if p.value <= 0:
            continue
        rows.append(_label(p, y) + _whisker(p, x, y, lo, hi)
                    + f'<path d="M{_f(x(p.value))} {_f(y - 6)} l6 6 l-6 6 l-6 -6 z" fill="#54a24b"/>' + _note(p, y))
    ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10) if lo <= t <= hi]
    axis = _axis(ticks, x, len(points), lambda t: f"{t:g}")
    one = _f(x(1))
    axis.append(f'<line x1="{one}" y1="{TOP - 4}" x2="{one}" y2="{TOP + len(points) * ROW}" stroke="#444" '
                f'stroke-dasharray="4 3"/>')
    return _svg(title, rows, len(points), axis)
