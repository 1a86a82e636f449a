"""The initiative's navigation bar and breadcrumbs, shown on every page that has an
`initiative` in its context which the viewer belongs to. The current section comes from the
page's URL name (`request.resolver_match`), never from per-template flags."""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext

from meshutaf.core.access import Role, role_allows
from meshutaf.initiatives import sections
from meshutaf.initiatives.models import Initiative
from meshutaf.initiatives.permissions import initiative_role_for_display

register = template.Library()

_CACHE_ATTRIBUTE = "_initiative_navigation"


@dataclass(frozen=True)
class Entry:
    label: Any
    href: str
    current: str = ""  # "page" on the section's own page, "true" on a page inside it


@dataclass(frozen=True)
class Navigation:
    initiative: Initiative
    entries: list[Entry] = field(default_factory=list)
    current: Entry | None = None


def navigation_for(context: template.Context) -> Navigation | None:
    """The bar for this page, or None where there is no initiative the viewer is a member of.
    One query (the viewer's role) per request and initiative, whatever the number of sections."""
    initiative = context.get("initiative")
    request = context.get("request")
    if not isinstance(initiative, Initiative) or initiative.pk is None or request is None:
        return None
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None and cached[0] == initiative.pk:
        return cached[1]
    user = getattr(request, "user", None)
    given = context.get("viewer_role")
    if "viewer_role" in context and (given is None or given in Role.values):
        # The view's gate already answered with the viewer's role in this initiative (None for
        # someone who came by a participant's link): no need to ask again.
        role = given
    else:
        role = initiative_role_for_display(user=user, initiative_id=initiative.pk)
        if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
            role = Role.FACILITATOR
    navigation = None
    if role is not None:
        navigation = _build(initiative, role, request)
    setattr(request, _CACHE_ATTRIBUTE, (initiative.pk, navigation))
    return navigation


def _build(initiative: Initiative, role: str, request: Any) -> Navigation:
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    current_section = sections.section_current(view_name)
    entries, current = [], None
    for section in sections.sections():
        if not role_allows(role, section.action):
            continue
        state = ""
        if section == current_section:
            state = "page" if view_name == section.url_name else "true"
        entry = Entry(section.label, section.href(initiative.pk), state)
        entries.append(entry)
        if state:
            current = entry
    return Navigation(initiative=initiative, entries=entries, current=current)


@register.inclusion_tag("includes/initiative_nav_bar.html", takes_context=True)
def initiative_nav(context: template.Context) -> dict[str, Any]:
    return {"navigation": navigation_for(context)}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def initiative_breadcrumbs(context: template.Context, *trail: Any) -> dict[str, Any]:
    """Initiatives › the initiative › its current section › `trail` (label, link, label, link,
    …, and a last label for this page, each skipped when empty); the last is the current page.

    `{% initiative_breadcrumbs meeting.title meeting_url here %}`"""
    crumbs: list[tuple[Any, str]] = [(gettext("Initiatives"), reverse("initiatives:list"))]
    initiative = context.get("initiative")
    if isinstance(initiative, Initiative) and initiative.pk is not None:
        crumbs.append((initiative.name, reverse("initiatives:detail", args=[initiative.pk])))
        navigation = navigation_for(context)
        section = navigation.current if navigation else None
        if section is not None and section.href != crumbs[-1][1]:
            crumbs.append((section.label, section.href))
    items = list(trail)
    if len(items) % 2:
        items.append("")
    for label, href in zip(items[::2], items[1::2], strict=True):
        if label:
            crumbs.append((label, href or ""))
    # A page may name itself as its section does (a module's own page): say it once.
    if len(crumbs) >= 2 and str(crumbs[-1][0]) == str(crumbs[-2][0]):
        crumbs.pop()
    return {"crumbs": crumbs[:-1], "here": crumbs[-1][0]}
