"""`meshutaf programs rank`: the JSON contract, the table, and every bad file ending with a
message naming the row and exit code 2."""

import json

import krippendorff
import numpy as np
import pytest

from meshutaf import cli
from meshutaf.programs import commands

HEADER = "candidate,reviewer,criterion,score,weight,confidence"
GOOD = [
    HEADER,
    "נועה,r1,vision,5,2,3",
    "נועה,r1,experience,4,1,",
    "נועה,r2,vision,4,2,2",
    "נועה,r2,experience,,1,",  # r2 cannot judge Noa's experience
    "amir,r1,vision,3,2,1",
    "amir,r1,experience,3,1,1",
    "amir,r2,vision,2,2,1",
    "amir,r2,experience,2,1,1",
    "dana,r2,vision,1,2,",
    "dana,r2,experience,2,1,",
    "dana,r3,vision,5,2,",
    "dana,r3,experience,5,1,",
    "omer,r3,vision,3,2,",
    "omer,r3,experience,4,1,",
    "omer,r1,vision,4,2,",
    "omer,r1,experience,4,1,",
]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def write(tmp_path, lines, name="reviews.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def rank(path, *extra):
    return cli.main(["programs", "rank", "--reviews", path, *extra])


def test_json_contract(tmp_path, capsys):
    assert rank(write(tmp_path, GOOD), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert {"candidates", "reviewers", "alpha", "consensus_queue"} <= set(result)
    candidates = result["candidates"]
    assert {c["id"] for c in candidates} == {"נועה", "amir", "dana", "omer"}
    for candidate in candidates:
        assert {"id", "raw_mean", "adjusted", "low", "high", "band"} <= set(candidate)
        best, worst = candidate["band"]
        assert 1 <= best <= candidate["rank"] <= worst <= 4
        assert candidate["low"] < candidate["adjusted"] < candidate["high"]
    adjusted = [c["adjusted"] for c in candidates]
    assert adjusted == sorted(adjusted, reverse=True)  # best first
    noa = next(c for c in candidates if c["id"] == "נועה")
    # Weighted 2:1, renormalised over what each reviewer judged: r1 (2·5 + 4)/3, r2 4.
    assert noa["raw_mean"] == pytest.approx(((10 + 4) / 3 + 4) / 2)
    assert noa["n_reviewers"] == 2
    assert [r["id"] for r in result["reviewers"]] == ["r1", "r2", "r3"]
    assert sum(r["offset"] for r in result["reviewers"]) == pytest.approx(0)
    assert set(result["alpha"]) == {"vision", "experience"}
    vision = np.array(
        [[5, 3, np.nan, 4], [4, 2, 1, np.nan], [np.nan, np.nan, 5, 3]]
    )  # reviewers × (נועה, amir, dana, omer)
    assert result["alpha"]["vision"] == pytest.approx(
        krippendorff.alpha(reliability_data=vision, level_of_measurement="interval")
    )
    # dana: 1.33 from r2 and 5 from r3: far apart whatever their leniency.
    assert result["consensus_queue"] == ["dana"]


def test_minimal_columns_semicolons_and_cannot_judge_only(tmp_path, capsys):
    lines = ["Candidate;Reviewer;Criterion;Score", "a;r1;fit;", "b;r1;fit;3", "b;r2;fit;4"]
    assert rank(write(tmp_path, lines), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    last = result["candidates"][-1]
    assert last["id"] == "a"
    assert last["raw_mean"] is None
    assert last["adjusted"] is None
    assert last["band"] is None
    # One pairable candidate: its two scores differ as much as any two: alpha 0.
    assert result["alpha"]["fit"] == pytest.approx(0)


def test_scale_and_threshold(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    assert rank(path, "--json", "--scale", "1", "5", "--consensus-threshold", "0") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scale"] == [1, 5]
    assert set(result["consensus_queue"]) == {"נועה", "amir", "dana", "omer"}
    assert rank(path, "--scale", "1", "4") == 2
    assert "Row 2: the score 5 is outside the scale, 1 to 4." in capsys.readouterr().err
    assert rank(path, "--scale", "5", "1") == 2
    assert "low end" in capsys.readouterr().err
    assert rank(path, "--consensus-threshold", "-1") == 2
    assert "threshold" in capsys.readouterr().err


def test_table_in_the_terminal_language(tmp_path, capsys):
    assert rank(write(tmp_path, GOOD)) == 0
    out = capsys.readouterr().out
    assert "raw mean" in out
    assert "rank band" in out
    assert "Krippendorff's alpha, vision:" in out
    assert "For a consensus discussion: dana" in out
    first = out.splitlines()[1]
    assert first.split()[0] == "1"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([HEADER, "a,r1,fit,N/A,,"], "Row 2: the score 'N/A' is not a number"),
        ([HEADER, "a,r1,fit,4,,", "a,r2,fit,cannot judge,,"], "Row 3: the score 'cannot judge'"),
        ([HEADER, "a,r1,fit,nan,,"], "Row 2: the score 'nan' is not a number"),
        ([HEADER, "a,r1,fit,inf,,"], "Row 2: the score 'inf' is not a number"),
        ([HEADER, "a,r1,fit,1e999,,"], "Row 2: the score '1e999' is not a number"),
        ([HEADER, "a,r1,fit,4,,", "a,r1,fit,5,,"], "Row 3: r1 scored a on fit already, on row 2."),
        ([HEADER, "a,,fit,4,,"], "Row 2: the candidate, the reviewer and the criterion"),
        (
            [HEADER, "a,r1,fit,4,2,", "b,r1,fit,4,3,"],
            "Row 3: the weight of fit is 3, but 2 on row 2",
        ),
        ([HEADER, "a,r1,fit,4,0,"], "Row 2: the weight '0' is not a number above 0."),
        ([HEADER, "a,r1,fit,4,,high"], "Row 2: the confidence 'high' is not a number above 0."),
        ([HEADER, "a,r1,fit,4,,-1"], "Row 2: the confidence '-1'"),
        (["candidate,reviewer,score", "a,r1,4"], "missing: criterion."),
        (["name,points", "a,4"], "missing: candidate, reviewer, criterion, score."),
        (["candidate,reviewer,criterion,score,score", "a,r,k,1,2"], "column score appears twice"),
        ([HEADER], "holds no reviews"),
        ([f"a{'x' * 300},r1,fit,4"], "missing"),
        ([HEADER, f"{'x' * 201},r1,fit,4,,"], "Row 2: a name is longer than 200 characters."),
    ],
)
def test_bad_file_exits_2(tmp_path, capsys, lines, message):
    assert rank(write(tmp_path, lines), "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_unreadable_empty_and_oversized_files_exit_2(tmp_path, capsys):
    assert rank(str(tmp_path / "missing.csv")) == 2
    assert "Cannot read" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert rank(str(empty)) == 2
    assert "empty" in capsys.readouterr().err
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,r1,fit,4\n" * 600_000)
    assert rank(str(big)) == 2
    assert "larger than 5 MB" in capsys.readouterr().err
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    assert rank(str(binary)) == 2
    assert capsys.readouterr().err


def test_too_many_rows_and_reviewers_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(commands, "MAX_ROWS", 10)
    lines = [HEADER] + [f"c{i},r{i},fit,3,," for i in range(20)]
    assert rank(write(tmp_path, lines)) == 2
    assert "At most 10 rows" in capsys.readouterr().err
    monkeypatch.setattr(commands, "MAX_ROWS", 100_000)
    lines = [HEADER] + [f"c{i % 50},r{i},fit,3,," for i in range(2001)]
    assert rank(write(tmp_path, lines)) == 2
    assert "At most 2000 reviewers" in capsys.readouterr().err


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["programs", "--help"])
    assert "rank" in capsys.readouterr().out
