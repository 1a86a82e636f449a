"""What every chart in Meshutaf keeps to, in one place. Charts are SVG drawn on the server (so
they print and go into PDFs), each beside a table with the same numbers.

Sizes. An SVG with a viewBox is scaled to the width it is shown at, and its text with it: a
12 px label in a 720-wide chart shown 360 px wide is 6 px on the screen. So every chart says
the narrowest width (CSS px) it is ever shown at — `data-min-display` on the <svg>, kept true
by static/css/charts.css — and its type is sized for that width: `font_for(width, shown)`.
A chart too wide for a phone comes in two drawings, wide and narrow (`chart_pair`); the page
shows one (CSS: the narrow one below BREAKPOINT and never on paper).

Colours. Okabe–Ito (told apart with the common colour-vision deficiencies), the yellow
darkened so every colour has 3:1 contrast on white; shape or dash says what colour says.

Direction. Numbers and time run left to right in every language (as printed statistics do in
Hebrew and Arabic), so a time chart's SVG says direction="ltr" and its y axis is on the left;
category lists (legends, tables) follow the page's direction in HTML beside the picture.
Words inside an SVG are kept few and short (WeasyPrint lays SVG text out left to right
without shaping, so a PDF-bound chart keeps its words in HTML)."""

from __future__ import annotations

import math

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

MIN_FONT = 12  # px, as displayed
WIDE = 720  # the wide drawing's width (viewBox units)
NARROW = 360  # the narrow drawing's width, for phones
# The narrowest each drawing is shown at (CSS px). Wide: the content column just above the
# phone breakpoint, or an A4 page's column in a PDF. Narrow: a 360 px phone's column.
WIDE_MIN_DISPLAY = 620
NARROW_MIN_DISPLAY = 320
BREAKPOINT = "43.75rem"  # below it the narrow drawing is shown (charts.css)
CHARACTER_EM = 0.6  # a label's average character width, in ems (a generous estimate)

INK = "#1b2430"
INK_SOFT = "#4a5563"
GRID = "#e3e6ea"
PAGE = "#ffffff"
# Okabe–Ito, yellow darkened (#8A6D00): every colour ≥ 3:1 on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#000000", "#56606B"]


def font_for(width: float, shown: float, *, at_least: float = MIN_FONT) -> int:
    """The font size (viewBox units) that is at least `at_least` px when a drawing `width`
    wide is shown `shown` px wide."""
    return math.ceil(at_least * width / shown - 1e-9)


def text_width(text: str, size: float) -> float:
    """An estimate of a label's width (viewBox units): characters × 0.6 em."""
    return len(text) * size * CHARACTER_EM


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def svg_open(
    *,
    width: int,
    height: int,
    shown: int,
    chart_id: str,
    title: str,
    description: str,
    css: str = "",
    background: str = PAGE,
    title_id: str = "",
) -> str:
    """The opening of a chart: an image with a title and a description, the narrowest width
    it is shown at, and its background. The title's id is `title_id` or "<chart_id>-title";
    the description's, the title's id with "-desc"."""
    title_id = title_id or f"{chart_id}-title"
    desc_id = f"{title_id}-desc" if title_id != f"{chart_id}-title" else f"{chart_id}-desc"
    return (
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" direction="ltr" '
        f'data-min-display="{shown}" xmlns="http://www.w3.org/2000/svg" id="{chart_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
        f'<rect width="{width}" height="{height}" fill="{background}"/>'
    )


def chart_pair(wide: str, narrow: str) -> SafeString:
    """Two drawings of one chart; the page shows one (charts.css). The narrow one is hidden
    from assistive technology when the wide one is shown, and the reverse, by `display`."""
    if not wide:
        return mark_safe("")
    return format_html(
        '<div class="chart-pair"><div class="chart-pair__wide">{}</div>'
        '<div class="chart-pair__narrow">{}</div></div>',
        mark_safe(wide),  # noqa: S308 - drawn by our own chart code, every text escaped
        mark_safe(narrow),  # noqa: S308
    )


def fit_x(x: float, text: str, size: float, anchor: str, width: float, *, pad: float = 2) -> float:
    """`x` moved, if need be, so that a label anchored there stays inside 0…`width`."""
    span = text_width(text, size)
    start = {"start": x, "middle": x - span / 2, "end": x - span}[anchor]
    shift = max(0.0, pad - start) - max(0.0, start + span - (width - pad))
    return x + shift
