"""The sections of an initiative (its overview, meetings, workshops, the stakeholder map, …),
which the apps register from their AppConfig.ready(), so the initiative's navigation bar lists
what is installed without the initiatives app knowing the features. A new feature adds one line.

`section_current` tells which section a page belongs to, from the page's URL name alone."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from meshutaf.core.access import Action


@dataclass(frozen=True)
class Section:
    url_name: str  # "namespace:name", reversed with the initiative's id
    label: Any  # a lazy translation
    order: int  # smaller first
    primary: bool = False
    # Where a namespace holds several sections (meetings and action items; documents and
    # insights), the URL names (prefixes, without the namespace) of the pages that belong to
    # this one. The namespace's pages that no section claims belong to its first section.
    subpages: tuple[str, ...] = ()
    # What the viewer's role must allow for the entry to be shown (the pages check it again).
    action: Action = Action.VIEW
    # A page that is not under the initiative's URL, scoped to it by `?initiative=<id>`.
    by_query: bool = False

    @property
    def namespace(self) -> str:
        return self.url_name.partition(":")[0]

    def href(self, initiative_id: int) -> str:
        if self.by_query:
            return f"{reverse(self.url_name)}?initiative={initiative_id}"
        return reverse(self.url_name, args=[initiative_id])


_sections: dict[str, Section] = {}


def section_register(section: Section) -> None:
    _sections[section.url_name] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.order)


def section_current(view_name: str) -> Section | None:
    """The section a page named `view_name` ("meetings:detail") belongs to, or None."""
    namespace, _sep, name = view_name.partition(":")
    if not name:
        return None
    candidates = [section for section in sections() if section.namespace == namespace]
    for section in candidates:
        if section.url_name == view_name:
            return section
    for section in candidates:
        if any(name.startswith(prefix) for prefix in section.subpages):
            return section
    return candidates[0] if candidates else None
