"""The assignment of candidates to reviewers: never a conflicted pair, never over a reviewer's
cap, loads balanced, reviewers joined by shared candidates, the same answer for the same seed,
and complete at 2,000 candidates (its speed is measured by `bench/programs.py`)."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from meshutaf.programs.assignment import _components, assign


@st.composite
def problems(draw):
    candidates = draw(st.integers(min_value=0, max_value=40))
    reviewers = draw(st.integers(min_value=1, max_value=9))
    k = draw(st.integers(min_value=1, max_value=4))
    caps = draw(
        st.lists(
            st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
            min_size=reviewers,
            max_size=reviewers,
        )
    )
    conflicts = draw(
        st.sets(
            st.tuples(
                st.integers(min_value=0, max_value=max(candidates - 1, 0)),
                st.integers(min_value=0, max_value=reviewers - 1),
            ),
            max_size=30,
        )
    )
    seed = draw(st.integers(min_value=0, max_value=1000))
    return range(candidates), dict(enumerate(caps)), conflicts, k, seed


@settings(max_examples=300, deadline=None)
@given(problems())
def test_never_a_conflict_never_over_a_cap_and_the_shortfall_reported(problem):
    candidates, reviewers, conflicts, k, seed = problem
    result = assign(candidates=candidates, reviewers=reviewers, conflicts=conflicts, k=k, seed=seed)
    assert not set(result.pairs) & conflicts
    assert len(set(result.pairs)) == len(result.pairs)
    loads = Counter(reviewer for _candidate, reviewer in result.pairs)
    for reviewer, cap in reviewers.items():
        assert cap is None or loads[reviewer] <= cap
        assert result.loads[reviewer] == loads[reviewer]
    per_candidate = Counter(candidate for candidate, _reviewer in result.pairs)
    for candidate in candidates:
        assert per_candidate[candidate] + result.short.get(candidate, 0) == k


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=1000),
)
def test_without_conflicts_or_caps_loads_differ_by_at_most_one(candidates, reviewers, k, seed):
    result = assign(
        candidates=range(candidates), reviewers=dict.fromkeys(range(reviewers)), k=k, seed=seed
    )
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
    missing = k - reviewers
    assert result.short == ({} if missing <= 0 else dict.fromkeys(range(candidates), missing))


@settings(max_examples=100, deadline=None)
@given(problems())
def test_the_same_seed_gives_the_same_assignment(problem):
    candidates, reviewers, conflicts, k, seed = problem
    first = assign(candidates=candidates, reviewers=reviewers, conflicts=conflicts, k=k, seed=seed)
    again = assign(candidates=candidates, reviewers=reviewers, conflicts=conflicts, k=k, seed=seed)
    assert first.pairs == again.pairs
    assert first.short == again.short


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=2, max_value=10),
    st.integers(min_value=2, max_value=4),
    st.integers(min_value=0, max_value=1000),
)
def test_reviewers_share_candidates_when_there_are_enough(reviewers, k, seed):
    k = min(k, reviewers)
    # Enough candidates that every reviewer reviews at least two.
    candidates = reviewers * 2
    result = assign(
        candidates=range(candidates), reviewers=dict.fromkeys(range(reviewers)), k=k, seed=seed
    )
    taken: dict[int, set[int]] = {}
    for candidate, reviewer in result.pairs:
        taken.setdefault(candidate, set()).add(reviewer)
    assert len(_components(taken)) == 1
    assert result.connected


def test_existing_pairs_count_and_are_kept():
    first = assign(candidates=range(6), reviewers=dict.fromkeys("abc"), k=2, seed=3)
    # Reviewer "a" is now conflicted with candidate 0: drop its pair and top up.
    kept = [(c, r) for c, r in first.pairs if (c, r) != (0, "a")]
    dropped = len(kept) != len(first.pairs)
    again = assign(
        candidates=range(6),
        reviewers=dict.fromkeys("abc"),
        conflicts={(0, "a")},
        k=2,
        seed=3,
        existing=kept,
    )
    assert len(again.pairs) == (1 if dropped else 0)
    assert all(pair[0] == 0 and pair[1] != "a" for pair in again.pairs)


def test_a_candidate_everyone_is_conflicted_with_is_reported():
    result = assign(
        candidates=[1, 2],
        reviewers={"a": None, "b": None},
        conflicts={(1, "a"), (1, "b")},
        k=2,
    )
    assert result.short == {1: 2}
    assert sorted(result.pairs) == [(2, "a"), (2, "b")]


def test_two_thousand_candidates_thirty_reviewers():
    conflicts = {(candidate, candidate % 30) for candidate in range(0, 2000, 3)}
    result = assign(
        candidates=range(2000),
        reviewers=dict.fromkeys(range(30)),
        conflicts=conflicts,
        k=4,
        seed=7,
    )
    assert len(result.pairs) == 8000
    assert not result.short
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
    assert result.connected
