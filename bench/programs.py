"""Leadership programmes (`meshutaf.programs`): ranking a cohort's candidates at scale.

1. Ranking. A seeded synthetic selection: 2,000 candidates × 30 reviewers × 5 criteria, each
   candidate reviewed by 3 to 5 reviewers (4 on average) drawn at random; quality ~ N(3, 0.7),
   each reviewer's offset uniform in ±1 point, a reviewer–candidate impression ~ N(0, 0.4),
   criterion noise ~ N(0, 0.6), scores rounded to the integers and clipped to 1–5; 5% of the
   scores "cannot judge" (empty), confidences 1–3, criterion weights 1–3. Times
   `ranking.rank` on the 40,000 reviews (median of a few runs; target 2 s or less) and, without
   a target, reading the same reviews from a CSV file as `meshutaf programs rank` does. Prints
   how well the adjusted and the raw scores follow the planted quality (Spearman), the mean
   error of the offsets, the bands' mean width and the consensus queue's length.
2. Assignment. `assignment.assign` of 2,000 candidates to 30 reviewers, 4 reviewers each, with
   a third of the candidates in conflict with one reviewer: median time, target 1 s or less,
   and a check that every candidate got 4 reviewers, loads differ by at most one and the
   reviewers are joined by shared candidates.
3. `--tune`: the prior's share of the scale (`ranking.PRIOR_SD_SHARE`) against the error of
   the adjusted scores on simulated training selections (seeds 10,000 on: never the tests'),
   how it was chosen.

`--quick` shrinks the selection for smoke runs (its time is not held to the target). Ends with
one JSON line of the figures.
"""

import argparse
import atexit
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

FULL = {"candidates": 2000, "reviewers": 30, "criteria": 5, "runs": 5}
QUICK = {"candidates": 200, "reviewers": 10, "criteria": 5, "runs": 3}
TARGET_SECONDS = 2.0
ASSIGN_TARGET_SECONDS = 1.0
SEED = 7
TUNE_SHARES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.6, float("inf"))
TUNE_SELECTIONS = 300


def _setup_django() -> None:
    """The ranking's messages are translatable, so it needs Django's settings."""
    if "MESHUTAF_DATA_DIR" not in os.environ:
        os.environ["MESHUTAF_DATA_DIR"] = tempfile.mkdtemp(prefix="meshutaf-bench-")
        atexit.register(shutil.rmtree, os.environ["MESHUTAF_DATA_DIR"], ignore_errors=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    os.environ.setdefault("MESHUTAF_MANIFEST_STATIC", "0")
    import django

    django.setup()


def selection(size: dict, seed: int = SEED):
    """(quality, offsets, weights, reviews) of a synthetic selection."""
    from meshutaf.programs.ranking import Review

    rng = np.random.default_rng(seed)
    n_candidates, n_reviewers, n_criteria = size["candidates"], size["reviewers"], size["criteria"]
    quality = rng.normal(3.0, 0.7, n_candidates)
    offsets = rng.uniform(-1.0, 1.0, n_reviewers)
    weights = {f"criterion {k}": float(rng.integers(1, 4)) for k in range(n_criteria)}
    reviews = []
    for c in range(n_candidates):
        for r in rng.choice(n_reviewers, int(rng.integers(3, 6)), replace=False):
            impression = rng.normal(0.0, 0.4)
            confidence = float(rng.integers(1, 4))
            for k in range(n_criteria):
                score = quality[c] + offsets[r] + impression + rng.normal(0.0, 0.6)
                judged = rng.random() >= 0.05
                reviews.append(
                    Review(
                        f"candidate {c}",
                        f"reviewer {r}",
                        f"criterion {k}",
                        float(np.clip(np.round(score), 1, 5)) if judged else None,
                        confidence,
                    )
                )
    return quality, offsets, weights, reviews


def ranking(figures: dict, size: dict, quick: bool) -> None:
    from meshutaf.programs import commands
    from meshutaf.programs.ranking import rank

    quality, offsets, weights, reviews = selection(size)
    print(
        f"== Ranking: {size['candidates']:,} candidates × {size['reviewers']} reviewers × "
        f"{size['criteria']} criteria, {len(reviews):,} reviews"
    )
    times = []
    result = None
    for _run in range(size["runs"]):
        started = time.perf_counter()
        result = rank(reviews, weights=weights, scale=(1, 5))
        times.append(time.perf_counter() - started)
    if result is None:
        raise SystemExit("no run")
    seconds = statistics.median(times)

    order = {f"candidate {c}": c for c in range(size["candidates"])}
    candidates = sorted(result.candidates, key=lambda c: order[c.id])
    adjusted_rho = spearmanr(quality, [c.adjusted for c in candidates]).statistic
    raw_rho = spearmanr(quality, [c.raw_mean for c in candidates]).statistic
    estimated = np.array([r.offset for r in sorted(result.reviewers, key=lambda r: int(r.id[9:]))])
    offset_error = float(np.mean(np.abs(estimated - (offsets - offsets.mean()))))
    band_width = float(np.mean([c.band[1] - c.band[0] for c in candidates if c.band]))

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "reviews.csv"
        lines = ["candidate,reviewer,criterion,score,weight,confidence"]
        lines += [
            f"{x.candidate},{x.reviewer},{x.criterion},"
            f"{'' if x.score is None else int(x.score)},{weights[x.criterion]:g},"
            f"{x.confidence:g}"
            for x in reviews
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        commands.read_reviews(str(path))
        read_seconds = time.perf_counter() - started

    verdict = "(quick run)" if quick else ("OK" if seconds <= TARGET_SECONDS else "OVER TARGET")
    print(
        f"{'rank':28} {seconds:10.3f} s   target ≤ {TARGET_SECONDS:g} s  {verdict}  "
        f"({seconds / TARGET_SECONDS:.0%} of the target; runs "
        f"{', '.join(f'{t:.3f}' for t in times)})"
    )
    print(f"{'read the CSV file':28} {read_seconds:10.3f} s   (no target)")
    print(f"{'Spearman adjusted / raw':28} {adjusted_rho:10.3f}     {raw_rho:.3f} (raw mean)")
    print(f"{'offset error (mean |Δ|)':28} {offset_error:10.3f} points")
    print(f"{'rank band width (mean)':28} {band_width:10.1f} ranks")
    print(f"{'consensus queue':28} {len(result.consensus_queue):10d} candidates")
    print(f"{'alpha per criterion':28} " + ", ".join(f"{a:.2f}" for a in result.alpha.values()))
    figures["rank"] = {
        "candidates": size["candidates"],
        "reviewers": size["reviewers"],
        "criteria": size["criteria"],
        "reviews": len(reviews),
        "seconds": round(seconds, 4),
        "runs": [round(t, 4) for t in times],
        "target_s": TARGET_SECONDS,
        "ratio_to_target": round(seconds / TARGET_SECONDS, 3),
        "met": seconds <= TARGET_SECONDS,
        "read_csv_seconds": round(read_seconds, 4),
        "spearman_adjusted": round(float(adjusted_rho), 4),
        "spearman_raw": round(float(raw_rho), 4),
        "offset_mean_abs_error": round(offset_error, 4),
        "band_mean_width": round(band_width, 2),
        "consensus_queue": len(result.consensus_queue),
        "alpha": {k: round(v, 4) for k, v in result.alpha.items()},
    }


def assignment(figures: dict, quick: bool) -> None:
    from meshutaf.programs.assignment import assign

    candidates, reviewers, k = (300, 10, 4) if quick else (2000, 30, 4)
    conflicts = {(c, c % reviewers) for c in range(0, candidates, 3)}
    result = None
    times = []
    for _run in range(3 if quick else 5):
        started = time.perf_counter()
        result = assign(
            candidates=range(candidates),
            reviewers=dict.fromkeys(range(reviewers)),
            conflicts=conflicts,
            k=k,
            seed=SEED,
        )
        times.append(time.perf_counter() - started)
    if result is None:
        raise SystemExit("no run")
    seconds = statistics.median(times)
    spread = max(result.loads.values()) - min(result.loads.values())
    if len(result.pairs) != candidates * k or result.short or spread > 1 or not result.connected:
        raise SystemExit("the assignment is incomplete, unbalanced or disconnected")
    met = seconds <= ASSIGN_TARGET_SECONDS
    verdict = "(quick run)" if quick else ("OK" if met else "OVER TARGET")
    print(
        f"== Assignment: {candidates:,} candidates × {reviewers} reviewers, {k} each, "
        f"{len(conflicts):,} conflicts"
    )
    print(
        f"{'assign':28} {seconds:10.3f} s   target ≤ {ASSIGN_TARGET_SECONDS:g} s  {verdict}  "
        f"(runs {', '.join(f'{t:.3f}' for t in times)}; loads differ by {spread})"
    )
    figures["assign"] = {
        "candidates": candidates,
        "reviewers": reviewers,
        "k": k,
        "seconds": round(seconds, 4),
        "runs": [round(t, 4) for t in times],
        "target_s": ASSIGN_TARGET_SECONDS,
        "met": met,
    }


def tune(figures: dict) -> None:
    """Mean squared error of the adjusted scores (both centred) against the planted quality,
    per prior share, over varied training selections."""
    from meshutaf.programs.ranking import Review, rank

    print(f"== Tuning the offsets' prior on {TUNE_SELECTIONS} training selections")
    errors: dict[float, list[float]] = {share: [] for share in TUNE_SHARES}
    raw_errors: list[float] = []
    for i in range(TUNE_SELECTIONS):
        rng = np.random.default_rng(10_000 + i)
        n_candidates = int(rng.choice([20, 40, 80]))
        n_reviewers = int(rng.choice([4, 6, 10]))
        per_candidate = min(int(rng.choice([2, 3, 4])), n_reviewers)
        offset_sd = float(rng.choice([0.0, 0.2, 0.4, 0.6, 0.8]))
        quality = rng.normal(3.0, 0.7, n_candidates)
        offsets = rng.normal(0.0, offset_sd, n_reviewers)
        reviews = []
        for c in range(n_candidates):
            for r in rng.choice(n_reviewers, per_candidate, replace=False):
                impression = rng.normal(0.0, 0.4)
                for k in range(5):
                    score = quality[c] + offsets[r] + impression + rng.normal(0.0, 0.6)
                    reviews.append(
                        Review(f"{c}", f"{r}", f"{k}", float(np.clip(round(score), 1, 5)))
                    )
        truth = quality - quality.mean()
        for share in TUNE_SHARES:
            result = rank(reviews, scale=(1, 5), prior_sd=share * 4, draws=1)
            adjusted = np.array(
                [c.adjusted for c in sorted(result.candidates, key=lambda c: int(c.id))]
            )
            errors[share].append(float(np.mean((adjusted - adjusted.mean() - truth) ** 2)))
        raw = np.array([c.raw_mean for c in sorted(result.candidates, key=lambda c: int(c.id))])
        raw_errors.append(float(np.mean((raw - raw.mean() - truth) ** 2)))
    table = {str(share): round(float(np.mean(values)), 5) for share, values in errors.items()}
    for share, value in table.items():
        print(f"{'prior share ' + share:28} {value:10.5f} mean squared error")
    print(f"{'raw mean':28} {np.mean(raw_errors):10.5f} mean squared error")
    figures["tune"] = {"mse_by_share": table, "mse_raw": round(float(np.mean(raw_errors)), 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for smoke runs")
    parser.add_argument("--tune", action="store_true", help="also tune the offsets' prior")
    arguments = parser.parse_args()
    _setup_django()
    figures: dict = {"benchmark": "programs", "quick": arguments.quick}
    ranking(figures, QUICK if arguments.quick else FULL, arguments.quick)
    assignment(figures, arguments.quick)
    if arguments.tune:
        tune(figures)
    print(f"{'load average (1 min)':28} {os.getloadavg()[0]:10.2f} on {os.cpu_count()} cores")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
