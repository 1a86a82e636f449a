"""The selection decision by explicit rules: who is selected, who waits and in what order, who
is not selected, and why every candidate whose place departs from rank order moved.

Pure: plain candidates and quotas in, a proposal out, no database. The rules, in order:

1. **Eligibility.** Only candidates who applied (not nominated-only, declined or withdrawn)
   take part; the others are not selected ("not eligible"). An eligible candidate nobody
   could score has no rank and is not selected by the rules ("not scored").
2. **Rank order.** By adjusted score, best first; a tie (equal to 9 decimals) is broken by the
   raw mean (the evidence without the model), then by name and id, so the same scores always
   give the same order. This order is the baseline every departure is measured against: the
   first `capacity` are selected, the next `waitlist_size` wait, the rest are not selected.
3. **The committee's recommendation.** "Do not recommend" excludes the candidate from the
   places and the waiting list; "waiting list" keeps them off the places and always puts them
   on the waiting list (at their rank); "recommend" or no recommendation leaves rank order.
4. **Binding quotas** (per ministry, sector or gender; at least / at most), with capacity
   the overall maximum. Minimums first: for each quota with a minimum (by kind, then id),
   its best-ranked members are placed until the minimum is met, skipping anyone a maximum
   holds back. Then the remaining places go by rank, skipping anyone whose selection would
   pass a quota's maximum. A minimum that cannot be met (too few eligible members, or the
   minimums add up to more than the places) is reported, not forced.
5. **Waiting list**: the remaining candidates in rank order (held back by a maximum
   included: a place may open in another group), up to `waitlist_size`, plus every candidate
   the committee put on it.

Each candidate whose outcome differs from the baseline carries the reasons that moved them:
held back by a quota's maximum, pulled up by a minimum, not recommended or waitlisted by the
committee, moved up into a place freed by those, or displaced by those pulled up.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SELECTED = "selected"
WAITLISTED = "waitlisted"
NOT_SELECTED = "not_selected"

RECOMMEND = "recommend"
WAITLIST = "waitlist"
DO_NOT_RECOMMEND = "do_not_recommend"

# Reasons, as codes; the pages and the log put them in words.
INELIGIBLE = "ineligible"
NOT_SCORED = "not_scored"
NOT_RECOMMENDED = "not_recommended"
COMMITTEE_WAITLIST = "committee_waitlist"
QUOTA_MAXIMUM = "quota_maximum"
QUOTA_MINIMUM = "quota_minimum"
PLACE_FREED = "place_freed"
DISPLACED = "displaced"
TIE = "tie"

_TIE_DECIMALS = 9


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    eligible: bool
    adjusted: float | None  # None or NaN: not scored
    raw_mean: float | None = None
    groups: Mapping[str, str] = field(default_factory=dict)  # {"organisation": "7", ...}
    recommendation: str = ""


@dataclass(frozen=True)
class QuotaRule:
    id: int
    kind: str  # a key of Candidate.groups
    value: str
    minimum: int = 0
    maximum: int | None = None

    def covers(self, candidate: Candidate) -> bool:
        return candidate.groups.get(self.kind) == self.value


@dataclass(frozen=True)
class Reason:
    code: str
    quota_id: int | None = None


@dataclass(frozen=True)
class Placement:
    id: int
    name: str
    rank: int | None  # in rank order among the eligible, scored candidates; 1 = best
    baseline: str  # the outcome rank order alone would give
    outcome: str
    waitlist_position: int | None
    reasons: tuple[Reason, ...]

    @property
    def departs(self) -> bool:
        return self.outcome != self.baseline


@dataclass(frozen=True)
class UnmetMinimum:
    quota_id: int
    minimum: int
    reached: int


@dataclass(frozen=True)
class Proposal:
    placements: tuple[Placement, ...]  # selected by rank, waiting list in order, the rest
    capacity: int
    waitlist_size: int
    unmet: tuple[UnmetMinimum, ...]
    unfilled: int  # places left empty

    def of(self, outcome: str) -> list[Placement]:
        return [p for p in self.placements if p.outcome == outcome]

    @property
    def departures(self) -> list[Placement]:
        return [p for p in self.placements if p.departs]


def _scored(candidate: Candidate) -> bool:
    return candidate.adjusted is not None and not math.isnan(candidate.adjusted)


def rank_order(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The eligible, scored candidates, best first (rule 2)."""

    def key(c: Candidate):
        raw = c.raw_mean if c.raw_mean is not None and not math.isnan(c.raw_mean) else -math.inf
        return (-round(c.adjusted or 0.0, _TIE_DECIMALS), -raw, c.name.casefold(), c.id)

    return sorted((c for c in candidates if c.eligible and _scored(c)), key=key)


def decide(
    candidates: Sequence[Candidate],
    *,
    capacity: int,
    quotas: Sequence[QuotaRule] = (),
    waitlist_size: int = 0,
) -> Proposal:
    if capacity < 0 or waitlist_size < 0:
        raise ValueError("capacity and waitlist_size must not be negative")
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("each candidate once")
    ordered = rank_order(candidates)
    rank = {c.id: i + 1 for i, c in enumerate(ordered)}
    tied = _ties(ordered)
    baseline = {
        c.id: SELECTED
        if i < capacity
        else WAITLISTED
        if i < capacity + waitlist_size
        else NOT_SELECTED
        for i, c in enumerate(ordered)
    }
    reasons: dict[int, list[Reason]] = {c.id: [] for c in candidates}
    for c in candidates:
        if not c.eligible:
            reasons[c.id].append(Reason(INELIGIBLE))
        elif not _scored(c):
            reasons[c.id].append(Reason(NOT_SCORED))
        elif c.recommendation == DO_NOT_RECOMMEND:
            reasons[c.id].append(Reason(NOT_RECOMMENDED))
        elif c.recommendation == WAITLIST:
            reasons[c.id].append(Reason(COMMITTEE_WAITLIST))

    pool = [c for c in ordered if c.recommendation not in (DO_NOT_RECOMMEND, WAITLIST)]
    binding = sorted(quotas, key=lambda q: (q.kind, q.id))
    counts = {q.id: 0 for q in binding}
    selected: list[Candidate] = []
    chosen: set[int] = set()
    pulled: dict[int, int] = {}  # candidate → the minimum's quota that placed them
    held: dict[int, int] = {}  # candidate → the first maximum that held them back

    def blocking_maximum(c: Candidate) -> QuotaRule | None:
        for q in binding:
            if q.maximum is not None and q.covers(c) and counts[q.id] >= q.maximum:
                return q
        return None

    def place(c: Candidate) -> None:
        selected.append(c)
        chosen.add(c.id)
        for q in binding:
            if q.covers(c):
                counts[q.id] += 1

    # Rule 4, minimums first.
    for q in binding:
        if q.minimum <= 0:
            continue
        for c in pool:
            if counts[q.id] >= q.minimum or len(selected) >= capacity:
                break
            if c.id in chosen or not q.covers(c):
                continue
            blocker = blocking_maximum(c)
            if blocker is not None:
                held.setdefault(c.id, blocker.id)
                continue
            place(c)
            pulled[c.id] = q.id
    # Then by rank.
    for c in pool:
        if len(selected) >= capacity:
            break
        if c.id in chosen:
            continue
        blocker = blocking_maximum(c)
        if blocker is not None:
            held.setdefault(c.id, blocker.id)
            continue
        place(c)
    unmet = tuple(
        UnmetMinimum(quota_id=q.id, minimum=q.minimum, reached=counts[q.id])
        for q in binding
        if counts[q.id] < q.minimum
    )

    # Rule 5: the waiting list, in rank order.
    waiting: list[Candidate] = []
    by_rank = 0
    for c in ordered:
        if c.id in chosen or c.recommendation == DO_NOT_RECOMMEND:
            continue
        if c.recommendation == WAITLIST:
            waiting.append(c)
        elif by_rank < waitlist_size:
            waiting.append(c)
            by_rank += 1
    waiting_ids = {c.id: i + 1 for i, c in enumerate(waiting)}

    def outcome_of(c: Candidate) -> str:
        if c.id in chosen:
            return SELECTED
        return WAITLISTED if c.id in waiting_ids else NOT_SELECTED

    order_of = {SELECTED: 0, WAITLISTED: 1, NOT_SELECTED: 2}
    placements = []
    for c in candidates:
        outcome = outcome_of(c)
        base = baseline.get(c.id, NOT_SELECTED)
        why = reasons[c.id]
        if c.id in pulled and base != SELECTED:
            why.append(Reason(QUOTA_MINIMUM, pulled[c.id]))
        if c.id in held and outcome != SELECTED:
            why.append(Reason(QUOTA_MAXIMUM, held[c.id]))
        if outcome != base and not any(r.code != TIE for r in why):
            # Nothing held this candidate back or pulled them up themselves: others moved.
            better = order_of[outcome] < order_of[base]
            why.append(Reason(PLACE_FREED if better else DISPLACED))
        if c.id in tied and (outcome != base or _straddles(c, ordered, capacity, waitlist_size)):
            why.append(Reason(TIE))
        placements.append(
            Placement(
                id=c.id,
                name=c.name,
                rank=rank.get(c.id),
                baseline=base,
                outcome=outcome,
                waitlist_position=waiting_ids.get(c.id),
                reasons=tuple(why),
            )
        )
    position = {c.id: i for i, c in enumerate(selected)}
    unranked = len(ordered) + 1

    def sort_key(p: Placement):
        if p.outcome == SELECTED:
            return (0, rank.get(p.id, unranked), position[p.id])
        if p.outcome == WAITLISTED:
            return (1, p.waitlist_position or 0, 0)
        return (2, p.rank or unranked, p.name.casefold(), p.id)

    placements.sort(key=sort_key)
    return Proposal(
        placements=tuple(placements),
        capacity=capacity,
        waitlist_size=waitlist_size,
        unmet=unmet,
        unfilled=max(0, capacity - len(selected)),
    )


def _ties(ordered: list[Candidate]) -> set[int]:
    """Candidates whose adjusted score equals a neighbour's: their order came from the
    tie-break, not the score."""
    tied: set[int] = set()
    for previous, current in itertools.pairwise(ordered):
        if round(previous.adjusted or 0.0, _TIE_DECIMALS) == round(
            current.adjusted or 0.0, _TIE_DECIMALS
        ):
            tied.update((previous.id, current.id))
    return tied


def _straddles(c: Candidate, ordered: list[Candidate], capacity: int, waitlist: int) -> bool:
    """Whether `c`'s tie spans a line (the last place, the waiting list's end), so that the
    tie-break decided the outcome."""
    value = round(c.adjusted or 0.0, _TIE_DECIMALS)
    positions = [
        i for i, other in enumerate(ordered) if round(other.adjusted or 0.0, _TIE_DECIMALS) == value
    ]
    lines = (capacity, capacity + waitlist)
    return any(min(positions) < line <= max(positions) for line in lines)
