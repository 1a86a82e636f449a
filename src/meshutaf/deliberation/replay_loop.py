"""The whole replay loop compiled: every batch's votes and Pol.is update in one numba call.

`replay.Replayer.update` runs an update from Python, calling one kernel per step. That is
what the app's worker does (one update per analysis), but a replay from an export runs tens
of thousands of updates, and there the calls between Python and the kernels (about thirty an
update, each checking its arguments) cost as much as the arithmetic. `run` is the same
update written once more as a compiled function, so a replay stays inside compiled code from
its first batch to its last. It must stay step for step what `Replayer.update` does: the
tests replay random conversations both ways and require identical states, bit for bit, and
`Replayer.update` remains the readable reference (its docstrings say why each step is so).

The state `run` carries is `ReplayState` unpacked into arrays: `None` is an empty array or
-1, and the group clustering for each k sits at index k of the four lists.
"""

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


@njit(cache=True)
def run(
    rows,
    columns,
    values,
    times,
    starts,
    ends,
    restart_gap,
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
    same_centres,
):
    """Every batch [starts[b], ends[b]) in order: fold its votes in, then one update. The
    matrix arguments are `Replayer`'s and are updated in place. Returns the final state:
    (components, in-conversation rows, base ids, centres, keys, labels, the four lists of
    group ids, centres, keys and labels by k, which k have a clustering, last k, its count,
    smoothed k, rows seen, columns seen)."""
    n_rows, n_columns = a.shape[0], a.shape[1]
    empty = np.zeros(0, dtype=np.int64)
    components = np.zeros((2, n_columns))
    components_columns = -1  # -1: none yet
    inside = np.zeros(n_rows, dtype=np.bool_)
    in_conversation = empty
    base_ids, base_keys, base_labels = empty, empty, empty
    base_centres = np.zeros((0, 2))
    group_ids = [empty for _ in range(MAX_GROUPS + 1)]
    group_keys = [empty for _ in range(MAX_GROUPS + 1)]
    group_labels = [empty for _ in range(MAX_GROUPS + 1)]
    group_centres = [np.zeros((0, 2)) for _ in range(MAX_GROUPS + 1)]
    has_group = np.zeros(MAX_GROUPS + 1, dtype=np.bool_)
    last_k, last_k_count, smoothed_k = -1, 0, -1
    rows_seen, columns_seen = 0, 0
    centre = np.zeros(n_columns)
    silhouettes = np.zeros(MAX_GROUPS + 1)
    for b in range(starts.shape[0]):
        start, end = starts[b], ends[b]
        if restart_gap >= 0 and b > 0 and times[start] - times[ends[b - 1] - 1] > restart_gap:
            has_group[:] = False
            last_k, last_k_count, smoothed_k = -1, 0, -1
        for t in range(start, end):
            rows_seen = max(rows_seen, rows[t] + 1)
            columns_seen = max(columns_seen, columns[t] + 1)
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

        # One update (`Replayer.update`).
        n, c = rows_seen, columns_seen
        in_conversation = _in_conversation(inside, answered, n, c)
        square = np.ascontiguousarray(gram[:c, :c])
        first_start = _start(components, components_columns, 0, c, rng)
        second_start = _start(components, components_columns, 1, c, rng)
        first = kernels.power_iteration(square, first_start, np.zeros(c), tolerance, pca_iterations)
        second = kernels.power_iteration(square, second_start, first, tolerance, pca_iterations)
        components[0, :c] = first
        components[1, :c] = second
        components_columns = c
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
        points = np.empty((in_conversation.shape[0], 2))
        for r in range(in_conversation.shape[0]):
            positions[in_conversation[r], 0] = projected[r, 0]
            positions[in_conversation[r], 1] = projected[r, 1]
            points[r, 0], points[r, 1] = projected[r, 0], projected[r, 1]
        base_ids, base_centres, base_labels = kernels.cluster(
            points,
            np.ones(in_conversation.shape[0]),
            in_conversation,
            BASE_K,
            base_ids,
            base_keys,
            base_labels,
            BASE_ITERATIONS,
            same_centres,
        )
        base_keys = in_conversation

        # The groups (`Replayer._groups`).
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
            previous_ids = group_ids[k] if has_group[k] else empty
            previous_keys = group_keys[k] if has_group[k] else empty
            previous_labels = group_labels[k] if has_group[k] else empty
            g_ids, g_centres, g_labels = kernels.cluster(
                centres,
                sizes,
                ids,
                k,
                previous_ids,
                previous_keys,
                previous_labels,
                GROUP_ITERATIONS,
                same_centres,
            )
            group_ids[k], group_centres[k] = g_ids, g_centres
            group_keys[k], group_labels[k] = ids, g_labels
            has_group[k] = True
            silhouettes[k] = kernels.silhouette(distance, g_labels, g_ids.shape[0])
        if n_k >= 2:
            last_k, last_k_count, smoothed_k = _smooth(
                silhouettes, n_k, last_k, last_k_count, smoothed_k
            )
    return (
        components[:, : max(components_columns, 0)].copy(),
        components_columns,
        in_conversation,
        base_ids,
        base_centres,
        base_keys,
        base_labels,
        group_ids,
        group_centres,
        group_keys,
        group_labels,
        has_group,
        last_k,
        last_k_count,
        smoothed_k,
        rows_seen,
        columns_seen,
    )
