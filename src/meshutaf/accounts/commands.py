"""`meshutaf createuser`, `meshutaf token create` and `meshutaf two-factor-reset`: accounts
from the console."""

import getpass
import sys

from meshutaf.accounts.services import (
    api_token_create,
    sessions_sign_out_everywhere,
    two_factor_disable,
    user_create,
)
from meshutaf.core.commands import active_user_named, fail


def add_parser(commands) -> None:
    from django.utils.translation import gettext as _

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

    reset = commands.add_parser(
        "two-factor-reset",
        help=_(
            "Turn two-factor sign-in off for a user who lost their phone and recovery codes, "
            "and sign them out everywhere; they set it up again at their next sign-in."
        ),
    )
    reset.add_argument("username", help=_("username"))

    token = commands.add_parser("token", help=_("Manage personal API tokens."))
    token.set_defaults(token_parser=token)
    token_commands = token.add_subparsers(
        dest="token_command", metavar=_("action"), parser_class=type(token)
    )
    token_create = token_commands.add_parser("create", help=_("Create a token and print it."))
    token_create.add_argument("username", help=_("username"))
    token_create.add_argument("--name", default="cli", help=_("a name for the token"))


def run(args) -> int:
    if args.command == "createuser":
        return cmd_createuser(args)
    if args.command == "two-factor-reset":
        return cmd_two_factor_reset(args)
    if args.token_command != "create":  # noqa: S105
        args.token_parser.print_help(sys.stderr)
        return 2
    return cmd_token_create(args)


def cmd_createuser(args) -> int:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

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
    from django.core.exceptions import ValidationError

    user = active_user_named(args.username)
    try:
        _token, raw = api_token_create(user=user, name=args.name)
    except ValidationError as error:
        return fail(" ".join(error.messages))
    print(raw)
    return 0


def cmd_two_factor_reset(args) -> int:
    from django.utils.translation import ngettext

    user = active_user_named(args.username)
    two_factor_disable(user=user)
    ended = sessions_sign_out_everywhere(user=user, keep_current=False)
    print(
        ngettext(
            "Two-factor sign-in is off for %(username)s and %(count)d session was signed out. "
            "They sign in with their password and, if their role requires it, set up a new app.",
            "Two-factor sign-in is off for %(username)s and %(count)d sessions were signed out. "
            "They sign in with their password and, if their role requires it, set up a new app.",
            ended,
        )
        % {"username": user.username, "count": ended}
    )
    return 0
