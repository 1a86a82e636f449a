"""An uploaded import file between the wizard's steps: kept on disk under the data directory
(never in the session, which holds only its token, name and the chosen columns) until the
import is applied or abandoned; files nobody came back for are removed after a day."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import importing

SESSION_KEY = "discourse-import-{pk}"
MAX_AGE = dt.timedelta(days=1)


@dataclass(frozen=True)
class StagedUpload:
    corpus_id: int
    token: str
    filename: str
    mapping: dict[str, str] | None

    @property
    def path(self) -> Path:
        return _path(self.token)


def _directory() -> Path:
    directory = settings.DATA_DIR / "discourse" / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _path(token: str) -> Path:
    # The token is ours (token_hex), but check anyway: a path is built from it.
    if not token or not token.isalnum():
        raise ValueError("not an upload token")
    return _directory() / token


def _clear_old() -> None:
    cutoff = time.time() - MAX_AGE.total_seconds()
    for path in _directory().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def upload_stage(*, session, corpus_id: int, data: bytes, filename: str) -> StagedUpload:
    """Check that the file is a table the import reads (ImportFileError if not), then keep
    it in place of the corpus's earlier upload, if any."""
    importing.read_table(data, filename)
    upload_forget(session=session, corpus_id=corpus_id)
    _clear_old()
    token = secrets.token_hex(16)
    _path(token).write_bytes(data)
    staged = StagedUpload(corpus_id=corpus_id, token=token, filename=filename[:200], mapping=None)
    session[SESSION_KEY.format(pk=corpus_id)] = {"token": token, "filename": staged.filename}
    return staged


def upload_staged(*, session, corpus_id: int) -> StagedUpload | None:
    """The corpus's upload in this session, or None (its file gone too) if there is none."""
    key = SESSION_KEY.format(pk=corpus_id)
    state = session.get(key)
    try:
        staged = StagedUpload(
            corpus_id=corpus_id,
            token=state["token"],
            filename=state["filename"],
            mapping=state.get("mapping") or None,
        )
        exists = staged.path.exists()
    except (KeyError, TypeError, ValueError):
        exists = False
    if not exists:
        session.pop(key, None)
        return None
    return staged


def upload_table(*, staged: StagedUpload) -> tuple[list[str], list[list[str]]]:
    """The staged file's headers and rows; ImportFileError when it cannot be read."""
    return importing.read_table(staged.path.read_bytes(), staged.filename)


def upload_mapping_set(*, session, staged: StagedUpload, mapping: dict[str, str]) -> None:
    """Remember which column holds which field for the next step."""
    session[SESSION_KEY.format(pk=staged.corpus_id)] = {
        "token": staged.token,
        "filename": staged.filename,
        "mapping": mapping,
    }


def upload_forget(*, session, corpus_id: int) -> None:
    """Forget the corpus's upload and remove its file (once applied, or replaced)."""
    state = session.pop(SESSION_KEY.format(pk=corpus_id), None)
    if state:
        with contextlib.suppress(ValueError):  # not a token of ours: there is no file
            _path(state.get("token", "")).unlink(missing_ok=True)
