"""The selection board at scale (issue 15): 2,000 nominations × 30 reviewers × 5 criteria
(each nomination scored by 3 reviewers, each reviewer with a planted leniency), and a cohort of
100 for comparison.

Builds a throw-away SQLite database in a temporary directory, migrates it, bulk-creates the
rows, then GETs `programs:board` as programme staff with the test client:

- warm (the statistics in this process's cache, as on every visit after the first since the
  last submission): median time, target 300 ms, and the query count, which must be the same
  for 100 and 2,000 candidates;
- stored (this process's cache cleared, the statistics read from the snapshot the worker
  stores after each submission, as in another web process or the first visit after the
  worker ran): median time, the same target;
- computed (no snapshot either: the scores read and ranked in the request, as on a visit in
  the second between a submission and the worker's refresh): reported.

`--quick` shrinks the large cohort to 300 for a smoke run. Prints the figures and ends with
one JSON line.
"""

import argparse
import atexit
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_MS = 300


def setup() -> None:
    data_dir = tempfile.mkdtemp(prefix="meshutaf-bench-programs-board-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["MESHUTAF_DATA_DIR"] = data_dir
    os.makedirs(os.path.join(data_dir, "static"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    os.environ.setdefault("MESHUTAF_MANIFEST_STATIC", "0")
    os.environ.setdefault("MESHUTAF_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def build(owner, initiative, *, name: str, nominations: int, reviewers: int, seed: int):
    from django.utils import timezone

    from meshutaf.accounts.models import User
    from meshutaf.directory.models import Organisation
    from meshutaf.initiatives.models import Membership
    from meshutaf.programs.models import (
        Cohort,
        CohortPhase,
        CriterionScore,
        Nomination,
        NominationStatus,
        Review,
        Reviewer,
    )
    from meshutaf.programs.services import programmes

    rng = random.Random(seed)
    programme = programmes.programme_create(initiative=initiative, by=owner, name=name)
    cohort = programmes.cohort_create(programme=programme, by=owner, name=name, capacity=24)
    Cohort.objects.filter(pk=cohort.pk).update(phase=CohortPhase.DISCUSSION)
    cohort.refresh_from_db()
    criteria = list(cohort.rubric_version.criteria.all())
    ministries = Organisation.objects.bulk_create(
        Organisation(name_he=f"משרד {seed}-{i}", sector="government") for i in range(12)
    )
    people = Nomination.objects.bulk_create(
        Nomination(
            cohort=cohort,
            nominator_name="מנכ״ל",
            organisation=ministries[i % len(ministries)],
            candidate_name=f"מועמד {i:04d}",
            candidate_email=f"c{seed}-{i}@example.org",
            role_title="ראש אגף",
            nominator_statement="מוביל שינוי",
            status=NominationStatus.APPLIED,
        )
        for i in range(nominations)
    )
    users = [User.objects.create_user(f"reviewer-{seed}-{j}") for j in range(reviewers)]
    Membership.objects.bulk_create(
        Membership(initiative=initiative, user=user, role="partner") for user in users
    )
    panel = Reviewer.objects.bulk_create(Reviewer(cohort=cohort, user=user) for user in users)
    offsets = [rng.uniform(-1, 1) for _ in panel]
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(
            reviewer=panel[(i + k * 7) % len(panel)],
            nomination=nomination,
            phase="first_pass",
            rubric_version=cohort.rubric_version,
            submitted_at=now,
        )
        for i, nomination in enumerate(people)
        for k in range(3)
    )
    truth = {n.pk: rng.gauss(3, 0.8) for n in people}
    index = {r.pk: j for j, r in enumerate(panel)}
    CriterionScore.objects.bulk_create(
        (
            CriterionScore(
                review=review,
                criterion=criterion,
                score=max(
                    1,
                    min(
                        5,
                        round(
                            truth[review.nomination_id]
                            + offsets[index[review.reviewer_id]]
                            + rng.gauss(0, 0.5)
                        ),
                    ),
                ),
                confidence=rng.choice((1, 2, 3)),
            )
            for review in reviews
            for criterion in criteria
        ),
        batch_size=5000,
    )
    return cohort, len(reviews) * len(criteria)


def measure(client, cohort, rounds: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("programs:board", args=[cohort.pk])

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    from meshutaf.programs.models import BoardSnapshot

    cold = []
    for _ in range(2):
        BoardSnapshot.objects.filter(cohort=cohort).delete()
        cache.clear()
        with CaptureQueriesContext(connection) as cold_queries:
            start = time.perf_counter()
            get()
            cold.append(time.perf_counter() - start)
    stored = []
    for _ in range(max(3, rounds // 3)):
        cache.clear()
        with CaptureQueriesContext(connection) as stored_queries:
            start = time.perf_counter()
            get()
            stored.append(time.perf_counter() - start)
    warm = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            get()
            warm.append(time.perf_counter() - start)
    return {
        "median_ms": round(statistics.median(warm) * 1000, 1),
        "max_ms": round(max(warm) * 1000, 1),
        "queries": len(queries.captured_queries),
        "stored_median_ms": round(statistics.median(stored) * 1000, 1),
        "stored_queries": len(stored_queries.captured_queries),
        "computed_ms": round(min(cold) * 1000, 1),
        "computed_queries": len(cold_queries.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run for smoke tests")
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from meshutaf.accounts.models import User
    from meshutaf.initiatives.models import Initiative, Membership

    setup_test_environment()
    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench-owner")
    initiative = Initiative.objects.create(kind="collective_impact", name="Bench", status="active")
    Membership.objects.create(initiative=initiative, user=owner, role="facilitator")
    large_n = 300 if args.quick else 2000
    start = time.perf_counter()
    small, _small_scores = build(
        owner, initiative, name="small", nominations=100, reviewers=30, seed=1
    )
    large, large_scores = build(
        owner, initiative, name="large", nominations=large_n, reviewers=30, seed=2
    )
    print(
        f"built in {time.perf_counter() - start:.1f}s: {large_n} nominations, 30 reviewers, "
        f"5 criteria, {large_scores:,} criterion scores (and a cohort of 100)"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.force_login(owner)
    rounds = 5 if args.quick else 11
    figures = {"benchmark": "programs_board", "quick": args.quick, "nominations": large_n}
    figures["board_100"] = measure(client, small, rounds)
    figures[f"board_{large_n}"] = measure(client, large, rounds)
    for key in ("board_100", f"board_{large_n}"):
        item = figures[key]
        print(
            f"{key}: warm median {item['median_ms']} ms (max {item['max_ms']}; target "
            f"{TARGET_MS}), {item['queries']} queries; stored (after the worker) "
            f"{item['stored_median_ms']} ms, {item['stored_queries']} queries; computed in the "
            f"request {item['computed_ms']} ms, {item['computed_queries']} queries"
        )
    flat = figures["board_100"]["queries"] == figures[f"board_{large_n}"]["queries"]
    figures["queries_flat"] = flat
    large = figures[f"board_{large_n}"]
    figures["met"] = (
        flat and large["median_ms"] <= TARGET_MS and large["stored_median_ms"] <= TARGET_MS
    )
    print(f"query count flat: {flat}; target met: {figures['met']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
