"""Krippendorff's alpha: agreement with the reference package, edge cases, the bootstrap."""

import warnings

import krippendorff
import numpy as np
import pytest

from meshutaf.discourse.agreement import LEVELS, alpha, alpha_interval

# Krippendorff's (2011) worked example: 4 coders, 12 units, values 1-5.
EXAMPLE = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)


def reference(data, level):
    """The krippendorff package's alpha, NaN where it refuses or is undefined."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
        except ValueError:
            return float("nan")


def test_matches_the_krippendorff_package_on_random_tables():
    rng = np.random.default_rng(0)
    compared = 0
    for _ in range(150):
        coders, units, categories = rng.integers(2, 7), rng.integers(2, 40), rng.integers(2, 6)
        data = rng.integers(0, categories, (coders, units)).astype(float)
        data = data * rng.choice([1.0, 0.5, 3.0]) + rng.choice([0.0, 1.0])
        # Agreement above chance in some tables, missing codes in most.
        copied = rng.random(units) < rng.uniform(0, 0.8)
        data[1:, copied] = data[0, copied]
        data[rng.random((coders, units)) < rng.uniform(0, 0.5)] = np.nan
        for level in LEVELS:
            expected, found = reference(data, level), alpha(data, level)
            if np.isnan(expected):
                assert np.isnan(found)
            else:
                assert found == pytest.approx(expected, abs=1e-9)
                compared += 1
    assert compared > 400


def test_the_worked_example():
    assert alpha(EXAMPLE, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert alpha(EXAMPLE, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert alpha(EXAMPLE, "interval") == pytest.approx(0.849, abs=5e-4)
    assert alpha(EXAMPLE, "ratio") == pytest.approx(0.797, abs=5e-4)


def test_perfect_agreement_and_undefined_cases():
    data = np.array([[1, 2, 3, 1, np.nan], [1, 2, 3, 1, 2], [np.nan, 2, 3, 1, 2]])
    for level in LEVELS:
        assert alpha(data, level) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(alpha(np.ones((3, 5)), "nominal"))  # one value throughout
        assert np.isnan(alpha(np.array([[1, np.nan], [np.nan, 2]]), "nominal"))  # no pairs
        empty = alpha_interval(np.full((2, 4), np.nan))
    assert np.isnan(empty.alpha)
    assert (empty.n_units, empty.n_pairable, empty.n_coders) == (4, 0, 0)


def test_unknown_level_and_bad_shape_are_refused():
    with pytest.raises(ValueError, match="level of measurement"):
        alpha(EXAMPLE, "cardinal")
    with pytest.raises(ValueError, match="coders × units"):
        alpha(np.ones(4))


def test_bootstrap_interval():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 500)
    data = np.vstack(
        [np.where(rng.random(500) < 0.7, truth, rng.integers(0, 3, 500)) for _ in range(3)]
    ).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    result = alpha_interval(data, "nominal", n_boot=1000, seed=7)  # its time: bench/agreement.py
    assert result.alpha == pytest.approx(reference(data, "nominal"), abs=1e-9)
    assert result.low < result.alpha < result.high
    assert result.high - result.low < 0.2
    assert result.n_units == 500
    assert result.n_coders == 3
    assert result.n_pairable == int(np.sum(np.sum(~np.isnan(data), axis=0) >= 2))
    assert alpha_interval(data, "nominal", n_boot=1000, seed=7) == result
    assert alpha_interval(data, "nominal", n_boot=1000, seed=8).low != result.low
    ordinal = alpha_interval(data, "ordinal", n_boot=300, seed=7)
    assert ordinal.low < ordinal.alpha < ordinal.high
    wider = alpha_interval(data, "nominal", n_boot=1000, confidence=0.99, seed=7)
    assert wider.low <= result.low
    assert wider.high >= result.high
