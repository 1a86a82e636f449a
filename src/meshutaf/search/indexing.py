"""Keeps the search index in step with what it covers. Services of feature apps call these
small functions inside their own transaction; `reindex_all` rebuilds everything.

The entries themselves are made by the builders that feature apps register (`registry`)."""

from collections.abc import Iterable

from django.db import transaction

from . import analysis, registry
from .models import SearchEntry

MAX_BODY = 200_000  # characters of a document's text that are indexed and kept for snippets


def entry(
    *, initiative_id, kind, object_id, title, body, url, date, facilitators_only=False
) -> SearchEntry:
    """An unsaved entry, its search terms computed."""
    title = (title or "").strip()[:300] or "—"
    body = (body or "")[:MAX_BODY]
    return SearchEntry(
        initiative_id=initiative_id,
        kind=kind,
        object_id=object_id,
        title=title,
        body=body,
        url=url,
        date=date,
        facilitators_only=facilitators_only,
        terms=analysis.index_terms(title, body),
    )


def replace(covered: registry.Covered, entries: list[SearchEntry]) -> None:
    """Delete the entries of the covered (kind, ids), then save `entries` in their place."""
    for kind, ids in covered.items():
        if ids:
            SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
    SearchEntry.objects.bulk_create(entries)


def unindex(kind: str, ids: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()


def entries_for(obj) -> tuple[registry.Covered, list[SearchEntry]]:
    covered: registry.Covered = {}
    entries: list[SearchEntry] = []
    for build in registry.builders_for(obj._meta.label):
        more_covered, more_entries = build(obj)
        for kind, ids in more_covered.items():
            covered.setdefault(kind, []).extend(ids)
        entries.extend(more_entries)
    return covered, entries


def index_object(obj) -> None:
    """(Re)index `obj` with everything every app builds for it."""
    with transaction.atomic():
        covered, entries = entries_for(obj)
        replace(covered, entries)


def unindex_object(obj) -> None:
    """Remove `obj`'s entries and those other apps made for it."""
    with transaction.atomic():
        covered, _entries = entries_for(obj)
        replace(covered, [])


def reindex_all(*, batch: int = 500) -> int:
    """Rebuild the whole index (after an upgrade of the analysis, say). Returns the count."""
    count = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for rebuild in registry.rebuilders():
            pending: list[SearchEntry] = []
            for item in rebuild():
                pending.append(item)
                if len(pending) >= batch:
                    SearchEntry.objects.bulk_create(pending)
                    count += len(pending)
                    pending = []
            SearchEntry.objects.bulk_create(pending)
            count += len(pending)
    return count
