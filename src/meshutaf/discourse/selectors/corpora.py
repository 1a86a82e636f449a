"""Reads about corpora: the list, an overview, the codebook's wording, the model versions
and scoring runs. Callers have passed the gate in `permissions.py`."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from .. import codebook
from ..models import (
    Annotation,
    Assignment,
    Corpus,
    Dimension,
    ImportRecord,
    ModelStatus,
    ModelVersion,
    RunStatus,
    ScoringRun,
)


def corpora_for_initiative(*, initiative) -> QuerySet[Corpus]:
    return (
        Corpus.objects.filter(initiative=initiative)
        .annotate(n_items=Count("items", distinct=True))
        .order_by("name")
    )


def corpora_with_status(*, initiative, user) -> QuerySet[Corpus]:
    """The initiative's corpora with the model that last scored each (`scored_version`,
    `scored_at`) and how many of its items wait for `user` to code them (`todo`)."""
    done_runs = ScoringRun.objects.filter(corpus=OuterRef("pk"), status=RunStatus.DONE).order_by(
        "-finished_at"
    )
    todo = (
        Assignment.objects.filter(item__corpus=OuterRef("pk"), annotator=user, done_at__isnull=True)
        .order_by()
        .values("item__corpus")
        .annotate(n=Count("id"))
        .values("n")
    )
    return corpora_for_initiative(initiative=initiative).annotate(
        scored_version=Subquery(done_runs.values("model__version")[:1]),
        scored_at=Subquery(done_runs.values("finished_at")[:1]),
        todo=Subquery(todo[:1]),
    )


def corpus_overview(*, corpus: Corpus) -> dict:
    items = corpus.items
    annotated = Annotation.objects.filter(item__corpus=corpus)
    return {
        "items": items.count(),
        "annotated_items": annotated.values("item_id").distinct().count(),
        "annotations": annotated.count(),
        "by_language": list(items.values("language").annotate(n=Count("id")).order_by("-n")[:10]),
        "by_platform": list(items.values("platform").annotate(n=Count("id")).order_by("-n")[:10]),
        "by_community": list(
            items.values("community__name").annotate(n=Count("id")).order_by("-n")[:20]
        ),
        "first": items.filter(published_at__isnull=False).order_by("published_at").first(),
        "last": items.filter(published_at__isnull=False).order_by("-published_at").first(),
    }


def item_count(*, corpus: Corpus) -> int:
    return corpus.items.count()


def corpus_contents(*, corpus: Corpus) -> dict:
    """What deleting the corpus would delete: its items, annotations and model versions."""
    return {
        "items": corpus.items.count(),
        "annotations": Annotation.objects.filter(item__corpus=corpus).count(),
        "models": corpus.model_versions.count(),
    }


def communities(*, corpus: Corpus) -> list:
    return list(corpus.communities.all())


def community_names(*, corpus: Corpus) -> dict[str, str]:
    """{community id as text: name}, as cell keys hold communities."""
    return {str(pk): name for pk, name in corpus.communities.values_list("pk", "name")}


def dimensions(*, corpus: Corpus, active_only: bool = True) -> list[Dimension]:
    queryset = corpus.dimensions.all()
    if active_only:
        queryset = queryset.filter(active=True)
    return list(queryset)


def dimension_text(dimension: Dimension) -> dict:
    """Label, definition and examples: the corpus's own wording, or the built-in one."""
    default = codebook.DEFAULTS_BY_KEY.get(dimension.key)
    return {
        "label": dimension.label or (str(default.label) if default else dimension.key),
        "definition": dimension.definition or (str(default.definition) if default else ""),
        "examples": dimension.examples or (str(default.examples) if default else ""),
        "shortcut": codebook.shortcut_label(dimension.shortcut),
    }


def dimension_labels(*, corpus: Corpus) -> dict[str, str]:
    return {d.key: dimension_text(d)["label"] for d in corpus.dimensions.all()}


def target_label(key: str, labels: dict[str, str]) -> str:
    return {
        codebook.INCIVILITY: _("Incivility"),
        codebook.DIFFERENT_SPEECH: _("Different Speech"),
        codebook.COMPOSITE: _("Discourse Index (0–100)"),
    }.get(key) or labels.get(key, key)


def current_model(*, corpus: Corpus) -> ModelVersion | None:
    """The model whose scores the index uses: the newest one that scored the corpus."""
    run = (
        ScoringRun.objects.filter(corpus=corpus, status=RunStatus.DONE)
        .select_related("model")
        .order_by("-model__version", "-created_at")
        .first()
    )
    return run.model if run else None


def latest_ready_model(*, corpus: Corpus) -> ModelVersion | None:
    return corpus.model_versions.filter(status=ModelStatus.READY).first()


def model_versions(*, corpus: Corpus, limit: int | None = None) -> list[ModelVersion]:
    """The corpus's model versions, the newest first (`limit` of them if given)."""
    return list(corpus.model_versions.select_related("created_by")[:limit])


def recent_imports(*, corpus: Corpus, limit: int = 10) -> list[ImportRecord]:
    return list(corpus.imports.select_related("by")[:limit])


def model_has_scored(*, model: ModelVersion) -> bool:
    return model.runs.filter(status=RunStatus.DONE).exists()


def latest_run(*, corpus: Corpus) -> ScoringRun | None:
    """The corpus's latest scoring run, whatever its status, with its model."""
    return corpus.scoring_runs.select_related("model").first()


def index_progress(*, corpus: Corpus) -> dict[str, bool]:
    """What has been done on the way to an index: imported, sampled, coded, trained."""
    return {
        "imported": corpus.items.exists(),
        "sampled": corpus.samples.exists(),
        "coded": Annotation.objects.filter(item__corpus=corpus).exists(),
        "trained": corpus.model_versions.filter(status=ModelStatus.READY).exists(),
    }
