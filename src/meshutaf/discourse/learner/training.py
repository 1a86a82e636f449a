"""Training the default learner: per dimension, NB-scaled logistic regression, plain logistic
regression or their standardised mean, chosen with their settings by cross-validated ROC AUC;
cross-fitted calibration and a macro-F1 threshold; see the package's docstring."""

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext as _

from meshutaf.discourse.normalize import normalize

from .calibration import Calibrator
from .config import FORMAT, MIN_PER_CLASS, LearnerConfig
from .features import Featurizer, with_embeddings
from .metrics import best_threshold, metrics_report, report_number, roc_auc
from .model import TrainedModel


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
        if alpha is None:
            scaled, ratio, ratio_alpha = x, None, None
        elif alpha != ratio_alpha:
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
        if ratio is not None:
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
class _Choice:
    """The model cross-validation chose for one dimension: a weighted sum of the decision
    scores of one or two settings plus an offset ("ensemble": each score standardised by its
    out-of-fold mean and deviation, then added). Linear, so it folds into one weight vector."""

    model: str
    parts: list[tuple[int, float]]
    offset: float
    score: np.ndarray


def _choose(y: np.ndarray, scores: list[np.ndarray], settings) -> _Choice:
    """NB-LR's best setting, plain LR's best and their standardised mean, by out-of-fold ROC
    AUC; on a tie the earlier of NB-LR, plain, ensemble, and the earlier setting (smaller C)."""
    aucs = [roc_auc(y, score) or 0.0 for score in scores]
    candidates = []
    for scaled in (True, False):
        indexes = [k for k, (alpha, _c) in enumerate(settings) if (alpha is not None) == scaled]
        if indexes:
            best = max(indexes, key=lambda k: (aucs[k], -k))
            candidates.append(
                _Choice("nb" if scaled else "plain", [(best, 1.0)], 0.0, scores[best])
            )
    if len(candidates) == 2:
        parts, offset = [], 0.0
        for candidate in candidates:
            k = candidate.parts[0][0]
            spread = float(np.std(scores[k])) or 1.0
            parts.append((k, 1.0 / spread))
            offset -= float(np.mean(scores[k])) / spread
        combined = np.sum([scale * scores[k] for k, scale in parts], axis=0) + offset
        candidates.append(_Choice("ensemble", parts, offset, combined))
    found = [roc_auc(y, candidate.score) or 0.0 for candidate in candidates]
    return candidates[int(np.argmax(found))]


def _fit_choice(x, y, choice: _Choice, settings, fit) -> tuple[np.ndarray, float]:
    fitted = fit(x, y, [settings[k] for k, _scale in choice.parts])
    weights = sum(scale * w for (_k, scale), (w, _b) in zip(choice.parts, fitted, strict=True))
    intercept = sum(scale * b for (_k, scale), (_w, b) in zip(choice.parts, fitted, strict=True))
    return np.asarray(weights, dtype=np.float32), float(intercept + choice.offset)


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
    """Train one calibrated classifier per dimension; see the package docstring.

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
        embeddings = encoder.encode(list(texts))
        x = with_embeddings(x, embeddings)
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
    chosen = [
        _choose(plan.y, scores, settings) for plan, scores in zip(plans, oof_scores, strict=True)
    ]
    finals = list(
        _parallel(
            lambda item: _fit_choice(x[item[0].rows], item[0].y, item[1], settings, fit),
            list(zip(plans, chosen, strict=True)),
            config.threads,
        )
    )
    report_progress(0.95)

    out_of_fold = np.full(labels.shape, np.nan, dtype=np.float32)
    weights = np.zeros((x.shape[1], len(plans)), dtype=np.float32)
    intercepts = np.zeros(len(plans), dtype=np.float32)
    calibrators, thresholds, trained = [], [], []
    for k, (plan, choice, (w, b)) in enumerate(zip(plans, chosen, finals, strict=True)):
        name = dimensions[plan.column]
        score = choice.score
        probability = _cross_fitted_probabilities(score, plan)
        calibrator = Calibrator.fit(score, plan.y)
        threshold, _best = best_threshold(plan.y, probability)
        out_of_fold[plan.rows, plan.column] = probability
        weights[:, k], intercepts[k] = w, b
        calibrators.append(calibrator)
        thresholds.append(threshold)
        trained.append(name)
        entry = metrics_report(plan.y, probability, threshold)
        entry.update(
            {
                "threshold": report_number(threshold),
                "calibration": calibrator.kind,
                "model": choice.model,
                "C": settings[choice.parts[0][0]][1],
                "nb_alpha": settings[choice.parts[0][0]][0],
                "plain_C": settings[choice.parts[-1][0]][1] if choice.model == "ensemble" else None,
            }
        )
        if languages is not None:
            entry["by_language"] = _by_language(plan, probability, threshold, languages)
        dimension_reports[name] = entry

    report = {
        "format": FORMAT,
        "learner": _description(config, encoder_path),
        "encoder": None if encoder is None else _encoder_report(encoder, encoder_path, embeddings),
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
        language: metrics_report(
            plan.y[codes == language], probability[codes == language], threshold
        )
        for language in sorted(set(codes.tolist()))
    }


def _encoder_report(encoder, encoder_path, embeddings: np.ndarray) -> dict:
    """Which encoder joined the features: its folder's name (not the server's path), its
    architecture and the width of its embeddings."""
    return {
        "name": Path(encoder_path).name,
        "model_type": str(getattr(encoder.model.config, "model_type", "") or ""),
        "dimensions": int(embeddings.shape[1]),
    }


def _description(config: LearnerConfig, encoder_path) -> str:
    if not config.nb_scaling:
        model = "logistic regression"
    elif config.ensemble:
        model = "NB-scaled or plain logistic regression or their mean (by CV)"
    else:
        model = "NB-scaled logistic regression"
    text = (
        f"{model} on hashed char {config.char_min}-{config.char_max} and word "
        f"1-{config.word_ngrams} n-grams, sublinear tf-idf"
    )
    if encoder_path is not None:
        text += f" + encoder {Path(encoder_path).name}"
    return text + "; C by CV AUC; calibrated; macro-F1 threshold"
