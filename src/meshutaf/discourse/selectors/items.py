"""Reads about a corpus's items: what an import would add, and the items page's choices and
filtered listing. Callers have passed the gate in `permissions.py`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from ..importing import PreparedRow
from ..models import Corpus, Item

# Content hashes per IN clause: SQLite accepts at most 999 parameters in one.
HASH_CHUNK = 900


def existing_hashes(*, corpus: Corpus, hashes: Iterable[str]) -> set[str]:
    """Which of the content hashes the corpus already has an item for."""
    hashes = list(hashes)
    found: set[str] = set()
    for start in range(0, len(hashes), HASH_CHUNK):
        found.update(
            Item.objects.filter(
                corpus=corpus, content_hash__in=hashes[start : start + HASH_CHUNK]
            ).values_list("content_hash", flat=True)
        )
    return found


@dataclass(frozen=True)
class ImportPreview:
    """What applying the prepared rows would do: the valid and invalid rows, how many valid
    rows are new, already in the corpus or repeated within the file, and the communities the
    import would add."""

    valid: list[PreparedRow]
    invalid: list[PreparedRow]
    new_count: int
    existing_count: int
    repeated_count: int
    new_communities: list[str]


def import_preview(*, corpus: Corpus, rows: list[PreparedRow]) -> ImportPreview:
    valid = [row for row in rows if not row.errors]
    invalid = [row for row in rows if row.errors]
    hashes = list(dict.fromkeys(row.content_hash for row in valid))
    existing = existing_hashes(corpus=corpus, hashes=hashes)
    known = {name.casefold() for name in corpus.communities.values_list("name", flat=True)}
    new_communities: dict[str, str] = {}
    for row in valid:
        name = row.values.get("community_name", "")
        if name and name.casefold() not in known:
            new_communities.setdefault(name.casefold(), name)
    return ImportPreview(
        valid=valid,
        invalid=invalid,
        new_count=len(hashes) - len(existing),
        existing_count=len(existing),
        repeated_count=len(valid) - len(hashes),
        new_communities=sorted(new_communities.values()),
    )


def item_platforms(*, corpus: Corpus) -> list[str]:
    return list(
        corpus.items.exclude(platform="")
        .order_by("platform")
        .values_list("platform", flat=True)
        .distinct()
    )


def community_choices(*, corpus: Corpus) -> list[tuple[int, str]]:
    return list(corpus.communities.values_list("pk", "name"))


def items_filtered(
    *,
    corpus: Corpus,
    text: str = "",
    language: str = "",
    platform: str = "",
    community_id: int | None = None,
) -> QuerySet[Item]:
    """The corpus's items in import order: those containing `text`, in `language` ("unknown"
    for those without one), on `platform` and in the community, each where given."""
    items = corpus.items.select_related("community").order_by("id")
    if text:
        items = items.filter(text__icontains=text)
    if language == "unknown":
        items = items.filter(language="")
    elif language:
        items = items.filter(language=language)
    if platform:
        items = items.filter(platform=platform)
    if community_id:
        items = items.filter(community_id=community_id)
    return items
