"""Run-chart rules (IHI): shifts around the baseline median, trends, and "too early to tell"."""

import pytest

from meshutaf.measurement.curves import curve_test, shifts, trends


def test_too_few_points_after_the_baseline_is_too_early_to_tell():
    assert curve_test([5] * 10 + [9, 9, 9, 9, 9], baseline_points=10) is None
    assert curve_test([5] * 10 + [9] * 6, baseline_points=10) is not None


def test_a_shift_of_six_points_above_the_median_turns_the_curve():
    baseline = [5, 6, 4, 5, 6, 4, 5, 5]  # median 5
    result = curve_test([*baseline, 7, 8, 5, 7, 6, 9, 7], baseline_points=8)
    assert result is not None
    assert result.median == 5
    assert result.turned
    (signal,) = result.signals
    # The point on the median (index 10) neither counts nor breaks the shift.
    assert (signal.rule, signal.start, signal.end, signal.side, signal.points) == (
        "shift",
        8,
        14,
        "up",
        6,
    )
    assert signal.favourable
    assert result.direction == "better"
    down = curve_test([*baseline, 7, 8, 5, 7, 6, 9, 7], baseline_points=8, direction="down")
    assert down is not None
    assert down.direction == "worse"


def test_five_points_on_one_side_is_not_a_shift():
    result = curve_test([5, 6, 4, 7, 8, 7, 6, 9, 4], baseline_points=3)
    assert result is not None
    assert not result.turned
    assert result.direction is None


def test_a_trend_of_five_points_repeats_ignored():
    # Median 5; 4 -> 6 -> 7 -> 7 -> 8 -> 9: five distinct points rising (the repeat skipped);
    # only five sit above the median, so no shift.
    values = [0, 10, 5, 4, 6, 7, 7, 8, 9, 3]
    result = curve_test(values, baseline_points=3)
    assert result is not None
    (signal,) = result.signals
    assert (signal.rule, signal.start, signal.end, signal.side, signal.points) == (
        "trend",
        3,
        8,
        "up",
        5,
    )


def test_four_rising_points_is_not_a_trend():
    assert trends([1, 2, 3, 4, 2, 3, 4, 5]) == []
    assert trends([1, 2, 3, 4, 5]) == [(0, 4, "up", 5)]
    # The turning point ends one run and starts the next.
    assert trends([1, 2, 3, 4, 5, 4, 3, 2, 1]) == [(0, 4, "up", 5), (4, 8, "down", 5)]


def test_shift_helper_reports_maximal_runs_after_the_first_index():
    values = [9, 9, 9, 1, 1, 1, 1, 1, 1, 1, 9, 9]
    assert shifts(values, median=5, first=2) == [(3, 9, "down", 7)]
    assert shifts([5, 5, 6, 6, 5, 6, 6, 6, 6], median=5) == [(2, 8, "up", 6)]


def test_signals_both_ways_are_mixed():
    baseline = [10, 10, 10]
    values = [*baseline, 11, 12, 13, 14, 15, 9, 8, 7, 6, 5]
    result = curve_test(values, baseline_points=3)
    assert result is not None
    assert result.direction == "mixed"
    assert [signal.rule for signal in result.signals] == ["trend", "trend"]


def test_a_baseline_is_needed():
    with pytest.raises(ValueError, match="at least one point"):
        curve_test([1, 2, 3, 4, 5, 6], baseline_points=0)
