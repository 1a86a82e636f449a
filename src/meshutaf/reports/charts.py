"""Geometry of the report's stacked bar chart (periods × sectors). Plain numbers in,
coordinates out; the templates draw the SVG, so the chart prints and goes into the PDF.

Words never go inside the SVG: WeasyPrint draws SVG text one character at a time, left to
right, with no bidi reordering and no Arabic joining (Kozea/WeasyPrint#2909), so a Hebrew
period label came out backwards in the PDF. The period labels are an HTML row under the
picture instead, one cell per bar, which browsers and WeasyPrint both lay out as text; only
the count axis (digits, left to right in every language) is drawn in the SVG."""

from __future__ import annotations

import math

from meshutaf.core import charts as conventions

# Every colour has a contrast of at least 3:1 against the white page (WCAG 1.4.11, graphics);
# the white gap between stacked segments separates neighbours whatever their colours.
SECTOR_COLOURS = {
    "government": "#1f5f8b",
    "local_authority": "#2a8c82",
    "civil_society": "#c2410c",
    "business": "#6b4fbb",
    "philanthropy": "#b8860b",
    "academia": "#2f6f3e",
    "community": "#c0396b",
    "media": "#55606e",
    "other": "#747d89",
    "": "#3a3a3a",
}
FALLBACK_COLOUR = "#3a3a3a"

WIDTH = conventions.WIDE
NARROW_WIDTH = conventions.NARROW
HEIGHT = 284  # a plot 260 high, as before the labels left the picture
MARGIN_TOP = 16
MARGIN_BOTTOM = 8  # the period labels are HTML below the picture
MARGIN_AXIS = 52  # on the inline-start side, for the count labels
MARGIN_END = 12
LABEL_PADDING = 8


def _nice_step(largest: int, steps: int = 4) -> int:
    raw = max(largest / steps, 1)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return int(multiple * power)
    return int(10 * power)  # pragma: no cover


def stacked_bars(
    *,
    labels: list[str],
    series: list[tuple[str, str]],
    values: list[list[int]],
    rtl: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
    shown: int | None = None,
) -> dict:
    """Bars for `labels` (one per period, in time order), each stacked from `series`
    ((key, label) pairs, bottom first) with `values[period][series]` counts.

    Time runs in the reading direction: left to right, or right to left when `rtl`, with the
    count axis on the inline-start side. Labels are thinned when they would collide, and a
    label that would run past either edge of the chart is left out rather than cut.

    `label_margins` are the label row's inline-start and inline-end padding, in percent of
    the chart's width, so its cells (one per bar, of equal width) sit under the bars.

    `shown` is the narrowest width (CSS px) the drawing is shown at: the count labels, and
    the period labels under the picture (`label_font` in percent of the chart's width, for
    `cqi`), are sized to be at least 12 px there (core/charts.py)."""
    if shown is None:
        shown = (
            conventions.WIDE_MIN_DISPLAY if width > NARROW_WIDTH else conventions.NARROW_MIN_DISPLAY
        )
    font = conventions.font_for(width, shown)
    if len(values) != len(labels) or any(len(row) != len(series) for row in values):
        raise ValueError("values must have one row per label and one column per series")
    totals = [sum(row) for row in values]
    largest = max(totals, default=0)
    step = _nice_step(largest)
    top = max(step * math.ceil(largest / step), step)
    plot_top = MARGIN_TOP
    baseline = height - MARGIN_BOTTOM
    plot_height = baseline - plot_top
    plot_width = width - MARGIN_AXIS - MARGIN_END
    axis_x = width - MARGIN_AXIS if rtl else MARGIN_AXIS

    def mirrored(x: float, span: float = 0) -> float:
        """x measured from the inline start, turned into an SVG x."""
        return round(width - x - span, 1) if rtl else round(x, 1)

    count = len(labels)
    slot = plot_width / count if count else plot_width
    bar_width = round(min(slot * 0.7, 56), 1)
    widest = max((conventions.text_width(label, font) for label in labels), default=0)
    widest += LABEL_PADDING
    label_every = max(1, math.ceil(widest / slot)) if count else 1

    bars = []
    for index, (label, row, total) in enumerate(zip(labels, values, totals, strict=True)):
        start = MARGIN_AXIS + index * slot + (slot - bar_width) / 2
        x = mirrored(start, bar_width)
        bottom = float(baseline)
        segments = []
        for (key, series_label), value in zip(series, row, strict=True):
            if not value:
                continue
            segment_height = plot_height * value / top
            bottom -= segment_height
            segments.append(
                {
                    "key": key,
                    "label": series_label,
                    "value": value,
                    "colour": SECTOR_COLOURS.get(key, FALLBACK_COLOUR),
                    "x": x,
                    "y": round(bottom, 1),
                    "width": bar_width,
                    "height": round(segment_height, 1),
                }
            )
        centre = MARGIN_AXIS + (index + 0.5) * slot  # from the inline start
        half_label = (conventions.text_width(label, font) + LABEL_PADDING) / 2
        bars.append(
            {
                "label": label,
                "total": total,
                "segments": segments,
                "label_x": mirrored(centre),
                "show_label": index % label_every == 0
                and centre - half_label >= 0
                and centre + half_label <= width,
            }
        )

    ticks = [
        {
            "value": value,
            "y": round(baseline - plot_height * value / top, 1),
            "label_x": axis_x + 8 if rtl else axis_x - 8,
            # Tick labels are drawn with direction="ltr", so "end" means their right edge.
            "anchor": "start" if rtl else "end",
        }
        for value in range(0, top + 1, step)
    ]
    return {
        "width": width,
        "height": height,
        "shown": shown,
        "font": font,
        "label_font": round(100 * font / width, 3),
        "baseline": baseline,
        "plot_top": plot_top,
        "axis_x": axis_x,
        "grid_x1": MARGIN_END if rtl else MARGIN_AXIS,
        "grid_x2": width - MARGIN_AXIS if rtl else width - MARGIN_END,
        "top": top,
        "label_margins": (
            round(100 * MARGIN_AXIS / width, 3),
            round(100 * MARGIN_END / width, 3),
        ),
        "ticks": ticks,
        "bars": bars,
        "legend": [
            {"key": key, "label": label, "colour": SECTOR_COLOURS.get(key, FALLBACK_COLOUR)}
            for key, label in series
        ],
    }
