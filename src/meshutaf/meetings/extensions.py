"""Extension points of meetings, filled in by apps that build on meetings.

The documents app attaches files to meetings and agenda items; the meeting page and its
print view show them. Shared measurement adds the partners' reporting tasks to the weekly
digest. Rather than import those apps (which import meetings), meetings asks whoever
registered here, so dependencies keep pointing one way.
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


DigestProvider = Callable[..., dict[int, list[Any]]]

_digest_providers: list[DigestProvider] = []


def digest_register(provider: DigestProvider) -> None:
    """`provider(today=...)` returns, per user id, what that user should hear about in the
    weekly digest besides their action items: objects with `text` (rendered in the user's
    language by the digest) and `url`. Each provider checks its own permissions."""
    if provider not in _digest_providers:
        _digest_providers.append(provider)


def digest_extras(*, today) -> dict[int, list[Any]]:
    extras: dict[int, list[Any]] = {}
    for provider in _digest_providers:
        for user_id, entries in provider(today=today).items():
            extras.setdefault(user_id, []).extend(entries)
    return extras
