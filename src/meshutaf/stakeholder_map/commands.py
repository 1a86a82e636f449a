"""`meshutaf stakeholders export|import`: an initiative's stakeholder register to and from files."""

import sys

from meshutaf.core.access import Action
from meshutaf.core.commands import active_user_named, fail
from meshutaf.directory.models import Organisation, Person
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to
from meshutaf.initiatives.models import Initiative
from meshutaf.initiatives.permissions import initiative_get_for_user
from meshutaf.stakeholder_map import importing
from meshutaf.stakeholder_map.exports import register_export_for


def add_parser(commands) -> None:
    from django.utils.translation import gettext as _

    stakeholders = commands.add_parser("stakeholders", help=_("Work with stakeholder maps."))
    stakeholders.set_defaults(stakeholders_parser=stakeholders)
    map_commands = stakeholders.add_subparsers(
        dest="stakeholders_command", metavar=_("action"), parser_class=type(stakeholders)
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


def run(args) -> int:
    if args.stakeholders_command == "export":
        return cmd_stakeholders_export(args)
    if args.stakeholders_command == "import":
        return cmd_stakeholders_import(args)
    args.stakeholders_parser.print_help(sys.stderr)
    return 2


def cmd_stakeholders_export(args) -> int:
    from django.http import Http404
    from django.utils.translation import gettext as _

    user = None
    if args.as_user:
        user = active_user_named(args.as_user)
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

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    user = None
    if args.as_user:
        user = active_user_named(args.as_user)
        try:
            initiative = initiative_get_for_user(
                user=user, pk=args.initiative, action=Action.MANAGE
            ).obj
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
