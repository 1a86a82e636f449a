"""Prediction-powered prevalence: coverage on simulated data, the formulas, edge cases."""

import warnings

import numpy as np
import pytest

from meshutaf.discourse.estimation import cell_estimates, ppi_mean, rank_ranges

REPEATS, POPULATION, AUDIT = 500, 5_000, 200


def textbook(f_unlabeled, f_audit, y, weights=None, confidence=0.95):
    """PPI++ for a mean written out plainly, item by item (the module docstring's formulas
    without the small-sample correction)."""
    from scipy.stats import norm

    f_all = np.concatenate([f_unlabeled, f_audit])
    n_total, n = f_all.size, y.size
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    var_f = f_all.var(ddof=1)
    y_bar, f_bar = (w * y).sum() / total, (w * f_audit).sum() / total
    cov = (w * (y - y_bar) * (f_audit - f_bar)).sum() / total
    n_effective = total**2 / (w**2).sum()
    lam = float(np.clip(cov / ((1 + n_effective / n_total) * var_f), 0, 1))
    e = y - lam * f_audit
    e_bar = (w * e).sum() / total
    var_rectifier = n / (n - 1) * (w**2 * (e - e_bar) ** 2).sum() / total**2
    se = np.sqrt(lam**2 * var_f / n_total + var_rectifier)
    estimate = lam * f_all.mean() + e_bar
    z = norm.ppf(0.5 + confidence / 2)
    return estimate, estimate - z * se, estimate + z * se, se, lam


def simulate(prevalence, *, seed, stratified=False):
    """REPEATS populations of POPULATION items as cells of one array: true labels, the scores
    of a miscalibrated classifier trained where the class was more common (prior shift:
    its scores run high), and an audit of about AUDIT items per population."""
    rng = np.random.default_rng(seed)
    n = REPEATS * POPULATION
    cells = np.repeat(np.arange(REPEATS), POPULATION)
    y = rng.random(n) < prevalence
    evidence = np.where(y, 1.0, -1.0) + rng.normal(0.0, 1.3, n)
    scores = 1.0 / (1.0 + np.exp(-(1.4 * evidence + 1.0)))
    if stratified:
        # Poisson sampling, high scores three times as likely to be audited.
        high = scores > 0.5
        inclusion = np.where(high, 3.0, 1.0)
        inclusion *= AUDIT / np.bincount(cells, weights=inclusion)[cells]
        audited = rng.random(n) < inclusion
        weights = 1.0 / inclusion
    else:
        keys = rng.random((REPEATS, POPULATION))
        chosen = np.argpartition(keys, AUDIT, axis=1)[:, :AUDIT]
        audited = np.zeros((REPEATS, POPULATION), dtype=bool)
        np.put_along_axis(audited, chosen, True, axis=1)
        audited = audited.ravel()
        weights = None
    labels = np.where(audited, y, np.nan)
    truth = np.bincount(cells, weights=y, minlength=REPEATS) / POPULATION
    return cells, scores, labels, weights, truth


@pytest.mark.parametrize(
    ("prevalence", "stratified"), [(0.05, False), (0.2, False), (0.5, False), (0.2, True)]
)
def test_intervals_cover_the_truth_where_the_mean_score_does_not(prevalence, stratified):
    cells, scores, labels, weights, truth = simulate(
        prevalence, seed=int(prevalence * 100) + stratified, stratified=stratified
    )
    result = cell_estimates(cells, scores, labels, n_cells=REPEATS, weights=weights)
    low, high = result.ci_low[:, 0], result.ci_high[:, 0]
    coverage = np.mean((low <= truth) & (truth <= high))
    assert coverage >= 0.93
    assert np.all(result.n_audit[:, 0] >= 100)
    # The scores alone are biased: an interval as wide as PPI's around the mean score (or
    # around classify-and-count) would rarely hold the truth.
    half_width = (high - low) / 2
    score_bias = np.mean(result.mean_score[:, 0] - truth)
    assert abs(score_bias) > 3 * np.mean(result.se[:, 0])
    assert np.mean(np.abs(result.mean_score[:, 0] - truth) <= half_width) < 0.5
    counted = np.bincount(cells, weights=scores >= 0.5, minlength=REPEATS) / POPULATION
    assert np.mean(np.abs(counted - truth) <= half_width) < 0.5


def test_textbook_intervals_follow_the_formulas():
    rng = np.random.default_rng(3)
    f_unlabeled, f_audit = rng.random(900), rng.random(80)
    y = (rng.random(80) < f_audit).astype(float)
    for weights in (None, rng.uniform(1, 6, 80)):
        found = ppi_mean(f_unlabeled, f_audit, y, weights=weights, small_sample_correction=False)
        estimate, low, high, se, lam = textbook(f_unlabeled, f_audit, y, weights)
        assert found.estimate == pytest.approx(estimate, abs=1e-12)
        assert found.ci_low == pytest.approx(low, abs=1e-12)
        assert found.ci_high == pytest.approx(high, abs=1e-12)
        assert found.se == pytest.approx(se, abs=1e-12)
        assert found.lam == pytest.approx(lam, abs=1e-12)
        assert found.n_total == 980
        assert found.n_audit == 80
        assert found.mean_score == pytest.approx(np.concatenate([f_unlabeled, f_audit]).mean())
    # Equal weights are no weights.
    plain = ppi_mean(f_unlabeled, f_audit, y)
    equal = ppi_mean(f_unlabeled, f_audit, y, weights=np.full(80, 7.0))
    assert equal.estimate == pytest.approx(plain.estimate, abs=1e-12)
    assert equal.se == pytest.approx(plain.se, abs=1e-12)


def test_power_tuning_off_is_classic_ppi_and_the_correction_only_widens():
    rng = np.random.default_rng(4)
    f_unlabeled, f_audit = rng.random(2_000), rng.random(150)
    y = (rng.random(150) < f_audit).astype(float)
    classic = ppi_mean(f_unlabeled, f_audit, y, power_tuning=False)
    assert classic.lam == 1.0
    f_all = np.concatenate([f_unlabeled, f_audit])
    assert classic.estimate == pytest.approx(f_all.mean() + np.mean(y - f_audit), abs=1e-12)
    corrected = ppi_mean(f_unlabeled, f_audit, y)
    plain = ppi_mean(f_unlabeled, f_audit, y, small_sample_correction=False)
    assert corrected.estimate == plain.estimate
    assert plain.ci_high - plain.ci_low < corrected.ci_high - corrected.ci_low
    assert corrected.ci_high - corrected.ci_low < 1.05 * (plain.ci_high - plain.ci_low)


def test_a_rare_class_missing_from_a_small_audit_still_gets_a_width():
    f_unlabeled = np.full(1_000, 0.1)
    found = ppi_mean(f_unlabeled, np.full(15, 0.1), np.zeros(15))
    assert found.estimate == 0.0
    assert found.ci_low == 0.0
    assert 0.05 < found.ci_high < 0.3
    textbook_interval = ppi_mean(
        f_unlabeled, np.full(15, 0.1), np.zeros(15), small_sample_correction=False
    )
    assert textbook_interval.ci_high == 0.0


def test_cell_estimates_agree_with_ppi_mean_per_cell():
    rng = np.random.default_rng(5)
    n, d, n_cells = 6_000, 3, 7
    cells = rng.integers(0, n_cells - 1, n)  # the last cell stays empty
    scores = rng.random((n, d)).astype(np.float32)
    labels = np.where(rng.random((n, d)) < 0.05, (rng.random((n, d)) < scores), np.nan)
    labels[cells == 2, 1] = np.nan  # a cell without any audit for one dimension
    weights = rng.uniform(1, 4, n)
    result = cell_estimates(cells, scores, labels, n_cells=n_cells, weights=weights)
    for cell in range(n_cells - 1):
        for j in range(d):
            members = cells == cell
            audited = members & ~np.isnan(labels[:, j])
            one = ppi_mean(
                scores[members & ~audited, j],
                scores[audited, j],
                labels[audited, j],
                weights=weights[audited],
            )
            assert result.n_items[cell, j] == one.n_total
            assert result.n_audit[cell, j] == one.n_audit
            for name, value in (
                ("estimate", one.estimate),
                ("ci_low", one.ci_low),
                ("ci_high", one.ci_high),
                ("se", one.se),
                ("mean_score", one.mean_score),
                ("lam", one.lam),
            ):
                np.testing.assert_allclose(
                    getattr(result, name)[cell, j], value, rtol=1e-12, atol=1e-12, equal_nan=True
                )
    assert np.isnan(result.ci_low[2, 1])
    assert result.estimate[2, 1] == result.mean_score[2, 1]
    assert result.n_items[n_cells - 1, 0] == 0
    assert np.isnan(result.estimate[n_cells - 1, 0])


def test_degenerate_cases_give_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = ppi_mean(np.array([0.2, 0.4]), np.array([0.3]), np.array([1.0]))
        assert one.estimate == pytest.approx(0.3)
        assert one.n_audit == 1
        assert np.isnan(one.ci_low)
        assert np.isnan(one.ci_high)
        assert np.isnan(one.se)
        none = ppi_mean(np.array([0.2, 0.4]), np.array([]), np.array([]))
        assert none.estimate == pytest.approx(0.3)
        assert np.isnan(none.ci_high)
        flat = ppi_mean(
            np.full(10, 0.5), np.full(5, 0.5), np.ones(5), small_sample_correction=False
        )
        assert flat.se == 0.0
        assert flat.lam == 0.0
        assert flat.ci_low == flat.ci_high == flat.estimate == 1.0
        only_labels = ppi_mean(np.array([]), np.array([0.1, 0.9]), np.array([0.0, 1.0]))
        assert only_labels.n_total == 2
        assert 0.0 <= only_labels.ci_low <= only_labels.estimate <= only_labels.ci_high <= 1.0
        empty = cell_estimates(np.zeros(0), np.zeros((0, 2)), np.zeros((0, 2)), n_cells=3)
        assert empty.n_items.shape == (3, 2)
        assert np.all(np.isnan(empty.estimate))


def test_bounds_clip_estimate_and_interval():
    # The scores over-state a class the audit never sees: the raw estimate is negative.
    found = ppi_mean(np.full(500, 0.6), np.full(100, 0.9), np.zeros(100), power_tuning=False)
    assert found.estimate == 0.0
    assert found.ci_low == 0.0
    assert found.ci_high >= 0.0
    rng = np.random.default_rng(6)
    ratings = rng.integers(1, 6, 50).astype(float)
    wide = ppi_mean(rng.random(300) * 5, rng.random(50) * 5, ratings, bounds=(1.0, 5.0))
    assert 1.0 <= wide.ci_low <= wide.estimate <= wide.ci_high <= 5.0


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same items"):
        cell_estimates(np.zeros(3), np.zeros((3, 2)), np.zeros((3, 1)), n_cells=1)
    with pytest.raises(ValueError, match="Cell codes"):
        cell_estimates(np.array([0, 5]), np.zeros((2, 1)), np.zeros((2, 1)), n_cells=2)
    with pytest.raises(ValueError, match="Weights"):
        cell_estimates(
            np.zeros(2), np.zeros((2, 1)), np.zeros((2, 1)), n_cells=1, weights=[1.0, -1.0]
        )
    with pytest.raises(ValueError, match="one label per"):
        ppi_mean([0.1], [0.2, 0.3], [1.0])


def test_rank_ranges_never_rank_overlapping_cells():
    estimate = np.array([0.6, 0.5, 0.15, 0.2, 0.9])
    low = np.array([0.5, 0.4, 0.1, 0.15, np.nan])
    high = np.array([0.7, 0.6, 0.2, 0.3, np.nan])
    best, worst = rank_ranges(estimate, low, high)
    np.testing.assert_array_equal(best[:4], [1, 1, 3, 3])
    np.testing.assert_array_equal(worst[:4], [2, 2, 4, 4])
    assert np.isnan(best[4])
    assert np.isnan(worst[4])
    # Disjoint intervals give each cell one rank.
    best, worst = rank_ranges(np.array([0.1, 0.5, 0.3]), np.array([0, 0.4, 0.2]), [0.15, 0.6, 0.3])
    np.testing.assert_array_equal(best, [3, 1, 2])
    np.testing.assert_array_equal(worst, [3, 1, 2])
