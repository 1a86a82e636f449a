"""Shared measurement's charts, drawn as SVG strings on the server: an indicator's series
(values with their intervals, baseline, target, forecast cone, judgement line, series
breaks), small multiples on one scale, and the scorecard's sparklines. Pure: no database.

Time runs left to right in Hebrew, Arabic and English alike (the SVG says `direction="ltr"`,
as printed charts do in all three), so the y axis is always on the left. Every chart is
role="img" with a <title> and a <desc>, and the page prints the same values in a table below
it. A series break (a new definition version) ends one line and starts another: no line
segment ever joins two definitions. Colours have at least 4.5:1 contrast on white, and shape
(hollow markers, dashes) says what colour says.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.html import escape
from django.utils.translation import gettext as _

from meshutaf.core import charts as conventions

INK = "#1b2430"
INK_SOFT = "#4a5563"
GRID = "#e3e6ea"
SERIES = "#1f5f8b"  # 6.9:1 on white
TARGET = "#b3380b"  # 5.6:1 on white
JUDGEMENT = "#55606e"
CONE = "#1f5f8b"
BREAK = "#6b4fbb"

Formatter = Callable[[float], str]
COMPACT_MIN_DISPLAY = 250  # px: a small multiple's grid cell (18rem) less the card's padding


@dataclass(frozen=True)
class ChartPoint:
    """One period's value as the viewer sees it. `hidden` values (small numbers) have no
    value and are marked on the axis with `marker` ("<10"); `hollow` marks provisional or
    estimated values."""

    time: float
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    segment: int = 1
    hidden: bool = False
    marker: str = ""
    hollow: bool = False


@dataclass(frozen=True)
class ConePoint:
    time: float
    value: float
    low: float
    high: float


@dataclass
class SeriesChart:
    """What one series chart shows. Times are decimal years (2024-Q3 is 2024.5)."""

    points: list[ChartPoint] = field(default_factory=list)
    baseline: float | None = None
    baseline_segment: int | None = None  # the definition version the baseline belongs to
    target: tuple[float, float] | None = None  # (time, value)
    target_label: str = ""
    cone: list[ConePoint] = field(default_factory=list)
    judgement: tuple[float, float] | None = None  # (time, value), drawn from the last point
    break_labels: dict[int, str] = field(default_factory=dict)  # segment → label

    def values(self) -> list[float]:
        """Every number the y axis must hold."""
        found: list[float] = []
        for point in self.points:
            found += [v for v in (point.value, point.low, point.high) if _finite(v)]  # type: ignore[misc]
        for cone in self.cone:
            found += [cone.value, cone.low, cone.high]
        if self.baseline is not None:
            found.append(self.baseline)
        if self.target is not None:
            found.append(self.target[1])
        if self.judgement is not None:
            found.append(self.judgement[1])
        return [v for v in found if _finite(v)]

    def times(self) -> list[float]:
        found = [point.time for point in self.points]
        found += [cone.time for cone in self.cone]
        if self.target is not None:
            found.append(self.target[0])
        if self.judgement is not None:
            found.append(self.judgement[0])
        return found


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


# ---------------------------------------------------------------- numbers


def format_number(
    value: float | None, *, kind: str, decimals: int = 1, percent_sign: bool = True
) -> str:
    """A value as people read it, in the active locale: a proportion as a percentage
    (0.305 → 30.5%), a whole count without decimals, anything else with `decimals`."""
    if value is None or not _finite(value):
        return "—"
    # Rounded here: Django's number_format cuts the digits off a float instead.
    if kind == "proportion":
        text = formats.number_format(
            round(value * 100, decimals), decimal_pos=decimals, force_grouping=True
        )
        return f"{text}%" if percent_sign else text
    if kind == "count" and float(value).is_integer():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)


def nice_range(values: Sequence[float], *, ticks: int = 5) -> tuple[float, float, float]:
    """An axis (low, high, step) with round steps (1, 2, 2.5 or 5 × 10^n) that holds every
    value; 0 is included when every value is on one side of it and not far from it."""
    finite = [v for v in values if _finite(v)]
    if not finite:
        return 0.0, 1.0, 0.25
    low, high = min(finite), max(finite)
    if low >= 0 and low <= high * 0.6:
        low = 0.0
    if high <= 0 and high >= low * 0.6:
        high = 0.0
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, ticks - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


# ---------------------------------------------------------------- drawing helpers


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    t0: float
    t1: float
    y0: float
    y1: float

    def x(self, time: float) -> float:
        span = (self.t1 - self.t0) or 1.0
        return self.left + (time - self.t0) / span * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        value = min(max(value, self.y0), self.y1)
        return self.top + (1 - (value - self.y0) / span) * (self.height - self.top - self.bottom)


def runs(points: Sequence[ChartPoint]) -> list[list[ChartPoint]]:
    """The stretches a line may join: consecutive points with a value, of one segment. A
    hidden or missing value, or a change of segment (a series break), ends a stretch."""
    found: list[list[ChartPoint]] = []
    current: list[ChartPoint] = []
    for point in points:
        if point.value is None or not _finite(point.value):
            if current:
                found.append(current)
            current = []
            continue
        if current and current[-1].segment != point.segment:
            found.append(current)
            current = []
        current.append(point)
    if current:
        found.append(current)
    return found


def break_times(points: Sequence[ChartPoint]) -> list[tuple[float, int]]:
    """Where the definition changes: midway between the last point of one segment and the
    first of the next, with the new segment's number."""
    found = []
    for before, after in itertools.pairwise(points):
        if before.segment != after.segment:
            found.append(((before.time + after.time) / 2, after.segment))
    return found


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = 12,
    fill=INK_SOFT,
    halo: bool = False,
    width: float | None = None,
):
    """A label; `halo` paints a white outline under it so that it stays readable where it
    lies on a line or a band. With `width` (the chart's), it is moved to stay inside it."""
    if width is not None:
        x = conventions.fit_x(x, text, size, anchor, width)
    extra = (
        ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
        if halo
        else ""
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{extra}>{escape(text)}</text>'
    )


def segment_span(points: Sequence[ChartPoint], segment: int) -> tuple[float, float] | None:
    """The times a definition version covers on the chart: from the break before its first
    point (or None: the chart's start) to the break after its last (None: the chart's end).
    None when no point is of that segment."""
    ordered = sorted(points, key=lambda p: p.time)
    times = [p.time for p in ordered if p.segment == segment]
    if not times:
        return None
    before = [p.time for p in ordered if p.time < times[0] and p.segment != segment]
    after = [p.time for p in ordered if p.time > times[-1] and p.segment != segment]
    start = (before[-1] + times[0]) / 2 if before else -math.inf
    end = (times[-1] + after[0]) / 2 if after else math.inf
    return start, end


def _svg_open(
    width: int, height: int, chart_id: str, title: str, description: str, css: str, shown: int
):
    return conventions.svg_open(
        width=width,
        height=height,
        shown=shown,
        chart_id=chart_id,
        title=title,
        description=description,
        css=css,
    )


def _year_ticks(t0: float, t1: float, most: int) -> list[int]:
    years = list(range(math.ceil(t0), math.floor(t1) + 1))
    every = max(1, math.ceil(len(years) / most))
    return years[::every]


# ---------------------------------------------------------------- the series chart


def series_svg(
    chart: SeriesChart,
    *,
    chart_id: str,
    title: str,
    description: str,
    formatter: Formatter,
    y_range: tuple[float, float, float] | None = None,
    t_range: tuple[float, float] | None = None,
    compact: bool = False,
    narrow: bool = False,
) -> str:
    """The series chart. `y_range` (low, high, step) and `t_range` put several charts on
    one scale (small multiples); `compact` draws a small one with fewer labels; `narrow`, the
    full chart for a phone's width (fewer years, larger type: the page shows it instead of
    the wide one on a narrow screen)."""
    # Each drawing's type is sized for the narrowest width it is shown at (core/charts.py):
    # a small multiple fills a grid cell of at least 18rem (_chart_styles.html).
    width, height, shown = (
        (300, 200, COMPACT_MIN_DISPLAY)
        if compact
        else (conventions.NARROW, 290, conventions.NARROW_MIN_DISPLAY)
        if narrow
        else (conventions.WIDE, 340, conventions.WIDE_MIN_DISPLAY)
    )
    size = conventions.font_for(width, shown)
    label_size = size
    # The wide right margin holds the baseline's label, clear of the data.
    left, right, top, bottom = (
        (60, 14, 12, 32) if compact else (56, 20, 28, 40) if narrow else (72, 96, 28, 42)
    )
    times = chart.times()
    if t_range is None:
        t0, t1 = (min(times), max(times)) if times else (0.0, 1.0)
        if math.isclose(t0, t1):
            t0, t1 = t0 - 0.5, t1 + 0.5
        pad = (t1 - t0) * 0.03
        t_range = (t0 - pad, t1 + pad)
    y0, y1, step = y_range or nice_range(chart.values())
    tick_values = []
    tick = y0
    while tick <= y1 + step / 1000:
        tick_values.append(tick)
        tick += step
    # Room on the left for the longest tick label.
    widest = max((conventions.text_width(formatter(v), size) for v in tick_values), default=0)
    left = max(left, math.ceil(widest) + 10)
    frame = _Frame(width, height, left, right, top, bottom, t_range[0], t_range[1], y0, y1)
    css = "measure-chart measure-chart--narrow" if narrow else "measure-chart"
    parts = [_svg_open(width, height, chart_id, title, description, css, shown)]
    # The grid, the y axis (always on the left: time runs left to right) and the years.
    for tick in tick_values:
        y = frame.y(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{INK_SOFT if math.isclose(tick, y0) else GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, formatter(tick), anchor="end", size=size))
    years = _year_ticks(t_range[0], t_range[1], 3 if compact else 4 if narrow else 9)
    for year in years:
        x = frame.x(year)
        parts.append(
            f'<line x1="{x:.1f}" y1="{height - bottom}" x2="{x:.1f}" y2="{height - bottom + 4}" '
            f'stroke="{INK_SOFT}" stroke-width="1"/>'
        )
        parts.append(
            _text(x, height - bottom + 4 + size, str(year), anchor="middle", size=size, width=width)
        )
    labels: list[str] = []  # drawn last, over the data, each with a halo
    # Series breaks: a vertical mark where the definition changed.
    for time, segment in break_times(chart.points):
        x = frame.x(time)
        parts.append(
            f'<g class="series-break" data-time="{time:.4f}"><line x1="{x:.1f}" y1="{top}" '
            f'x2="{x:.1f}" y2="{height - bottom}" stroke="{BREAK}" stroke-width="1.5" '
            f'stroke-dasharray="2 3"/>'
        )
        if not compact:
            label = chart.break_labels.get(segment) or _("New definition (v%(number)s)") % {
                "number": segment
            }
            parts.append(_text(x + 4, top - 8, label, size=label_size, fill=BREAK, width=width))
        parts.append("</g>")
    # The baseline: only over the definition version it belongs to (a value under another
    # definition is not comparable with it).
    span = (
        segment_span(chart.points, chart.baseline_segment)
        if chart.baseline_segment is not None
        else (-math.inf, math.inf)
    )
    if chart.baseline is not None and _finite(chart.baseline) and span is not None:
        y = frame.y(chart.baseline)
        x_from = max(left, frame.x(span[0])) if _finite(span[0]) else left
        x_to = min(width - right, frame.x(span[1])) if _finite(span[1]) else width - right
        parts.append(
            f'<g class="chart-baseline"><line x1="{x_from:.1f}" y1="{y:.1f}" x2="{x_to:.1f}" '
            f'y2="{y:.1f}" stroke="{INK_SOFT}" stroke-width="1.2" stroke-dasharray="6 4"/></g>'
        )
        if not compact:
            if x_to >= width - right - 0.5:  # in the right margin, clear of the data
                label = _("Baseline")
                if x_to + 4 + conventions.text_width(label, label_size) <= width - 2:
                    labels.append(_text(x_to + 4, y + 4, label, size=label_size, halo=True))
                else:  # too long for the margin: over the line's end, inside the plot
                    labels.append(
                        _text(x_to - 2, y - 6, label, anchor="end", size=label_size, halo=True)
                    )
            else:
                labels.append(
                    _text(
                        x_to - 2,
                        y - 6,
                        _("Baseline"),
                        anchor="end",
                        size=label_size,
                        halo=True,
                        width=width,
                    )
                )
    # The forecast cone: the trend's 95% prediction interval out to the target year.
    if len(chart.cone) >= 2:
        upper = [f"{frame.x(c.time):.1f},{frame.y(c.high):.1f}" for c in chart.cone]
        lower = [f"{frame.x(c.time):.1f},{frame.y(c.low):.1f}" for c in reversed(chart.cone)]
        centre = " ".join(f"{frame.x(c.time):.1f},{frame.y(c.value):.1f}" for c in chart.cone)
        parts.append(
            f'<g class="forecast-cone"><polygon points="{" ".join(upper + lower)}" '
            f'fill="{CONE}" fill-opacity="0.13" stroke="{CONE}" stroke-opacity="0.35"/>'
            f'<polyline points="{centre}" fill="none" stroke="{CONE}" stroke-width="1.5" '
            f'stroke-dasharray="1 3"/></g>'
        )
    # The judgement line, dashed and labelled: people's "if nothing changes", not data.
    last = next((p for p in reversed(chart.points) if p.value is not None), None)
    if chart.judgement is not None and last is not None:
        x1, y1_ = frame.x(last.time), frame.y(last.value)  # type: ignore[arg-type]
        x2, y2 = frame.x(chart.judgement[0]), frame.y(chart.judgement[1])
        parts.append(
            f'<g class="judgement-line"><line x1="{x1:.1f}" y1="{y1_:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke="{JUDGEMENT}" stroke-width="2" stroke-dasharray="8 5"/>'
        )
        parts.append("</g>")
        if not compact:
            labels.append(
                _text(
                    x2 - 4,
                    y2 - 8,
                    _("judgement"),
                    anchor="end",
                    size=label_size,
                    halo=True,
                    width=width,
                )
            )
    # The values: a line per stretch (never across a break), interval bars, markers.
    for stretch in runs(chart.points):
        coordinates = " ".join(f"{frame.x(p.time):.1f},{frame.y(p.value):.1f}" for p in stretch)  # type: ignore[arg-type]
        if len(stretch) > 1:
            parts.append(
                f'<polyline class="series-line" data-segment="{stretch[0].segment}" '
                f'data-from="{stretch[0].time:.4f}" data-to="{stretch[-1].time:.4f}" '
                f'points="{coordinates}" fill="none" stroke="{SERIES}" '
                f'stroke-width="{2 if compact else 2.5}" stroke-linejoin="round"/>'
            )
    for point in chart.points:
        x = frame.x(point.time)
        if point.hidden:
            parts.append(
                f'<g class="hidden-value"><rect x="{x - 3:.1f}" y="{height - bottom - 7}" '
                f'width="6" height="6" fill="#ffffff" stroke="{INK_SOFT}" stroke-width="1.2"/>'
            )
            if not compact:
                parts.append(
                    _text(
                        x,
                        height - bottom - 11,
                        point.marker or "—",
                        anchor="middle",
                        size=size,
                        width=width,
                    )
                )
            parts.append("</g>")
            continue
        if point.value is None or not _finite(point.value):
            continue
        y = frame.y(point.value)
        if _finite(point.low) and _finite(point.high):
            y_low, y_high = frame.y(point.low), frame.y(point.high)  # type: ignore[arg-type]
            parts.append(
                f'<path class="interval-bar" d="M{x:.1f},{y_low:.1f}V{y_high:.1f}'
                f'M{x - 3:.1f},{y_low:.1f}h6M{x - 3:.1f},{y_high:.1f}h6" '
                f'stroke="{SERIES}" stroke-opacity="0.6" stroke-width="1.2" fill="none"/>'
            )
        fill = "#ffffff" if point.hollow else SERIES
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 if compact else 4}" fill="{fill}" '
            f'stroke="{SERIES}" stroke-width="1.5"/>'
        )
    # The target: a diamond at the end of the target year.
    if chart.target is not None:
        x, y = frame.x(chart.target[0]), frame.y(chart.target[1])
        s = 5 if compact else 7
        parts.append(
            f'<g class="chart-target"><polygon points="{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} '
            f'{x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}" fill="{TARGET}" stroke="#ffffff"/>'
        )
        parts.append("</g>")
        if not compact and chart.target_label:
            # Above the diamond and above the forecast band's top there, clear of both.
            tops = [y - s]
            if chart.cone:
                tops.append(frame.y(chart.cone[-1].high))
            label_y = max(top + 10, min(tops) - 6)
            labels.append(
                _text(
                    x,
                    label_y,
                    chart.target_label,
                    anchor="end",
                    size=label_size,
                    fill=TARGET,
                    halo=True,
                    width=width,
                )
            )
    parts.extend(labels)
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- sparklines


def sparkline_svg(
    points: Sequence[tuple[float, float | None, int]], *, chart_id: str, title: str
) -> str:
    """A small line of the series for a scorecard row, from (time, value or None, segment)
    triples: no axes, the latest value dotted, breaks respected. `title` is its text
    alternative (the row's cells say the rest). Plain arithmetic: a scorecard draws hundreds."""
    width, height, pad = 120, 32, 4
    values = [value for _time, value, _segment in points if value is not None]
    if not values:
        return ""
    t0, t1 = points[0][0], points[-1][0]
    low, high = min(values), max(values)
    if high - low < 1e-12:
        low, high = low - 1, high + 1
    x_scale = (width - 2 * pad) / ((t1 - t0) or 1.0)
    y_scale = (height - 2 * pad) / (high - low)
    parts = [
        f'<svg class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title" '
        f'direction="ltr" xmlns="http://www.w3.org/2000/svg" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    ]
    stretch: list[str] = []
    segment_of_stretch = previous_segment = None
    last = ""

    def close() -> None:
        if len(stretch) > 1:
            parts.append(
                f'<polyline class="series-line" data-segment="{segment_of_stretch}" '
                f'points="{" ".join(stretch)}" fill="none" stroke="{SERIES}" '
                f'stroke-width="1.6"/>'
            )
        stretch.clear()

    previous_time = t0
    for time, value, segment in points:
        if previous_segment is not None and segment != previous_segment:
            close()
            x = pad + ((time + previous_time) / 2 - t0) * x_scale
            parts.append(
                f'<line class="series-break" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" '
                f'stroke="{BREAK}" stroke-width="1" stroke-dasharray="2 2"/>'
            )
        previous_segment, previous_time = segment, time
        if value is None:
            close()
            continue
        if not stretch:
            segment_of_stretch = segment
        last = f"{pad + (time - t0) * x_scale:.1f},{height - pad - (value - low) * y_scale:.1f}"
        stretch.append(last)
    close()
    dot_x, dot_y = last.split(",")
    parts.append(f'<circle cx="{dot_x}" cy="{dot_y}" r="2.6" fill="{SERIES}"/></svg>')
    return "".join(parts)
