"""Shared measurement at a country's scale (issue 14): the scorecard page, an indicator's
roll-up over the whole geography tree, importing 100,000 rows, and peak memory.

Builds a throw-away database (a SQLite file in a temporary directory; PostgreSQL with
`--postgres` or when DATABASE_URL is set: a new database is created next to the one the URL
names and dropped at the end, so the named one is never touched), migrates it, and fills it:
200 indicators (and a second framework of 20, to show the scorecard's query count is flat),
1,200 geography units (country → districts → sub-districts → localities → neighbourhoods),
40 quarters, 3 disaggregation dimensions (sex, age band, community) and 1,000,000 stored
observations, bulk-inserted (COPY on PostgreSQL, executemany on SQLite). Then measures:

- the scorecard page (`measurement:scorecard`, GET as the backbone) for 20 and 200
  indicators: median time (target 300 ms) and the query count (the same for both);
- `selectors.drill_down` of one indicator for one period over the whole tree, for the
  backbone and for a member (who gets small-number suppression): target 1 s;
- `importing.import_file` of a 100,000-row CSV, checked and approved: target 30 s;
- the process's peak resident memory: target 1 GiB.

`--quick` shrinks everything for a CI smoke run (under a minute); its figures are not held to
the targets. Prints each figure against its target and ends with one JSON line.
"""

import argparse
import atexit
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

FULL = {
    "indicators": 200,
    "small_framework": 20,
    "units": 1200,
    "periods": 40,
    "observations": 1_000_000,
    "import_rows": 100_000,
    "rounds": 7,
}
QUICK = {
    "indicators": 40,
    "small_framework": 10,
    "units": 300,
    "periods": 12,
    "observations": 60_000,
    "import_rows": 5_000,
    "rounds": 3,
}
TARGETS = {"scorecard_ms": 300, "drill_down_ms": 1000, "import_s": 30, "peak_mib": 1024}
DIMENSIONS = [
    {"name": "sex", "label": "Sex", "values": ["female", "male"], "sums_to_total": True},
    {"name": "age", "label": "Age", "values": ["0-17", "18-64", "65+"], "sums_to_total": True},
    {
        "name": "community",
        "label": "Community",
        "values": ["jewish", "arab", "other"],
        "sums_to_total": True,
    },
]
SHARES = {"sex": (0.51, 0.49), "age": (0.33, 0.55, 0.12), "community": (0.74, 0.21, 0.05)}
DISTRICTS, SUB_DISTRICTS_EACH = 7, 2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run for CI smoke tests")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres)",
    )
    return parser.parse_args()


# ---------------------------------------------------------------- the throw-away database


def _postgres_database(url: str) -> str:
    """Create a fresh database on the server `url` names; return its URL. Dropped at exit."""
    import psycopg

    parts = urlsplit(url)
    name = f"meshutaf_bench_measurement_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{name}"))


def setup(args: argparse.Namespace) -> None:
    data_dir = tempfile.mkdtemp(prefix="meshutaf-bench-measurement-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["MESHUTAF_DATA_DIR"] = data_dir
    os.makedirs(os.path.join(data_dir, "static"))  # WhiteNoise warns about a missing one
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    os.environ.setdefault("MESHUTAF_MANIFEST_STATIC", "0")
    os.environ.setdefault("MESHUTAF_SECRET_KEY", "bench-only-not-a-secret")
    url = os.environ.get("DATABASE_URL", "")
    if args.postgres and not url:
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    if url:
        os.environ["DATABASE_URL"] = _postgres_database(url)
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


# ---------------------------------------------------------------- building the data


def _quarters(count: int) -> list[str]:
    first = 2025 - (count - 1) // 4
    codes = [f"{year}-Q{q}" for year in range(first, 2026) for q in range(1, 5)]
    return codes[-count:]


def build_reference(size: dict) -> dict:
    """Users, the initiative, the geography tree, two frameworks, their indicators, a
    baseline and a target each."""
    from meshutaf.accounts.models import User
    from meshutaf.initiatives.models import Initiative, Membership
    from meshutaf.measurement.models import (
        Baseline,
        Framework,
        Geography,
        Indicator,
        Target,
    )

    rng = random.Random(14)
    backbone = User.objects.create_user("bench-backbone", is_backbone=True)
    member = User.objects.create_user("bench-member")
    initiative = Initiative.objects.create(
        kind="collective_impact", name="Bench town", status="active"
    )
    Membership.objects.create(initiative=initiative, user=backbone, role="facilitator")
    Membership.objects.create(initiative=initiative, user=member, role="participant")

    # The tree: 1 country, 7 districts, 14 sub-districts, then localities and neighbourhoods
    # splitting what is left about 1 to 5.5.
    country = Geography.objects.create(code="B", level="country", name="ארץ")
    districts = Geography.objects.bulk_create(
        Geography(code=f"B-{d}", level="district", name=f"מחוז {d}", parent=country)
        for d in range(DISTRICTS)
    )
    subs = Geography.objects.bulk_create(
        Geography(code=f"{p.code}-{s}", level="sub_district", name=f"נפה {p.code}-{s}", parent=p)
        for p in districts
        for s in range(SUB_DISTRICTS_EACH)
    )
    rest = size["units"] - 1 - len(districts) - len(subs)
    locality_count = round(rest / 6.47)
    localities = Geography.objects.bulk_create(
        Geography(code=f"L{n}", level="locality", name=f"יישוב {n}", parent=subs[n % len(subs)])
        for n in range(locality_count)
    )
    neighbourhoods = Geography.objects.bulk_create(
        Geography(
            code=f"L{n % locality_count}-{n}",
            level="neighbourhood",
            name=f"שכונה {n}",
            parent=localities[n % locality_count],
        )
        for n in range(rest - locality_count)
    )
    units = 1 + len(districts) + len(subs) + len(localities) + len(neighbourhoods)

    frameworks = {}
    indicators: dict[str, list] = {}
    for label, count in (("large", size["indicators"]), ("small", size["small_framework"])):
        framework = Framework.objects.create(
            initiative=initiative, name=f"Bench {label}", area=country
        )
        frameworks[label] = framework
        indicators[label] = Indicator.objects.bulk_create(
            Indicator(
                framework=framework,
                code=f"I{n:03d}",
                name=f"מדד {n}",
                kind="proportion" if n % 5 == 0 else "count",
                period_type="quarter",
                dimensions=DIMENSIONS,
                direction="down" if n % 3 == 0 else "up",
                order=n,
            )
            for n in range(count)
        )
    periods = _quarters(size["periods"])
    Baseline.objects.bulk_create(
        Baseline(
            indicator=i,
            geography=country,
            period=periods[3],
            value=Decimal("0.5") if i.kind == "proportion" else Decimal(20000),
            method="bench",
        )
        for group in indicators.values()
        for i in group
    )
    Target.objects.bulk_create(
        Target(
            indicator=i,
            geography=country,
            value=(Decimal("0.4") if i.kind == "proportion" else Decimal(15000))
            if i.direction == "down"
            else (Decimal("0.6") if i.kind == "proportion" else Decimal(26000)),
            year=2030,
        )
        for group in indicators.values()
        for i in group
    )
    return {
        "rng": rng,
        "backbone": backbone,
        "member": member,
        "initiative": initiative,
        "country": country,
        "neighbourhoods": neighbourhoods,
        "units": units,
        "frameworks": frameworks,
        "indicators": indicators,
        "periods": periods,
    }


def _keys() -> list[tuple[str, str, float]]:
    """The country-level keys: the total and each dimension's values, with their shares."""
    keys = [("", "", 1.0)]
    for dimension in DIMENSIONS:
        for value, share in zip(dimension["values"], SHARES[dimension["name"]], strict=True):
            keys.append((dimension["name"], value, share))
    return keys


def observation_rows(ref: dict, size: dict, *, skip_deep: int = 0):
    """Yield (indicator, geography, period, key, value, numerator, denominator) until
    `size["observations"]`: first every indicator's national series with its 9 keys, then
    whole periods of neighbourhood values, indicator by indicator. Parts add up to totals."""
    rng: random.Random = ref["rng"]
    periods = ref["periods"]
    target = size["observations"]
    written = 0
    every = ref["indicators"]["large"] + ref["indicators"]["small"]
    for indicator in every:
        ratio = indicator.kind == "proportion"
        for step, period in enumerate(periods):
            trend = 1 + (0.01 if indicator.direction == "up" else -0.01) * step
            if ratio:
                denominator = rng.randint(90_000, 110_000)
                share = min(0.95, 0.5 * trend * rng.uniform(0.97, 1.03))
            else:
                total = round(20_000 * trend * rng.uniform(0.97, 1.03))
            for name, value, part in _keys():
                key = f"{name}={value}" if name else ""
                if ratio:
                    bottom = round(denominator * part)
                    top = round(bottom * share)
                    yield indicator, ref["country"], period, key, None, top, bottom
                else:
                    yield indicator, ref["country"], period, key, round(total * part), None, None
                written += 1
                if written >= target:
                    return
    # Neighbourhood values: counts from 0 to 80, so some are small and suppressed.
    for indicator in ref["indicators"]["large"][skip_deep:]:
        for period in periods:
            for unit in ref["neighbourhoods"]:
                if indicator.kind == "proportion":
                    bottom = rng.randint(20, 400)
                    yield indicator, unit, period, "", None, rng.randint(0, bottom), bottom
                else:
                    yield indicator, unit, period, "", rng.randint(0, 80), None, None
                written += 1
                if written >= target:
                    return


def bulk_insert(ref: dict, size: dict, rows) -> int:
    """Insert the rows straight into the observation table, approved by the backbone: COPY
    on PostgreSQL, executemany on SQLite, in chunks, so memory stays flat."""
    from django.db import connection, transaction
    from django.utils import timezone

    from meshutaf.measurement.models import Observation
    from meshutaf.measurement.periods import parse_period

    now = timezone.now()
    starts = {p: parse_period(p).start for p in ref["periods"]}
    backbone_id = ref["backbone"].pk
    fields = [f for f in Observation._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    variable = {
        "indicator_id",
        "geography_id",
        "period",
        "period_start",
        "disaggregation",
        "value",
        "numerator",
        "denominator",
    }
    fixed = {
        "state": "approved",
        "current": True,
        "created_by_id": backbone_id,
        "reviewed_by_id": backbone_id,
        "created_at": now,
        "reviewed_at": now,
        "status": "final",
        "definition_version": 1,
    }
    defaults = {}
    for f in fields:
        if f.attname in variable:
            continue
        if f.attname in fixed:
            defaults[f.attname] = fixed[f.attname]
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif not f.null:
            defaults[f.attname] = ""  # the blank text fields (source, reason returned…)
        else:
            defaults[f.attname] = None  # nullable: round, partner, supersedes, retrieved_on…
    postgres = connection.vendor == "postgresql"
    if not postgres:
        defaults = {
            name: (value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value)
            for name, value in defaults.items()
        }
    table = Observation._meta.db_table
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:

        def record(row) -> tuple:
            indicator, unit, period, key, value, top, bottom = row
            if value is None and bottom:
                value = Decimal(top) / Decimal(bottom)
                value = value.quantize(Decimal("0.000001"))
            values = {
                "indicator_id": indicator.pk,
                "geography_id": unit.pk,
                "period": period,
                "period_start": starts[period] if postgres else starts[period].isoformat(),
                "disaggregation": key,
                "value": value,
                "numerator": top,
                "denominator": bottom,
            }
            return tuple(
                values[f.attname] if f.attname in values else defaults[f.attname] for f in fields
            )

        if postgres:
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(record(row))
                    count += 1
        else:
            names = ", ".join(f'"{c}"' for c in columns)
            # The table's and columns' names come from the model, never from input.
            marks = ", ".join("?" * len(columns))
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
            raw = cursor.cursor
            chunk: list[tuple] = []
            for row in rows:
                chunk.append(record(row))
                if len(chunk) >= 20_000:
                    raw.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                raw.executemany(sql, chunk)
                count += len(chunk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count


# ---------------------------------------------------------------- measuring


def _median_ms(timings: list[float]) -> float:
    return round(statistics.median(timings) * 1000, 1)


def measure_scorecard(ref: dict, size: dict) -> dict:
    """GET the scorecard page as the backbone, for the small and the large framework."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from meshutaf.core.access import Role
    from meshutaf.measurement import selectors
    from meshutaf.measurement.permissions import Viewer

    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.force_login(ref["backbone"])
    figures = {}
    sql: dict[str, list[str]] = {}
    for label in ("small", "large"):
        framework = ref["frameworks"][label]
        try:
            url = reverse("measurement:scorecard", args=[framework.pk])
        except NoReverseMatch:
            url = None
        if url is not None:

            def run(url=url):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")

            how = "page"
        else:
            viewer = Viewer.of(user=ref["backbone"], role=Role.FACILITATOR)

            def run(framework=framework, viewer=viewer):
                selectors.scorecard(viewer, framework)

            how = "selectors.scorecard (the page is not there yet)"
        run()  # warm: templates, translations, the first connection
        timings = []
        for _ in range(size["rounds"]):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                run()
                timings.append(time.perf_counter() - start)
        count = len(ref["indicators"][label])
        sql[label] = [query["sql"][:110] for query in queries.captured_queries]
        figures[f"scorecard_{count}"] = {
            "median_ms": _median_ms(timings),
            "max_ms": round(max(timings) * 1000, 1),
            "queries": len(queries.captured_queries),
            "measured": how,
        }
    if len(sql["small"]) != len(sql["large"]):
        print("The scorecard's queries differ between the frameworks:")
        for label in ("small", "large"):
            print(f"  {label}:")
            for query in sql[label]:
                print(f"    {query}")
    return figures


def measure_drill_down(ref: dict, size: dict, *, indicator) -> dict:
    from meshutaf.core.access import Role
    from meshutaf.measurement import selectors
    from meshutaf.measurement.permissions import Viewer

    period = ref["periods"][-1]
    figures = {}
    for who, viewer in (
        ("backbone", Viewer.of(user=ref["backbone"], role=Role.FACILITATOR)),
        ("member", Viewer.of(user=ref["member"], role=Role.PARTICIPANT)),
    ):
        timings, nodes = [], []
        for _ in range(max(3, size["rounds"] // 2)):
            start = time.perf_counter()
            nodes = selectors.drill_down(viewer, indicator, period=period, area=ref["country"])
            timings.append(time.perf_counter() - start)
        figures[f"drill_down_{who}"] = {
            "median_ms": _median_ms(timings),
            "nodes": len(nodes),
            "hidden": sum(1 for n in nodes if n.shown is not None and n.shown.hidden),
            "aggregated": sum(1 for n in nodes if n.shown is not None and n.shown.aggregated),
        }
    return figures


def measure_import(ref: dict, size: dict, *, indicators) -> dict:
    """Write a CSV of neighbourhood values for cells not stored yet and import it as the
    backbone, approved (checked row by row, written in bulk)."""
    from meshutaf.core.access import Role
    from meshutaf.measurement import services
    from meshutaf.measurement.entries import entry_check
    from meshutaf.measurement.models import Observation

    try:
        from meshutaf.measurement import importing
    except ImportError:
        importing = None
    rng = random.Random(5)
    rows = []
    for indicator in indicators:
        for period in ref["periods"]:
            for unit in ref["neighbourhoods"]:
                if len(rows) >= size["import_rows"]:
                    break
                if indicator.kind == "proportion":
                    bottom = rng.randint(20, 400)
                    rows.append((indicator, unit, period, None, rng.randint(0, bottom), bottom))
                else:
                    rows.append((indicator, unit, period, rng.randint(0, 80), None, None))
    if len(rows) < size["import_rows"]:
        raise SystemExit("not enough free cells for the import; raise the indicators")
    before = Observation.objects.count()
    path = Path(os.environ["MESHUTAF_DATA_DIR"]) / "import.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["indicator", "geography", "period", "value", "numerator", "denominator"])
        for indicator, unit, period, value, top, bottom in rows:
            writer.writerow(
                [
                    indicator.code,
                    unit.code,
                    period,
                    "" if value is None else value,
                    "" if top is None else top,
                    "" if bottom is None else bottom,
                ]
            )
    framework = ref["frameworks"]["large"]
    start = time.perf_counter()
    if importing is not None and hasattr(importing, "import_file"):
        report = importing.import_file(
            path,
            format="csv",
            framework=framework,
            by=ref["backbone"],
            role=Role.FACILITATOR,
            approve=True,
        )
        how = "importing.import_file (CSV, checked, approved)"
        written, errors = report.written, len(report.errors)
    else:
        prepared = [
            services.Prepared(
                indicator,
                unit,
                entry_check(
                    indicator, period=period, value=value, numerator=top, denominator=bottom
                ),
            )
            for indicator, unit, period, value, top, bottom in rows
        ]
        written = services.observations_write_many(
            rows=prepared, by=ref["backbone"], role=Role.FACILITATOR, partner=None, approve=True
        )
        how = "services.observations_write_many (importing.py not there yet)"
        errors = 0
    seconds = time.perf_counter() - start
    stored = Observation.objects.count() - before
    return {
        "import": {
            "rows": len(rows),
            "written": written,
            "stored": stored,
            "errors": errors,
            "seconds": round(seconds, 2),
            "measured": how,
        }
    }


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM, else ru_maxrss), in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _line(name: str, value: float, unit: str, target: float, quick: bool, extra: str = "") -> None:
    verdict = "(quick run)" if quick else ("OK" if value <= target else "OVER TARGET")
    print(f"{name:28} {value:10.1f} {unit:3} target ≤ {target:g} {unit}  {verdict}  {extra}")


def main() -> None:
    args = parse_args()
    size = QUICK if args.quick else FULL
    setup(args)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    ref = build_reference(size)
    # The import writes neighbourhood values of the last indicators: keep those cells free.
    free = -(-size["import_rows"] // (len(ref["neighbourhoods"]) * len(ref["periods"])))
    deep = ref["indicators"]["large"][: len(ref["indicators"]["large"]) - free]
    import_indicators = ref["indicators"]["large"][len(deep) :]
    ref_for_rows = {**ref, "indicators": {**ref["indicators"], "large": deep}}
    start = time.perf_counter()
    stored = bulk_insert(ref, size, observation_rows(ref_for_rows, size))
    inserted = time.perf_counter() - start
    print(
        f"database {connection.vendor}: migrated in {migrated:.1f}s; "
        f"{len(ref['indicators']['large'])} + {len(ref['indicators']['small'])} indicators, "
        f"{ref['units']} geography units, {len(ref['periods'])} periods, "
        f"{len(DIMENSIONS)} dimensions, {stored:,} observations inserted in {inserted:.1f}s"
    )
    if stored < size["observations"]:
        raise SystemExit(f"only {stored} observations could be generated")

    figures: dict = {
        "benchmark": "measurement",
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "database": connection.vendor,
        "quick": args.quick,
        "indicators": len(ref["indicators"]["large"]),
        "geography_units": ref["units"],
        "periods": len(ref["periods"]),
        "dimensions": len(DIMENSIONS),
        "observations": stored,
        "insert_seconds": round(inserted, 1),
    }
    figures.update(measure_scorecard(ref, size))
    # A count reported in every neighbourhood in every period.
    figures.update(measure_drill_down(ref, size, indicator=deep[1]))
    figures.update(measure_import(ref, size, indicators=import_indicators))
    figures["peak_mib"] = peak_mib()
    figures["load_average_at_end"] = round(os.getloadavg()[0], 2)

    small = f"scorecard_{size['small_framework']}"
    large = f"scorecard_{size['indicators']}"
    for key in (small, large):
        _line(
            f"{key} ({figures[key]['measured'][:4]})",
            figures[key]["median_ms"],
            "ms",
            TARGETS["scorecard_ms"],
            args.quick,
            f"{figures[key]['queries']} queries, max {figures[key]['max_ms']} ms",
        )
    flat = figures[small]["queries"] == figures[large]["queries"]
    print(f"{'scorecard queries flat':28} {'yes' if flat else 'NO':>10}")
    figures["scorecard_queries_flat"] = flat
    for who in ("backbone", "member"):
        item = figures[f"drill_down_{who}"]
        _line(
            f"drill_down_{who}",
            item["median_ms"],
            "ms",
            TARGETS["drill_down_ms"],
            args.quick,
            f"{item['nodes']} units, {item['aggregated']} aggregated, {item['hidden']} hidden",
        )
    item = figures["import"]
    _line(
        f"import {item['rows']:,} rows",
        item["seconds"],
        "s",
        TARGETS["import_s"],
        args.quick,
        f"{item['written']:,} written; {item['measured']}",
    )
    _line("peak memory", figures["peak_mib"], "MiB", TARGETS["peak_mib"], args.quick)
    print(
        f"{'load average (1 min)':28} {figures['load_average_at_start']:10.2f} at the start, "
        f"{figures['load_average_at_end']:.2f} at the end, on {os.cpu_count()} cores"
    )
    figures["targets"] = TARGETS
    figures["met"] = (
        flat
        and all(figures[k]["median_ms"] <= TARGETS["scorecard_ms"] for k in (small, large))
        and all(
            figures[f"drill_down_{w}"]["median_ms"] <= TARGETS["drill_down_ms"]
            for w in ("backbone", "member")
        )
        and figures["import"]["seconds"] <= TARGETS["import_s"]
        and figures["peak_mib"] <= TARGETS["peak_mib"]
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
