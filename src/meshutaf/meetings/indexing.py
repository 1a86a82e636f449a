"""What a meeting puts into the search index: the meeting, its minutes and its outcomes.

A draft meeting, and everything in it, is found by the initiative's facilitators only.
Registered with the search app in `apps.py`; services call `index_meeting` and friends inside
their transaction."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from meshutaf.search import indexing, registry
from meshutaf.search.models import SearchEntry

from .models import Meeting, MeetingStatus, OutcomeKind

MEETING, MINUTES = "meeting", "minutes"


def register() -> None:
    registry.kind_register(MEETING, _("Meeting"))
    registry.kind_register(MINUTES, _("Minutes"))
    for code, label in OutcomeKind.choices:
        registry.kind_register(code, label)
    registry.builder_register("meetings.Meeting", meeting_entries)
    registry.rebuilder_register(all_entries)


def meeting_entries(meeting: Meeting) -> tuple[registry.Covered, list[SearchEntry]]:
    hidden = meeting.status == MeetingStatus.DRAFT
    url = meeting.get_absolute_url()
    items = list(meeting.agenda_items.select_related("presenter"))
    agenda_text = "\n".join(item.title for item in items)
    entries = [
        indexing.entry(
            initiative_id=meeting.initiative_id,
            kind=MEETING,
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
                indexing.entry(
                    initiative_id=meeting.initiative_id,
                    kind=MINUTES,
                    object_id=item.pk,
                    title=f"{meeting.title} — {item.title}",
                    body=item.minutes,
                    url=f"{url}?tab=minutes#item-{item.pk}",
                    date=meeting.starts_at,
                    facilitators_only=hidden,
                )
            )
    covered: registry.Covered = {MEETING: [meeting.pk], MINUTES: [item.pk for item in items]}
    outcomes = list(meeting.outcomes.select_related("owner"))
    for outcome in outcomes:
        entries.append(_outcome_entry(outcome, meeting=meeting, hidden=hidden))
    for kind in OutcomeKind.values:
        covered[kind] = [outcome.pk for outcome in outcomes]
    return covered, entries


def _outcome_entry(outcome, *, meeting: Meeting, hidden: bool) -> SearchEntry:
    body = outcome.text
    if outcome.owner is not None:
        body += f"\n{outcome.owner.full_name}"
    first_line = outcome.text.strip().splitlines()[0] if outcome.text.strip() else ""
    return indexing.entry(
        initiative_id=outcome.initiative_id,
        kind=outcome.kind,
        object_id=outcome.pk,
        title=first_line[:160],
        body=body,
        url=f"{meeting.get_absolute_url()}?tab=minutes#outcome-{outcome.pk}",
        date=meeting.starts_at,
        facilitators_only=hidden,
    )


def index_meeting(meeting: Meeting) -> None:
    """(Re)index a meeting with its minutes, outcomes and whatever other apps attach to it."""
    indexing.index_object(meeting)


def unindex_meeting(meeting: Meeting) -> None:
    indexing.unindex_object(meeting)


def index_outcome(outcome) -> None:
    meeting = outcome.meeting
    indexing.replace(
        {kind: [outcome.pk] for kind in OutcomeKind.values},
        [_outcome_entry(outcome, meeting=meeting, hidden=meeting.status == MeetingStatus.DRAFT)],
    )


def unindex_minutes(item_ids) -> None:
    indexing.unindex(MINUTES, item_ids)


def unindex_outcome(outcome) -> None:
    indexing.unindex(outcome.kind, [outcome.pk])


def all_entries() -> Iterator[SearchEntry]:
    for meeting in Meeting.objects.iterator(chunk_size=500):
        yield from indexing.entries_for(meeting)[1]
