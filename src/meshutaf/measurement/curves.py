"""Has the curve turned? Run-chart rules, fixed in advance, over the points after a baseline.

"Turning the curve" (Results-Based Accountability) means moving an indicator off the path it
was on. A line that wiggles upwards proves nothing: every series wiggles. The run-chart rules
of the Institute for Healthcare Improvement say when a change is unlikely to be chance alone
(Perla, Provost & Murray, "The run chart: a simple analytical tool for learning from variation
in healthcare processes", BMJ Quality & Safety 20(1):46-51, 2011; Provost & Murray, *The
Health Care Data Guide*, 2011). Two of them are applied here, as written there:

- **shift**: six or more consecutive points all above, or all below, the baseline median.
  A point exactly on the median is skipped: it neither adds to a shift nor breaks it.
- **trend**: five or more consecutive points all going up, or all going down (so four or more
  rises or falls in a row). When successive points have the same value, the repeats are
  ignored: like values neither make nor break a trend.

The median is the median of the *baseline period*: the points up to and including the
baseline period (the first `baseline_points` values). It is frozen there; the rules look only
at the points after it, since a signal in the baseline itself says nothing about what changed
since. IHI advise a baseline of 10 or more points for a steady median; fewer are accepted but
the median is then rougher. With fewer than 6 points after the baseline no shift could yet be
seen, so the answer is None: too early to tell.

A series break (a new definition version) makes the median meaningless across it: pass one
segment (see `progress.segments`). The result says which rule fired, where (indices into the
values passed), and whether the move is in the indicator's good direction.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from meshutaf.measurement.progress import Direction

SHIFT_POINTS = 6
TREND_POINTS = 5
MIN_POINTS_AFTER_BASELINE = SHIFT_POINTS

Rule = Literal["shift", "trend"]
Side = Literal["up", "down"]


@dataclass(frozen=True)
class Signal:
    """One rule that fired: over values[start] .. values[end] (indices into the series passed,
    both included), `side` up (above the median, or rising) or down; `points` counts the points
    that made it (points on the median, or repeated values, left out)."""

    rule: Rule
    start: int
    end: int
    side: Side
    points: int
    favourable: bool


@dataclass(frozen=True)
class CurveTest:
    """The baseline median, the signals found (in order of where they end), and the verdict:
    `turned` is True when any rule fired; `direction` is "better", "worse", or "mixed" when
    signals point both ways (None when nothing fired)."""

    median: float
    signals: tuple[Signal, ...]

    @property
    def turned(self) -> bool:
        return bool(self.signals)

    @property
    def direction(self) -> Literal["better", "worse", "mixed"] | None:
        favourable = {signal.favourable for signal in self.signals}
        if not favourable:
            return None
        if len(favourable) == 2:
            return "mixed"
        return "better" if favourable == {True} else "worse"


def shifts(
    values: Sequence[float], *, median: float, first: int = 0
) -> list[tuple[int, int, Side, int]]:
    """Runs of SHIFT_POINTS or more points on one side of `median` among values[first:], as
    (start, end, side, points); points on the median are skipped."""
    found: list[tuple[int, int, Side, int]] = []
    side: Side | None = None
    start = end = count = 0
    for index in range(first, len(values)):
        value = values[index]
        if value == median:
            continue
        here: Side = "up" if value > median else "down"
        if here != side:
            if side is not None and count >= SHIFT_POINTS:
                found.append((start, end, side, count))
            side, start, count = here, index, 0
        count += 1
        end = index
    if side is not None and count >= SHIFT_POINTS:
        found.append((start, end, side, count))
    return found


def trends(values: Sequence[float], *, first: int = 0) -> list[tuple[int, int, Side, int]]:
    """Runs of TREND_POINTS or more points each above (or below) the one before, among
    values[first:], as (start, end, side, points); a value equal to the one before is skipped.
    The point where the series turns ends one run and starts the next."""
    found: list[tuple[int, int, Side, int]] = []
    previous: int | None = None  # index of the last point counted
    side: Side | None = None
    start = count = 0
    for index in range(first, len(values)):
        if previous is None:
            previous, start, count = index, index, 1
            continue
        if values[index] == values[previous]:
            continue
        here: Side = "up" if values[index] > values[previous] else "down"
        if here != side:
            if side is not None and count >= TREND_POINTS:
                found.append((start, previous, side, count))
            side, start, count = here, previous, 1
        count += 1
        previous = index
    if side is not None and previous is not None and count >= TREND_POINTS:
        found.append((start, previous, side, count))
    return found


def curve_test(
    values: Sequence[float], *, baseline_points: int, direction: Direction = "up"
) -> CurveTest | None:
    """Apply the shift and trend rules to `values` (one segment, in time order) after its
    first `baseline_points` values, whose median is the reference. None when fewer than
    MIN_POINTS_AFTER_BASELINE values follow the baseline (too early to tell)."""
    if baseline_points < 1:
        raise ValueError("The baseline needs at least one point.")
    if len(values) - baseline_points < MIN_POINTS_AFTER_BASELINE:
        return None
    median = float(statistics.median(values[:baseline_points]))
    good: Side = "up" if direction == "up" else "down"
    found = [
        Signal(rule="shift", start=start, end=end, side=side, points=count, favourable=side == good)
        for start, end, side, count in shifts(values, median=median, first=baseline_points)
    ] + [
        Signal(rule="trend", start=start, end=end, side=side, points=count, favourable=side == good)
        for start, end, side, count in trends(values, first=baseline_points)
    ]
    found.sort(key=lambda signal: (signal.end, signal.start, signal.rule))
    return CurveTest(median=median, signals=tuple(found))
