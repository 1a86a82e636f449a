"""Moving a site from its embedded SQLite database to PostgreSQL:
`meshutaf migrate-database --to postgres://…`.

The move works from a consistent copy of the SQLite file (the online backup API), so the site
may keep running while it is made; what changes after that moment is not moved, which is why
the command asks for the site to be stopped first. The PostgreSQL database must be empty of
data: it is migrated to this code's tables, emptied of what migrating wrote (content types and
permissions, whose ids would otherwise differ from the site's), then every table of every model
is copied through the ORM (so each value is converted by its field: booleans, times in UTC,
JSON, bytes), history tables and the search index included, in one transaction. PostgreSQL
checks foreign keys at the commit, so tables go in any order; sequences then continue after
the copied ids, and each table's row count is compared with the copy's.

PostgreSQL cannot store the NUL character in text (SQLite can): a JSON dump of such a site
loads nothing. Here each NUL in a text or JSON value becomes U+FFFD (the replacement
character), and the command reports how many, per table.

The uploaded files and trained models stay where they are: in the data directory, which the
site keeps using after the move.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils.translation import gettext as _

from meshutaf.core.backup import Progress, sqlite_snapshot
from meshutaf.core.commands import Refused

SOURCE, TARGET = "move_source", "move_target"
BATCH = 2000
NUL, REPLACEMENT = "\x00", "\ufffd"


@dataclass
class MoveOutcome:
    rows: int
    tables: int
    seconds: float
    replaced: Counter = field(default_factory=Counter)  # table -> NUL characters replaced


def _clean(value, counter: list[int]):
    """`value` with every NUL in its text replaced; counter[0] counts them."""
    if isinstance(value, str):
        if NUL in value:
            counter[0] += value.count(NUL)
            return value.replace(NUL, REPLACEMENT)
        return value
    if isinstance(value, dict):
        return {_clean(k, counter): _clean(v, counter) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(item, counter) for item in value]
    return value


def _copied_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _target_settings(url: str) -> dict:
    config: dict
    try:
        config = dict(dj_database_url.parse(url))
    except (ValueError, KeyError):
        config = {}
    if config.get("ENGINE") != "django.db.backends.postgresql" or not config.get("NAME"):
        raise Refused(
            _("--to needs a PostgreSQL address: postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
        )
    return config


def _open(alias: str, config: dict) -> None:
    # configure_settings fills in Django's defaults; it insists on a "default" beside.
    both = {"default": dict(settings.DATABASES["default"]), alias: config}
    connections.settings[alias] = connections.configure_settings(both)[alias]


def _close(alias: str) -> None:
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _copy_model(model, replaced: Counter) -> int:
    fields = list(model._meta.concrete_fields)
    # bulk_create stamps auto_now / auto_now_add fields with the time of the insert: the
    # copied values must stay, so those flags are off while the model is copied.
    stamped = [
        (f, f.auto_now, f.auto_now_add)
        for f in fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    for f, _now, _add in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        return _copy_rows(model, fields, replaced)
    finally:
        for f, now, add in stamped:
            f.auto_now, f.auto_now_add = now, add


def _copy_rows(model, fields, replaced: Counter) -> int:
    text = [f for f in fields if isinstance(f, (models.CharField, models.TextField))]
    structured = [f for f in fields if isinstance(f, models.JSONField)]
    copied = 0
    batch: list = []
    manager = model._base_manager
    for obj in manager.using(SOURCE).order_by("pk").iterator(chunk_size=BATCH):
        counter = [0]
        for f in text + structured:
            value = getattr(obj, f.attname)
            if value is not None:
                setattr(obj, f.attname, _clean(value, counter))
        if counter[0]:
            replaced[model._meta.db_table] += counter[0]
        batch.append(obj)
        if len(batch) >= BATCH:
            manager.using(TARGET).bulk_create(batch)
            copied += len(batch)
            batch = []
    manager.using(TARGET).bulk_create(batch)
    return copied + len(batch)


def move_to_postgres(url: str, *, progress: Progress) -> MoveOutcome:
    """Copy this SQLite site's every row into the (empty) PostgreSQL database at `url`."""
    started = time.monotonic()
    if connection.vendor != "sqlite":
        raise Refused(_("This site's database is not SQLite: there is nothing to move."))
    config = _target_settings(url)
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".move-") as folder:
        snapshot = Path(folder) / "snapshot.sqlite3"
        progress(_("Copying the SQLite database…"))
        sqlite_snapshot(snapshot)
        _open(SOURCE, {**settings.DATABASES["default"], "NAME": str(snapshot)})
        _open(TARGET, config)
        try:
            return _move(progress, started)
        finally:
            _close(SOURCE)
            _close(TARGET)


def copy_sqlite_file_into_this_site(path: Path, *, progress: Progress) -> MoveOutcome:
    """Copy every row of the SQLite file at `path` (a restored backup's, in a staging folder)
    into this site's own, empty PostgreSQL database: a restore across the two kinds. The copy
    is brought up to this code's migrations first, so an older backup fits these models."""
    started = time.monotonic()
    _open(
        SOURCE,
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
        },
    )
    _open(TARGET, dict(settings.DATABASES["default"]))
    try:
        progress(_("Bringing the backup's tables up to this version…"))
        call_command("migrate", database=SOURCE, interactive=False, verbosity=0)
        return _move(progress, started)
    finally:
        _close(SOURCE)
        _close(TARGET)


def _move(progress: Progress, started: float) -> MoveOutcome:
    from django.contrib.auth import get_user_model

    try:
        connections[TARGET].ensure_connection()
    except DatabaseError as error:
        raise Refused(
            _("Cannot connect to the PostgreSQL database: %(error)s")
            % {"error": str(error).strip()}
        ) from None
    progress(_("Creating the tables in PostgreSQL…"))
    call_command("migrate", database=TARGET, interactive=False, verbosity=0)
    if get_user_model()._base_manager.using(TARGET).exists():
        raise Refused(
            _("The PostgreSQL database holds accounts already: move into an empty database.")
        )
    copied_models = _copied_models()
    outcome = MoveOutcome(rows=0, tables=len(copied_models), seconds=0.0)
    target = connections[TARGET]
    try:
        with transaction.atomic(using=TARGET):
            with target.cursor() as cursor:
                tables = ", ".join(target.ops.quote_name(m._meta.db_table) for m in copied_models)
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            for index, model in enumerate(copied_models, start=1):
                outcome.rows += _copy_model(model, outcome.replaced)
                if index % 20 == 0 or index == len(copied_models):
                    progress(
                        _("Tables: %(done)s of %(all)s, %(rows)s rows.")
                        % {"done": index, "all": len(copied_models), "rows": outcome.rows}
                    )
            with target.cursor() as cursor:
                for statement in target.ops.sequence_reset_sql(no_style(), copied_models):
                    cursor.execute(statement)
    except DatabaseError as error:
        raise Refused(
            _("The move stopped; no row was written to PostgreSQL: %(error)s")
            % {"error": str(error).strip()}
        ) from None
    for model in copied_models:
        theirs = model._base_manager.using(SOURCE).count()
        if model._base_manager.using(TARGET).count() != theirs:
            raise Refused(_("%(table)s did not arrive whole.") % {"table": model._meta.db_table})
    outcome.seconds = time.monotonic() - started
    return outcome
