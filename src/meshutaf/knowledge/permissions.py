"""The permission gate for documents and insights (through their initiative)."""

from django.http import Http404

from meshutaf.core.access import Action, Granted, role_allows
from meshutaf.initiatives.permissions import child_get_for_user
from meshutaf.meetings.models import MeetingStatus

from .models import Document, Insight


def in_draft_meeting(document: Document) -> bool:
    """Material of a draft meeting is, like the draft, for facilitators only."""
    return document.meeting is not None and document.meeting.status == MeetingStatus.DRAFT


def document_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Document]:
    document, role = child_get_for_user(
        Document, user=user, pk=pk, action=action, related=("meeting",)
    )
    if in_draft_meeting(document) and not role_allows(role, Action.MANAGE):
        raise Http404
    return Granted(document, role)


def insight_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Insight]:
    return child_get_for_user(Insight, user=user, pk=pk, action=action)
