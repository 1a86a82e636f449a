"""The selection in the API, for programme staff (members get 403, outsiders 404): the board
(raw and adjusted scores side by side, intervals, rank bands, offsets, agreement) and the
decision log. Typed and versioned: a client reads `SelectionBoardV1`, never stored JSON."""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from meshutaf.core.access import Action
from meshutaf.core.schemas import ErrorOut, Id

from .permissions import cohort_get_for_user
from .selectors import selection as selectors

router = Router(tags=["programs"])


class BoardCandidateV1(Schema):
    nomination_id: int
    name: str
    organisation_id: int
    organisation: str
    eligible: bool
    raw_mean: float | None
    median: float | None
    spread: float | None
    adjusted: float | None
    low: float | None
    high: float | None
    rank: int | None
    band: list[int] | None
    disagreement: float | None
    reviews: int
    cannot_judge: int
    conflicts: int
    consensus_queue: bool
    recommendation: str | None
    decision: str


class BoardReviewerV1(Schema):
    reviewer_id: int
    name: str
    candidates: int
    offset: float | None
    offset_se: float | None


class BoardAgreementV1(Schema):
    criterion: str
    alpha: float | None
    reading: str


class SelectionBoardV1(Schema):
    cohort_id: int
    scale: list[float]
    level: float
    consensus_threshold: float
    components: int
    candidates: list[BoardCandidateV1]
    reviewers: list[BoardReviewerV1]
    agreement: list[BoardAgreementV1]
    alpha_overall: float | None
    consensus_queue: list[int]


class DecisionLogEntryV1(Schema):
    id: int
    when: datetime.datetime
    kind: str
    nomination_id: int | None
    candidate: str | None
    rank: int | None
    decision: str | None
    reason: str
    by: str | None


@router.get("/programs/cohorts/{cohort_id}/board", response={200: SelectionBoardV1, 403: ErrorOut})
def board(request, cohort_id: Id):
    """The selection board: every candidate's raw and adjusted scores (adjusted = what an
    average reviewer would give), interval, rank band, disagreement and counts."""
    cohort, _role = cohort_get_for_user(user=request.user, pk=cohort_id, action=Action.MANAGE)
    data = selectors.board(cohort)
    return {
        "cohort_id": cohort.pk,
        "scale": list(data.scale),
        "level": data.level,
        "consensus_threshold": data.threshold,
        "components": data.components,
        "candidates": [
            {
                "nomination_id": row.nomination_id,
                "name": row.name,
                "organisation_id": row.organisation_id,
                "organisation": row.organisation,
                "eligible": row.eligible,
                "raw_mean": row.raw_mean,
                "median": row.median,
                "spread": row.spread,
                "adjusted": row.adjusted,
                "low": row.low,
                "high": row.high,
                "rank": row.rank,
                "band": list(row.band) if row.band else None,
                "disagreement": row.disagreement,
                "reviews": row.n_reviews,
                "cannot_judge": row.n_cannot_judge,
                "conflicts": row.conflicts,
                "consensus_queue": row.consensus,
                "recommendation": row.recommendation or None,
                "decision": row.decision,
            }
            for row in data.rows
        ],
        "reviewers": [
            {
                "reviewer_id": r.reviewer_id,
                "name": r.name,
                "candidates": r.n_candidates,
                "offset": r.offset,
                "offset_se": r.se,
            }
            for r in data.reviewers
        ],
        "agreement": [
            {"criterion": a.code, "alpha": a.alpha, "reading": a.reading} for a in data.agreement
        ],
        "alpha_overall": data.alpha_overall,
        "consensus_queue": [row.nomination_id for row in data.queue],
    }


@router.get(
    "/programs/cohorts/{cohort_id}/decision-log",
    response={200: list[DecisionLogEntryV1], 403: ErrorOut},
)
def decision_log(request, cohort_id: Id):
    """The cohort's decision log, oldest first."""
    cohort, _role = cohort_get_for_user(user=request.user, pk=cohort_id, action=Action.MANAGE)
    return [
        {
            "id": entry.pk,
            "when": entry.created_at,
            "kind": entry.kind,
            "nomination_id": entry.nomination_id,
            "candidate": entry.nomination.candidate_name if entry.nomination else None,
            "rank": entry.rank,
            "decision": entry.decision or None,
            "reason": entry.reason,
            "by": (entry.by.get_full_name() or entry.by.get_username()) if entry.by else None,
        }
        for entry in selectors.decision_log(cohort)
    ]
