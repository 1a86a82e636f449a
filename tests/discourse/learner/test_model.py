"""Saving and loading a trained model: arrays and JSON only, and refusals of anything else."""

import json

import numpy as np
import pytest

from meshutaf.discourse.learner.model import TrainedModel
from meshutaf.discourse.learner.training import train

from .conftest import make_data


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
