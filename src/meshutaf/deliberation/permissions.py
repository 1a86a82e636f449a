"""The permission gates for conversations and statements.

Members of the initiative see its conversations (drafts only its facilitators) and may vote
with their account; facilitators manage them. People without an account reach an open
conversation only through its secret link, and only if the facilitator allows it."""

from django.http import Http404

from meshutaf.core.access import Action, Granted, Role, active_user, role_allows
from meshutaf.initiatives.permissions import child_get_for_user, initiative_role

from .models import Conversation, ConversationStatus, Statement


class ConversationNotOpen(Http404):
    """A draft's participation link: nothing to take part in yet. Still a 404 (the link
    reveals nothing of the conversation), but the page says why instead of a bare "not found"."""

    def __init__(self, conversation: Conversation):
        super().__init__("This conversation is not open yet.")
        self.conversation = conversation


def _hide_draft(conversation: Conversation, role: Role | None) -> None:
    if conversation.status == ConversationStatus.DRAFT and not role_allows(role, Action.MANAGE):
        raise Http404


def conversation_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[Conversation]:
    conversation, role = child_get_for_user(Conversation, user=user, pk=pk, action=action)
    _hide_draft(conversation, role)
    return Granted(conversation, role)


def statement_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Statement]:
    statement, role = child_get_for_user(
        Statement, user=user, pk=pk, action=action, initiative_path="conversation__initiative"
    )
    _hide_draft(statement.conversation, role)
    return Granted(statement, role)


def conversation_get_by_token(*, user, token: str) -> Granted[Conversation]:
    """The gate for the participation link. A draft is never reachable; a conversation that
    does not allow people without an account is reachable only by the initiative's members.
    The role is the viewer's in the initiative: None for someone who came by link only."""
    if not token or len(token) > 40:
        raise Http404
    conversation = Conversation.objects.select_related("initiative").filter(token=token).first()
    if conversation is None:
        raise Http404
    if conversation.status == ConversationStatus.DRAFT:
        raise ConversationNotOpen(conversation)
    role = None
    if active_user(user):
        role = initiative_role(user=user, initiative_id=conversation.initiative_id)
    if role is None and not conversation.allow_anonymous:
        raise Http404
    return Granted(conversation, Role(role) if role is not None else None)
