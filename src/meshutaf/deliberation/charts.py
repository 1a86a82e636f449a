"""The opinion map as an SVG drawn on the server: one mark per participant, a shape and a
colour per group (so the groups differ without colour too), and a ring around "you".

Very large conversations are thinned to MAX_POINTS marks (every n-th, so the picture keeps its
shape); the group cards and counts beside the map always use everyone."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from meshutaf.core import charts as conventions

from .labels import group_label
from .results import OpinionMap

MAX_POINTS = 1500
WIDTH, HEIGHT, PAD = 640, 420, 28
# The phone's drawing (core/charts.py): the wide one is shown only on wider screens.
NARROW_WIDTH, NARROW_HEIGHT = conventions.NARROW, 300
# Okabe–Ito colours: told apart by people with colour-vision deficiencies.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00"]
UNGROUPED = "#8a8f98"


def _mark(shape: int, x: float, y: float, size: float, colour: str) -> str:
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'
    if shape == 1:
        s = size * 0.9
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f'fill="{colour}"/>'
        )
    if shape == 2:
        s = size * 1.2
        return (
            f'<polygon points="{x:.1f},{y - s:.1f} {x + s:.1f},{y + s * 0.8:.1f} '
            f'{x - s:.1f},{y + s * 0.8:.1f}" fill="{colour}"/>'
        )
    if shape == 3:
        s = size * 1.2
        return (
            f'<polygon points="{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} '
            f'{x - s:.1f},{y:.1f}" fill="{colour}"/>'
        )
    s = size
    return (
        f'<path d="M{x - s:.1f},{y - s:.1f}L{x + s:.1f},{y + s:.1f}M{x + s:.1f},{y - s:.1f}'
        f'L{x - s:.1f},{y + s:.1f}" stroke="{colour}" stroke-width="2.5"/>'
    )


def opinion_map_svg(
    result: OpinionMap | None,
    *,
    me: int | None = None,
    title_id: str = "map-title",
    narrow: bool = False,
) -> str:
    """`result` is the conversation's stored map; `me` the viewing participant's id, if any;
    `narrow` draws it for a phone's width."""
    if result is None or not result.positions:
        return ""
    width, height, shown = (
        (NARROW_WIDTH, NARROW_HEIGHT, conventions.NARROW_MIN_DISPLAY)
        if narrow
        else (WIDTH, HEIGHT, conventions.WIDE_MIN_DISPLAY)
    )
    font = max(14, conventions.font_for(width, shown))
    items = sorted(result.positions.items())
    step = max(1, len(items) // MAX_POINTS)
    shown_items = items[::step]
    mine = result.position_of(me)
    xs = [p.x for _, p in items]
    ys = [p.y for _, p in items]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    min_x, min_y = min(xs), min(ys)

    def place(x, y):
        return (
            PAD + (x - min_x) / span_x * (width - 2 * PAD),
            PAD + (y - min_y) / span_y * (height - 2 * PAD),
        )

    groups = result.groups
    size = 4.5 if len(shown_items) < 300 else 3.0
    marks = []
    for _pid, position in shown_items:
        px, py = place(position.x, position.y)
        if position.group is None:
            marks.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{size * 0.7:.1f}" fill="none" '
                f'stroke="{UNGROUPED}" stroke-width="1.2"/>'
            )
        else:
            shape = position.group % 5
            marks.append(_mark(shape, px, py, size, COLOURS[shape]))
    labels = []
    radius = font - 1
    for group in groups:
        cx, cy = place(*group.center)
        letter = escape(group_label(group.id))
        labels.append(
            f'<g class="opinion-map__label"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" '
            f'fill="#fff" stroke="{COLOURS[group.id % 5]}" stroke-width="3"/>'
            f'<text x="{cx:.1f}" y="{cy + font / 3:.1f}" text-anchor="middle" '
            f'font-size="{font + 1}" font-weight="700" fill="#1b2430">{letter}</text></g>'
        )
    you = ""
    if mine is not None:
        px, py = place(mine.x, mine.y)
        word = _("You")
        # Beside the ring, on whichever side has room, and never above the frame.
        label_x = conventions.fit_x(px + 15, word, font, "start", width)
        if label_x < px + 15:
            label_x = conventions.fit_x(px - 15, word, font, "end", width)
            anchor = "end"
        else:
            anchor = "start"
        label_y = max(font + 2, py - 12)
        you = (
            f'<g class="opinion-map__you"><circle cx="{px:.1f}" cy="{py:.1f}" r="11" '
            f'fill="none" stroke="#1b2430" stroke-width="3"/>'
            f'<text x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" '
            f'font-size="{font}" font-weight="700" fill="#1b2430" stroke="#ffffff" '
            f'stroke-width="3" paint-order="stroke">{escape(word)}</text></g>'
        )
    description = _(
        "Each mark is a participant; people who voted alike are close together. "
        "%(groups)s opinion groups, marked with letters at their centres."
    ) % {"groups": len(groups)}
    opening = conventions.svg_open(
        width=width,
        height=height,
        shown=shown,
        chart_id=f"{title_id}-chart",
        title_id=title_id,
        title=_("Opinion map"),
        description=description,
        css="opinion-map",
        background="#f7f8fa",
    )
    return (
        f"{opening}"
        f'<g class="opinion-map__points" opacity="0.8">{"".join(marks)}</g>'
        f"{''.join(labels)}{you}</svg>"
    )


def swatch_svg(group_id: int | None) -> SafeString:
    """The legend's sample of a group's marks (decorative: the legend's text names it);
    None for people not placed in a group."""
    if group_id is None:
        mark = f'<circle cx="8" cy="8" r="4" fill="none" stroke="{UNGROUPED}" stroke-width="1.5"/>'
    else:
        shape = group_id % 5
        mark = _mark(shape, 8, 8, 5, COLOURS[shape])
    return mark_safe(  # noqa: S308 - numbers and our own colours only
        f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" '
        f'focusable="false">{mark}</svg>'
    )


def you_swatch_svg() -> SafeString:
    return mark_safe(
        '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">'
        '<circle cx="9" cy="9" r="6.5" fill="none" stroke="#1b2430" stroke-width="2.5"/></svg>'
    )


def group_colour(group_id: int) -> str:
    return COLOURS[group_id % 5]
