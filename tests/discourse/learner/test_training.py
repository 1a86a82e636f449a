"""Training: it learns and reports, its out-of-fold probabilities are honest, it is
reproducible, it refuses bad input, and it reports progress from the caller's thread."""

import json
import sys

import numpy as np
import pytest

from meshutaf.discourse.encoders import load_encoder
from meshutaf.discourse.learner.config import MIN_PER_CLASS, LearnerConfig
from meshutaf.discourse.learner.metrics import roc_auc
from meshutaf.discourse.learner.training import train

from .conftest import DIMENSIONS, NEUTRAL, make_data


def test_training_learns_and_reports(trained):
    result = trained[2]
    model = result.model
    assert model.dimensions == ["insult", "respect"]
    assert model.thresholds.shape == (2,)
    report = result.report
    json.dumps(report, allow_nan=False)  # JSON-safe: None, never NaN
    assert report["format"] == 1
    assert report["n_items"] == 600
    assert report["folds"] == 5
    assert report["seed"] == 3
    assert report["train_seconds"] >= 0
    insult = report["dimensions"]["insult"]
    assert insult["n"] == 600
    assert insult["roc_auc"] > 0.85
    assert insult["macro_f1"] > 0.8
    assert insult["calibration"] == "sigmoid"
    assert insult["model"] in ("nb", "plain", "ensemble")
    assert insult["C"] in LearnerConfig().c_grid + LearnerConfig().plain_c_grid
    assert insult["threshold"] == pytest.approx(model.thresholds[0], abs=1e-4)
    assert set(insult["by_language"]) == {"he", "ar", "en"}
    assert insult["by_language"]["he"]["n"] == 200
    assert report["dimensions"]["respect"]["n"] == 480
    assert report["dimensions"]["threat"] == {
        "skipped": "too_few_labels",
        "n": 600,
        "positives": MIN_PER_CLASS - 2,
        "negatives": 600 - MIN_PER_CLASS + 2,
        "needed": MIN_PER_CLASS,
    }
    probabilities = model.predict_proba(["אתה אידיוט ושקרן", "thank you so much"])
    assert probabilities.dtype == np.float32
    assert probabilities.shape == (2, 2)
    assert probabilities[0, 0] > model.thresholds[0] > probabilities[1, 0]
    assert probabilities[1, 1] > model.thresholds[1] > probabilities[0, 1]
    assert model.predict_proba([]).shape == (0, 2)


def test_out_of_fold_probabilities(trained):
    _texts, labels, result, _seen = trained
    oof = result.out_of_fold
    assert oof.shape == (600, 3)
    assert oof.dtype == np.float32
    assert np.all(np.isnan(oof[:, 2]))  # skipped dimension
    assert np.array_equal(np.isnan(oof[:, 1]), np.isnan(labels[:, 1]))
    assert np.all((oof[:, 0] >= 0) & (oof[:, 0] <= 1))
    assert roc_auc(labels[:, 0] > 0.5, oof[:, 0]) == pytest.approx(
        result.report["dimensions"]["insult"]["roc_auc"], abs=1e-4
    )


def test_out_of_fold_probabilities_never_saw_their_item():
    """Items whose label is pure noise, each with a unique token: a model that saw an item
    memorises its token (kept with min_df=1), so in-sample probabilities rank those labels
    well; out-of-fold ones cannot."""
    texts, labels, _languages = make_data(400, seed=2)
    rng = np.random.default_rng(0)
    noise = np.arange(100)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in noise:
        token = "qj" + letters[i // 26] + letters[i % 26]  # digits would all become 0
        texts[i] = " ".join([token, *rng.choice(NEUTRAL["en"], 6), token])
        labels[i, 0] = float(rng.random() < 0.5)
    result = train(texts, labels[:, :1], ["insult"], seed=0, config=LearnerConfig(min_df=1))
    y = labels[noise, 0] > 0.5
    in_sample = result.model.predict_proba([texts[i] for i in noise])[:, 0]
    assert roc_auc(y, in_sample) > 0.9
    assert roc_auc(y, result.out_of_fold[noise, 0]) < 0.75


def test_progress_is_reported(trained):
    seen = trained[3]
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert all(0.0 <= fraction <= 1.0 for fraction in seen)
    assert len(seen) > 5


def test_isotonic_calibration_with_many_labels():
    texts, labels, _languages = make_data(1_500, seed=4)
    result = train(texts, labels[:, :1], ["insult"], seed=0, folds=3)
    assert result.report["dimensions"]["insult"]["calibration"] == "isotonic"
    assert result.report["folds"] == 3
    probabilities = result.model.predict_proba(texts[:50])
    assert np.all((probabilities >= 0) & (probabilities <= 1))


def test_same_seed_same_model():
    texts, labels, _languages = make_data(200, seed=5)
    first = train(texts, labels[:, :1], ["insult"], seed=1)
    second = train(texts, labels[:, :1], ["insult"], seed=1)
    assert np.array_equal(first.out_of_fold, second.out_of_fold, equal_nan=True)
    assert np.array_equal(first.model.predict_proba(texts), second.model.predict_proba(texts))


def test_bad_input_is_refused():
    texts, labels, _languages = make_data(50, seed=6)
    with pytest.raises(ValueError, match="shape"):
        train(texts, labels[:, :2], DIMENSIONS)
    with pytest.raises(ValueError, match="0, 1 or missing"):
        train(texts, labels * 2, DIMENSIONS)
    with pytest.raises(ValueError, match="one language per text"):
        train(texts, labels, DIMENSIONS, languages=["he"])
    with pytest.raises(ValueError, match="only once"):
        train(texts, labels, ["a", "a", "b"])


def test_encoder_errors(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="does not exist"):
        load_encoder(tmp_path / "nowhere")
    monkeypatch.setitem(sys.modules, "transformers", None)  # as if not installed
    with pytest.raises(ValueError, match="transformers extra is not installed"):
        load_encoder(tmp_path)
    texts, labels, _languages = make_data(60, seed=7)
    with pytest.raises(ValueError, match="transformers extra is not installed"):
        train(texts, labels[:, :1], ["insult"], encoder_path=tmp_path)


def test_progress_comes_from_the_callers_thread_with_several_threads():
    import threading

    texts, labels, _languages = make_data(200, seed=4)
    threads = []
    train(
        texts,
        labels,
        DIMENSIONS,
        seed=1,
        config=LearnerConfig(threads=2),
        progress=lambda _fraction: threads.append(threading.current_thread()),
    )
    assert threads
    assert set(threads) == {threading.current_thread()}


def test_cross_validation_chooses_nb_lr_plain_lr_or_their_mean():
    from meshutaf.discourse.learner.training import _choose, _fit_choice

    rng = np.random.default_rng(0)
    y = rng.random(400) < 0.3
    settings = LearnerConfig().settings()
    assert settings[0][0] is not None
    assert settings[-1][0] is None
    noise_a, noise_b = rng.normal(size=400), rng.normal(size=400)
    scores = [
        y + 0.8 * noise_a if alpha is not None else y + 0.8 * noise_b for alpha, _c in settings
    ]
    choice = _choose(y, scores, settings)
    # Two independent noisy views of y: their standardised mean ranks better than either.
    assert choice.model == "ensemble"
    assert [settings[k][0] is None for k, _scale in choice.parts] == [False, True]
    first, second = (scores[k] for k, _scale in choice.parts)
    standardised = (first - first.mean()) / first.std() + (second - second.mean()) / second.std()
    np.testing.assert_allclose(choice.score, standardised, atol=1e-9)
    # The final models fold into one linear model with the same scores.
    x = rng.normal(size=(50, 3))
    fits = {k: (rng.normal(size=3).astype(np.float32), float(k)) for k, _scale in choice.parts}

    def fit(_x, _y, chosen):
        return [fits[settings.index(setting)] for setting in chosen]

    w, b = _fit_choice(x, y, choice, settings, fit)
    expected = sum(scale * (x @ fits[k][0] + fits[k][1]) for k, scale in choice.parts)
    np.testing.assert_allclose(x @ w + b, expected + choice.offset, rtol=1e-4, atol=1e-4)
    # One clearly better view is chosen on its own.
    scores = [y + 0.1 * noise_a if alpha is None else y + 3 * noise_b for alpha, _c in settings]
    assert _choose(y, scores, settings).model == "plain"
    only_nb = LearnerConfig(ensemble=False).settings()
    assert _choose(y, scores[: len(only_nb)], only_nb).model == "nb"
