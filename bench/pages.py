"""Page latency and query counts of the spine's busiest pages at 1,000 initiatives/members.

Builds a throw-away SQLite database (or uses DATABASE_URL), renders each page repeatedly
through Django's test client and prints median / p95 milliseconds and queries per page,
ending with one JSON line of the figures.
"""

import json
import os
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
from meshutaf.initiatives.models import (  # noqa: E402
    Group,
    GroupMember,
    Initiative,
    Membership,
    Phase,
)

INITIATIVES = 1000
MEMBERS = 1000
ROUNDS = 30


def build() -> tuple[User, Initiative]:
    call_command("migrate", verbosity=0)
    facilitator = User.objects.create_user("bench", is_backbone=True)
    initiatives = Initiative.objects.bulk_create(
        Initiative(kind="roundtable", name=f"שולחן עגול {index}", status="active")
        for index in range(INITIATIVES)
    )
    Membership.objects.bulk_create(
        Membership(initiative=initiative, user=facilitator, role="facilitator")
        for initiative in initiatives
    )
    Phase.objects.bulk_create(
        Phase(initiative=initiative, order=order, name=f"שלב {order}")
        for initiative in initiatives
        for order in range(3)
    )
    big = initiatives[0]
    users = User.objects.bulk_create(User(username=f"member{index}") for index in range(MEMBERS))
    Membership.objects.bulk_create(
        Membership(initiative=big, user=user, role="partner") for user in users
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name_he=f"ארגון {index}", sector="civil_society") for index in range(100)
    )
    people = Person.objects.bulk_create(
        Person(full_name=f"אדם {index}", user=user) for index, user in enumerate(users)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=person, organisation=organisations[index % 100])
        for index, person in enumerate(people)
    )
    groups = Group.objects.bulk_create(
        Group(initiative=big, kind="working_group", name=f"צוות {index}") for index in range(50)
    )
    GroupMember.objects.bulk_create(
        GroupMember(group=groups[index % 50], person=person) for index, person in enumerate(people)
    )
    return facilitator, big


def measure(client: Client, url: str) -> dict:
    timings = []
    queries = 0
    for _ in range(ROUNDS):
        reset_queries()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(connection.queries)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "queries": queries,
    }


def main() -> None:
    setup_test_environment()
    from django.conf import settings

    settings.DEBUG = True  # so connection.queries is recorded
    started = time.perf_counter()
    facilitator, big = build()
    elapsed = time.perf_counter() - started
    print(f"built {INITIATIVES} initiatives, {MEMBERS} members in {elapsed:.1f}s")
    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.force_login(facilitator)
    pages = {
        "dashboard": "/",
        "initiative_list": "/initiatives/",
        "initiative_detail": f"/initiatives/{big.pk}/",
        "members": f"/initiatives/{big.pk}/members/",
        "api_initiatives": "/api/v1/initiatives?limit=100",
    }
    figures = {"database": connection.vendor}
    for name, url in pages.items():
        result = measure(client, url)
        figures[name] = result
        print(
            f"{name:18} median {result['median_ms']:7.1f} ms   p95 {result['p95_ms']:7.1f} ms"
            f"   {result['queries']} queries"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
