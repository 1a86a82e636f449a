"""The whole replay compiled, in two phases that run side by side on two cores.

`replay.Replayer.update` runs an update from Python, calling one kernel per step. That is
what the app's worker does (one update per analysis), but a replay from an export runs tens
of thousands of updates, and there the calls between Python and the kernels (about thirty an
update, each checking its arguments) cost as much as the arithmetic. Here the same update is
written once more as compiled code, split where Pol.is's data flow allows:

- `advance_votes` folds each batch's votes in, decides who is in, runs the PCA and projects
  the participants. None of this reads the clusters, so it can run ahead.
- `advance_clusters` takes those positions, update by update, and runs the base clusters,
  the groups for each k, their silhouettes and the k smoother (and a restart after a gap).

`run` feeds chunks of batches through both, the votes phase of chunk i + 1 on a second
thread while the clusters phase works on chunk i (both release the GIL), which halves the
wall time of a long replay on two cores. The result must stay step for step what
`Replayer.update` does: the tests replay random conversations both ways and require
identical states, bit for bit, and `Replayer.update` remains the readable reference (its
docstrings say why each step is so).

The groups for each k are kept in fixed arrays indexed by k (a base clustering never has more
than BASE_K clusters, a group clustering never more than k); -1 stands for Python's None.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from . import kernels

# Pol.is's parameters, one definition (numba reads them as constants when it compiles).
from .opinion import (
    BASE_ITERATIONS,
    BASE_K,
    GREEDY_PARTICIPANTS,
    GROUP_ITERATIONS,
    K_BUFFER,
    MAX_GROUPS,
    MIN_VOTES,
)

# Positions handed from one phase to the other per chunk (rows × batches): 256 batches a
# chunk, fewer when the conversation has so many participants that this would pass 2^20.
CHUNK_BATCHES = 256
CHUNK_POINTS = 1 << 20


@njit(cache=True)
def _in_conversation(inside, answered, n, c):
    """`Replayer._update_in_conversation` on a mask that persists between updates."""
    threshold = min(MIN_VOTES, c)
    count = 0
    for i in range(n):
        if answered[i] >= threshold:
            inside[i] = True
        if inside[i]:
            count += 1
    if count < GREEDY_PARTICIPANTS:
        rest = np.flatnonzero(~inside[:n] & (answered[:n] > 0))
        order = rest[np.argsort(-answered[rest], kind="mergesort")]
        for r in range(min(order.shape[0], GREEDY_PARTICIPANTS - count)):
            inside[order[r]] = True
    return np.flatnonzero(inside[:n])


@njit(cache=True)
def _start(previous, previous_columns, i, c, rng):
    """The previous component (padded with ones for new statements), else a random start."""
    if previous_columns > 0 and np.any(previous[i, :previous_columns] != 0):
        start = np.ones(c)
        start[:previous_columns] = previous[i, :previous_columns]
        return start
    return rng.random(c)


@njit(cache=True)
def _smooth(silhouettes, n_k, last_k, last_k_count, smoothed_k):
    """`replay.smooth_k` over silhouettes[2 … n_k]: Python's max over (silhouette, k)."""
    this_k = 2
    for k in range(3, n_k + 1):
        a, b = silhouettes[k], silhouettes[this_k]
        if (a > b) or (a == b and k > this_k):
            this_k = k
    last_k_count = last_k_count + 1 if (last_k >= 0 and this_k == last_k) else 1
    if last_k_count >= K_BUFFER or smoothed_k < 0:
        smoothed_k = this_k
    return this_k, last_k_count, smoothed_k


@njit(cache=True, nogil=True)
def advance_votes(
    rows,
    columns,
    values,
    starts,
    ends,
    first_batch,
    last_batch,
    kept,
    cast,
    answered,
    kept_answered,
    row_columns,
    a,
    m,
    g_aa,
    g_am,
    g_mm,
    gram,
    column_sum,
    column_count,
    positions,
    rng,
    tolerance,
    pca_iterations,
    components,
    counters,
    inside,
    offsets,
    out_rows,
    out_points,
):
    """Batches [first_batch, last_batch): votes, who is in, PCA and projection, as in
    `Replayer.add_votes` and the first half of `Replayer.update`. The arrays are updated in
    place; `counters` holds (columns in the components or -1, rows seen, columns seen). The
    rows in the conversation after batch b, and their positions, land in out_rows and
    out_points from offsets[b - first_batch] to offsets[b - first_batch + 1]."""
    n_columns = a.shape[1]
    centre = np.zeros(n_columns)
    filled = 0
    for b in range(first_batch, last_batch):
        offsets[b - first_batch] = filled
        start, end = starts[b], ends[b]
        for t in range(start, end):
            counters[1] = max(counters[1], rows[t] + 1)
            counters[2] = max(counters[2], columns[t] + 1)
        touched = kernels.add_votes(
            rows[start:end],
            columns[start:end],
            values[start:end],
            kept,
            cast,
            answered,
            kept_answered,
            row_columns,
            a,
            m,
            g_aa,
            g_am,
            g_mm,
            column_sum,
            column_count,
        )
        for j in range(n_columns):
            centre[j] = column_sum[j] / column_count[j] if column_count[j] > 0 else 0.0
        kernels.refresh_gram(gram, g_aa, g_am, g_mm, centre, touched)
        n, c = counters[1], counters[2]
        in_conversation = _in_conversation(inside, answered, n, c)
        square = np.ascontiguousarray(gram[:c, :c])
        first_start = _start(components, counters[0], 0, c, rng)
        second_start = _start(components, counters[0], 1, c, rng)
        first = kernels.power_iteration(square, first_start, np.zeros(c), tolerance, pca_iterations)
        second = kernels.power_iteration(square, second_start, first, tolerance, pca_iterations)
        components[0, :c] = first
        components[1, :c] = second
        counters[0] = c
        if in_conversation.shape[0] == 0:
            continue
        n_moderated = 0
        for j in range(c):
            if not kept[j]:
                n_moderated += 1
        projected = kernels.project(
            in_conversation,
            row_columns,
            kept_answered,
            a,
            centre,
            np.ascontiguousarray(components[:, :c]),
            c,
            n_moderated,
        )
        for r in range(in_conversation.shape[0]):
            positions[in_conversation[r], 0] = projected[r, 0]
            positions[in_conversation[r], 1] = projected[r, 1]
            out_rows[filled] = in_conversation[r]
            out_points[filled, 0], out_points[filled, 1] = projected[r, 0], projected[r, 1]
            filled += 1
    offsets[last_batch - first_batch] = filled


@njit(cache=True, nogil=True)
def advance_clusters(
    times,
    starts,
    ends,
    first_batch,
    last_batch,
    restart_gap,
    offsets,
    in_rows,
    in_points,
    base_ids,
    base_centres,
    base_keys,
    base_labels,
    group_ids,
    group_centres,
    group_keys,
    group_labels,
    group_sizes,
    smoother,
    same_centres,
):
    """Batches [first_batch, last_batch) given advance_votes's output for them: the rest of
    `Replayer.update` (base clusters, `Replayer._groups`, `replay.smooth_k`), and
    `Replayer.restart` before a batch that follows a gap longer than restart_gap (-1: never).
    The groups for k sit at index k: group_sizes[k] = (clusters, keys; 0 clusters: none);
    smoother = (last k, its count, smoothed k). Returns the base clustering."""
    empty = np.zeros(0, dtype=np.int64)
    silhouettes = np.zeros(MAX_GROUPS + 1)
    for b in range(first_batch, last_batch):
        if restart_gap >= 0 and b > 0 and times[starts[b]] - times[ends[b - 1] - 1] > restart_gap:
            group_sizes[:, :] = 0
            smoother[0], smoother[1], smoother[2] = -1, 0, -1
        lo, hi = offsets[b - first_batch], offsets[b - first_batch + 1]
        if hi == lo:
            continue
        keys = in_rows[lo:hi].copy()
        base_ids, base_centres, base_labels = kernels.cluster(
            in_points[lo:hi].copy(),
            np.ones(hi - lo),
            keys,
            BASE_K,
            base_ids,
            base_keys,
            base_labels,
            BASE_ITERATIONS,
            same_centres,
        )
        base_keys = keys
        order = np.argsort(base_ids, kind="mergesort")
        ids = base_ids[order]
        sizes = np.zeros(base_ids.shape[0])
        for r in range(base_labels.shape[0]):
            sizes[base_labels[r]] += 1.0
        sizes = sizes[order]
        centres = np.empty((order.shape[0], 2))
        for r in range(order.shape[0]):
            centres[r, 0], centres[r, 1] = base_centres[order[r], 0], base_centres[order[r], 1]
        distance = kernels.distances(centres)
        n_k = min(MAX_GROUPS, 2 + ids.shape[0] // 12)
        for k in range(2, n_k + 1):
            n_ids, n_keys = group_sizes[k, 0], group_sizes[k, 1]
            g_ids, g_centres, g_labels = kernels.cluster(
                centres,
                sizes,
                ids,
                k,
                group_ids[k, :n_ids].copy() if n_ids > 0 else empty,
                group_keys[k, :n_keys].copy() if n_ids > 0 else empty,
                group_labels[k, :n_keys].copy() if n_ids > 0 else empty,
                GROUP_ITERATIONS,
                same_centres,
            )
            group_sizes[k, 0], group_sizes[k, 1] = g_ids.shape[0], ids.shape[0]
            group_ids[k, : g_ids.shape[0]] = g_ids
            group_centres[k, : g_ids.shape[0]] = g_centres
            group_keys[k, : ids.shape[0]] = ids
            group_labels[k, : ids.shape[0]] = g_labels
            silhouettes[k] = kernels.silhouette(distance, g_labels, g_ids.shape[0])
        smoother[0], smoother[1], smoother[2] = _smooth(
            silhouettes, n_k, smoother[0], smoother[1], smoother[2]
        )
    return base_ids, base_centres, base_keys, base_labels


def run(replayer, rows, columns, values, times, starts, ends, restart_gap, constants):
    """Replay batches [starts[b], ends[b]) into `replayer` (fresh), the two phases pipelined.
    `constants` = (PCA tolerance, PCA iterations, the k-means "same centres" distance).
    Returns the state pieces: (components or None, in-conversation rows, base (ids, centres,
    keys, labels) or None, {k: (ids, centres, keys, labels)}, (last k, count, smoothed k))."""
    tolerance, pca_iterations, same_centres = constants
    r = replayer
    n_batches = starts.shape[0]
    chunk = max(1, min(CHUNK_BATCHES, CHUNK_POINTS // max(r.n_rows, 1)))
    chunks = [(b, min(b + chunk, n_batches)) for b in range(0, n_batches, chunk)]
    components = np.zeros((2, r.n_columns))
    counters = np.array([-1, 0, 0], dtype=np.int64)
    inside = np.zeros(r.n_rows, dtype=np.bool_)

    def votes(first: int, last: int):
        size = (last - first) * r.n_rows
        offsets = np.zeros(last - first + 1, dtype=np.int64)
        out_rows, out_points = np.empty(size, dtype=np.int64), np.empty((size, 2))
        advance_votes(
            rows,
            columns,
            values,
            starts,
            ends,
            first,
            last,
            r.kept,
            r.cast,
            r.answered,
            r.kept_answered,
            r.row_columns,
            r.values,
            r.voted,
            r.g_aa,
            r.g_am,
            r.g_mm,
            r.gram,
            r.column_sum,
            r.column_count,
            r.positions,
            r.rng,
            tolerance,
            pca_iterations,
            components,
            counters,
            inside,
            offsets,
            out_rows,
            out_points,
        )
        return offsets, out_rows, out_points

    empty = np.zeros(0, dtype=np.int64)
    base = (empty, np.zeros((0, 2)), empty, empty)
    width = max(MAX_GROUPS, BASE_K)
    group_ids = np.zeros((MAX_GROUPS + 1, MAX_GROUPS), dtype=np.int64)
    group_centres = np.zeros((MAX_GROUPS + 1, MAX_GROUPS, 2))
    group_keys = np.zeros((MAX_GROUPS + 1, width), dtype=np.int64)
    group_labels = np.zeros((MAX_GROUPS + 1, width), dtype=np.int64)
    group_sizes = np.zeros((MAX_GROUPS + 1, 2), dtype=np.int64)
    smoother = np.array([-1, 0, -1], dtype=np.int64)
    with ThreadPoolExecutor(max_workers=1) as ahead:
        pending = ahead.submit(votes, *chunks[0])
        for index, (first, last) in enumerate(chunks):
            offsets, in_rows, in_points = pending.result()
            if index + 1 < len(chunks):
                pending = ahead.submit(votes, *chunks[index + 1])
            base = advance_clusters(
                times,
                starts,
                ends,
                first,
                last,
                restart_gap,
                offsets,
                in_rows,
                in_points,
                *base,
                group_ids,
                group_centres,
                group_keys,
                group_labels,
                group_sizes,
                smoother,
                same_centres,
            )
    r.rows_seen, r.columns_seen = int(counters[1]), int(counters[2])
    groups = {
        k: (
            group_ids[k, : group_sizes[k, 0]].copy(),
            group_centres[k, : group_sizes[k, 0]].copy(),
            group_keys[k, : group_sizes[k, 1]].copy(),
            group_labels[k, : group_sizes[k, 1]].copy(),
        )
        for k in range(MAX_GROUPS + 1)
        if group_sizes[k, 0] > 0
    }
    return (
        components[:, : counters[0]].copy() if counters[0] >= 0 else None,
        np.flatnonzero(inside[: r.rows_seen]),
        base if base[0].size else None,
        groups,
        tuple(int(v) for v in smoother),
    )
