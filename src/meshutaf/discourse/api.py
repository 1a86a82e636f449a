"""API endpoints for the Discourse Index, through the same gates as the pages: the corpora
of an initiative, one corpus with its codebook, the index by cell, agreement and the model
versions. Members read the index and the models' reports; agreement is for facilitators.
The index's shape is versioned (`DiscourseIndexV1`)."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from meshutaf.core.access import Action
from meshutaf.core.forms import error_text
from meshutaf.core.schemas import ErrorOut, Id
from meshutaf.initiatives.permissions import initiative_get_for_user

from .permissions import corpus_get_for_user
from .results import DiscourseIndex, TargetEstimate, json_number
from .selectors import corpora
from .selectors.index import corpus_index, parse_grouping
from .selectors.reliability import agreement

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


class TargetEstimateV1(Schema):
    """One target in one cell; null where a figure is undefined (no audited items: no
    interval, and the estimate is the uncorrected mean probability)."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    mean_probability: float | None
    n_audit: int
    rank: list[int] | None = Field(description="best and worst rank among the period's cells")


class IndexCellV1(Schema):
    """One cell. Each part the index is grouped by is also given at the top level by its
    label (a community's name, a language's name); the others are left out."""

    week: str | None = None
    month: str | None = None
    quarter: str | None = None
    year: str | None = None
    community: str | None = None
    platform: str | None = None
    language: str | None = None
    key: dict[str, str] = Field(description="each grouping part's value (a community's id)")
    n: int
    small: bool
    values: dict[str, TargetEstimateV1]


class DiscourseIndexV1(Schema):
    version: Literal[1] = 1
    corpus_model_version: int | None
    by: list[str]
    n_items: int
    n_audit: int
    targets: list[str]
    target_labels: dict[str, str]
    cells: list[IndexCellV1]


def _estimate_v1(result: TargetEstimate) -> dict:
    return {
        "estimate": json_number(result.estimate),
        "ci_low": json_number(result.ci_low),
        "ci_high": json_number(result.ci_high),
        "mean_probability": json_number(result.mean_score),
        "n_audit": result.n_audit,
        "rank": list(result.rank) if result.rank else None,
    }


def index_v1(index: DiscourseIndex) -> DiscourseIndexV1:
    """The index in the API's shape. Validated from plain data, so that the parts a cell is
    not grouped by stay unset (ninja would set every field of a Schema passed whole)."""
    return DiscourseIndexV1.model_validate(
        {
            "version": 1,
            "corpus_model_version": index.model_version,
            "by": list(index.by),
            "n_items": index.n_items,
            "n_audit": index.n_audit,
            "targets": list(index.targets),
            "target_labels": {key: index.target_labels.get(key, key) for key in index.targets},
            "cells": [
                {
                    **{part: cell.label(part) for part in index.by},
                    "key": {part: cell.key.get(part, "") for part in index.by},
                    "n": cell.n_items,
                    "small": cell.small,
                    "values": {key: _estimate_v1(result) for key, result in cell.results.items()},
                }
                for cell in index.cells
            ],
        }
    )


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
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return corpora.corpora_for_initiative(initiative=initiative)


@router.get("/corpora/{corpus_id}", response=CorpusDetailOut)
def corpus_get(request, corpus_id: Id):
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id).obj
    dimensions = []
    for dimension in corpora.dimensions(corpus=corpus, active_only=False):
        text = corpora.dimension_text(dimension)
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
        "n_items": corpora.item_count(corpus=corpus),
        "communities": [community.name for community in corpora.communities(corpus=corpus)],
        "dimensions": dimensions,
    }


# A cell lists only the parts the index is grouped by: the others are unset. Ninja keeps them
# unset only in a dict (it reads every attribute of a Schema), hence the dump.
@router.get("/corpora/{corpus_id}/index", response=DiscourseIndexV1, exclude_unset=True)
def corpus_index_get(request, corpus_id: Id, query: Query[IndexQuery]):
    """Every cell's estimate per target with its 95% interval, n, audit n and rank range."""
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id).obj
    try:
        by = parse_grouping(query.by)
    except ValidationError as error:
        raise HttpError(400, error_text(error)) from None
    return index_v1(corpus_index(corpus=corpus, by=by)).model_dump(exclude_unset=True)


# For facilitators: members get 403.
@router.get("/corpora/{corpus_id}/agreement", response={200: list[AgreementOut], 403: ErrorOut})
def corpus_agreement(request, corpus_id: Id):
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id, action=Action.MANAGE).obj
    return [
        {
            "dimension": row.key,
            "alpha": _number(row.alpha),
            "ci_low": _number(row.low),
            "ci_high": _number(row.high),
            "n_items": row.n_units,
            "n_annotators": row.n_coders,
        }
        for row in agreement(corpus=corpus, n_boot=500)
    ]


@router.get("/corpora/{corpus_id}/models", response=list[ModelOut])
def corpus_models(request, corpus_id: Id):
    corpus = corpus_get_for_user(user=request.user, pk=corpus_id).obj
    return corpora.model_versions(corpus=corpus)
