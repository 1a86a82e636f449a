"""The metrics a model's report gives, and the macro-F1 threshold."""

import numpy as np
import pytest

from meshutaf.discourse.learner.metrics import best_threshold, calibration_error, macro_f1, roc_auc


def test_metrics():
    y = np.array([1, 1, 0, 0, 0, 0], dtype=bool)
    assert macro_f1(y, y) == 1.0
    assert macro_f1(y, ~y) == 0.0
    assert macro_f1(y, np.zeros(6, dtype=bool)) == pytest.approx(0.5 * (0 + 0.8))
    assert calibration_error(y, y.astype(float)) == 0.0
    assert calibration_error(np.array([1, 0]), np.array([0.5, 0.5])) == 0.0
    assert calibration_error(np.zeros(4), np.full(4, 0.9)) == pytest.approx(0.9)
    assert roc_auc(y, np.array([0.9, 0.8, 0.1, 0.2, 0.3, 0.4])) == 1.0
    assert roc_auc(np.ones(3, dtype=bool), np.arange(3.0)) is None
    threshold, best = best_threshold(y, np.array([0.9, 0.6, 0.5, 0.2, 0.1, 0.05]))
    assert best == 1.0
    assert 0.5 < threshold < 0.6
