"""A whole site in one archive, and back: `meshutaf backup FILE` and `meshutaf restore FILE`.

The archive is a gzip-compressed tar file holding:

- `database/meshutaf.sqlite3`: a consistent copy made with SQLite's online backup API (the
  site may keep running), or `database/meshutaf.pgdump`: `pg_dump --format=custom` of a
  PostgreSQL database (one snapshot, as pg_dump takes it in one transaction);
- `files/uploads/…` (uploaded documents and CVs) and `files/discourse/models/…` (trained
  Discourse Index models): the two folders of the data directory that hold data, as opposed
  to what is rebuilt (static files), transient (imports being staged, the outbox) or the
  site's own (logs);
- `settings/secret_key`, only when asked (`--include-secret-key`): with it, signed links and
  sessions stay valid after a restore; without it the archive opens no account by itself;
- `manifest.json`, written last: the format, when, which database, every table's row count,
  the applied migrations and each member's size and SHA-256.

A restore reads the archive into a staging folder inside the data directory, refusing anything
but the members above (no links, no paths outside, bounded count and size) and any member
whose checksum differs from the manifest, and checks the staged database's row counts, all
before it changes anything. It restores only into an empty site (no account, no files), on the
database kind the backup came from; the database goes in whole (SQLite: the file replaced;
PostgreSQL: pg_restore in one transaction), then the files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meshutaf.core.commands import Refused
from meshutaf.core.datadir import SECRET_KEY_FILE
from meshutaf.core.env import env_str

FORMAT = "meshutaf-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/meshutaf.sqlite3"
POSTGRES_MEMBER = "database/meshutaf.pgdump"
SECRET_MEMBER = "settings/secret_key"  # noqa: S105 (a member name)
# Folders of the data directory that hold data, and where they go in the archive.
FILE_FOLDERS = {"uploads": "files/uploads", "discourse/models": "files/discourse/models"}
# What a restore accepts from an archive.
MAX_MEMBERS = 1_000_000
MAX_TOTAL_BYTES = 500 * 1024**3
MAX_MANIFEST_BYTES = 64 * 1024**2
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


@dataclass
class Outcome:
    path: Path
    size: int
    seconds: float
    files: int
    rows: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f} MB"


def _vendor() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise Refused(_("Backups support SQLite and PostgreSQL databases only."))
    return connection.vendor


def table_counts(cursor) -> dict[str, int]:
    """Rows per table, for every table the database has (history tables included)."""
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _applied_migrations(cursor) -> list[list[str]]:
    if "django_migrations" not in connection.introspection.table_names(cursor):
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def _postgres_arguments() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection options for the site's database, and the environment
    that carries its password (never on the command line, where `ps` would show it)."""
    database: dict = dict(settings.DATABASES["default"])
    arguments = ["--dbname", str(database["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments += [option, str(database[key])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return arguments, environment


def _run_tool(command: list[str], environment: dict[str, str]) -> None:
    try:
        done = subprocess.run(  # noqa: S603 (fixed tools, arguments from the settings)
            command, env=environment, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise Refused(
            _("%(tool)s is not installed; it comes with PostgreSQL's client tools.")
            % {"tool": command[0]}
        ) from None
    if done.returncode != 0:
        raise Refused(
            _("%(tool)s failed: %(error)s") % {"tool": command[0], "error": done.stderr.strip()}
        )


def sqlite_snapshot(target: Path) -> None:
    """A consistent copy of the site's SQLite database at `target`, made with SQLite's online
    backup API while the site may keep writing."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _database_copy(folder: Path) -> tuple[str, Path, dict[str, int], list[list[str]]]:
    """A consistent copy of the database in `folder`: its member name, its path, and the row
    counts and applied migrations read from that same copy (a live site writes sessions and
    counters in between; counts from another moment would not match the copy)."""
    vendor = _vendor()
    if vendor == "sqlite":
        target = folder / "database.sqlite3"
        sqlite_snapshot(target)
        return SQLITE_MEMBER, target, _sqlite_counts(target), _sqlite_migrations(target)
    target = folder / "database.pgdump"
    arguments, environment = _postgres_arguments()
    # pg_dump reads the snapshot this transaction exports, so counts and dump agree.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        counts = table_counts(cursor)
        migrations = _applied_migrations(cursor)
        _run_tool(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--snapshot",
                snapshot,
                "--file",
                str(target),
                *arguments,
            ],
            environment,
        )
    return POSTGRES_MEMBER, target, counts, migrations


def _sqlite_migrations(path: Path) -> list[list[str]]:
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = database.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [[str(app), str(name)] for app, name in rows]
    except sqlite3.OperationalError:  # no migrations table: an empty database
        return []
    finally:
        database.close()


def _data_files() -> Iterator[tuple[str, Path]]:
    """(member name, path) of every file in the folders that hold data."""
    data_dir = Path(settings.DATA_DIR)
    for folder, prefix in FILE_FOLDERS.items():
        root = data_dir / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield f"{prefix}/{path.relative_to(root).as_posix()}", path


def backup(file: str | Path, *, include_secret_key: bool = False, progress: Progress) -> Outcome:
    """Write the site to a new archive at `file` (never over an existing file)."""
    started = time.monotonic()
    target = Path(file)
    if target.exists():
        raise Refused(_("%(file)s exists already; choose a new name.") % {"file": str(target)})
    if not target.parent.is_dir():
        raise Refused(_("There is no folder %(dir)s.") % {"dir": str(target.parent)})
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)  # mkstemp made it 0600: the archive holds everything, so it stays so
    members: list[dict] = []
    try:
        with (
            tempfile.TemporaryDirectory(dir=target.parent) as scratch,
            tarfile.open(temporary, "w:gz", compresslevel=6) as archive,
        ):

            def add(name: str, path: Path) -> None:
                size = path.stat().st_size
                members.append({"name": name, "size": size, "sha256": _sha256(path)})
                archive.add(path, arcname=name, recursive=False)

            progress(_("Copying the database…"))
            name, copy, counts, migrations = _database_copy(Path(scratch))
            add(name, copy)
            progress(
                _("Database: %(tables)s tables, %(rows)s rows, %(size)s.")
                % {
                    "tables": len(counts),
                    "rows": sum(counts.values()),
                    "size": _megabytes(copy.stat().st_size),
                }
            )
            copy.unlink()
            if not isinstance(storages["default"], FileSystemStorage):
                progress(
                    _(
                        "Uploaded files are kept in the object store, not in this archive: "
                        "back up the bucket with the store's own tools (see "
                        "docs/deployment.md)."
                    )
                )
            files = list(_data_files())
            for index, (name, path) in enumerate(files, start=1):
                add(name, path)
                if index % 500 == 0 or index == len(files):
                    progress(_("Files: %(done)s of %(all)s.") % {"done": index, "all": len(files)})
            if include_secret_key:
                key = Path(scratch) / "secret_key"
                key.write_text(str(settings.SECRET_KEY))
                add(SECRET_MEMBER, key)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": timezone.now().isoformat(),
                "database": {"vendor": connection.vendor, "member": name, "tables": counts},
                "migrations": migrations,
                "members": members,
                "secret_key": include_secret_key,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
            archive.addfile(info, io.BytesIO(data))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    size = target.stat().st_size
    return Outcome(target, size, time.monotonic() - started, len(files), sum(counts.values()))


# ---- restore -----------------------------------------------------------------------------


def _allowed(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    if name in (MANIFEST, SQLITE_MEMBER, POSTGRES_MEMBER, SECRET_MEMBER):
        return True
    return any(name.startswith(prefix + "/") for prefix in FILE_FOLDERS.values())


def _unpack(file: Path, staging: Path, progress: Progress) -> dict:
    """Every member into `staging` (same names), checked; returns the manifest."""
    digests: dict[str, tuple[int, str]] = {}
    total = 0
    try:
        with tarfile.open(file, "r:*") as archive:
            for count, member in enumerate(archive, start=1):
                if count > MAX_MEMBERS:
                    raise Refused(_("The archive holds too many files."))
                if member.isdir():
                    continue
                if not member.isfile() or not _allowed(member.name):
                    raise Refused(
                        _("The archive holds %(name)s, which a Meshutaf backup does not.")
                        % {"name": member.name[:200]}
                    )
                total += member.size
                if total > MAX_TOTAL_BYTES or (
                    member.name == MANIFEST and member.size > MAX_MANIFEST_BYTES
                ):
                    raise Refused(_("The archive is larger than a restore accepts."))
                path = staging / member.name
                path.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is None:
                    raise Refused(_("The archive is damaged."))
                digest = hashlib.sha256()
                with path.open("wb") as stream:
                    while block := source.read(CHUNK):
                        digest.update(block)
                        stream.write(block)
                digests[member.name] = (member.size, digest.hexdigest())
                if count % 500 == 0:
                    progress(_("Read %(count)s files.") % {"count": count})
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile):
        raise Refused(_("The archive is damaged or is not a Meshutaf backup.")) from None
    except OSError as error:
        raise Refused(_("The archive cannot be read: %(error)s") % {"error": error}) from None
    return _checked_manifest(staging, digests)


def _checked_manifest(staging: Path, digests: dict[str, tuple[int, str]]) -> dict:
    if MANIFEST not in digests:
        raise Refused(_("The archive has no manifest: it is not a Meshutaf backup."))
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
        listed = {m["name"]: (int(m["size"]), str(m["sha256"])) for m in manifest["members"]}
        ok = manifest["format"] == FORMAT and isinstance(manifest["database"]["tables"], dict)
    except (ValueError, KeyError, TypeError):
        raise Refused(_("The archive's manifest is not readable.")) from None
    if not ok:
        raise Refused(_("The archive's manifest is not readable."))
    if manifest["version"] > VERSION:
        raise Refused(_("This backup was made by a newer Meshutaf; update this one first."))
    found = {name: value for name, value in digests.items() if name != MANIFEST}
    if found != listed:
        bad = sorted(set(found) ^ set(listed) | {n for n in found if listed.get(n) != found[n]})
        raise Refused(
            _("The archive does not match its manifest (%(names)s): it is damaged or altered.")
            % {"names": ", ".join(bad[:5])}
        )
    return manifest


def site_is_empty() -> bool:
    """No account in the database and no data file: nothing a restore could overwrite."""
    from django.contrib.auth import get_user_model

    user = get_user_model()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if user._meta.db_table in tables and user.objects.exists():
        return False
    return next(_data_files(), None) is None


def _sqlite_counts(path: Path) -> dict[str, int]:
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: int(database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])  # noqa: S608
            for name in sorted(names)
        }
    finally:
        database.close()


def _restore_database(manifest: dict, staging: Path, progress: Progress) -> None:
    vendor = _vendor()
    wanted = manifest["database"]["vendor"]
    if wanted == "sqlite" and vendor == "postgresql":
        # A SQLite site's backup restored into PostgreSQL: the rows are copied through the
        # ORM, as `migrate-database` does (database_move imports this module, hence here).
        from meshutaf.core.database_move import copy_sqlite_file_into_this_site

        staged = staging / SQLITE_MEMBER
        if _sqlite_counts(staged) != manifest["database"]["tables"]:
            raise Refused(_("The database in the archive does not hold the rows it should."))
        outcome = copy_sqlite_file_into_this_site(staged, progress=progress)
        for table, count in sorted(outcome.replaced.items()):
            progress(
                ngettext(
                    "%(table)s: %(count)s NUL character replaced (PostgreSQL cannot store it).",
                    "%(table)s: %(count)s NUL characters replaced (PostgreSQL cannot store them).",
                    count,
                )
                % {"table": table, "count": count}
            )
        return
    if wanted != vendor:
        raise Refused(
            _(
                "This backup holds a %(theirs)s database and this site uses %(ours)s: a "
                "restore needs the same kind."
            )
            % {"theirs": wanted, "ours": vendor}
        )
    progress(_("Restoring the database…"))
    if vendor == "sqlite":
        staged = staging / SQLITE_MEMBER
        if _sqlite_counts(staged) != manifest["database"]["tables"]:
            raise Refused(_("The database in the archive does not hold the rows it should."))
        target = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(staged, target)
        return
    arguments, environment = _postgres_arguments()
    connection.close()
    _run_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(staging / POSTGRES_MEMBER),
        ],
        environment,
    )


def restore(file: str | Path, *, progress: Progress) -> Outcome:
    """Restore the archive at `file` into this (empty) site."""
    started = time.monotonic()
    source = Path(file)
    if not source.is_file():
        raise Refused(_("There is no file %(file)s.") % {"file": str(source)})
    if not site_is_empty():
        raise Refused(
            _(
                "This site holds data already. A restore goes into an empty site: point "
                "MESHUTAF_DATA_DIR (and DATABASE_URL) at new ones and run `meshutaf migrate` "
                "first."
            )
        )
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as folder:
        staging = Path(folder)
        progress(_("Reading and checking the archive…"))
        manifest = _unpack(source, staging, progress)
        _check_migrations_known(manifest)
        _restore_database(manifest, staging, progress)
        restored = 0
        for prefix_folder, prefix in FILE_FOLDERS.items():
            root = staging / prefix
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    destination = data_dir / prefix_folder / path.relative_to(root)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, destination)
                    restored += 1
        progress(_("Files: %(count)s restored.") % {"count": restored})
        if manifest.get("secret_key"):
            _restore_secret_key(staging / SECRET_MEMBER, data_dir, progress)
    counts = manifest["database"]["tables"]
    # Across kinds, the copy compared every model table with the backup's (database_move);
    # the migration log and SQLite's own search tables have no match in PostgreSQL.
    if manifest["database"]["vendor"] == connection.vendor:
        if connection.vendor == "sqlite":
            # Counted as the backup counted its copy (every table SQLite lists).
            restored_counts = _sqlite_counts(Path(settings.DATABASES["default"]["NAME"]))
        else:
            with connection.cursor() as cursor:
                restored_counts = table_counts(cursor)
        if any(restored_counts.get(table) != rows for table, rows in counts.items()):
            raise Refused(_("The restored database does not hold the rows the backup listed."))
    if _migrations_pending():
        progress(_("This Meshutaf is newer than the backup: run `meshutaf migrate` now."))
    return Outcome(
        source, source.stat().st_size, time.monotonic() - started, restored, sum(counts.values())
    )


def _check_migrations_known(manifest: dict) -> None:
    """A backup whose database has migrations this code does not know came from a newer
    Meshutaf: its tables may not match these models, so it is refused."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    try:
        applied = {(str(app), str(name)) for app, name in manifest.get("migrations", [])}
    except (TypeError, ValueError):
        raise Refused(_("The archive's manifest is not readable.")) from None
    if applied - known:
        raise Refused(_("This backup was made by a newer Meshutaf; update this one first."))


def _migrations_pending() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _restore_secret_key(staged: Path, data_dir: Path, progress: Progress) -> None:
    if env_str("MESHUTAF_SECRET_KEY"):
        progress(
            _("The backup's secret key was not restored: MESHUTAF_SECRET_KEY sets this site's.")
        )
        return
    target = data_dir / SECRET_KEY_FILE
    os.chmod(staged, 0o600)
    os.replace(staged, target)
