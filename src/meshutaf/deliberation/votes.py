"""Votes as integer arrays: the vote table built with numpy, for exports of millions of votes.

`opinion.VoteTable.from_votes` takes Python tuples one by one (about a microsecond and a
dict entry each), which suits the app's own conversations. A Pol.is export read by the command
line can hold ten million votes; here the same table is built from arrays of integer codes
with sorts and cumulative counts, at a few bytes per vote:

- the latest vote per (participant, statement) counts, in time order (file order breaks ties);
- rows and columns are numbered by first vote, as Pol.is builds its matrix;
- `ever_in`: whether a participant met Pol.is's bar while the votes arrived (min(7, statements
  so far) votes, passes included, or being among the first 15 in while fewer qualify), the
  same rule `from_votes` applies vote by vote.
"""

from __future__ import annotations

import numpy as np

from .opinion import GREEDY_PARTICIPANTS, MIN_VOTES, VoteTable


def _first_seen_order(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For codes in arrival order: the new number of each code (by first appearance) and the
    position of each code's first appearance (n for codes never seen)."""
    first = np.full(n, codes.size, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(codes.size, dtype=np.int64))
    seen = np.flatnonzero(first < codes.size)
    order = seen[np.argsort(first[seen], kind="stable")]
    renumber = np.full(n, -1, dtype=np.int64)
    renumber[order] = np.arange(order.size)
    return renumber, first


def vote_table_from_arrays(
    voters: np.ndarray,
    statements: np.ndarray,
    values: np.ndarray,
    times: np.ndarray,
    *,
    voter_names: list,
    statement_names: list,
    moderated_out=(),
) -> VoteTable:
    """The vote table from parallel arrays: voter and statement codes (indices into the name
    lists), votes (-1, 0, 1) and times (equal times keep file order)."""
    order = np.argsort(times, kind="stable")
    voters = np.asarray(voters, dtype=np.int64)[order]
    statements = np.asarray(statements, dtype=np.int64)[order]
    values = np.asarray(values, dtype=np.int8)[order]
    row_of, _ = _first_seen_order(voters, len(voter_names))
    column_of, _ = _first_seen_order(statements, len(statement_names))
    rows, columns = row_of[voters], column_of[statements]
    n_rows = int(rows.max()) + 1 if rows.size else 0
    n_columns = int(columns.max()) + 1 if columns.size else 0
    pair = rows * max(n_columns, 1) + columns
    # The first vote on each pair (for the running counts) and the last (the one that counts).
    _, first_of_pair = np.unique(pair, return_index=True)
    _, last_reversed = np.unique(pair[::-1], return_index=True)
    last_of_pair = np.sort(pair.size - 1 - last_reversed)
    ever_in = _ever_in(rows, columns, first_of_pair, n_rows)
    # Votes in the order the latest of each pair was cast, as from_votes keeps them.
    keep = last_of_pair
    participants = [None] * n_rows
    for code in np.flatnonzero(row_of >= 0).tolist():
        participants[row_of[code]] = voter_names[code]
    columns_named = [None] * n_columns
    for code in np.flatnonzero(column_of >= 0).tolist():
        columns_named[column_of[code]] = statement_names[code]
    present = set(columns_named)
    return VoteTable(
        participants=participants,
        statements=columns_named,
        participant_index=rows[keep],
        statement_index=columns[keep],
        value=values[keep],
        moderated_out=frozenset(s for s in moderated_out if s in present),
        ever_in=ever_in,
    )


def _ever_in(rows, columns, first_of_pair, n_rows) -> np.ndarray:
    """Pol.is's "once in, always in", evaluated as the votes arrived (see module doc)."""
    new_pair = np.zeros(rows.size, dtype=bool)
    new_pair[first_of_pair] = True
    # Distinct statements each participant has voted on, after each vote.
    running = np.zeros(rows.size, dtype=np.int64)
    by_row = np.argsort(rows, kind="stable")
    counts = np.cumsum(new_pair[by_row])
    starts = np.searchsorted(rows[by_row], np.arange(n_rows))
    before = np.r_[0, counts][starts]
    running[by_row] = counts - np.repeat(before, np.bincount(rows, minlength=n_rows))
    # Statements seen by anyone so far (columns are numbered by first vote).
    statements_so_far = np.maximum.accumulate(columns) + 1
    qualifies = running >= np.minimum(MIN_VOTES, statements_so_far)
    first_qualify = np.full(n_rows, rows.size, dtype=np.int64)
    hits = np.flatnonzero(qualifies)
    np.minimum.at(first_qualify, rows[hits], hits)
    ever_in = first_qualify < rows.size
    # While fewer than 15 are in, every newly arriving participant is taken in too.
    first_vote = np.full(n_rows, rows.size, dtype=np.int64)
    np.minimum.at(first_vote, rows, np.arange(rows.size, dtype=np.int64))
    # Rows are numbered by first vote, so the earliest arrivals are the first rows. Only the
    # first 15 joins matter here (after them nobody joins but by qualifying), and each is
    # either among the first 15 arrivals or the first 15 to qualify.
    qualified = np.flatnonzero(ever_in)
    earliest = qualified[np.argsort(first_qualify[qualified], kind="stable")][:GREEDY_PARTICIPANTS]
    events = sorted(
        [(int(first_vote[r]), 1, r) for r in range(min(n_rows, GREEDY_PARTICIPANTS))]
        + [(int(first_qualify[r]), 0, int(r)) for r in earliest]
    )
    inside: set[int] = set()
    for _, _kind, row in events:
        if len(inside) >= GREEDY_PARTICIPANTS:
            break
        inside.add(row)
    ever_in[list(inside)] = True
    return ever_in
