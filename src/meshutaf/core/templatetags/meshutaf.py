"""Template helpers: dates with the Hebrew calendar beside them, time zones, arrows between
states, query strings."""

import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from pyluach import dates as hebrew_dates

from meshutaf.core import text, time_zones

register = template.Library()


@register.filter
def hebrew_date(value: datetime.date | None) -> str:
    """The Hebrew-calendar date in Hebrew letters, e.g. "ט״ו בשבט תשפ״ז"."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return hebrew_dates.HebrewDate.from_pydate(value).hebrew_date_string()


@register.simple_tag
def dual_date(value: datetime.date | None) -> str:
    """A Gregorian date in the reader's format; in Hebrew, the Hebrew date beside it."""
    if not value:
        return ""
    gregorian = formats.date_format(value, "DATE_FORMAT")
    iso = value.isoformat()
    if (get_language() or "")[:2] == "he":
        return format_html(
            '<time datetime="{}">{}</time> <span class="hebrew-date">({})</span>',
            iso,
            gregorian,
            hebrew_date(value),
        )
    return format_html('<time datetime="{}">{}</time>', iso, gregorian)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def markdown(value: str):
    """Render Markdown, sanitised (see core/markdown.py)."""
    from meshutaf.core.markdown import render_markdown

    return render_markdown(value or "")


# {{ zone|time_zone_name }}: an IANA id as the reader calls it ("United Kingdom Time").
register.filter("time_zone_name", time_zones.time_zone_name)

# {% time_zone_note zone as note %}: that name when the zone is not the reader's own (their
# account's, else the site's); empty when it is, so times in the reader's zone stay bare.
register.simple_tag(time_zones.time_zone_note, name="time_zone_note")

# {% forward_arrow %}: the arrow between two states ("neutral → supportive"), pointing the way
# the page reads.
register.simple_tag(text.forward_arrow, name="forward_arrow")
