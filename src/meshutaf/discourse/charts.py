"""The Discourse Index's charts, drawn as SVG on the server.

The trend chart has one line per group (community, platform or language) over the periods,
each with its 95% interval as a translucent band. Groups differ by colour (Okabe–Ito, darkened
where needed for 3:1 contrast on white) AND by dash pattern and marker shape, so colour is
never the only signal; hollow markers mark cells that are too small or have no audit items.
The SVG is a picture of the table printed below it (role="img" with a title and a
description); the legend is HTML beside it, so it reads and wraps in either direction.

Numbers run left to right (the SVG says `direction="ltr"`) in Hebrew and Arabic pages too, as
the time axis does in print in both languages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.translation import gettext as _

from meshutaf.core import charts as conventions

# Okabe–Ito, with the yellow darkened (#8A6D00) so every colour has 3:1 contrast on white.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#000000"]
DASHES = ["", "7 4", "2 3", "10 3 2 3", "4 4", "1 3", "12 5", "6 2 2 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "triangle-down", "cross"]
MAX_SERIES = 8
# More groups than this and the page draws one small chart per group (small multiples).
MULTIPLES_FROM = 4


@dataclass(frozen=True)
class Layout:
    """A drawing's size, margins and type, sized for the narrowest width it is shown at."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    shown: int
    x_labels: int  # at most this many period labels

    @property
    def font(self) -> int:
        return conventions.font_for(self.width, self.shown)


WIDE = Layout(conventions.WIDE, 360, 60, 28, 18, 48, conventions.WIDE_MIN_DISPLAY, 8)
NARROW = Layout(conventions.NARROW, 270, 52, 24, 16, 38, conventions.NARROW_MIN_DISPLAY, 3)
# A small multiple fills a grid cell of at least 18rem less its padding (charts.css).
SMALL = Layout(300, 210, 52, 22, 14, 36, 250, 3)
WIDTH, HEIGHT = WIDE.width, WIDE.height


@dataclass
class Point:
    estimate: float
    low: float
    high: float
    hollow: bool = False


@dataclass
class Series:
    label: str
    points: list[Point | None] = field(default_factory=list)


def style(index: int) -> dict:
    """Colour, dash pattern and marker of the `index`-th series."""
    return {
        "colour": COLOURS[index % len(COLOURS)],
        "dash": DASHES[index % len(DASHES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def _marker(kind: str, x: float, y: float, colour: str, hollow: bool, size: float = 4.5) -> str:
    fill = "#ffffff" if hollow else colour
    common = f'fill="{fill}" stroke="{colour}" stroke-width="{2 if hollow else 1.2}"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" {common}/>'
    if kind == "square":
        s = size * 0.9
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f"{common}/>"
        )
    if kind == "triangle":
        s = size * 1.15
        return (
            f'<polygon points="{x:.1f},{y - s:.1f} {x + s:.1f},{y + s * 0.8:.1f} '
            f'{x - s:.1f},{y + s * 0.8:.1f}" {common}/>'
        )
    if kind == "triangle-down":
        s = size * 1.15
        return (
            f'<polygon points="{x:.1f},{y + s:.1f} {x + s:.1f},{y - s * 0.8:.1f} '
            f'{x - s:.1f},{y - s * 0.8:.1f}" {common}/>'
        )
    if kind == "diamond":
        s = size * 1.25
        return (
            f'<polygon points="{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} '
            f'{x - s:.1f},{y:.1f}" {common}/>'
        )
    s = size
    width = 2 if hollow else 2.6
    return (
        f'<path d="M{x - s:.1f},{y - s:.1f}L{x + s:.1f},{y + s:.1f}M{x + s:.1f},{y - s:.1f}'
        f'L{x - s:.1f},{y + s:.1f}" stroke="{colour}" stroke-width="{width}" fill="none"/>'
    )


def swatch_svg(index: int, *, hollow: bool = False) -> str:
    """The legend's sample of a series: its line, dash and marker (decorative: the legend's
    text names the series)."""
    s = style(index)
    dash = f' stroke-dasharray="{s["dash"]}"' if s["dash"] else ""
    return (
        f'<svg class="trend-swatch" width="36" height="14" viewBox="0 0 36 14" aria-hidden="true"'
        f' focusable="false"><line x1="1" y1="7" x2="35" y2="7" stroke="{s["colour"]}"'
        f' stroke-width="2.5"{dash}/>{_marker(s["marker"], 18, 7, s["colour"], hollow, 4)}</svg>'
    )


def hollow_swatch_svg() -> str:
    return (
        '<svg class="trend-swatch" width="18" height="14" viewBox="0 0 18 14" aria-hidden="true"'
        ' focusable="false"><circle cx="9" cy="7" r="4.5" fill="#ffffff" stroke="#1b2430"'
        ' stroke-width="2"/></svg>'
    )


def band_swatch_svg() -> str:
    return (
        '<svg class="trend-swatch" width="24" height="14" viewBox="0 0 24 14" aria-hidden="true"'
        ' focusable="false"><rect x="1" y="2" width="22" height="10" fill="#0072B2"'
        ' fill-opacity="0.18"/><line x1="1" y1="7" x2="23" y2="7" stroke="#0072B2"'
        ' stroke-width="2"/></svg>'
    )


def _x_positions(count: int, layout: Layout = WIDE) -> list[float]:
    inner = layout.width - layout.left - layout.right
    if count <= 1:
        return [layout.left + inner / 2]
    step = inner / (count - 1)
    return [layout.left + step * i for i in range(count)]


def _y(value: float, y_max: float, layout: Layout = WIDE) -> float:
    value = min(max(value, 0.0), y_max)
    return layout.top + (1 - value / y_max) * (layout.height - layout.top - layout.bottom)


def _runs(flags: list[bool]) -> list[list[int]]:
    """Consecutive indices where `flags` is true."""
    runs, current = [], []
    for i, flag in enumerate(flags):
        if flag:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def trend_svg(
    *,
    x_labels: list[str],
    series: list[Series],
    percent: bool,
    title: str,
    description: str,
    title_id: str = "trend-title",
    reference: float | None = None,
    layout: Layout = WIDE,
    first_style: int = 0,
) -> str:
    """Lines over the periods with 95% interval bands. Values are fractions (0–1) when
    `percent`, otherwise points on 0–100 (the composite index); `reference` draws a dashed
    horizontal line (the composite's balance point, 50). `layout` is the drawing's size
    (WIDE, NARROW for phones, SMALL for a small multiple); `first_style` the style of the
    first series (a small multiple keeps its group's colour and marker)."""
    if not x_labels or not series:
        return ""
    scale = 100.0 if percent else 1.0
    y_max = 100.0
    width, height, left, right = layout.width, layout.height, layout.left, layout.right
    font = layout.font
    xs = _x_positions(len(x_labels), layout)
    parts = [
        conventions.svg_open(
            width=width,
            height=height,
            shown=layout.shown,
            chart_id=f"{title_id}-chart",
            title_id=title_id,
            title=title,
            description=description,
            css="trend-chart",
        )
    ]
    # The grid and the y axis.
    for tick in (0, 25, 50, 75, 100):
        y = _y(tick, y_max, layout)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#8a94a3" if tick == 0 else "#e3e6ea"}" stroke-width="1"/>'
            f'<text class="chart-tick" x="{left - 8}" y="{y + font / 3:.1f}" text-anchor="end" '
            f'font-size="{font}" fill="#4a5563">{tick}{"%" if percent else ""}</text>'
        )
    if reference is not None:
        y = _y(reference, y_max, layout)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#4a5563" stroke-width="1.2" stroke-dasharray="3 4"/>'
        )
    # The x labels, thinned so they do not collide, moved in where they would leave the frame.
    widest = max(conventions.text_width(label, font) for label in x_labels) + 12
    gap = (xs[1] - xs[0]) if len(xs) > 1 else width
    every = max(1, math.ceil(len(x_labels) / layout.x_labels), math.ceil(widest / gap))
    for i, label in enumerate(x_labels):
        if i % every:
            continue
        x = conventions.fit_x(xs[i], label, font, "middle", width)
        parts.append(
            f'<text class="chart-tick" x="{x:.1f}" y="{height - layout.bottom + font + 8}" '
            f'text-anchor="middle" font-size="{font}" fill="#4a5563">{escape(label)}</text>'
        )
    for offset, one in enumerate(series[:MAX_SERIES]):
        index = first_style + offset
        s = style(index)
        points = (one.points + [None] * len(x_labels))[: len(x_labels)]
        group = [f'<g class="trend-series" data-series="{index}">']
        # The band: only where the interval is known (corrected cells).
        banded = {
            i: p
            for i, p in enumerate(points)
            if p is not None and _finite(p.low) and _finite(p.high)
        }
        for run in _runs([i in banded for i in range(len(points))]):
            if len(run) == 1:
                i = run[0]
                p = banded[i]
                group.append(
                    f'<line x1="{xs[i]:.1f}" y1="{_y(p.low * scale, y_max, layout):.1f}" '
                    f'x2="{xs[i]:.1f}" y2="{_y(p.high * scale, y_max, layout):.1f}" '
                    f'stroke="{s["colour"]}" stroke-opacity="0.45" stroke-width="6"/>'
                )
                continue
            upper = [f"{xs[i]:.1f},{_y(banded[i].high * scale, y_max, layout):.1f}" for i in run]
            lower = [
                f"{xs[i]:.1f},{_y(banded[i].low * scale, y_max, layout):.1f}" for i in reversed(run)
            ]
            group.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{s["colour"]}" '
                f'fill-opacity="0.14" stroke="none"/>'
            )
        # The line through the estimates.
        known = {i: p for i, p in enumerate(points) if p is not None and _finite(p.estimate)}
        dash = f' stroke-dasharray="{s["dash"]}"' if s["dash"] else ""
        for run in _runs([i in known for i in range(len(points))]):
            if len(run) < 2:
                continue
            path = "".join(
                f"{'M' if n == 0 else 'L'}{xs[i]:.1f},"
                f"{_y(known[i].estimate * scale, y_max, layout):.1f}"
                for n, i in enumerate(run)
            )
            group.append(
                f'<path d="{path}" fill="none" stroke="{s["colour"]}" stroke-width="2.5"'
                f'{dash} stroke-linejoin="round"/>'
            )
        for i, p in known.items():
            group.append(
                _marker(
                    s["marker"],
                    xs[i],
                    _y(p.estimate * scale, y_max, layout),
                    s["colour"],
                    p.hollow,
                )
            )
        group.append("</g>")
        parts.extend(group)
    parts.append("</svg>")
    return "".join(parts)


def alpha_svg(alpha: float, low: float, high: float) -> str:
    """A small scale from 0 to 1 with Krippendorff's thresholds (0.667 and 0.80) as dashed
    lines, the bootstrap interval as a bar and alpha as a dot. Values below 0 sit at 0."""
    width, height, pad = 200, 26, 8
    inner = width - 2 * pad

    def x(value: float) -> float:
        return pad + min(max(value, 0.0), 1.0) * inner

    if _finite(alpha):
        text = _("Alpha %(alpha)s, 95%% interval %(low)s to %(high)s") % {
            "alpha": f"{alpha:.2f}",
            "low": f"{low:.2f}" if _finite(low) else "—",
            "high": f"{high:.2f}" if _finite(high) else "—",
        }
    else:
        text = _("Not enough data for alpha")
    parts = [
        f'<svg class="alpha-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(text)}" '
        f'direction="ltr" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad}" y1="13" x2="{width - pad}" y2="13" stroke="#d9dee5" '
        f'stroke-width="6" stroke-linecap="round"/>',
    ]
    for threshold in (0.667, 0.8):
        parts.append(
            f'<line x1="{x(threshold):.1f}" y1="2" x2="{x(threshold):.1f}" y2="24" '
            f'stroke="#4a5563" stroke-width="1.2" stroke-dasharray="2 2"/>'
        )
    if _finite(low) and _finite(high):
        parts.append(
            f'<line x1="{x(low):.1f}" y1="13" x2="{x(high):.1f}" y2="13" stroke="#1f5f8b" '
            f'stroke-width="6" stroke-linecap="round"/>'
        )
    if _finite(alpha):
        parts.append(
            f'<circle cx="{x(alpha):.1f}" cy="13" r="5.5" fill="#1b2430" stroke="#ffffff" '
            f'stroke-width="1.5"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def format_value(value, *, percent: bool) -> str:
    """An estimate as shown in tables: "12.3%" for a prevalence, "54.1" for the composite."""
    if not _finite(value):
        return "—"
    if percent:
        return f"{value * 100:.1f}%"
    return f"{value:.1f}"


def format_interval(low, high, *, percent: bool) -> str:
    if not (_finite(low) and _finite(high)):
        return "—"
    return f"[{format_value(low, percent=percent)} – {format_value(high, percent=percent)}]"


def format_rank(best, worst) -> str:
    if not (_finite(best) and _finite(worst)):
        return "—"
    best, worst = int(best), int(worst)
    return str(best) if best == worst else f"{best}–{worst}"
