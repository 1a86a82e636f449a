"""Reading an export as arrays (`polis_arrays`): the same table as the row-by-row reader, and
bad files refused with the line that is wrong."""

import numpy as np
import pytest

from meshutaf.deliberation.polis_arrays import read_export_arrays
from meshutaf.deliberation.polis_format import PolisFormatError, read_export


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def write(directory, votes: str, comments: str | None = None):
    (directory / "votes.csv").write_text(votes)
    if comments is not None:
        (directory / "comments.csv").write_text(comments)
    return directory


COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1,x,1,0,0,0,1,One\n2,x,2,0,0,0,-1,Two\n3,x,3,0,0,0,1,Three\n"
)


def test_the_same_table_as_the_row_by_row_reader(tmp_path):
    rng = np.random.default_rng(2)
    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    for _ in range(400):
        # Times out of order and repeated, votes changed: the latest in time counts.
        lines.append(
            f"{rng.integers(0, 300)},x,{rng.integers(1, 4)},{rng.integers(0, 40)},"
            f"{rng.integers(-1, 2)}"
        )
    write(tmp_path, "\n".join(lines) + "\n", COMMENTS)
    fast = read_export_arrays(tmp_path).vote_table()
    slow = read_export(tmp_path).vote_table()
    assert fast.participants == slow.participants
    assert fast.statements == slow.statements
    assert fast.moderated_out == slow.moderated_out == frozenset({"2"})
    assert np.array_equal(fast.ever_in, slow.ever_in)
    fast_votes = set(zip(fast.participant_index, fast.statement_index, fast.value, strict=True))
    slow_votes = set(zip(slow.participant_index, slow.statement_index, slow.value, strict=True))
    assert fast_votes == slow_votes


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ("timestamp,comment-id,voter-id,vote\n1,1,1,1\n2,1,2,5\n", "Line 3: a vote is 1"),
        ("timestamp,comment-id,voter-id,vote\n1,1,1,1\n2,1,,1\n", "Line 3: a voter id"),
        ("timestamp,comment-id,voter-id,vote\n1,1,1,\n", "Line 2: vote must be a whole number"),
        ("timestamp,comment-id,voter-id,vote\n1,1,1,agree\n", "Line 2: vote must be a whole"),
        ("timestamp,comment-id,voter-id,vote\n1,1," + "x" * 201 + ",1\n", "longer than 200"),
        ("timestamp,comment-id,voter-id,vote\n1,9,1,1\n", "comments that comments.csv lacks: 9"),
        ("timestamp,comment-id,voter,vote\n1,1,1,1\n", "missing the columns: voter-id"),
        ("timestamp,comment-id,voter-id,vote\n", "no votes"),
        (b"\xff\xfe,1\n", "not UTF-8"),
    ],
)
def test_bad_files_are_refused_with_the_line(tmp_path, votes, message):
    if isinstance(votes, bytes):
        (tmp_path / "votes.csv").write_bytes(votes)
        (tmp_path / "comments.csv").write_text(COMMENTS)
    else:
        write(tmp_path, votes, COMMENTS)
    with pytest.raises(PolisFormatError, match=message):
        read_export_arrays(tmp_path)


def test_a_file_past_the_size_bound_is_refused_unread(tmp_path, monkeypatch):
    from meshutaf.deliberation import polis_arrays

    write(tmp_path, "timestamp,comment-id,voter-id,vote\n1,1,1,1\n", COMMENTS)
    monkeypatch.setattr(polis_arrays, "MAX_BYTES", 10)
    with pytest.raises(PolisFormatError, match="larger than"):
        read_export_arrays(tmp_path)
