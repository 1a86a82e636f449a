"""Reading and writing the Pol.is open-data export (`votes.csv`, `comments.csv`).

Pure: no database. `read_export(directory)` gives a `PolisExport` whose `vote_table()` feeds
`opinion.analyze`; `write_votes`/`write_comments` produce the same files from our own data, so
a Meshutaf conversation can be analysed by other tools and compared.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from meshutaf.core import tables

from .opinion import VoteTable

VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
MAX_ERRORS = 20
# Rows of one file. A 50 MB votes.csv holds about 800,000 votes; Pol.is's largest public
# conversations have a few thousand comments.
MAX_VOTES = 1_000_000
MAX_COMMENTS = 20_000


class PolisFormatError(ValueError):
    """The files are missing or malformed; `errors` lists what is wrong, row by row."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors or []

    def __str__(self) -> str:
        return "\n".join([self.args[0], *self.errors])


@dataclass
class PolisComment:
    id: str
    author: str
    moderated: int  # -1 moderated out, 0 unmoderated, 1 accepted
    body: str
    timestamp: int


@dataclass
class PolisVote:
    timestamp: int
    comment: str
    voter: str
    vote: int


@dataclass
class PolisExport:
    comments: list[PolisComment] = field(default_factory=list)
    votes: list[PolisVote] = field(default_factory=list)  # every vote, in time order

    def latest_votes(self) -> list[PolisVote]:
        """One vote per (voter, comment): the last one cast."""
        latest: dict[tuple[str, str], PolisVote] = {}
        for vote in self.votes:
            latest[(vote.voter, vote.comment)] = vote
        return list(latest.values())

    def vote_table(self) -> VoteTable:
        """Rows in the order of each voter's first vote, as Pol.is builds its matrix; the
        latest vote per (voter, comment) counts."""
        moderated_out = {c.id for c in self.comments if c.moderated == -1}
        return VoteTable.from_votes(
            ((v.voter, v.comment, v.vote) for v in self.votes), moderated_out=moderated_out
        )


def _int(value: str | None, *, line: int, column: str, errors: list[str]) -> int | None:
    try:
        number = float(value or "")
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    except (TypeError, ValueError, OverflowError):
        errors.append(
            _("Line %(line)s: %(column)s must be a whole number, not “%(value)s”.")
            % {"line": line, "column": column, "value": (value or "")[:40]}
        )
        return None


def _rows(text: str, required: tuple[str, ...], name: str, max_rows: int) -> Iterator[dict]:
    """The rows under the header, as dicts, read by the bounded reader every import uses
    (which also cleans the text); a row or cell past a bound stops the file."""
    rows = tables.csv_rows(text, sniff=False)
    try:
        # Empty rows count against the rows allowed: each costs as much to read.
        header = next((row for row in itertools.islice(rows, max_rows) if row), [])
    except tables.TableFileError as error:  # a cell or row past the bounds of core.uploads
        raise _unreadable(name, error) from None
    missing = [column for column in required if column not in header]
    if missing:
        raise PolisFormatError(
            _("%(file)s is missing the columns: %(columns)s.")
            % {"file": name, "columns": ", ".join(missing)}
        )
    return _records(rows, header, name, max_rows)


def _records(rows, header: list[str], name: str, max_rows: int) -> Iterator[dict]:
    count = 0
    try:
        for row in rows:
            count += 1
            if count > max_rows:
                raise PolisFormatError(
                    _("%(file)s has more than %(count)s rows.") % {"file": name, "count": max_rows}
                )
            if not row:
                continue
            yield dict(zip(header, row, strict=False))
    except tables.TableFileError as error:  # a cell or row past the bounds of core.uploads
        raise _unreadable(name, error) from None


def _unreadable(name: str, error: Exception | str) -> PolisFormatError:
    return PolisFormatError(
        _("%(file)s cannot be read: %(error)s") % {"file": name, "error": error}
    )


def parse_comments(text: str) -> list[PolisComment]:
    errors: list[str] = []
    comments = []
    seen: set[str] = set()
    required = ("comment-id", "moderated", "comment-body")
    for line, row in enumerate(_rows(text, required, "comments.csv", MAX_COMMENTS), start=2):
        comment_id = (row.get("comment-id") or "").strip()
        if not comment_id:
            errors.append(_("Line %(line)s: the comment id is empty.") % {"line": line})
            continue
        moderated = _int(row.get("moderated") or "0", line=line, column="moderated", errors=errors)
        timestamp = _int(row.get("timestamp") or "0", line=line, column="timestamp", errors=errors)
        if moderated is None or timestamp is None:
            continue
        if comment_id in seen:
            errors.append(
                _("Line %(line)s: comment %(id)s appears twice.") % {"line": line, "id": comment_id}
            )
            continue
        seen.add(comment_id)
        comments.append(
            PolisComment(
                id=comment_id,
                author=(row.get("author-id") or "").strip(),
                moderated=max(-1, min(1, moderated)),
                body=row.get("comment-body") or "",
                timestamp=timestamp,
            )
        )
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise PolisFormatError(_("comments.csv has errors:"), errors)
    return comments


def _bad_vote(line: int, vote: int) -> str:
    return _("Line %(line)s: a vote is 1 (agree), -1 (disagree) or 0 (pass), not %(vote)s.") % {
        "line": line,
        "vote": vote,
    }


def parse_votes(text: str) -> list[PolisVote]:
    """All votes ordered by time; file order breaks ties, so of two votes on the same
    statement at the same moment the later line counts."""
    errors: list[str] = []
    votes = []
    rows = _rows(text, ("comment-id", "voter-id", "vote"), "votes.csv", MAX_VOTES)
    for line, row in enumerate(rows, start=2):
        comment = (row.get("comment-id") or "").strip()
        voter = (row.get("voter-id") or "").strip()
        vote = _int(row.get("vote"), line=line, column="vote", errors=errors)
        timestamp = _int(row.get("timestamp") or "0", line=line, column="timestamp", errors=errors)
        if not comment or not voter:
            errors.append(
                _("Line %(line)s: a voter id and a comment id are required.") % {"line": line}
            )
        elif vote is not None and vote not in (-1, 0, 1):
            errors.append(_bad_vote(line, vote))
        elif vote is not None and timestamp is not None:
            votes.append(PolisVote(timestamp=timestamp, comment=comment, voter=voter, vote=vote))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise PolisFormatError(_("votes.csv has errors:"), errors)
    votes.sort(key=lambda v: v.timestamp)  # stable
    return votes


MAX_MATRIX_CELL = 40
# A whole export file is read into memory: 1,000,000 votes take about 40 MB as votes.csv.
MAX_FILE_BYTES = 100 * 1024 * 1024
PARTICIPANT_COLUMNS = ("participant", "xid", "group-id", "n-comments", "n-votes")


def _matrix_rows(reader, name: str, width: int) -> Iterator[list[str]]:
    try:
        for count, row in enumerate(reader, start=1):
            if count > MAX_VOTES:
                raise PolisFormatError(
                    _("%(file)s has more than %(count)s rows.") % {"file": name, "count": MAX_VOTES}
                )
            if len(row) > width or any(len(cell) > MAX_MATRIX_CELL for cell in row):
                raise _unreadable(name, _("row %(line)s is malformed") % {"line": count + 1})
            if row:
                yield row
    except csv.Error as error:
        raise _unreadable(name, error) from None


def parse_participant_votes(text: str) -> list[PolisVote]:
    """The final vote matrix (`participants-votes.csv`: one row per participant, one column
    per comment; 1, -1, 0 or empty) as votes without times, in row order. Exports that hold
    no `votes.csv` have only this; their groups can only come from one analysis."""
    errors: list[str] = []
    votes: list[PolisVote] = []
    # One column per comment: wider than the shared table reader allows, so bounded here.
    name = "participants-votes.csv"
    reader = csv.reader(io.StringIO(tables.clean(text), newline=""))
    try:
        header = next((row for row in itertools.islice(reader, MAX_VOTES) if row), [])
    except csv.Error as error:
        raise _unreadable(name, error) from None
    if len(header) > MAX_COMMENTS + len(PARTICIPANT_COLUMNS) + 2:
        raise _unreadable(name, _("more than %(count)s comments") % {"count": MAX_COMMENTS})
    if "participant" not in header:
        raise PolisFormatError(
            _("%(file)s is missing the columns: %(columns)s.")
            % {"file": name, "columns": "participant"}
        )
    voter_at = header.index("participant")
    comments = [
        (i, cell.strip())
        for i, cell in enumerate(header)
        if cell.strip().lstrip("-").isdigit() and cell.strip() not in PARTICIPANT_COLUMNS
    ]
    for line, cells in enumerate(_matrix_rows(reader, name, len(header)), start=2):
        voter = (cells[voter_at] if voter_at < len(cells) else "").strip()
        if not voter:
            errors.append(_("Line %(line)s: the participant id is empty.") % {"line": line})
        for i, comment in comments:
            cell = cells[i].strip() if i < len(cells) else ""
            if not cell or not voter:
                continue
            vote = _int(cell, line=line, column=comment, errors=errors)
            if vote is not None and vote not in (-1, 0, 1):
                errors.append(_bad_vote(line, vote))
            elif vote is not None:
                votes.append(PolisVote(timestamp=0, comment=comment, voter=voter, vote=vote))
            if len(votes) > MAX_VOTES:
                raise PolisFormatError(
                    _("%(file)s has more than %(count)s votes.")
                    % {"file": name, "count": MAX_VOTES}
                )
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise PolisFormatError(_("%(file)s has errors:") % {"file": name}, errors)
    return votes


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PolisFormatError(
                _("%(file)s is larger than %(size)s MB.")
                % {"file": str(path), "size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PolisFormatError(_("%(file)s was not found.") % {"file": str(path)}) from None
    except UnicodeDecodeError:
        raise PolisFormatError(_("%(file)s is not UTF-8 text.") % {"file": str(path)}) from None
    except OSError as error:
        raise PolisFormatError(
            _("%(file)s could not be read: %(error)s") % {"file": str(path), "error": error}
        ) from None


def read_export(directory: str | Path) -> PolisExport:
    directory = Path(directory)
    if not directory.is_dir():
        raise PolisFormatError(_("%(dir)s is not a directory.") % {"dir": str(directory)})
    matrix = directory / "participants-votes.csv"
    if not (directory / "votes.csv").exists() and matrix.exists():
        votes = parse_participant_votes(_read(matrix))
    else:
        votes = parse_votes(_read(directory / "votes.csv"))
    comments_path = directory / "comments.csv"
    comments = parse_comments(_read(comments_path)) if comments_path.exists() else []
    export = PolisExport(comments=comments, votes=votes)
    check_references(export)
    return export


def check_references(export: PolisExport) -> None:
    """Every vote must be on a known comment (when comments are given) and there must be
    votes at all."""
    if not export.votes:
        raise PolisFormatError(_("votes.csv has no votes."))
    if export.comments:
        unknown = sorted({v.comment for v in export.votes} - {c.id for c in export.comments})
        if unknown:
            raise PolisFormatError(
                _("votes.csv refers to comments that comments.csv lacks: %(ids)s.")
                % {"ids": ", ".join(unknown[:10])}
            )


def write_votes(stream, votes) -> None:
    """`votes`: iterables of (timestamp ms, datetime text, comment id, voter id, vote)."""
    writer = csv.writer(stream)
    writer.writerow(VOTE_COLUMNS)
    writer.writerows(votes)


def write_comments(stream, comments) -> None:
    """`comments`: iterables in COMMENT_COLUMNS order. Bodies are written as typed: this is a
    data-exchange format, and spreadsheet formula guards would change the text."""
    writer = csv.writer(stream)
    writer.writerow(COMMENT_COLUMNS)
    writer.writerows(comments)
