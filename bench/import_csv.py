"""Importing a 5,000-row stakeholder CSV with 3% malformed rows, through the CLI's path.

Generates the file (seeded), checks it (every bad row must be reported with its number),
imports the good rows in one transaction, and ends with one JSON line of the figures.
"""

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MESHUTAF_DATA_DIR", tempfile.mkdtemp(prefix="meshutaf-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from meshutaf.accounts.models import User  # noqa: E402
from meshutaf.directory.models import Organisation  # noqa: E402
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to  # noqa: E402
from meshutaf.initiatives.models import Initiative, Membership  # noqa: E402
from meshutaf.stakeholder_map import importing  # noqa: E402
from meshutaf.stakeholder_map.models import StakeholderProfile  # noqa: E402

ROWS, BAD_SHARE = 5000, 0.03
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


def make_csv(rng: random.Random) -> tuple[bytes, set[int]]:
    lines = ["name,kind,sector,organisation,role,email,power,interest,consent"]
    bad_rows = set()
    for index in range(ROWS):
        row_number = index + 2
        if rng.random() < BAD_SHARE:
            bad_rows.add(row_number)
            problem = rng.choice(["noname", "sector", "power", "email"])
            name = "" if problem == "noname" else f"Broken {index}"
            sector = "nowhere" if problem == "sector" else "government"
            power = "9" if problem == "power" else "3"
            email = "not-an-email" if problem == "email" else ""
            lines.append(f"{name},organisation,{sector},,,{email},{power},3,passive")
        elif index % 3:
            lines.append(
                f"ארגון {index},organisation,{rng.choice(SECTORS)},,,,"
                f"{rng.randint(1, 5)},{rng.randint(1, 5)},passive"
            )
        else:
            lines.append(
                f"אדם {index},person,,ארגון {index + 1},רכז,p{index}@example.org,"
                f"{rng.randint(1, 5)},{rng.randint(1, 5)},active"
            )
    return "\n".join(lines).encode(), bad_rows


def main() -> None:
    rng = random.Random(11)
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", is_backbone=True)
    initiative = Initiative.objects.create(kind="forum", name="Bench", status="active")
    Membership.objects.create(initiative=initiative, user=user, role="facilitator")
    Organisation.objects.bulk_create(
        Organisation(name_he=f"ארגון קיים {i}", sector="civil_society") for i in range(2000)
    )
    data, bad_rows = make_csv(rng)
    figures = {"rows": ROWS, "malformed": len(bad_rows)}
    start = time.perf_counter()
    headers, rows = importing.read_table(data, "bench.csv")
    results = importing.validate_rows(rows, importing.guess_mapping(headers))
    importing.match_rows(
        results,
        initiative=initiative,
        organisations=organisations_visible_to(user=user),
        people=people_visible_to(user=user),
    )
    figures["preview_s"] = round(time.perf_counter() - start, 2)
    reported = {result.number for result in results if result.errors}
    figures["bad_rows_reported"] = len(reported)
    figures["every_bad_row_reported"] = reported == bad_rows
    start = time.perf_counter()
    outcome = importing.import_apply(
        initiative=initiative, by=user, results=[r.as_dict() for r in results], decisions={}
    )
    figures["apply_s"] = round(time.perf_counter() - start, 2)
    figures["imported"] = outcome.created_profiles
    figures["on_map"] = StakeholderProfile.objects.filter(initiative=initiative).count()
    print(
        f"preview of {ROWS} rows: {figures['preview_s']} s; bad rows reported "
        f"{figures['bad_rows_reported']}/{len(bad_rows)}; import {figures['apply_s']} s, "
        f"{figures['imported']} stakeholders on the map"
    )
    print(json.dumps({"benchmark": "import", **figures}))


if __name__ == "__main__":
    main()
