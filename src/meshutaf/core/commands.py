"""What every `meshutaf` sub-command shares, whichever app it lives beside: failing with a
message and an exit code, and writing an output file so that a failure never leaves half of it.

The dispatcher (`meshutaf.cli`) imports the apps' `commands` modules; they import this, never
the dispatcher, so dependencies keep pointing one way.
"""

import os
import sys
import tempfile
from pathlib import Path


class Refused(Exception):  # noqa: N818  (it reads as what happened: the command was refused)
    """Raised deep in a command to end it with a message; the dispatcher prints it (and no
    traceback) and exits with `code`."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def active_user_named(username: str):
    """The active account called `username` (for `--as USER` and the like), else Refused."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Refused(_("No active user is called %(username)s.") % {"username": username})
    return user


def fail(message: str, code: int = 2) -> int:
    """Print `message` to standard error and return the exit code to end with."""
    print(message, file=sys.stderr)
    return code


def write_atomically(path: str | Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place, so a failure
    never leaves a partial file (or spoils the file that was there)."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
