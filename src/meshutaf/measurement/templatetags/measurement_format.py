"""Numbers on the measurement pages, kept left to right inside right-to-left text.

`{{ value|ltr }}` wraps a number, an interval, a change, a period or a marker ("<10", "+40",
"2025-Q4") in `<bdi dir="ltr" class="num">`, so that Hebrew and Arabic pages print "<10" and
not "10>", and a period does not break at its hyphen. `{{ number|measure:indicator }}` formats a
stored value as the scorecard does (a proportion as a percentage, the indicator's decimals)
and wraps it the same way.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from meshutaf.measurement import charts

register = template.Library()


def ltr_html(value: object) -> SafeString:
    """`value` escaped and isolated left to right; "" stays empty."""
    if value is None or value == "":
        return mark_safe("")
    return format_html('<bdi dir="ltr" class="num">{}</bdi>', value)


def sentence(text: str, values: dict[str, object]) -> SafeString:
    """A translated sentence with %(name)s placeholders, escaped, each value isolated left to
    right: the numbers inside words read the same in every language."""
    return mark_safe(escape(text) % {key: ltr_html(value) for key, value in values.items()})  # noqa: S308 - escaped above


@register.filter(name="ltr")
def ltr(value: object) -> SafeString:
    return ltr_html(value)


@register.filter(name="measure")
def measure(value: object, indicator) -> SafeString:
    """A stored value formatted for `indicator` (its kind and decimals), isolated."""
    if value is None or value == "":
        return ltr_html("—")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ltr_html(value)
    return ltr_html(charts.format_number(number, kind=indicator.kind, decimals=indicator.decimals))
