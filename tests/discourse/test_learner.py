"""The default learner: features, training, out-of-fold honesty, saving and loading."""

import json
import random
import sys

import numpy as np
import pytest

from meshutaf.discourse import learner
from meshutaf.discourse.encoders import load_encoder
from meshutaf.discourse.learner import (
    MIN_PER_CLASS,
    LearnerConfig,
    TrainedModel,
    best_threshold,
    calibration_error,
    hashed_counts,
    macro_f1,
    train,
)

NEUTRAL = {
    language: words.split()
    for language, words in {
        "he": "תקציב עירייה אוטובוס שכונה ילדים גן מים חשמל רחוב תושבים מחר היום אבל גם",
        "ar": "الميزانية البلدية الحافلة الحي الأطفال الماء الكهرباء الشارع السكان غدا اليوم",
        "en": "budget council bus street children park water power residents today but also",
    }.items()
}
INSULT = {
    "he": ["מטומטם", "אידיוט", "שקרן"],
    "ar": ["غبي", "كذاب", "حمار"],
    "en": ["idiot", "liar"],
}
RESPECT = {"he": ["תודה רבה", "בכבוד"], "ar": ["شكرا جزيلا", "مع احترامي"], "en": ["thank you"]}
DIMENSIONS = ["insult", "respect", "threat"]


def make_data(n: int, seed: int):
    """Short trilingual texts; `insult` and `respect` carry (noisy) cue words, `threat` has
    too few positives to train, `respect` is unlabelled for a fifth of the items."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    texts, labels, languages = [], [], []
    for i in range(n):
        language = ("he", "ar", "en")[i % 3]
        words = [rng.choice(NEUTRAL[language]) for _ in range(rng.randint(6, 12))]
        insult, respect = rng.random() < 0.3, rng.random() < 0.3
        if insult and rng.random() < 0.9:
            words.insert(rng.randrange(len(words)), rng.choice(INSULT[language]))
        if respect and rng.random() < 0.9:
            words.insert(rng.randrange(len(words)), rng.choice(RESPECT[language]))
        texts.append(" ".join(words))
        labels.append([insult, np.nan if i % 5 == 4 else respect, i < MIN_PER_CLASS - 2])
        languages.append(language)
    return texts, np.asarray(labels, dtype=np.float64), languages


@pytest.fixture(scope="module")
def trained():
    texts, labels, languages = make_data(600, seed=1)
    seen = []
    result = train(texts, labels, DIMENSIONS, languages=languages, seed=3, progress=seen.append)
    return texts, labels, result, seen


# ---- features -------------------------------------------------------------------------------


def _columns(matrix, row=0):
    return set(matrix[row].indices.tolist())


def test_features_do_not_cross_words_or_texts():
    config = LearnerConfig()
    char_limit = 1 << config.char_bits
    together = hashed_counts(["abc xyz"], config)
    apart = hashed_counts(["abc", "xyz"], config)
    chars = {c for c in _columns(together) if c < char_limit}
    assert chars == {c for c in _columns(apart, 0) | _columns(apart, 1) if c < char_limit}
    words_together = {c for c in _columns(together) if c >= char_limit}
    words_apart = {c for c in _columns(apart, 0) | _columns(apart, 1) if c >= char_limit}
    assert words_apart < words_together  # plus the bigram "abc xyz"
    assert len(words_together) == 3
    # A text scores the same alone or in a batch, wherever it stands.
    batch = hashed_counts(["first one", "abc xyz", "", "ن و ت"], config)
    assert (batch[1] != together[0]).nnz == 0
    assert batch[2].nnz == 0
    assert hashed_counts([], config).shape[0] == 0


def test_word_features_do_not_depend_on_position():
    config = LearnerConfig()
    char_limit = 1 << config.char_bits
    a = hashed_counts(["שלום עולם"], config)
    b = hashed_counts(["עולם יפה שלום"], config)
    shared = {c for c in _columns(a) & _columns(b) if c >= char_limit}
    assert len(shared) == 2  # the two words; the bigrams differ


def test_counts_count():
    config = LearnerConfig(char_min=3, char_max=3)
    counts = hashed_counts(["aaaa"], config)  # " aaaa ": " aa", "aaa" twice, "aa "
    assert sorted(counts.data[counts.indices < (1 << config.char_bits)].tolist()) == [1, 1, 2]


# ---- metrics --------------------------------------------------------------------------------


def test_metrics():
    y = np.array([1, 1, 0, 0, 0, 0], dtype=bool)
    assert macro_f1(y, y) == 1.0
    assert macro_f1(y, ~y) == 0.0
    assert macro_f1(y, np.zeros(6, dtype=bool)) == pytest.approx(0.5 * (0 + 0.8))
    assert calibration_error(y, y.astype(float)) == 0.0
    assert calibration_error(np.array([1, 0]), np.array([0.5, 0.5])) == 0.0
    assert calibration_error(np.zeros(4), np.full(4, 0.9)) == pytest.approx(0.9)
    assert learner.roc_auc(y, np.array([0.9, 0.8, 0.1, 0.2, 0.3, 0.4])) == 1.0
    assert learner.roc_auc(np.ones(3, dtype=bool), np.arange(3.0)) is None
    threshold, best = best_threshold(y, np.array([0.9, 0.6, 0.5, 0.2, 0.1, 0.05]))
    assert best == 1.0
    assert 0.5 < threshold < 0.6


# ---- training -------------------------------------------------------------------------------


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
    assert insult["C"] in LearnerConfig().c_grid
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
    assert learner.roc_auc(labels[:, 0] > 0.5, oof[:, 0]) == pytest.approx(
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
    assert learner.roc_auc(y, in_sample) > 0.9
    assert learner.roc_auc(y, result.out_of_fold[noise, 0]) < 0.75


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


# ---- saving and loading ---------------------------------------------------------------------


def test_save_and_load(trained, tmp_path):
    texts, _labels, result, _seen = trained
    model = result.model
    model.save(tmp_path / "model")
    assert {path.name for path in (tmp_path / "model").iterdir()} == {"model.npz", "model.json"}
    loaded = TrainedModel.load(tmp_path / "model")
    assert loaded.dimensions == model.dimensions
    assert np.array_equal(loaded.thresholds, model.thresholds)
    assert loaded.report == json.loads(json.dumps(model.report))
    assert np.array_equal(loaded.predict_proba(texts), model.predict_proba(texts))
    # Batching does not change a probability.
    assert np.allclose(loaded.predict_proba(texts, batch_size=7), model.predict_proba(texts))


def test_isotonic_model_round_trips(tmp_path):
    texts, labels, _languages = make_data(1_500, seed=4)
    model = train(texts, labels[:, :1], ["insult"], seed=0, folds=3).model
    model.save(tmp_path)
    assert np.array_equal(
        TrainedModel.load(tmp_path).predict_proba(texts), model.predict_proba(texts)
    )


def test_load_refuses_missing_corrupt_and_unknown_models(trained, tmp_path):
    with pytest.raises(ValueError, match="missing"):
        TrainedModel.load(tmp_path / "nowhere")
    model = trained[2].model
    model.save(tmp_path)
    metadata = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))

    (tmp_path / "model.json").write_text(json.dumps({**metadata, "format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="format 99"):
        TrainedModel.load(tmp_path)
    (tmp_path / "model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not readable"):
        TrainedModel.load(tmp_path)
    (tmp_path / "model.json").write_text(
        json.dumps({**metadata, "dimensions": ["only one"]}), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="corrupt"):
        TrainedModel.load(tmp_path)
    (tmp_path / "model.json").write_text(json.dumps(metadata), encoding="utf-8")
    (tmp_path / "model.npz").write_bytes(b"PK\x03\x04 this is no zip archive")
    with pytest.raises(ValueError, match="corrupt"):
        TrainedModel.load(tmp_path)
    # An object array would need pickle to load: refused, never executed.
    np.savez(tmp_path / "model.npz", vocabulary=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match="corrupt"):
        TrainedModel.load(tmp_path)
    (tmp_path / "model.npz").unlink()
    with pytest.raises(ValueError, match="missing"):
        TrainedModel.load(tmp_path)


# ---- the optional encoder -------------------------------------------------------------------


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
