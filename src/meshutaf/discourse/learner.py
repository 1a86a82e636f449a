"""The Discourse Index's default learner: calibrated multi-label n-gram logistic regression.

One binary target per dimension ("insult", "respect", "incivility", ...), trained on a few
hundred to a few thousand human labels in Hebrew, Arabic and English, and then run over every
text the index covers. Three things shape it:

1. Scoring is cheap. Every text is normalised (`normalize.normalize`) and turned into hashed
   features once; all dimensions are then scored with ONE sparse matrix product against a
   (features × dimensions) weight matrix, plus a per-dimension calibration curve. Features
   are made by our own vectorised hasher (`hashed_counts`), not scikit-learn's
   HashingVectorizer: that one builds every character n-gram as a Python string (about 8,000
   texts/s for char_wb 2–5 on 100-character texts), ours hashes the n-grams of a whole batch
   at once with numpy rolling hashes (about 35,000 texts/s), so scoring, normalisation
   included, runs at about 14,000 texts/s on one core against a budget of 5,000.
2. The features suit noisy trilingual text. Character n-grams of 1–4 inside word boundaries
   (like scikit-learn's char_wb: Hebrew and Arabic attach prefixes such as ו/ה/ש or و/ال/ب to
   the word, and misspellings and elongations share most n-grams with the correct spelling)
   plus word unigrams and bigrams. Each view gets sublinear tf, an IDF learned on the training
   texts (label-free, so learning it on every training text leaks no label into the
   cross-validation) and its own L2 normalisation, so neither view drowns the other. Only
   n-grams seen in at least `min_df` (2) training texts keep a column. Measured on the
   benchmark's data: 1–4 scored as well as 1–5 and 2–5 and is faster; min_df 2 beat 1;
   n-grams across word boundaries and re-weighting the views did not help.
3. The model. Per dimension, a class-balanced L2 logistic regression (liblinear, dual) on
   naive-Bayes-scaled features (NB-LR, Wang & Manning 2012: each feature is multiplied by
   the log ratio of its share of the positive and of the negative class's mass, a
   feature-specific prior that helps most with few labels; the ratios fold into the weights,
   so scoring stays one product). The NB smoothing (0.3 or 1) and C (0.25, 1 or 4) are chosen
   by stratified k-fold ROC AUC: the ranking is what the model must get right, since the
   calibration and the threshold are fitted after it, and AUC is not distorted by
   `class_weight="balanced"` as log-loss is. The same folds give out-of-fold decision scores;
   a calibrator (isotonic with at least 1,000 labelled rows and 100 positives, Platt's sigmoid
   otherwise) is fitted on them, and the decision threshold maximises macro-F1 (the mean F1 of
   the two classes) on the calibrated out-of-fold probabilities. The final model is refitted
   on all labelled rows.

What gives the edge over a tuned char + word logistic regression (bench/discourse.py, section
2): the threshold tuned for macro-F1 (a model predicting at 0.5 under-predicts the rarer
class), class balancing, and NB scaling with its smoothing chosen by cross-validation (about
+0.02 ROC AUC on the synthetic benchmark, on a par on the Pol.is labels).

Training runs on one thread by default (see `_parallel`): 5,000 texts × 15 dimensions take
about 25 s, 1,500 × 15 about 7 s.

`TrainingResult.out_of_fold` holds, for each labelled item, the probability from a model that
did not see it: the logistic regression of the fold that held it out, calibrated by a curve
fitted on the OTHER folds' out-of-fold scores (cross-fitted). Those other folds' scores come
from models that did see the item, so its label reaches its own probability only through the
calibration of other items' scores: a negligible dependence, the one cross-fitted
prediction-powered inference accepts. Its metrics in the report are cross-validated from these.

Models are saved as a numpy .npz (arrays only, loaded with allow_pickle=False) and a JSON
file, never pickle or joblib, so a model file can never execute code.
"""

import json
import math
import time
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext as _

from meshutaf.discourse.normalize import normalize

FORMAT = 1
MIN_PER_CLASS = 5
MODEL_NPZ, MODEL_JSON = "model.npz", "model.json"
ISOTONIC_MIN_ROWS, ISOTONIC_MIN_POSITIVES = 1000, 100


@dataclass(frozen=True)
class LearnerConfig:
    """The learner's choices; the defaults are the measured best (see bench/discourse.py)."""

    char_min: int = 1
    char_max: int = 4
    char_bits: int = 21
    word_bits: int = 20
    word_ngrams: int = 2
    min_df: int = 2
    c_grid: tuple[float, ...] = (0.25, 1.0, 4.0)
    nb_scaling: bool = True
    nb_alphas: tuple[float, ...] = (0.3, 1.0)
    tol: float = 1e-4
    threads: int = 1

    def to_json(self) -> dict:
        return {**asdict(self), "c_grid": list(self.c_grid), "nb_alphas": list(self.nb_alphas)}

    @classmethod
    def from_json(cls, data: dict) -> "LearnerConfig":
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("c_grid", "nb_alphas"):
            if name in data:
                data[name] = tuple(data[name])
        return cls(**data)

    def settings(self) -> list[tuple[float | None, float]]:
        """The (NB smoothing, C) pairs cross-validation chooses from."""
        alphas = self.nb_alphas if self.nb_scaling else (None,)
        return [(alpha, c) for alpha in alphas for c in self.c_grid]


# ---- features ------------------------------------------------------------------------------

# 64-bit FNV prime for the rolling polynomial hash, and a 64-bit odd multiplier (the golden
# ratio) for the final mix. numpy's uint64 arithmetic wraps, which is what a hash wants.
_P = np.uint64(0x100000001B3)
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PAIR = np.uint64(0xC2B2AE3D27D4EB4F)
_SEPARATOR, _SPACE = 10, 32  # "\n" joins the texts of a batch; normalize() leaves none inside
_word_table: np.ndarray | None = None


def _word_characters() -> np.ndarray:
    """A lookup of which Basic Multilingual Plane code points are word characters (\\w)."""
    global _word_table
    if _word_table is None:
        table = np.zeros(0x10000, dtype=bool)
        table[[i for i in range(0x10000) if chr(i).isalnum() or i == ord("_")]] = True
        _word_table = table
    return _word_table


def _mix(hashes: np.ndarray, seed: int, bits: int) -> np.ndarray:
    """A well-spread `bits`-bit bucket for each 64-bit hash (multiply-xorshift)."""
    h = (hashes ^ np.uint64(seed * 0x51ED27)) * _MIX
    h ^= h >> np.uint64(29)
    h *= _MIX
    return (h >> np.uint64(64 - bits)).astype(np.int64)


def hashed_counts(normalized: Sequence[str], config: LearnerConfig) -> sp.csr_matrix:
    """Counts of hashed n-grams for a batch of normalised texts: columns [0, 2**char_bits) are
    character n-grams inside word boundaries, the next 2**word_bits word n-grams.

    The batch is one UTF-32 code point array " text1 \\n text2 \\n ... "; an n-gram is kept
    unless it crosses a text boundary, has a space strictly inside it or is only spaces, which
    is char_wb's "n-grams of ' word '". Hashes are rolling polynomials; word hashes come from
    prefix hashes (substring hash = P^(end-1) · (G[end] − G[start]), G a cumulative sum of
    c·P^-i), so no Python loop runs per text or per n-gram."""
    n_docs = len(normalized)
    width = (1 << config.char_bits) + (1 << config.word_bits)
    if n_docs == 0:
        return sp.csr_matrix((0, width), dtype=np.float32)
    stream = " " + " \n ".join(normalized) + " "
    if stream.count("\n") != n_docs - 1:  # not normalised: a line break would split a text
        stream = " " + " \n ".join(text.replace("\n", " ") for text in normalized) + " "
    # surrogatepass: a lone surrogate (from broken input) is a code point like any other.
    codes = np.frombuffer(stream.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    length = codes.size
    separator = codes == _SEPARATOR
    doc = np.cumsum(separator)
    breaks = np.zeros(length + 1, dtype=np.int64)
    np.cumsum((codes == _SPACE) | separator, out=breaks[1:])
    separators = np.zeros(length + 1, dtype=np.int64)
    np.cumsum(separator, out=separators[1:])
    codes64 = codes.astype(np.uint64)
    rows, cols = [], []
    rolling = codes64.copy()
    for n in range(1, config.char_max + 1):
        if n > 1:
            rolling = rolling[:-1] * _P + codes64[n - 1 :]
        if n < config.char_min:
            continue
        if n == 1:
            keep = np.flatnonzero((breaks[1:] - breaks[:-1]) == 0)
        else:
            start = np.arange(length - n + 1)
            keep = np.flatnonzero(
                (separators[start + n] == separators[start])
                & (breaks[start + n - 1] == breaks[start + 1])
                & (breaks[start + n] - breaks[start] < n)  # not only spaces: "  " of an empty text
            )
        rows.append(doc[keep])
        cols.append(_mix(rolling[keep], n, config.char_bits))
    rows_w, cols_w = _word_ngrams(codes, codes64, doc, config)
    rows.extend(rows_w)
    cols.extend(cols_w)
    counts = sp.csr_matrix(
        (
            np.ones(sum(r.size for r in rows), dtype=np.float32),
            (np.concatenate(rows), np.concatenate(cols)),
        ),
        shape=(n_docs, width),
    )
    counts.sum_duplicates()
    return counts


def _word_ngrams(codes, codes64, doc, config):
    """Rows and hashed columns of word unigrams (maximal runs of \\w) and bigrams."""
    length = codes.size
    is_word = np.zeros(length + 2, dtype=np.int8)
    low = codes < 0x10000
    is_word[1:-1][low] = _word_characters()[codes[low]]
    edge = np.diff(is_word)
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    if starts.size == 0:
        return [], []
    powers = np.empty(length + 1, dtype=np.uint64)
    powers[0] = 1
    np.cumprod(np.full(length, _P, dtype=np.uint64), out=powers[1:])
    inverse = np.empty(length, dtype=np.uint64)
    inverse[0] = 1
    np.cumprod(np.full(length - 1, _P_INVERSE, dtype=np.uint64), out=inverse[1:])
    prefix = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(codes64 * inverse, out=prefix[1:])
    word_hash = powers[ends - 1] * (prefix[ends] - prefix[starts])
    word_doc = doc[starts]
    offset = 1 << config.char_bits
    rows, cols = [word_doc], [offset + _mix(word_hash, 101, config.word_bits)]
    if config.word_ngrams >= 2 and word_hash.size > 1:
        same = np.flatnonzero(word_doc[1:] == word_doc[:-1])
        pair = word_hash[same] * _PAIR + word_hash[same + 1]
        rows.append(word_doc[same])
        cols.append(offset + _mix(pair, 102, config.word_bits))
    return rows, cols


@dataclass
class Featurizer:
    """Hashed counts → sublinear tf · idf → L2 per view, restricted to the training vocabulary.

    `vocabulary` holds the sorted hashed column ids seen in at least min_df training texts and
    `idf` their IDF; n-grams outside it still count towards a text's norm, with the IDF of a
    never-seen n-gram, so a text made mostly of unknown n-grams gets small feature values."""

    config: LearnerConfig
    vocabulary: np.ndarray
    idf: np.ndarray
    idf_unseen: float
    _lookup: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def fit(
        cls, normalized: Sequence[str], config: LearnerConfig
    ) -> tuple["Featurizer", sp.csr_matrix]:
        counts = hashed_counts(normalized, config)
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        vocabulary = np.flatnonzero(df >= config.min_df)
        idf = (np.log((1.0 + n) / (1.0 + df[vocabulary])) + 1.0).astype(np.float32)
        featurizer = cls(config, vocabulary.astype(np.int64), idf, float(math.log(1.0 + n) + 1.0))
        return featurizer, featurizer.weigh(counts)

    @property
    def n_features(self) -> int:
        return int(self.vocabulary.size)

    def lookup(self) -> np.ndarray:
        if self._lookup is None:
            width = (1 << self.config.char_bits) + (1 << self.config.word_bits)
            lookup = np.full(width, -1, dtype=np.int32)
            lookup[self.vocabulary] = np.arange(self.vocabulary.size, dtype=np.int32)
            self._lookup = lookup
        return self._lookup

    def transform(self, normalized: Sequence[str]) -> sp.csr_matrix:
        return self.weigh(hashed_counts(normalized, self.config))

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        column = self.lookup()[counts.indices]
        known = column >= 0
        values = (1.0 + np.log(counts.data)) * np.where(
            known, self.idf[np.maximum(column, 0)], np.float32(self.idf_unseen)
        )
        # One norm per row and view: word columns start at 2**char_bits.
        row = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        view = (counts.indices >= (1 << self.config.char_bits)).astype(np.int64)
        key = row * 2 + view
        squares = np.bincount(
            key, weights=values.astype(np.float64) ** 2, minlength=2 * counts.shape[0]
        )
        norms = np.sqrt(squares)
        values = (values / np.maximum(norms[key], 1e-12)).astype(np.float32)
        kept_rows = np.bincount(row[known], minlength=counts.shape[0])
        indptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
        np.cumsum(kept_rows, out=indptr[1:])
        return sp.csr_matrix(
            (values[known], column[known], indptr), shape=(counts.shape[0], self.n_features)
        )


# ---- metrics -------------------------------------------------------------------------------


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


def _metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    auc = roc_auc(y, p)
    return {
        "n": int(y.size),
        "positives": int(y.sum()),
        "macro_f1": _round(macro_f1(y, p >= threshold)) if y.size else None,
        "roc_auc": _round(auc),
        "brier": _round(float(np.mean((p - y) ** 2))) if y.size else None,
        "calibration_error": _round(calibration_error(y, p)) if y.size else None,
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


# ---- calibration ---------------------------------------------------------------------------


@dataclass
class Calibrator:
    """Decision score → probability: Platt's sigmoid 1/(1+exp(-(a·s+b))) or an isotonic
    step curve through (x, y) read with np.interp."""

    kind: str
    a: float = 1.0
    b: float = 0.0
    x: np.ndarray | None = None
    y: np.ndarray | None = None

    @classmethod
    def fit(cls, scores: np.ndarray, y: np.ndarray) -> "Calibrator":
        positives = int(y.sum())
        if y.size >= ISOTONIC_MIN_ROWS and positives >= ISOTONIC_MIN_POSITIVES:
            from sklearn.isotonic import IsotonicRegression

            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, y)
            return cls(
                "isotonic",
                x=iso.X_thresholds_.astype(np.float64),
                y=iso.y_thresholds_.astype(np.float64),
            )
        return cls("sigmoid", *_platt(scores, y))

    def apply(self, scores: np.ndarray) -> np.ndarray:
        if self.kind == "isotonic":
            return np.interp(scores, self.x, self.y).astype(np.float32)
        z = np.clip(self.a * scores + self.b, -50, 50)
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt's (1999) sigmoid fit by Newton's method, with his smoothed targets
    (N+ + 1)/(N+ + 2) and 1/(N− + 2) so that a separable fold does not give infinite slopes."""
    s = np.asarray(scores, dtype=np.float64)
    positives = float(y.sum())
    negatives = y.size - positives
    target = np.where(y > 0.5, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    a, b = 1.0, math.log((negatives + 1) / (positives + 1)) * -1.0
    for _step in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * s + b, -50, 50)))
        gradient = np.array([np.dot(p - target, s), np.sum(p - target)])
        w = p * (1 - p) + 1e-12
        hessian = np.array([[np.dot(w, s * s), np.dot(w, s)], [np.dot(w, s), w.sum()]])
        hessian += np.eye(2) * 1e-9
        delta = np.linalg.solve(hessian, gradient)
        loss = _logloss(a, b, s, target)
        step = 1.0
        while (
            step > 1e-8
            and _logloss(a - step * delta[0], b - step * delta[1], s, target) > loss + 1e-12
        ):
            step /= 2
        a, b = a - step * delta[0], b - step * delta[1]
        if np.max(np.abs(step * delta)) < 1e-9:
            break
    return float(a), float(b)


def _logloss(a, b, s, target):
    z = a * s + b
    # log(1 + e^z) − t·z, stably.
    return float(np.sum(np.logaddexp(0.0, z) - target * z))


# ---- training ------------------------------------------------------------------------------


def _nb_ratio(x: sp.csr_matrix, y: np.ndarray, alpha: float, ngram_columns: int) -> np.ndarray:
    """Naive-Bayes log-count ratio per feature: log of the feature's share of the positive
    class's mass over its share of the negative class's mass, smoothed by `alpha`. Only the
    n-gram columns (non-negative) are scaled; encoder embeddings keep a ratio of 1."""
    positive = alpha + np.asarray(x[y][:, :ngram_columns].sum(axis=0)).ravel()
    negative = alpha + np.asarray(x[~y][:, :ngram_columns].sum(axis=0)).ravel()
    ratio = np.ones(x.shape[1], dtype=np.float32)
    ratio[:ngram_columns] = np.log((positive / positive.sum()) / (negative / negative.sum()))
    return ratio


def _fit_logistic(x: sp.csr_matrix, y: np.ndarray, settings, *, seed: int, config, ngram_columns):
    """(weights, intercept) per (NB smoothing, C) setting, for the original features: the NB
    ratios are folded into the weights."""
    from sklearn.linear_model import LogisticRegression

    fitted = []
    scaled, ratio, ratio_alpha = x, None, None
    for alpha, c in settings:
        if alpha is not None and alpha != ratio_alpha:
            ratio, ratio_alpha = _nb_ratio(x, y, alpha, ngram_columns), alpha
            scaled = x.copy()
            scaled.data *= ratio[scaled.indices]
        model = LogisticRegression(
            C=c,
            solver="liblinear",
            class_weight="balanced",
            dual=True,
            max_iter=1000,
            tol=config.tol,
            random_state=seed,
        ).fit(scaled, y)
        weights = model.coef_[0].astype(np.float32)
        if alpha is not None:
            weights *= ratio
        fitted.append((weights, float(model.intercept_[0])))
    return fitted


@dataclass
class _Plan:
    """One dimension's labelled rows, their labels and fold of each row."""

    column: int
    rows: np.ndarray
    y: np.ndarray
    fold: np.ndarray
    n_folds: int


@dataclass
class TrainingResult:
    model: "TrainedModel"
    out_of_fold: np.ndarray
    report: dict


def train(
    texts: Sequence[str],
    labels: np.ndarray,
    dimensions: Sequence[str],
    *,
    languages: Sequence[str] | None = None,
    seed: int = 0,
    folds: int = 5,
    progress: Callable[[float], None] | None = None,
    encoder_path: Path | None = None,
    config: LearnerConfig | None = None,
) -> TrainingResult:
    """Train one calibrated classifier per dimension; see the module docstring.

    labels: (n, len(dimensions)) of 0.0/1.0 with NaN where an item has no label for a
    dimension; each dimension trains on its own labelled rows. A dimension with fewer than
    MIN_PER_CLASS positive or negative labels is skipped (reported, absent from the model)."""
    config = config or LearnerConfig()
    started = time.perf_counter()
    labels = _check_inputs(texts, labels, dimensions, languages, folds)
    report_progress = progress or (lambda fraction: None)
    report_progress(0.0)
    normalized = [normalize(text) for text in texts]
    featurizer, x = Featurizer.fit(normalized, config)
    encoder = None
    if encoder_path is not None:
        from meshutaf.discourse.encoders import load_encoder

        encoder = load_encoder(Path(encoder_path))
        x = _with_embeddings(x, encoder.encode(list(texts)))
    report_progress(0.05)

    dimension_reports: dict = {}
    plans = []
    for column, name in enumerate(dimensions):
        plan, skipped = _plan(labels[:, column], column, folds, seed)
        if plan is None:
            dimension_reports[name] = skipped
        else:
            plans.append(plan)

    settings = config.settings()
    fit = partial(_fit_logistic, seed=seed, config=config, ngram_columns=featurizer.n_features)
    oof_scores = _cross_validate(x, plans, settings, fit, config.threads, report_progress)
    chosen = []
    for plan, scores in zip(plans, oof_scores, strict=True):
        aucs = [roc_auc(plan.y, s) or 0.0 for s in scores]
        chosen.append(int(np.argmax(aucs)))  # the first setting on a tie: the smallest C
    finals = list(
        _parallel(
            lambda item: fit(x[item[0].rows], item[0].y, [settings[item[1]]])[0],
            list(zip(plans, chosen, strict=True)),
            config.threads,
        )
    )
    report_progress(0.95)

    out_of_fold = np.full(labels.shape, np.nan, dtype=np.float32)
    weights = np.zeros((x.shape[1], len(plans)), dtype=np.float32)
    intercepts = np.zeros(len(plans), dtype=np.float32)
    calibrators, thresholds, trained = [], [], []
    for k, (plan, scores, c_index, (w, b)) in enumerate(
        zip(plans, oof_scores, chosen, finals, strict=True)
    ):
        name = dimensions[plan.column]
        score = scores[c_index]
        probability = _cross_fitted_probabilities(score, plan)
        calibrator = Calibrator.fit(score, plan.y)
        threshold, _best = best_threshold(plan.y, probability)
        out_of_fold[plan.rows, plan.column] = probability
        weights[:, k], intercepts[k] = w, b
        calibrators.append(calibrator)
        thresholds.append(threshold)
        trained.append(name)
        entry = _metrics(plan.y, probability, threshold)
        entry.update(
            {
                "threshold": _round(threshold),
                "calibration": calibrator.kind,
                "C": settings[c_index][1],
                "nb_alpha": settings[c_index][0],
            }
        )
        if languages is not None:
            entry["by_language"] = _by_language(plan, probability, threshold, languages)
        dimension_reports[name] = entry

    report = {
        "format": FORMAT,
        "learner": _description(config, encoder_path),
        "n_items": len(texts),
        "folds": folds,
        "seed": seed,
        "train_seconds": round(time.perf_counter() - started, 2),
        "dimensions": {name: dimension_reports[name] for name in dimensions},
    }
    model = TrainedModel(
        featurizer=featurizer,
        weights=weights,
        intercepts=intercepts,
        calibrators=calibrators,
        thresholds=np.asarray(thresholds, dtype=np.float64),
        dimensions=trained,
        report=report,
        encoder_path=None if encoder_path is None else str(encoder_path),
        encoder=encoder,
    )
    report_progress(1.0)
    return TrainingResult(model=model, out_of_fold=out_of_fold, report=report)


def _check_inputs(texts, labels, dimensions, languages, folds) -> np.ndarray:
    labels = np.asarray(labels, dtype=np.float64)
    if labels.ndim == 1:
        labels = labels[:, None]
    if labels.shape != (len(texts), len(dimensions)):
        raise ValueError(
            _("Labels have shape %(shape)s; expected %(rows)s texts × %(columns)s dimensions.")
            % {"shape": labels.shape, "rows": len(texts), "columns": len(dimensions)}
        )
    if len(set(dimensions)) != len(dimensions):
        raise ValueError(_("Each dimension may be named only once."))
    if languages is not None and len(languages) != len(texts):
        raise ValueError(_("There must be one language per text."))
    if folds < 2:
        raise ValueError(_("Cross-validation needs at least 2 folds."))
    known = labels[~np.isnan(labels)]
    if np.any((known != 0.0) & (known != 1.0)):
        raise ValueError(_("Labels must be 0, 1 or missing (NaN)."))
    return labels


def _plan(column_labels: np.ndarray, column: int, folds: int, seed: int):
    rows = np.flatnonzero(~np.isnan(column_labels))
    y = column_labels[rows] > 0.5
    positives, negatives = int(y.sum()), int((~y).sum())
    if min(positives, negatives) < MIN_PER_CLASS:
        return None, {
            "skipped": "too_few_labels",
            "n": int(rows.size),
            "positives": positives,
            "negatives": negatives,
            "needed": MIN_PER_CLASS,
        }
    from sklearn.model_selection import StratifiedKFold

    n_folds = min(folds, positives, negatives)
    fold = np.empty(rows.size, dtype=np.int64)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for k, (_train, held_out) in enumerate(splitter.split(np.zeros(rows.size), y)):
        fold[held_out] = k
    return _Plan(column, rows, y, fold, n_folds), None


def _cross_validate(x, plans, settings, fit, threads, report_progress) -> list[list[np.ndarray]]:
    """Out-of-fold decision scores per plan and setting: scores[plan][setting][row].

    Progress is reported from the caller's thread only, as each fold's result comes back:
    the caller's callback may write to its database connection, which other threads lack."""
    tasks = [(p, k) for p in range(len(plans)) for k in range(plans[p].n_folds)]
    scores = [[np.zeros(plan.rows.size) for _s in settings] for plan in plans]

    def run(task):
        p, k = task
        plan = plans[p]
        fitting, held_out = plan.fold != k, plan.fold == k
        fitted = fit(x[plan.rows[fitting]], plan.y[fitting], settings)
        x_held_out = x[plan.rows[held_out]]
        for c, (w, b) in enumerate(fitted):
            scores[p][c][held_out] = x_held_out @ w + b

    for done, _result in enumerate(_parallel(run, tasks, threads), start=1):
        report_progress(0.05 + 0.85 * done / len(tasks))
    return scores


def _parallel(function, items, threads):
    """liblinear releases the GIL, so threads use the cores without copying the matrix. But
    its coordinate descent draws its order from one random generator shared by all threads,
    so with threads > 1 two runs differ in about the sixth decimal: one thread by default,
    for runs that are identical for a seed."""
    if threads <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        yield from pool.map(function, items)


def _cross_fitted_probabilities(score: np.ndarray, plan: _Plan) -> np.ndarray:
    """Each fold's scores calibrated by a curve fitted on the other folds' scores."""
    probability = np.empty(score.size, dtype=np.float32)
    for k in range(plan.n_folds):
        held_out = plan.fold == k
        calibrator = Calibrator.fit(score[~held_out], plan.y[~held_out])
        probability[held_out] = calibrator.apply(score[held_out])
    return probability


def _by_language(plan: _Plan, probability, threshold, languages) -> dict:
    codes = np.asarray([str(languages[i] or "") for i in plan.rows])
    return {
        language: _metrics(plan.y[codes == language], probability[codes == language], threshold)
        for language in sorted(set(codes.tolist()))
    }


def _description(config: LearnerConfig, encoder_path) -> str:
    model = "NB-scaled logistic regression" if config.nb_scaling else "logistic regression"
    text = (
        f"{model} on hashed char {config.char_min}-{config.char_max} and word "
        f"1-{config.word_ngrams} n-grams, sublinear tf-idf"
    )
    if encoder_path is not None:
        text += f" + encoder {Path(encoder_path).name}"
    return text + "; C by CV AUC; calibrated; macro-F1 threshold"


def _with_embeddings(x: sp.csr_matrix, embeddings: np.ndarray) -> sp.csr_matrix:
    """Sparse features and L2-normalised dense embeddings side by side (each view norm 1)."""
    embeddings = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    embeddings = embeddings / np.maximum(norms, 1e-12)
    return sp.hstack([x, sp.csr_matrix(embeddings)], format="csr", dtype=np.float32)


# ---- the trained model ---------------------------------------------------------------------


class TrainedModel:
    """Calibrated probabilities for the trained dimensions; see the module docstring."""

    def __init__(
        self,
        *,
        featurizer: Featurizer,
        weights: np.ndarray,
        intercepts: np.ndarray,
        calibrators: list[Calibrator],
        thresholds: np.ndarray,
        dimensions: list[str],
        report: dict,
        encoder_path: str | None = None,
        encoder=None,
    ):
        self.featurizer = featurizer
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.intercepts = np.asarray(intercepts, dtype=np.float32)
        self.calibrators = calibrators
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.dimensions = list(dimensions)
        self.report = report
        self.encoder_path = encoder_path
        self._encoder = encoder

    def decision_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated scores (n, d): one featurisation and one sparse product per batch."""
        x = self.featurizer.transform([normalize(text) for text in texts])
        if self.encoder_path is not None:
            if self._encoder is None:
                from meshutaf.discourse.encoders import load_encoder

                self._encoder = load_encoder(Path(self.encoder_path))
            x = _with_embeddings(x, self._encoder.encode(list(texts)))
        return x @ self.weights + self.intercepts

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 4096) -> np.ndarray:
        """Calibrated probabilities, shape (len(texts), len(self.dimensions)), float32."""
        out = np.empty((len(texts), len(self.dimensions)), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            scores = self.decision_scores(texts[start : start + batch_size])
            for k, calibrator in enumerate(self.calibrators):
                out[start : start + scores.shape[0], k] = calibrator.apply(scores[:, k])
        return out

    def save(self, directory: Path) -> None:
        """model.npz (arrays) and model.json (everything else): nothing that can run code."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {
            "vocabulary": self.featurizer.vocabulary.astype(np.int32),
            "idf": self.featurizer.idf.astype(np.float32),
            "weights": self.weights,
            "intercepts": self.intercepts,
            "thresholds": self.thresholds,
        }
        calibrators = []
        for k, calibrator in enumerate(self.calibrators):
            if calibrator.kind == "isotonic":
                arrays[f"isotonic_x_{k}"] = calibrator.x
                arrays[f"isotonic_y_{k}"] = calibrator.y
                calibrators.append({"kind": "isotonic"})
            else:
                calibrators.append({"kind": "sigmoid", "a": calibrator.a, "b": calibrator.b})
        metadata = {
            "format": FORMAT,
            "config": self.featurizer.config.to_json(),
            "idf_unseen": self.featurizer.idf_unseen,
            "dimensions": self.dimensions,
            "calibrators": calibrators,
            "encoder_path": self.encoder_path,
            "report": self.report,
        }
        with (directory / MODEL_NPZ).open("wb") as stream:
            np.savez_compressed(stream, **arrays)
        (directory / MODEL_JSON).write_text(
            json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> "TrainedModel":
        """Read a model written by `save`; ValueError when it is missing, corrupt or of an
        unknown format version."""
        directory = Path(directory)
        npz_path, json_path = directory / MODEL_NPZ, directory / MODEL_JSON
        for path in (npz_path, json_path):
            if not path.is_file():
                raise ValueError(_("The model file %(path)s is missing.") % {"path": path})
        try:
            metadata = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(
                _("The model file %(path)s is not readable: %(error)s")
                % {"path": json_path, "error": error}
            ) from error
        if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
            raise ValueError(
                _(
                    "The model in %(path)s has format %(found)s; "
                    "this version reads format %(known)s."
                )
                % {
                    "path": directory,
                    "found": metadata.get("format") if isinstance(metadata, dict) else None,
                    "known": FORMAT,
                }
            )
        try:
            return cls._from_stored(metadata, npz_path)
        except (OSError, KeyError, TypeError, ValueError, IndexError, zipfile.BadZipFile) as error:
            raise ValueError(
                _("The model in %(path)s is corrupt: %(error)s")
                % {"path": directory, "error": error}
            ) from error

    @classmethod
    def _from_stored(cls, metadata: dict, npz_path: Path) -> "TrainedModel":
        with np.load(npz_path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        config = LearnerConfig.from_json(metadata["config"])
        dimensions = [str(name) for name in metadata["dimensions"]]
        vocabulary = arrays["vocabulary"].astype(np.int64)
        weights = arrays["weights"]
        d = len(dimensions)
        width = (1 << config.char_bits) + (1 << config.word_bits)
        if (
            weights.ndim != 2
            or weights.shape[1] != d
            or weights.shape[0] < vocabulary.size
            or (metadata.get("encoder_path") is None and weights.shape[0] != vocabulary.size)
            or arrays["idf"].shape != vocabulary.shape
            or arrays["intercepts"].shape != (d,)
            or arrays["thresholds"].shape != (d,)
            or len(metadata["calibrators"]) != d
            or (vocabulary.size and (vocabulary.min() < 0 or vocabulary.max() >= width))
        ):
            raise ValueError("inconsistent array shapes")
        calibrators = []
        for k, entry in enumerate(metadata["calibrators"]):
            if entry["kind"] == "isotonic":
                calibrators.append(
                    Calibrator("isotonic", x=arrays[f"isotonic_x_{k}"], y=arrays[f"isotonic_y_{k}"])
                )
            elif entry["kind"] == "sigmoid":
                calibrators.append(Calibrator("sigmoid", a=float(entry["a"]), b=float(entry["b"])))
            else:
                raise ValueError(f"unknown calibrator {entry['kind']!r}")
        featurizer = Featurizer(
            config, vocabulary, arrays["idf"].astype(np.float32), float(metadata["idf_unseen"])
        )
        return cls(
            featurizer=featurizer,
            weights=weights,
            intercepts=arrays["intercepts"],
            calibrators=calibrators,
            thresholds=arrays["thresholds"],
            dimensions=dimensions,
            report=metadata.get("report") or {},
            encoder_path=metadata.get("encoder_path"),
        )
