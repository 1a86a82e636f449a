"""Krippendorff's alpha (`meshutaf.discourse.agreement`) against the `krippendorff` package.

Seeded synthetic codings: a true category per unit, each coder agreeing with it 70% of the
time and otherwise coding at random, 10% of the cells missing. For each size and level:

- the point estimate: our `alpha` and `krippendorff.alpha` side by side (median of a few
  runs), the package's time over ours (`speedup`; below 1, ours is slower) and the largest
  difference between their answers (must be below 1e-9);
- the bootstrap interval (`alpha_interval`, 1,000 resamples) on 500 units × 3 coders, the
  size the Discourse annotators' audit has: target 1 s or less. The package has no
  bootstrap, so there is no peer for this one.

`--quick` uses fewer runs and drops the largest size (its times are not held to the target).
Prints the figures and ends with one JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import krippendorff  # noqa: E402
import numpy as np  # noqa: E402

from meshutaf.discourse.agreement import alpha, alpha_interval  # noqa: E402

SIZES = ((500, 3), (5_000, 5), (50_000, 4))
LEVELS = ("nominal", "ordinal", "interval")
INTERVAL_TARGET_S = 1.0
SEED = 7


def codings(units: int, coders: int, *, seed: int, categories: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, units)
    rows = [
        np.where(rng.random(units) < 0.7, truth, rng.integers(0, categories, units))
        for _ in range(coders)
    ]
    data = np.vstack(rows).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    return data


def _median_time(function, runs: int) -> tuple[float, object]:
    times, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), answer


def point_estimates(figures: dict, *, quick: bool) -> None:
    runs = 3 if quick else 7
    # pkg/ours: the package's time over ours (above 1, ours is faster).
    print(f"{'size':>16} {'level':10} {'ours':>10} {'package':>10} {'pkg/ours':>8} {'max |Δ|':>9}")
    rows = []
    for units, coders in SIZES[:2] if quick else SIZES:
        data = codings(units, coders, seed=SEED)
        for level in LEVELS:
            ours_s, ours = _median_time(partial(alpha, data, level), runs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                peer_s, peer = _median_time(
                    partial(krippendorff.alpha, reliability_data=data, level_of_measurement=level),
                    runs,
                )
            difference = abs(float(ours) - float(peer))
            if difference > 1e-9:
                raise SystemExit(f"alpha differs from the package by {difference} ({level})")
            print(
                f"{units:>8,} × {coders:<5} {level:10} {ours_s * 1000:8.1f}ms "
                f"{peer_s * 1000:8.1f}ms {peer_s / ours_s:7.2f}× {difference:9.1e}"
            )
            rows.append(
                {
                    "units": units,
                    "coders": coders,
                    "level": level,
                    "ours_ms": round(ours_s * 1000, 2),
                    "krippendorff_ms": round(peer_s * 1000, 2),
                    "speedup": round(peer_s / ours_s, 2),
                    "max_abs_difference": difference,
                }
            )
    figures["alpha"] = rows


def bootstrap(figures: dict, *, quick: bool) -> None:
    data = codings(500, 3, seed=SEED)
    seconds, result = _median_time(
        lambda: alpha_interval(data, "nominal", n_boot=1000, seed=SEED), 3 if quick else 5
    )
    met = seconds <= INTERVAL_TARGET_S
    verdict = "(quick run)" if quick else ("OK" if met else "OVER TARGET")
    print(
        f"bootstrap interval, 500 × 3, 1,000 resamples: {seconds:.3f} s   "
        f"target ≤ {INTERVAL_TARGET_S:g} s  {verdict}  "
        f"(alpha {result.alpha:.3f}, 95% [{result.low:.3f}, {result.high:.3f}])"
    )
    figures["bootstrap"] = {
        "units": 500,
        "coders": 3,
        "resamples": 1000,
        "seconds": round(seconds, 4),
        "target_s": INTERVAL_TARGET_S,
        "met": met,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller sizes")
    arguments = parser.parse_args()
    figures: dict = {"benchmark": "agreement", "quick": arguments.quick}
    point_estimates(figures, quick=arguments.quick)
    bootstrap(figures, quick=arguments.quick)
    print(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
