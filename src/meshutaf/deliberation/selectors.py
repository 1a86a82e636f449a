"""Reads for deliberation: lists with counts, the next statement to vote on, a participant's
own votes, the stored opinion map prepared for a page, and Pol.is-format export rows."""

import datetime
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from meshutaf.initiatives.models import Initiative

from . import opinion
from .charts import group_colour
from .labels import group_label
from .models import (
    Conversation,
    ConversationStatus,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from .results import OpinionMap, StatementFigures, StoredMapError

logger = logging.getLogger(__name__)

# A burst: at least BURST_MIN_SIZE participants without an account who joined from one network,
# each within BURST_GAP of the one before. A room sharing one Wi-Fi makes one too; the
# facilitator, who knows the room, decides whether to exclude it.
BURST_GAP = datetime.timedelta(minutes=2)
BURST_MIN_SIZE = 5
# Votes that count: not from participants the facilitator excluded from the analysis.
COUNTED = Q(participant__excluded=False)

# Priority of a statement nobody has voted on yet, before any analysis has run.
NEW_STATEMENT_PRIORITY = float(
    opinion.statement_priorities(agree=0.0, disagree=0.0, seen=0.0, extremity=0.0)
)


def conversation_list(*, initiative: Initiative, include_drafts: bool) -> QuerySet[Conversation]:
    # The stored map can be megabytes; lists never need it.
    conversations = (
        Conversation.objects.filter(initiative=initiative)
        .defer("analysis")
        .annotate(
            statement_count=Count(
                "statements", filter=Q(statements__status=StatementStatus.ACCEPTED), distinct=True
            ),
            participant_count=Count(
                "participants", filter=Q(participants__excluded=False), distinct=True
            ),
        )
    )
    if not include_drafts:
        conversations = conversations.exclude(status=ConversationStatus.DRAFT)
    return conversations.order_by("-created_at")


def statement_list(*, conversation: Conversation) -> QuerySet[Statement]:
    """Every statement with its vote counts (excluded participants left out), for the
    facilitator."""
    counted = Q(votes__participant__excluded=False)
    return conversation.statements.annotate(
        agree_count=Count("votes", filter=counted & Q(votes__value=1)),
        disagree_count=Count("votes", filter=counted & Q(votes__value=-1)),
        pass_count=Count("votes", filter=counted & Q(votes__value=0)),
    ).order_by("created_at", "pk")


def conversation_vote_table(conversation: Conversation) -> opinion.VoteTable:
    """The votes as the math module wants them: in the order they were first cast, so
    participants enter the map as they arrived. Participants the facilitator excluded (a
    burst of one person voting many times) are left out."""
    votes = (
        Vote.objects.filter(COUNTED, statement__conversation=conversation)
        .order_by("created_at", "pk")
        .values_list("participant_id", "statement_id", "value")
    )
    moderated_out = set(
        conversation.statements.exclude(status=StatementStatus.ACCEPTED).values_list(
            "pk", flat=True
        )
    )
    return opinion.VoteTable.from_votes(
        votes.iterator(chunk_size=5000), moderated_out=moderated_out
    )


def vote_count(*, conversation: Conversation) -> int:
    return Vote.objects.filter(COUNTED, statement__conversation=conversation).count()


def participant_bursts(*, conversation: Conversation) -> list[dict]:
    """Bursts of participants without an account from one network (see BURST_GAP), largest
    first, for the facilitator to judge. Networks are numbered in order of their first burst;
    only their salted hash is known. One query, however many participants."""
    rows = (
        Participant.objects.filter(conversation=conversation, user__isnull=True)
        .exclude(address_hash="")
        .annotate(n_votes=Count("votes"))
        .order_by("address_hash", "created_at", "pk")
        .values_list("address_hash", "created_at", "excluded", "n_votes")
    )
    bursts: list[dict] = []
    current: dict | None = None

    def close(burst):
        if burst is not None and burst["size"] >= BURST_MIN_SIZE:
            bursts.append(burst)

    for hashed, created_at, excluded, n_votes in rows:
        same = (
            current is not None
            and current["address"] == hashed
            and created_at - current["last"] <= BURST_GAP
        )
        if not same:
            close(current)
            current = {
                "address": hashed,
                "first": created_at,
                "last": created_at,
                "size": 0,
                "excluded": 0,
                "votes": 0,
            }
        current["last"] = created_at
        current["size"] += 1
        current["excluded"] += int(excluded)
        current["votes"] += n_votes
    close(current)
    networks: dict[str, int] = {}
    for burst in sorted(bursts, key=lambda b: b["first"]):
        burst["network"] = networks.setdefault(burst["address"], len(networks) + 1)
        burst["minutes"] = max(1, round((burst["last"] - burst["first"]).total_seconds() / 60))
        burst["all_excluded"] = burst["excluded"] == burst["size"]
    return sorted(bursts, key=lambda b: (-b["size"], b["first"]))


def next_statement(
    *,
    participant: Participant | None = None,
    conversation: Conversation | None = None,
    rng: random.Random | None = None,
) -> Statement | None:
    """Pol.is-style routing: among accepted statements the participant has not voted on,
    pick one at random weighted by its priority (divisive, rarely passed and new statements
    first), so different people see different statements early on. Without a participant
    (someone who opened the link but has not voted, so nothing was created yet) every
    accepted statement is a candidate."""
    conversation = conversation or participant.conversation
    candidates = conversation.statements.filter(status=StatementStatus.ACCEPTED)
    if participant is not None:
        voted = Vote.objects.filter(participant=participant, statement=OuterRef("pk"))
        candidates = candidates.exclude(Exists(voted))
    candidates = list(candidates.only("pk", "text", "conversation_id", "status", "is_seed"))
    if not candidates:
        return None
    priorities = _priorities(conversation)
    weights = [max(priorities.get(s.pk, NEW_STATEMENT_PRIORITY), 1e-6) for s in candidates]
    return (rng or random).choices(candidates, weights=weights, k=1)[0]


def _priorities(conversation: Conversation) -> Mapping[int, float]:
    """The stored routing priorities. Voting goes on if the stored map cannot be read: every
    statement then counts as new until the next analysis replaces it."""
    try:
        result = stored_map(conversation=conversation)
    except StoredMapError:
        logger.warning("Conversation %s: stored map unreadable", conversation.pk, exc_info=True)
        return {}
    return result.priorities if result else {}


def participant_progress(*, participant: Participant) -> dict:
    accepted = participant.conversation.statements.filter(status=StatementStatus.ACCEPTED)
    total = accepted.count()
    voted = Vote.objects.filter(participant=participant, statement__in=accepted).count()
    return {"voted": voted, "total": total, "remaining": max(total - voted, 0)}


def my_votes(*, participant: Participant) -> QuerySet[Vote]:
    return (
        Vote.objects.filter(participant=participant, statement__status=StatementStatus.ACCEPTED)
        .select_related("statement")
        .order_by("statement__created_at", "statement__pk")
    )


def stored_map(*, conversation: Conversation) -> OpinionMap | None:
    """The conversation's stored opinion map, None before the first analysis. Raises
    `StoredMapError` if what is stored cannot be read."""
    if not conversation.analysis:
        return None
    return OpinionMap.from_json(conversation.analysis)


@dataclass(frozen=True)
class StatementLine:
    """A statement as the map page shows it: its text and everyone's votes on it. Shares are
    of everyone who voted on it, passes included."""

    id: int
    text: str
    agree: int
    disagree: int
    passed: int
    gic: float | None = None  # group-informed consensus, where the list is ranked by it

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def agree_share(self) -> int:
        return round(100 * self.agree / self.seen) if self.seen else 0

    @property
    def disagree_share(self) -> int:
        return round(100 * self.disagree / self.seen) if self.seen else 0


@dataclass(frozen=True)
class RepresentativeLine(StatementLine):
    """A statement that sets a group apart, with what was counted in the group: `group_count`
    of `group_seen` agreed (or disagreed). Pol.is's smoothed probability ranks statements but
    reads wrong ("75%" for 2 of 2), so it is never shown."""

    direction: str = "agree"
    group_count: int = 0
    group_seen: int = 0

    @property
    def group_share(self) -> int:
        return round(100 * self.group_count / self.group_seen) if self.group_seen else 0


@dataclass(frozen=True)
class GroupCard:
    id: int
    label: str
    colour: str
    size: int
    representative: tuple[RepresentativeLine, ...]


@dataclass(frozen=True)
class MyPlace:
    """Where the viewing participant stands: their group, or None while not clustered."""

    group: int | None
    label: str | None


@dataclass(frozen=True)
class MapPage:
    """The stored map with statement texts, ready for the page."""

    result: OpinionMap
    groups: tuple[GroupCard, ...]
    consensus_agree: tuple[StatementLine, ...]
    consensus_disagree: tuple[StatementLine, ...]
    group_consensus: tuple[StatementLine, ...]  # common ground, highest consensus first
    divisive: tuple[StatementLine, ...]
    me: MyPlace | None

    @property
    def n_participants(self) -> int:
        return self.result.n_participants

    @property
    def n_clustered(self) -> int:
        return self.result.n_clustered

    @property
    def n_statements(self) -> int:
        return self.result.n_statements

    @property
    def n_votes(self) -> int:
        return self.result.n_votes


def opinion_map(
    *, conversation: Conversation, participant: Participant | None = None
) -> MapPage | None:
    """The stored analysis with statement texts, ready for the page: groups with their
    representative statements, consensus, divisive statements, and where this participant
    stands. None until someone has voted. Reads statements once, whatever their number."""
    result = stored_map(conversation=conversation)
    if result is None or not result.ready:
        return None
    texts = dict(conversation.statements.values_list("pk", "text"))
    no_votes = StatementFigures(agree=0, disagree=0, passed=0)

    def line(statement_id: int, kind: type[StatementLine] = StatementLine, **extra):
        figures = result.statements.get(statement_id, no_votes)
        return kind(
            id=statement_id,
            text=texts.get(statement_id, ""),
            agree=figures.agree,
            disagree=figures.disagree,
            passed=figures.passed,
            **extra,
        )

    groups = tuple(
        GroupCard(
            id=group.id,
            label=group_label(group.id),
            colour=group_colour(group.id),
            size=group.size,
            representative=tuple(
                line(
                    rep.statement,
                    RepresentativeLine,
                    direction=rep.direction,
                    group_count=rep.n_success,
                    group_seen=rep.n_trials,
                )
                for rep in group.representative
            ),
        )
        for group in result.groups
    )
    gic = result.group_informed_consensus

    # Common ground: statements every group leans towards agreeing with, highest
    # group-informed consensus first.
    def every_group_agrees(statement_id: int) -> bool:
        figures = result.statements.get(statement_id)
        counts = figures.groups if figures else ()
        return bool(counts) and all((c.agree + 1) / (c.seen + 2) > 0.5 for c in counts)

    by_gic = [
        item
        for item in sorted(gic.items(), key=lambda item: -item[1])
        if every_group_agrees(item[0])
    ][:5]
    me = None
    if participant is not None:
        position = result.position_of(participant.pk)
        if position is not None:
            label = None if position.group is None else group_label(position.group)
            me = MyPlace(group=position.group, label=label)
    return MapPage(
        result=result,
        groups=groups,
        consensus_agree=tuple(line(sid, gic=gic.get(sid)) for sid in result.consensus_agree),
        consensus_disagree=tuple(line(sid) for sid in result.consensus_disagree),
        group_consensus=tuple(line(sid, gic=value) for sid, value in by_gic),
        divisive=tuple(line(sid) for sid in result.divisive),
        me=me,
    )


def export_rows(conversation: Conversation):
    """(votes rows, comments rows) in Pol.is open-data order and shape: the votes the opinion
    map counts (excluded participants' votes are left out, as in the analysis)."""
    participants = dict(
        conversation.participants.filter(excluded=False).values_list("pk", "external_id")
    )
    statements = list(conversation.statements.all())
    statement_ids = {s.pk: (s.external_id or str(s.pk)) for s in statements}
    counts: dict[int, list[int]] = {s.pk: [0, 0] for s in statements}
    votes = []
    for participant_id, statement_id, value, updated in (
        Vote.objects.filter(COUNTED, statement__conversation=conversation)
        .order_by("updated_at", "pk")
        .values_list("participant_id", "statement_id", "value", "updated_at")
        .iterator(chunk_size=5000)
    ):
        if value == 1:
            counts[statement_id][0] += 1
        elif value == -1:
            counts[statement_id][1] += 1
        votes.append(
            (
                int(updated.timestamp() * 1000),
                updated.strftime("%a %b %d %H:%M:%S %Z %Y"),
                statement_ids[statement_id],
                participants.get(participant_id) or str(participant_id),
                value,
            )
        )
    moderated = {
        StatementStatus.ACCEPTED: 1,
        StatementStatus.PENDING: 0,
        StatementStatus.REJECTED: -1,
    }
    comments = [
        (
            int(s.created_at.timestamp() * 1000),
            s.created_at.strftime("%a %b %d %H:%M:%S %Z %Y"),
            statement_ids[s.pk],
            (participants.get(s.author_id) or str(s.author_id)) if s.author_id else "",
            counts[s.pk][0],
            counts[s.pk][1],
            moderated[s.status],
            s.text,
        )
        for s in statements
    ]
    return votes, comments
