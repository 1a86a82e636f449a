"""`meshutaf deliberation analyze|import|export`: Pol.is open-data exports in and out.

`analyze` is pure (files in, numbers out) and imports nothing that needs the database, so
the command line can run it with a minimal Django setup (see `meshutaf.cli`); `import` and
`export` live in `commands_db`, loaded only when they run.
"""

from meshutaf.core.commands import fail
from meshutaf.deliberation import opinion, replay
from meshutaf.deliberation.labels import group_label
from meshutaf.deliberation.polis_arrays import read_export_arrays
from meshutaf.deliberation.polis_format import PolisFormatError, read_export


def add_parser(commands) -> None:
    from django.utils.translation import gettext as _

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
    analyze.add_argument(
        "--restart-after",
        type=float,
        default=None,
        metavar=_("HOURS"),
        help=_(
            "in the replay, assume Pol.is's worker restarted whenever no vote came for this "
            "many hours (a restart forgets the clustering for each number of groups)"
        ),
    )
    analyze.add_argument(
        "--one-shot",
        action="store_true",
        help=_(
            "cluster the final votes once instead of replaying Pol.is's updates in time order "
            "(the default when the votes carry their times)"
        ),
    )
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


def run(args) -> int:
    return cmd_deliberation(args)


def cmd_deliberation(args) -> int:
    import json
    import sys
    import time

    from django.utils.translation import gettext as _

    if args.deliberation_command == "export":
        from . import commands_db  # the database only for import and export

        return commands_db.deliberation_export(args)
    if not 0 <= getattr(args, "seed", 0) < 2**32:
        return fail(_("The seed must be a whole number from 0 to 4294967295."))
    try:
        if args.deliberation_command == "import":
            export = read_export(args.polis_dir)
        else:
            votes = read_export_arrays(args.polis_dir)
    except PolisFormatError as error:
        return fail(str(error))
    if args.deliberation_command == "import":
        from . import commands_db

        return commands_db.deliberation_import(args, export)
    started = time.perf_counter()
    restart_after = args.restart_after
    if restart_after is not None and not 0 < restart_after <= 24 * 365 * 10:
        return fail(_("--restart-after must be a number of hours above 0."))
    too_large = not replay.fits(len(votes.voter_names), len(votes.comment_names))
    if votes.timed and not args.one_shot and too_large:
        print(
            _("Too large to replay (%(participants)s participants × %(statements)s statements).")
            % {"participants": len(votes.voter_names), "statements": len(votes.comment_names)},
            file=sys.stderr,
        )
    if votes.timed and not args.one_shot and not too_large:
        method = "replay"
        gap = None if restart_after is None else int(restart_after * 3_600_000)
        table, replayer = votes.replayed(seed=args.seed, restart_gap_ms=gap)
        result = opinion.analyze(table, seed=args.seed, groups_by_row=replayer.group_of_rows())
    else:
        method = "one-shot"
        table = votes.vote_table()
        del votes  # the table holds what the analysis needs; the raw votes can go
        result = opinion.analyze(table, seed=args.seed)
    result.seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({**result.as_json(), "method": method}, ensure_ascii=False))
        return 0
    if method == "replay":
        print(
            _("Groups from a replay of %(updates)s updates, votes in time order.")
            % {"updates": replayer.state.updates}
        )
    else:
        print(_("Groups from one analysis of the final votes."))
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
