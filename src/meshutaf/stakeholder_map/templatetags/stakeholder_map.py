"""Template helpers for the stakeholder map: labels for stored codes, chart arithmetic."""

from django import template

from meshutaf.directory.models import Sector
from meshutaf.stakeholder_map.models import Quadrant

register = template.Library()


@register.simple_tag
def sector_label(code: str | None) -> str:
    return dict(Sector.choices).get(code, code or "")


@register.simple_tag
def quadrant_label(code: str | None) -> str:
    return dict(Quadrant.choices).get(code, code or "")


@register.filter
def halve(value) -> float:
    return float(value) / 2
