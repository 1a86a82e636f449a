"""`meshutaf deliberation import|export`: the parts of the command that use the database."""

from meshutaf.core.access import Action
from meshutaf.core.commands import active_user_named, fail, write_atomically
from meshutaf.core.forms import MAX_ID
from meshutaf.deliberation import polis_format, selectors
from meshutaf.deliberation.models import Conversation
from meshutaf.deliberation.services import polis_import
from meshutaf.initiatives.permissions import initiative_get_for_user


def deliberation_import(args, export) -> int:
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    user = active_user_named(args.as_user)
    if not 0 < args.initiative <= MAX_ID:
        return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    try:
        initiative = initiative_get_for_user(
            user=user, pk=args.initiative, action=Action.MANAGE
        ).obj
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


def deliberation_export(args) -> int:
    import io
    from pathlib import Path

    from django.utils.translation import gettext as _

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
