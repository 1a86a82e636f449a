"""Extension points of the meeting page, filled in by apps that build on meetings.

The documents app attaches files to meetings and agenda items; the meeting page and its
print view show them. Rather than import that app (which imports meetings), meetings asks
whoever registered here, so dependencies keep pointing one way.
"""

from collections.abc import Callable
from typing import Any

DocumentsProvider = Callable[..., list[Any]]

_documents_providers: list[DocumentsProvider] = []


def meeting_documents_register(provider: DocumentsProvider) -> None:
    """`provider(meeting=...)` returns the meeting's documents, each with `title`,
    `agenda_item_id` and a `pk` that `knowledge:document` resolves."""
    if provider not in _documents_providers:
        _documents_providers.append(provider)


def meeting_documents(*, meeting) -> list[Any]:
    documents: list[Any] = []
    for provider in _documents_providers:
        documents.extend(provider(meeting=meeting))
    return documents
