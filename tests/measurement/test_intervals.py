"""Intervals: Wilson and Garwood against SciPy and published tables, given SEs, the RSE flag."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, chi2, norm
from scipy.stats import t as student_t

from meshutaf.measurement.aggregation import Kind, ObservationValue, aggregate
from meshutaf.measurement.intervals import (
    Method,
    garwood_interval,
    interval_for,
    interval_of,
    mean_interval,
    normal_interval,
    rate_interval,
    relative_standard_error,
    wilson_interval,
)

LEVELS = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@st.composite
def proportions(draw):
    n = draw(st.integers(min_value=1, max_value=10**6))
    return draw(st.integers(min_value=0, max_value=n)), n


@settings(max_examples=300, deadline=None)
@given(proportions(), LEVELS)
def test_wilson_equals_scipy(proportion, level):
    x, n = proportion
    interval = wilson_interval(x, n, level=level)
    reference = binomtest(x, n).proportion_ci(confidence_level=level, method="wilson")
    assert interval is not None
    assert interval.low == pytest.approx(reference.low, abs=1e-9)
    assert interval.high == pytest.approx(reference.high, abs=1e-9)
    assert interval.low <= interval.estimate <= interval.high
    assert interval.low >= 0
    assert interval.high <= 1
    assert interval.method is Method.WILSON


def test_wilson_edges():
    assert wilson_interval(0, 0) is None
    assert wilson_interval(0, 20).low == 0.0
    assert wilson_interval(20, 20).high == 1.0
    with pytest.raises(ValueError, match="cannot be above the denominator"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="cannot be negative"):
        wilson_interval(-1, 10)
    with pytest.raises(ValueError, match="confidence level"):
        wilson_interval(1, 10, level=1.5)
    with pytest.raises(ValueError, match="must be a finite number"):
        wilson_interval("N/A", 10)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**5), LEVELS)
def test_garwood_equals_chi_squared(count, level):
    interval = garwood_interval(count, level=level)
    alpha = 1 - level
    low = 0.0 if count == 0 else chi2.ppf(alpha / 2, 2 * count) / 2
    assert interval.low == pytest.approx(low, abs=1e-9)
    assert interval.high == pytest.approx(chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2, rel=1e-12)
    assert interval.low <= count <= interval.high


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [
        # Exact Poisson limits at 95% as tabulated (e.g. Ulm 1990; Sahai & Khurshid 1993).
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (5, 1.623, 11.668),
        (10, 4.795, 18.390),
        (20, 12.217, 30.888),
    ],
)
def test_garwood_matches_the_published_table(count, low, high):
    interval = garwood_interval(count)
    assert interval.low == pytest.approx(low, abs=1e-3)
    assert interval.high == pytest.approx(high, abs=1e-3)


def test_rate_scales_the_count_interval():
    interval = rate_interval(10, 2500, per=1000)
    assert interval.estimate == pytest.approx(4.0)
    assert interval.low == pytest.approx(4.795 * 1000 / 2500, abs=1e-3)
    assert interval.high == pytest.approx(18.390 * 1000 / 2500, abs=1e-3)
    assert rate_interval(3, 0, per=1000) is None
    with pytest.raises(ValueError, match="positive"):
        rate_interval(3, 10, per=0)


def test_normal_and_mean_intervals_from_a_given_standard_error():
    interval = normal_interval(50.0, 5.0)
    z = norm.ppf(0.975)
    assert (interval.low, interval.high) == pytest.approx((50 - z * 5, 50 + z * 5))
    assert interval.relative_standard_error == pytest.approx(0.1)
    by_t = mean_interval(50.0, 5.0, n=10)
    half = student_t.ppf(0.975, 9) * 5
    assert by_t.method is Method.STUDENT_T
    assert (by_t.low, by_t.high) == pytest.approx((50 - half, 50 + half))
    assert mean_interval(50.0, 5.0).method is Method.NORMAL
    with pytest.raises(ValueError, match="cannot be negative"):
        normal_interval(50.0, -1.0)
    with pytest.raises(ValueError, match="finite"):
        normal_interval(math.nan, 1.0)


def test_relative_standard_error_flags_unreliable_values():
    assert garwood_interval(10).unreliable  # RSE 1/√10 ≈ 32%
    assert not garwood_interval(12).unreliable  # 1/√12 ≈ 29%
    assert garwood_interval(10).relative_standard_error == pytest.approx(1 / math.sqrt(10))
    # A proportion's RSE is √((1 − p)/(n·p)): 5 of 50 gives 42%, 40 of 50 gives 7%.
    assert wilson_interval(5, 50).unreliable
    assert not wilson_interval(40, 50).unreliable
    assert normal_interval(10.0, 3.1).unreliable
    assert not normal_interval(10.0, 3.0).unreliable  # exactly 30% is not above it


def test_a_zero_estimate_has_no_relative_standard_error_and_is_not_flagged():
    for interval in (garwood_interval(0), wilson_interval(0, 40), normal_interval(0.0, 1.0)):
        assert interval.relative_standard_error is None
        assert interval.unreliable is False
    assert relative_standard_error(0.0, 1.0) is None
    assert garwood_interval(0).high == pytest.approx(3.689, abs=1e-3)


def test_interval_for_dispatches_by_kind():
    assert interval_for(Kind.COUNT, value=10).method is Method.GARWOOD
    assert interval_for("proportion", numerator=15, denominator=50).method is Method.WILSON
    rate = interval_for(Kind.RATE, numerator=10, denominator=2500, per=1000)
    assert rate.method is Method.GARWOOD
    assert rate.estimate == pytest.approx(4.0)
    assert interval_for(Kind.MEAN, value=3.2) is None
    assert interval_for(Kind.MEAN, value=3.2, n=30, standard_error=0.1).method is Method.STUDENT_T
    assert interval_for(Kind.INDEX, value=0.41) is None
    assert interval_for(Kind.INDEX, value=0.41, standard_error=0.02).method is Method.NORMAL
    assert interval_for(Kind.PROPORTION, numerator=0, denominator=0) is None
    # A survey's own standard error wins over the kind's method.
    survey = interval_for(Kind.PROPORTION, numerator=30, denominator=100, standard_error=0.05)
    assert survey.method is Method.NORMAL
    assert survey.estimate == pytest.approx(0.3)
    with pytest.raises(ValueError, match="numerator and a denominator"):
        interval_for(Kind.PROPORTION, value=0.3)
    with pytest.raises(ValueError, match="not a valid Kind"):
        interval_for("ratio", value=1)


def test_interval_of_an_aggregated_value():
    pooled = aggregate([ObservationValue.proportion(15, 50), ObservationValue.proportion(15, 100)])
    interval = interval_of(pooled, level=0.9)
    reference = binomtest(30, 150).proportion_ci(confidence_level=0.9, method="wilson")
    assert interval.estimate == pytest.approx(0.2)
    assert (interval.low, interval.high) == pytest.approx((reference.low, reference.high))
