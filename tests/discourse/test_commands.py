"""`meshutaf discourse …`: import, train, score and print the index from the command line, and
what it says to bad input."""

import json

import pytest

from meshutaf import cli
from meshutaf.discourse.results import DiscourseIndex

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def _csv(path, posts, labelled=False):
    from meshutaf.demo.corpus import posts_as_rows

    headers, rows = posts_as_rows(posts)
    if labelled:
        headers = [*headers, "toxic"]
        rows = [
            [*row, "yes" if post.labels["insult"] else "no"]
            for row, post in zip(rows, posts, strict=True)
        ]
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_cli_import_train_score_index(tmp_path, english, capsys, posts):
    path = _csv(tmp_path / "posts.csv", posts, labelled=True)
    code = cli.main(
        [
            "discourse",
            "import",
            str(path),
            "--corpus",
            "Feeds",
            "--labels",
            "insult=toxic",
            "--labels-are-random-sample",
        ]
    )
    assert code == 0
    assert "240 new items imported" in capsys.readouterr().out
    assert cli.main(["discourse", "import", str(path), "--corpus", "Feeds"]) == 0
    assert "0 new items imported, 240 already there" in capsys.readouterr().out
    assert cli.main(["discourse", "train", "--corpus", "feeds", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1
    assert "insult" in report["dimensions"]
    assert cli.main(["discourse", "score", "--corpus", "Feeds"]) == 0
    assert "240 items scored" in capsys.readouterr().out
    assert (
        cli.main(["discourse", "index", "--corpus", "Feeds", "--by", "month,community", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["by"] == ["month", "community"]
    assert data["n_audit"] == 240
    insult = [cell["values"]["insult"] for cell in data["cells"]]
    assert all(value["ci_low"] <= value["estimate"] <= value["ci_high"] for value in insult)
    assert sum(cell["n"] for cell in data["cells"]) == 240
    assert data["format"] == 1
    assert DiscourseIndex.from_json(data).to_json() == data
    assert cli.main(["discourse", "index", "--corpus", "Feeds", "--by", "month"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split("\t")[:2] == ["month", "n"]
    assert len(table) == 4  # three months


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["discourse", "train", "--corpus", "Nope"], "There is no corpus called Nope"),
        (["discourse", "index", "--corpus", "Nope"], "There is no corpus called Nope"),
        (["discourse", "import", "/no/such/file.csv", "--corpus", "X"], "There is no file"),
    ],
)
def test_cli_bad_input(argv, message, english, capsys):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_import_refuses_a_file_with_bad_rows(tmp_path, english, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "text,date\nשלום,2026-01-01\n,2026-01-02\nעוד,yesterday-ish\n", encoding="utf-8"
    )
    assert cli.main(["discourse", "import", str(path), "--corpus", "Bad"]) == 2
    err = capsys.readouterr().err
    assert "Row 3" in err
    assert "Row 4" in err
    assert "nothing was imported" in err
    from meshutaf.discourse.models import Corpus

    assert not Corpus.objects.filter(name="Bad").exists()
    assert (
        cli.main(["discourse", "import", str(path), "--corpus", "Bad", "--mapping", "text=nope"])
        == 2
    )
    assert "no column nope" in capsys.readouterr().err


def test_cli_index_grouping_and_unscored_corpus(corpus, english, capsys):
    assert cli.main(["discourse", "index", "--corpus", corpus.name, "--by", "month,colour"]) == 2
    assert "Group by one or more of" in capsys.readouterr().err
    assert cli.main(["discourse", "index", "--corpus", corpus.name]) == 1
    assert "not been scored" in capsys.readouterr().err


def test_cli_evaluate_bad_input(tmp_path, english, capsys):
    path = tmp_path / "x.csv"
    path.write_text("text,label\nשלום,ok\n", encoding="utf-8")
    code = cli.main(
        [
            "discourse",
            "evaluate",
            "--train",
            str(path),
            "--test",
            str(tmp_path / "missing.csv"),
            "--text-column",
            "text",
            "--label-column",
            "label",
            "--positive",
            "toxic",
            "--json",
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.strip()


def test_cli_attaches_a_loose_corpus_to_an_initiative(tmp_path, english, capsys, posts, initiative):
    from meshutaf.discourse.models import Corpus
    from tests.factories import InitiativeFactory

    path = _csv(tmp_path / "posts.csv", posts[:30])
    assert cli.main(["discourse", "import", str(path), "--corpus", "Loose"]) == 0
    assert "belongs to no initiative" in capsys.readouterr().out
    assert Corpus.objects.get(name="Loose").initiative is None
    argv = ["discourse", "import", str(path), "--corpus", "Loose", "--initiative"]
    assert cli.main([*argv, str(initiative.pk)]) == 0
    assert Corpus.objects.get(name="Loose").initiative == initiative
    assert Corpus.objects.get(name="Loose").items.count() == 30
    other = InitiativeFactory(name="Another")
    assert cli.main([*argv, str(other.pk)]) == 2
    assert "belongs to another initiative" in capsys.readouterr().err
    assert cli.main([*argv, "999999"]) == 2
