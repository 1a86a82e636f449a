"""`meshutaf migrate-database --to postgres://…` (meshutaf.core.database_move): the demo site
moved from its SQLite file into an empty PostgreSQL database, every row and every value, a
NUL character included, then read back by the site on PostgreSQL."""

import json
import os
import sqlite3
import subprocess
from contextlib import closing

import pytest

from ..site_process import Site, create_database, drop_database

SERVER = "postgres://postgres@127.0.0.1:5432/postgres"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the move starts from SQLite: it runs in the suite's SQLite pass",
)


@pytest.fixture
def empty_postgres():
    try:
        url = create_database(SERVER)
    except Exception as error:  # any failure to reach the server
        pytest.skip(f"no PostgreSQL server at {SERVER}: {error}")
    yield url
    drop_database(url)


def model_tables(site) -> dict[str, int]:
    """Row counts of the tables Django's models own (not its migration log, not FTS5's)."""
    return {
        name: rows
        for name, rows in site.table_counts().items()
        if name not in ("django_migrations", "meshutaf_cache") and not name.startswith("search_fts")
    }


def failing(site, *args) -> subprocess.CompletedProcess:
    with pytest.raises(subprocess.CalledProcessError) as raised:
        site.command(*args)
    assert raised.value.returncode == 2
    return raised.value


def test_the_demo_site_moves_to_postgresql_whole(site, empty_postgres):
    site.command("demo", timeout=600)
    # Text SQLite keeps and PostgreSQL cannot: a NUL in a text column and in a JSON value.
    with closing(sqlite3.connect(site.data_dir / "meshutaf.sqlite3")) as database:
        database.execute(
            "UPDATE initiatives_initiative SET vision = vision || char(0) || 'x' "
            "WHERE id = (SELECT MIN(id) FROM initiatives_initiative)"
        )
        database.execute(
            "UPDATE deliberation_conversation SET analysis = json_set(analysis, '$.note', "
            "'a' || char(0) || 'b') WHERE id = (SELECT MIN(id) FROM deliberation_conversation)"
        )
        database.commit()
    expected = model_tables(site)
    first = site.query("SELECT id, created_at, name FROM initiatives_initiative ORDER BY id")

    moved = site.command("migrate-database", "--to", empty_postgres, timeout=600)
    assert "initiatives_initiative: 1 NUL" in moved.stdout
    assert "deliberation_conversation: 1 NUL" in moved.stdout
    assert "DATABASE_URL" in moved.stdout

    on_postgres = Site(site.data_dir, empty_postgres)
    assert model_tables(on_postgres) == expected
    rows = on_postgres.query(
        "SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), name "
        "FROM initiatives_initiative ORDER BY id"
    )
    assert [tuple(map(str, row)) for row in rows] == [tuple(map(str, row)) for row in first]
    (vision,) = on_postgres.query("SELECT vision FROM initiatives_initiative ORDER BY id LIMIT 1")[
        0
    ]
    assert vision.endswith("\ufffdx")
    # The site on PostgreSQL reads what it read on SQLite, and new rows get new ids.
    code = "\n".join(
        [
            "import json",
            "from django.contrib.auth import get_user_model",
            "from meshutaf.deliberation.models import Conversation",
            "maps = {c.pk: c.analysis for c in Conversation.objects.order_by('pk')}",
            "users = get_user_model().objects",
            "made = users.create_user(username='after-the-move-' + str(users.count()))",
            "print(json.dumps([maps, made.pk > max(users.exclude(pk=made.pk)"
            ".values_list('pk', flat=True))], default=str))",
        ]
    )
    before = json.loads(site.shell(code).splitlines()[-1])
    after = json.loads(on_postgres.shell(code).splitlines()[-1])
    assert after[1] is True
    for maps in (before[0], after[0]):
        for analysis in maps.values():
            analysis.pop("note", None)
    assert after[0] == before[0]

    # The database holds the site now: a second move into it is refused.
    refused = failing(site, "migrate-database", "--to", empty_postgres)
    assert "holds accounts already" in refused.stderr


def test_a_move_to_somewhere_else_is_refused_with_a_message(site):
    assert "PostgreSQL address" in failing(site, "migrate-database", "--to", "mysql://x/y").stderr
    unreachable = "postgres://postgres@127.0.0.1:1/nothing"
    assert "Cannot connect" in failing(site, "migrate-database", "--to", unreachable).stderr


def test_a_sqlite_backup_restores_into_postgresql(site, make_site, empty_postgres):
    """The other road to PostgreSQL: `meshutaf backup` on the SQLite site, `meshutaf restore`
    on a new site whose DATABASE_URL is PostgreSQL. Every model table's rows and every file."""
    site.command("demo", timeout=600)
    with closing(sqlite3.connect(site.data_dir / "meshutaf.sqlite3")) as database:
        database.execute(
            "UPDATE initiatives_initiative SET vision = vision || char(0) "
            "WHERE id = (SELECT MIN(id) FROM initiatives_initiative)"
        )
        database.commit()
    expected = model_tables(site)
    archive = site.data_dir.parent / "site.tar.gz"
    site.command("backup", str(archive))
    files = sorted(
        (path.relative_to(site.data_dir / "uploads"), path.read_bytes())
        for path in (site.data_dir / "uploads").rglob("*")
        if path.is_file()
    )
    target = make_site("on-postgres")
    target = Site(target.data_dir, empty_postgres)
    target.command("migrate")
    restored = target.command("restore", str(archive), timeout=600)
    assert "initiatives_initiative: 1 NUL character replaced" in restored.stdout + restored.stderr
    assert model_tables(target) == expected
    assert files == sorted(
        (path.relative_to(target.data_dir / "uploads"), path.read_bytes())
        for path in (target.data_dir / "uploads").rglob("*")
        if path.is_file()
    )
    assert "already" in failing(target, "restore", str(archive)).stderr
