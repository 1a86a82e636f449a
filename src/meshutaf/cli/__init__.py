"""The `meshutaf` command: parsing, dispatch and the terminal's language.

The sub-commands live beside what they work on: the site's own (serve, worker, migrate, demo,
translations, static files, check, manage) in `cli/site.py`, the others in each app's
`commands.py` (accounts, stakeholder_map, reports, search, deliberation, discourse,
measurement). Each module adds its parsers with `add_parser(commands)` and runs them with
`run(args)`; they import `core.commands` for what they share, never this module.

Help and messages follow the terminal's language (LANGUAGE / LC_ALL / LC_MESSAGES / LANG,
or MESHUTAF_LANGUAGE); Hebrew when none of them names Hebrew, Arabic or English.
"""

import argparse
import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured

from meshutaf.core.commands import Refused, fail
from meshutaf.core.datadir import data_dir_prepare

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


# Commands that read files and print numbers: no database, no installed apps. They run on a
# minimal configuration (translations only), which saves the second or so the full site takes
# to load (`deliberation analyze` of a small export otherwise spends most of its time there).
PURE_COMMANDS = {("deliberation", "analyze")}


def _pure(argv: list[str]) -> bool:
    words = [word for word in argv if not word.startswith("-")][:2]
    return tuple(words) in PURE_COMMANDS


def _setup(*, pure: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    import django
    from django.conf import settings

    if pure and not settings.configured:
        from pathlib import Path

        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="he",
            LANGUAGES=[("he", "Hebrew"), ("ar", "Arabic"), ("en", "English")],
            LOCALE_PATHS=[Path(__file__).resolve().parent.parent / "locale"],
            INSTALLED_APPS=[],
        )
        django.setup()
        from django.utils import translation

        translation.activate(terminal_language())
        return
    try:
        # The settings only read the data directory and its key: make them first (unless
        # this process has its settings already, as the test suite does).
        if not settings.configured:
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


# Each module adds its sub-commands with `add_parser(commands)` and runs them with `run(args)`.
# The site's own commands live beside this module; the others beside their app.
COMMAND_MODULES = (
    "meshutaf.cli.site",
    "meshutaf.accounts.commands",
    "meshutaf.stakeholder_map.commands",
    "meshutaf.reports.commands",
    "meshutaf.search.commands",
    "meshutaf.deliberation.commands",
    "meshutaf.discourse.commands",
    "meshutaf.measurement.commands",
    "meshutaf.programs.commands",
)


# Which module adds each command. A command run by name imports only its own module: the
# others pull in most of the site (the reports module alone loads scipy.stats, about a second),
# which a one-line command should not pay for. tests/core/test_cli.py checks this agrees with
# what the modules register.
COMMAND_OWNERS = {
    **dict.fromkeys(
        (
            "compilemessages",
            "manage",
            "collectstatic",
            "worker",
            "check",
            "migrate",
            "demo",
            "backup",
            "restore",
            "migrate-database",
        ),
        "meshutaf.cli.site",
    ),
    "serve": "meshutaf.cli.site",
    "token": "meshutaf.accounts.commands",
    "createuser": "meshutaf.accounts.commands",
    "two-factor-reset": "meshutaf.accounts.commands",
    "stakeholders": "meshutaf.stakeholder_map.commands",
    "report": "meshutaf.reports.commands",
    "search": "meshutaf.search.commands",
    "deliberation": "meshutaf.deliberation.commands",
    "discourse": "meshutaf.discourse.commands",
    "measurement": "meshutaf.measurement.commands",
    "programs": "meshutaf.programs.commands",
}


def _command_named(argv: list[str]) -> str | None:
    """The command argv asks for, when it is one we know (else None: build them all)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first if first in COMMAND_OWNERS else None


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict]:
    """The parser, and which module runs each sub-command; with `only`, just the module that
    adds that command."""
    from django.utils.translation import gettext as _

    parser = _Parser(
        prog="meshutaf",
        description=_("Meshutaf: a platform for cross-sector collaborative processes."),
    )
    commands = parser.add_subparsers(dest="command", metavar=_("command"), parser_class=_Parser)
    runners = {}
    for name in COMMAND_MODULES if only is None else (COMMAND_OWNERS[only],):
        module = importlib.import_module(name)
        before = set(commands.choices)
        module.add_parser(commands)
        runners.update(dict.fromkeys(set(commands.choices) - before, module.run))
    return parser, runners


def main(argv: list[str] | None = None) -> int:
    # Whatever the site writes (database, uploads, logs, mail) is for its own user only.
    os.umask(0o077)
    _setup(pure=_pure(sys.argv[1:] if argv is None else argv))
    try:
        parser, runners = build_parser(_command_named(sys.argv[1:] if argv is None else argv))
    except ImproperlyConfigured as error:  # e.g. PORT=80a: its message, no traceback
        return fail(str(error))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return runners[args.command](args)
    except Refused as refused:
        return fail(str(refused), refused.code)


if __name__ == "__main__":
    sys.exit(main())
