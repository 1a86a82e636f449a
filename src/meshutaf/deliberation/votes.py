"""Votes as integer arrays: the vote table built with numpy, for exports of millions of votes.

`opinion.VoteTable.from_votes` takes Python tuples one by one (about a microsecond and a
dict entry each), which suits the app's own conversations. A Pol.is export read by the command
line can hold ten million votes; here the same table is built from arrays of integer codes
with one sort (to group each participant's votes on a statement) and compiled passes over
the votes (`kernels.first_seen_numbering`, `kernels.ever_in`), at a few bytes per vote:

- the latest vote per (participant, statement) counts, in time order (file order breaks ties);
- rows and columns are numbered by first vote, as Pol.is builds its matrix;
- `ever_in`: whether a participant met Pol.is's bar while the votes arrived (min(7, statements
  so far) votes, passes included, or being among the first 15 in while fewer qualify), the
  same rule `from_votes` applies vote by vote.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .opinion import GREEDY_PARTICIPANTS, MIN_VOTES, VoteTable


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
    times = np.asarray(times)
    voters, statements = np.asarray(voters), np.asarray(statements)
    values = np.asarray(values, dtype=np.int8)
    if times.size and not bool(np.all(times[1:] >= times[:-1])):  # Pol.is's are not sorted
        order = np.argsort(times, kind="stable")
        voters, statements, values = voters[order], statements[order], values[order]
        del order
    row_of = kernels.first_seen_numbering(voters, len(voter_names))
    column_of = kernels.first_seen_numbering(statements, len(statement_names))
    rows, columns = row_of[voters], column_of[statements]
    del voters, statements
    n_rows = int(rows.max()) + 1 if rows.size else 0
    n_columns = int(columns.max()) + 1 if columns.size else 0
    # One stable sort by (row, column) groups each pair's votes in time order: the first of a
    # group is the pair's first vote (for the running counts), the last the one that counts.
    pair = rows.astype(np.int64) * max(n_columns, 1) + columns
    by_pair = np.argsort(pair, kind="stable")
    sorted_pair = pair[by_pair]
    del pair
    starts = np.flatnonzero(np.r_[True, sorted_pair[1:] != sorted_pair[:-1]])
    del sorted_pair
    new_pair = np.zeros(rows.size, dtype=bool)
    new_pair[by_pair[starts]] = True
    latest = np.zeros(rows.size, dtype=bool)
    latest[by_pair[np.r_[starts[1:], by_pair.size] - 1]] = True
    del by_pair, starts
    ever_in = kernels.ever_in(rows, columns, new_pair, n_rows, MIN_VOTES, GREEDY_PARTICIPANTS)
    # Votes in the order the latest of each pair was cast, as from_votes keeps them.
    keep = np.flatnonzero(latest)
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
