"""`meshutaf search reindex`: rebuild the search index."""

from django.utils.translation import gettext as _

from .indexing import reindex_all


def add_parser(commands) -> None:
    search_command = commands.add_parser("search", help=_("Maintain the search index."))
    search_commands = search_command.add_subparsers(
        dest="search_command", metavar=_("action"), required=True
    )
    search_commands.add_parser("reindex", help=_("Rebuild the whole search index."))


def run(args) -> int:
    print(_("%(count)s entries indexed.") % {"count": reindex_all()})
    return 0
