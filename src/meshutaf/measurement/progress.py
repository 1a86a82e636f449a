"""Progress towards a target, assessed the way UN ESCAP assesses it, with honest uncertainty.

The UN Economic and Social Commission for Asia and the Pacific (ESCAP) rates every indicator of
its yearly *Asia and the Pacific SDG Progress Report* with two measures (see the report's
methodological annex, "Measuring progress"):

- the **current status**: the share of the required progress made since the baseline,
  ``(current - baseline) / (target - baseline)``. 0 means nothing has changed since the
  baseline, 1 means the target is reached. It is reported as it is, not clamped: above 1 the
  target is passed (1.2: 20% further than needed), below 0 the indicator moved away from the
  target (-0.3: lost 30% of the distance it had to cover). "Lower is better" needs no special
  case: target and baseline carry the direction (a target of 8 from 10 is progress of -2 needed).
- the **anticipated progress**: where the indicator will be at the target date if the trend
  holds. ESCAP fits a (weighted) linear regression to the observations since the baseline and
  projects it; the verdicts compare the projection with the target and the baseline.

Meshutaf adds the interval ESCAP's report leaves out. The projection comes with a *prediction
interval* (Student's t, 95% by default) for the value at the target date, and a verdict is
called only when the whole interval is on one side of the threshold that decides it:

- ``on_track``: the whole interval reaches the target (progress share of the lower end >= 1);
- ``regressing``: the whole interval is on the wrong side of the baseline (share < 0);
- ``needs_acceleration``: the whole interval is past or at the baseline and short of the target
  (0 <= share < 1);
- ``uncertain``: the interval straddles the target or the baseline. ``possible`` then lists
  the verdicts it leaves open (for example regressing *or* needs acceleration), so a page can
  say "not on track, and perhaps regressing" without claiming more than the data say;
- ``insufficient_data``: fewer than 3 points in the current segment (or all at one date): a
  line through 2 points has no residual, so no interval.

Weights. The regression is weighted by the observations' precision: Var(error_i) =
sigma^2 / w_i, with w_i = 1 unless the caller passes weights (1 / SE^2 for survey estimates
with a standard error). We do not give recent points more weight, although some ESCAP
editions do: that weighting is a judgement about relevance, not about noise, and under it the
t interval no longer has the coverage it states (the simulation test in
tests/measurement/test_progress.py checks the 95% interval covers the truth in >= 93% of 500
noisy series). Weights are scaled to mean 1 and the value being predicted is taken as an
observation of average precision (weight 1).

Series breaks. Every point carries the segment (the indicator's definition version) it was
measured under. A new definition breaks the series: only the last segment is fitted, and
`segments` splits a series so that charts never draw a line across a break. The baseline is
passed as a value, so when the definition changed after the baseline the caller must restate
the baseline under the new definition (the old one is not comparable).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import stdtrit

Direction = Literal["up", "down"]
Verdict = Literal["on_track", "needs_acceleration", "regressing", "uncertain", "insufficient_data"]
VERDICTS: tuple[Verdict, ...] = (
    "on_track",
    "needs_acceleration",
    "regressing",
    "uncertain",
    "insufficient_data",
)
MIN_POINTS = 3


@dataclass(frozen=True)
class Point:
    """One observation: when (a decimal year, 2024.5 is mid-2024), what, and the segment
    (definition version) it belongs to. `weight` is its relative precision (1 / SE^2, or 1)."""

    time: float
    value: float
    segment: int = 0
    weight: float = 1.0


@dataclass(frozen=True)
class Projection:
    """The fitted line's value at `time`, and the prediction interval at `level`."""

    time: float
    value: float
    low: float
    high: float
    level: float
    slope: float  # change per unit of time (per year for decimal years)
    points: int


@dataclass(frozen=True)
class Assessment:
    """What `assess` concludes. `current_status` and `anticipated_share` are shares of the
    required progress (see the module's docstring); `possible` lists the verdicts the
    interval leaves open (one when the verdict is called)."""

    current_status: float | None
    anticipated: Projection | None
    anticipated_share: float | None
    verdict: Verdict
    possible: tuple[Verdict, ...]


def segments(points: Sequence[Point]) -> list[list[Point]]:
    """The series cut at every change of segment, in order: consecutive points with the same
    segment form one list. Draw each list as its own line; never join two of them."""
    parts: list[list[Point]] = []
    for point in points:
        if parts and parts[-1][-1].segment == point.segment:
            parts[-1].append(point)
        else:
            parts.append([point])
    return parts


def current_segment(points: Sequence[Point]) -> list[Point]:
    """The points of the last segment (the definition in force), in order."""
    parts = segments(points)
    return parts[-1] if parts else []


def _check_target(*, baseline: float, target: float, direction: Direction) -> None:
    needed = target - baseline
    if not all(math.isfinite(number) for number in (baseline, target)):
        raise ValueError("The baseline and the target must be finite numbers.")
    if (needed <= 0) if direction == "up" else (needed >= 0):
        raise ValueError(
            "The target must be better than the baseline in the indicator's direction "
            f"(direction {direction}, baseline {baseline:g}, target {target:g})."
        )


def progress_share(value: float, *, baseline: float, target: float) -> float:
    """The share of the required progress that `value` represents: 0 at the baseline, 1 at
    the target, negative on the wrong side of the baseline, above 1 past the target."""
    return (value - baseline) / (target - baseline)


def current_status(
    *, current: float, baseline: float, target: float, direction: Direction = "up"
) -> float:
    """ESCAP's current status: (current - baseline) / (target - baseline), not clamped."""
    _check_target(baseline=baseline, target=target, direction=direction)
    return progress_share(current, baseline=baseline, target=target)


def project(points: Sequence[Point], *, time: float, level: float = 0.95) -> Projection | None:
    """The weighted least-squares line through `points`, evaluated at `time`, with the
    prediction interval for an observation of average precision there. None with fewer than
    3 points or fewer than 2 distinct times (no line, or no residual to size the interval)."""
    if not 0 < level < 1:
        raise ValueError("The level must be between 0 and 1.")
    if len(points) < MIN_POINTS or len({point.time for point in points}) < 2:
        return None
    times = np.array([point.time for point in points], dtype=float)
    values = np.array([point.value for point in points], dtype=float)
    weights = np.array([point.weight for point in points], dtype=float)
    if not (np.all(np.isfinite(times)) and np.all(np.isfinite(values))):
        raise ValueError("Every time and value must be a finite number.")
    if not (np.all(np.isfinite(weights)) and np.all(weights > 0)):
        raise ValueError("Every weight must be a positive number.")
    weights = weights / weights.mean()
    # Centred on the weighted mean time: the intercept and slope are then uncorrelated, so
    # the variance of the fitted value is a sum of two terms (and no precision is lost on
    # years near 2000).
    centre = float(np.average(times, weights=weights))
    x = times - centre
    sum_weights = float(weights.sum())
    mean_value = float(np.average(values, weights=weights))
    sxx = float(np.sum(weights * x * x))
    slope = float(np.sum(weights * x * (values - mean_value)) / sxx)
    residuals = values - (mean_value + slope * x)
    freedom = len(points) - 2
    sigma2 = float(np.sum(weights * residuals * residuals)) / freedom
    distance = time - centre
    fitted = mean_value + slope * distance
    spread = math.sqrt(sigma2 * (1.0 + 1.0 / sum_weights + distance * distance / sxx))
    half_width = float(stdtrit(freedom, 0.5 + level / 2)) * spread  # Student's t quantile
    return Projection(
        time=time,
        value=fitted,
        low=fitted - half_width,
        high=fitted + half_width,
        level=level,
        slope=slope,
        points=len(points),
    )


def verdicts_possible(low_share: float, high_share: float) -> tuple[Verdict, ...]:
    """The verdicts compatible with progress shares between `low_share` and `high_share`,
    best first: on track from 1 up, needs acceleration in [0, 1), regressing below 0."""
    low, high = sorted((low_share, high_share))
    possible: list[Verdict] = []
    if high >= 1:
        possible.append("on_track")
    if high >= 0 and low < 1:
        possible.append("needs_acceleration")
    if low < 0:
        possible.append("regressing")
    return tuple(possible)


def assess(
    points: Sequence[Point],
    *,
    baseline: float,
    target: float,
    target_time: float,
    direction: Direction = "up",
    since: float | None = None,
    level: float = 0.95,
) -> Assessment:
    """Assess a series (points in time order) against a target set from a baseline value.

    Only the current segment is used, and within it only the points at or after `since`
    (pass the baseline's time to fit the trend since the baseline, as ESCAP does). The
    current status uses the latest point of the current segment. Raises ValueError when the
    target is not an improvement on the baseline in `direction`."""
    _check_target(baseline=baseline, target=target, direction=direction)
    segment = current_segment(points)
    status = (
        progress_share(segment[-1].value, baseline=baseline, target=target) if segment else None
    )
    fitted = [point for point in segment if since is None or point.time >= since]
    projection = project(fitted, time=target_time, level=level)
    if projection is None:
        return Assessment(
            current_status=status,
            anticipated=None,
            anticipated_share=None,
            verdict="insufficient_data",
            possible=(),
        )
    possible = verdicts_possible(
        progress_share(projection.low, baseline=baseline, target=target),
        progress_share(projection.high, baseline=baseline, target=target),
    )
    return Assessment(
        current_status=status,
        anticipated=projection,
        anticipated_share=progress_share(projection.value, baseline=baseline, target=target),
        verdict=possible[0] if len(possible) == 1 else "uncertain",
        possible=possible,
    )
