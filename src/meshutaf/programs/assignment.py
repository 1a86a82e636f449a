"""Who reviews whom: a balanced assignment of candidates to reviewers that never pairs a
reviewer with a candidate they are in conflict with. Pure: plain ids in, pairs out.

Each candidate gets up to `k` reviewers; the least-loaded eligible reviewers are taken first
(so loads stay within one of each other where conflicts and caps allow), ties broken by a
seeded order that rotates from one candidate to the next, so reviewers' candidate sets
overlap. The adjusted score model (`ranking.py`) can only compare reviewers joined by
shared candidates, so a last pass swaps pairs to join reviewer groups that share none.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

C = TypeVar("C", bound=Hashable)
R = TypeVar("R", bound=Hashable)

SEARCH = 60


@dataclass
class Assignment(Generic[C, R]):
    pairs: list[tuple[C, R]]  # the new pairs only (not those given as `existing`)
    short: dict[C, int] = field(default_factory=dict)  # candidate -> reviewers still missing
    loads: dict[R, int] = field(default_factory=dict)  # existing and new together
    connected: bool = True  # every reviewer with candidates shares some with the others


def assign(
    *,
    candidates: Iterable[C],
    reviewers: Mapping[R, int | None],
    conflicts: Iterable[tuple[C, R]] = (),
    k: int,
    seed: int = 0,
    existing: Iterable[tuple[C, R]] = (),
) -> Assignment[C, R]:
    """Give each candidate `k` reviewers.

    `reviewers` maps a reviewer to their most candidates (None: no cap); `conflicts` are
    (candidate, reviewer) pairs never to assign; `existing` pairs already made count towards
    both the candidate's `k` and the reviewer's load. The same inputs and `seed` give the
    same answer."""
    if k < 1:
        raise ValueError("k must be at least 1")
    candidate_list = list(dict.fromkeys(candidates))
    reviewer_list = list(reviewers)
    rng = random.Random(seed)  # noqa: S311 (a reproducible order, not a secret)
    order = reviewer_list[:]
    rng.shuffle(order)
    position = {reviewer: index for index, reviewer in enumerate(order)}
    blocked = set(conflicts)

    loads: dict[R, int] = dict.fromkeys(reviewer_list, 0)
    taken: dict[C, set[R]] = {candidate: set() for candidate in candidate_list}
    for candidate, reviewer in existing:
        if reviewer in loads:
            loads[reviewer] += 1
        taken.setdefault(candidate, set()).add(reviewer)

    def room(reviewer: R) -> bool:
        cap = reviewers[reviewer]
        return cap is None or loads[reviewer] < cap

    eligible = {
        candidate: [
            reviewer
            for reviewer in order
            if (candidate, reviewer) not in blocked and reviewer not in taken[candidate]
        ]
        for candidate in candidate_list
    }
    # The most constrained candidates first, so the reviewers they can have are not used up.
    tie = list(range(len(candidate_list)))
    rng.shuffle(tie)
    queue = sorted(
        range(len(candidate_list)),
        key=lambda index: (len(eligible[candidate_list[index]]), tie[index]),
    )

    count = len(order) or 1
    step = max(k - 1, 1)
    pointer = 0
    pairs: list[tuple[C, R]] = []
    short: dict[C, int] = {}
    for index in queue:
        candidate = candidate_list[index]
        needed = k - len(taken[candidate])
        if needed <= 0:
            continue
        options = [reviewer for reviewer in eligible[candidate] if room(reviewer)]
        start = pointer
        options.sort(key=lambda reviewer: (loads[reviewer], (position[reviewer] - start) % count))
        chosen = options[:needed]
        for reviewer in chosen:
            loads[reviewer] += 1
            taken[candidate].add(reviewer)
            pairs.append((candidate, reviewer))
        if len(chosen) < needed:
            short[candidate] = needed - len(chosen)
        pointer = (pointer + step) % count

    result = Assignment(pairs=pairs, short=short, loads=loads)
    _connect(result, taken, blocked, set(pairs))
    return result


def _components(taken: Mapping[C, set[R]]) -> list[set[R]]:
    parent: dict[R, R] = {}

    def find(item: R) -> R:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for reviewers in taken.values():
        members = list(reviewers)
        for reviewer in members:
            find(reviewer)
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[R, set[R]] = {}
    for reviewer in parent:
        groups.setdefault(find(reviewer), set()).add(reviewer)
    return list(groups.values())


def _connect(
    result: Assignment[C, R],
    taken: dict[C, set[R]],
    blocked: set[tuple[C, R]],
    new: set[tuple[C, R]],
) -> None:
    """Join reviewer groups that share no candidate by swapping one reviewer between two
    candidates (loads unchanged). Only new pairs move; existing ones are someone's work."""
    for _attempt in range(len(result.loads) + 1):
        groups = _components(taken)
        if len(groups) <= 1:
            result.connected = True
            return
        if not _swap_once(result, taken, blocked, new, groups[0], groups[1:]):
            result.connected = False
            return
    result.connected = len(_components(taken)) <= 1


def _swap_once(
    result: Assignment[C, R],
    taken: dict[C, set[R]],
    blocked: set[tuple[C, R]],
    new: set[tuple[C, R]],
    first: set[R],
    others: list[set[R]],
) -> bool:
    # A bounded search: a swap is found among the first few candidates or not at all.
    inside = [c for c, rs in taken.items() if len(rs) >= 2 and rs <= first][:SEARCH]
    for group in others:
        outside = [c for c, rs in taken.items() if len(rs) >= 2 and rs <= group][:SEARCH]
        for one in inside:
            for two in outside:
                for a in taken[one]:
                    if (one, a) not in new:
                        continue
                    for b in taken[two]:
                        if (two, b) not in new:
                            continue
                        if (one, b) in blocked or (two, a) in blocked:
                            continue
                        if b in taken[one] or a in taken[two]:
                            continue
                        taken[one] ^= {a, b}
                        taken[two] ^= {a, b}
                        new -= {(one, a), (two, b)}
                        new |= {(one, b), (two, a)}
                        result.pairs = [
                            (c, r) for c, r in result.pairs if (c, r) not in {(one, a), (two, b)}
                        ] + [(one, b), (two, a)]
                        return True
    return False
