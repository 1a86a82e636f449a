"""The data directory: where it is, and making it ready (private folder, secret key) before the
settings are read. settings.py only reads; the entry points (the `meshutaf` command and the WSGI
module) call `data_dir_prepare()` first. Nothing here reads Django's settings."""

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from meshutaf.core.env import env_path, env_str

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
# Made at once so the log handler and whitenoise find them; the others (uploads, outbox) are
# made by whatever first writes there.
_SUBDIRECTORIES = ("logs", "static")


def data_dir_path() -> Path:
    """MESHUTAF_DATA_DIR, else var/ in the working directory."""
    return env_path("MESHUTAF_DATA_DIR", Path.cwd() / "var")


def secret_key_read(*, data_dir: Path) -> str:
    """MESHUTAF_SECRET_KEY, else the key kept in the data directory; "" when there is neither
    (Django then refuses to sign anything rather than use a guessable key)."""
    if key := env_str("MESHUTAF_SECRET_KEY"):
        return key
    try:
        return (data_dir / SECRET_KEY_FILE).read_text().strip()
    except FileNotFoundError:
        return ""


def _make_private(path: Path, mode: int) -> None:
    """Take away group and other permissions from a path we own (not from someone else's)."""
    status = path.stat()
    if stat.S_IMODE(status.st_mode) & 0o077 and status.st_uid == os.getuid():
        path.chmod(mode)


def _secret_key_create(path: Path) -> None:
    """Write a new key to a private temporary file and link it into place: a reader never sees
    a half-written key, and when two processes start at once the first key stays."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:  # mkstemp makes it 0600
            stream.write(secrets.token_urlsafe(50))
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: keep its key
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def data_dir_prepare(*, data_dir: Path | None = None) -> Path:
    """Create the data directory (0700; an existing one of ours open to others is closed) with
    its logs/ and static/ folders, and a secret key file (0600) unless MESHUTAF_SECRET_KEY is
    set or the file exists. A generated key survives restarts, so sessions and password-reset
    links stay valid. Returns the directory."""
    directory = data_dir if data_dir is not None else data_dir_path()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    _make_private(directory, 0o700)
    for name in _SUBDIRECTORIES:
        (directory / name).mkdir(mode=0o700, exist_ok=True)
    key = directory / SECRET_KEY_FILE
    if not env_str("MESHUTAF_SECRET_KEY"):
        if not key.exists():
            _secret_key_create(key)
        _make_private(key, 0o600)
    return directory
