"""Reads for deliberation: lists with counts, the next statement to vote on, a participant's
own votes, the stored opinion map prepared for a page, and Pol.is-format export rows."""

import datetime
import random

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from meshutaf.initiatives.models import Initiative

from . import opinion
from .labels import group_label
from .models import (
    Conversation,
    ConversationStatus,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)

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
    priorities = (conversation.analysis or {}).get("priorities", {})
    weights = [max(priorities.get(str(s.pk), NEW_STATEMENT_PRIORITY), 1e-6) for s in candidates]
    return (rng or random).choices(candidates, weights=weights, k=1)[0]


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


def opinion_map(*, conversation: Conversation, participant: Participant | None = None) -> dict:
    """The stored analysis with statement texts, ready for the page: groups with their
    representative statements, consensus, divisive statements, and where this participant
    stands. Reads statements once, whatever their number."""
    data = conversation.analysis or {}
    if not data.get("participants"):
        return {"ready": False}
    texts = dict(conversation.statements.values_list("pk", "text"))
    stats = data.get("statements", {})

    def entry(statement_id, **extra):
        counts = stats.get(str(statement_id), {})
        seen = counts.get("agree", 0) + counts.get("disagree", 0) + counts.get("pass", 0)
        return {
            "id": statement_id,
            "text": texts.get(statement_id, ""),
            "agree": counts.get("agree", 0),
            "disagree": counts.get("disagree", 0),
            "pass": counts.get("pass", 0),
            "seen": seen,
            "agree_share": round(100 * counts.get("agree", 0) / seen) if seen else 0,
            "disagree_share": round(100 * counts.get("disagree", 0) / seen) if seen else 0,
            **extra,
        }

    groups = []
    for group in data.get("groups", []):
        reps = []
        for rep in group["representative"]:
            counts = stats.get(str(rep["statement"]), {}).get("groups", [])
            # What was counted in the group: n_success of n_trials agreed (or disagreed).
            # `probability` is Pol.is's smoothed (n + 1) / (N + 2), which ranks statements
            # but reads wrong ("75%" for 2 of 2), so it is never shown.
            counted, seen = rep["n_success"], rep["n_trials"]
            reps.append(
                entry(
                    rep["statement"],
                    direction=rep["direction"],
                    group_count=counted,
                    group_seen=seen,
                    group_share=round(100 * counted / seen) if seen else 0,
                    group_counts=counts[group["id"]] if group["id"] < len(counts) else None,
                )
            )
        groups.append(
            {
                "id": group["id"],
                "label": group_label(group["id"]),
                "size": group["size"],
                "representative": reps,
            }
        )
    gic = data.get("group_informed_consensus", {})
    consensus_agree = [entry(sid, gic=gic.get(str(sid))) for sid in data["consensus"]["agree"]]
    consensus_disagree = [entry(sid) for sid in data["consensus"]["disagree"]]

    # Common ground: statements every group leans towards agreeing with, highest
    # group-informed consensus first.
    def every_group_agrees(statement_id: str) -> bool:
        counts = stats.get(statement_id, {}).get("groups") or []
        return bool(counts) and all(
            (c["agree"] + 1) / (c["agree"] + c["disagree"] + c["pass"] + 2) > 0.5 for c in counts
        )

    by_gic = [
        item
        for item in sorted(gic.items(), key=lambda item: -item[1])
        if every_group_agrees(item[0])
    ][:5]
    divisive = [entry(sid) for sid in data.get("divisive", [])]
    me = None
    if participant is not None:
        position = data["participants"].get(str(participant.pk))
        if position is not None:
            me = {"group": position[2], "label": None}
            if position[2] is not None:
                me["label"] = group_label(position[2])
    return {
        "ready": True,
        "groups": groups,
        "consensus_agree": consensus_agree,
        "consensus_disagree": consensus_disagree,
        "group_consensus": [entry(int(sid), gic=value) for sid, value in by_gic],
        "divisive": divisive,
        "me": me,
        "n_participants": data.get("n_participants", 0),
        "n_clustered": data.get("n_clustered", 0),
        "n_statements": data.get("n_statements", 0),
        "n_votes": data.get("n_votes", 0),
    }


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
