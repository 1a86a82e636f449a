"""The opinion map (`meshutaf.deliberation.opinion`): pure numpy/scipy, no database."""

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from meshutaf.deliberation.opinion import (
    K_BUFFER,
    TOP_CONSENSUS,
    KState,
    VoteTable,
    adjusted_rand_index,
    analyze,
    choose_k,
    kmeans,
    prop_test,
    silhouette,
    statement_priorities,
    two_prop_test,
)

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def two_groups(seed=0, *, participants=60, statements=20, noise=0.1, missing=0.2, consensus=2):
    """Group A (even participants) agrees with s0–s9 and disagrees with s10–s19, group B the
    opposite; everyone agrees with c0, c1… Some votes flip or become passes, some are missing.
    Returns (votes in a shuffled arrival order, {participant: "A" or "B"})."""
    rng = np.random.default_rng(seed)
    truth, votes = {}, []
    for i in range(participants):
        pid, group = f"p{i}", "AB"[i % 2]
        truth[pid] = group
        for j in range(statements + consensus):
            if rng.random() < missing:
                continue
            if j >= statements:
                votes.append((pid, f"c{j - statements}", 1))
                continue
            vote = 1 if (j < statements // 2) == (group == "A") else -1
            if rng.random() < noise:
                vote = -vote if rng.random() < 0.7 else 0
            votes.append((pid, f"s{j}", vote))
    order = rng.permutation(len(votes))
    return [votes[k] for k in order], truth


def labels(analysis, ids):
    return [analysis.participants.get(pid) for pid in ids]


def without_seconds(analysis) -> dict:
    result = analysis.as_json()
    result.pop("seconds")
    return result


@st.composite
def conversations(draw, max_participants=30, max_statements=12):
    """Small conversations with 1–3 latent groups, missing votes, noise and some re-votes,
    as (participant, statement, value) tuples in arrival order."""
    n_participants = draw(st.integers(1, max_participants))
    n_statements = draw(st.integers(1, max_statements))
    n_groups = draw(st.integers(1, 3))
    density = draw(st.floats(0.3, 1.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    leaning = rng.choice([-1, 0, 1], size=(n_groups, n_statements), p=[0.45, 0.1, 0.45])
    group = rng.integers(n_groups, size=n_participants)
    votes = []
    for i in range(n_participants):
        for j in range(n_statements):
            if rng.random() < density:
                value = leaning[group[i], j] if rng.random() < 0.8 else rng.integers(-1, 2)
                votes.append((i, j, int(value)))
    order = list(rng.permutation(len(votes)))
    votes = [votes[k] for k in order]
    if votes and draw(st.booleans()):  # a few changed minds
        for k in rng.choice(len(votes), size=min(3, len(votes)), replace=False):
            participant, statement, _ = votes[k]
            votes.append((participant, statement, int(rng.integers(-1, 2))))
    return votes


# ---- a clear two-sided conversation ------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_separated_groups_are_recovered_exactly(seed):
    votes, truth = two_groups(seed)
    analysis = analyze(VoteTable.from_votes(votes), seed=0)

    assert len(analysis.groups) == 2
    assert adjusted_rand_index(labels(analysis, truth), list(truth.values())) == 1.0
    assert sorted(len(group.members) for group in analysis.groups) == [30, 30]
    assert analysis.silhouette is not None
    assert analysis.silhouette > 0.5


def test_representative_statements_point_the_right_way():
    votes, truth = two_groups(0)
    analysis = analyze(VoteTable.from_votes(votes), seed=0)
    for group in analysis.groups:
        side = {truth[pid] for pid in group.members}
        assert len(side) == 1
        agreed = {f"s{j}" for j in (range(10) if side == {"A"} else range(10, 20))}
        disagreed = {f"s{j}" for j in range(20)} - agreed
        assert group.representative
        for rep in group.representative:
            assert rep.statement in (agreed if rep.direction == "agree" else disagreed)
            assert rep.probability > 0.5
            assert rep.ratio > 1
            assert rep.n_success <= rep.n_trials
        # Agreements are listed before disagreements.
        directions = [rep.direction for rep in group.representative]
        assert directions == sorted(directions)


def test_statements_everybody_agrees_with_are_consensus():
    votes, _ = two_groups(0)
    analysis = analyze(VoteTable.from_votes(votes), seed=0)
    assert {"c0", "c1"} <= set(analysis.consensus_agree)
    assert not {"c0", "c1"} & set(analysis.consensus_disagree)
    gic = analysis.group_informed_consensus
    divisive = [gic[f"s{j}"] for j in range(20)]
    assert gic["c0"] > 0.8
    assert gic["c1"] > 0.8
    assert max(divisive) < 0.3
    assert not {"c0", "c1"} & set(analysis.divisive)
    assert set(analysis.divisive) <= {f"s{j}" for j in range(20)}
    assert len(analysis.divisive) == TOP_CONSENSUS
    assert set(analysis.priorities) == set(gic)
    assert all(priority > 0 for priority in analysis.priorities.values())


def test_statement_stats_and_json():
    votes, _ = two_groups(0)
    analysis = analyze(VoteTable.from_votes(votes), seed=0)
    stats = analysis.statement_stats["c0"]
    cast = [v for _, s, v in votes if s == "c0"]
    assert (stats["agree"], stats["disagree"], stats["pass"]) == (len(cast), 0, 0)
    assert sum(group["agree"] for group in stats["groups"]) == len(cast)
    result = json.loads(json.dumps(analysis.as_json()))
    assert set(result) == {
        "participants",
        "groups",
        "consensus",
        "group_informed_consensus",
        "seconds",
    }
    assert sum(group["size"] for group in result["groups"]) == 60
    assert analysis.n_participants == 60
    assert analysis.n_statements == 22
    assert analysis.n_votes == len(votes)
    assert set(analysis.positions) == set(analysis.participants)


def test_k_state_is_carried_between_updates():
    votes, _ = two_groups(0)
    first = analyze(VoteTable.from_votes(votes), seed=0)
    assert first.k_state.smoothed_k == 2
    second = analyze(VoteTable.from_votes(votes), seed=0, k_state=first.k_state)
    assert second.k_state.smoothed_k == 2
    assert second.k_state.count == first.k_state.count + 1


def test_larger_conversation_uses_the_sparse_path_deterministically():
    """Over 300 participants and statements the SVD is sparse (ARPACK, seeded start)."""
    rng = np.random.default_rng(3)
    n_participants, n_statements = 400, 320
    truth = rng.integers(2, size=n_participants)
    leaning = rng.choice([-1, 1], size=n_statements)
    votes = []
    for i in range(n_participants):
        for j in rng.choice(n_statements, size=rng.integers(20, 45), replace=False):
            vote = int(leaning[j]) * (1 if truth[i] == 0 else -1)
            votes.append((i, int(j), -vote if rng.random() < 0.15 else vote))
    votes = [votes[k] for k in rng.permutation(len(votes))]
    first = analyze(VoteTable.from_votes(votes), seed=5)
    again = analyze(VoteTable.from_votes(votes), seed=5)
    assert without_seconds(first) == without_seconds(again)
    assert first.positions == again.positions
    assert len(first.groups) == 2
    assert adjusted_rand_index(labels(first, range(n_participants)), truth.tolist()) == 1.0


# ---- properties --------------------------------------------------------------------------


@PROPERTY
@given(votes=conversations(), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_renaming_participants_and_statements_changes_nothing(votes, seed, data):
    participants = sorted({p for p, _, _ in votes})
    statements = sorted({s for _, s, _ in votes})
    rng = np.random.default_rng(seed)
    new_p = {
        p: f"user-{k}"
        for p, k in zip(participants, rng.permutation(len(participants)), strict=True)
    }
    new_s = {
        s: 1000 - int(k) for s, k in zip(statements, rng.permutation(len(statements)), strict=True)
    }
    renamed = [(new_p[p], new_s[s], v) for p, s, v in votes]
    analysis_seed = data.draw(st.integers(0, 10))

    before = analyze(VoteTable.from_votes(votes), seed=analysis_seed)
    after = analyze(VoteTable.from_votes(renamed), seed=analysis_seed)

    assert (
        adjusted_rand_index(
            labels(before, participants), [after.participants[new_p[p]] for p in participants]
        )
        == 1.0
    )
    assert [p is None for p in labels(before, participants)] == [
        after.participants[new_p[p]] is None for p in participants
    ]
    assert len(before.groups) == len(after.groups)
    assert [new_s[s] for s in before.consensus_agree] == after.consensus_agree
    assert [new_s[s] for s in before.consensus_disagree] == after.consensus_disagree
    for statement, value in before.group_informed_consensus.items():
        assert after.group_informed_consensus[new_s[statement]] == pytest.approx(value)


@PROPERTY
@given(votes=conversations(), first=st.booleans(), only_some=st.booleans())
def test_a_participant_who_only_passes_is_never_grouped(votes, first, only_some):
    statements = sorted({s for _, s, _ in votes}) or [0]
    if only_some:
        statements = statements[: max(1, len(statements) // 2)]
    passes = [("passer", s, 0) for s in statements]
    table = VoteTable.from_votes(passes + votes if first else votes + passes)
    analysis = analyze(table, seed=0)
    assert analysis.participants["passer"] is None
    for group in analysis.groups:
        assert "passer" not in group.members


@PROPERTY
@given(votes=conversations(), seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_result(votes, seed):
    first = analyze(VoteTable.from_votes(votes), seed=seed)
    second = analyze(VoteTable.from_votes(votes), seed=seed)
    assert without_seconds(first) == without_seconds(second)
    assert first.positions == second.positions
    assert first.divisive == second.divisive


@PROPERTY
@given(votes=conversations(), data=st.data())
def test_a_moderated_out_statement_appears_nowhere(votes, data):
    statements = sorted({s for _, s, _ in votes})
    assume(statements)
    removed = data.draw(st.sampled_from(statements))
    analysis = analyze(VoteTable.from_votes(votes, moderated_out=[removed]), seed=0)
    for group in analysis.groups:
        assert removed not in [rep.statement for rep in group.representative]
    assert removed not in analysis.consensus_agree
    assert removed not in analysis.consensus_disagree
    assert removed not in analysis.group_informed_consensus
    assert removed not in analysis.group_informed_disagreement
    assert removed not in analysis.divisive
    assert removed not in analysis.priorities
    assert str(removed) not in analysis.as_json()["group_informed_consensus"]
    assert analysis.statement_stats[removed]["moderated_out"] is True


def test_moderating_out_the_strongest_statements():
    votes, truth = two_groups(0)
    removed = ["c0", "s0", "s10"]
    analysis = analyze(VoteTable.from_votes(votes, moderated_out=[*removed, "unknown"]), seed=0)
    assert adjusted_rand_index(labels(analysis, truth), list(truth.values())) == 1.0
    reps = {rep.statement for group in analysis.groups for rep in group.representative}
    assert not reps & set(removed)
    assert analysis.consensus_agree == ["c1"]
    assert not set(analysis.group_informed_consensus) & set(removed)


def test_moderating_out_everything():
    """Regression: with no vote left on a kept statement, np.bincount returned int64 and the
    centring divide failed to cast (UFuncTypeError)."""
    votes = [("p", "s", 1), ("q", "s", -1), ("q", "t", 1)]
    analysis = analyze(VoteTable.from_votes(votes, moderated_out=["s", "t"]), seed=0)
    assert analysis.groups == []
    assert analysis.group_informed_consensus == {}
    assert set(analysis.participants.values()) == {None}
    assert analysis.consensus_agree == analysis.consensus_disagree == []


# ---- edge cases --------------------------------------------------------------------------


def test_empty_table():
    table = VoteTable.from_votes([])
    analysis = analyze(table, seed=0)
    assert analysis.participants == {}
    assert analysis.groups == []
    assert analysis.consensus_agree == analysis.consensus_disagree == []
    assert analysis.group_informed_consensus == {}
    assert analysis.silhouette is None
    assert analysis.n_votes == 0
    assert json.dumps(analysis.as_json())


def test_one_participant():
    analysis = analyze(VoteTable.from_votes([("p", "s1", 1), ("p", "s2", -1), ("p", "s3", 0)]))
    assert analysis.participants == {"p": None}
    assert analysis.groups == []
    assert set(analysis.group_informed_consensus) == {"s1", "s2", "s3"}
    assert analysis.positions == {"p": (0.0, 0.0)}


@pytest.mark.parametrize("value", [1, -1, 0])
def test_all_votes_identical(value):
    votes = [(f"p{i}", f"s{j}", value) for i in range(20) for j in range(8)]
    analysis = analyze(VoteTable.from_votes(votes), seed=0)
    assert set(analysis.participants.values()) == {None}
    assert analysis.groups == []
    assert analysis.divisive == []
    agreed = analysis.consensus_agree if value == 1 else analysis.consensus_disagree
    assert len(agreed) == (TOP_CONSENSUS if value else 0)
    assert len(set(analysis.group_informed_consensus.values())) == 1


@pytest.mark.parametrize("n_statements", [1, 2, 3, 6])
def test_fewer_than_seven_statements(n_statements):
    """The bar to be clustered drops to the number of statements."""
    votes = [
        (f"p{i}", f"s{j}", 1 if (i % 2 == 0) == (j % 2 == 0) else -1)
        for i in range(20)
        for j in range(n_statements)
    ]
    analysis = analyze(VoteTable.from_votes(votes), seed=0)
    ids = [f"p{i}" for i in range(20)]
    assert len(analysis.groups) == 2
    assert adjusted_rand_index(labels(analysis, ids), [i % 2 for i in range(20)]) == 1.0


def test_a_statement_with_no_votes():
    votes, truth = two_groups(0)
    table = VoteTable.from_votes(votes)
    widened = VoteTable(
        participants=table.participants,
        statements=[*table.statements, "silent"],
        participant_index=table.participant_index,
        statement_index=table.statement_index,
        value=table.value,
        ever_in=table.ever_in,
    )
    analysis = analyze(widened, seed=0)
    assert adjusted_rand_index(labels(analysis, truth), list(truth.values())) == 1.0
    stats = analysis.statement_stats["silent"]
    assert (stats["agree"], stats["disagree"], stats["pass"]) == (0, 0, 0)
    assert "silent" not in analysis.consensus_agree + analysis.consensus_disagree
    assert "silent" not in analysis.divisive
    assert analysis.group_informed_consensus["silent"] == pytest.approx(0.5 ** len(analysis.groups))
    for group in analysis.groups:
        assert "silent" not in [rep.statement for rep in group.representative]


def test_from_votes_keeps_the_latest_vote_and_first_vote_order():
    table = VoteTable.from_votes(
        [("b", "x", 1), ("a", "y", -1), ("b", "x", 0), ("a", "x", 1), ("b", "x", -1)],
        moderated_out=["y", "never-voted"],
    )
    assert table.participants == ["b", "a"]
    assert table.statements == ["x", "y"]
    votes = {
        (table.participants[r], table.statements[c]): int(v)
        for r, c, v in zip(table.participant_index, table.statement_index, table.value, strict=True)
    }
    assert votes == {("b", "x"): -1, ("a", "y"): -1, ("a", "x"): 1}
    assert table.n_votes == 3
    assert table.moderated_out == frozenset({"y"})
    assert table.value.dtype == np.int8


@pytest.mark.parametrize("value", [2, -2, "1", None, 0.5])
def test_from_votes_rejects_other_values(value):
    with pytest.raises(ValueError, match="vote must be"):
        VoteTable.from_votes([("p", "s", value)])


def test_ever_in_follows_pol_is():
    # The first 15 voters are in at once; later ones once they reach min(7, statements).
    early = [(f"e{i}", "s0", 1) for i in range(15)]
    late = [("late", f"s{j}", 1) for j in range(6)] + [("short", "s0", 1)]
    table = VoteTable.from_votes(early + late)
    assert table.ever_in.tolist() == [True] * 15 + [True, False]


# ---- statistics ---------------------------------------------------------------------------


def test_prop_test_by_hand():
    # (s + 1, n + 1) = (4, 5): 2·√5·(4/5 − 1/2) = 0.6·√5
    assert prop_test(3, 4) == pytest.approx(0.6 * math.sqrt(5))
    assert prop_test(3, 4) == pytest.approx(1.3416407865)
    # No votes: 2·√1·(1 − 1/2) = 1
    assert prop_test(0, 0) == pytest.approx(1.0)
    # (1, 11): 2·√11·(1/11 − 1/2) = −9/√11
    assert prop_test(0, 10) == pytest.approx(-9 / math.sqrt(11))
    np.testing.assert_allclose(prop_test([3, 0], [4, 0]), [0.6 * math.sqrt(5), 1.0])


def test_two_prop_test_by_hand():
    # (6/11 − 3/11) / √(9/22 · 13/22 · 2/11) = 1.30089…
    expected = (6 / 11 - 3 / 11) / math.sqrt(9 / 22 * 13 / 22 * 2 / 11)
    assert two_prop_test(5, 2, 10, 10) == pytest.approx(expected)
    assert two_prop_test(5, 2, 10, 10) == pytest.approx(1.3008872, rel=1e-6)
    assert two_prop_test(2, 5, 10, 10) == pytest.approx(-expected)
    # Everyone agrees inside and out: the pooled share is 1, so no difference.
    assert two_prop_test(4, 6, 4, 6) == 0.0
    # (1/5 − 9/10) / √(10/15 · 5/15 · (1/5 + 1/10))
    expected = (1 / 5 - 9 / 10) / math.sqrt(10 / 15 * 5 / 15 * (1 / 5 + 1 / 10))
    assert two_prop_test(0, 8, 4, 9) == pytest.approx(expected)
    np.testing.assert_allclose(
        two_prop_test([5, 4], [2, 6], [10, 4], [10, 6]), [1.3008872, 0.0], rtol=1e-6
    )


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(2, 6), min_size=2, max_size=4),
    seed=st.integers(0, 2**32 - 1),
    spread=st.floats(0.1, 10.0),
)
def test_silhouette_matches_sklearn(sizes, seed, spread):
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    label_values = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(label_values)
    points = rng.normal(size=(label_values.size, 2)) + spread * label_values[:, None]
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    expected = metrics.silhouette_score(points, label_values)
    assert silhouette(distances, label_values) == pytest.approx(expected, abs=1e-9)
    # Labels need not be 0…k−1.
    assert silhouette(distances, label_values * 7 + 3) == pytest.approx(expected, abs=1e-9)


def test_silhouette_trivial_cases():
    distances = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert silhouette(distances, np.array([0, 0])) == 0.0
    assert silhouette(distances, np.array([0, 1])) == 0.0  # singletons score 0
    assert silhouette(np.zeros((1, 1)), np.array([0])) == 0.0


label_lists = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(pair=label_lists)
def test_adjusted_rand_index_matches_sklearn(pair):
    metrics = pytest.importorskip("sklearn.metrics")
    a, b = pair
    expected = metrics.adjusted_rand_score(a, [-1 if x is None else x for x in b])
    assert adjusted_rand_index(a, b) == pytest.approx(expected, abs=1e-9)
    assert adjusted_rand_index(b, a) == pytest.approx(expected, abs=1e-9)


def test_adjusted_rand_index_ignores_label_names():
    assert adjusted_rand_index([0, 0, 1, 1], ["x", "x", "y", "y"]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert adjusted_rand_index([None, None, 1], ["a", "a", "b"]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert adjusted_rand_index([], []) == 1.0


def test_kmeans_separates_blobs_and_is_deterministic():
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(loc, 0.3, size=(40, 2)) for loc in ((0, 0), (5, 5), (0, 6))])
    truth = np.repeat([0, 1, 2], 40)
    found, centres = kmeans(points, 3, max_iterations=50, restarts=5, rng=np.random.default_rng(1))
    again, _ = kmeans(points, 3, max_iterations=50, restarts=5, rng=np.random.default_rng(1))
    assert adjusted_rand_index(found, truth) == 1.0
    assert (found == again).all()
    assert centres.shape == (3, 2)
    # Weights pull a centre toward the heavy point.
    two = np.array([[0.0, 0.0], [1.0, 0.0]])
    _, centre = kmeans(two, 1, weights=np.array([3.0, 1.0]), max_iterations=5)
    assert centre[0] == pytest.approx([0.25, 0.0])


def test_statement_priorities_favour_divisive_unseen_statements():
    seen = np.array([10.0, 10.0, 10.0, 0.0])
    agree = np.array([5.0, 1.0, 5.0, 0.0])
    disagree = np.array([5.0, 1.0, 0.0, 0.0])
    priority = statement_priorities(
        agree=agree, disagree=disagree, seen=seen, extremity=np.array([1.0, 1.0, 1.0, 1.0])
    )
    assert priority[0] > priority[1]  # mostly passed ranks low
    assert priority[0] > priority[2]  # fewer opinions, lower
    assert priority[3] == pytest.approx(((1 - 0.5) * 2 * 0.5 * 9) ** 2)  # a new one's boost


# ---- choose_k ----------------------------------------------------------------------------


def test_choose_k_without_history_keeps_two_unless_clearly_beaten():
    assert choose_k({2: 0.40, 3: 0.44, 4: 0.30}).smoothed_k == 2
    assert choose_k({2: 0.40, 3: 0.46}).smoothed_k == 3
    assert choose_k({2: 0.40, 3: 0.50, 4: 0.52}).smoothed_k == 4
    assert choose_k({2: 0.60, 3: 0.30}).smoothed_k == 2
    state = choose_k({2: 0.50, 3: 0.50})  # ties go to the larger k, not past the margin
    assert (state.last_k, state.count, state.smoothed_k) == (3, 1, 2)
    assert choose_k({2: 0.1}).smoothed_k == 2


def test_choose_k_with_history_switches_after_four_wins_in_a_row():
    state = choose_k({2: 0.50, 3: 0.40})
    assert state.smoothed_k == 2
    better = {2: 0.40, 3: 0.60}
    for _ in range(K_BUFFER - 1):
        state = choose_k(better, previous=state)
        assert state.smoothed_k == 2
    state = choose_k(better, previous=state)
    assert state.smoothed_k == 3
    assert state.count == K_BUFFER
    # One update where 2 wins again does not switch back.
    state = choose_k({2: 0.70, 3: 0.40}, previous=state)
    assert state.smoothed_k == 3
    assert (state.last_k, state.count) == (2, 1)


def test_choose_k_with_history_restarts_the_count_when_interrupted():
    state = KState(last_k=2, count=5, smoothed_k=2)
    better, worse = {2: 0.40, 3: 0.60}, {2: 0.60, 3: 0.40}
    for step in [better, better, better, worse, better, better, better]:
        state = choose_k(step, previous=state)
        assert state.smoothed_k == 2
    state = choose_k(better, previous=state)
    assert state.smoothed_k == 3


def test_choose_k_with_history_when_the_k_in_use_is_gone():
    state = choose_k({2: 0.30, 3: 0.40}, previous=KState(last_k=5, count=9, smoothed_k=5))
    assert state.smoothed_k == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("007", "007"), ("①", "①"), ("²", "²"), ("a1", "a1"), (5, 5)],
)
def test_json_ids_become_numbers_only_when_exact(value, expected):
    from meshutaf.deliberation.opinion import _json_id

    assert _json_id(value) == expected
