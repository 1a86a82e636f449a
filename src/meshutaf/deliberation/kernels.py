"""The replay's inner loops, compiled with numba.

A replay runs one Pol.is update per second that saw a vote: tens of thousands of updates for
a conversation of tens of thousands of votes, each on small arrays (a few hundred points, 100
base clusters, a few hundred statements). Written with numpy, every update costs hundreds of
small array calls and the call overhead, not the arithmetic, dominates (about 3 ms an
update); compiled, an update costs well under a millisecond. Each function here mirrors one
step of Pol.is's worker; `replay` holds the logic around them. `cache=True` keeps the
compiled code between processes (numba writes it beside this file, or under
NUMBA_CACHE_DIR when that is set).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def _less(a0, a1, b0, b1):
    return a0 < b0 or (a0 == b0 and a1 < b1)


@njit(cache=True)
def sorted_rows(points, alive):
    """The alive rows of an (n × 2) array in lexicographic order (insertion sort: the lists
    are short and, between steps, nearly sorted already)."""
    n = 0
    for i in range(points.shape[0]):
        if alive[i]:
            n += 1
    out = np.empty((n, 2))
    m = 0
    for i in range(points.shape[0]):
        if not alive[i]:
            continue
        x, y = points[i, 0], points[i, 1]
        j = m
        while j > 0 and _less(x, y, out[j - 1, 0], out[j - 1, 1]):
            out[j, 0], out[j, 1] = out[j - 1, 0], out[j - 1, 1]
            j -= 1
        out[j, 0], out[j, 1] = x, y
        m += 1
    return out


@njit(cache=True)
def _half_nearest(centres, alive):
    """Per alive centre, (half its distance to the nearest other alive centre)², by a sweep
    over the centres sorted by x that stops once the x gap alone exceeds the best so far:
    the same minimum as comparing every pair, at a fraction of the cost for 100 centres."""
    k = centres.shape[0]
    half = np.full(k, np.inf)
    index = np.flatnonzero(alive)
    m = index.shape[0]
    xs = np.empty(m)
    for r in range(m):
        xs[r] = centres[index[r], 0]
    order = index[np.argsort(xs)]
    for a in range(m):
        c = order[a]
        best = np.inf
        for b in range(a + 1, m):
            dx = centres[order[b], 0] - centres[c, 0]
            if dx * dx >= best:
                break
            dy = centres[order[b], 1] - centres[c, 1]
            best = min(best, dx * dx + dy * dy)
        for b in range(a - 1, -1, -1):
            dx = centres[c, 0] - centres[order[b], 0]
            if dx * dx >= best:
                break
            dy = centres[c, 1] - centres[order[b], 1]
            best = min(best, dx * dx + dy * dy)
        half[c] = 0.25 * best
    return half


@njit(cache=True)
def _assign(points, centres, alive, labels):
    """Each point to its nearest alive centre. A point whose current centre is closer than
    half that centre's distance to any other keeps it without a search (the triangle
    inequality guarantees no other centre is nearer): after a warm start almost every point
    does, which turns the O(points × clusters) scan into O(points + clusters log clusters)."""
    k = centres.shape[0]
    half = _half_nearest(centres, alive)
    for i in range(points.shape[0]):
        own = labels[i]
        if own >= 0 and alive[own]:
            dx = points[i, 0] - centres[own, 0]
            dy = points[i, 1] - centres[own, 1]
            if dx * dx + dy * dy < half[own]:
                continue
        best, best_d = -1, np.inf
        for c in range(k):
            if not alive[c]:
                continue
            dx = points[i, 0] - centres[c, 0]
            dy = points[i, 1] - centres[c, 1]
            d = dx * dx + dy * dy
            if d < best_d:
                best, best_d = c, d
        labels[i] = best


@njit(cache=True)
def nearest(points, centres, guess):
    """Each point's nearest centre, `guess` (a likely one per point) used to skip searches."""
    labels = guess.copy()
    _assign(points, centres, np.ones(centres.shape[0], dtype=np.bool_), labels)
    return labels


@njit(cache=True)
def lloyd(points, weights, centres, max_iterations, threshold, guess):
    """Pol.is's k-means loop from given centres: assign every point to its nearest centre,
    drop clusters left empty, move each centre to its members' weighted mean; stop when the
    sorted centres (old list against new, zipped) all moved less than `threshold`, or after
    max_iterations + 1 steps. `guess` is each point's likely cluster (-1: none), used only to
    skip searches that cannot change the answer. Returns (labels into the surviving
    clusters, their centres, which of the starting clusters survived)."""
    n, k = points.shape[0], centres.shape[0]
    centres = centres.copy()
    alive = np.ones(k, dtype=np.bool_)
    labels = guess.copy()
    limit = threshold * threshold
    for iteration in range(max_iterations, -1, -1):
        _assign(points, centres, alive, labels)
        total = np.zeros(k)
        sx = np.zeros(k)
        sy = np.zeros(k)
        count = np.zeros(k, dtype=np.int64)
        for i in range(n):
            c = labels[i]
            total[c] += weights[i]
            sx[c] += weights[i] * points[i, 0]
            sy[c] += weights[i] * points[i, 1]
            count[c] += 1
        old = sorted_rows(centres, alive)
        new_alive = alive.copy()
        new = centres.copy()
        for c in range(k):
            if not alive[c]:
                continue
            if count[c] == 0:
                new_alive[c] = False
            elif total[c] > 0:
                new[c, 0], new[c, 1] = sx[c] / total[c], sy[c] / total[c]
        fresh = sorted_rows(new, new_alive)
        same = True
        for r in range(min(old.shape[0], fresh.shape[0])):
            dx = old[r, 0] - fresh[r, 0]
            dy = old[r, 1] - fresh[r, 1]
            if dx * dx + dy * dy >= limit:
                same = False
                break
        centres, alive = new, new_alive
        if iteration == 0 or same:
            break
    remap = np.cumsum(alive) - 1
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        out[i] = remap[labels[i]]
    return out, centres[alive], alive


@njit(cache=True)
def distances(points):
    """Euclidean distances between the rows of an (n × 2) array."""
    n = points.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            dx = points[i, 0] - points[j, 0]
            dy = points[i, 1] - points[j, 1]
            out[i, j] = out[j, i] = np.sqrt(dx * dx + dy * dy)
    return out


@njit(cache=True)
def silhouette(distance, labels, n_clusters):
    """Mean silhouette over the points of a distance matrix (base-cluster centres,
    unweighted); a point alone in its cluster scores 0, as in Pol.is."""
    n = distance.shape[0]
    if n < 2 or n_clusters < 2:
        return 0.0
    sizes = np.zeros(n_clusters)
    onehot = np.zeros((n, n_clusters))
    for i in range(n):
        sizes[labels[i]] += 1
        onehot[i, labels[i]] = 1.0
    # Every point's summed distance to each cluster's members, as one matrix product: a
    # scatter-add over labels would serialise on the few accumulators.
    sums_by_cluster = np.ascontiguousarray(distance) @ onehot
    total = 0.0
    for i in range(n):
        sums = sums_by_cluster[i]
        own = labels[i]
        if sizes[own] <= 1:
            continue
        a = sums[own] / (sizes[own] - 1)
        b = np.inf
        for c in range(n_clusters):
            if c != own and sizes[c] > 0:
                b = min(b, sums[c] / sizes[c])
        top = max(a, b)
        if top > 0 and np.isfinite(b):
            total += (b - a) / top
    return total / n


@njit(cache=True)
def power_iteration(gram, start, deflate, tolerance, max_iterations):
    """Pol.is's power iteration on XᵀX (given as `gram`), from `start`; when `deflate` is a
    unit vector (not all zero), on the Gram matrix of X with that direction factored out of
    every row. Stops when no coordinate of the unit direction moves by `tolerance` or more."""
    norm = np.sqrt(np.sum(start * start))
    vector = start / norm if norm > 0 else start.copy()
    use_deflate = np.any(deflate != 0)
    gp = gram @ deflate if use_deflate else np.zeros_like(start)
    pgp = np.sum(deflate * gp) if use_deflate else 0.0
    for _ in range(max_iterations):
        product = gram @ vector
        if use_deflate:
            pv = np.sum(deflate * vector)
            gpv = np.sum(gp * vector)
            product = product - gp * pv - deflate * gpv + deflate * (pgp * pv)
        norm = np.sqrt(np.sum(product * product))
        if norm == 0:
            return np.zeros_like(vector)
        product /= norm
        if np.max(np.abs(product - vector)) < tolerance:
            return product
        vector = product
    return vector


@njit(cache=True)
def add_votes(
    rows,
    columns,
    values,
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
):
    """Fold votes into the matrix and its Gram pieces AᵀA, AᵀM and MᵀM (A the kept votes,
    M where they exist): a vote changes one cell, so each piece changes in one row and one
    column. Returns a flag per column: touched (its mean and Gram row must be refreshed)."""
    touched = np.zeros(a.shape[1], dtype=np.bool_)
    c = a.shape[1]
    for t in range(rows.shape[0]):
        i, j, v = rows[t], columns[t], values[t]
        if not cast[i, j]:
            cast[i, j] = True
            answered[i] += 1
        if not kept[j]:
            continue
        delta = v - a[i, j]
        new_cell = 1.0 - m[i, j]
        if delta == 0 and new_cell == 0:
            continue
        if delta != 0:
            for q in range(c):
                g_aa[j, q] += delta * a[i, q]
                g_aa[q, j] += delta * a[i, q]
                g_am[j, q] += delta * m[i, q]
            g_aa[j, j] += delta * delta
        if new_cell != 0:
            for q in range(c):
                g_am[q, j] += a[i, q]
                g_mm[j, q] += m[i, q]
                g_mm[q, j] += m[i, q]
            g_mm[j, j] += 1.0
        g_am[j, j] += delta * new_cell
        if new_cell != 0:
            row_columns[i, kept_answered[i]] = j
            kept_answered[i] += 1
        a[i, j] = v
        m[i, j] = 1.0
        column_sum[j] += delta
        column_count[j] += new_cell
        touched[j] = True
    return touched


@njit(cache=True)
def refresh_gram(gram, g_aa, g_am, g_mm, mu, touched):
    """Rows and columns `touched` of XᵀX for X = A − M·diag(mu)."""
    c = gram.shape[0]
    for j in range(c):
        if not touched[j]:
            continue
        for q in range(c):
            value = (
                g_aa[j, q] - g_am[j, q] * mu[q] - mu[j] * g_am[q, j] + mu[j] * mu[q] * g_mm[j, q]
            )
            gram[j, q] = value
            gram[q, j] = value


@njit(cache=True)
def count_distinct(points):
    """How many distinct rows an (n × 2) array has."""
    n = points.shape[0]
    if n == 0:
        return 0
    order = np.argsort(points[:, 0], kind="mergesort")
    distinct = 0
    start = 0
    while start < n:
        end = start + 1
        x = points[order[start], 0]
        while end < n and points[order[end], 0] == x:
            end += 1
        ys = np.sort(points[order[start:end], 1])
        distinct += 1
        for r in range(1, ys.shape[0]):
            if ys[r] != ys[r - 1]:
                distinct += 1
        start = end
    return distinct


@njit(cache=True)
def _recentre(points, weights, labels, centres):
    """Each cluster's centre moved to its members' weighted mean (kept where it has none)."""
    k = centres.shape[0]
    total = np.zeros(k)
    sx = np.zeros(k)
    sy = np.zeros(k)
    for i in range(points.shape[0]):
        c = labels[i]
        if c >= 0:
            total[c] += weights[i]
            sx[c] += weights[i] * points[i, 0]
            sy[c] += weights[i] * points[i, 1]
    for c in range(k):
        if total[c] > 0:
            centres[c, 0], centres[c, 1] = sx[c] / total[c], sy[c] / total[c]


@njit(cache=True)
def clean_start(points, weights, labels, previous_ids, k):
    """Pol.is's `clean-start-clusters`. `labels` gives each point's cluster in the previous
    clustering (index into previous_ids) or -1. Clusters with no member left are dropped
    (nothing left: one cluster of everything); the rest are re-centred on their members' new
    positions; identical centres merge into the larger cluster; then, while there are fewer
    clusters than min(k, distinct points), the point farthest from every centre leaves its
    cluster for one of its own, whose id is the largest in use plus one. Returns (ids,
    centres, each point's cluster or -1)."""
    n, previous = points.shape[0], previous_ids.shape[0]
    size = np.zeros(previous, dtype=np.int64)
    for i in range(n):
        if labels[i] >= 0:
            size[labels[i]] += 1
    remap = np.full(previous, -1, dtype=np.int64)
    count = 0
    for c in range(previous):
        if size[c] > 0:
            remap[c] = count
            count += 1
    if count == 0:
        ids = np.array([previous_ids.max() + 1])
        centre = np.zeros((1, 2))
        everyone = np.zeros(n, dtype=np.int64)
        _recentre(points, weights, everyone, centre)
        return ids, centre, everyone
    member = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if labels[i] >= 0:
            member[i] = remap[labels[i]]
    capacity = max(count, k) + 1
    ids = np.zeros(capacity, dtype=np.int64)
    sizes = np.zeros(capacity, dtype=np.int64)
    for c in range(previous):
        if remap[c] >= 0:
            ids[remap[c]] = previous_ids[c]
            sizes[remap[c]] = size[c]
    centres = np.zeros((capacity, 2))
    _recentre(points, weights, member, centres[:count])
    # Identical centres: the later cluster merges into the first one with that centre, and
    # the merged cluster keeps the id of the larger (the later one on a tie).
    target = np.arange(count)
    for c in range(1, count):
        for d in range(c):
            if target[d] == d and centres[c, 0] == centres[d, 0] and centres[c, 1] == centres[d, 1]:
                target[c] = d
                if sizes[c] >= sizes[d]:
                    ids[d] = ids[c]
                sizes[d] += sizes[c]
                break
    if np.any(target != np.arange(count)):
        compact = np.full(count, -1, dtype=np.int64)
        kept = 0
        for c in range(count):
            if target[c] == c:
                compact[c] = kept
                ids[kept], sizes[kept] = ids[c], sizes[c]
                centres[kept] = centres[c]
                kept += 1
        for i in range(n):
            if member[i] >= 0:
                member[i] = compact[target[member[i]]]
        count = kept
    if count < k:
        possible = min(k, count_distinct(points))
        while count < possible:
            far, far_d = -1, -1.0
            for i in range(n):
                best = np.inf
                for c in range(count):
                    dx = points[i, 0] - centres[c, 0]
                    dy = points[i, 1] - centres[c, 1]
                    best = min(best, dx * dx + dy * dy)
                if best > far_d:
                    far, far_d = i, best
            if far_d <= 0:
                break
            ids[count] = ids[:count].max() + 1
            member[far] = count
            centres[count, 0], centres[count, 1] = points[far, 0], points[far, 1]
            count += 1
            _recentre(points, weights, member, centres[:count])
    return ids[:count].copy(), centres[:count].copy(), member


@njit(cache=True)
def project(rows, row_columns, row_length, a, mu, components, n_columns, n_moderated):
    """Pol.is's sparsity-aware projection of the given rows: (vote − statement mean) · each
    component over the statements the participant voted on, times √(statements / votes);
    moderated-out statements hold a zero for everyone and count as voted. O(votes)."""
    out = np.zeros((rows.shape[0], 2))
    for r in range(rows.shape[0]):
        i = rows[r]
        x = 0.0
        y = 0.0
        for s in range(row_length[i]):
            j = row_columns[i, s]
            centred = a[i, j] - mu[j]
            x += centred * components[0, j]
            y += centred * components[1, j]
        scale = np.sqrt(n_columns / max(row_length[i] + n_moderated, 1))
        out[r, 0] = x * scale
        out[r, 1] = y * scale
    return out


@njit(cache=True)
def first_distinct(points, k):
    """Indices of the first k distinct rows, in order (Pol.is's `init-clusters`)."""
    chosen = np.empty(k, dtype=np.int64)
    count = 0
    for i in range(points.shape[0]):
        if count == k:
            break
        new = True
        for c in range(count):
            j = chosen[c]
            if points[i, 0] == points[j, 0] and points[i, 1] == points[j, 1]:
                new = False
                break
        if new:
            chosen[count] = i
            count += 1
    return chosen[:count]


@njit(cache=True)
def previous_labels(keys, previous_keys, previous_labels_):
    """Each key's cluster index in the previous clustering (keys ascending), or -1."""
    out = np.full(keys.shape[0], -1, dtype=np.int64)
    if previous_keys.shape[0] == 0:
        return out
    at = np.searchsorted(previous_keys, keys)
    for i in range(keys.shape[0]):
        if at[i] < previous_keys.shape[0] and previous_keys[at[i]] == keys[i]:
            out[i] = previous_labels_[at[i]]
    return out


@njit(cache=True)
def cluster(
    points, weights, keys, k, previous_ids, previous_keys, previous_labels_, iterations, threshold
):
    """Pol.is's `kmeans` in one call: warm-started from the previous clustering when there is
    one (clean start), else from the first k distinct points (ids 0…k-1); then Lloyd steps.
    Returns (ids, centres, labels)."""
    if previous_ids.shape[0] > 0:
        labels = previous_labels(keys, previous_keys, previous_labels_)
        ids, centres, guess = clean_start(points, weights, labels, previous_ids, k)
    else:
        guess = np.full(points.shape[0], -1, dtype=np.int64)
        first = first_distinct(points, k)
        ids = np.arange(first.shape[0])
        centres = np.empty((first.shape[0], 2))
        for c in range(first.shape[0]):
            centres[c, 0], centres[c, 1] = points[first[c], 0], points[first[c], 1]
    labels, centres, alive = lloyd(points, weights, centres, iterations, threshold, guess)
    return ids[alive], centres, labels


@njit(cache=True)
def first_seen_numbering(codes, n):
    """Each code's number by first appearance in `codes` (-1 for codes never seen)."""
    number = np.full(n, -1, dtype=np.int32)
    count = 0
    for i in range(codes.shape[0]):
        code = codes[i]
        if number[code] < 0:
            number[code] = count
            count += 1
    return number


@njit(cache=True)
def ever_in(rows, columns, new_pair, n_rows, min_votes, greedy):
    """Pol.is's "once in, always in" as the votes arrived (rows and columns numbered by first
    vote, votes in time order): a participant is in once they have voted on min(min_votes,
    statements so far) statements, passes included, or on arrival while fewer than `greedy`
    are in."""
    answered = np.zeros(n_rows, dtype=np.int64)
    inside = np.zeros(n_rows, dtype=np.bool_)
    n_in = 0
    n_statements = 0
    for t in range(rows.shape[0]):
        r = rows[t]
        if columns[t] + 1 > n_statements:
            n_statements = columns[t] + 1
        if new_pair[t]:
            answered[r] += 1
        if not inside[r] and (n_in < greedy or answered[r] >= min(min_votes, n_statements)):
            inside[r] = True
            n_in += 1
    return inside
