"""The Discourse Index learner on real labelled Hebrew and Arabic text (bench/discourse.py, 5).

Reads `../shared/data/text/` (next to the project; see its README) and the Pol.is comments, and
skips with a message when they are absent. Nothing here is tuned to a test part: each method
chooses its settings by cross-validation on its training part only.

Sets and binary tasks:
- hebrew-sentiment, negative (label 1) against the rest: train.tsv + dev.tsv to train,
  test_gold.tsv to test (the published split, so the seed changes only the folds).
- arabic-levantine-abuse (L-HSAB), normal against the rest ("abusive or hate") and hate
  against the rest: a seeded stratified 80/20 split per seed.
- Pol.is comments: moderated out; agreed with more than the median (comments with ≥ 5 votes):
  a seeded stratified 80/20 split per seed.

Methods, side by side: the default learner (at its learned threshold); the tuned baseline of
section 2 (TF-IDF char_wb 2–5 + word 1–2, logistic regression, C by 5-fold ROC AUC, at 0.5),
also with class_weight="balanced"; a linear SVM on the same features (C by 5-fold ROC AUC,
predicting at 0; its probabilities for the Brier score from Platt scaling fitted by 5-fold
cross-validation on the training part). Figures are means over the seeds (five; one with
--quick): macro-F1, ROC AUC, Brier score.

For the default learner, the prevalence in each test part as the index estimates it: 200
seeded random audits of 200 test items each, the PPI++ interval (`estimation.ppi_mean`) from
the audit's labels and the scores of every test item, against the audit-only interval (the
same estimator with no model). Printed: the coverage of the true prevalence (bar ≥ 93%), the
mean widths, the mean absolute error of the estimate, and what the learner is worth in audited
items, n · (audit-only width / PPI width)²: the audit size that, with no model, would give the
same interval width. Throughput: the trained model scoring the test texts (repeated to
20,000), normalisation included, per second of CPU time on one core.
"""

import csv
import time
import warnings
from pathlib import Path

import numpy as np

SEEDS, AUDITS, AUDIT_SIZE = 5, 200, 200
QUICK_SEEDS, QUICK_AUDITS = 1, 50
METHODS = ("learner", "baseline", "baseline_balanced", "svm")


def text_data_dir(root: Path) -> Path:
    return root.parent / "shared" / "data" / "text"


def _read_tsv(path: Path) -> list[dict]:
    csv.field_size_limit(2**31 - 1)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream, delimiter="\t"))


def _split(n_rows: int, y: np.ndarray, seed: int):
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(n_rows), test_size=0.2, stratify=y, random_state=seed)


def polis_labels(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Pol.is comments' two noisy labels: (texts, moderated out, the comments with at
    least 5 agree or disagree votes, their share of agree votes)."""
    texts = np.asarray([row["comment-body"] for row in rows], dtype=object)
    moderated = np.asarray([row.get("moderated", "").strip() == "-1" for row in rows])
    agrees = np.asarray([float(row.get("agrees") or 0) for row in rows])
    disagrees = np.asarray([float(row.get("disagrees") or 0) for row in rows])
    voted = np.flatnonzero(agrees + disagrees >= 5)
    return texts, moderated, voted, agrees[voted] / (agrees[voted] + disagrees[voted])


def real_sets(folder: Path, polis_rows) -> dict:
    """name → function(seed) → (train texts, train y, test texts, test y); the sets found."""
    sets: dict = {}
    hebrew = folder / "hebrew-sentiment"
    if (hebrew / "test_gold.tsv").is_file():
        train_rows = _read_tsv(hebrew / "train.tsv") + _read_tsv(hebrew / "dev.tsv")
        test_rows = _read_tsv(hebrew / "test_gold.tsv")

        def hebrew_negative(seed, train_rows=train_rows, test_rows=test_rows):
            return (
                [row["comment"] for row in train_rows],
                np.asarray([row["label"].strip() == "1" for row in train_rows]),
                [row["comment"] for row in test_rows],
                np.asarray([row["label"].strip() == "1" for row in test_rows]),
            )

        sets["he-sentiment negative"] = hebrew_negative
    arabic = folder / "arabic-levantine-abuse" / "l-hsab.tsv"
    if arabic.is_file():
        rows = [row for row in _read_tsv(arabic) if (row.get("Tweet") or "").strip()]
        texts = np.asarray([row["Tweet"] for row in rows], dtype=object)
        classes = np.asarray([(row.get("Class") or "").strip() for row in rows])
        for name, y in (
            ("ar-L-HSAB not normal", classes != "normal"),
            ("ar-L-HSAB hate", classes == "hate"),
        ):
            sets[name] = _split_set(texts, y)
    if polis_rows is not None:
        texts, moderated, voted, share = polis_labels(polis_rows)
        sets["Pol.is moderated out"] = _split_set(texts, moderated)
        sets["Pol.is agreed above median"] = _split_set(texts[voted], share > np.median(share))
    return sets


def _split_set(texts: np.ndarray, y: np.ndarray):
    def split(seed):
        fit, held_out = _split(texts.size, y, seed)
        return list(texts[fit]), y[fit], list(texts[held_out]), y[held_out]

    return split


def _svm(train_texts, y, test_texts, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(decision scores, Platt probabilities) of a linear SVM on the baseline's features."""
    import scipy.sparse as sp
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.svm import LinearSVC

    characters = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
    )
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    x_train = sp.hstack(
        [characters.fit_transform(train_texts), words.fit_transform(train_texts)]
    ).tocsr()
    x_test = sp.hstack([characters.transform(test_texts), words.transform(test_texts)]).tocsr()
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    search = GridSearchCV(
        LinearSVC(), {"C": [0.01, 0.03, 0.1, 0.3, 1.0]}, scoring="roc_auc", cv=folds
    ).fit(x_train, y)
    platt = CalibratedClassifierCV(
        LinearSVC(C=search.best_params_["C"]), method="sigmoid", cv=folds
    ).fit(x_train, y)
    return search.decision_function(x_test), platt.predict_proba(x_test)[:, 1]


def _run(method: str, train_texts, y, test_texts, seed: int, tuned_baseline):
    """(probability, positive prediction, ranking score, model or None)."""
    from meshutaf.discourse.learner.training import train

    if method == "learner":
        model = train(train_texts, y[:, None].astype(float), ["target"], seed=seed).model
        probability = model.predict_proba(test_texts)[:, 0].astype(np.float64)
        return probability, probability >= float(model.thresholds[0]), probability, model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "svm":
            decision, probability = _svm(train_texts, y, test_texts, seed)
            return probability, decision >= 0, decision, None
        probability = tuned_baseline(
            train_texts, y, test_texts, balanced=method == "baseline_balanced"
        )
    return probability, probability >= 0.5, probability, None


def audits(probability: np.ndarray, y: np.ndarray, *, n_audits: int, seed: int) -> dict:
    """PPI++ against the audit alone over `n_audits` seeded random audits of the test part."""
    from meshutaf.discourse.estimation import ppi_mean

    rng = np.random.default_rng(seed)
    truth = float(y.mean())
    zeros = np.zeros(y.size)
    covered, widths, alone, errors = [], [], [], []
    for _audit in range(n_audits):
        audit = np.zeros(y.size, dtype=bool)
        audit[rng.choice(y.size, size=AUDIT_SIZE, replace=False)] = True
        labels = y[audit].astype(np.float64)
        found = ppi_mean(probability[~audit], probability[audit], labels)
        only = ppi_mean(zeros[~audit], zeros[audit], labels)
        covered.append(found.ci_low <= truth <= found.ci_high)
        widths.append(found.ci_high - found.ci_low)
        alone.append(only.ci_high - only.ci_low)
        errors.append(abs(found.estimate - truth))
    return {
        "coverage": float(np.mean(covered)),
        "ppi_width": float(np.mean(widths)),
        "audit_width": float(np.mean(alone)),
        "mae": float(np.mean(errors)),
    }


def _rate(model, texts: list[str]) -> float:
    """Texts per second of this process's CPU time: one thread scores (the BLAS variables are
    set to 1), so this is the rate per core, and other work on a shared machine does not
    count against it as it does against the wall clock."""
    repeated = [texts[i % len(texts)] for i in range(20_000)]
    model.predict_proba(repeated[:2_000])
    started = time.process_time()
    model.predict_proba(repeated)
    return len(repeated) / max(time.process_time() - started, 1e-9)


def evaluate_set(split, *, seeds: int, n_audits: int, tuned_baseline) -> dict:
    from meshutaf.discourse.learner.metrics import macro_f1, roc_auc

    found: dict = {m: {"macro_f1": [], "roc_auc": [], "brier": [], "seconds": 0.0} for m in METHODS}
    prevalence: dict = {"coverage": [], "ppi_width": [], "audit_width": [], "mae": []}
    rates, models = [], []
    for seed in range(seeds):
        train_texts, y, test_texts, y_test = split(seed)
        for method in METHODS:
            started = time.perf_counter()
            probability, predicted, ranking, model = _run(
                method, train_texts, y, test_texts, seed, tuned_baseline
            )
            found[method]["seconds"] += time.perf_counter() - started
            found[method]["macro_f1"].append(macro_f1(y_test, predicted))
            found[method]["roc_auc"].append(roc_auc(y_test, ranking))
            found[method]["brier"].append(float(np.mean((probability - y_test) ** 2)))
            if model is not None:
                for key, value in audits(probability, y_test, n_audits=n_audits, seed=seed).items():
                    prevalence[key].append(value)
                rates.append(_rate(model, test_texts))
                models.append(model.report["dimensions"]["target"].get("model"))
    figures = {
        method: {
            key: round(float(np.mean(values[key])), 4) for key in ("macro_f1", "roc_auc", "brier")
        }
        | {"seconds": round(values["seconds"] / seeds, 1)}
        for method, values in found.items()
    }
    summary = {key: float(np.mean(values)) for key, values in prevalence.items()}
    summary["items_worth"] = AUDIT_SIZE * (summary["audit_width"] / summary["ppi_width"]) ** 2
    figures["prevalence"] = {key: round(value, 4) for key, value in summary.items()}
    figures["texts_per_second"] = round(float(np.mean(rates)))
    figures["n_train"], figures["n_test"] = len(train_texts), len(test_texts)
    figures["positive_share_test"] = round(float(np.mean(y_test)), 4)
    figures["learner_models"] = models
    return figures


def real(figures: dict, quick: bool, root: Path, polis_rows, tuned_baseline) -> None:
    folder = text_data_dir(root)
    sets = real_sets(folder, polis_rows)
    seeds, n_audits = (QUICK_SEEDS, QUICK_AUDITS) if quick else (SEEDS, AUDITS)
    print(f"\n== Real text: the default learner against tuned baselines, mean over {seeds} seed(s)")
    if not sets:
        print(f"skipped: no real labelled text in {folder} and no Pol.is comments")
        return
    if not (folder / "hebrew-sentiment").is_dir():
        print(f"(no Hebrew and Arabic sets in {folder}: Pol.is only)")
    results, failures = {}, []
    for name, split in sets.items():
        found = evaluate_set(split, seeds=seeds, n_audits=n_audits, tuned_baseline=tuned_baseline)
        results[name] = found
        _print_set(name, found)
        learner, baseline = found["learner"], found["baseline"]
        if (
            learner["macro_f1"] < baseline["macro_f1"]
            or learner["roc_auc"] < baseline["roc_auc"]
            or found["prevalence"]["coverage"] < 0.93
            or found["texts_per_second"] < 5_000
        ):
            failures.append(name)
    print(
        f"bar (≥ tuned LR on macro-F1 and AUC, coverage ≥ 93%, ≥ 5,000 texts/s): "
        f"{'met on every set' if not failures else 'NOT met on ' + ', '.join(failures)}"
    )
    figures["real"] = results


def _print_set(name: str, found: dict) -> None:
    print(
        f"{name}: {found['n_train']:,} training, {found['n_test']:,} test texts "
        f"({found['positive_share_test']:.1%} positive); learner chose {found['learner_models']}"
    )
    for method in METHODS:
        values = found[method]
        print(
            f"  {method:18} macro-F1 {values['macro_f1']:.4f}  ROC AUC {values['roc_auc']:.4f}  "
            f"Brier {values['brier']:.4f}  ({values['seconds']:.1f} s per seed)"
        )
    p = found["prevalence"]
    print(
        f"  prevalence: PPI width {p['ppi_width']:.4f} vs audit alone {p['audit_width']:.4f} "
        f"(the learner is worth {p['items_worth']:.0f} audited items for {AUDIT_SIZE}); "
        f"coverage {p['coverage']:.1%}; MAE {p['mae']:.4f}; "
        f"scoring {found['texts_per_second']:,} texts/s"
    )


if __name__ == "__main__":
    print("This is section 5 of bench/discourse.py, which runs it; nothing to do on its own.")
