"""The `meshutaf` command: serve, migrate, demo, users, tokens, reports, search, deliberation,
the Discourse Index (its sub-commands live in `discourse/commands.py`), the worker, and manage.py.

Help and messages follow the terminal's language (LANGUAGE / LC_ALL / LC_MESSAGES / LANG,
or MESHUTAF_LANGUAGE); Hebrew when none of them names Hebrew, Arabic or English.
"""

import argparse
import getpass
import os
import sys

from meshutaf.core.commands import fail, write_atomically

SUPPORTED = ("he", "ar", "en")


def terminal_language() -> str:
    explicit = os.environ.get("MESHUTAF_LANGUAGE", "")
    if explicit[:2] in SUPPORTED:
        return explicit[:2]
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in os.environ.get(name, "").split(":"):
            code = part[:2].lower()
            if code == "iw":
                return "he"
            if code in SUPPORTED:
                return code
    return "he"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        # The settings only read the data directory and its key: make them first (unless
        # this process has its settings already, as the test suite does).
        if not settings.configured:
            from meshutaf.core.datadir import data_dir_prepare

            data_dir_prepare()
        django.setup()
    except ImproperlyConfigured as error:  # a malformed variable: its message, no traceback
        raise SystemExit(fail(str(error))) from None
    from django.utils import translation

    translation.activate(terminal_language())


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own words ("usage:") come from Python's catalogue; say them in ours."""

    def add_usage(self, usage, actions, groups, prefix=None):
        from django.utils.translation import gettext as _

        return super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """A parser whose section titles and -h help are in the active language; sub-command
    parsers are built from this class too."""

    def __init__(self, *args, **kwargs):
        from django.utils.translation import gettext as _

        kwargs.update(formatter_class=_HelpFormatter, add_help=False)
        super().__init__(*args, **kwargs)
        self._positionals.title = _("arguments")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", help=_("show this help and exit"))


def build_parser() -> argparse.ArgumentParser:
    from django.utils.translation import gettext as _

    parser = _Parser(
        prog="meshutaf",
        description=_("Meshutaf: a platform for cross-sector collaborative processes."),
    )
    commands = parser.add_subparsers(dest="command", metavar=_("command"), parser_class=_Parser)

    serve = commands.add_parser(
        "serve", help=_("Serve the site (gunicorn) with a background worker beside it.")
    )
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help=_("address"))
    serve.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8000")), help=_("port")
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("MESHUTAF_WORKERS", "3")),
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

    createuser = commands.add_parser("createuser", help=_("Create a user account."))
    createuser.add_argument("username", help=_("username"))
    createuser.add_argument("--password", help=_("password (asked for when omitted)"))
    createuser.add_argument("--email", default="", help=_("email address"))
    createuser.add_argument(
        "--staff", action="store_true", help=_("administrator who sees everything")
    )
    createuser.add_argument(
        "--backbone",
        action="store_true",
        help=_("backbone staff: may create initiatives and manage the directory"),
    )

    token = commands.add_parser("token", help=_("Manage personal API tokens."))
    token.set_defaults(token_parser=token)
    token_commands = token.add_subparsers(
        dest="token_command", metavar=_("action"), parser_class=_Parser
    )
    token_create = token_commands.add_parser("create", help=_("Create a token and print it."))
    token_create.add_argument("username", help=_("username"))
    token_create.add_argument("--name", default="cli", help=_("a name for the token"))

    stakeholders = commands.add_parser("stakeholders", help=_("Work with stakeholder maps."))
    stakeholders.set_defaults(stakeholders_parser=stakeholders)
    map_commands = stakeholders.add_subparsers(
        dest="stakeholders_command", metavar=_("action"), parser_class=_Parser
    )
    export = map_commands.add_parser(
        "export", help=_("Export an initiative's stakeholder register.")
    )
    export.add_argument("--initiative", type=int, required=True, help=_("initiative id"))
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv", help=_("file format"))
    export.add_argument(
        "--as",
        dest="as_user",
        help=_(
            "username whose permissions apply (sensitive notes only for its facilitators); "
            "without it, the register without sensitive notes"
        ),
    )
    export.add_argument("--output", default="-", help=_("file to write ('-' for standard output)"))

    import_command = map_commands.add_parser(
        "import", help=_("Import stakeholders from a CSV or XLSX file onto a map.")
    )
    import_command.add_argument("file", help=_("CSV or XLSX file"))
    import_command.add_argument("--initiative", type=int, required=True, help=_("initiative id"))
    import_command.add_argument(
        "--as",
        dest="as_user",
        help=_("username of a facilitator of the initiative (recorded as the author)"),
    )
    import_command.add_argument(
        "--dry-run", action="store_true", help=_("check the file and report; write nothing")
    )
    import_command.add_argument(
        "--accept-suggestions",
        action="store_true",
        help=_("link near matches to the closest directory entry instead of creating new ones"),
    )

    report = commands.add_parser(
        "report", help=_("Write an initiative's summary report as HTML, DOCX or PDF.")
    )
    report.add_argument("--initiative", type=int, required=True, help=_("initiative id"))
    report.add_argument(
        "--from",
        dest="date_from",
        metavar=_("DATE"),
        help=_("first day, YYYY-MM-DD (default: the first recorded activity)"),
    )
    report.add_argument(
        "--to",
        dest="date_to",
        metavar=_("DATE"),
        help=_("last day, YYYY-MM-DD (default: the last recorded activity, today at the latest)"),
    )
    report.add_argument(
        "--format",
        choices=["html", "docx", "pdf"],
        help=_("file format (default: from the output file's extension, else html)"),
    )
    report.add_argument("--output", required=True, help=_("file to write"))
    report.add_argument(
        "--language",
        choices=list(SUPPORTED),
        help=_("language of the report (default: the terminal's)"),
    )
    report.add_argument(
        "--as",
        dest="as_user",
        help=_("username whose permissions apply; without it, the operator at the console"),
    )

    commands.add_parser(
        "worker",
        help=_("Run the background task worker (e-mail, reminders, the weekly digest)."),
    )
    search_command = commands.add_parser("search", help=_("Maintain the search index."))
    search_commands = search_command.add_subparsers(
        dest="search_command", metavar=_("action"), required=True
    )
    search_commands.add_parser("reindex", help=_("Rebuild the whole search index."))
    deliberation = commands.add_parser(
        "deliberation", help=_("Analyse, import and export deliberations (Pol.is format).")
    )
    deliberation_commands = deliberation.add_subparsers(
        dest="deliberation_command", metavar=_("action"), required=True
    )
    analyze = deliberation_commands.add_parser(
        "analyze",
        help=_("Compute the opinion groups of a Pol.is open-data export."),
        description=_(
            "Reads votes.csv and comments.csv (the latest vote per voter and statement counts; "
            "statements moderated out are left out of the results) and prints the groups, "
            "their representative statements and the consensus."
        ),
    )
    analyze.add_argument(
        "--polis-dir",
        required=True,
        metavar=_("DIR"),
        help=_("folder with votes.csv and comments.csv"),
    )
    analyze.add_argument("--seed", type=int, default=0, help=_("random seed (default 0)"))
    analyze.add_argument("--json", action="store_true", help=_("print one JSON object"))
    polis_in = deliberation_commands.add_parser(
        "import", help=_("Import a Pol.is open-data export as a closed conversation.")
    )
    polis_in.add_argument("--polis-dir", required=True, metavar=_("DIR"))
    polis_in.add_argument("--initiative", type=int, required=True, help=_("initiative id"))
    polis_in.add_argument("--title", required=True, help=_("the conversation's title"))
    polis_in.add_argument(
        "--as", dest="as_user", required=True, help=_("username of a facilitator of the initiative")
    )
    polis_out = deliberation_commands.add_parser(
        "export", help=_("Write a conversation as votes.csv and comments.csv (Pol.is format).")
    )
    polis_out.add_argument("--conversation", type=int, required=True, help=_("conversation id"))
    polis_out.add_argument("--output-dir", required=True, metavar=_("DIR"))
    from meshutaf.discourse.commands import add_parser as add_discourse_parser

    add_discourse_parser(commands)
    commands.add_parser("check", help=_("Check the installation for problems."))
    manage = commands.add_parser("manage", help=_("Run any Django management command."))
    manage.add_argument("args", nargs=argparse.REMAINDER, help=_("command and its options"))
    return parser


def cmd_serve(args) -> int:
    from django.utils.translation import gettext as _

    from meshutaf.core import supervisor
    from meshutaf.core.staticfiles import collect_static_if_changed

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


def cmd_createuser(args) -> int:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from meshutaf.accounts.services import user_create

    password = args.password
    if password is None:
        if not sys.stdin.isatty():
            return fail(_("Give a password with --password (no terminal to ask on)."))
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password again: ")):
            return fail(_("The two passwords differ. Nothing was created."))
    try:
        user = user_create(
            username=args.username,
            password=password,
            email=args.email,
            is_staff=args.staff,
            is_backbone=args.backbone,
        )
    except ValidationError as error:
        messages = [message for messages in error.message_dict.values() for message in messages]
        return fail(_("Nothing was created: %(reason)s") % {"reason": " ".join(messages)})
    print(_("Created user %(username)s.") % {"username": user.username})
    return 0


def cmd_token_create(args) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from meshutaf.accounts.services import api_token_create

    user = get_user_model().objects.filter(username=args.username, is_active=True).first()
    if user is None:
        return fail(_("No active user is called %(username)s.") % {"username": args.username})
    try:
        _token, raw = api_token_create(user=user, name=args.name)
    except ValidationError as error:
        return fail(" ".join(error.messages))
    print(raw)
    return 0


def cmd_stakeholders_export(args) -> int:
    from django.contrib.auth import get_user_model
    from django.http import Http404
    from django.utils.translation import gettext as _

    from meshutaf.initiatives.permissions import initiative_get_for_user
    from meshutaf.stakeholder_map.views import register_export_for

    user = None
    if args.as_user:
        user = get_user_model().objects.filter(username=args.as_user, is_active=True).first()
        if user is None:
            return fail(_("No active user is called %(username)s.") % {"username": args.as_user})
    if args.format == "xlsx" and args.output == "-":
        return fail(_("An Excel file cannot go to standard output; give --output FILE."))
    try:
        # The gate first, so that a refused export leaves no empty file behind.
        if user is not None:
            initiative_get_for_user(user=user, pk=args.initiative)
        if args.output == "-":
            count = register_export_for(
                user=user, initiative_id=args.initiative, file_format="csv", stream=sys.stdout
            )
        else:
            mode, options = ("w", {"encoding": "utf-8", "newline": ""})
            if args.format == "xlsx":
                mode, options = ("wb", {})
            with open(args.output, mode, **options) as stream:
                count = register_export_for(
                    user=user,
                    initiative_id=args.initiative,
                    file_format=args.format,
                    stream=stream,
                )
    except Http404:
        if user is None:
            return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
        return fail(
            _("No initiative %(id)s that %(username)s may see.")
            % {"id": args.initiative, "username": args.as_user}
        )
    except BrokenPipeError:
        return 0  # the reader (e.g. head) stopped early
    except OSError as error:
        return fail(
            _("Cannot write %(path)s: %(reason)s") % {"path": args.output, "reason": error.strerror}
        )
    if args.output != "-":
        print(
            _("Wrote %(count)s stakeholders to %(path)s.") % {"count": count, "path": args.output}
        )
    return 0


def cmd_stakeholders_import(args) -> int:
    from pathlib import Path

    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    from meshutaf.initiatives.models import Initiative
    from meshutaf.initiatives.permissions import Action, initiative_get_for_user
    from meshutaf.stakeholder_map import importing
    from meshutaf.directory.models import Organisation, Person
    from meshutaf.directory.permissions import organisations_visible_to, people_visible_to

    user = None
    if args.as_user:
        user = get_user_model().objects.filter(username=args.as_user, is_active=True).first()
        if user is None:
            return fail(_("No active user is called %(username)s.") % {"username": args.as_user})
        try:
            initiative = initiative_get_for_user(
                user=user, pk=args.initiative, action=Action.MANAGE
            )
        except (Http404, PermissionDenied):
            return fail(
                _("%(username)s does not facilitate initiative %(id)s.")
                % {"username": args.as_user, "id": args.initiative}
            )
        organisations = organisations_visible_to(user=user)
        people = people_visible_to(user=user)
    else:
        # The operator at the console, who can reach the database anyway: the whole directory.
        initiative = Initiative.objects.filter(pk=args.initiative).first()
        if initiative is None:
            return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
        organisations, people = Organisation.objects.all(), Person.objects.all()
    path = Path(args.file)
    try:
        headers, rows = importing.read_table(path.read_bytes(), path.name)
    except OSError as error:
        return fail(
            _("Cannot read %(path)s: %(reason)s") % {"path": args.file, "reason": error.strerror}
        )
    except importing.ImportFileError as error:
        return fail(str(error))
    results = importing.validate_rows(rows, importing.guess_mapping(headers))
    importing.match_rows(results, initiative=initiative, organisations=organisations, people=people)
    bad = [result for result in results if result.errors]
    for result in bad:
        print(
            _("Row %(row)s: %(reason)s") % {"row": result.number, "reason": " ".join(result.errors)}
        )
    good = len(results) - len(bad)
    print(_("%(good)s rows ready, %(bad)s rows with problems.") % {"good": good, "bad": len(bad)})
    if args.dry_run:
        return 1 if bad else 0
    decisions = {
        result.number: str(result.suggestions[0]["id"])
        for result in results
        if result.suggestions and args.accept_suggestions
    }
    try:
        outcome = importing.import_apply(
            initiative=initiative,
            by=user,
            results=[result.as_dict() for result in results],
            decisions=decisions,
            organisations=organisations,
            people=people,
        )
    except ValidationError as error:
        return fail(_("Nothing was imported: %(reason)s") % {"reason": " ".join(error.messages)})
    print(
        _("Imported %(count)s stakeholders; %(skipped)s rows skipped.")
        % {"count": outcome.created_profiles, "skipped": outcome.skipped}
    )
    return 0


def cmd_report(args) -> int:
    import datetime
    from pathlib import Path

    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils import translation
    from django.utils.translation import gettext as _

    from meshutaf.core.forms import MAX_ID
    from meshutaf.initiatives.models import Initiative
    from meshutaf.initiatives.permissions import initiative_get_for_user
    from meshutaf.reports import render, selectors

    dates = {}
    for name, value in (("from", args.date_from), ("to", args.date_to)):
        try:
            dates[name] = None if value is None else datetime.date.fromisoformat(value.strip())
        except ValueError:
            return fail(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-31.")
                % {"value": value}
            )
    file_format = args.format
    if file_format is None:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        file_format = suffix if suffix in render.FORMATS else "html"
    user = None
    if args.as_user:
        user = get_user_model().objects.filter(username=args.as_user, is_active=True).first()
        if user is None:
            return fail(_("No active user is called %(username)s.") % {"username": args.as_user})
    if not 0 < args.initiative <= MAX_ID:
        return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    if user is None:
        # The operator at the console, who can reach the database anyway.
        initiative = Initiative.objects.filter(pk=args.initiative).first()
        if initiative is None:
            return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    else:
        try:
            initiative = initiative_get_for_user(user=user, pk=args.initiative)
        except Http404:
            return fail(
                _("No initiative %(id)s that %(username)s may see.")
                % {"id": args.initiative, "username": args.as_user}
            )
    if dates["from"] is None or dates["to"] is None:
        default_from, default_to = selectors.report_default_range(initiative=initiative)
        dates["from"] = dates["from"] or default_from
        dates["to"] = dates["to"] or default_to
    language = args.language or translation.get_language()
    try:
        summary = selectors.initiative_summary(
            initiative=initiative, date_from=dates["from"], date_to=dates["to"]
        )
        content = render.render(summary, file_format=file_format, language=language)
    except ValidationError as error:
        return fail(_("No report was written: %(reason)s") % {"reason": " ".join(error.messages)})
    except render.ReportUnavailableError as error:
        return fail(str(error))
    try:
        write_atomically(args.output, content)
    except OSError as error:
        return fail(
            _("Cannot write %(path)s: %(reason)s")
            % {"path": args.output, "reason": error.strerror or error}
        )
    print(_("Wrote the report to %(path)s.") % {"path": args.output})
    return 0


def cmd_deliberation(args) -> int:
    import json

    from django.utils.translation import gettext as _

    from meshutaf.deliberation import opinion
    from meshutaf.deliberation.labels import group_label
    from meshutaf.deliberation.polis_format import PolisFormatError, read_export

    if args.deliberation_command == "export":
        return _deliberation_export(args)
    if not 0 <= getattr(args, "seed", 0) < 2**32:
        return fail(_("The seed must be a whole number from 0 to 4294967295."))
    try:
        export = read_export(args.polis_dir)
    except PolisFormatError as error:
        return fail(str(error))
    if args.deliberation_command == "import":
        return _deliberation_import(args, export)
    table = export.vote_table()
    result = opinion.analyze(table, seed=args.seed)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    clustered = sum(1 for group in result.participants.values() if group is not None)
    print(
        _(
            "%(participants)s participants (%(clustered)s in groups), %(statements)s statements, "
            "%(votes)s votes; %(seconds).2f s."
        )
        % {
            "participants": result.n_participants,
            "clustered": clustered,
            "statements": result.n_statements,
            "votes": result.n_votes,
            "seconds": result.seconds,
        }
    )
    for group in result.groups:
        print(
            _("Group %(label)s: %(size)s people")
            % {"label": group_label(group.id), "size": len(group.members)}
        )
        for rep in group.representative:
            print(f"  {rep.direction:8s} #{rep.statement}  {rep.score:.2f}")
    print(_("Consensus (agree): %(ids)s") % {"ids": ", ".join(map(str, result.consensus_agree))})
    print(
        _("Consensus (disagree): %(ids)s") % {"ids": ", ".join(map(str, result.consensus_disagree))}
    )
    return 0


def _deliberation_import(args, export) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    from meshutaf.core.forms import MAX_ID
    from meshutaf.deliberation.services import polis_import
    from meshutaf.initiatives.permissions import Action, initiative_get_for_user

    user = get_user_model().objects.filter(username=args.as_user, is_active=True).first()
    if user is None:
        return fail(_("No active user is called %(username)s.") % {"username": args.as_user})
    if not 0 < args.initiative <= MAX_ID:
        return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    try:
        initiative = initiative_get_for_user(user=user, pk=args.initiative, action=Action.MANAGE)
    except (Http404, PermissionDenied):
        return fail(
            _("%(username)s does not facilitate initiative %(id)s.")
            % {"id": args.initiative, "username": args.as_user}
        )
    try:
        conversation = polis_import(
            initiative=initiative, by=user, export=export, title=args.title.strip()[:200]
        )
    except ValidationError as error:
        return fail(" ".join(error.messages))
    print(
        _("Imported conversation %(id)s: %(statements)s statements, %(votes)s votes.")
        % {
            "id": conversation.pk,
            "statements": conversation.statements.count(),
            "votes": len(export.latest_votes()),
        }
    )
    return 0


def _deliberation_export(args) -> int:
    import io
    from pathlib import Path

    from django.utils.translation import gettext as _

    from meshutaf.core.forms import MAX_ID
    from meshutaf.deliberation import polis_format, selectors
    from meshutaf.deliberation.models import Conversation

    conversation = (
        Conversation.objects.filter(pk=args.conversation).first()
        if 0 < args.conversation <= MAX_ID
        else None
    )
    if conversation is None:
        return fail(_("There is no conversation %(id)s.") % {"id": args.conversation})
    directory = Path(args.output_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        votes, comments = selectors.export_rows(conversation)
        for name, writer, rows in (
            ("votes.csv", polis_format.write_votes, votes),
            ("comments.csv", polis_format.write_comments, comments),
        ):
            buffer = io.StringIO()
            writer(buffer, rows)
            write_atomically(str(directory / name), buffer.getvalue().encode())
    except OSError as error:
        return fail(
            _("Cannot write %(path)s: %(reason)s")
            % {"path": str(directory), "reason": error.strerror or error}
        )
    print(_("Wrote votes.csv and comments.csv to %(path)s.") % {"path": str(directory)})
    return 0


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


def main(argv: list[str] | None = None) -> int:
    # Whatever the site writes (database, uploads, logs, mail) is for its own user only.
    os.umask(0o077)
    _setup()
    from django.core.management import call_command, execute_from_command_line
    from django.utils.translation import gettext as _

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "migrate":
        call_command("migrate", interactive=False)
        return 0
    if args.command == "demo":
        return cmd_demo(args)
    if args.command == "compilemessages":
        from django.conf import settings

        from meshutaf.core.i18n import compile_translations

        for path in compile_translations(settings.LOCALE_PATHS[0]):
            print(path)
        return 0
    if args.command == "createuser":
        return cmd_createuser(args)
    if args.command == "token":
        if args.token_command != "create":  # noqa: S105
            args.token_parser.print_help(sys.stderr)
            return 2
        return cmd_token_create(args)
    if args.command == "stakeholders":
        if args.stakeholders_command == "export":
            return cmd_stakeholders_export(args)
        if args.stakeholders_command == "import":
            return cmd_stakeholders_import(args)
        args.stakeholders_parser.print_help(sys.stderr)
        return 2
    if args.command == "report":
        return cmd_report(args)
    if args.command == "collectstatic":
        from meshutaf.core.staticfiles import collect_static_if_changed

        if collect_static_if_changed():
            print(_("Static files collected."))
        else:
            print(_("Static files are up to date."))
        return 0
    if args.command == "worker":
        from meshutaf.core.worker import worker_run
        from meshutaf.meetings.tasks import ensure_tick

        ensure_tick()  # the clock for reminders and the weekly digest
        worker_run()
        return 0
    if args.command == "search":
        from meshutaf.search.indexing import reindex_all

        print(_("%(count)s entries indexed.") % {"count": reindex_all()})
        return 0
    if args.command == "deliberation":
        return cmd_deliberation(args)
    if args.command == "discourse":
        from meshutaf.discourse.commands import run

        return run(args)
    if args.command == "check":
        call_command("check")
        print(_("No problems found."))
        return 0
    if args.command == "manage":
        execute_from_command_line(["meshutaf manage", *args.args])
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
