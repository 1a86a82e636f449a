"""API endpoints for deliberation, through the same gates as the pages: conversations of an
initiative, one conversation with its statements, its opinion map, and voting as a member."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from meshutaf.core.schemas import Id
from meshutaf.initiatives.permissions import Action, initiative_get_for_user, role_allows

from . import selectors, services
from .models import Statement, StatementStatus
from .permissions import conversation_get_for_user

router = Router(tags=["deliberation"])


class ConversationOut(Schema):
    id: int
    initiative_id: int
    meeting_id: int | None
    title: str
    question: str
    description: str
    status: str
    allow_anonymous: bool
    accept_statements: bool
    moderation: str
    show_results: bool
    participant_limit: int
    participant_limit_minutes: int
    analysed_at: datetime.datetime | None


class StatementOut(Schema):
    id: int
    text: str
    status: str
    is_seed: bool
    external_id: str


class ConversationDetailOut(ConversationOut):
    statements: list[StatementOut]


class VoteIn(Schema):
    statement_id: Id
    value: int


class VoteOut(Schema):
    statement_id: int
    value: int
    updated_at: datetime.datetime


@router.get("/initiatives/{initiative_id}/conversations", response=list[ConversationOut])
@paginate
def conversation_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id)
    return selectors.conversation_list(
        initiative=initiative,
        include_drafts=role_allows(initiative.viewer_role, Action.MANAGE),
    )


@router.get("/conversations/{conversation_id}", response=ConversationDetailOut)
def conversation_get(request, conversation_id: Id):
    """Facilitators see every statement; others only the accepted ones."""
    conversation = conversation_get_for_user(user=request.user, pk=conversation_id)
    statements = conversation.statements.order_by("created_at", "pk")
    if not role_allows(conversation.viewer_role, Action.MANAGE):
        statements = statements.filter(status=StatementStatus.ACCEPTED)
    conversation.statements_list = list(statements)
    return {**{f: getattr(conversation, f) for f in ConversationOut.model_fields},
            "statements": conversation.statements_list}  # fmt: skip


@router.get("/conversations/{conversation_id}/opinion-map")
def conversation_map(request, conversation_id: Id) -> dict:
    """The stored opinion map: groups with representative statements, consensus, divisive
    statements, group-informed consensus, and each participant's position and group."""
    conversation = conversation_get_for_user(user=request.user, pk=conversation_id)
    return {
        "analysed_at": conversation.analysed_at,
        "stale": conversation.analysis_stale,
        **(conversation.analysis or {}),
    }


@router.post("/conversations/{conversation_id}/votes", response={201: VoteOut})
def vote_create(request, conversation_id: Id, payload: VoteIn):
    """Vote as yourself (agree 1, disagree -1, pass 0); voting again changes the vote."""
    conversation = conversation_get_for_user(user=request.user, pk=conversation_id)
    statement = Statement.objects.filter(pk=payload.statement_id, conversation=conversation).first()
    if statement is None:
        raise ValidationError({"statement_id": [_("No such statement in this conversation.")]})
    participant = services.participant_for_user(conversation=conversation, user=request.user)
    vote = services.vote_cast(participant=participant, statement=statement, value=payload.value)
    return Status(201, vote)
