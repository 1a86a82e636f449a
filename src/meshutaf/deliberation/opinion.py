"""The opinion map: who agrees with whom, and on what, from agree/disagree/pass votes.

Pure numpy/scipy, no database: `analyze(votes)` takes a `VoteTable` and returns an `Analysis`.
It follows the steps Pol.is runs in its math worker, so groups found here agree with the ones
Pol.is shows for the same conversation:

1. The vote matrix (participants × statements; agree 1, disagree -1, pass 0, missing empty).
   Statements moderated out keep their column but every entry becomes 0 ("moderation
   zeroing"), so they shape nothing yet still count as answered.
2. Participants who voted on at least min(7, statements) statements take part in the
   clustering; below 15 such people, the most active voters are added until there are 15.
   We leave out anyone who never agreed or disagreed: a position made of passes says nothing.
3. PCA to two components on the matrix with missing votes imputed by the statement's mean
   vote. After centring, an imputed cell is exactly zero, so the centred matrix is as sparse as
   the votes and is never made dense.
4. Each participant is projected from their own votes only and pushed out from the centre by
   √(statements / their votes), so people who voted little are not all piled in the middle.
5. k-means with k = 100 "base clusters" on the projected points (first k distinct points as
   the start, as Pol.is does), then k-means for k = 2…5 on the base-cluster centres weighted
   by their sizes; the k with the best silhouette (over base-cluster centres) wins.
6. Per group and statement: representativeness (Pol.is's one-sided two-proportion tests at
   90%, ranked by ra·rat·pa·pat), group-informed consensus (the product over groups of each
   group's smoothed agreement, and the same for disagreement), overall consensus (smoothed
   agreement above one half, significant at 90%) and divisive statements.

Everything is deterministic: the only random input, the start vector of the sparse SVD, comes
from `seed`. Rows are ordered by each participant's first vote, so renaming participants or
statements changes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

from . import kernels
from .results import KState  # kept with the stored map, which carries it between updates
from .scoring import adjusted_rand_index  # noqa: F401  (part of this module's interface)

BASE_K = 100
MAX_GROUPS = 5
MIN_VOTES = 7
GREEDY_PARTICIPANTS = 15
BASE_ITERATIONS = 100
GROUP_ITERATIONS = 20
GROUP_RESTARTS = 20
K_BUFFER = 4
K_MARGIN = 0.05
# Below this many matrix cells an exact dense SVD is cheap; above, a sparse one.
DENSE_CELLS = 100_000
Z_90 = 1.2816  # one-sided 90%
TOP_REPRESENTATIVE = 5
TOP_CONSENSUS = 5


@dataclass
class VoteTable:
    """Votes as parallel arrays. `participants` and `statements` name the rows and columns in
    the order their first vote arrived; `participant_index`/`statement_index` point into them.
    One vote per (participant, statement): the caller keeps the latest."""

    participants: list
    statements: list
    participant_index: np.ndarray
    statement_index: np.ndarray
    value: np.ndarray  # int8: 1 agree, -1 disagree, 0 pass
    moderated_out: frozenset = frozenset()
    # Per participant: did they ever meet the bar to be clustered while votes arrived?
    # None when the votes' order is unknown; then only the final counts decide.
    ever_in: np.ndarray | None = None

    @classmethod
    def from_votes(cls, votes, *, moderated_out=()) -> VoteTable:
        """Build from (participant, statement, value) tuples in the order they were cast;
        a later tuple for the same pair replaces the earlier one. Statements nobody voted
        on are not columns (they carry no information; Pol.is leaves them out too)."""
        participant_ids: dict = {}
        statement_ids: dict = {}
        latest: dict = {}
        # Pol.is keeps a participant in the clustering once they qualify: min(7, statements
        # so far) votes, or being among the first 15 voters while fewer than 15 qualify.
        answered: list[int] = []
        ever_in: list[bool] = []
        n_in = 0
        for participant, statement, value in votes:
            if value not in (-1, 0, 1):
                raise ValueError(f"vote must be -1, 0 or 1, not {value!r}")
            row = participant_ids.setdefault(participant, len(participant_ids))
            column = statement_ids.setdefault(statement, len(statement_ids))
            if row == len(answered):
                answered.append(0)
                ever_in.append(False)
            if (row, column) not in latest:
                answered[row] += 1
            latest.pop((row, column), None)  # re-insert so order follows the latest vote
            latest[(row, column)] = value
            if not ever_in[row] and (
                n_in < GREEDY_PARTICIPANTS or answered[row] >= min(MIN_VOTES, len(statement_ids))
            ):
                ever_in[row] = True
                n_in += 1
        if latest:
            keys = np.array(list(latest.keys()), dtype=np.int64)
            rows, columns = keys[:, 0], keys[:, 1]
            values = np.fromiter(latest.values(), dtype=np.int8, count=len(latest))
        else:
            rows = columns = np.zeros(0, dtype=np.int64)
            values = np.zeros(0, dtype=np.int8)
        return cls(
            participants=list(participant_ids),
            statements=list(statement_ids),
            participant_index=rows,
            statement_index=columns,
            value=values,
            moderated_out=frozenset(s for s in moderated_out if s in statement_ids),
            ever_in=np.array(ever_in, dtype=bool),
        )

    @property
    def n_votes(self) -> int:
        return int(self.value.size)


@dataclass
class Representative:
    statement: object
    direction: str  # "agree" or "disagree"
    score: float  # ra · rat · pa · pat
    probability: float  # the group's smoothed share agreeing (or disagreeing)
    ratio: float  # that share over the same share outside the group
    n_success: int
    n_trials: int


@dataclass
class Group:
    id: int
    members: list  # participant ids
    center: tuple[float, float]
    representative: list[Representative] = field(default_factory=list)


@dataclass
class Analysis:
    """The pipeline's output at full precision, with the ids it was given. The app keeps
    `results.OpinionMap.from_analysis(analysis)`; the command line prints `as_json()`."""

    participants: dict  # participant id -> group id or None (not clustered)
    positions: dict  # participant id -> (x, y) for everyone with a vote
    groups: list[Group]
    consensus_agree: list
    consensus_disagree: list
    group_informed_consensus: dict  # statement -> agreement product over groups
    group_informed_disagreement: dict
    divisive: list  # statements that split the groups most, most divisive first
    statement_stats: dict  # statement -> {"agree", "disagree", "pass", "groups": [...]}
    priorities: dict  # statement -> routing priority (see `statement_priorities`)
    silhouette: float | None
    k_state: KState | None
    n_participants: int
    n_statements: int
    n_votes: int
    seconds: float = 0.0

    def as_json(self) -> dict:
        """The shape `meshutaf deliberation analyze --json` prints. Statement ids that are
        numbers (as Pol.is's are) are printed as numbers; object keys are always strings."""
        return {
            "participants": {str(pid): gid for pid, gid in self.participants.items()},
            "groups": [
                {
                    "id": group.id,
                    "size": len(group.members),
                    "repness": [
                        {
                            "statement": _json_id(rep.statement),
                            "direction": rep.direction,
                            "score": round(rep.score, 6),
                        }
                        for rep in group.representative
                    ],
                }
                for group in self.groups
            ],
            "consensus": {
                "agree": [_json_id(sid) for sid in self.consensus_agree],
                "disagree": [_json_id(sid) for sid in self.consensus_disagree],
            },
            "group_informed_consensus": {
                str(sid): round(value, 6) for sid, value in self.group_informed_consensus.items()
            },
            "seconds": round(self.seconds, 4),
        }


def _json_id(value):
    """Pol.is's ids are integers: print "12" as 12, but leave "007" or "①" as text so no
    two ids can collide."""
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isdecimal()
        and len(value) < 16
        and str(int(value)) == value
    ):
        return int(value)
    return value


# --- statistics -------------------------------------------------------------------------


def prop_test(successes, trials):
    """One-proportion z against one half, with the +1 smoothing Pol.is uses."""
    successes = np.asarray(successes, dtype=float) + 1
    trials = np.asarray(trials, dtype=float) + 1
    return 2 * np.sqrt(trials) * (successes / trials - 0.5)


def two_prop_test(successes_in, successes_out, trials_in, trials_out):
    """Two-proportion z (inside the group versus the rest), +1 smoothed."""
    s1 = np.asarray(successes_in, dtype=float) + 1
    s2 = np.asarray(successes_out, dtype=float) + 1
    n1 = np.asarray(trials_in, dtype=float) + 1
    n2 = np.asarray(trials_out, dtype=float) + 1
    pooled = (s1 + s2) / (n1 + n2)
    denominator = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / denominator
    return np.where(pooled >= 1, 0.0, z)


# --- the pipeline -------------------------------------------------------------------------


@dataclass
class _Matrix:
    """The sparse pieces every step shares. `values`, `voted` and the centred matrix share
    one sparsity pattern (their index arrays are the same objects), so a vote costs its index
    once and 8 bytes per matrix."""

    n_rows: int
    n_columns: int
    voted: sparse.csr_matrix  # 1 where a vote exists (moderated-out columns filled in)
    values: sparse.csr_matrix  # the vote, moderated-out columns zero
    raw_counts: np.ndarray  # votes per participant, as cast
    opinion_counts: np.ndarray  # agree/disagree votes per participant on kept statements
    kept: np.ndarray  # bool per column: not moderated out
    ever_in: np.ndarray | None


def _build_matrix(table: VoteTable) -> _Matrix:
    n_rows, n_columns = len(table.participants), len(table.statements)
    # 32-bit indices: every reader stops far below 2**31 participants or statements.
    rows = np.asarray(table.participant_index, dtype=np.int32)
    columns = np.asarray(table.statement_index, dtype=np.int32)
    votes = np.asarray(table.value, dtype=np.int8)
    kept = np.ones(n_columns, dtype=bool)
    moderated = [i for i, sid in enumerate(table.statements) if sid in table.moderated_out]
    kept[moderated] = False
    raw_counts = np.bincount(rows, minlength=n_rows)
    keep_vote = kept[columns]
    opinion_counts = np.bincount(rows[(votes != 0) & keep_vote], minlength=n_rows)
    if not keep_vote.all():
        rows, columns, votes = rows[keep_vote], columns[keep_vote], votes[keep_vote]
    del keep_vote
    shape = (n_rows, n_columns)
    value_matrix = sparse.csr_matrix((votes.astype(np.float64), (rows, columns)), shape=shape)
    del rows, columns, votes
    value_matrix.sum_duplicates()  # one vote per pair already: this only sorts the indices
    voted = sparse.csr_matrix(
        (np.ones(value_matrix.nnz), value_matrix.indices, value_matrix.indptr), shape=shape
    )
    return _Matrix(
        n_rows=n_rows,
        n_columns=n_columns,
        voted=voted,
        values=value_matrix,
        raw_counts=raw_counts,
        opinion_counts=opinion_counts,
        kept=kept,
        ever_in=table.ever_in,
    )


def _principal_components(
    m: _Matrix, seed: int
) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix]:
    """Column means and the top two principal directions of the mean-imputed matrix.
    Returns (center, components 2×n_columns, centred sparse matrix)."""
    values = m.values
    counts = np.bincount(values.indices, minlength=m.n_columns).astype(np.float64)
    sums = np.bincount(values.indices, weights=values.data, minlength=m.n_columns).astype(float)
    center = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    # Centre only the stored cells: imputed cells become exactly zero after centring.
    centred = sparse.csr_matrix(
        (values.data - center[values.indices], values.indices, values.indptr),
        shape=(m.n_rows, m.n_columns),
    )
    components = np.zeros((2, m.n_columns))
    n_components = min(2, m.n_rows, m.n_columns)
    if n_components == 0 or centred.nnz == 0:
        return center, components, centred
    if min(m.n_rows, m.n_columns) < 3 or m.n_rows * m.n_columns <= DENSE_CELLS:
        _, _, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        found = vt[:n_components]
    else:
        rng = np.random.default_rng(seed)
        start = rng.standard_normal(min(centred.shape))
        _, singular, vt = svds(centred, k=n_components, v0=start, solver="arpack", tol=1e-10)
        found = vt[np.argsort(-singular)]
    for i, vector in enumerate(found):
        # A principal direction has no sign; fix one so results repeat exactly.
        pivot = np.argmax(np.abs(vector))
        components[i] = vector if vector[pivot] >= 0 else -vector
    return center, components, centred


def _project(m: _Matrix, centred: sparse.csr_matrix, components: np.ndarray) -> np.ndarray:
    """Sparsity-aware projection: only a participant's own votes, scaled by
    √(statements / votes). Moderated-out columns count as answered (they hold a zero)."""
    raw = centred @ components.T
    n_moderated = int((~m.kept).sum())
    answered = np.diff(m.voted.indptr) + n_moderated
    scale = np.sqrt(m.n_columns / np.maximum(answered, 1))
    return raw * scale[:, None]


def _in_conversation(m: _Matrix) -> np.ndarray:
    """Row indices taking part in clustering, in row order."""
    threshold = min(MIN_VOTES, m.n_columns)
    eligible = m.opinion_counts > 0
    chosen = (m.raw_counts >= threshold) & eligible
    if m.ever_in is not None:
        chosen |= m.ever_in & eligible
    if chosen.sum() < GREEDY_PARTICIPANTS:
        rest = np.flatnonzero(~chosen & eligible & (m.raw_counts > 0))
        order = rest[np.argsort(-m.raw_counts[rest], kind="stable")]
        chosen[order[: GREEDY_PARTICIPANTS - int(chosen.sum())]] = True
    return np.flatnonzero(chosen)


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first k distinct rows, in order."""
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:k]


def _same_centres(old: np.ndarray, new: np.ndarray, threshold: float = 0.01) -> bool:
    a = old[np.lexsort(old.T[::-1])]
    b = new[np.lexsort(new.T[::-1])]
    n = min(len(a), len(b))
    return bool(np.all(np.linalg.norm(a[:n] - b[:n], axis=1) < threshold))


def kmeans(
    points: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
    max_iterations: int,
    restarts: int = 0,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means as Pol.is runs it: start from the first k distinct points, drop
    clusters that empty, stop when the sorted centres move less than 0.01.

    Pol.is never clusters from scratch: each update starts from the previous clusters, so its
    groups follow a good solution as votes arrive. Clustering once, the first-k start can land
    in a poor local optimum, so `restarts` more starts (k-means++ from `rng`) are tried and the
    lowest weighted within-cluster sum of squares wins. Returns (labels, centres)."""
    if weights is None:
        weights = np.ones(len(points))
    starts = [points[_first_distinct(points, k)].astype(np.float64)]
    if restarts and rng is not None and len(starts[0]) == k:
        starts += [_kmeans_plus_plus(points, weights, k, rng) for _ in range(restarts)]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for start in starts:
        labels, centres = _lloyd(points, weights, start, max_iterations)
        inertia = float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())
        if best is None or inertia < best[0] - 1e-9:
            best = (inertia, labels, centres)
    if best is None:  # never: there is always the first-k start
        raise ValueError("k-means needs a start")
    return best[1], best[2]


def _kmeans_plus_plus(points, weights, k, rng) -> np.ndarray:
    chosen = [rng.choice(len(points), p=weights / weights.sum())]
    closest = ((points - points[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        mass = weights * closest
        if mass.sum() <= 0:
            break
        chosen.append(rng.choice(len(points), p=mass / mass.sum()))
        closest = np.minimum(closest, ((points - points[chosen[-1]]) ** 2).sum(axis=1))
    return points[chosen].astype(np.float64)


def _lloyd(points, weights, centres, max_iterations):
    """Lloyd's steps as Pol.is takes them (compiled, see `kernels.lloyd`); the labels are
    then each point's nearest final centre."""
    points = np.ascontiguousarray(points, dtype=np.float64)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    guess = np.full(len(points), -1, dtype=np.int64)
    labels, centres, _ = kernels.lloyd(points, weights, centres, max_iterations, 0.01, guess)
    return kernels.nearest(points, centres, labels), centres


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points (here: base-cluster centres, unweighted); a point alone in
    its cluster scores 0."""
    n = len(labels)
    if n < 2:
        return 0.0
    clusters = np.unique(labels)
    if clusters.size < 2:
        return 0.0
    one_hot = (labels[:, None] == clusters[None, :]).astype(float)
    sizes = one_hot.sum(axis=0)
    sums = distances @ one_hot  # n × clusters: total distance to each cluster
    own = np.searchsorted(clusters, labels)
    own_size = sizes[own] - 1
    a = np.divide(sums[np.arange(n), own], own_size, out=np.zeros(n), where=own_size > 0)
    mean_to = sums / sizes[None, :]
    mean_to[np.arange(n), own] = np.inf
    b = mean_to.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (b - a) / np.maximum(a, b)
    s = np.where(own_size > 0, np.nan_to_num(s), 0.0)
    return float(s.mean())


def _group_counts(m: _Matrix, labels: np.ndarray, n_groups: int, rows: np.ndarray):
    """Agree, disagree and seen counts per group (n_groups × n_columns)."""
    indicator = sparse.csr_matrix((np.ones(rows.size), (labels, rows)), shape=(n_groups, m.n_rows))
    agree = indicator @ (m.values > 0).astype(np.float64)
    disagree = indicator @ (m.values < 0).astype(np.float64)
    seen = indicator @ m.voted
    return (
        np.asarray(agree.todense()),
        np.asarray(disagree.todense()),
        np.asarray(seen.todense()),
    )


def _representative(statements, kept, agree, disagree, seen) -> list[list[Representative]]:
    """Pol.is's representative-statement selection for every group."""
    n_groups = agree.shape[0]
    pa = (agree + 1) / (seen + 2)
    pd = (disagree + 1) / (seen + 2)
    pat = prop_test(agree, seen)
    pdt = prop_test(disagree, seen)
    rest_agree = agree.sum(axis=0)[None, :] - agree
    rest_disagree = disagree.sum(axis=0)[None, :] - disagree
    rest_seen = seen.sum(axis=0)[None, :] - seen
    ra = pa / ((rest_agree + 1) / (rest_seen + 2))
    rd = pd / ((rest_disagree + 1) / (rest_seen + 2))
    rat = two_prop_test(agree, rest_agree, seen, rest_seen)
    rdt = two_prop_test(disagree, rest_disagree, seen, rest_seen)

    agree_metric = ra * rat * pa * pat
    disagree_metric = rd * rdt * pd * pdt

    def as_agree(g, j) -> Representative:
        return Representative(
            statement=statements[j],
            direction="agree",
            score=float(agree_metric[g, j]),
            probability=float(pa[g, j]),
            ratio=float(ra[g, j]),
            n_success=int(agree[g, j]),
            n_trials=int(seen[g, j]),
        )

    def finalise(g, j) -> Representative:
        """Whichever direction this statement sets the group apart in more."""
        if rat[g, j] > rdt[g, j]:
            return as_agree(g, j)
        return Representative(
            statement=statements[j],
            direction="disagree",
            score=float(disagree_metric[g, j]),
            probability=float(pd[g, j]),
            ratio=float(rd[g, j]),
            n_success=int(disagree[g, j]),
            n_trials=int(seen[g, j]),
        )

    result = []
    columns = np.flatnonzero(kept)
    for g in range(n_groups):
        sufficient = []
        best = None  # (z, column) while nothing passes
        best_agree = None  # column
        for j in columns:
            passes = (rat[g, j] > Z_90 and pat[g, j] > Z_90) or (
                rdt[g, j] > Z_90 and pdt[g, j] > Z_90
            )
            if passes:
                sufficient.append(j)
            if not sufficient and (best is None or max(rat[g, j], rdt[g, j]) > best[0]):
                best = (max(rat[g, j], rdt[g, j]), j)
            if agree[g, j] == 0 and disagree[g, j] == 0:
                continue
            if best_agree is not None and ra[g, best_agree] > 1.0:
                beats = (
                    ra[g, j] * rat[g, j] * pa[g, j] * pat[g, j]
                    > ra[g, best_agree]
                    * rat[g, best_agree]
                    * pa[g, best_agree]
                    * pat[g, best_agree]
                )
            elif best_agree is not None:
                beats = pa[g, j] * pat[g, j] > pa[g, best_agree] * pat[g, best_agree]
            else:
                beats = pat[g, j] > Z_90 or (ra[g, j] > 1.0 and pa[g, j] > 0.5)
            if beats:
                best_agree = j
        head = []
        if best_agree is not None:
            head = [as_agree(g, best_agree)]
        elif best is not None:
            head = [finalise(g, best[1])]
        if not sufficient:
            result.append(head)
            continue
        ranked = sorted(
            (finalise(g, j) for j in sufficient if j != best_agree),
            key=lambda rep: -rep.score,
        )
        top = (head if best_agree is not None else []) + ranked
        top = top[:TOP_REPRESENTATIVE]
        result.append(
            [rep for rep in top if rep.direction == "agree"]
            + [rep for rep in top if rep.direction == "disagree"]
        )
    return result


def statement_priorities(
    *, agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, extremity: np.ndarray
) -> np.ndarray:
    """Pol.is's routing priority: statements that divide people and are rarely passed rank
    high, and a new statement (few votes) gets a boost that fades as it is seen."""
    passes = seen - agree - disagree
    p = (passes + 1) / (seen + 2)
    a = (agree + 1) / (seen + 2)
    importance = (1 - p) * (extremity + 1) * a
    return (importance * (1 + 8 * np.power(2.0, -seen / 5))) ** 2


def choose_k(silhouettes: dict[int, float], *, previous: KState | None = None) -> KState:
    """Pick the number of groups.

    With history (the app recomputes after every batch of votes and keeps a `KState`), this is
    Pol.is's smoother: the best k by silhouette (ties to the larger k) replaces the k in use
    only after it has been best K_BUFFER updates running.

    Without history (one analysis of a finished export), the smoother's effect is that a
    conversation starts at two groups (early on, with few base clusters, only k = 2 is
    possible) and moves only when another k is consistently better. So k = 2 is kept unless
    the best k's silhouette beats it by K_MARGIN."""
    best_k = max(silhouettes, key=lambda k: (silhouettes[k], k))
    if previous is None:
        start = min(silhouettes)
        chosen = best_k if silhouettes[best_k] - silhouettes[start] > K_MARGIN else start
        return KState(last_k=best_k, count=1, smoothed_k=chosen)
    count = previous.count + 1 if best_k == previous.last_k else 1
    smoothed = best_k if count >= K_BUFFER else previous.smoothed_k
    if smoothed not in silhouettes:  # fewer base clusters than before
        smoothed = best_k
    return KState(last_k=best_k, count=count, smoothed_k=smoothed)


def analyze(
    table: VoteTable,
    *,
    seed: int = 0,
    k_state: KState | None = None,
    groups_by_row: np.ndarray | None = None,
) -> Analysis:
    """Run the whole pipeline. `k_state` is the previous update's `Analysis.k_state`, when
    there was one. `groups_by_row` (group index per row, -1 for none) replaces the clustering
    with groups decided elsewhere: by a replay of the conversation's updates (`replay`)."""
    started = time.perf_counter()
    m = _build_matrix(table)
    statements = table.statements
    participants = table.participants
    empty = Analysis(
        participants=dict.fromkeys(participants),
        positions={},
        groups=[],
        consensus_agree=[],
        consensus_disagree=[],
        group_informed_consensus={},
        group_informed_disagreement={},
        divisive=[],
        statement_stats={},
        priorities={},
        silhouette=None,
        k_state=k_state,
        n_participants=m.n_rows,
        n_statements=m.n_columns,
        n_votes=table.n_votes,
    )
    if m.n_rows == 0 or m.n_columns == 0:
        empty.seconds = time.perf_counter() - started
        return empty

    center, components, centred = _principal_components(m, seed)
    positions = _project(m, centred, components)

    # Statement extremity: where a lone agree on that statement would land.
    extremity = np.sqrt(m.n_columns) * np.abs(1 - center)[:, None] * np.abs(components.T)
    extremity = np.linalg.norm(extremity, axis=1)

    rows = _in_conversation(m)
    labels_by_row = np.full(m.n_rows, -1)
    groups: list[Group] = []
    best_silhouette = None
    group_of_row = None
    if groups_by_row is not None:
        labels_by_row = np.asarray(groups_by_row, dtype=np.int64)
        for g in range(int(labels_by_row.max(initial=-1)) + 1):
            members = np.flatnonzero(labels_by_row == g)
            x, y = positions[members].mean(axis=0)
            groups.append(
                Group(id=g, members=[participants[i] for i in members], center=(float(x), float(y)))
            )
    elif rows.size >= 2:
        points = positions[rows]
        base_labels, base_centres = kmeans(points, BASE_K, max_iterations=BASE_ITERATIONS)
        base_sizes = np.bincount(base_labels, minlength=len(base_centres)).astype(float)
        max_k = min(MAX_GROUPS, 2 + len(base_centres) // 12)
        distances = np.linalg.norm(base_centres[:, None, :] - base_centres[None, :, :], axis=2)
        clusterings = {}
        for k in range(2, max_k + 1):
            if len(base_centres) < k:
                break
            group_labels, group_centres = kmeans(
                base_centres,
                k,
                weights=base_sizes,
                max_iterations=GROUP_ITERATIONS,
                restarts=GROUP_RESTARTS,
                rng=np.random.default_rng([seed, k]),
            )
            score = silhouette(distances, group_labels)
            clusterings[k] = (score, group_labels, group_centres)
        best = None
        if clusterings:
            silhouettes = {k: value[0] for k, value in clusterings.items()}
            k_state = choose_k(silhouettes, previous=k_state)
            best = clusterings[k_state.smoothed_k]
        if best is not None:
            best_silhouette, group_labels, group_centres = best
            group_of_row = group_labels[base_labels]
            labels_by_row[rows] = group_of_row
            for g in range(len(group_centres)):
                members = rows[group_of_row == g]
                groups.append(
                    Group(
                        id=g,
                        members=[participants[i] for i in members],
                        center=(float(group_centres[g][0]), float(group_centres[g][1])),
                    )
                )

    # Counts over everyone, and per group over its members.
    total_agree = np.asarray((m.values > 0).sum(axis=0)).ravel().astype(float)
    total_disagree = np.asarray((m.values < 0).sum(axis=0)).ravel().astype(float)
    total_seen = np.asarray(m.voted.sum(axis=0)).ravel()
    kept = m.kept
    if groups:
        clustered = labels_by_row >= 0
        agree, disagree, seen = _group_counts(
            m, labels_by_row[clustered], len(groups), np.flatnonzero(clustered)
        )
        for group, reps in zip(
            groups, _representative(statements, kept, agree, disagree, seen), strict=True
        ):
            group.representative = reps
        gic = np.prod((agree + 1) / (seen + 2), axis=0)
        gid = np.prod((disagree + 1) / (seen + 2), axis=0)
        shares = (agree + 1) / (seen + 2)
        spread = shares.max(axis=0) - shares.min(axis=0)
        # Divisive: groups differ and at least one group's difference is significant.
        z = two_prop_test(agree, agree.sum(axis=0) - agree, seen, seen.sum(axis=0) - seen)
        significant = (np.abs(z) > Z_90).any(axis=0)
        divisive_columns = [
            j for j in np.argsort(-spread, kind="stable") if kept[j] and significant[j]
        ][:TOP_CONSENSUS]
        group_priority = statement_priorities(
            agree=agree.sum(axis=0),
            disagree=disagree.sum(axis=0),
            seen=seen.sum(axis=0),
            extremity=extremity,
        )
    else:
        agree = disagree = seen = None
        gic = (total_agree + 1) / (total_seen + 2)
        gid = (total_disagree + 1) / (total_seen + 2)
        divisive_columns = []
        group_priority = statement_priorities(
            agree=total_agree, disagree=total_disagree, seen=total_seen, extremity=extremity
        )

    pa = (total_agree + 1) / (total_seen + 2)
    pd = (total_disagree + 1) / (total_seen + 2)
    pat = prop_test(total_agree, total_seen)
    pdt = prop_test(total_disagree, total_seen)

    def top(probability, test):
        ok = np.flatnonzero(kept & (probability > 0.5) & (test > Z_90))
        order = ok[np.argsort(-(probability[ok] * test[ok]), kind="stable")]
        return [statements[j] for j in order[:TOP_CONSENSUS]]

    statement_stats = {}
    for j, sid in enumerate(statements):
        entry: dict[str, object] = {
            "agree": int(total_agree[j]),
            "disagree": int(total_disagree[j]),
            "pass": int(total_seen[j] - total_agree[j] - total_disagree[j]),
            "moderated_out": not kept[j],
        }
        if agree is not None:
            entry["groups"] = [
                {
                    "agree": int(agree[g, j]),
                    "disagree": int(disagree[g, j]),
                    "pass": int(seen[g, j] - agree[g, j] - disagree[g, j]),
                }
                for g in range(len(groups))
            ]
        statement_stats[sid] = entry

    by_row = {
        participants[i]: (int(labels_by_row[i]) if labels_by_row[i] >= 0 else None)
        for i in range(m.n_rows)
    }
    result = Analysis(
        participants=by_row,
        positions={
            participants[i]: (float(positions[i, 0]), float(positions[i, 1]))
            for i in range(m.n_rows)
        },
        groups=groups,
        consensus_agree=top(pa, pat),
        consensus_disagree=top(pd, pdt),
        group_informed_consensus={
            statements[j]: float(gic[j]) for j in range(m.n_columns) if kept[j]
        },
        group_informed_disagreement={
            statements[j]: float(gid[j]) for j in range(m.n_columns) if kept[j]
        },
        divisive=[statements[j] for j in divisive_columns],
        statement_stats=statement_stats,
        priorities={statements[j]: float(group_priority[j]) for j in range(m.n_columns) if kept[j]},
        silhouette=None if best_silhouette is None else float(best_silhouette),
        k_state=k_state,
        n_participants=m.n_rows,
        n_statements=m.n_columns,
        n_votes=table.n_votes,
    )
    result.seconds = time.perf_counter() - started
    return result
