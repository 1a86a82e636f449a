"""`meshutaf report`: an initiative's summary report as HTML, DOCX or PDF."""

from django.conf import settings

from meshutaf.core.access import Role
from meshutaf.core.commands import active_user_named, fail, write_atomically
from meshutaf.core.forms import MAX_ID
from meshutaf.initiatives.models import Initiative
from meshutaf.initiatives.permissions import initiative_get_for_user
from meshutaf.measurement.permissions import Viewer
from meshutaf.reports import render, selectors

BACKBONE = Viewer(role=Role.FACILITATOR)


def add_parser(commands) -> None:
    from django.utils.translation import gettext as _

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
        choices=[code for code, _name in settings.LANGUAGES],
        help=_("language of the report (default: the terminal's)"),
    )
    report.add_argument(
        "--as",
        dest="as_user",
        help=_("username whose permissions apply; without it, the operator at the console"),
    )


def run(args) -> int:
    return cmd_report(args)


def cmd_report(args) -> int:
    import datetime
    from pathlib import Path

    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils import translation
    from django.utils.translation import gettext as _

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
    user = role = None
    if args.as_user:
        user = active_user_named(args.as_user)
    if not 0 < args.initiative <= MAX_ID:
        return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    if user is None:
        # The operator at the console, who can reach the database anyway.
        initiative = Initiative.objects.filter(pk=args.initiative).first()
        if initiative is None:
            return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    else:
        try:
            initiative, role = initiative_get_for_user(user=user, pk=args.initiative)
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
        # The summary's own words (verdicts, names in the report's language) are written in
        # the report's language, not the terminal's.
        with translation.override(language):
            summary = selectors.initiative_summary(
                initiative=initiative,
                date_from=dates["from"],
                date_to=dates["to"],
                # The operator at the console reads everything, as the backbone does.
                viewer=Viewer.of(user=user, role=role) if user is not None else BACKBONE,
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
