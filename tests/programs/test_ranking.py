"""The selection's statistics (`programs.ranking`): the quality bar on simulated selections
(the adjusted ranking beats the raw mean, the offsets are recovered, alpha is the
`krippendorff` package's), exact recovery, components, one reviewer, cannot-judge, weights,
confidence, determinism, the consensus queue, and the invariances."""

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from meshutaf.programs.ranking import Review, interval_alpha, rank

# The tests' own seeds; the prior's share was tuned on others (bench/programs.py --tune).
TEST_SEED = 20_250_001


def simulate(seed, *, rounded=True, candidates=40, reviewers=6, per_candidate=3, criteria=5):
    """A selection: quality ~ N(3, 0.7), each reviewer's planted offset uniform in ±1 point,
    each candidate seen by `per_candidate` reviewers drawn at random, a reviewer–candidate
    impression ~ N(0, 0.4) shared by the criteria, and criterion noise ~ N(0, 0.6); scores
    rounded to the integers and clipped to 1–5 when `rounded` (as reviewers give them)."""
    rng = np.random.default_rng([TEST_SEED, seed])
    quality = rng.normal(3.0, 0.7, candidates)
    offsets = rng.uniform(-1.0, 1.0, reviewers)
    reviews = []
    for c in range(candidates):
        for r in rng.choice(reviewers, per_candidate, replace=False):
            impression = rng.normal(0.0, 0.4)
            for k in range(criteria):
                score = quality[c] + offsets[r] + impression + rng.normal(0.0, 0.6)
                if rounded:
                    score = float(np.clip(np.round(score), 1, 5))
                reviews.append(Review(f"c{c}", f"r{r}", f"k{k}", float(score)))
    return quality, offsets, reviews


def by_id(items, prefix):
    return sorted(items, key=lambda item: int(item.id.removeprefix(prefix)))


def selection_figures(seed, rounded):
    quality, offsets, reviews = simulate(seed, rounded=rounded)
    result = rank(reviews, scale=(1, 5) if rounded else None, draws=50)
    candidates = by_id(result.candidates, "c")
    adjusted = spearmanr(quality, [c.adjusted for c in candidates]).statistic
    raw = spearmanr(quality, [c.raw_mean for c in candidates]).statistic
    estimated = np.array([r.offset for r in by_id(result.reviewers, "r")])
    # Offsets are identified up to a constant: compare with the planted ones centred.
    error = float(np.mean(np.abs(estimated - (offsets - offsets.mean()))))
    return adjusted > raw, error


@pytest.mark.parametrize("rounded", [True, False], ids=["integer 1-5", "continuous"])
def test_adjusted_beats_raw_and_recovers_offsets(rounded):
    figures = [selection_figures(seed, rounded) for seed in range(200)]
    wins = sum(win for win, _error in figures) / len(figures)
    mean_error = float(np.mean([error for _win, error in figures]))
    assert wins >= 0.90, wins
    assert mean_error <= 0.3, mean_error


def test_interval_covers_the_truth_about_95_percent():
    covered = total = 0
    for seed in range(60):
        quality, offsets, reviews = simulate(seed, rounded=False)
        result = rank(reviews, draws=10)
        for candidate in result.candidates:
            # What an average reviewer of the pool would give.
            truth = quality[int(candidate.id[1:])] + offsets.mean()
            covered += candidate.low <= truth <= candidate.high
            total += 1
    assert 0.90 <= covered / total <= 0.99


def krippendorff_matrix(reviews, criterion):
    reviewers = sorted({r.reviewer for r in reviews})
    candidates = sorted({r.candidate for r in reviews})
    matrix = np.full((len(reviewers), len(candidates)), np.nan)
    for review in reviews:
        if review.criterion == criterion and review.score is not None:
            matrix[reviewers.index(review.reviewer), candidates.index(review.candidate)] = (
                review.score
            )
    return matrix


@pytest.mark.parametrize("rounded", [True, False])
def test_alpha_is_the_krippendorff_package_s(rounded):
    _quality, _offsets, reviews = simulate(7, rounded=rounded, candidates=30)
    # Some cannot-judge cells, as in real reviews.
    reviews = [
        Review(r.candidate, r.reviewer, r.criterion, None if i % 11 == 0 else r.score)
        for i, r in enumerate(reviews)
    ]
    result = rank(reviews, draws=10)
    assert set(result.alpha) == {f"k{k}" for k in range(5)}
    for criterion, value in result.alpha.items():
        expected = krippendorff.alpha(
            reliability_data=krippendorff_matrix(reviews, criterion),
            level_of_measurement="interval",
        )
        assert value == pytest.approx(expected, abs=1e-9)


def test_closed_form_alpha_is_the_package_s():
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(5, 60)).round(3) + rng.normal(size=60)
    matrix[rng.random(matrix.shape) < 0.3] = np.nan
    rows, units = np.nonzero(~np.isnan(matrix))
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert interval_alpha(units, matrix[rows, units]) == pytest.approx(expected, abs=1e-9)
    assert math.isnan(interval_alpha(np.array([0, 1]), np.array([1.0, 2.0])))  # nothing pairable


def test_noise_free_scores_are_recovered_exactly():
    quality = {f"c{c}": 1.0 + 0.37 * c for c in range(8)}
    offsets = {"ann": 0.5, "ben": -0.25, "dan": -0.25}
    seen_by = {f"c{c}": [*["ann", "ben", "dan"][c % 3 :], "ann"] for c in range(8)}
    reviews = [
        Review(c, r, "fit", quality[c] + offsets[r])
        for c, reviewers in seen_by.items()
        for r in set(reviewers)
    ]
    result = rank(reviews)
    assert result.residual_sd == pytest.approx(0, abs=1e-9)
    for reviewer in result.reviewers:
        assert reviewer.offset == pytest.approx(offsets[reviewer.id], abs=1e-9)
    for candidate in result.candidates:
        assert candidate.adjusted == pytest.approx(quality[candidate.id], abs=1e-9)
        assert candidate.band == (candidate.rank, candidate.rank)
    assert [c.id for c in result.candidates] == [f"c{c}" for c in range(7, -1, -1)]
    assert [c.rank for c in result.candidates] == list(range(1, 9))


def test_disconnected_pools_are_anchored_each_on_its_own():
    reviews = [
        Review(c, r, "fit", s)
        for c, r, s in [
            ("a1", "r1", 4), ("a1", "r2", 3), ("a2", "r1", 5), ("a2", "r2", 3),
            ("b1", "r3", 2), ("b1", "r4", 2), ("b2", "r3", 3), ("b2", "r4", 1),
            ("b3", "r4", 2),
        ]
    ]  # fmt: skip
    result = rank(reviews, prior_sd=math.inf)
    assert result.components == 2
    offsets = {r.id: r.offset for r in result.reviewers}
    assert offsets["r1"] + offsets["r2"] == pytest.approx(0)
    assert offsets["r3"] + offsets["r4"] == pytest.approx(0)
    assert offsets["r1"] == pytest.approx(0.75)
    components = {c.id: c.component for c in result.candidates}
    assert components["a1"] == components["a2"] != components["b1"] == components["b3"]
    b3 = next(c for c in result.candidates if c.id == "b3")
    assert b3.n_reviewers == 1
    assert b3.adjusted == pytest.approx(2 - offsets["r4"])


def test_one_reviewer_gets_raw_and_adjusted_with_a_wide_interval():
    reviews = [Review(f"c{i}", "solo", "fit", float(s)) for i, s in enumerate([1, 3, 5, 4])]
    result = rank(reviews)
    assert result.reviewers[0].offset == 0
    assert result.residual_df == 0
    for candidate in result.candidates:
        assert candidate.adjusted == pytest.approx(candidate.raw_mean)
        assert math.isnan(candidate.spread)
        # Nothing replicated: σ is a quarter of the range, so ±1.96 points on 1–5.
        assert candidate.high - candidate.low == pytest.approx(2 * 1.959964, rel=1e-4)
    assert result.consensus_queue == ()


def test_a_candidate_seen_once_gets_a_wider_interval():
    _quality, _offsets, reviews = simulate(1, rounded=False)
    extra = [Review("lonely", "r0", f"k{k}", 3.0) for k in range(5)]
    result = rank(reviews + extra, draws=50)
    lonely = next(c for c in result.candidates if c.id == "lonely")
    others = [c.high - c.low for c in result.candidates if c.id != "lonely"]
    assert lonely.n_reviewers == 1
    assert lonely.rank is not None
    assert lonely.high - lonely.low > max(others)


def test_cannot_judge_is_missing_not_low():
    reviews = [
        Review("x", "r1", "vision", 5.0),
        Review("x", "r1", "experience", None),
        Review("x", "r2", "vision", 4.0),
        Review("x", "r2", "experience", 4.0),
        Review("y", "r1", "vision", 3.0),
        Review("y", "r1", "experience", 3.0),
        Review("nobody", "r2", "vision", None),
        Review("nobody", "r2", "experience", None),
    ]
    result = rank(reviews)
    x = next(c for c in result.candidates if c.id == "x")
    assert x.raw_mean == pytest.approx(4.5)  # r1's 5 on vision, not (5 + 0) / 2
    nobody = result.candidates[-1]
    assert nobody.id == "nobody"
    assert nobody.n_reviewers == 0
    assert nobody.rank is None
    assert nobody.band is None
    assert math.isnan(nobody.raw_mean)
    assert math.isnan(nobody.adjusted)


def test_all_cannot_judge():
    reviews = [Review(c, r, "fit", None) for c in "abc" for r in ("r1", "r2")]
    result = rank(reviews)
    assert [c.rank for c in result.candidates] == [None, None, None]
    assert all(math.isnan(c.adjusted) for c in result.candidates)
    assert all(math.isnan(r.offset) and r.n_candidates == 0 for r in result.reviewers)
    assert math.isnan(result.alpha["fit"])
    assert result.consensus_queue == ()
    assert rank([]).candidates == ()


def test_weights_are_renormalised_over_the_judged_criteria():
    reviews = [
        Review("x", "r1", "vision", 5.0),
        Review("x", "r1", "experience", 1.0),
        Review("y", "r1", "vision", 2.0),
        Review("y", "r1", "experience", None),
    ]
    result = rank(reviews, weights={"vision": 3, "experience": 1})
    means = {c.id: c.raw_mean for c in result.candidates}
    assert means["x"] == pytest.approx((3 * 5 + 1) / 4)
    assert means["y"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="above 0"):
        rank(reviews, weights={"vision": 0})


def test_confidence_is_a_precision_weight():
    base = [
        Review(c, r, "fit", s)
        for c, r, s in [
            ("a", "r1", 4), ("a", "r2", 4), ("b", "r1", 2), ("b", "r2", 2),
            ("c", "r1", 3), ("c", "r2", 3),
        ]
    ]  # fmt: skip
    disputed = [Review("d", "r1", "fit", 5.0, 1.0), Review("d", "r2", "fit", 1.0, 1.0)]
    sure = [Review("d", "r1", "fit", 5.0, 3.0), Review("d", "r2", "fit", 1.0, 1.0)]
    plain = next(c for c in rank(base + disputed).candidates if c.id == "d")
    weighted = next(c for c in rank(base + sure).candidates if c.id == "d")
    assert plain.raw_mean == weighted.raw_mean == 3.0  # raw stays raw
    assert plain.adjusted == pytest.approx(3.0)
    assert weighted.adjusted > plain.adjusted + 0.5
    with pytest.raises(ValueError, match="above 0"):
        rank([Review("d", "r1", "fit", 5.0, 0.0)])


def test_same_reviews_in_any_order_give_the_same_result():
    _quality, _offsets, reviews = simulate(5)
    shuffled = [reviews[i] for i in np.random.default_rng(1).permutation(len(reviews))]
    assert rank(reviews, draws=200) == rank(shuffled, draws=200)
    assert rank(reviews, draws=200, seed=1) != rank(reviews, draws=200, seed=2)


def test_rank_bands_hold_the_rank_and_shrink_with_more_reviewers():
    _quality, _offsets, few = simulate(2, rounded=False, per_candidate=2)
    _quality, _offsets, many = simulate(2, rounded=False, per_candidate=5)
    widths = {}
    for name, reviews in (("few", few), ("many", many)):
        result = rank(reviews)
        for candidate in result.candidates:
            assert candidate.band is not None
            assert candidate.rank is not None
            assert 1 <= candidate.band[0] <= candidate.rank <= candidate.band[1] <= 40
        widths[name] = np.mean([c.band[1] - c.band[0] for c in result.candidates if c.band])
    assert widths["many"] < widths["few"]


def test_consensus_queue_holds_the_disputed_candidates():
    agreed = [
        (f"calm{i}", r, s) for i, s in enumerate([2, 3, 3, 4, 4, 5]) for r in ("r1", "r2", "r3")
    ]
    reviews = [
        Review(c, r, "fit", s)
        for c, r, s in [
            *agreed,
            ("split", "r1", 5), ("split", "r2", 1), ("split", "r3", 4),
            ("mild", "r1", 3), ("mild", "r2", 2), ("mild", "r3", 3),
            ("alone", "r1", 5),
        ]
    ]  # fmt: skip
    result = rank(reviews, scale=(1, 5))
    assert result.consensus_queue == ("split",)
    split = next(c for c in result.candidates if c.id == "split")
    assert split.consensus
    assert split.spread == 4
    assert split.disagreement >= 1.5
    everyone = rank(reviews, consensus_threshold=0.0).consensus_queue
    assert everyone[:2] == ("split", "mild")  # largest disagreement first
    assert set(everyone) == {c.id for c in result.candidates} - {"alone"}  # one reviewer: no


def test_a_harsh_reviewer_is_not_disagreement():
    """Two reviewers a steady 1.5 points apart agree about every candidate."""
    reviews = [
        Review(f"c{c}", r, "fit", c + shift)
        for c in range(1, 4)
        for r, shift in (("kind", 1.5), ("harsh", 0.0))
    ]
    result = rank(reviews, scale=(1, 5), prior_sd=math.inf)
    assert all(c.spread == 1.5 for c in result.candidates)
    assert result.consensus_queue == ()


def test_bad_reviews_raise():
    with pytest.raises(ValueError, match="twice"):
        rank([Review("a", "r", "k", 1.0), Review("a", "r", "k", 2.0)])
    with pytest.raises(ValueError, match="finite"):
        rank([Review("a", "r", "k", math.inf)])
    with pytest.raises(ValueError, match="level"):
        rank([Review("a", "r", "k", 1.0)], level=1.5)


@st.composite
def selections(draw):
    n_candidates = draw(st.integers(2, 8))
    n_reviewers = draw(st.integers(1, 4))
    reviews = []
    for c in range(n_candidates):
        seen = draw(st.sets(st.integers(0, n_reviewers - 1), min_size=1, max_size=n_reviewers))
        for r in sorted(seen):
            score = draw(st.integers(1, 5) | st.none())
            reviews.append(Review(f"c{c}", f"r{r}", "fit", None if score is None else score))
    shifted = draw(st.integers(0, n_reviewers - 1))
    constant = draw(st.sampled_from([-2.0, -0.5, 1.0, 3.0]))
    return reviews, f"r{shifted}", constant


def adjusted_of(result):
    return {c.id: (c.adjusted, c.component) for c in result.candidates}


@settings(max_examples=80, deadline=None)
@given(selections())
def test_shifting_one_reviewer_keeps_the_order_within_a_pool(case):
    """Without shrinkage a constant added to one reviewer's scores is that reviewer's offset:
    candidates of the same pool keep their differences, so their order."""
    reviews, reviewer, constant = case
    shifted = [
        Review(r.candidate, r.reviewer, r.criterion, r.score + constant)
        if r.reviewer == reviewer and r.score is not None
        else r
        for r in reviews
    ]
    before = adjusted_of(rank(reviews, prior_sd=math.inf, draws=1))
    after = adjusted_of(rank(shifted, prior_sd=math.inf, draws=1))
    for a, (value_a, pool_a) in before.items():
        for b, (value_b, pool_b) in before.items():
            if pool_a is not None and pool_a == pool_b:
                assert after[a][0] - after[b][0] == pytest.approx(value_a - value_b, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(selections())
def test_shifting_everyone_shifts_every_adjusted_score(case):
    """With the default shrinkage too: a constant added to all scores moves every adjusted
    score by it and leaves the offsets and the ranks alone."""
    reviews, _reviewer, _constant = case
    shifted = [
        Review(r.candidate, r.reviewer, r.criterion, None if r.score is None else r.score + 3)
        for r in reviews
    ]
    before, after = rank(reviews, scale=(1, 5), draws=20), rank(shifted, scale=(4, 8), draws=20)
    for old, new in zip(before.candidates, after.candidates, strict=True):
        assert (old.id, old.rank) == (new.id, new.rank)
        # The bands come from draws ranked in single precision: σ̂ one ulp apart (from the
        # shifted sums) can split or join a near-tie among a few wide draws, moving an end of
        # a band by one place, never more.
        if old.band is None or new.band is None:
            assert old.band == new.band
        else:
            assert abs(old.band[0] - new.band[0]) <= 1
            assert abs(old.band[1] - new.band[1]) <= 1
        if old.rank is not None:
            assert new.adjusted == pytest.approx(old.adjusted + 3, abs=1e-9)
    for old_reviewer, new_reviewer in zip(before.reviewers, after.reviewers, strict=True):
        if old_reviewer.n_candidates:
            assert new_reviewer.offset == pytest.approx(old_reviewer.offset, abs=1e-9)
