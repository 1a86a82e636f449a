"""The ESCAP progress assessment: hand-computed fits and intervals, both directions, the
verdict rule, breaks, and the coverage of the prediction interval on simulated series."""

import math

import numpy as np
import pytest
from scipy import stats

from meshutaf.measurement.progress import (
    Point,
    assess,
    current_segment,
    current_status,
    project,
    segments,
    verdicts_possible,
)


def series(start, values, segment=0):
    return [
        Point(time=float(start + i), value=float(v), segment=segment) for i, v in enumerate(values)
    ]


def test_current_status_is_the_share_of_the_required_progress():
    assert current_status(current=16, baseline=10, target=30) == pytest.approx(0.3)
    assert current_status(current=35, baseline=10, target=30) == pytest.approx(1.25)  # passed
    assert current_status(current=8, baseline=10, target=30) == pytest.approx(-0.1)  # lost ground
    # Lower is better: from 20 to 14 of the 10 points needed to reach 10.
    assert current_status(current=14, baseline=20, target=10, direction="down") == pytest.approx(
        0.6
    )


@pytest.mark.parametrize(
    ("baseline", "target", "direction"), [(10, 5, "up"), (10, 10, "up"), (10, 12, "down")]
)
def test_a_target_that_is_no_improvement_is_refused(baseline, target, direction):
    with pytest.raises(ValueError, match="better than the baseline"):
        current_status(current=11, baseline=baseline, target=target, direction=direction)


def test_projection_by_hand():
    # x = 0, 1, 2 (2020..2022), y = 0, 2, 1: slope 1/2, mean 1, residuals -1/2, 1, -1/2,
    # s^2 = 1.5 / 1; at 2024 (3 years past the centre) the fit is 2.5 and the variance of a new
    # observation 1.5 * (1 + 1/3 + 9/2) = 8.75; t(0.975, 1 df) = 12.7062.
    projection = project(series(2020, [0, 2, 1]), time=2024.0)
    assert projection is not None
    assert projection.slope == pytest.approx(0.5)
    assert projection.value == pytest.approx(2.5)
    half = 12.706204736174698 * math.sqrt(8.75)
    assert projection.low == pytest.approx(2.5 - half)
    assert projection.high == pytest.approx(2.5 + half)


def test_weighted_projection_matches_the_matrix_formula():
    times = np.array([2015.0, 2016, 2017, 2018, 2019, 2020])
    values = np.array([3.0, 3.4, 3.1, 4.0, 4.4, 4.3])
    weights = np.array([1.0, 2, 1, 4, 2, 2])
    points = [
        Point(time=t, value=v, weight=w) for t, v, w in zip(times, values, weights, strict=True)
    ]
    projection = project(points, time=2025.0, level=0.9)
    w = weights / weights.mean()
    design = np.column_stack([np.ones_like(times), times - 2000])
    inverse = np.linalg.inv(design.T @ (w[:, None] * design))
    beta = inverse @ design.T @ (w * values)
    residuals = values - design @ beta
    sigma2 = float(w @ residuals**2) / (len(values) - 2)
    x0 = np.array([1.0, 25.0])
    half = stats.t.ppf(0.95, 4) * math.sqrt(sigma2 * (1 + x0 @ inverse @ x0))
    assert projection is not None
    assert projection.value == pytest.approx(float(x0 @ beta))
    assert projection.high - projection.value == pytest.approx(half)


def test_a_steady_rise_that_reaches_the_target_is_on_track():
    result = assess(series(2015, [10, 12, 14, 16]), baseline=10, target=30, target_time=2030.0)
    assert result.current_status == pytest.approx(0.3)
    assert result.anticipated is not None
    assert result.anticipated.value == pytest.approx(40)
    assert result.anticipated.low == pytest.approx(40)  # a perfect line: no width
    assert result.anticipated_share == pytest.approx(1.5)
    assert result.verdict == "on_track"


def test_direction_down():
    falling = series(2015, [20, 18, 16, 14])
    result = assess(falling, baseline=20, target=10, target_time=2030.0, direction="down")
    assert result.current_status == pytest.approx(0.6)
    assert result.anticipated is not None
    assert result.anticipated.value == pytest.approx(-10)
    assert result.verdict == "on_track"
    rising = series(2015, [20, 21, 22, 23])
    result = assess(rising, baseline=20, target=10, target_time=2030.0, direction="down")
    assert result.current_status == pytest.approx(-0.3)
    assert result.verdict == "regressing"


def test_too_slow_needs_acceleration():
    result = assess(series(2015, [10, 10.5, 11, 11.5]), baseline=10, target=30, target_time=2030.0)
    assert result.anticipated_share == pytest.approx(7.5 / 20)
    assert result.verdict == "needs_acceleration"


def test_a_wide_interval_is_uncertain_and_says_what_it_leaves_open():
    result = assess(series(2020, [0, 2, 1]), baseline=0, target=3, target_time=2024.0)
    assert result.verdict == "uncertain"
    assert result.possible == ("on_track", "needs_acceleration", "regressing")


@pytest.mark.parametrize(
    ("low", "high", "possible"),
    [
        (1.0, 1.4, ("on_track",)),
        (0.0, 0.99, ("needs_acceleration",)),
        (-0.5, -0.01, ("regressing",)),
        (0.5, 1.2, ("on_track", "needs_acceleration")),
        (-0.2, 0.5, ("needs_acceleration", "regressing")),
        (0.5, -0.2, ("needs_acceleration", "regressing")),  # either order
    ],
)
def test_the_verdict_rule(low, high, possible):
    assert verdicts_possible(low, high) == possible


def test_fewer_than_three_points_is_insufficient_data():
    result = assess(series(2015, [10, 12]), baseline=10, target=30, target_time=2030.0)
    assert result.verdict == "insufficient_data"
    assert result.anticipated is None
    assert result.current_status == pytest.approx(0.1)
    same_day = [Point(time=2020.0, value=v) for v in (1, 2, 3)]
    assert project(same_day, time=2030.0) is None
    # Points before `since` are left out of the fit.
    result = assess(
        series(2010, [1, 2, 3, 10, 12]), baseline=10, target=30, target_time=2030.0, since=2013.0
    )
    assert result.verdict == "insufficient_data"


def test_segments_split_at_every_break():
    points = series(2010, [1, 2]) + series(2012, [5, 6], segment=1) + series(2014, [7], segment=0)
    assert [[p.value for p in part] for part in segments(points)] == [[1, 2], [5, 6], [7]]
    assert segments([]) == []
    assert current_segment(points) == [points[-1]]


def test_only_the_current_segment_is_fitted():
    old = series(2010, [1, 2, 3, 4, 5, 6])
    result = assess(
        old + series(2016, [40, 41], segment=2), baseline=40, target=60, target_time=2030.0
    )
    assert result.verdict == "insufficient_data"
    assert result.current_status == pytest.approx(0.05)
    new = series(2016, [40, 39, 38], segment=2)
    result = assess(old + new, baseline=40, target=60, target_time=2030.0)
    assert result.anticipated is not None
    assert result.anticipated.points == 3
    assert result.anticipated.slope == pytest.approx(-1)
    assert result.verdict == "regressing"


def test_the_interval_covers_the_truth_in_at_least_93_percent_of_noisy_series():
    rng = np.random.default_rng(20261205)
    trials = 500
    covered_new = covered_line = 0
    for _ in range(trials):
        years = int(rng.integers(4, 16))
        start = 2030 - years - int(rng.integers(1, 10))
        slope, intercept, noise = rng.normal(0, 2), rng.normal(50, 10), rng.uniform(0.5, 5)
        times = np.arange(start, start + years, dtype=float)
        values = intercept + slope * (times - 2015) + rng.normal(0, noise, size=years)
        points = [Point(time=t, value=v) for t, v in zip(times, values, strict=True)]
        projection = project(points, time=2030.0)
        assert projection is not None
        line = intercept + slope * 15
        observed = line + rng.normal(0, noise)
        covered_line += projection.low <= line <= projection.high
        covered_new += projection.low <= observed <= projection.high
    assert covered_new / trials >= 0.93
    assert covered_line / trials >= 0.93


def test_precision_weights_keep_the_coverage():
    # Survey estimates with their own standard errors: weights 1 / SE^2.
    rng = np.random.default_rng(7)
    trials = 500
    covered = 0
    for _ in range(trials):
        times = np.arange(2015.0, 2025.0)
        errors = rng.uniform(0.5, 3, size=times.size)
        values = 10 + 0.8 * (times - 2015) + rng.normal(0, errors)
        points = [
            Point(time=t, value=v, weight=1 / e**2)
            for t, v, e in zip(times, values, errors, strict=True)
        ]
        projection = project(points, time=2030.0)
        assert projection is not None
        covered += projection.low <= 10 + 0.8 * 15 <= projection.high
    assert covered / trials >= 0.93
