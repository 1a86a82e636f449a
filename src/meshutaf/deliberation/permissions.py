"""The permission gates for conversations and statements.

Members of the initiative see its conversations (drafts only its facilitators) and may vote
with their account; facilitators manage them. People without an account reach an open
conversation only through its secret link, and only if the facilitator allows it."""

from django.http import Http404

from meshutaf.initiatives.permissions import (
    Action,
    child_get_for_user,
    initiative_role,
    role_allows,
)

from .models import Conversation, ConversationStatus, Statement


class ConversationNotOpen(Http404):
    """A draft's participation link: nothing to take part in yet. Still a 404 (the link
    reveals nothing of the conversation), but the page says why instead of a bare "not found"."""

    def __init__(self, conversation: Conversation):
        super().__init__("This conversation is not open yet.")
        self.conversation = conversation


def conversation_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Conversation:
    conversation = child_get_for_user(Conversation, user=user, pk=pk, action=action)
    role = conversation.initiative.viewer_role
    if conversation.status == ConversationStatus.DRAFT and not role_allows(role, Action.MANAGE):
        raise Http404
    conversation.viewer_role = role
    return conversation


def statement_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Statement:
    statement = Statement.objects.select_related("conversation").filter(pk=pk).first()
    if statement is None:
        raise Http404
    conversation_get_for_user(user=user, pk=statement.conversation_id, action=action)
    return statement


def conversation_get_by_token(*, user, token: str) -> Conversation:
    """The gate for the participation link. A draft is never reachable; a conversation that
    does not allow people without an account is reachable only by the initiative's members."""
    if not token or len(token) > 40:
        raise Http404
    conversation = Conversation.objects.select_related("initiative").filter(token=token).first()
    if conversation is None:
        raise Http404
    if conversation.status == ConversationStatus.DRAFT:
        raise ConversationNotOpen(conversation)
    role = None
    if user.is_authenticated and user.is_active:
        role = initiative_role(user=user, initiative_id=conversation.initiative_id)
    conversation.viewer_role = role
    if role is None and not conversation.allow_anonymous:
        raise Http404
    return conversation
