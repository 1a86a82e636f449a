"""API endpoints for the Discourse Index, through the same gates as the pages: the corpora
of an initiative, one corpus with its codebook, the index by cell, agreement and the model
versions. Members read the index and the models' reports; agreement is for facilitators."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from meshutaf.core.schemas import Id
from meshutaf.core.forms import error_text
from meshutaf.initiatives.permissions import Action, initiative_get_for_user

from . import selectors
from .permissions import corpus_get_for_user

router = Router(tags=["discourse"])


class CorpusOut(Schema):
    id: int
    initiative_id: int | None
    name: str
    description: str
    is_synthetic: bool
    min_cell_items: int
    created_at: datetime.datetime


class DimensionOut(Schema):
    key: str
    family: str
    label: str
    definition: str
    examples: str
    shortcut: str
    active: bool


class CorpusDetailOut(CorpusOut):
    n_items: int
    communities: list[str]
    dimensions: list[DimensionOut]


class IndexQuery(Schema):
    by: str = "month,community"


class AgreementOut(Schema):
    dimension: str
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    n_items: int
    n_annotators: int


class ModelOut(Schema):
    version: int
    status: str
    n_train: int
    dimensions: list[str]
    report: dict
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def _number(value: float) -> float | None:
    return None if value != value else round(value, 4)


@router.get("/initiatives/{initiative_id}/corpora", response=list[CorpusOut])
@paginate
def corpus_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id)
    return selectors.corpora_for_initiative(initiative=initiative)


@router.get("/corpora/{corpus_id}", response=CorpusDetailOut)
def corpus_get(request, corpus_id: Id):
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id)
    dimensions = []
    for dimension in selectors.dimensions(corpus=corpus, active_only=False):
        text = selectors.dimension_text(dimension)
        dimensions.append(
            {
                "key": dimension.key,
                "family": dimension.family,
                "active": dimension.active,
                **text,
            }
        )
    return {
        **{name: getattr(corpus, name) for name in CorpusOut.model_fields},
        "n_items": corpus.items.count(),
        "communities": list(corpus.communities.values_list("name", flat=True)),
        "dimensions": dimensions,
    }


@router.get("/corpora/{corpus_id}/index")
def corpus_index(request, corpus_id: Id, query: Query[IndexQuery]):
    """Every cell's estimate per target with its 95% interval, n, audit n and rank range."""
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id)
    try:
        by = selectors.parse_grouping(query.by)
    except ValidationError as error:
        raise HttpError(400, error_text(error)) from None
    return selectors.index_as_json(selectors.corpus_index(corpus=corpus, by=by))


@router.get("/corpora/{corpus_id}/agreement", response=list[AgreementOut])
def corpus_agreement(request, corpus_id: Id):
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id, action=Action.MANAGE)
    return [
        {
            "dimension": row.key,
            "alpha": _number(row.alpha),
            "ci_low": _number(row.low),
            "ci_high": _number(row.high),
            "n_items": row.n_units,
            "n_annotators": row.n_coders,
        }
        for row in selectors.agreement(corpus=corpus, n_boot=500)
    ]


@router.get("/corpora/{corpus_id}/models", response=list[ModelOut])
def corpus_models(request, corpus_id: Id):
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id)
    return list(corpus.model_versions.all())
