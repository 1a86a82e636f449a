"""The engine of the `evaluate` command: how well the default learner does on labelled CSVs.

Trains the default learner (one dimension: the label equals `positive`) on a training CSV and
measures it on a test CSV the way the index uses it: macro-F1 at the learned threshold, ROC
AUC, Brier score and expected calibration error over all test rows, scoring speed, and the
prevalence of the positive class in the test file three ways: the truth, classify-and-count
(the share predicted positive) and prediction-powered inference from a seeded random audit of
`audit_size` test rows (their labels and scores) plus the scores of the other test rows, with
its confidence interval. The dictionary it returns is a contract (the command prints it as
JSON and checks read it): keep its keys and types.

Input is read defensively, since it comes from anyone: UTF-8 (a BOM is fine), comma,
semicolon or tab separated, fields of any size. Rows with an empty text or label are skipped;
anything that makes the evaluation meaningless raises `EvaluationError`, whose translated
message the command shows as it is (and exits with code 2).
"""

import csv
import io
import math
import time
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from meshutaf.discourse.estimation import ppi_mean
from meshutaf.discourse.learner.config import MIN_PER_CLASS
from meshutaf.discourse.learner.metrics import calibration_error, macro_f1, roc_auc
from meshutaf.discourse.learner.training import train

MIN_ROWS = 20
DELIMITERS = (",", ";", "\t")
_FIELD_LIMIT = 2**31 - 1


class EvaluationError(ValueError):
    """Input that cannot be evaluated; the message is translated and meant for the user."""


def evaluate(
    train_path: Path,
    test_path: Path,
    *,
    text_column: str,
    label_column: str,
    positive: str,
    audit_size: int = 200,
    seed: int = 0,
) -> dict:
    """Train on `train_path`, evaluate on `test_path`; see the module docstring."""
    train_texts, train_y = _read(Path(train_path), text_column, label_column, positive)
    test_texts, test_y = _read(Path(test_path), text_column, label_column, positive)
    positives = int(train_y.sum())
    negatives = int(train_y.size - positives)
    if min(positives, negatives) < MIN_PER_CLASS:
        raise EvaluationError(
            _(
                "The training file needs at least %(count)s rows labelled %(positive)s and "
                "%(count)s with another label; it has %(positives)s and %(negatives)s."
            )
            % {
                "count": MIN_PER_CLASS,
                "positive": positive,
                "positives": positives,
                "negatives": negatives,
            }
        )
    n_test = len(test_texts)
    if not 2 <= audit_size < n_test:
        raise EvaluationError(
            _("The audit size must be at least 2 and less than the %(count)s test rows.")
            % {"count": n_test}
        )

    started = time.perf_counter()
    result = train(train_texts, train_y[:, None], ["positive"], seed=seed)
    train_seconds = time.perf_counter() - started
    model = result.model
    started = time.perf_counter()
    probability = model.predict_proba(test_texts)[:, 0].astype(np.float64)
    predict_seconds = max(time.perf_counter() - started, 1e-9)
    threshold = float(model.thresholds[0])
    predicted = probability >= threshold

    rng = np.random.default_rng(seed)
    audit = np.zeros(n_test, dtype=bool)
    audit[rng.choice(n_test, size=audit_size, replace=False)] = True
    estimate = ppi_mean(probability[~audit], probability[audit], test_y[audit].astype(np.float64))
    auc = roc_auc(test_y, probability)
    return {
        "n_train": len(train_texts),
        "n_test": n_test,
        "macro_f1": _figure(macro_f1(test_y, predicted)),
        "roc_auc": _figure(float("nan") if auc is None else auc),
        "brier": _figure(float(np.mean((probability - test_y) ** 2))),
        "calibration_error": _figure(calibration_error(test_y, probability)),
        "train_seconds": _figure(train_seconds),
        "texts_per_second": _figure(n_test / predict_seconds, digits=1),
        "prevalence": {
            "true": _figure(float(test_y.mean())),
            "classify_and_count": _figure(float(predicted.mean())),
            "estimated": _figure(estimate.estimate),
            "ci_low": _figure(estimate.ci_low),
            "ci_high": _figure(estimate.ci_high),
        },
    }


def _figure(value: float, digits: int = 4) -> float:
    value = float(value)
    return round(value, digits) if math.isfinite(value) else value


# ---- reading -------------------------------------------------------------------------------


def _read(path: Path, text_column: str, label_column: str, positive: str):
    """(texts, y) of the usable rows: text and label both non-empty."""
    text = _text_of(path)
    if not text.strip():
        raise EvaluationError(_("The file %(path)s is empty.") % {"path": path})
    header, rows = _rows(text, path, (text_column, label_column))
    texts, y = [], []
    text_at, label_at = header.index(text_column), header.index(label_column)
    target = _label_key(positive)
    for row in rows:
        if len(row) <= max(text_at, label_at):
            continue
        body, label = row[text_at].strip(), row[label_at].strip()
        if body and label:
            texts.append(body)
            y.append(_label_key(label) == target)
    if not texts:
        raise EvaluationError(
            _("The file %(path)s has no row with both a text and a label.") % {"path": path}
        )
    if len(texts) < MIN_ROWS:
        raise EvaluationError(
            _("The file %(path)s has %(count)s usable rows; at least %(needed)s are needed.")
            % {"path": path, "count": len(texts), "needed": MIN_ROWS}
        )
    return texts, np.asarray(y, dtype=bool)


def _text_of(path: Path) -> str:
    if not path.is_file():
        raise EvaluationError(_("The file %(path)s does not exist.") % {"path": path})
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise EvaluationError(
            _("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": error}
        ) from error
    if b"\x00" in raw[:4096]:
        raise EvaluationError(_("The file %(path)s is not a text CSV file.") % {"path": path})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvaluationError(
            _("The file %(path)s is not UTF-8 text; save it as UTF-8 CSV.") % {"path": path}
        ) from error


def _rows(text: str, path: Path, needed: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    """The header and rows, with the delimiter whose header has the needed columns (the
    sniffed one first, then comma, semicolon, tab)."""
    candidates = list(DELIMITERS)
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters="".join(DELIMITERS)).delimiter
        candidates.remove(sniffed)
        candidates.insert(0, sniffed)
    except csv.Error:
        pass
    previous = csv.field_size_limit()
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        best_header: list[str] = []
        for delimiter in candidates:
            try:
                reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                header = [name.strip() for name in next(reader, [])]
                if all(name in header for name in needed):
                    return header, list(reader)
            except csv.Error as error:
                raise EvaluationError(
                    _("The file %(path)s is not a valid CSV file: %(error)s")
                    % {"path": path, "error": error}
                ) from error
            if len(header) > len(best_header):
                best_header = header
    finally:
        csv.field_size_limit(previous)
    missing = [name for name in needed if name not in best_header]
    raise EvaluationError(
        _("The file %(path)s has no column %(missing)s; its columns are: %(columns)s.")
        % {
            "path": path,
            "missing": ", ".join(missing),
            "columns": ", ".join(name for name in best_header if name) or "—",
        }
    )


def _label_key(label: str) -> str:
    """A label compared without case or surrounding space, and numbers by value ("1" and
    "1.0" are the same label)."""
    label = label.strip().casefold()
    try:
        number = float(label)
    except ValueError:
        return label
    return repr(number) if math.isfinite(number) else label
