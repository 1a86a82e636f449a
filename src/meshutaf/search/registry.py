"""What feature apps tell the search app: the kinds they index and how to build entries.

Each app calls these from its AppConfig.ready(), in INSTALLED_APPS order, which is also the
order of the kinds in the search page's filter.

- A *kind* is a short code stored in `SearchEntry.kind` with a label for people.
- A *builder* turns one object (of a model named "app_label.ModelName") into the entries that
  stand for it, together with the ids it covers per kind, so re-indexing replaces exactly
  those. Several apps may register builders for one model: a meeting's entries come from the
  meetings app and its documents' from the documents app, which keeps the meeting's draft
  status in step with its documents' without either app importing the other.
- A *rebuilder* yields every entry an app owns, for `indexing.reindex_all`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import SearchEntry

Covered = dict[str, list[int]]
Builder = Callable[[Any], tuple[Covered, list["SearchEntry"]]]
Rebuilder = Callable[[], Iterable["SearchEntry"]]


@dataclass
class _Registry:
    kinds: dict[str, "str | Promise"] = field(default_factory=dict)
    builders: dict[str, list[Builder]] = field(default_factory=dict)
    rebuilders: list[Rebuilder] = field(default_factory=list)


_registry = _Registry()


def kind_register(code: str, label: "str | Promise") -> None:
    if len(code) > 16:
        raise ValueError(f"search kind {code!r} is longer than 16 characters")
    _registry.kinds[code] = label


def builder_register(model_label: str, builder: Builder) -> None:
    builders = _registry.builders.setdefault(model_label.lower(), [])
    if builder not in builders:
        builders.append(builder)


def rebuilder_register(rebuilder: Rebuilder) -> None:
    if rebuilder not in _registry.rebuilders:
        _registry.rebuilders.append(rebuilder)


def kinds() -> list[tuple[str, "str | Promise"]]:
    """(code, label) of every registered kind, in registration order."""
    return list(_registry.kinds.items())


def builders_for(model_label: str) -> list[Builder]:
    return list(_registry.builders.get(model_label.lower(), ()))


def rebuilders() -> list[Rebuilder]:
    return list(_registry.rebuilders)
