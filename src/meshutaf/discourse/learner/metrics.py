"""How well a dimension's probabilities do: macro-F1, ROC AUC, Brier score, calibration error,
and the threshold that maximises macro-F1. Pure: numpy only (scipy for ranks)."""

import math

import numpy as np


def macro_f1(y: np.ndarray, predicted: np.ndarray) -> float:
    """The mean of the F1 of the positive and of the negative class (a class never predicted
    and never present counts as F1 = 1, one absent but predicted as 0)."""
    y, predicted = np.asarray(y, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = float(np.sum(y & predicted))
    tn = float(np.sum(~y & ~predicted))
    fp = float(np.sum(~y & predicted))
    fn = float(np.sum(y & ~predicted))
    return float(0.5 * (_f1(tp, fp, fn) + _f1(tn, fn, fp)))


def _f1(tp, fp, fn):
    denominator = 2 * tp + fp + fn
    return np.divide(
        2 * tp, denominator, out=np.ones_like(denominator * 1.0), where=denominator > 0
    )


def calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the share-weighted mean |mean(p) − mean(y)| over `bins`
    equal-width probability bins (p = 1 falls in the last). NaN for no items."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    if y.size == 0:
        return float("nan")
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    gap = np.abs(
        np.bincount(which, weights=p, minlength=bins)
        - np.bincount(which, weights=y, minlength=bins)
    )
    return float(gap.sum() / y.size)


def roc_auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """ROC AUC (ties count one half); None when only one class is present."""
    y = np.asarray(y, dtype=bool)
    positives = int(y.sum())
    negatives = y.size - positives
    if positives == 0 or negatives == 0:
        return None
    from scipy.stats import rankdata

    ranks = rankdata(score)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The threshold t (predict positive iff p ≥ t) maximising macro-F1, and that macro-F1.
    Candidates are midway between consecutive distinct probabilities, so a threshold is never
    an exact training value."""
    y = np.asarray(y, dtype=bool)
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    # Predicting the top k positive, for each k at which the probability changes.
    last = np.flatnonzero(np.r_[p_sorted[1:] != p_sorted[:-1], True])
    tp = np.cumsum(y_sorted)[last].astype(np.float64)
    predicted = (last + 1).astype(np.float64)
    positives, total = float(y.sum()), float(y.size)
    fp, fn = predicted - tp, positives - tp
    tn = total - predicted - fn
    score = 0.5 * (_f1(tp, fp, fn) + _f1(tn, fn, fp))
    # k = 0: nothing predicted positive.
    none = 0.5 * (_f1(0.0, 0.0, positives) + _f1(total - positives, positives, 0.0))
    best = int(np.argmax(score))
    if none > score[best]:
        return float(p_sorted[0]) + 1e-6, float(none)
    value = p_sorted[last[best]]
    below = p_sorted[last[best] + 1] if last[best] + 1 < p_sorted.size else max(0.0, value - 1e-3)
    return float((value + below) / 2), float(score[best])


def metrics_report(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    auc = roc_auc(y, p)
    return {
        "n": int(y.size),
        "positives": int(y.sum()),
        "macro_f1": report_number(macro_f1(y, p >= threshold)) if y.size else None,
        "roc_auc": report_number(auc),
        "brier": report_number(float(np.mean((p - y) ** 2))) if y.size else None,
        "calibration_error": report_number(calibration_error(y, p)) if y.size else None,
    }


def report_number(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)
