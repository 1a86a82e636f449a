"""Replaying a conversation the way Pol.is's math worker lived it, one update at a time.

The groups Pol.is shows are not a function of the final votes: its worker polls for new votes
every second and runs an *update* on each batch, and every update starts from the previous
one. `analyze` in `opinion` clusters a finished vote matrix once; this module re-runs the path
instead, update by update. What carries from one update to the next, as Pol.is's
`math/src/polismath/math/conversation.clj`, `clusters.clj` and `pca.clj` do it:

- **Who is in.** A participant joins the clustering once they have voted (passes count) on
  min(7, statements so far) statements; while fewer than 15 are in, the most active voters
  are added up to 15. Nobody ever leaves.
- **PCA.** Power iteration on the mean-imputed, centred matrix (every participant, not only
  those in), each component started from the previous update's and deflated Gram–Schmidt
  style for the second. We iterate until the direction settles (`PCA_TOLERANCE`; at most 100
  steps, as Pol.is) on the statements × statements Gram matrix, which is kept up to date
  vote by vote, so an update costs O(statements²) rather than O(votes).
- **Projection.** Each participant from their own votes, pushed out by √(statements / votes);
  moderated-out statements hold a zero for everyone and so count as answered.
- **Base clusters (k = 100).** Started from the previous update's: each old cluster is
  re-centred on its old members' new positions, identical centres are merged, and while there
  are fewer clusters than min(100, distinct points) the point farthest from every centre is
  split off as a cluster of its own. Then Lloyd steps (clusters that empty are dropped) until
  the sorted centres move less than 0.01, at most 100. Old members only place the starting
  centres: every point is then assigned afresh.
- **Groups.** For every k from 2 to min(5, 2 + base clusters // 12), k-means on the base
  centres weighted by their sizes, started from the previous update's clustering for that k
  (its members are base-cluster ids, which persist), at most 20 steps (Pol.is passes
  `:cluster-iters`, which its k-means ignores, so the default 20 applies). A k seen for the
  first time starts from the first k distinct base centres in id order.
- **k.** The silhouette over base centres picks the best k each update; the k in use changes
  only once the same k has been best 4 updates in a row (Pol.is's k-smoother).

Batches: votes are grouped into the one-second windows of the worker's poll (`POLL_MS`); a
window with no vote runs no update. The export does not say when the worker was slow, was
restarted (`Replayer.restart`: what `load-or-init` keeps and loses; `replay(restart_gap_ms=)`
assumes one after each long silence) or recomputed from scratch, nor when a statement was
moderated out (we take the final moderation from the start): those are the limits of
replaying from an export, and the path is sensitive to them.

`Replayer` holds the dense state (the matrix and its Gram pieces) and is fed vote batches; the
inner loops are compiled (`kernels`). `Replayer.update` is the readable reference for one
update; a whole replay runs the same steps in one compiled loop (`replay_loop`, checked
against it bit for bit), since tens of thousands of Python-to-kernel calls cost as much as
the arithmetic. `ReplayState` is what one update hands the next; the app
stores it with the map by participant and statement id (`state_to_ids`, `state_from_ids`) and
its worker runs one update per analysis (`update_once`), so a live conversation follows the
same path Pol.is's worker would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from . import kernels, replay_loop

# Pol.is's parameters, shared with the one-shot analysis.
from .opinion import (
    BASE_ITERATIONS,
    BASE_K,
    GREEDY_PARTICIPANTS,
    GROUP_ITERATIONS,
    K_BUFFER,
    MAX_GROUPS,
    MIN_VOTES,
)

PCA_ITERATIONS = 100
SAME_CENTRES = 0.01
POLL_MS = 1000
# The replay keeps the matrix dense (about 21 bytes a cell with its masks) and a Gram matrix
# per statement pair: beyond these sizes a conversation is analysed once instead (`fits`).
MAX_CELLS = 25_000_000
MAX_STATEMENTS = 3_000
# Power iteration stops once no coordinate of the unit direction moves by more than this:
# projections then move by far less than the 0.01 k-means treats as "the same".
PCA_TOLERANCE = 1e-5


@dataclass
class Clustering:
    """Clusters as arrays: `ids` and `centres` (one row per cluster), and the clustered items
    as `keys` (participant rows or base-cluster ids, ascending) with the index of the cluster
    each belongs to (`labels`)."""

    ids: np.ndarray
    centres: np.ndarray
    keys: np.ndarray
    labels: np.ndarray

    def members(self, index: int) -> np.ndarray:
        return self.keys[self.labels == index]

    def sizes(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=len(self.ids)).astype(np.float64)

    def to_json(self) -> dict:
        return {
            "ids": self.ids.tolist(),
            "centres": np.round(self.centres, 12).tolist(),
            "keys": self.keys.tolist(),
            "labels": self.labels.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict) -> Clustering:
        return cls(
            ids=np.asarray(data["ids"], dtype=np.int64),
            centres=np.asarray(data["centres"], dtype=np.float64).reshape(-1, 2),
            keys=np.asarray(data["keys"], dtype=np.int64),
            labels=np.asarray(data["labels"], dtype=np.int64),
        )


@dataclass
class ReplayState:
    """What one update hands the next (Pol.is's `conv`, minus the votes)."""

    components: np.ndarray | None = None  # 2 × statements seen, in column order
    in_conversation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    base: Clustering | None = None  # keys: participant rows
    groups: dict[int, Clustering] = field(default_factory=dict)  # keys: base ids
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None
    updates: int = 0

    def to_json(self) -> dict:
        return {
            "components": None if self.components is None else self.components.tolist(),
            "in_conversation": self.in_conversation.tolist(),
            "base": None if self.base is None else self.base.to_json(),
            "groups": {str(k): c.to_json() for k, c in self.groups.items()},
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
            "updates": self.updates,
        }

    @classmethod
    def from_json(cls, data: dict) -> ReplayState:
        components = data.get("components")
        base = data.get("base")
        return cls(
            components=None if components is None else np.asarray(components, dtype=float),
            in_conversation=np.asarray(data.get("in_conversation", []), dtype=np.int64),
            base=None if base is None else Clustering.from_json(base),
            groups={int(k): Clustering.from_json(v) for k, v in data.get("groups", {}).items()},
            last_k=data.get("last_k"),
            last_k_count=int(data.get("last_k_count", 0)),
            smoothed_k=data.get("smoothed_k"),
            updates=int(data.get("updates", 0)),
        )


def state_to_ids(state: ReplayState, participants: list, statements: list) -> dict:
    """The state with rows and columns named by participant and statement id, so it still
    applies when the next update's table numbers them differently."""
    data = state.to_json()
    data["statements"] = list(
        statements[: 0 if state.components is None else state.components.shape[1]]
    )
    data["in_conversation"] = [participants[i] for i in state.in_conversation.tolist()]
    if state.base is not None:
        data["base"]["keys"] = [participants[i] for i in state.base.keys.tolist()]
    return data


def state_from_ids(data: dict, participants: list, statements: list) -> ReplayState:
    """Read `state_to_ids`'s output against this update's table; anyone or anything no longer
    in it is left out. Raises ValueError (or KeyError/TypeError) on malformed data."""
    row = {participant: i for i, participant in enumerate(participants)}
    column = {statement: j for j, statement in enumerate(statements)}
    state = ReplayState.from_json({**data, "in_conversation": [], "base": None, "components": None})
    state.in_conversation = np.array(
        sorted(row[p] for p in data.get("in_conversation", []) if p in row), dtype=np.int64
    )
    if data.get("components") is not None:
        old = np.asarray(data["components"], dtype=np.float64).reshape(2, -1)
        components = np.ones((2, len(statements)))
        for j, statement in enumerate(data.get("statements", [])[: old.shape[1]]):
            if statement in column:
                components[:, column[statement]] = old[:, j]
        state.components = components
    base = data.get("base")
    if base is not None:
        pairs = sorted(
            (row[key], int(label))
            for key, label in zip(base["keys"], base["labels"], strict=True)
            if key in row
        )
        state.base = Clustering(
            ids=np.asarray(base["ids"], dtype=np.int64),
            centres=np.asarray(base["centres"], dtype=np.float64).reshape(-1, 2),
            keys=np.array([k for k, _ in pairs], dtype=np.int64),
            labels=np.array([label for _, label in pairs], dtype=np.int64),
        )
        if state.base.labels.size and (
            state.base.labels.max() >= state.base.ids.size or state.base.labels.min() < 0
        ):
            raise ValueError("a base-cluster label points at no cluster")
    for clustering in state.groups.values():
        if clustering.labels.size and clustering.labels.max() >= clustering.ids.size:
            raise ValueError("a group label points at no group")
    return state


def fits(n_rows: int, n_columns: int) -> bool:
    """Whether a replay of this size stays within memory (about 0.5 GB at the bound)."""
    return n_rows * n_columns <= MAX_CELLS and n_columns <= MAX_STATEMENTS


def update_once(table, stored: dict | None, *, seed: int = 0) -> tuple[Replayer, dict]:
    """One Pol.is update over a table of the latest votes (`opinion.VoteTable`), started from
    the state the previous update stored (None: the first, or a fresh start). Returns the
    replayer and the state to store for the next one. This is what the app's worker runs
    after new votes, so a live conversation follows the path Pol.is's worker would."""
    kept = np.array([s not in table.moderated_out for s in table.statements], dtype=bool)
    replayer = Replayer(len(table.participants), len(table.statements), kept, seed=seed)
    if table.n_votes:
        replayer.add_votes(table.participant_index, table.statement_index, table.value)
    if stored is not None:
        try:
            replayer.state = state_from_ids(stored, table.participants, table.statements)
        except (KeyError, TypeError, ValueError):
            replayer.state = ReplayState()  # unreadable: start afresh, as a new worker would
    if table.n_votes:
        replayer.update()
    return replayer, state_to_ids(replayer.state, table.participants, table.statements)


def kmeans(points, weights, keys, k, previous: Clustering | None, max_iterations) -> Clustering:
    """Pol.is's `kmeans`: warm-started from `previous` when there is one, else from the
    first k distinct points (ids 0…k-1). `keys` name the points, ascending."""
    empty = np.zeros(0, dtype=np.int64)
    ids, centres, labels = kernels.cluster(
        np.ascontiguousarray(points, dtype=np.float64),
        np.asarray(weights, dtype=np.float64),
        np.asarray(keys, dtype=np.int64),
        k,
        empty if previous is None else previous.ids,
        empty if previous is None else previous.keys,
        empty if previous is None else previous.labels,
        max_iterations,
        SAME_CENTRES,
    )
    return Clustering(ids=ids, centres=centres, keys=keys, labels=labels)


def max_groups(n_base: int) -> int:
    return min(MAX_GROUPS, 2 + n_base // 12)


class Replayer:
    """The dense working state of a replay: the vote matrix so far and its Gram matrices,
    sized for the whole conversation up front (rows and columns in first-vote order), plus
    the `ReplayState` carried between updates."""

    def __init__(self, n_rows: int, n_columns: int, kept: np.ndarray, *, seed: int = 0):
        self.n_rows, self.n_columns = n_rows, n_columns
        self.kept = np.asarray(kept, dtype=bool)
        self.values = np.zeros((n_rows, n_columns))  # votes on kept statements
        self.voted = np.zeros((n_rows, n_columns))  # 1 where a kept vote exists
        self.answered = np.zeros(n_rows, dtype=np.int64)  # every vote, passes too
        self.kept_answered = np.zeros(n_rows, dtype=np.int64)  # votes on kept statements
        # Per row, the kept statements voted on (the first kept_answered[i] entries).
        self.row_columns = np.zeros((n_rows, n_columns), dtype=np.int32)
        self.cast = np.zeros((n_rows, n_columns), dtype=bool)  # any vote, kept or not
        self.column_sum = np.zeros(n_columns)
        self.column_count = np.zeros(n_columns)
        self.g_aa = np.zeros((n_columns, n_columns))
        self.g_am = np.zeros((n_columns, n_columns))
        self.g_mm = np.zeros((n_columns, n_columns))
        self.gram = np.zeros((n_columns, n_columns))  # XᵀX of the centred, imputed matrix
        self.rows_seen = 0
        self.columns_seen = 0
        self.rng = np.random.default_rng(seed)
        self.state = ReplayState()
        self.positions = np.zeros((n_rows, 2))

    # ---- votes -------------------------------------------------------------------------
    def add_votes(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        if rows.size == 0:
            return
        self.rows_seen = max(self.rows_seen, int(rows.max()) + 1)
        self.columns_seen = max(self.columns_seen, int(columns.max()) + 1)
        touched = kernels.add_votes(
            rows,
            columns,
            np.asarray(values, dtype=np.float64),
            self.kept,
            self.cast,
            self.answered,
            self.kept_answered,
            self.row_columns,
            self.values,
            self.voted,
            self.g_aa,
            self.g_am,
            self.g_mm,
            self.column_sum,
            self.column_count,
        )
        kernels.refresh_gram(self.gram, self.g_aa, self.g_am, self.g_mm, self._centre(), touched)

    def _centre(self) -> np.ndarray:
        return np.divide(
            self.column_sum,
            self.column_count,
            out=np.zeros(self.n_columns),
            where=self.column_count > 0,
        )

    def run_batches(self, rows, columns, values, times, starts, ends, restart_gap_ms) -> None:
        """Fold in each batch [starts[b], ends[b]) of votes and run an update after it, as
        `add_votes` and `update` would one by one (and `restart` after a gap longer than
        restart_gap_ms), but compiled and pipelined on two threads (`replay_loop`). Starts
        from a fresh state. BLAS is held to one thread: its products here take microseconds,
        and waking a second thread for each costs more than it saves."""
        with threadpool_limits(limits=1, user_api="blas"):
            components, in_conversation, base, groups, smoother = replay_loop.run(
                self,
                rows,
                columns,
                values,
                times,
                np.asarray(starts, dtype=np.int64),
                np.asarray(ends, dtype=np.int64),
                -1 if restart_gap_ms is None else max(int(restart_gap_ms), 0),
                (PCA_TOLERANCE, PCA_ITERATIONS, SAME_CENTRES),
            )
        last_k, last_k_count, smoothed_k = smoother
        self.state = ReplayState(
            components=components,
            in_conversation=in_conversation,
            base=None if base is None else Clustering(*base),
            groups={k: Clustering(*clustering) for k, clustering in groups.items()},
            last_k=None if last_k < 0 else last_k,
            last_k_count=last_k_count,
            smoothed_k=None if smoothed_k < 0 else smoothed_k,
            updates=len(starts),
        )

    # ---- one update --------------------------------------------------------------------
    def update(self) -> None:
        st = self.state
        st.updates += 1
        n, c = self.rows_seen, self.columns_seen
        self._update_in_conversation(n, c)
        components = self._pca(c)
        rows = st.in_conversation
        if rows.size == 0:
            return
        self._project(rows, c, components)
        points = self.positions[rows]
        ones = np.ones(rows.size)
        st.base = kmeans(points, ones, rows, BASE_K, st.base, BASE_ITERATIONS)
        self._groups()

    def _update_in_conversation(self, n: int, c: int) -> None:
        st = self.state
        inside = np.zeros(n, dtype=bool)
        inside[st.in_conversation] = True
        inside |= self.answered[:n] >= min(MIN_VOTES, c)
        if inside.sum() < GREEDY_PARTICIPANTS:
            rest = np.flatnonzero(~inside & (self.answered[:n] > 0))
            order = rest[np.argsort(-self.answered[rest], kind="stable")]
            inside[order[: GREEDY_PARTICIPANTS - int(inside.sum())]] = True
        st.in_conversation = np.flatnonzero(inside)

    def _pca(self, c: int) -> np.ndarray:
        st = self.state
        gram = self.gram[:c, :c]
        previous = st.components
        starts = []
        for i in range(2):
            start = None
            if previous is not None and previous.shape[1] and np.any(previous[i]):
                start = np.ones(c)
                start[: previous.shape[1]] = previous[i]
            if start is None:
                start = self.rng.random(c)
            starts.append(start)
        gram = np.ascontiguousarray(gram)
        none = np.zeros(c)
        first = kernels.power_iteration(gram, starts[0], none, PCA_TOLERANCE, PCA_ITERATIONS)
        second = kernels.power_iteration(gram, starts[1], first, PCA_TOLERANCE, PCA_ITERATIONS)
        st.components = np.vstack([first, second])
        return st.components

    def _project(self, rows: np.ndarray, c: int, components: np.ndarray) -> None:
        """Positions of the participants in the clustering (no one else's is used)."""
        n_moderated = int((~self.kept[:c]).sum())
        self.positions[rows] = kernels.project(
            rows,
            self.row_columns,
            self.kept_answered,
            self.values,
            self._centre(),
            np.ascontiguousarray(components),
            c,
            n_moderated,
        )

    def _groups(self) -> None:
        st = self.state
        base = st.base
        if base is None:
            return
        order = np.argsort(base.ids, kind="stable")  # Pol.is lists base clusters by id
        ids, centres, sizes = base.ids[order], base.centres[order], base.sizes()[order]
        silhouettes = {}
        distance = kernels.distances(centres)
        for k in range(2, max_groups(len(ids)) + 1):
            clustering = kmeans(centres, sizes, ids, k, st.groups.get(k), GROUP_ITERATIONS)
            st.groups[k] = clustering
            silhouettes[k] = kernels.silhouette(distance, clustering.labels, len(clustering.ids))
        if silhouettes:
            smooth_k(st, silhouettes)

    def restart(self) -> None:
        """What a restarted Pol.is worker keeps (`load-or-init`): the stored components, base
        clusters, groups and who is in; the clustering for every k and the k smoother are lost,
        so the next update starts each k from its first k distinct base centres and takes the
        best k at once."""
        st = self.state
        st.groups = {}
        st.last_k, st.last_k_count, st.smoothed_k = None, 0, None

    def group_of_rows(self) -> np.ndarray:
        """Per participant row: the group index in the clustering in use, or -1."""
        return group_of_rows(self.state, self.n_rows)


def smooth_k(state: ReplayState, silhouettes: dict[int, float]) -> None:
    """Pol.is's k-smoother: the k with the best silhouette this update (ties to the larger k,
    as Clojure's max-key returns the last) replaces the k in use only once it has been best
    K_BUFFER updates in a row."""
    this_k = max(silhouettes, key=lambda k: (silhouettes[k], k))
    same = state.last_k is not None and this_k == state.last_k
    state.last_k_count = state.last_k_count + 1 if same else 1
    state.last_k = this_k
    if state.last_k_count >= K_BUFFER or state.smoothed_k is None:
        state.smoothed_k = this_k


def group_of_rows(state: ReplayState, n_rows: int) -> np.ndarray:
    """Per participant row: the index of their group in the clustering in use, or -1."""
    labels = np.full(n_rows, -1, dtype=np.int64)
    base = state.base
    if base is None or state.smoothed_k is None or state.smoothed_k not in state.groups:
        return labels
    groups = state.groups[state.smoothed_k]
    group_of_base = kernels.previous_labels(base.ids, groups.keys, groups.labels)
    labels[base.keys] = group_of_base[base.labels]
    return labels


def replay(
    rows: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
    times: np.ndarray,
    *,
    n_rows: int,
    n_columns: int,
    kept: np.ndarray,
    window_ms: int = POLL_MS,
    seed: int = 0,
    restart_gap_ms: int | None = None,
) -> Replayer:
    """Replay every vote (row, column, value) in time order, one update per poll window that
    holds a vote. Rows and columns must be numbered by first vote in that order. The seed
    feeds only the PCA's very first start vectors (Pol.is's are random)."""
    order = np.argsort(times, kind="stable")
    rows = np.ascontiguousarray(np.asarray(rows, dtype=np.int64)[order])
    columns = np.ascontiguousarray(np.asarray(columns, dtype=np.int64)[order])
    values = np.ascontiguousarray(np.asarray(values, dtype=np.float64)[order])
    times = np.ascontiguousarray(np.asarray(times, dtype=np.int64)[order])
    replayer = Replayer(n_rows, n_columns, kept, seed=seed)
    if rows.size == 0:
        return replayer
    window = times // max(int(window_ms), 1)
    cuts = np.flatnonzero(np.diff(window)) + 1
    replayer.run_batches(
        rows, columns, values, times, np.r_[0, cuts], np.r_[cuts, rows.size], restart_gap_ms
    )
    return replayer


def compile_kernels() -> None:
    """Run every compiled kernel once on a tiny conversation, so numba's cache holds them
    before the first real analysis (compiling them all takes about 20 s of CPU). `make
    install` calls this."""
    camps = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    rows = np.repeat(np.arange(6), 3)
    columns = np.tile(np.arange(3), 6)
    values = np.repeat(camps, 3) * np.tile([1.0, 1.0, -1.0], 6)
    times = 1000 * np.arange(rows.size, dtype=np.int64)
    replayer = replay(rows, columns, values, times, n_rows=6, n_columns=3, kept=np.ones(3, bool))
    points = replayer.positions[:6]
    kernels.nearest(points, points[:2].copy(), np.full(6, -1, dtype=np.int64))
    codes = np.array([1, 0, 1], dtype=np.int32)
    kernels.first_seen_numbering(codes, 2)
    kernels.ever_in(codes, codes, np.ones(3, dtype=bool), 2, 7, 15)
