"""The sections of an initiative's page (meetings, workshops, the stakeholder map, …), which
the feature apps register from their AppConfig.ready(), so the initiative's page lists what is
installed without the initiatives app knowing the features. A new feature adds one line."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    url_name: str  # reversed with the initiative's id
    label: Any  # a lazy translation
    order: int  # smaller first; the first is the page's main action
    primary: bool = False


_sections: dict[str, Section] = {}


def section_register(section: Section) -> None:
    _sections[section.url_name] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.order)
