"""Reading the Pol.is open-data export (`meshutaf.deliberation.polis_format`); no database."""

import csv
import io
import os
import re
from pathlib import Path

import pytest

from meshutaf.deliberation.opinion import adjusted_rand_index, analyze
from meshutaf.deliberation.polis_format import (
    COMMENT_COLUMNS,
    MAX_ERRORS,
    VOTE_COLUMNS,
    PolisFormatError,
    parse_votes,
    read_export,
    write_comments,
    write_votes,
)

VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
COMMENTS = COMMENTS_HEADER + (
    '100,Mon,0,7,2,1,1,"Shared goals, measured together"\n'
    '110,Mon,1,7,1,1,0,"Small organisations need ""paid"" time"\n'
    "120,Mon,2,8,0,1,-1,Off-topic advertising\n"
)


def export_dir(tmp_path: Path, votes: str | bytes | None, comments: str | bytes | None = None):
    for name, content in (("votes.csv", votes), ("comments.csv", comments)):
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        elif content is not None:
            (tmp_path / name).write_text(content, encoding="utf-8")
    return tmp_path


def table_votes(table) -> dict:
    return {
        (table.participants[r], table.statements[c]): int(v)
        for r, c, v in zip(table.participant_index, table.statement_index, table.value, strict=True)
    }


def test_reads_a_small_export(tmp_path):
    votes = VOTES_HEADER + (
        "1000,d,0,a,1\n"
        "1300,d,0,b,-1\n"  # a's change of mind below comes earlier in time, later in the file
        "1100,d,1,a,-1\n"
        "1200,d,0,a,0\n"  # a changes their mind on 0: the latest vote counts
        "1400,d,2,b,1\n"
        "1500,d,1,c,0\n"
        "1050,d,1,a,1\n"  # earlier than a's -1 on 1, so that -1 stands
    )
    export = read_export(export_dir(tmp_path, votes, COMMENTS))

    assert [c.id for c in export.comments] == ["0", "1", "2"]
    assert [c.moderated for c in export.comments] == [1, 0, -1]
    assert export.comments[1].body == 'Small organisations need "paid" time'
    assert export.comments[0].author == "7"
    assert [v.timestamp for v in export.votes] == sorted(v.timestamp for v in export.votes)
    assert len(export.votes) == 7
    latest = {(v.voter, v.comment): v.vote for v in export.latest_votes()}
    assert latest == {("a", "0"): 0, ("a", "1"): -1, ("b", "0"): -1, ("b", "2"): 1, ("c", "1"): 0}

    table = export.vote_table()
    assert table_votes(table) == latest
    assert table.participants == ["a", "b", "c"]  # by first vote in time
    assert table.moderated_out == frozenset({"2"})
    assert table.n_votes == 5
    analysis = analyze(table, seed=0)
    assert "2" not in analysis.group_informed_consensus
    assert analysis.statement_stats["2"]["moderated_out"] is True


def test_the_later_line_wins_at_the_same_moment(tmp_path):
    votes = VOTES_HEADER + "5,d,0,a,1\n5,d,0,a,-1\n4,d,1,a,1\n"
    table = read_export(export_dir(tmp_path, votes)).vote_table()
    assert table_votes(table) == {("a", "0"): -1, ("a", "1"): 1}


def test_comments_file_is_optional(tmp_path):
    export = read_export(export_dir(tmp_path, VOTES_HEADER + "1,d,5,a,1\n2,d,6,b,-1\n"))
    assert export.comments == []
    table = export.vote_table()
    assert table.statements == ["5", "6"]
    assert table.moderated_out == frozenset()


def test_byte_order_mark_padded_headers_and_extra_columns(tmp_path):
    votes = "\ufeff timestamp , datetime , comment-id , voter-id , vote ,extra\n1,d, 0 , a ,1,x\n"
    comments = "comment-id,moderated,comment-body\n0,-1.0,שלום\n"
    export = read_export(export_dir(tmp_path, votes, comments))
    assert [(v.voter, v.comment, v.vote) for v in export.votes] == [("a", "0", 1)]
    assert export.comments[0].moderated == -1
    assert export.comments[0].body == "שלום"
    assert export.comments[0].timestamp == 0


def test_round_trip_through_the_writers(tmp_path):
    votes, comments = io.StringIO(), io.StringIO()
    write_votes(votes, [(3, "t", 1, "x", -1), (1, "t", 0, "x", 1), (2, "t", 0, "y", 0)])
    write_comments(
        comments, [(0, "t", 0, "x", 1, 0, 0, "=SUM(A1)"), (0, "t", 1, "y", 0, 1, -1, "b")]
    )
    assert votes.getvalue().splitlines()[0] == ",".join(VOTE_COLUMNS)
    assert comments.getvalue().splitlines()[0] == ",".join(COMMENT_COLUMNS)
    export = read_export(export_dir(tmp_path, votes.getvalue(), comments.getvalue()))
    assert [(v.voter, v.comment, v.vote) for v in export.votes] == [
        ("x", "0", 1),
        ("y", "0", 0),
        ("x", "1", -1),
    ]
    assert export.comments[0].body == "=SUM(A1)"  # written as typed
    assert export.vote_table().moderated_out == frozenset({"1"})


# ---- malformed input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "comments", "message", "row_error"),
    [
        (None, COMMENTS, "votes.csv was not found.", None),
        ("", None, "votes.csv is missing the columns: comment-id, voter-id, vote.", None),
        (
            "timestamp,comment-id,voter-id\n1,0,a\n",
            None,
            "votes.csv is missing the columns: vote.",
            None,
        ),
        (
            VOTES_HEADER + "1,d,0,a,1\n",
            "comment-id,comment-body\n0,x\n",
            "comments.csv is missing the columns: moderated.",
            None,
        ),
        (
            VOTES_HEADER + "1,d,0,a,1\n2,d,0,b,yes\n",
            None,
            "votes.csv has errors:",
            "Line 3: vote must be a whole number, not “yes”.",
        ),
        (
            VOTES_HEADER + "1,d,0,a,\n",
            None,
            "votes.csv has errors:",
            "Line 2: vote must be a whole number, not “”.",
        ),
        (
            VOTES_HEADER + "1,d,0,a,2\n",
            None,
            "votes.csv has errors:",
            "Line 2: a vote is 1 (agree), -1 (disagree) or 0 (pass), not 2.",
        ),
        (
            VOTES_HEADER + "soon,d,0,a,1\n",
            None,
            "votes.csv has errors:",
            "Line 2: timestamp must be a whole number, not “soon”.",
        ),
        (
            VOTES_HEADER + "1,d,0,,1\n",
            None,
            "votes.csv has errors:",
            "Line 2: a voter id and a comment id are required.",
        ),
        (
            VOTES_HEADER + "1,d,0,a,1\n1,d,9,a,1\n1,d,12,b,1\n",
            COMMENTS,
            "votes.csv refers to comments that comments.csv lacks: 12, 9.",
            None,
        ),
        (VOTES_HEADER, None, "votes.csv has no votes.", None),
        (
            VOTES_HEADER + "1,d,0,a,1\n",
            COMMENTS + "130,Mon,1,9,0,0,0,again\n",
            "comments.csv has errors:",
            "Line 5: comment 1 appears twice.",
        ),
        (
            VOTES_HEADER + "1,d,0,a,1\n",
            COMMENTS_HEADER + "1,d,,7,0,0,0,x\n",
            "comments.csv has errors:",
            "Line 2: the comment id is empty.",
        ),
        (
            VOTES_HEADER + "1,d,0,a,1\n",
            COMMENTS_HEADER + "1,d,0,7,0,0,hidden,x\n",
            "comments.csv has errors:",
            "Line 2: moderated must be a whole number, not “hidden”.",
        ),
        (
            (VOTES_HEADER + "1,d,0,a,1\n").encode() + b"2,d,0,\xff\xfe,1\n",
            None,
            "votes.csv is not UTF-8 text.",
            None,
        ),
        (
            VOTES_HEADER + "1,d,0,a,1\n",
            "comment-id,moderated,comment-body\n0,0,caf\xe9\n".encode("latin-1"),
            "comments.csv is not UTF-8 text.",
            None,
        ),
    ],
    ids=[
        "no votes file",
        "empty votes file",
        "missing vote column",
        "missing moderated column",
        "non-numeric vote",
        "empty vote",
        "vote 2",
        "non-numeric timestamp",
        "no voter",
        "unknown comments",
        "no votes",
        "duplicate comment",
        "empty comment id",
        "non-numeric moderated",
        "latin-1 votes",
        "latin-1 comments",
    ],
)
def test_malformed_exports_are_reported(tmp_path, votes, comments, message, row_error):
    with pytest.raises(PolisFormatError) as raised:
        read_export(export_dir(tmp_path, votes, comments))
    error = raised.value
    assert isinstance(error, ValueError)
    assert message in str(error).splitlines()[0]
    if row_error is None:
        assert error.errors == []
    else:
        assert row_error in error.errors
        assert row_error in str(error)


def test_every_bad_row_is_listed_up_to_a_limit(tmp_path):
    votes = VOTES_HEADER + "".join(f"{i},d,0,v{i},{i + 2}\n" for i in range(MAX_ERRORS + 10))
    with pytest.raises(PolisFormatError) as raised:
        read_export(export_dir(tmp_path, votes))
    assert len(raised.value.errors) == MAX_ERRORS
    assert raised.value.errors[0].startswith("Line 2:")


def test_not_a_directory(tmp_path):
    file = tmp_path / "votes.csv"
    file.write_text(VOTES_HEADER + "1,d,0,a,1\n", encoding="utf-8")
    for path in (file, tmp_path / "missing", str(tmp_path / "missing")):
        with pytest.raises(PolisFormatError, match=re.escape(f"{path} is not a directory.")):
            read_export(path)


@pytest.mark.parametrize("row", ["1,d,0,a,inf\n", "1e400,d,0,a,1\n"])
def test_an_infinite_number_is_a_format_error(tmp_path, row):
    """Regression: int(float("inf")) raises OverflowError, which escaped as itself."""
    with pytest.raises(PolisFormatError, match="must be a whole number"):
        read_export(export_dir(tmp_path, VOTES_HEADER + row))


# ---- fidelity on the Pol.is open data, when it is present --------------------------------

POLIS_DATA = Path(
    os.environ.get("MESHUTAF_POLIS_DATA")
    or Path(__file__).resolve().parents[3] / "shared" / "data" / "polis"
)


@pytest.mark.skipif(not POLIS_DATA.is_dir(), reason=f"{POLIS_DATA} not found")
@pytest.mark.parametrize(
    "conversation", ["canadian-electoral-reform", "scoop-hivemind.biodiversity"]
)
def test_groups_agree_with_polis(conversation):
    folder = POLIS_DATA / conversation
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    analysis = analyze(read_export(folder).vote_table(), seed=0)
    with (folder / "participants-votes.csv").open(newline="", encoding="utf-8") as stream:
        theirs = {row["participant"]: row["group-id"] for row in csv.DictReader(stream)}
    clustered = [pid for pid, gid in theirs.items() if gid != ""]
    ours = [analysis.participants.get(pid) for pid in clustered]
    assert len(analysis.groups) == len({theirs[pid] for pid in clustered})
    assert adjusted_rand_index(ours, [theirs[pid] for pid in clustered]) >= 0.8


@pytest.mark.parametrize("vote", ["1.5", "-0.5", "0.9"])
def test_fractional_votes_are_refused(vote):
    with pytest.raises(PolisFormatError, match="whole number"):
        parse_votes(f"timestamp,comment-id,voter-id,vote\n1,1,1,{vote}\n")
