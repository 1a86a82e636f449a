"""The stakeholder register of a 12,000-stakeholder initiative: first page latency and queries.

Builds a throw-away SQLite database (or uses DATABASE_URL) with 10,000 people and 2,000
organisations on one initiative's map, renders the register's first page (plain, filtered,
sorted) as its facilitator, and ends with one JSON line. Target from issue 3: 300 ms or less.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MESHUTAF_DATA_DIR", tempfile.mkdtemp(prefix="meshutaf-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
os.environ.setdefault("MESHUTAF_MANIFEST_STATIC", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from meshutaf.accounts.models import User  # noqa: E402
from meshutaf.directory.models import Affiliation, Organisation, Person  # noqa: E402
from meshutaf.initiatives.models import Initiative, Membership  # noqa: E402
from meshutaf.stakeholder_map.models import StakeholderProfile  # noqa: E402

PEOPLE, ORGANISATIONS, ROUNDS = 10_000, 2_000, 20
SECTORS = [
    "government",
    "local_authority",
    "civil_society",
    "business",
    "philanthropy",
    "academia",
    "community",
    "media",
]


def build():
    rng = random.Random(3)
    call_command("migrate", verbosity=0)
    facilitator = User.objects.create_user("bench", is_backbone=True)
    initiative = Initiative.objects.create(kind="collective_impact", name="Bench", status="active")
    Membership.objects.create(initiative=initiative, user=facilitator, role="facilitator")
    organisations = Organisation.objects.bulk_create(
        Organisation(name_he=f"ארגון {i}", sector=rng.choice(SECTORS)) for i in range(ORGANISATIONS)
    )
    people = Person.objects.bulk_create(Person(full_name=f"אדם {i}") for i in range(PEOPLE))
    Affiliation.objects.bulk_create(
        Affiliation(person=person, organisation=rng.choice(organisations)) for person in people
    )

    def profile(**subject):
        return StakeholderProfile(
            initiative=initiative,
            power=rng.randint(1, 5),
            interest=rng.randint(1, 5),
            consent=rng.choice(["none", "passive", "active"]),
            **subject,
        )

    StakeholderProfile.objects.bulk_create(
        [profile(organisation=o) for o in organisations] + [profile(person=p) for p in people],
        batch_size=2000,
    )
    return facilitator, initiative


def main() -> None:
    setup_test_environment()
    from django.conf import settings

    settings.DEBUG = True
    started = time.perf_counter()
    facilitator, initiative = build()
    print(f"built {PEOPLE + ORGANISATIONS} stakeholders in {time.perf_counter() - started:.1f}s")
    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.force_login(facilitator)
    base = f"/initiatives/{initiative.pk}/stakeholders/"
    figures = {"database": connection.vendor, "stakeholders": PEOPLE + ORGANISATIONS}
    for name, query in (
        ("register", ""),
        ("register_filtered", "?sector=government&quadrant=manage_closely"),
        ("register_sorted_by_power", "?sort=-power"),
        ("register_gap_page_5", "?gap=on&page=5"),
    ):
        timings, queries = [], 0
        for _ in range(ROUNDS):
            reset_queries()
            start = time.perf_counter()
            response = client.get(base + query)
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{base + query} answered {response.status_code}")
            queries = len(connection.queries)
        timings.sort()
        figures[name] = {
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "queries": queries,
        }
        print(
            f"{name:26} median {figures[name]['median_ms']:7.1f} ms   "
            f"p95 {figures[name]['p95_ms']:7.1f} ms   {queries} queries"
        )
    print(json.dumps({"benchmark": "register", **figures}))


if __name__ == "__main__":
    main()
