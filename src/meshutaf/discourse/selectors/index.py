"""The index itself, computed from the stored scores on each request rather than stored: one
query reads (item, when, community, platform, language, probabilities) for the scored items,
the cells are numpy codes, and `estimation.cell_estimates` corrects every cell's mean
calibrated probability with the human-coded audit items of that cell by prediction-powered
inference. The audit items are the coded items of random and stratified samples, weighted by
the inverse of their chance of being drawn; their classifier scores are the out-of-fold ones
saved at training, so the model has not seen the labels it is checked against.

The result is a typed `results.DiscourseIndex`. Callers have passed the gate in
`permissions.py`.
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import codebook
from ..languages import language_name
from ..models import Corpus, ModelVersion, Period, Score
from ..results import UNKNOWN, DiscourseIndex, IndexCell, TargetEstimate
from .corpora import community_names, current_model, dimension_labels, target_label
from .gold import audit_labels
from .sampling import period_keys

GROUPINGS = ("week", "month", "quarter", "year", "community", "platform", "language")
PERIODS = {Period.WEEK, Period.MONTH, Period.QUARTER, Period.YEAR}
SCORES_PER_QUERY = 20_000


def parse_grouping(text: str) -> list[str]:
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    unknown = [part for part in parts if part not in GROUPINGS]
    if unknown or not parts:
        raise ValidationError(
            _("Group by one or more of: %(names)s.") % {"names": ", ".join(GROUPINGS)}
        )
    if sum(part in PERIODS for part in parts) > 1:
        raise ValidationError(_("Group by one period at most."))
    return list(dict.fromkeys(parts))


def _load_scores(model: ModelVersion):
    """(item ids, published, platform, community, language, probabilities) for every item
    the model scored, in one query."""
    # Ordered by item, as the audit's lookups (searchsorted) need.
    rows = (
        Score.objects.filter(model=model)
        .order_by("item_id")
        .values_list(
            "item_id",
            "item__published_at",
            "item__platform",
            "item__community_id",
            "item__language",
            "probabilities",
        )
    )
    ids, published, platform, community, language, blobs = [], [], [], [], [], []
    # In slices by item id, each an ordinary query: memory stays bounded on a large corpus
    # without a server-side cursor, which PostgreSQL (WITH HOLD, outside a transaction) first
    # copies whole, at a cost several times that of the query on every view of the index.
    last = 0
    while True:
        chunk = list(rows.filter(item_id__gt=last)[:SCORES_PER_QUERY])
        for row in chunk:
            ids.append(row[0])
            published.append(row[1])
            platform.append(row[2] or UNKNOWN)
            community.append(str(row[3]) if row[3] else UNKNOWN)
            language.append(row[4] or UNKNOWN)
            blobs.append(row[5])
        if len(chunk) < SCORES_PER_QUERY:
            break
        last = chunk[-1][0]
    d = len(model.dimensions)
    probabilities = np.frombuffer(b"".join(bytes(blob) for blob in blobs), dtype=np.float32)
    return (
        np.asarray(ids, dtype=np.int64),
        published,
        platform,
        community,
        language,
        probabilities.reshape(len(ids), d) if d else np.zeros((len(ids), 0), np.float32),
    )


def _held_out(model: ModelVersion) -> tuple[np.ndarray, np.ndarray]:
    path = settings.DATA_DIR / model.directory / "held_out.npz"
    if not model.directory or not path.exists():
        return np.zeros(0, np.int64), np.zeros((0, len(model.dimensions)), np.float32)
    with np.load(path) as data:
        return data["item_ids"], data["probabilities"]


def corpus_index(
    *, corpus: Corpus, by: list[str], model: ModelVersion | None = None, confidence=0.95
) -> DiscourseIndex:
    """The index by `by` (see `parse_grouping`) under `model`, by default the model that last
    scored the corpus; an index without cells (`scored` false) while none has."""
    from ..estimation import cell_estimates, rank_ranges

    model = model or current_model(corpus=corpus)
    communities = community_names(corpus=corpus)
    labels = dimension_labels(corpus=corpus)
    if model is None:
        return DiscourseIndex(model_version=None, by=tuple(by))
    ids, published, platform, community, language, scores = _load_scores(model)
    keys = list(model.dimensions)
    composite = codebook.INCIVILITY in keys and codebook.DIFFERENT_SPEECH in keys
    # The sub-indices and the composite lead; then the dimensions in codebook order.
    order = [k for k in (codebook.INCIVILITY, codebook.DIFFERENT_SPEECH) if k in keys]
    order += [k for k in keys if k not in order]

    parts = []
    for part in by:
        if part in PERIODS:
            parts.append(period_keys(published, part))
        else:
            parts.append({"community": community, "platform": platform, "language": language}[part])
    joined = np.array(["\x1f".join(values) for values in zip(*parts, strict=True)] or [""] * 0)
    if len(ids) == 0:
        return DiscourseIndex(model_version=model.version, by=tuple(by), targets=tuple(order))
    cell_keys, cells = np.unique(joined, return_inverse=True)

    audit_ids, audit_values, audit_weights = audit_labels(corpus=corpus, keys=keys)
    labels_full = np.full(scores.shape, np.nan)
    weights = np.ones(len(ids))
    position = np.searchsorted(ids, audit_ids)
    inside = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == audit_ids)
    rows = position[inside]
    labels_full[rows] = audit_values[inside]
    weights[rows] = audit_weights[inside]
    scores = scores.astype(np.float64)
    held_ids, held = _held_out(model)
    if len(held_ids):
        spot = np.searchsorted(ids, held_ids)
        ok = (spot < len(ids)) & (ids[np.minimum(spot, len(ids) - 1)] == held_ids)
        # Only for audit rows: elsewhere the final model's own score is the prediction. And
        # dimension by dimension: an item without a label for one dimension has no held-out
        # score there, but keeps its held-out scores for the others.
        audited = np.zeros(len(ids), bool)
        audited[rows] = True
        use = ok.copy()
        use[ok] = audited[spot[ok]]
        for column in range(min(held.shape[1], scores.shape[1])):
            take = use & ~np.isnan(held[:, column])
            scores[spot[take], column] = held[take, column]

    result = cell_estimates(
        cells,
        scores,
        labels_full,
        n_cells=len(cell_keys),
        weights=weights,
        confidence=confidence,
    )
    columns = {key: i for i, key in enumerate(keys)}
    per_target = {
        key: (
            result.n_audit[:, i],
            result.mean_score[:, i],
            result.estimate[:, i],
            result.ci_low[:, i],
            result.ci_high[:, i],
        )
        for key, i in columns.items()
    }
    if composite:
        inc, ds = columns[codebook.INCIVILITY], columns[codebook.DIFFERENT_SPEECH]
        difference = (scores[:, ds] - scores[:, inc])[:, None]
        label_difference = (labels_full[:, ds] - labels_full[:, inc])[:, None]
        both = cell_estimates(
            cells,
            difference,
            label_difference,
            n_cells=len(cell_keys),
            weights=weights,
            confidence=confidence,
            bounds=(-1.0, 1.0),
        )
        per_target[codebook.COMPOSITE] = (
            both.n_audit[:, 0],
            codebook.composite_score(both.mean_score[:, 0]),
            codebook.composite_score(both.estimate[:, 0]),
            codebook.composite_score(both.ci_low[:, 0]),
            codebook.composite_score(both.ci_high[:, 0]),
        )
        order.insert(2, codebook.COMPOSITE)
    n_items = result.n_items[:, 0] if result.n_items.ndim == 2 else result.n_items
    # Ranks compare cells of the same period only (communities in one month, say), and cells
    # whose intervals overlap share a rank range rather than being put in an order.
    period_part = next((i for i, part in enumerate(by) if part in PERIODS), None)
    if period_part is not None and len(by) > 1:
        groups = np.unique(
            [str(k).split("\x1f")[period_part] for k in cell_keys], return_inverse=True
        )[1]
    else:
        groups = np.zeros(len(cell_keys), dtype=np.int64)
    ranks = {}
    for key, v in per_target.items():
        best = np.full(len(cell_keys), np.nan)
        worst = np.full(len(cell_keys), np.nan)
        for group in np.unique(groups):
            members = np.flatnonzero(groups == group)
            best[members], worst[members] = rank_ranges(v[2][members], v[3][members], v[4][members])
        ranks[key] = (best, worst)
    out = []
    for c, raw_key in enumerate(cell_keys):
        values = str(raw_key).split("\x1f") if by else []
        results = {}
        for key, (n_audit, mean, estimate, low, high) in per_target.items():
            best, worst = ranks[key]
            results[key] = TargetEstimate(
                n_audit=int(n_audit[c]),
                mean_score=float(mean[c]),
                estimate=float(estimate[c]),
                ci_low=float(low[c]),
                ci_high=float(high[c]),
                best_rank=float(best[c]),
                worst_rank=float(worst[c]),
            )
        key = dict(zip(by, values, strict=True))
        out.append(
            IndexCell(
                key=key,
                labels={part: _part_label(part, value, communities) for part, value in key.items()},
                n_items=int(n_items[c]),
                results=results,
                small=int(n_items[c]) < corpus.min_cell_items,
            )
        )
    return DiscourseIndex(
        model_version=model.version,
        by=tuple(by),
        targets=tuple(order),
        target_labels={key: target_label(key, labels) for key in order},
        cells=tuple(out),
        n_items=len(ids),
        n_audit=int(inside.sum()),
    )


def _part_label(part: str, value: str, communities: dict[str, str]) -> str:
    """A cell part as people read it: a community's name, a language's name."""
    if part == "community":
        return communities.get(value, UNKNOWN)
    if part == "language" and value != UNKNOWN:
        return str(language_name(value))
    return value


def index_targets(*, corpus: Corpus, model: ModelVersion) -> list[tuple[str, str]]:
    """The targets of the model's index as (key, label), known before it is computed: the
    composite and the sub-indices first, then the dimensions."""
    keys = list(model.dimensions)
    if codebook.INCIVILITY in keys and codebook.DIFFERENT_SPEECH in keys:
        keys.insert(0, codebook.COMPOSITE)
    labels = dimension_labels(corpus=corpus)
    leading = (codebook.COMPOSITE, codebook.INCIVILITY, codebook.DIFFERENT_SPEECH)
    first = [key for key in leading if key in keys]
    ordered = first + [key for key in keys if key not in first]
    return [(key, target_label(key, labels)) for key in ordered]
