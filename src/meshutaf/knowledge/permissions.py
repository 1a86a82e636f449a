"""The permission gate for documents and insights (through their initiative)."""

from django.http import Http404

from meshutaf.initiatives.permissions import Action, child_get_for_user, role_allows
from meshutaf.meetings.models import MeetingStatus

from .models import Document, Insight


def in_draft_meeting(document: Document) -> bool:
    """Material of a draft meeting is, like the draft, for facilitators only."""
    return document.meeting is not None and document.meeting.status == MeetingStatus.DRAFT


def document_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Document:
    document = child_get_for_user(Document, user=user, pk=pk, action=action, related=("meeting",))
    if in_draft_meeting(document) and not role_allows(
        document.initiative.viewer_role, Action.MANAGE
    ):
        raise Http404
    return document


def insight_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Insight:
    return child_get_for_user(Insight, user=user, pk=pk, action=action)
