"""Replaying Pol.is's updates (`meshutaf.deliberation.replay`): pure numpy and numba."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshutaf.deliberation import kernels
from meshutaf.deliberation.opinion import adjusted_rand_index
from meshutaf.deliberation.replay import (
    K_BUFFER,
    POLL_MS,
    Clustering,
    Replayer,
    ReplayState,
    group_of_rows,
    kmeans,
    replay,
    smooth_k,
)

PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def conversation(seed=0, *, participants=60, statements=24, missing=0.25, noise=0.08):
    """Two camps (even and odd participants) that disagree on every statement; votes arrive
    one participant after another, a few seconds apart. Returns arrays numbered by first vote
    and the true camp per row."""
    rng = np.random.default_rng(seed)
    rows, columns, values, times = [], [], [], []
    clock = 1_600_000_000_000
    for p in range(participants):
        camp = p % 2
        for s in rng.permutation(statements):
            if rng.random() < missing:
                continue
            vote = 1 if (s < statements // 2) == (camp == 0) else -1
            if rng.random() < noise:
                vote = -vote
            rows.append(p)
            columns.append(int(s))
            values.append(vote)
            clock += int(rng.integers(1500, 6000))
            times.append(clock)
    rows_a, columns_a = np.array(rows), np.array(columns)
    # Number columns by first vote, as the replay expects.
    _, first = np.unique(columns_a, return_index=True)
    order = np.argsort(first)
    renumber = np.empty(statements, dtype=np.int64)
    renumber[np.unique(columns_a)[order]] = np.arange(order.size)
    return {
        "rows": rows_a,
        "columns": renumber[columns_a],
        "values": np.array(values, dtype=np.float64),
        "times": np.array(times, dtype=np.int64),
        "n_rows": participants,
        "n_columns": statements,
        "camps": np.arange(participants) % 2,
    }


def run(data, *, kept=None, **kwargs):
    return replay(
        data["rows"],
        data["columns"],
        data["values"],
        data["times"],
        n_rows=data["n_rows"],
        n_columns=data["n_columns"],
        kept=np.ones(data["n_columns"], dtype=bool) if kept is None else kept,
        **kwargs,
    )


def test_two_camps_are_found():
    data = conversation()
    replayer = run(data)
    labels = replayer.group_of_rows()
    assert (labels >= 0).all()
    assert adjusted_rand_index(labels.tolist(), data["camps"].tolist()) == pytest.approx(1.0)
    # One update per second that saw a vote: here every vote is its own update.
    assert replayer.state.updates == data["rows"].size


def test_votes_in_one_poll_second_are_one_update():
    data = conversation(participants=20)
    data["times"] = (data["times"] // 10_000) * 10_000  # ten-second bursts
    replayer = run(data)
    assert replayer.state.updates == np.unique(data["times"] // 1000).size


@PROPERTY
@given(seed=st.integers(0, 10_000))
def test_same_seed_same_groups_and_relabelling_changes_nothing(seed):
    data = conversation(seed, participants=40, statements=16)
    first = run(data, seed=seed).group_of_rows()
    assert np.array_equal(first, run(data, seed=seed).group_of_rows())
    # Another numbering of participants and statements (kept in first-vote order, as the
    # replay requires) is the same conversation.
    shuffled = dict(data)
    permutation = np.random.default_rng(seed).permutation(data["n_rows"])
    order = np.argsort(data["times"], kind="stable")
    rows_in_time = permutation[data["rows"][order]]
    _, first_seen = np.unique(rows_in_time, return_index=True)
    renumber = np.empty(data["n_rows"], dtype=np.int64)
    renumber[np.unique(rows_in_time)[np.argsort(first_seen)]] = np.arange(first_seen.size)
    shuffled["rows"] = renumber[permutation[data["rows"]]]
    again = run(shuffled, seed=seed).group_of_rows()
    assert adjusted_rand_index(first.tolist(), again[renumber[permutation]].tolist()) == 1.0


def test_passes_count_toward_joining_as_in_polis():
    """Pol.is counts every vote, passes included, toward min(7, statements); a participant
    who only passed is grouped once they passed on 7 statements, and not before."""
    data = conversation(participants=30, statements=12)
    clock = int(data["times"].max())
    extra_rows, extra_columns = [], []
    for row, n_passes in ((30, 7), (31, 3)):
        for column in range(n_passes):
            extra_rows.append(row)
            extra_columns.append(column)
    n = len(extra_rows)
    data = {
        **data,
        "rows": np.r_[data["rows"], extra_rows],
        "columns": np.r_[data["columns"], extra_columns],
        "values": np.r_[data["values"], np.zeros(n)],
        "times": np.r_[data["times"], clock + 2000 * np.arange(1, n + 1)],
        "n_rows": 32,
    }
    labels = run(data).group_of_rows()
    assert labels[30] >= 0
    assert labels[31] == -1


def test_once_in_always_in():
    """The first 15 voters are in the clustering from the start (fewer than 15 qualify yet)
    and stay in even though some cast fewer than 7 votes."""
    data = conversation(participants=40, statements=20)
    early = data["rows"][np.argsort(data["times"], kind="stable")]
    keep = np.ones(early.size, dtype=bool)
    # Participant 0 casts only 3 votes.
    zero = np.flatnonzero(data["rows"] == 0)
    keep[zero[3:]] = False
    trimmed = {
        k: (v[keep] if isinstance(v, np.ndarray) and v.size == keep.size else v)
        for k, v in data.items()
    }
    replayer = run(trimmed)
    assert 0 in replayer.state.in_conversation
    assert replayer.group_of_rows()[0] >= 0


def test_k_changes_only_after_the_buffer():
    state = ReplayState()
    smooth_k(state, {2: 0.5, 3: 0.4})
    assert state.smoothed_k == 2  # the first update takes its best k at once
    for update in range(1, K_BUFFER + 1):
        smooth_k(state, {2: 0.4, 3: 0.5})
        assert state.smoothed_k == (3 if update >= K_BUFFER else 2)
    # One update preferring 2 again does not switch back; a tie goes to the larger k.
    smooth_k(state, {2: 0.6, 3: 0.5})
    assert (state.smoothed_k, state.last_k, state.last_k_count) == (3, 2, 1)
    smooth_k(state, {2: 0.5, 3: 0.5})
    assert (state.last_k, state.last_k_count) == (3, 1)


def test_state_survives_json_and_continues_the_same_path():
    data = conversation(participants=40)
    half = data["times"].size // 2
    order = np.argsort(data["times"], kind="stable")
    first, second = order[:half], order[half:]
    n_rows, n_columns = data["n_rows"], data["n_columns"]
    kept = np.ones(n_columns, dtype=bool)

    def feed(replayer, idx):
        window = data["times"][idx] // 1000
        cuts = np.flatnonzero(np.diff(window)) + 1
        for part in np.split(idx, cuts):
            replayer.add_votes(data["rows"][part], data["columns"][part], data["values"][part])
            replayer.update()

    straight = Replayer(n_rows, n_columns, kept)
    feed(straight, first)
    restored = Replayer(n_rows, n_columns, kept)
    restored.add_votes(data["rows"][first], data["columns"][first], data["values"][first])
    restored.state = ReplayState.from_json(straight.state.to_json())
    feed(straight, second)
    feed(restored, second)
    assert np.array_equal(straight.group_of_rows(), restored.group_of_rows())


def test_kmeans_warm_start_keeps_ids_and_splits_the_farthest_point():
    points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0], [20.0, 0.0]])
    keys = np.arange(5)
    previous = Clustering(
        ids=np.array([7, 3]),
        centres=np.zeros((2, 2)),
        keys=np.arange(4),
        labels=np.array([0, 0, 1, 1]),
    )
    clustering = kmeans(points, np.ones(5), keys, 3, previous, 20)
    # The old ids survive; the point far from both becomes a cluster with id max + 1.
    assert sorted(clustering.ids.tolist()) == [3, 7, 8]
    by_id = dict(zip(clustering.ids.tolist(), range(3), strict=True))
    assert clustering.members(by_id[8]).tolist() == [4]
    assert clustering.members(by_id[7]).tolist() == [0, 1]


def test_lloyd_drops_empty_clusters_and_stops_when_centres_settle():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    centres = np.array([[0.5, 0.0], [10.0, 0.0], [100.0, 100.0]])
    labels, new, alive = kernels.lloyd(points, np.ones(3), centres, 20, 0.01, np.full(3, -1))
    assert alive.tolist() == [True, True, False]
    assert labels.tolist() == [0, 0, 1]
    assert new.tolist() == [[0.5, 0.0], [10.0, 0.0]]


def test_silhouette_matches_the_definition():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(30, 2))
    labels = (points[:, 0] > 0).astype(np.int64)
    distance = kernels.distances(points)
    expected = []
    for i in range(30):
        own = labels == labels[i]
        a = distance[i, own].sum() / (own.sum() - 1)
        b = distance[i, ~own].mean()
        expected.append((b - a) / max(a, b))
    assert kernels.silhouette(distance, labels, 2) == pytest.approx(np.mean(expected))


def test_gram_matrix_kept_up_to_date_vote_by_vote():
    data = conversation(participants=25, statements=10)
    kept = np.ones(10, dtype=bool)
    kept[3] = False  # a statement moderated out shapes nothing
    replayer = Replayer(25, 10, kept)
    order = np.argsort(data["times"], kind="stable")
    for i in order:
        replayer.add_votes(data["rows"][i : i + 1], data["columns"][i : i + 1], [1.0])
    # Change some votes, as people do.
    replayer.add_votes(data["rows"][order[:5]], data["columns"][order[:5]], np.zeros(5))
    mu = replayer._centre()
    x = replayer.values - replayer.voted * mu
    assert np.allclose(x.T @ x, replayer.gram)
    assert not replayer.gram[3].any()


def test_group_of_rows_without_groups_is_all_minus_one():
    assert group_of_rows(ReplayState(), 4).tolist() == [-1, -1, -1, -1]


def test_a_restart_after_an_idle_gap_forgets_the_groups_but_not_the_base_clusters():
    data = conversation(participants=30)
    order = np.argsort(data["times"], kind="stable")
    times = data["times"].copy()
    # A week without votes after the first two thirds.
    cut = order[2 * order.size // 3 :]
    times[cut] += 7 * 24 * 3_600_000
    data = {**data, "times": times}
    steady = run(data)
    restarted = run(data, restart_gap_ms=24 * 3_600_000)
    # The smoother restarted: its count runs from the first update after the gap.
    assert restarted.state.last_k_count < steady.state.last_k_count
    assert restarted.state.updates == steady.state.updates
    assert adjusted_rand_index(
        restarted.group_of_rows().tolist(), data["camps"].tolist()
    ) == pytest.approx(1.0)
    replayer = Replayer(3, 3, np.ones(3, dtype=bool))
    replayer.state.groups = {
        2: Clustering(np.zeros(1, int), np.zeros((1, 2)), np.zeros(0, int), np.zeros(0, int))
    }
    replayer.state.base = Clustering(
        np.zeros(1, int), np.zeros((1, 2)), np.zeros(0, int), np.zeros(0, int)
    )
    replayer.state.smoothed_k = 2
    replayer.restart()
    assert replayer.state.groups == {}
    assert replayer.state.smoothed_k is None
    assert replayer.state.base is not None


def stepwise(data, kept, *, seed=0, restart_gap_ms=None):
    """The replay driven from Python, batch by batch, through `Replayer.update`: the reference
    the compiled loop (`replay_loop.run`) must follow bit for bit."""
    order = np.argsort(data["times"], kind="stable")
    rows, columns = data["rows"][order], data["columns"][order]
    values, times = data["values"][order], data["times"][order]
    replayer = Replayer(data["n_rows"], data["n_columns"], kept, seed=seed)
    window = times // POLL_MS
    cuts = np.flatnonzero(np.diff(window)) + 1
    previous = None
    for start, end in zip(np.r_[0, cuts], np.r_[cuts, rows.size], strict=True):
        gap = None if previous is None else times[start] - previous
        if restart_gap_ms is not None and gap is not None and gap > restart_gap_ms:
            replayer.restart()
        previous = times[end - 1]
        replayer.add_votes(rows[start:end], columns[start:end], values[start:end])
        replayer.update()
    return replayer


def random_conversation(seed):
    """Unstructured votes from a random number of voters on a random number of statements,
    some in the same second, so batches, greedy joining and changing k are all exercised."""
    rng = np.random.default_rng(seed)
    n_rows, n_columns = int(rng.integers(3, 120)), int(rng.integers(2, 30))
    n = int(rng.integers(5, 1500))
    rows, columns = rng.integers(0, n_rows, n), rng.integers(0, n_columns, n)
    values = rng.choice([-1.0, 0.0, 1.0], n)
    times = np.sort(rng.integers(0, n * 700, n))
    numbered_rows = kernels.first_seen_numbering(rows.astype(np.int32), n_rows)
    numbered_columns = kernels.first_seen_numbering(columns.astype(np.int32), n_columns)
    return {
        "rows": numbered_rows[rows].astype(np.int64),
        "columns": numbered_columns[columns].astype(np.int64),
        "values": values,
        "times": times,
        "n_rows": int(numbered_rows.max()) + 1,
        "n_columns": int(numbered_columns.max()) + 1,
    }


@pytest.mark.parametrize("seed", range(12))
def test_the_compiled_loop_follows_the_python_updates_bit_for_bit(seed, monkeypatch):
    from meshutaf.deliberation import replay_loop

    if seed % 2:  # many short chunks: every hand-over between the two phases is exercised
        monkeypatch.setattr(replay_loop, "CHUNK_BATCHES", 3)
    data = random_conversation(seed)
    kept = np.random.default_rng(seed).random(data["n_columns"]) > 0.15
    gap = 20_000 if seed % 3 == 0 else None
    compiled = run(data, kept=kept, seed=seed, restart_gap_ms=gap)
    reference = stepwise(data, kept, seed=seed, restart_gap_ms=gap)
    assert compiled.state.updates == reference.state.updates > 1
    assert compiled.state.to_json() == reference.state.to_json()
    np.testing.assert_array_equal(compiled.positions, reference.positions)
    np.testing.assert_array_equal(compiled.gram, reference.gram)
    assert (compiled.rows_seen, compiled.columns_seen) == (
        reference.rows_seen,
        reference.columns_seen,
    )
    # The state carries on identically too: one more update from each.
    for replayer in (compiled, reference):
        replayer.add_votes(data["rows"][:3], data["columns"][:3], -data["values"][:3])
        replayer.update()
    assert compiled.state.to_json() == reference.state.to_json()
