"""Writes for the Discourse Index: corpora and their codebook, imports, samples, assignments,
annotations and adjudications, training and scoring. Callers have passed the gate in
`permissions.py` first. Training and scoring run in the worker (`tasks.py`); the functions
that do the work (`model_train_run`, `scoring_run_execute`) are plain functions, so the
command line runs them in the foreground."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.core.services import model_save, model_update

from . import codebook
from .importing import PreparedRow
from .learner.config import MIN_PER_CLASS
from .models import (
    Adjudication,
    Annotation,
    Assignment,
    Community,
    Corpus,
    Dimension,
    ImportRecord,
    Item,
    ModelStatus,
    ModelVersion,
    RunStatus,
    Sample,
    SampleItem,
    SampleKind,
    Score,
    ScoringRun,
)
from .selectors.gold import require_enough_labels, training_data
from .selectors.items import existing_hashes
from .selectors.sampling import item_cells, uncertain_items

log = logging.getLogger(__name__)

CORPUS_FIELDS = ("name", "description", "is_synthetic", "min_cell_items", "initiative")
DIMENSION_FIELDS = ("label", "definition", "examples", "shortcut", "targets", "active")
SCORE_BATCH = 5000
MAX_SAMPLE = 50_000
MAX_CODERS = 10
STALE_AFTER = dt.timedelta(hours=6)


def models_root():
    return settings.DATA_DIR / "discourse" / "models"


# --- Corpora and their codebook ------------------------------------------------------------


@transaction.atomic
def corpus_create(
    *,
    name: str,
    by=None,
    initiative=None,
    description: str = "",
    is_synthetic: bool = False,
    communities: Sequence[str] = (),
) -> Corpus:
    name = (name or "").strip()
    if Corpus.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A corpus with this name already exists.")})
    corpus = model_save(
        Corpus(
            name=name,
            initiative=initiative,
            description=description,
            is_synthetic=is_synthetic,
            created_by=by,
        ),
        by=by,
    )
    targets = "\n".join(str(target) for target in codebook.DEFAULT_TARGETS)
    Dimension.objects.bulk_create(
        Dimension(
            corpus=corpus,
            key=default.key,
            family=default.family,
            shortcut=default.shortcut,
            asks_target=default.asks_target,
            targets=targets if default.asks_target else "",
            position=position,
        )
        for position, default in enumerate(codebook.DEFAULTS)
    )
    for name_ in communities:
        community_add(corpus=corpus, name=name_)
    return corpus


@transaction.atomic
def corpus_update(*, corpus: Corpus, by, data: dict) -> Corpus:
    name = data.get("name")
    if name and Corpus.objects.filter(name__iexact=name.strip()).exclude(pk=corpus.pk).exists():
        raise ValidationError({"name": _("A corpus with this name already exists.")})
    corpus, _changed = model_update(instance=corpus, fields=CORPUS_FIELDS, data=data, by=by)
    return corpus


@transaction.atomic
def corpus_delete(*, corpus: Corpus) -> None:
    directory = models_root() / str(corpus.pk)
    corpus.delete()
    transaction.on_commit(lambda: shutil.rmtree(directory, ignore_errors=True))


def community_add(*, corpus: Corpus, name: str) -> Community:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Write the community's name.")})
    existing = corpus.communities.filter(name__iexact=name).first()
    if existing:
        return existing
    position = (corpus.communities.aggregate(top=Max("position"))["top"] or 0) + 1
    return model_save(Community(corpus=corpus, name=name[:80], position=position))


@transaction.atomic
def community_rename(*, community: Community, name: str) -> Community:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Write the community's name.")})
    clash = community.corpus.communities.filter(name__iexact=name).exclude(pk=community.pk)
    if clash.exists():
        raise ValidationError({"name": _("The corpus already has a community by this name.")})
    community.name = name[:80]
    return model_save(community)


@transaction.atomic
def dimension_update(*, dimension: Dimension, data: dict) -> Dimension:
    shortcut = data.get("shortcut")
    if shortcut:
        if shortcut not in codebook.SHORTCUT_CODES:
            raise ValidationError({"shortcut": _("Choose a letter or a digit key.")})
        taken = dimension.corpus.dimensions.filter(shortcut=shortcut).exclude(pk=dimension.pk)
        if taken.exists():
            raise ValidationError({"shortcut": _("Another dimension already uses this key.")})
    dimension, _changed = model_update(instance=dimension, fields=DIMENSION_FIELDS, data=data)
    return dimension


# --- Import --------------------------------------------------------------------------------


def items_import(
    *,
    corpus: Corpus,
    rows: list[PreparedRow],
    by=None,
    filename: str = "",
    mapping: dict | None = None,
    skip_invalid: bool = False,
    labels_audit: bool = False,
) -> ImportRecord:
    """Store the prepared rows, all in one transaction. Rows already in the corpus (the same
    content hash) and repeats within the file are counted, not added. With any invalid row
    nothing is written, unless the caller chose to skip invalid rows.

    Labels that came with the file are stored as gold labels (adjudications without a
    person). With `labels_audit` the caller vouches that the labelled rows are a simple
    random sample of the corpus, so they also audit the index: they are recorded as a random
    sample with inclusion probability labelled / corpus size."""
    invalid = [row for row in rows if row.errors]
    if invalid and not skip_invalid:
        raise ValidationError(
            _("%(count)s rows have problems; nothing was imported.") % {"count": len(invalid)}
        )
    valid = [row for row in rows if not row.errors]
    with transaction.atomic():
        # Lock the corpus row so two imports of the same file cannot both add its items.
        Corpus.objects.select_for_update().filter(pk=corpus.pk).first()
        existing = existing_hashes(corpus=corpus, hashes=[row.content_hash for row in valid])
        communities = {c.name.casefold(): c for c in corpus.communities.all()}
        new_items = []
        seen = set(existing)
        for row in valid:
            if row.content_hash in seen:
                continue
            seen.add(row.content_hash)
            values = dict(row.values)
            values.pop("labels", None)
            community_name = values.pop("community_name", "")
            community = None
            if community_name:
                community = communities.get(community_name.casefold())
                if community is None:
                    community = community_add(corpus=corpus, name=community_name)
                    communities[community_name.casefold()] = community
            new_items.append(
                Item(corpus=corpus, community=community, content_hash=row.content_hash, **values)
            )
        Item.objects.bulk_create(new_items, batch_size=2000)
        labelled = [row for row in valid if row.values.get("labels")]
        if labelled:
            _store_imported_labels(corpus=corpus, rows=labelled, by=by, audit=labels_audit)
        return ImportRecord.objects.create(
            corpus=corpus,
            filename=filename[:200],
            rows=len(rows),
            added=len(new_items),
            duplicates=len(valid) - len(new_items),
            mapping=mapping or {},
            by=by,
        )


def _store_imported_labels(*, corpus: Corpus, rows: list[PreparedRow], by, audit: bool) -> None:
    ids = {}
    hashes = [row.content_hash for row in rows]
    for start in range(0, len(hashes), 900):
        ids.update(
            Item.objects.filter(
                corpus=corpus, content_hash__in=hashes[start : start + 900]
            ).values_list("content_hash", "pk")
        )
    decisions = {
        (ids[row.content_hash], key): value
        for row in rows
        for key, value in row.values["labels"].items()
    }
    existing = {
        (adjudication.item_id, adjudication.dimension): adjudication
        for adjudication in Adjudication.objects.filter(
            item_id__in={item for item, _key in decisions}
        )
    }
    changed = []
    # A lead's own decision is never overwritten by a file.
    decisions = {
        pair: value
        for pair, value in decisions.items()
        if pair not in existing or existing[pair].decided_by_id is None
    }
    for pair, value in decisions.items():
        if pair in existing and existing[pair].value != value:
            existing[pair].value = value
            existing[pair].decided_by = None
            changed.append(existing[pair])
    Adjudication.objects.bulk_update(changed, ["value", "decided_by"], batch_size=2000)
    Adjudication.objects.bulk_create(
        [
            Adjudication(item_id=item, dimension=key, value=value, decided_by=None)
            for (item, key), value in decisions.items()
            if (item, key) not in existing
        ],
        batch_size=2000,
    )
    if audit:
        items = sorted({ids[row.content_hash] for row in rows})
        population = corpus.items.count()
        sample = Sample.objects.create(
            corpus=corpus,
            name=_("Labelled rows imported with the file"),
            kind=SampleKind.RANDOM,
            size=len(items),
            seed=0,
            population=population,
            created_by=by,
        )
        SampleItem.objects.bulk_create(
            [
                SampleItem(
                    sample=sample, item_id=item, inclusion_probability=len(items) / population
                )
                for item in items
            ],
            batch_size=2000,
        )


@transaction.atomic
def item_set_language(*, item: Item, language: str) -> Item:
    from .languages import language_code

    code = language_code(language) if language else ""
    if code is None:
        raise ValidationError({"language": _("Choose a language from the list.")})
    item.language = code
    item.save(update_fields=["language"])
    return item


# --- Samples -------------------------------------------------------------------------------


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


@transaction.atomic
def sample_create(
    *,
    corpus: Corpus,
    name: str,
    kind: str,
    size: int,
    by=None,
    period: str = "month",
    by_platform: bool = True,
    by_community: bool = True,
    by_language: bool = True,
    seed: int = 0,
) -> Sample:
    """Draw a reproducible sample. Random and stratified samples record each item's chance
    of being drawn, so the coded items can audit the classifier (prediction-powered
    inference weights them by its inverse); an active-learning sample only serves training."""
    if kind not in SampleKind.values:
        raise ValidationError({"kind": _("Choose a kind of sample.")})
    if not 1 <= size <= MAX_SAMPLE:
        raise ValidationError(
            {"size": _("The size must be between 1 and %(max)s.") % {"max": MAX_SAMPLE}}
        )
    sample = model_save(
        Sample(
            corpus=corpus,
            name=(name or "").strip() or _("Sample"),
            kind=kind,
            size=size,
            period=period,
            by_platform=by_platform,
            by_community=by_community,
            by_language=by_language,
            seed=seed,
            created_by=by,
        ),
        by=by,
    )
    rng = _rng(seed)
    if kind == SampleKind.ACTIVE:
        chosen = uncertain_items(corpus=corpus, limit=size)
        if not chosen:
            raise ValidationError(
                _("Train a model and score the corpus first: uncertainty comes from its scores.")
            )
        entries = [
            SampleItem(sample=sample, item_id=pk, inclusion_probability=1.0) for pk in chosen
        ]
        population = len(chosen)
    else:
        ids, cells = item_cells(
            corpus=corpus,
            period=period if kind == SampleKind.STRATIFIED else None,
            by_platform=by_platform and kind == SampleKind.STRATIFIED,
            by_community=by_community and kind == SampleKind.STRATIFIED,
            by_language=by_language and kind == SampleKind.STRATIFIED,
        )
        if not len(ids):
            raise ValidationError(_("The corpus has no items to sample."))
        population = len(ids)
        entries = []
        if kind == SampleKind.RANDOM:
            count = min(size, len(ids))
            picked = rng.choice(len(ids), size=count, replace=False)
            probability = count / len(ids)
            entries = [
                SampleItem(sample=sample, item_id=int(ids[i]), inclusion_probability=probability)
                for i in np.sort(picked)
            ]
        else:
            keys, inverse = np.unique(cells, return_inverse=True)
            for code, key in enumerate(keys):
                members = np.flatnonzero(inverse == code)
                count = min(size, len(members))
                picked = rng.choice(members, size=count, replace=False)
                probability = count / len(members)
                entries.extend(
                    SampleItem(
                        sample=sample,
                        item_id=int(ids[i]),
                        cell=str(key)[:200],
                        inclusion_probability=probability,
                    )
                    for i in np.sort(picked)
                )
    SampleItem.objects.bulk_create(entries, batch_size=2000)
    sample.population = population
    sample.save(update_fields=["population"])
    return sample


@transaction.atomic
def sample_delete(*, sample: Sample) -> None:
    # Assignments not yet coded go with it; coded items keep their annotations.
    sample.assignments.filter(done_at__isnull=True).delete()
    sample.delete()


# --- Assignments, annotation and adjudication ----------------------------------------------


@transaction.atomic
def assignments_create(
    *,
    sample: Sample,
    annotators: Sequence,
    reliability_items: int = 0,
    coders_per_item: int = 3,
    seed: int = 0,
) -> int:
    """Share the sample's items among the annotators, in turn. `reliability_items` items
    (drawn at random) go to `coders_per_item` annotators each, independently, to measure
    agreement; every other item goes to one annotator. Items someone already has are kept
    with them. Returns how many assignments were made."""
    annotators = list(dict.fromkeys(annotators))
    if not annotators:
        raise ValidationError(_("Choose at least one annotator."))
    if reliability_items and not 2 <= coders_per_item <= min(MAX_CODERS, len(annotators)):
        raise ValidationError(
            _("Agreement needs at least %(count)s annotators for each shared item.")
            % {"count": max(2, coders_per_item)}
        )
    item_ids = list(sample.entries.order_by("item_id").values_list("item_id", flat=True))
    if reliability_items > len(item_ids):
        raise ValidationError(_("The sample has only %(count)s items.") % {"count": len(item_ids)})
    rng = _rng(seed)
    order = [item_ids[i] for i in rng.permutation(len(item_ids))]
    shared = set(order[:reliability_items])
    taken = set(
        Assignment.objects.filter(item_id__in=item_ids).values_list("item_id", "annotator_id")
    )
    has_any = {item for item, _annotator in taken}
    load = dict.fromkeys((a.pk for a in annotators), 0)
    start = Assignment.objects.filter(annotator__in=annotators).aggregate(top=Max("position"))
    position = (start["top"] or 0) + 1
    new = []
    for item_id in order:
        wanted = coders_per_item if item_id in shared else 1
        already = sum(1 for a in annotators if (item_id, a.pk) in taken)
        if item_id in has_any and item_id not in shared:
            continue
        # The least loaded annotators first, so the work is shared evenly.
        for annotator in sorted(annotators, key=lambda a: load[a.pk]):
            if already >= wanted:
                break
            if (item_id, annotator.pk) in taken:
                continue
            new.append(
                Assignment(
                    item_id=item_id,
                    annotator=annotator,
                    sample=sample,
                    reliability=item_id in shared,
                    position=position,
                )
            )
            position += 1
            load[annotator.pk] += 1
            already += 1
    Assignment.objects.bulk_create(new, batch_size=2000)
    if shared:
        Assignment.objects.filter(item_id__in=shared, sample=sample).update(reliability=True)
    return len(new)


@transaction.atomic
def annotation_save(
    *, assignment: Assignment, values: dict, target: str = "", note: str = ""
) -> Annotation:
    """The annotator's answers for every active dimension (missing keys count as "no")."""
    dimensions = list(assignment.item.corpus.dimensions.filter(active=True))
    clean = {}
    for dimension in dimensions:
        value = values.get(dimension.key, 0)
        if value not in (0, 1, True, False, "0", "1"):
            raise ValidationError(_("Each answer is yes or no."))
        clean[dimension.key] = int(value)
    target = (target or "").strip()[:80]
    asks = [d for d in dimensions if d.asks_target and clean.get(d.key)]
    if not asks:
        target = ""
    annotation, _created = Annotation.objects.update_or_create(
        item=assignment.item,
        annotator=assignment.annotator,
        defaults={"values": clean, "target": target, "note": (note or "").strip()[:500]},
    )
    assignment.done_at = timezone.now()
    assignment.save(update_fields=["done_at"])
    return annotation


@transaction.atomic
def assignment_skip(*, assignment: Assignment) -> Assignment:
    """Put an item at the end of the annotator's queue."""
    top = Assignment.objects.filter(annotator=assignment.annotator).aggregate(top=Max("position"))[
        "top"
    ]
    assignment.position = (top or 0) + 1
    assignment.save(update_fields=["position"])
    return assignment


@transaction.atomic
def item_adjudicate(*, item: Item, choices: dict[str, int], by) -> list[Adjudication]:
    """A lead's decisions on several dimensions of one item: all saved, or none."""
    return [
        adjudicate(item=item, dimension=key, value=value, by=by) for key, value in choices.items()
    ]


@transaction.atomic
def adjudicate(*, item: Item, dimension: str, value: int, by) -> Adjudication:
    derived = dimension in (codebook.INCIVILITY, codebook.DIFFERENT_SPEECH)
    if not derived and not item.corpus.dimensions.filter(key=dimension).exists():
        raise ValidationError(_("Unknown dimension."))
    if value not in (0, 1):
        raise ValidationError(_("Each answer is yes or no."))
    adjudication, _created = Adjudication.objects.update_or_create(
        item=item, dimension=dimension, defaults={"value": value, "decided_by": by}
    )
    return adjudication


# --- Training ------------------------------------------------------------------------------


@transaction.atomic
def model_train_request(*, corpus: Corpus, by=None, enqueue: bool = True) -> ModelVersion:
    """A new model version, trained in the worker on the corpus's gold labels."""
    stale_jobs_fail(corpus=corpus)
    if corpus.model_versions.filter(status=ModelStatus.TRAINING).exists():
        raise ValidationError(_("A model is being trained already; wait for it to finish."))
    require_enough_labels(corpus=corpus)
    Corpus.objects.select_for_update().filter(pk=corpus.pk).first()
    version = (corpus.model_versions.aggregate(top=Max("version"))["top"] or 0) + 1
    model = ModelVersion.objects.create(corpus=corpus, version=version, created_by=by)
    if enqueue:
        from .tasks import train_model

        transaction.on_commit(lambda: train_model.enqueue(model.pk))
    return model


def model_train_run(*, model_id: int) -> ModelVersion:
    """Train and save a model version (in the worker or the command line). A failure is
    recorded on the version with its reason; nothing else changes."""
    from .learner.training import train

    model = ModelVersion.objects.select_related("corpus").get(pk=model_id)
    corpus = model.corpus
    try:
        data = training_data(corpus=corpus)
        directory = models_root() / str(corpus.pk) / f"v{model.version}"

        def progress(fraction: float) -> None:
            ModelVersion.objects.filter(pk=model.pk).update(
                progress=round(fraction, 3), heartbeat=timezone.now()
            )

        options = {}
        if settings.DISCOURSE_ENCODER:
            options["encoder_path"] = Path(settings.DISCOURSE_ENCODER)
        result = train(
            data.texts,
            data.labels,
            data.targets,
            languages=data.languages,
            seed=model.version,
            progress=progress,
            **options,
        )
        if not result.model.dimensions:
            raise ValueError(
                _("No dimension has enough labels yet (at least %(count)s yes and no each).")
                % {"count": MIN_PER_CLASS}
            )
        directory.mkdir(parents=True, exist_ok=True)
        result.model.save(directory)
        # The out-of-fold probabilities of the coded items: the audit uses them instead of the
        # final model's, which has seen those items (cross-fitted prediction-powered inference).
        trained = [data.targets.index(key) for key in result.model.dimensions]
        np.savez_compressed(
            directory / "held_out.npz",
            item_ids=np.asarray(data.item_ids, dtype=np.int64),
            probabilities=result.out_of_fold[:, trained].astype(np.float32),
        )
    except Exception as error:  # the reason is shown on the model's page
        log.exception("Training model %s failed", model.pk)
        ModelVersion.objects.filter(pk=model.pk).update(
            status=ModelStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        model.refresh_from_db()
        return model
    ModelVersion.objects.filter(pk=model.pk).update(
        status=ModelStatus.READY,
        progress=1.0,
        dimensions=list(result.model.dimensions),
        report=result.report,
        n_train=len(data.item_ids),
        directory=str(directory.relative_to(settings.DATA_DIR)),
        finished_at=timezone.now(),
    )
    model.refresh_from_db()
    return model


# --- Scoring -------------------------------------------------------------------------------


@transaction.atomic
def scoring_request(
    *, corpus: Corpus, model: ModelVersion | None = None, by=None, enqueue: bool = True
) -> ScoringRun:
    model = model or corpus.model_versions.filter(status=ModelStatus.READY).first()
    if model is None or model.status != ModelStatus.READY or model.corpus_id != corpus.pk:
        raise ValidationError(_("Train a model first."))
    stale_jobs_fail(corpus=corpus)
    if corpus.scoring_runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise ValidationError(_("The corpus is being scored already; wait for it to finish."))
    run = ScoringRun.objects.create(
        corpus=corpus, model=model, total=corpus.items.count(), created_by=by
    )
    if enqueue:
        from .tasks import score_corpus

        transaction.on_commit(lambda: score_corpus.enqueue(run.pk))
    return run


def scoring_run_execute(
    *, run_id: int, progress: Callable[[int, int], None] | None = None
) -> ScoringRun:
    """Score every item of the corpus not yet scored by the run's model, in batches; each
    batch is committed with the run's progress, so the page can show it and a run that is
    stopped half-way resumes where it stopped."""
    from .learner.model import TrainedModel

    run = ScoringRun.objects.select_related("model", "corpus").get(pk=run_id)
    ScoringRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat=timezone.now())
    try:
        trained = TrainedModel.load(settings.DATA_DIR / run.model.directory)
        items = Item.objects.filter(corpus=run.corpus).exclude(scores__model=run.model)
        total = run.corpus.items.count()
        done = total - items.count()
        ScoringRun.objects.filter(pk=run.pk).update(total=total, done=done)
        last = 0
        while True:
            batch = list(
                items.filter(pk__gt=last).order_by("pk").values_list("pk", "text")[:SCORE_BATCH]
            )
            if not batch:
                break
            probabilities = trained.predict_proba([text for _pk, text in batch])
            with transaction.atomic():
                Score.objects.bulk_create(
                    [
                        Score(item_id=pk, model=run.model, probabilities=row.tobytes())
                        for (pk, _text), row in zip(
                            batch, probabilities.astype(np.float32), strict=True
                        )
                    ],
                    batch_size=2000,
                    ignore_conflicts=True,
                )
                done += len(batch)
                ScoringRun.objects.filter(pk=run.pk).update(done=done, heartbeat=timezone.now())
            last = batch[-1][0]
            if progress:
                progress(done, total)
    except Exception as error:  # recorded on the run, shown on the page
        log.exception("Scoring run %s failed", run.pk)
        ScoringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    else:
        ScoringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def stale_jobs_fail(*, corpus: Corpus, older_than: dt.timedelta = STALE_AFTER) -> None:
    """Training and scoring that have not reported progress for a long time (their worker
    died) are marked failed, so that a new one can start. A long job that keeps reporting is
    left alone."""
    cutoff = timezone.now() - older_than
    silent = Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, created_at__lt=cutoff)
    ScoringRun.objects.filter(
        silent, corpus=corpus, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.FAILED, error=_stopped_reason(), finished_at=timezone.now())
    ModelVersion.objects.filter(silent, corpus=corpus, status=ModelStatus.TRAINING).update(
        status=ModelStatus.FAILED, error=_stopped_reason(), finished_at=timezone.now()
    )


def _stopped_reason() -> str:
    return _("Stopped before it finished (the worker was probably restarted).")


def job_abandon(*, model_id: int | None = None, run_id: int | None = None) -> None:
    """Mark a job that stopped before it finished (Ctrl+C on the command line, or a worker
    that kept dying under it) as failed at once, so another may start."""
    if model_id is not None:
        ModelVersion.objects.filter(pk=model_id, status=ModelStatus.TRAINING).update(
            status=ModelStatus.FAILED, error=_stopped_reason(), finished_at=timezone.now()
        )
    if run_id is not None:
        ScoringRun.objects.filter(
            pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).update(status=RunStatus.FAILED, error=_stopped_reason(), finished_at=timezone.now())
