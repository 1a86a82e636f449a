"""The site's own commands: serve, worker, migrate, demo, backup and restore, translations,
static files, check and manage.py."""

import argparse
import sys

from meshutaf.core import backup, checks, database_move, supervisor
from meshutaf.core.commands import fail
from meshutaf.core.env import env_int, env_str
from meshutaf.core.i18n import compile_translations
from meshutaf.core.staticfiles import collect_static_if_changed
from meshutaf.core.worker import worker_run
from meshutaf.meetings.tasks import ensure_tick


def add_parser(commands) -> None:
    from django.utils.translation import gettext as _

    serve = commands.add_parser(
        "serve", help=_("Serve the site (gunicorn) with a background worker beside it.")
    )
    serve.add_argument("--host", default=env_str("HOST", "127.0.0.1"), help=_("address"))
    serve.add_argument(
        "--port", type=int, default=env_int("PORT", 8000, minimum=1, maximum=65535), help=_("port")
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=env_int("MESHUTAF_WORKERS", 3, minimum=1),
        help=_("number of web server processes"),
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help=_(
            "do not start a background worker beside the web server (when workers run "
            "separately, with `meshutaf worker`)"
        ),
    )

    commands.add_parser("migrate", help=_("Create or update the database tables."))
    commands.add_parser("demo", help=_("Load the demo workspace (once; later runs skip)."))
    commands.add_parser("compilemessages", help=_("Compile the interface translations."))
    commands.add_parser(
        "collectstatic",
        help=_("Collect the static files for serving (only when they have changed)."),
    )

    commands.add_parser(
        "worker",
        help=_("Run the background task worker (e-mail, reminders, the weekly digest)."),
    )
    backup = commands.add_parser(
        "backup", help=_("Write the database and the data files to one archive.")
    )
    backup.add_argument("file", help=_("the archive to write (a new file, .tar.gz)"))
    backup.add_argument(
        "--include-secret-key",
        action="store_true",
        help=_(
            "also store the site's secret key, so sessions and links sent by e-mail stay "
            "valid after a restore (keep such an archive as safe as the key)"
        ),
    )
    restore = commands.add_parser(
        "restore", help=_("Restore an archive made by `meshutaf backup` into an empty site.")
    )
    restore.add_argument("file", help=_("the archive to restore"))
    move = commands.add_parser(
        "migrate-database",
        help=_("Move this site from its SQLite database to an empty PostgreSQL database."),
    )
    move.add_argument(
        "--to",
        required=True,
        metavar="postgres://…",
        help=_("the PostgreSQL database to move into (empty)"),
    )
    commands.add_parser("check", help=_("Check the installation for problems."))
    manage = commands.add_parser("manage", help=_("Run any Django management command."))
    manage.add_argument("args", nargs=argparse.REMAINDER, help=_("command and its options"))


def run(args) -> int:
    from django.core.management import call_command, execute_from_command_line
    from django.utils.translation import gettext as _

    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "migrate":
        if database_predates_layout():
            return fail(
                _(
                    "This database was made before Meshutaf's apps were reorganised "
                    "(December 2026), and there is no upgrade path for it. Move the data folder "
                    "aside (or point DATABASE_URL at an empty database) and run this again."
                )
            )
        call_command("migrate", interactive=False)
        return 0
    if args.command == "demo":
        return cmd_demo(args)
    if args.command == "compilemessages":
        from django.conf import settings

        for path in compile_translations(settings.LOCALE_PATHS[0]):
            print(path)
        return 0
    if args.command == "collectstatic":
        if collect_static_if_changed():
            print(_("Static files collected."))
        else:
            print(_("Static files are up to date."))
        return 0
    if args.command == "worker":
        if problem := checks.local_mail_problem():
            return fail(problem)
        ensure_tick()  # the clock for reminders and the weekly digest
        worker_run()
        return 0
    if args.command in ("backup", "restore", "migrate-database"):
        return cmd_backup_restore(args)
    if args.command == "check":
        call_command("check")
        print(_("No problems found."))
        return 0
    if args.command == "manage":
        execute_from_command_line(["meshutaf manage", *args.args])
        return 0
    return 1


def cmd_backup_restore(args) -> int:
    from django.utils.translation import gettext as _

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        return _backup_or_restore(args, progress)
    except OSError as error:  # a full disk, a folder not writable: said plainly
        return fail(
            _("%(tool)s failed: %(error)s") % {"tool": f"meshutaf {args.command}", "error": error}
        )


def _backup_or_restore(args, progress) -> int:
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if args.command == "backup":
        outcome = backup.backup(
            args.file, include_secret_key=args.include_secret_key, progress=progress
        )
        print(
            _(
                "Backup written: %(file)s, %(size)s MB, %(rows)s rows, %(files)s files, "
                "%(seconds).1f s."
            )
            % {
                "file": outcome.path,
                "size": f"{outcome.size / 1024**2:.1f}",
                "rows": outcome.rows,
                "files": outcome.files,
                "seconds": outcome.seconds,
            }
        )
        return 0
    if args.command == "migrate-database":
        moved = database_move.move_to_postgres(args.to, progress=progress)
        for table, count in sorted(moved.replaced.items()):
            print(
                ngettext(
                    "%(table)s: %(count)s NUL character replaced (PostgreSQL cannot store it).",
                    "%(table)s: %(count)s NUL characters replaced (PostgreSQL cannot store them).",
                    count,
                )
                % {"table": table, "count": count}
            )
        print(
            _(
                "Moved: %(rows)s rows in %(tables)s tables, %(seconds).1f s. Now stop the site "
                "and its workers, set DATABASE_URL to the new database, and start them again; "
                "the data folder stays as it is."
            )
            % {"rows": moved.rows, "tables": moved.tables, "seconds": moved.seconds}
        )
        return 0
    outcome = backup.restore(args.file, progress=progress)
    print(
        _("Restored: %(rows)s rows, %(files)s files, %(seconds).1f s.")
        % {"rows": outcome.rows, "files": outcome.files, "seconds": outcome.seconds}
    )
    return 0


def cmd_serve(args) -> int:
    from django.utils.translation import gettext as _

    if problem := checks.local_mail_problem():
        return fail(problem)
    if collect_static_if_changed():
        print(_("Static files collected."), flush=True)

    def ready(url: str) -> None:
        print(_("Meshutaf: %(url)s  (stop with Ctrl+C)") % {"url": url}, flush=True)
        if args.no_worker:
            print(_("No background worker was started (--no-worker)."), flush=True)

    def event(kind: str, data: dict) -> None:
        messages = {
            "web_failed": _(
                "The web server did not start (is port %(port)s in use? Try PORT=8001)."
            ),
            "worker_died": _(
                "The background worker stopped (exit code %(code)s); restarting in %(pause)s s."
            ),
            "worker_restarted": _("The background worker was started again."),
            "web_stopped": _("The web server stopped (exit code %(code)s)."),
        }
        if kind == "web_stopped" and not data.get("code"):
            return  # stopped as asked
        if kind in messages:
            print(messages[kind] % {"port": args.port, **data}, file=sys.stderr, flush=True)

    return supervisor.supervise(
        host=args.host,
        port=args.port,
        web_workers=args.workers,
        with_worker=not args.no_worker,
        on_ready=ready,
        on_event=event,
    )


def cmd_demo(args) -> int:
    from django.utils.translation import gettext as _

    try:
        from meshutaf.demo import demo_load
    except ModuleNotFoundError as error:
        # The demo (and its published password) is left out of the wheel.
        if error.name != "meshutaf.demo":
            raise
        return fail(
            _(
                "The demo workspace is not part of this installation; "
                "install from a source checkout."
            )
        )

    result = demo_load()
    if result.created:
        print(_("The demo workspace was loaded."))
    else:
        print(_("The demo workspace is already loaded."))
    print(_("Demo logins (username / password):"))
    for username, password, description in result.logins:
        print(f"  {username} / {password}  — {description}")
    return 0


# Apps whose migrations only a database made before the reorganisation has (their models
# moved to directory, stakeholder_map and search, and every app's migrations were regenerated).
RETIRED_APPS = {"stakeholders"}


def database_predates_layout() -> bool:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    return any(app in RETIRED_APPS for app, _name in applied) or (
        ("knowledge", "0003_search_index") in applied
    )
