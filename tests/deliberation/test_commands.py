"""`meshutaf deliberation analyze|import|export`: the exact JSON contract, and bad input that
ends with a clear message and exit code 2."""

import json
import random

import pytest

from meshutaf import cli
from meshutaf.deliberation.models import Conversation


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def write_export(directory, *, voters=30, extra_votes="", moderated_out=("6",)):
    """Two camps over six comments; comment 6 is moderated out."""
    rng = random.Random(4)  # noqa: S311 - test data
    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    stamp = 1_000
    for voter in range(voters):
        camp = 1 if voter % 2 else -1
        for comment in range(1, 7):
            value = camp if comment <= 3 else -camp
            if rng.random() < 0.1:
                value = 0
            stamp += 1
            lines.append(f"{stamp},x,{comment},{voter},{value}")
    (directory / "votes.csv").write_text("\n".join(lines) + "\n" + extra_votes)
    comments = ["timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"]
    for comment in range(1, 7):
        moderation = -1 if str(comment) in moderated_out else 1
        comments.append(f"{comment},x,{comment},0,0,0,{moderation},Statement {comment}")
    (directory / "comments.csv").write_text("\n".join(comments) + "\n")
    return directory


def test_analyze_prints_the_contract(tmp_path, capsys):
    write_export(tmp_path)
    assert cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "participants", "groups", "consensus", "group_informed_consensus", "seconds", "method"
    }  # fmt: skip
    assert result["method"] == "replay"  # the votes carry their times
    assert len(result["participants"]) == 30
    groups = {result["participants"][str(v)] for v in range(30)}
    assert groups == {0, 1}
    assert {result["participants"][str(v)] for v in range(0, 30, 2)} in ({0}, {1})
    for group in result["groups"]:
        assert set(group) == {"id", "size", "repness"}
        assert group["size"] == 15
        for rep in group["repness"]:
            assert set(rep) == {"statement", "direction", "score"}
            assert rep["direction"] in ("agree", "disagree")
            assert rep["statement"] != 6  # moderated out
    assert set(result["consensus"]) == {"agree", "disagree"}
    assert "6" not in result["group_informed_consensus"]
    assert isinstance(result["seconds"], float)


def test_one_shot_on_request_and_for_a_matrix_without_times(tmp_path, capsys):
    write_export(tmp_path)
    args = ["deliberation", "analyze", "--polis-dir", str(tmp_path)]
    assert cli.main([*args, "--one-shot", "--json"]) == 0
    one_shot = json.loads(capsys.readouterr().out)
    assert one_shot["method"] == "one-shot"
    assert {one_shot["participants"][str(v)] for v in range(30)} == {0, 1}
    assert cli.main(args) == 0
    assert "replay of" in capsys.readouterr().out
    # An export holding only the final matrix: no times, so one analysis of the final votes.
    (tmp_path / "votes.csv").unlink()
    header = "participant,group-id,n-comments,n-votes,n-agree,n-disagree," + ",".join(
        str(c) for c in range(1, 7)
    )
    rows = [header]
    for voter in range(30):
        camp = 1 if voter % 2 else -1
        cells = [str(camp if c <= 3 else -camp) for c in range(1, 7)]
        rows.append(f"{voter},,0,6,0,0," + ",".join(cells))
    rows.append("30,,0,0,0,0,,,,,,")  # a participant who saw nothing
    (tmp_path / "participants-votes.csv").write_text("\n".join(rows) + "\n")
    assert cli.main([*args, "--json"]) == 0
    matrix = json.loads(capsys.readouterr().out)
    assert matrix["method"] == "one-shot"
    assert len(matrix["participants"]) == 30
    assert {matrix["participants"][str(v)] for v in range(0, 30, 2)} in ({0}, {1})


def test_a_conversation_too_large_to_replay_is_analysed_once(tmp_path, capsys, monkeypatch):
    from meshutaf.deliberation import replay

    write_export(tmp_path)
    monkeypatch.setattr(replay, "MAX_CELLS", 10)
    args = ["deliberation", "analyze", "--polis-dir", str(tmp_path), "--json"]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["method"] == "one-shot"
    assert "Too large to replay (30 participants × 6 statements)" in captured.err


def test_restart_after_must_be_a_positive_number_of_hours(tmp_path, capsys):
    write_export(tmp_path)
    args = ["deliberation", "analyze", "--polis-dir", str(tmp_path), "--restart-after"]
    assert cli.main([*args, "0"]) == 2
    assert "number of hours above 0" in capsys.readouterr().err
    assert cli.main([*args, "24", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "replay"


def test_a_malformed_matrix_is_refused(tmp_path, capsys):
    write_export(tmp_path)
    (tmp_path / "votes.csv").unlink()
    (tmp_path / "participants-votes.csv").write_text("participant,1,2\n1,1,7\n")
    assert cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path)]) == 2
    assert "0 (pass), not 7" in capsys.readouterr().err


def test_analyze_is_deterministic(tmp_path, capsys):
    write_export(tmp_path)
    outputs = []
    for _ in range(2):
        cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path), "--seed", "7", "--json"])
        result = json.loads(capsys.readouterr().out)
        result.pop("seconds")
        outputs.append(result)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "was not found"),
        (lambda d: (d / "votes.csv").write_text("a,b\n1,2\n"), "missing the columns"),
        (lambda d: (d / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,1,1,5\n"),
         "1 (agree), -1 (disagree) or 0 (pass)"),
        (lambda d: (d / "votes.csv").write_bytes(b"timestamp,comment-id,voter-id,vote\n\xff\xfe"),
         "not UTF-8"),
        (lambda d: (d / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n"),
         "no votes"),
    ],
)  # fmt: skip
def test_analyze_bad_input_exits_2(tmp_path, capsys, setup, message):
    setup(tmp_path)
    code = cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path), "--json"])
    assert code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_analyze_unknown_comment_and_missing_dir(tmp_path, capsys):
    write_export(tmp_path, extra_votes="99999,x,42,1,1\n")
    assert cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path), "--json"]) == 2
    assert "42" in capsys.readouterr().err
    assert cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path / "no")]) == 2
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path), "--seed", "x"])
    assert exit_info.value.code == 2


@pytest.mark.django_db
def test_import_then_export(tmp_path, initiative, owner, member, capsys):
    write_export(tmp_path)
    base = ["deliberation", "import", "--polis-dir", str(tmp_path), "--initiative"]
    refused = cli.main([*base, str(initiative.pk), "--title", "T", "--as", member.username])
    assert refused == 2
    assert not Conversation.objects.exists()
    assert cli.main([*base, str(initiative.pk), "--title", "Imported", "--as", owner.username]) == 0
    conversation = Conversation.objects.get(title="Imported")
    assert conversation.statements.count() == 6
    out = tmp_path / "out"
    args = ["deliberation", "export", "--conversation", str(conversation.pk)]
    assert cli.main([*args, "--output-dir", str(out)]) == 0
    assert (out / "votes.csv").read_text().count("\n") == 1 + 30 * 6
    capsys.readouterr()
    again = cli.main(["deliberation", "analyze", "--polis-dir", str(out), "--json"])
    assert again == 0
    assert len(json.loads(capsys.readouterr().out)["participants"]) == 30


@pytest.mark.parametrize(("language", "letters"), [("en", "AB"), ("he", "אב"), ("ar", "أب")])
def test_analyze_names_groups_in_the_terminals_language(
    tmp_path, capsys, monkeypatch, language, letters
):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", language)
    write_export(tmp_path)
    assert cli.main(["deliberation", "analyze", "--polis-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = [line for line in out if "15" in line and not line.startswith(" ")]
    assert [line.split(":")[0].split()[-1] for line in lines] == list(letters), lines
