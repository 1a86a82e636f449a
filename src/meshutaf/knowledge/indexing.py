"""Keeps the search index in step with what it covers. Services of other apps call these
small functions inside their own transaction; `reindex_all` rebuilds everything."""

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse

from . import analysis
from .models import Document, EntryKind, Insight, SearchEntry

MAX_BODY = 200_000  # characters of a document's text that are indexed and kept for snippets


def _entry(*, initiative_id, kind, object_id, title, body, url, date, facilitators_only=False):
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


def _replace(kind_ids: dict[str, list[int]], entries: list[SearchEntry]) -> None:
    for kind, ids in kind_ids.items():
        if ids:
            SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
    SearchEntry.objects.bulk_create(entries)


def unindex(kind: str, ids: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()


def _meeting_entries(meeting) -> tuple[dict[str, list[int]], list[SearchEntry]]:
    from meshutaf.meetings.models import MeetingStatus

    hidden = meeting.status == MeetingStatus.DRAFT
    url = meeting.get_absolute_url()
    items = list(meeting.agenda_items.select_related("presenter"))
    agenda_text = "\n".join(item.title for item in items)
    entries = [
        _entry(
            initiative_id=meeting.initiative_id,
            kind=EntryKind.MEETING,
            object_id=meeting.pk,
            title=meeting.title,
            body="\n\n".join(
                part
                for part in (meeting.description, agenda_text, meeting.venue, meeting.summary)
                if part
            ),
            url=url,
            date=meeting.starts_at,
            facilitators_only=hidden,
        )
    ]
    for item in items:
        if item.minutes.strip():
            entries.append(
                _entry(
                    initiative_id=meeting.initiative_id,
                    kind=EntryKind.MINUTES,
                    object_id=item.pk,
                    title=f"{meeting.title} — {item.title}",
                    body=item.minutes,
                    url=f"{url}#item-{item.pk}",
                    date=meeting.starts_at,
                    facilitators_only=hidden,
                )
            )
    kind_ids = {
        EntryKind.MEETING: [meeting.pk],
        EntryKind.MINUTES: [item.pk for item in items],
    }
    outcomes = list(meeting.outcomes.select_related("owner"))
    for outcome in outcomes:
        entries.append(_outcome_entry(outcome, meeting=meeting, hidden=hidden))
    for kind in (EntryKind.DECISION, EntryKind.INFORMATION, EntryKind.ACTION):
        kind_ids[kind] = [outcome.pk for outcome in outcomes]
    # The meeting's documents follow its draft status.
    documents = list(meeting.documents.all())
    for document in documents:
        document.meeting = meeting
        entries.append(_document_entry(document))
    kind_ids[EntryKind.DOCUMENT] = [document.pk for document in documents]
    return kind_ids, entries


def _outcome_entry(outcome, *, meeting, hidden: bool) -> SearchEntry:
    body = outcome.text
    if outcome.owner is not None:
        body += f"\n{outcome.owner.full_name}"
    first_line = outcome.text.strip().splitlines()[0] if outcome.text.strip() else ""
    return _entry(
        initiative_id=outcome.initiative_id,
        kind=outcome.kind,
        object_id=outcome.pk,
        title=first_line[:160],
        body=body,
        url=f"{meeting.get_absolute_url()}#outcome-{outcome.pk}",
        date=meeting.starts_at,
        facilitators_only=hidden,
    )


def index_meeting(meeting) -> None:
    """(Re)index a meeting with its minutes and outcomes."""
    with transaction.atomic():
        kind_ids, entries = _meeting_entries(meeting)
        _replace(kind_ids, entries)


def unindex_meeting(meeting) -> None:
    with transaction.atomic():
        kind_ids, _entries = _meeting_entries(meeting)
        _replace(kind_ids, [])


def index_outcome(outcome) -> None:
    from meshutaf.meetings.models import MeetingStatus

    meeting = outcome.meeting
    with transaction.atomic():
        unindex(EntryKind.DECISION, [outcome.pk])
        unindex(EntryKind.INFORMATION, [outcome.pk])
        unindex(EntryKind.ACTION, [outcome.pk])
        _outcome_entry(
            outcome, meeting=meeting, hidden=meeting.status == MeetingStatus.DRAFT
        ).save()


def _document_entry(document: Document) -> SearchEntry:
    return _entry(
        initiative_id=document.initiative_id,
        kind=EntryKind.DOCUMENT,
        object_id=document.pk,
        title=document.title,
        body="\n\n".join(part for part in (document.description, document.text) if part),
        url=reverse("knowledge:document", args=[document.pk]),
        date=document.created_at,
        # Material of a draft meeting is, like the draft, for facilitators only.
        facilitators_only=document.meeting is not None and document.meeting.status == "draft",
    )


def index_document(document: Document) -> None:
    with transaction.atomic():
        unindex(EntryKind.DOCUMENT, [document.pk])
        _document_entry(document).save()


def _insight_entry(insight: Insight) -> SearchEntry:
    return _entry(
        initiative_id=insight.initiative_id,
        kind=EntryKind.INSIGHT,
        object_id=insight.pk,
        title=insight.title,
        body="\n".join([insight.body, " ".join(f"#{tag}" for tag in insight.tags)]),
        url=insight.get_absolute_url(),
        date=insight.created_at,
    )


def index_insight(insight: Insight) -> None:
    with transaction.atomic():
        unindex(EntryKind.INSIGHT, [insight.pk])
        _insight_entry(insight).save()


def reindex_all(*, batch: int = 500) -> int:
    """Rebuild the whole index (after an upgrade of the analysis, say). Returns the count."""
    from meshutaf.meetings.models import Meeting

    count = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for meeting in Meeting.objects.iterator(chunk_size=batch):
            _kind_ids, entries = _meeting_entries(meeting)  # with its documents
            SearchEntry.objects.bulk_create(entries)
            count += len(entries)
        # Documents of meetings came with their meeting above.
        loose = Document.objects.filter(meeting=None).iterator(chunk_size=batch)
        insights = Insight.objects.iterator(chunk_size=batch)
        for objects, build in ((loose, _document_entry), (insights, _insight_entry)):
            entries = [build(obj) for obj in objects]
            SearchEntry.objects.bulk_create(entries, batch_size=batch)
            count += len(entries)
    return count
