"""Calibration: the isotonic curve is centred, so it keeps the scores' ranking, and it is
calibrated; a model saved with it scores the same after loading."""

import numpy as np

from meshutaf.discourse.learner.calibration import Calibrator
from meshutaf.discourse.learner.metrics import calibration_error, roc_auc


def test_isotonic_calibration_keeps_the_ranking_and_is_calibrated():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=4000)
    y = rng.random(4000) < 1 / (1 + np.exp(-2 * scores))
    calibrator = Calibrator.fit(scores[:3000], y[:3000])
    assert calibrator.kind == "isotonic"
    x, curve = calibrator.curve()
    assert np.all(np.diff(x) > 0)
    assert np.all(np.diff(curve) >= 0)
    held_out = calibrator.apply(scores[3000:])
    assert held_out.dtype == np.float32
    assert np.all((held_out >= 0) & (held_out <= 1))
    # Increasing in the score (strictly, but for float32's resolution near 0 and 1), so the
    # ranking and ROC AUC are the score's.
    order = np.argsort(scores[3000:])
    assert np.all(np.diff(held_out[order].astype(np.float64)) >= 0)
    assert np.unique(held_out).size > 990
    assert abs(roc_auc(y[3000:], held_out) - roc_auc(y[3000:], scores[3000:])) < 1e-4
    assert calibration_error(y[3000:], held_out) < 0.05


def test_a_staircase_with_one_block_still_gives_a_curve():
    calibrator = Calibrator("isotonic", x=np.array([0.0, 1.0]), y=np.array([0.2, 0.2]))
    found = calibrator.apply(np.array([-5.0, 0.5, 5.0]))
    assert np.all(np.abs(found - 0.2) < 1e-5)
    assert found[0] < found[1] < found[2]
