"""Training, scoring and the index end to end, through the services."""

import numpy as np
import pytest

from meshutaf.discourse import codebook, services
from meshutaf.discourse.models import ModelStatus, RunStatus, SampleKind, Score
from meshutaf.discourse.selectors import index as index_selectors
from meshutaf.discourse.selectors.gold import audit_labels
from meshutaf.discourse.selectors.index import corpus_index
from meshutaf.discourse.selectors.reliability import agreement
from meshutaf.discourse.selectors.sampling import period_key

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

    index = corpus_index(corpus=coded_corpus, by=["month"])
    assert index.targets[:3] == (codebook.INCIVILITY, codebook.DIFFERENT_SPEECH, codebook.COMPOSITE)
    assert sum(cell.n_items for cell in index.cells) == len(posts)
    assert index.n_audit == 160
    truth_by_month = {}
    for post in posts:
        key = period_key(post.published.astimezone().date(), "month")
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


def test_scores_read_in_slices_make_the_same_index(coded_corpus, monkeypatch):
    """The scores are read a slice of items at a time (bounded memory, no server-side cursor):
    slices far smaller than the corpus give the very same index."""
    _train_and_score(coded_corpus)
    whole = corpus_index(corpus=coded_corpus, by=["month", "community"])
    monkeypatch.setattr(index_selectors, "SCORES_PER_QUERY", 7)
    sliced = corpus_index(corpus=coded_corpus, by=["month", "community"])
    assert sum(cell.n_items for cell in sliced.cells) == Score.objects.count()
    assert repr(sliced) == repr(whole)


def test_cells_without_audit_are_uncorrected_and_small_cells_flagged(coded_corpus):
    _train_and_score(coded_corpus)
    coded_corpus.min_cell_items = 1000
    index = corpus_index(corpus=coded_corpus, by=["month", "platform"])
    assert all(cell.small for cell in index.cells)
    data = index.to_json()
    assert {"month", "platform", "n", "small", "values"} <= set(data["cells"][0])
    # Remove the audit: every cell keeps its mean probability but has no interval.
    coded_corpus.samples.all().delete()
    index = corpus_index(corpus=coded_corpus, by=["month"])
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
    ids, _labels, _weights = audit_labels(corpus=coded_corpus, keys=["insult"])
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
    rows = {row.key: row for row in agreement(corpus=coded_corpus, n_boot=200)}
    assert rows["insult"].n_units == 12
    assert rows["insult"].n_coders == 2
    varied = [row for row in rows.values() if row.alpha == row.alpha]
    assert varied
    assert all(row.alpha == pytest.approx(1.0) for row in varied)


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
    before = corpus_index(corpus=coded_corpus, by=["month"])
    path = settings.DATA_DIR / model.directory / "held_out.npz"
    with np.load(path) as data:
        ids, held = data["item_ids"], data["probabilities"].copy()
    held[:, model.dimensions.index("threat")] = np.nan
    np.savez_compressed(path, item_ids=ids, probabilities=held)
    after = corpus_index(corpus=coded_corpus, by=["month"])
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
    ids, _labels, weights = audit_labels(corpus=corpus, keys=["insult"])
    # Drawn with chance 40/240, and half of those drawn are coded: each stands for 12.
    assert len(ids) == 20
    assert weights == pytest.approx(np.full(20, len(posts) / 20))
