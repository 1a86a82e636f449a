"""Prevalence with valid confidence intervals: prediction-powered inference (PPI++).

The classifier scores every item; people label a small audit sample. Counting the items the
classifier calls positive ("classify and count"), or averaging its calibrated probabilities,
is biased as soon as the texts differ from the training data (a new platform, a new month:
prior shift), and no sample size cures a bias. Labels alone are unbiased but few, so their
interval is wide. Prediction-powered inference (Angelopoulos, Bates, Fannjiang, Jordan, Zrnic
2023) uses the scores for precision and the audit for validity: the mean score is corrected by
the mean error the audit measures (the "rectifier"). With power tuning (PPI++, Angelopoulos,
Duchi, Zrnic 2023) the scores are trusted in proportion to how well they track the labels,
λ̂ = Cov(Y, f) / ((1 + n/N)·Var(f)) clipped to [0, 1]: λ = 0 is the labels alone, λ = 1
classic PPI, so PPI++ is never much worse than either.

For one cell (a month × community, say) with N items, scores f_i for all of them and labels
Y_i for the n audited ones:

    θ̂ = λ·mean(f over the N items) + Σ_audit w_i (Y_i − λ f_i) / Σ_audit w_i
    Var(θ̂) ≈ λ²·Var(f)/N + n/(n−1) · Σ_audit w_i² (e_i − ē)² / (Σ w_i)²,   e = Y − λf

and an interval θ̂ ± q·se clipped to `bounds`. Three choices differ from the textbook version:

- The mean of f is over ALL N items of the cell, audited ones included, not over the unaudited
  ones only. Under simple random sampling both are unbiased. Under a stratified audit with
  unequal inclusion probabilities (over-sampling high scores, say) the unaudited items are no
  longer representative and the textbook version is biased; the mean over all items is not.
  The variance keeps the λ²·Var(f)/N term of independent unlabeled data: for the prevalence
  in the cell's own items (a finite population) that term is zero, so the interval is, if
  anything, a little conservative.
- `weights` are the inverse inclusion probabilities of the audited items. The rectifier is
  their Hájek (ratio) mean, its variance the usual linearisation (with-replacement
  approximation), n the Kish effective size (Σw)²/Σw² in λ̂; the covariance in λ̂ is
  weighted too. With all weights equal this is exactly the unweighted formula.
- A small-sample correction (on by default; `small_sample_correction=False` gives the
  textbook normal interval). An index has many cells and few audited items in each: with 14
  audited items per cell, a cell whose audit holds no positive of a 5% class gets λ̂ = 0 and
  a zero variance, so the textbook interval is [0, 0] and misses; in the benchmark's
  month × community index the textbook intervals covered 82–86% of the truths. The
  rectifier's variance is therefore computed with two pseudo-items at each bound (Agresti &
  Coull's "plus four", with the mean audited weight and score; the estimate itself is not
  changed) and q is Student's t quantile with n_eff − 1 degrees of freedom. Coverage there
  becomes 95%; with 200 audited items the interval widens by about 1%.

`cell_estimates` computes all cells × dimensions at once from per-cell sums (np.bincount over
flat cell·dimension codes), so a million items × 16 dimensions take about a second;
`ppi_mean` is the same computation for one cell. `rank_ranges` turns intervals into the range
of ranks a cell could hold.
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from scipy.stats import norm
from scipy.stats import t as t_distribution

_PSEUDO = 2  # pseudo-items at each bound for the small-sample correction


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    se: float
    n_total: int
    n_audit: int
    mean_score: float
    lam: float


@dataclass
class CellEstimates:
    """Arrays shaped (n_cells, d). Where a cell has fewer than `min_audit` audited items for a
    dimension, estimate = mean_score and the interval, se and lam are NaN; where it has no
    items at all, everything but the counts is NaN."""

    n_items: np.ndarray
    n_audit: np.ndarray
    mean_score: np.ndarray
    estimate: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    se: np.ndarray
    lam: np.ndarray


def ppi_mean(
    scores_unlabeled,
    scores_audit,
    labels_audit,
    *,
    weights=None,
    confidence: float = 0.95,
    power_tuning: bool = True,
    bounds: tuple[float, float] = (0.0, 1.0),
    small_sample_correction: bool = True,
) -> Estimate:
    """The PPI++ estimate of the mean of Y over all the items (see the module docstring).

    scores_unlabeled: f for the items without a label; scores_audit, labels_audit: f and Y for
    the audited items; weights: their inverse inclusion probabilities (None: equal)."""
    unlabeled = np.asarray(scores_unlabeled, dtype=np.float64).ravel()
    audit = np.asarray(scores_audit, dtype=np.float64).ravel()
    labels = np.asarray(labels_audit, dtype=np.float64).ravel()
    if audit.shape != labels.shape:
        raise ValueError(_("There must be one label per audited score."))
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64).ravel()
        if weights.shape != audit.shape:
            raise ValueError(_("There must be one weight per audited item."))
        weights = np.concatenate([np.ones(unlabeled.size), weights])
    scores = np.concatenate([unlabeled, audit])[:, None]
    all_labels = np.concatenate([np.full(unlabeled.size, np.nan), labels])[:, None]
    result = cell_estimates(
        np.zeros(scores.shape[0], dtype=np.int64),
        scores,
        all_labels,
        n_cells=1,
        weights=weights,
        confidence=confidence,
        bounds=bounds,
        power_tuning=power_tuning,
        small_sample_correction=small_sample_correction,
    )
    return Estimate(
        estimate=float(result.estimate[0, 0]),
        ci_low=float(result.ci_low[0, 0]),
        ci_high=float(result.ci_high[0, 0]),
        se=float(result.se[0, 0]),
        n_total=int(result.n_items[0, 0]),
        n_audit=int(result.n_audit[0, 0]),
        mean_score=float(result.mean_score[0, 0]),
        lam=float(result.lam[0, 0]),
    )


def cell_estimates(
    cells: np.ndarray,
    scores: np.ndarray,
    labels: np.ndarray,
    *,
    n_cells: int,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
    min_audit: int = 2,
    bounds: tuple[float, float] = (0.0, 1.0),
    power_tuning: bool = True,
    small_sample_correction: bool = True,
) -> CellEstimates:
    """PPI++ for every cell and dimension at once.

    cells: (N,) int codes in [0, n_cells); scores: (N, d); labels: (N, d), NaN where the item
    is not in that dimension's audit sample; weights: (N,) inverse inclusion probabilities
    (read only where a label is present)."""
    cells, scores, labels, weights = _check(cells, scores, labels, weights, n_cells)
    d = scores.shape[1]
    n_items = np.bincount(cells, minlength=n_cells).astype(np.float64)[:, None].repeat(d, axis=1)
    sums = {name: np.empty((n_cells, d)) for name in _SUMS}
    # One dimension at a time keeps the temporaries at N values, not N × d.
    for j in range(d):
        for name, column in _cell_sums(cells, scores[:, j], labels[:, j], weights, n_cells).items():
            sums[name][:, j] = column
    f_sum, ff_sum, n_audit = sums["f"], sums["ff"], sums["n"]
    s_w, s_wf, s_wy, s_wyf = sums["w"], sums["wf"], sums["wy"], sums["wyf"]
    s_w2, s_w2y, s_w2f = sums["w2"], sums["w2y"], sums["w2f"]
    s_w2yy, s_w2yf, s_w2ff = sums["w2yy"], sums["w2yf"], sums["w2ff"]

    with np.errstate(divide="ignore", invalid="ignore"):
        mean_score = f_sum / n_items
        var_f = np.maximum(ff_sum - f_sum * mean_score, 0.0) / np.maximum(n_items - 1, 1)
        mean_y, mean_f = s_wy / s_w, s_wf / s_w
        cov_yf = s_wyf / s_w - mean_y * mean_f
        n_effective = s_w * s_w / s_w2
        if power_tuning:
            lam = cov_yf / ((1.0 + n_effective / n_items) * var_f)
            lam = np.clip(np.where(var_f > 0, lam, 0.0), 0.0, 1.0)
        else:
            lam = np.ones_like(mean_score)
        rectifier = mean_y - lam * mean_f
        estimate = lam * mean_score + rectifier
        # Σ w (e − ē)-type sums with e = y − λf, expanded into the sums above.
        s_we = s_wy - lam * s_wf
        s_w2e = s_w2y - lam * s_w2f
        s_w2ee = s_w2yy - 2 * lam * s_w2yf + lam * lam * s_w2ff
        n_variance, s_w_variance, s_w2_variance = n_audit, s_w, s_w2
        if small_sample_correction:
            # "Plus four" (Agresti & Coull 1998) for the rectifier's variance only: two
            # pseudo-items at each bound, with the mean audited weight and score. An audit of
            # a rare class with no positive then still gets an honest width.
            w_bar = s_w / n_audit
            e_low, e_high = bounds[0] - lam * mean_f, bounds[1] - lam * mean_f
            n_variance = n_audit + 2 * _PSEUDO
            s_w_variance = s_w + 2 * _PSEUDO * w_bar
            s_w2_variance = s_w2 + 2 * _PSEUDO * w_bar * w_bar
            s_we = s_we + _PSEUDO * w_bar * (e_low + e_high)
            s_w2e = s_w2e + _PSEUDO * w_bar * w_bar * (e_low + e_high)
            s_w2ee = s_w2ee + _PSEUDO * w_bar * w_bar * (e_low * e_low + e_high * e_high)
        centre = s_we / s_w_variance
        spread = np.maximum(s_w2ee - 2 * centre * s_w2e + centre * centre * s_w2_variance, 0.0)
        var_rectifier = n_variance / (n_variance - 1) * spread / (s_w_variance * s_w_variance)
        se = np.sqrt(lam * lam * var_f / n_items + var_rectifier)
        if small_sample_correction:
            z = t_distribution.ppf(0.5 + confidence / 2, np.maximum(n_effective - 1, 1.0))
        else:
            z = np.full_like(se, norm.ppf(0.5 + confidence / 2))

    low, high = bounds
    enough = n_audit >= max(min_audit, 2)
    se = np.where(enough, se, np.nan)
    lam = np.where(enough, lam, np.nan)
    ci_low = np.where(enough, np.clip(estimate - z * se, low, high), np.nan)
    ci_high = np.where(enough, np.clip(estimate + z * se, low, high), np.nan)
    estimate = np.where(enough, np.clip(estimate, low, high), mean_score)
    return CellEstimates(
        n_items=n_items.astype(np.int64),
        n_audit=n_audit.astype(np.int64),
        mean_score=mean_score,
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        se=se,
        lam=lam,
    )


_SUMS = ("f", "ff", "n", "w", "wf", "wy", "wyf", "w2", "w2y", "w2f", "w2yy", "w2yf", "w2ff")


def _cell_sums(cells, f, labels, weights, n_cells) -> dict[str, np.ndarray]:
    """Per-cell sums of one dimension: of the scores over all items, and of the weighted
    audit terms (first powers of w for the Hájek means and moments, squares for the
    linearised variance) over the audited items only, which are few."""
    audited = np.flatnonzero(~np.isnan(labels))
    at, y, w, fa = cells[audited], labels[audited], weights[audited], f[audited]
    w2 = w * w
    wf, wy, w2f, w2y = w * fa, w * y, w2 * fa, w2 * y
    sums = {
        "f": np.bincount(cells, weights=f, minlength=n_cells),
        "ff": np.bincount(cells, weights=f * f, minlength=n_cells),
        "n": np.bincount(at, minlength=n_cells).astype(np.float64),
    }
    terms = {
        "w": w,
        "wf": wf,
        "wy": wy,
        "wyf": wy * fa,
        "w2": w2,
        "w2y": w2y,
        "w2f": w2f,
        "w2yy": w2y * y,
        "w2yf": w2y * fa,
        "w2ff": w2f * fa,
    }
    sums.update({name: np.bincount(at, weights=v, minlength=n_cells) for name, v in terms.items()})
    return sums


def _check(cells, scores, labels, weights, n_cells):
    cells = np.asarray(cells, dtype=np.int64).ravel()
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    if scores.ndim == 1:
        scores = scores[:, None]
    if labels.ndim == 1:
        labels = labels[:, None]
    if scores.shape != labels.shape or scores.shape[0] != cells.size:
        raise ValueError(
            _(
                "Cells, scores and labels must describe the same items "
                "(%(cells)s, %(scores)s, %(labels)s)."
            )
            % {"cells": cells.shape, "scores": scores.shape, "labels": labels.shape}
        )
    if cells.size and (cells.min() < 0 or cells.max() >= n_cells):
        raise ValueError(_("Cell codes must lie in [0, %(count)s).") % {"count": n_cells})
    if not np.all(np.isfinite(scores)):
        raise ValueError(_("Scores must be finite numbers."))
    if weights is None:
        weights = np.ones(cells.size)
    else:
        weights = np.asarray(weights, dtype=np.float64).ravel()
        if weights.size != cells.size:
            raise ValueError(_("There must be one weight per item."))
        used = np.any(~np.isnan(labels), axis=1)
        if np.any(~np.isfinite(weights[used]) | (weights[used] <= 0)):
            raise ValueError(_("Weights of audited items must be positive numbers."))
        weights = np.where(used, weights, 1.0)
    return cells, scores, labels, weights


def rank_ranges(
    estimate: np.ndarray, ci_low: np.ndarray, ci_high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The best and worst rank (1 = highest) each cell could hold given the intervals.

    best = 1 + the number of cells whose interval lies wholly above this one's; worst = n −
    the number lying wholly below, n the number of cells with an interval. Cells whose
    intervals overlap are never ranked against each other. A cell without an interval (NaN)
    gets NaN ranks and does not count for the others. `estimate` is not needed for the ranges
    but names what is ranked and must have the same shape."""
    estimate = np.asarray(estimate, dtype=np.float64)
    low = np.asarray(ci_low, dtype=np.float64)
    high = np.asarray(ci_high, dtype=np.float64)
    if not (estimate.shape == low.shape == high.shape) or estimate.ndim != 1:
        raise ValueError(_("Estimates and interval bounds must be 1-D arrays of one length."))
    valid = np.isfinite(low) & np.isfinite(high)
    sorted_low, sorted_high = np.sort(low[valid]), np.sort(high[valid])
    n = sorted_low.size
    above = n - np.searchsorted(sorted_low, high, side="right")  # others' low > this high
    below = np.searchsorted(sorted_high, low, side="left")  # others' high < this low
    best = np.where(valid, 1.0 + above, np.nan)
    worst = np.where(valid, float(n) - below, np.nan)
    return best, worst
