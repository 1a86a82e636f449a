"""API endpoints for deliberation, through the same gates as the pages: conversations of an
initiative, one conversation with its statements, its opinion map, and voting as a member."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AliasChoices

from meshutaf.core.access import Action, role_allows
from meshutaf.core.schemas import Id
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors, services
from .models import Statement, StatementStatus
from .permissions import conversation_get_for_user
from .results import OpinionMap, Tally

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


# --- The opinion map, version 1 ------------------------------------------------------------
# The public shape, apart from what is stored (results.OpinionMap.to_json): a change to storage
# does not change the API, and a change to this shape is a new version (OpinionMapV2).


class VoteCountsV1(Schema):
    agree: int
    disagree: int
    passed: int = Field(
        validation_alias=AliasChoices("pass", "passed"),
        serialization_alias="pass",
        description="Votes to pass.",
    )


class StatementFiguresV1(VoteCountsV1):
    moderated_out: bool = Field(
        description="Taken out by moderation: counted, but it shapes nothing in the map."
    )
    groups: list[VoteCountsV1] = Field(
        description="The same counts within each group, by group id; empty without groups."
    )


class RepresentativeV1(Schema):
    statement: int = Field(description="Statement id.")
    direction: Literal["agree", "disagree"]
    score: float = Field(description="Pol.is's ranking figure ra·rat·pa·pat.")
    probability: float = Field(
        description="The group's smoothed share agreeing (or disagreeing), (n + 1) / (N + 2). "
        "It ranks statements; for a share to show, use n_success of n_trials."
    )
    ratio: float = Field(description="That share over the same share outside the group.")
    n_success: int = Field(description="Members of the group who agreed (or disagreed).")
    n_trials: int = Field(description="Members of the group who voted on the statement.")


class GroupV1(Schema):
    id: int = Field(description="0, 1, 2…; pages name groups with letters in this order.")
    size: int
    center: tuple[float, float] = Field(description="The group's centre on the map, [x, y].")
    representative: list[RepresentativeV1] = Field(
        description="What sets the group apart, agreements first."
    )


class ConsensusV1(Schema):
    agree: list[int] = Field(description="Statement ids most people agree with, strongest first.")
    disagree: list[int] = Field(description="Statement ids most people disagree with.")


class OpinionMapV1(Schema):
    """A conversation's opinion map, as computed after the latest votes. Object keys are ids as
    text (JSON's rule); ids inside lists are numbers."""

    version: Literal[1] = Field(default=1, description="This shape's version: 1.")
    ready: bool = Field(description="Whether anyone has voted yet; until then the map is empty.")
    analysed_at: datetime.datetime | None = Field(description="When the map was computed.")
    stale: bool = Field(description="Votes have arrived since; a new map is being computed.")
    participants: dict[str, tuple[float, float, int | None]] = Field(
        description="Participant id → [x, y, group id or null when not placed in a group]."
    )
    groups: list[GroupV1]
    consensus: ConsensusV1
    group_informed_consensus: dict[str, float] = Field(
        description="Statement id → the product over groups of each group's smoothed share "
        "agreeing: high when every group agrees."
    )
    group_informed_disagreement: dict[str, float] = Field(
        description="Statement id → the same for disagreeing."
    )
    divisive: list[int] = Field(description="Statement ids that split the groups most.")
    statements: dict[str, StatementFiguresV1] = Field(description="Statement id → its votes.")
    priorities: dict[str, float] = Field(
        description="Statement id → how likely it is to be shown next to a voter."
    )
    silhouette: float | None = Field(description="How well separated the groups are, -1 to 1.")
    k_state: tuple[int, int, int] | None = Field(
        description="The group-count smoother: [last best k, times in a row, k in use]."
    )
    n_participants: int
    n_clustered: int = Field(description="Participants placed in a group.")
    n_statements: int
    n_votes: int
    seconds: float = Field(description="How long the computation took.")


def _counts_v1(tally: Tally) -> VoteCountsV1:
    return VoteCountsV1(agree=tally.agree, disagree=tally.disagree, passed=tally.passed)


def opinion_map_v1(
    result: OpinionMap | None, *, analysed_at: datetime.datetime | None, stale: bool
) -> OpinionMapV1:
    """The API's version 1 of a stored map (an empty map before the first analysis)."""
    if result is None:
        result = OpinionMap.empty()
    k_state = result.k_state
    return OpinionMapV1(
        ready=result.ready,
        analysed_at=analysed_at,
        stale=stale,
        participants={str(pid): (p.x, p.y, p.group) for pid, p in result.positions.items()},
        groups=[
            GroupV1(
                id=group.id,
                size=group.size,
                center=group.center,
                representative=[
                    RepresentativeV1(
                        statement=rep.statement,
                        direction=rep.direction,
                        score=rep.score,
                        probability=rep.probability,
                        ratio=rep.ratio,
                        n_success=rep.n_success,
                        n_trials=rep.n_trials,
                    )
                    for rep in group.representative
                ],
            )
            for group in result.groups
        ],
        consensus=ConsensusV1(
            agree=list(result.consensus_agree), disagree=list(result.consensus_disagree)
        ),
        group_informed_consensus={str(k): v for k, v in result.group_informed_consensus.items()},
        group_informed_disagreement={
            str(k): v for k, v in result.group_informed_disagreement.items()
        },
        divisive=list(result.divisive),
        statements={
            str(sid): StatementFiguresV1(
                agree=figures.agree,
                disagree=figures.disagree,
                passed=figures.passed,
                moderated_out=figures.moderated_out,
                groups=[_counts_v1(tally) for tally in figures.groups],
            )
            for sid, figures in result.statements.items()
        },
        priorities={str(k): v for k, v in result.priorities.items()},
        silhouette=result.silhouette,
        k_state=None if k_state is None else (k_state.last_k, k_state.count, k_state.smoothed_k),
        n_participants=result.n_participants,
        n_clustered=result.n_clustered,
        n_statements=result.n_statements,
        n_votes=result.n_votes,
        seconds=result.seconds,
    )


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
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    return selectors.conversation_list(
        initiative=initiative,
        include_drafts=role_allows(role, Action.MANAGE),
    )


@router.get("/conversations/{conversation_id}", response=ConversationDetailOut)
def conversation_get(request, conversation_id: Id):
    """Facilitators see every statement; others only the accepted ones."""
    conversation, role = conversation_get_for_user(user=request.user, pk=conversation_id)
    statements = conversation.statements.order_by("created_at", "pk")
    if not role_allows(role, Action.MANAGE):
        statements = statements.filter(status=StatementStatus.ACCEPTED)
    conversation.statements_list = list(statements)
    return {**{f: getattr(conversation, f) for f in ConversationOut.model_fields},
            "statements": conversation.statements_list}  # fmt: skip


@router.get("/conversations/{conversation_id}/opinion-map", response=OpinionMapV1, by_alias=True)
def conversation_map(request, conversation_id: Id):
    """The opinion map: groups with representative statements, consensus, divisive
    statements, group-informed consensus, and each participant's position and group."""
    conversation = conversation_get_for_user(user=request.user, pk=conversation_id).obj
    return opinion_map_v1(
        selectors.stored_map(conversation=conversation),
        analysed_at=conversation.analysed_at,
        stale=conversation.analysis_stale,
    )


@router.post("/conversations/{conversation_id}/votes", response={201: VoteOut})
def vote_create(request, conversation_id: Id, payload: VoteIn):
    """Vote as yourself (agree 1, disagree -1, pass 0); voting again changes the vote."""
    conversation = conversation_get_for_user(user=request.user, pk=conversation_id).obj
    statement = Statement.objects.filter(pk=payload.statement_id, conversation=conversation).first()
    if statement is None:
        raise ValidationError({"statement_id": [_("No such statement in this conversation.")]})
    participant = services.participant_for_user(conversation=conversation, user=request.user)
    vote = services.vote_cast(participant=participant, statement=statement, value=payload.value)
    return Status(201, vote)
