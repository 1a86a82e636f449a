"""A Pol.is export read as integer arrays, for the command line's `deliberation analyze`.

`polis_format.read_export` builds a Python object per vote (about 8 µs and 400 bytes each),
which is right for importing a conversation into the site (bounded at 1,000,000 votes) but
dominates the analysis of a large export. Here `votes.csv` is parsed by pyarrow's
multithreaded CSV reader into typed columns, the ids are dictionary-encoded into integer codes
and the vote table is built with numpy (`votes.vote_table_from_arrays`): about 20 bytes per
vote kept, and well under a microsecond each.

Bounds (the command line reads files an operator names, larger than any upload): 2 GiB per
file, 20,000,000 votes, ids of at most 200 characters. A malformed value is reported with its
line, as `polis_format` does; anything pyarrow itself cannot parse falls back to
`polis_format`'s reader, whose messages name the row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _
from pyarrow import csv as pa_csv

from . import polis_format
from .opinion import VoteTable
from .polis_format import PolisComment, PolisExport, PolisFormatError
from .replay import Replayer, replay
from .votes import vote_table_from_arrays

MAX_BYTES = 2 * 1024**3
MAX_VOTES = 20_000_000
MAX_ID_CHARS = 200


@dataclass
class PolisVotes:
    """Every vote of an export as parallel arrays (codes index `voter_names` and
    `comment_names`), in file order, and the comments."""

    comments: list[PolisComment]
    voter: np.ndarray
    comment: np.ndarray
    vote: np.ndarray
    timestamp: np.ndarray
    voter_names: list[str]
    comment_names: list[str]

    @classmethod
    def from_export(cls, export: PolisExport) -> PolisVotes:
        voters: dict[str, int] = {}
        comments: dict[str, int] = {}
        n = len(export.votes)
        return cls(
            comments=export.comments,
            voter=np.fromiter(
                (voters.setdefault(v.voter, len(voters)) for v in export.votes), np.int64, n
            ),
            comment=np.fromiter(
                (comments.setdefault(v.comment, len(comments)) for v in export.votes), np.int64, n
            ),
            vote=np.fromiter((v.vote for v in export.votes), np.int8, n),
            timestamp=np.fromiter((v.timestamp for v in export.votes), np.int64, n),
            voter_names=list(voters),
            comment_names=list(comments),
        )

    @property
    def n_votes(self) -> int:
        return int(self.vote.size)

    @property
    def timed(self) -> bool:
        """Whether the votes carry their times (an export of the final matrix does not)."""
        return bool(self.timestamp.size) and bool(self.timestamp.any())

    def moderated_out(self) -> set[str]:
        return {c.id for c in self.comments if c.moderated == -1}

    def vote_table(self) -> VoteTable:
        """Rows and columns by first vote in time order; the latest vote per pair counts."""
        return vote_table_from_arrays(
            self.voter,
            self.comment,
            self.vote,
            self.timestamp,
            voter_names=self.voter_names,
            statement_names=self.comment_names,
            moderated_out=self.moderated_out(),
        )

    def replayed(
        self, *, seed: int = 0, restart_gap_ms: int | None = None
    ) -> tuple[VoteTable, Replayer]:
        """The vote table and the replay of Pol.is's updates over every vote in time order."""
        table = self.vote_table()
        row = {name: i for i, name in enumerate(table.participants)}
        column = {name: j for j, name in enumerate(table.statements)}
        row_of_code = np.array([row[name] for name in self.voter_names], dtype=np.int64)
        column_of_code = np.array([column[name] for name in self.comment_names], dtype=np.int64)
        replayer = replay(
            row_of_code[self.voter],
            column_of_code[self.comment],
            self.vote.astype(np.float64),
            self.timestamp,
            n_rows=len(table.participants),
            n_columns=len(table.statements),
            kept=np.array([s not in table.moderated_out for s in table.statements], dtype=bool),
            seed=seed,
            restart_gap_ms=restart_gap_ms,
        )
        return table, replayer


def _size_checked(path: Path) -> Path:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PolisFormatError(_("%(file)s was not found.") % {"file": str(path)}) from None
    except OSError as error:
        raise PolisFormatError(
            _("%(file)s could not be read: %(error)s") % {"file": str(path), "error": error}
        ) from None
    if size > MAX_BYTES:
        raise PolisFormatError(
            _("%(file)s is larger than %(size)s MB.")
            % {"file": str(path), "size": MAX_BYTES // (1024 * 1024)}
        )
    return path


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Integer codes for the ids of a column, and the ids (as text) they stand for."""
    if not pa.types.is_integer(column.type):
        column = pc.utf8_trim_whitespace(column)
    encoded = pc.dictionary_encode(column).combine_chunks()  # hashed, no sort
    return (
        encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32),
        [str(value) for value in encoded.dictionary.to_pylist()],
    )


def _read_table(path: Path, id_type) -> pa.Table:
    columns = {
        "timestamp": pa.int64(),
        "vote": pa.int8(),
        "comment-id": id_type,
        "voter-id": id_type,
    }
    return pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(encoding="utf8"),
        convert_options=pa_csv.ConvertOptions(
            column_types=columns,
            include_columns=list(columns),
            include_missing_columns=True,
            strings_can_be_null=False,
        ),
    )


def _header(path: Path) -> list[str]:
    """The names in the first line (read alone, so a missing column is told from empty
    cells, and a file that is not UTF-8 is refused before pyarrow reads it)."""
    with path.open("rb") as stream:
        first = stream.readline(64 * 1024)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolisFormatError(_("%(file)s is not UTF-8 text.") % {"file": str(path)}) from None
    return [name.strip() for name in next(csv.reader([text]), [])]


def read_votes(path: Path, comments: list[PolisComment]) -> PolisVotes:
    """`votes.csv` as arrays; raises PolisFormatError with the first bad line."""
    # pyarrow's default pool (mimalloc) keeps much of what the reader frees, even when asked
    # to release it: the whole command on 10M votes peaked at 1.17 GB with it and at 0.95 GB
    # with the C library's allocator, whose release (malloc_trim) hands freed blocks back
    # from every thread's arena. Only this reader switches pools.
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        return _read_votes(path, comments)
    finally:
        pa.set_memory_pool(previous)


def _read_votes(path: Path, comments: list[PolisComment]) -> PolisVotes:
    missing = [
        c for c in ("comment-id", "voter-id", "vote") if c not in _header(_size_checked(path))
    ]
    if missing:
        raise PolisFormatError(
            _("%(file)s is missing the columns: %(columns)s.")
            % {"file": "votes.csv", "columns": ", ".join(missing)}
        )
    # Pol.is's ids are whole numbers: read as such they take 8 bytes a vote instead of a
    # string each. Other ids (or numbers written with leading zeros in comments.csv) are
    # read as text.
    canonical = all(c.id == str(int(c.id)) for c in comments if c.id.lstrip("-").isdigit())
    numeric = canonical and all(c.id.lstrip("-").isdigit() for c in comments)
    table = None
    for id_type in (pa.int64(), pa.string()) if numeric else (pa.string(),):
        try:
            table = _read_table(path, id_type)
            break
        except pa.ArrowInvalid:
            continue
        except UnicodeDecodeError:
            break
    if table is None:
        # pyarrow's own message would be English and vague: the row-by-row reader names
        # the line.
        return PolisVotes.from_export(polis_format.read_export(path.parent))
    if table.num_rows > MAX_VOTES:
        raise PolisFormatError(
            _("%(file)s has more than %(count)s rows.") % {"file": "votes.csv", "count": MAX_VOTES}
        )
    if table.num_rows == 0:
        raise PolisFormatError(_("votes.csv has no votes."))
    vote_column = table.column("vote")
    empty_vote = _first(vote_column.is_null().to_numpy(zero_copy_only=False))
    if empty_vote is not None:
        raise PolisFormatError(
            _("votes.csv has errors:"),
            [
                _("Line %(line)s: %(column)s must be a whole number, not “%(value)s”.")
                % {"line": empty_vote + 2, "column": "vote", "value": ""}
            ],
        )
    vote = vote_column.to_numpy()
    bad = _first((vote < -1) | (vote > 1))
    if bad is not None:
        raise PolisFormatError(
            _("votes.csv has errors:"), [polis_format._bad_vote(bad + 2, int(vote[bad]))]
        )
    for name in ("voter-id", "comment-id"):
        column = table.column(name)
        if pa.types.is_integer(column.type):
            empty = _first(column.is_null().to_numpy(zero_copy_only=False))
        else:
            lengths = pc.utf8_length(column).to_numpy(zero_copy_only=False)
            empty = _first(lengths == 0)
            too_long = _first(lengths > MAX_ID_CHARS)
            if empty is None and too_long is not None:
                raise PolisFormatError(
                    _("votes.csv has errors:"),
                    [
                        _("Line %(line)s: an id is longer than %(count)s characters.")
                        % {"line": too_long + 2, "count": MAX_ID_CHARS}
                    ],
                )
        if empty is not None:
            raise PolisFormatError(
                _("votes.csv has errors:"),
                [
                    _("Line %(line)s: a voter id and a comment id are required.")
                    % {"line": empty + 2}
                ],
            )
    timestamps = table.column("timestamp").fill_null(0).to_numpy().astype(np.int64)
    voter, voter_names = _codes(table.column("voter-id"))
    comment, comment_names = _codes(table.column("comment-id"))
    # The columns are copied out: hand the table's memory back before the analysis (pyarrow's
    # pool keeps freed blocks unless asked).
    del table
    pa.default_memory_pool().release_unused()  # the system pool: malloc_trim, every arena
    votes = PolisVotes(
        comments=comments,
        voter=voter,
        comment=comment,
        vote=vote.astype(np.int8),
        timestamp=timestamps,
        voter_names=voter_names,
        comment_names=comment_names,
    )
    if comments:
        unknown = sorted(set(comment_names) - {c.id for c in comments})
        if unknown:
            raise PolisFormatError(
                _("votes.csv refers to comments that comments.csv lacks: %(ids)s.")
                % {"ids": ", ".join(unknown[:10])}
            )
    return votes


def read_export_arrays(directory: str | Path) -> PolisVotes:
    """An export for analysis: `votes.csv` read as arrays, or an export of only the final
    matrix (`participants-votes.csv`) through `polis_format`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PolisFormatError(_("%(dir)s is not a directory.") % {"dir": str(directory)})
    if not (directory / "votes.csv").exists():
        return PolisVotes.from_export(polis_format.read_export(directory))
    comments_path = directory / "comments.csv"
    comments = (
        polis_format.parse_comments(polis_format._read(comments_path))
        if comments_path.exists()
        else []
    )
    return read_votes(directory / "votes.csv", comments)
