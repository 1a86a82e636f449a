"""Training, scoring and the index end to end, through the services and the command line."""

import json

import numpy as np
import pytest

from meshutaf import cli
from meshutaf.discourse import codebook, selectors, services
from meshutaf.discourse.models import ModelStatus, RunStatus, SampleKind, Score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _train_and_score(corpus):
    model = services.model_train_request(corpus=corpus, enqueue=False)
    model = services.model_train_run(model_id=model.pk)
    assert model.status == ModelStatus.READY, model.error
    run = services.scoring_request(corpus=corpus, model=model, enqueue=False)
    run = services.scoring_run_execute(run_id=run.pk)
    assert run.status == RunStatus.DONE, run.error
    return model


def test_train_score_and_index(coded_corpus, posts):
    model = _train_and_score(coded_corpus)
    assert codebook.INCIVILITY in model.dimensions
    assert (model.n_train, Score.objects.filter(model=model).count()) == (160, len(posts))
    assert (model.report["dimensions"]["insult"]["roc_auc"] or 0) > 0.8
    assert coded_corpus.pk
    assert model.directory
    assert "v1" in model.directory

    index = selectors.corpus_index(corpus=coded_corpus, by=["month"])
    assert index.targets[:3] == [codebook.INCIVILITY, codebook.DIFFERENT_SPEECH, codebook.COMPOSITE]
    assert sum(cell.n_items for cell in index.cells) == len(posts)
    assert index.n_audit == 160
    truth_by_month = {}
    for post in posts:
        key = selectors.period_key(post.published.astimezone().date(), "month")
        inc = (
            any(
                post.labels[k]
                for k in codebook.DEFAULTS_BY_KEY
                if codebook.DEFAULTS_BY_KEY[k].family == "incivility"
            )
            and not post.labels["quotation"]
        )
        truth_by_month.setdefault(key, []).append(inc)
    covered = 0
    for cell in index.cells:
        result = cell.results[codebook.INCIVILITY]
        assert result.corrected
        assert result.ci_low <= result.estimate <= result.ci_high
        truth = np.mean(truth_by_month[cell.key["month"]])
        covered += result.ci_low - 0.02 <= truth <= result.ci_high + 0.02
        composite = cell.results[codebook.COMPOSITE]
        assert 0 <= composite.ci_low <= composite.estimate <= composite.ci_high <= 100
    assert covered >= len(index.cells) - 1


def test_cells_without_audit_are_uncorrected_and_small_cells_flagged(coded_corpus):
    _train_and_score(coded_corpus)
    coded_corpus.min_cell_items = 1000
    index = selectors.corpus_index(corpus=coded_corpus, by=["month", "platform"])
    assert all(cell.small for cell in index.cells)
    data = selectors.index_as_json(index)
    assert {"month", "platform", "n", "small", "values"} <= set(data["cells"][0])
    # Remove the audit: every cell keeps its mean probability but has no interval.
    coded_corpus.samples.all().delete()
    index = selectors.corpus_index(corpus=coded_corpus, by=["month"])
    assert index.n_audit == 0
    for cell in index.cells:
        result = cell.results[codebook.INCIVILITY]
        assert not result.corrected
        assert result.estimate == pytest.approx(result.mean_score)


def test_an_active_sample_picks_uncertain_unassigned_items(coded_corpus):
    _train_and_score(coded_corpus)
    sample = services.sample_create(
        corpus=coded_corpus, name="next", kind=SampleKind.ACTIVE, size=10
    )
    assert sample.entries.count() == 10
    assigned = set(
        coded_corpus.items.filter(assignments__isnull=False).values_list("pk", flat=True)
    )
    assert not assigned & set(sample.entries.values_list("item_id", flat=True))
    # Not an audit: the index's audit is unchanged.
    ids, _labels, _weights = selectors.audit_labels(corpus=coded_corpus, keys=["insult"])
    assert len(ids) == 160


def test_training_without_enough_labels_is_refused(corpus):
    with pytest.raises(Exception, match="Not enough coded items"):
        services.model_train_request(corpus=corpus, enqueue=False)
    assert not corpus.model_versions.exists()


def test_scoring_resumes_without_duplicates(coded_corpus, posts):
    model = _train_and_score(coded_corpus)
    Score.objects.filter(
        model=model, item__pk__gt=coded_corpus.items.order_by("pk")[50].pk
    ).delete()
    run = services.scoring_request(corpus=coded_corpus, model=model, enqueue=False)
    run = services.scoring_run_execute(run_id=run.pk)
    assert run.status == RunStatus.DONE
    assert run.done == len(posts)
    assert Score.objects.filter(model=model).count() == len(posts)


def test_the_agreement_of_perfect_coders_is_one(coded_corpus, owner, member):
    from meshutaf.discourse.models import Annotation, Assignment

    items = list(coded_corpus.items.filter(annotations__isnull=False)[:12])
    for item in items:
        assignment = Assignment.objects.create(item=item, annotator=member)
        values = Annotation.objects.get(item=item, annotator=owner).values
        services.annotation_save(assignment=assignment, values=values)
    rows = {row.key: row for row in selectors.agreement(corpus=coded_corpus, n_boot=200)}
    assert rows["insult"].n_units == 12
    assert rows["insult"].n_coders == 2
    varied = [row for row in rows.values() if row.alpha == row.alpha]
    assert varied
    assert all(row.alpha == pytest.approx(1.0) for row in varied)


# --- The command line ----------------------------------------------------------------------


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def _csv(path, posts, labelled=False):
    from meshutaf.demo_discourse import posts_as_rows

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


def test_a_job_a_dead_worker_left_behind_does_not_block_new_ones(coded_corpus, time_machine):
    import datetime as dt

    from django.core.exceptions import ValidationError

    model = services.model_train_request(corpus=coded_corpus, enqueue=False)
    with pytest.raises(ValidationError):
        services.model_train_request(corpus=coded_corpus, enqueue=False)
    time_machine.move_to(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=7))
    newer = services.model_train_request(corpus=coded_corpus, enqueue=False)
    model.refresh_from_db()
    assert model.status == ModelStatus.FAILED
    assert "Stopped" in model.error
    assert newer.version == 2


def test_an_unknown_label_on_one_dimension_keeps_the_held_out_scores_of_the_others(
    coded_corpus, settings
):
    model = _train_and_score(coded_corpus)
    before = selectors.corpus_index(corpus=coded_corpus, by=["month"])
    path = settings.DATA_DIR / model.directory / "held_out.npz"
    with np.load(path) as data:
        ids, held = data["item_ids"], data["probabilities"].copy()
    held[:, model.dimensions.index("threat")] = np.nan
    np.savez_compressed(path, item_ids=ids, probabilities=held)
    after = selectors.corpus_index(corpus=coded_corpus, by=["month"])
    for first, second in zip(before.cells, after.cells, strict=True):
        assert first.results["insult"].estimate == pytest.approx(second.results["insult"].estimate)
        assert first.results["insult"].ci_low == pytest.approx(second.results["insult"].ci_low)


def test_audit_weights_count_only_the_drawn_items_coded_so_far(corpus, owner, posts):
    from meshutaf.discourse.models import Assignment

    from .conftest import code_assignments

    sample = services.sample_create(
        corpus=corpus, name="Audit", kind=SampleKind.RANDOM, size=40, seed=2
    )
    services.assignments_create(sample=sample, annotators=[owner], seed=2)
    truth = {f"p{number}": post.labels for number, post in enumerate(posts)}
    code_assignments(
        Assignment.objects.filter(sample=sample).select_related("item__corpus")[:20], truth
    )
    ids, _labels, weights = selectors.audit_labels(corpus=corpus, keys=["insult"])
    # Drawn with chance 40/240, and half of those drawn are coded: each stands for 12.
    assert len(ids) == 20
    assert weights == pytest.approx(np.full(20, len(posts) / 20))
