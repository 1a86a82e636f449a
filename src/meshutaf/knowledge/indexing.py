"""What the knowledge base puts into the search index: documents and insights.

A document of a draft meeting is, like the draft, found by facilitators only, so documents
are also built whenever their meeting is (the builder registered for "meetings.Meeting").
Registered with the search app in `apps.py`."""

from collections.abc import Iterator

from django.db import transaction
from django.db.models.signals import pre_delete
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meshutaf.meetings.models import Meeting
from meshutaf.search import indexing, registry
from meshutaf.search.models import SearchEntry

from .models import Document, Insight

DOCUMENT, INSIGHT = "document", "insight"


def register() -> None:
    registry.kind_register(DOCUMENT, _("Document"))
    registry.kind_register(INSIGHT, _("Insight"))
    registry.builder_register("meetings.Meeting", meeting_documents)
    registry.rebuilder_register(all_entries)
    pre_delete.connect(_meeting_deleted, sender=Meeting, dispatch_uid="knowledge.meeting_deleted")


def _meeting_deleted(sender, instance: Meeting, **kwargs) -> None:
    """A deleted meeting's documents stay (without their meeting): once the deletion is
    committed, index them again as the initiative's loose documents."""
    ids = list(Document.objects.filter(meeting=instance).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: _reindex_documents(ids))


def _reindex_documents(ids: list[int]) -> None:
    for document in Document.objects.filter(pk__in=ids).select_related("meeting"):
        index_document(document)


def _document_entry(document: Document) -> SearchEntry:
    return indexing.entry(
        initiative_id=document.initiative_id,
        kind=DOCUMENT,
        object_id=document.pk,
        title=document.title,
        body="\n\n".join(part for part in (document.description, document.text) if part),
        url=reverse("knowledge:document", args=[document.pk]),
        date=document.created_at,
        # Material of a draft meeting is, like the draft, for facilitators only.
        facilitators_only=document.meeting is not None and document.meeting.status == "draft",
    )


def meeting_documents(meeting) -> tuple[registry.Covered, list[SearchEntry]]:
    """The documents of a meeting, which follow its draft status."""
    documents = list(Document.objects.filter(meeting=meeting))
    for document in documents:
        document.meeting = meeting
    return {DOCUMENT: [document.pk for document in documents]}, [
        _document_entry(document) for document in documents
    ]


def index_document(document: Document) -> None:
    indexing.replace({DOCUMENT: [document.pk]}, [_document_entry(document)])


def unindex_document(document: Document) -> None:
    indexing.unindex(DOCUMENT, [document.pk])


def _insight_entry(insight: Insight) -> SearchEntry:
    return indexing.entry(
        initiative_id=insight.initiative_id,
        kind=INSIGHT,
        object_id=insight.pk,
        title=insight.title,
        body="\n".join([insight.body, " ".join(f"#{tag}" for tag in insight.tags)]),
        url=insight.get_absolute_url(),
        date=insight.created_at,
    )


def index_insight(insight: Insight) -> None:
    indexing.replace({INSIGHT: [insight.pk]}, [_insight_entry(insight)])


def unindex_insight(insight: Insight) -> None:
    indexing.unindex(INSIGHT, [insight.pk])


def all_entries() -> Iterator[SearchEntry]:
    # Documents of meetings come with their meeting (the meetings app's rebuilder).
    for document in Document.objects.filter(meeting=None).iterator(chunk_size=500):
        yield _document_entry(document)
    for insight in Insight.objects.iterator(chunk_size=500):
        yield _insight_entry(insight)
