"""Reads for the Discourse Index: overviews, annotation queues, gold labels, agreement, and
the index itself. Callers have passed the gate in `permissions.py`.

The index (`corpus_index`) is computed from the stored scores on each request rather than
stored: one query reads (item, when, community, platform, language, probabilities) for the
scored items, the cells are numpy codes, and `estimation.cell_estimates` corrects every
cell's mean calibrated probability with the human-coded audit items of that cell by
prediction-powered inference. The audit items are the coded items of random and stratified
samples, weighted by the inverse of their chance of being drawn; their classifier scores are
the out-of-fold ones saved at training, so the model has not seen the labels it is checked
against.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import codebook
from .models import (
    Adjudication,
    Annotation,
    Assignment,
    Corpus,
    Dimension,
    Item,
    ModelStatus,
    ModelVersion,
    Period,
    RunStatus,
    SampleItem,
    SampleKind,
    Score,
    ScoringRun,
)

GROUPINGS = ("week", "month", "quarter", "year", "community", "platform", "language")
PERIODS = {Period.WEEK, Period.MONTH, Period.QUARTER, Period.YEAR}
UNKNOWN = "—"


# --- Overviews -----------------------------------------------------------------------------


def corpora_for_initiative(*, initiative):
    return (
        Corpus.objects.filter(initiative=initiative)
        .annotate(n_items=Count("items", distinct=True))
        .order_by("name")
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


# --- Annotation ----------------------------------------------------------------------------


def next_assignment(*, corpus: Corpus, user) -> Assignment | None:
    return (
        Assignment.objects.filter(item__corpus=corpus, annotator=user, done_at__isnull=True)
        .select_related("item__community")
        .order_by("position", "id")
        .first()
    )


def assignment_counts(*, corpus: Corpus, user) -> dict:
    mine = Assignment.objects.filter(item__corpus=corpus, annotator=user)
    return mine.aggregate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))


def thread_context(*, item: Item, limit: int = 5) -> list[Item]:
    """The posts before this one in its thread, oldest first."""
    if not item.thread_id:
        return []
    earlier = Item.objects.filter(corpus_id=item.corpus_id, thread_id=item.thread_id).exclude(
        pk=item.pk
    )
    if item.published_at:
        earlier = earlier.filter(
            Q(published_at__lt=item.published_at) | Q(published_at__isnull=True)
        )
    else:
        earlier = earlier.filter(pk__lt=item.pk)
    return list(reversed(earlier.order_by("-published_at", "-pk")[:limit]))


def annotator_progress(*, corpus: Corpus) -> list[dict]:
    """Each annotator with their assigned and coded counts: {"user", "total", "done"}."""
    from meshutaf.accounts.models import User

    rows = list(
        Assignment.objects.filter(item__corpus=corpus)
        .values("annotator_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    )
    users = User.objects.in_bulk([row["annotator_id"] for row in rows])
    for row in rows:
        row["user"] = users.get(row["annotator_id"])
    return sorted(rows, key=lambda row: str(row["user"].display_name if row["user"] else ""))


# --- Gold labels ---------------------------------------------------------------------------


@dataclass
class Gold:
    item_ids: np.ndarray  # (n,)
    keys: list[str]  # dimension keys, then the derived sub-indices
    values: np.ndarray  # (n, len(keys)) 0/1, NaN where unknown or undecided

    @cached_property
    def row_of(self) -> dict[int, int]:
        return {int(pk): row for row, pk in enumerate(self.item_ids)}


def _families(corpus: Corpus) -> dict[str, str]:
    return dict(corpus.dimensions.values_list("key", "family"))


def gold_labels(*, corpus: Corpus) -> Gold:
    """Each coded item's answer per dimension: a lead's adjudication where there is one,
    otherwise the annotators' strict majority (a tie is left undecided)."""
    families = _families(corpus)
    keys = list(corpus.dimensions.filter(active=True).values_list("key", flat=True))
    votes: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for item_id, values in Annotation.objects.filter(item__corpus=corpus).values_list(
        "item_id", "values"
    ):
        for key, value in (values or {}).items():
            if key in families and value in (0, 1):
                votes[item_id][key].append(value)
    decided = {
        (item_id, key): value
        for item_id, key, value in Adjudication.objects.filter(item__corpus=corpus).values_list(
            "item_id", "dimension", "value"
        )
    }
    item_ids = np.array(sorted(set(votes) | {item for item, _key in decided}), dtype=np.int64)
    values = np.full((len(item_ids), len(keys)), np.nan)
    for row, item_id in enumerate(item_ids):
        answers = votes[int(item_id)]
        for column, key in enumerate(keys):
            if (int(item_id), key) in decided:
                values[row, column] = decided[(int(item_id), key)]
                continue
            given = answers.get(key)
            if not given:
                continue
            yes = sum(given)
            if yes * 2 > len(given):
                values[row, column] = 1
            elif yes * 2 < len(given):
                values[row, column] = 0
    derived = codebook.derived_labels(values, keys, families)
    # A sub-index label given directly (imported with the file) wins over the derived one.
    for column, key in enumerate((codebook.INCIVILITY, codebook.DIFFERENT_SPEECH)):
        for row, item_id in enumerate(item_ids):
            if (int(item_id), key) in decided:
                derived[row, column] = decided[(int(item_id), key)]
    return Gold(
        item_ids=item_ids,
        keys=[*keys, codebook.INCIVILITY, codebook.DIFFERENT_SPEECH],
        values=np.column_stack([values, derived]) if len(keys) else derived,
    )


@dataclass
class TrainingData:
    item_ids: list[int]
    texts: list[str]
    languages: list[str]
    targets: list[str]
    labels: np.ndarray


def training_data(*, corpus: Corpus) -> TrainingData:
    gold = gold_labels(corpus=corpus)
    ordered = sorted(map(int, gold.item_ids))
    rows = {}
    # In slices: one IN clause with every coded id is more than SQLite accepts on large corpora.
    for start in range(0, len(ordered), 900):
        rows.update(
            (pk, (text, language))
            for pk, text, language in Item.objects.filter(
                corpus=corpus, pk__in=ordered[start : start + 900]
            ).values_list("pk", "text", "language")
        )
    keep = [row for row, pk in enumerate(gold.item_ids) if int(pk) in rows]
    ids = [int(gold.item_ids[row]) for row in keep]
    return TrainingData(
        item_ids=ids,
        texts=[rows[pk][0] for pk in ids],
        languages=[rows[pk][1] for pk in ids],
        targets=gold.keys,
        labels=gold.values[keep],
    )


def require_enough_labels(*, corpus: Corpus) -> None:
    from .learner import MIN_PER_CLASS

    gold = gold_labels(corpus=corpus)
    positives = np.nansum(gold.values == 1, axis=0) if len(gold.item_ids) else np.zeros(1)
    negatives = np.nansum(gold.values == 0, axis=0) if len(gold.item_ids) else np.zeros(1)
    if not ((positives >= MIN_PER_CLASS) & (negatives >= MIN_PER_CLASS)).any():
        raise ValidationError(
            _(
                "Not enough coded items to train: some dimension needs at least %(count)s "
                "items coded yes and %(count)s coded no."
            )
            % {"count": MIN_PER_CLASS}
        )


# --- Agreement -----------------------------------------------------------------------------


@dataclass
class DimensionAgreement:
    key: str
    label: str
    alpha: float
    low: float
    high: float
    n_units: int
    n_coders: int

    @property
    def verdict(self) -> str:
        """Krippendorff's rule of thumb: ≥ 0.80 reliable, ≥ 0.667 tentative, else not."""
        if self.alpha != self.alpha:  # NaN
            return "unknown"
        if self.alpha >= 0.8:
            return "reliable"
        if self.alpha >= 0.667:
            return "tentative"
        return "unreliable"


def agreement(*, corpus: Corpus, n_boot: int = 1000) -> list[DimensionAgreement]:
    """Krippendorff's alpha (nominal) per dimension over items coded by two or more
    annotators, with a bootstrap interval."""
    from .agreement import alpha_interval

    rows = list(
        Annotation.objects.filter(item__corpus=corpus)
        .filter(item__in=_multiply_coded(corpus))
        .values_list("item_id", "annotator_id", "values")
    )
    items = sorted({item for item, _a, _v in rows})
    coders = sorted({annotator for _i, annotator, _v in rows})
    column = {item: i for i, item in enumerate(items)}
    line = {annotator: i for i, annotator in enumerate(coders)}
    results = []
    for dimension in dimensions(corpus=corpus):
        data = np.full((len(coders), len(items)), np.nan)
        for item, annotator, values in rows:
            value = (values or {}).get(dimension.key)
            if value in (0, 1):
                data[line[annotator], column[item]] = value
        if len(items):
            found = alpha_interval(data, "nominal", n_boot=n_boot, seed=0)
            alpha, low, high = found.alpha, found.low, found.high
        else:
            alpha = low = high = float("nan")
        results.append(
            DimensionAgreement(
                key=dimension.key,
                label=dimension_text(dimension)["label"],
                alpha=alpha,
                low=low,
                high=high,
                n_units=len(items),
                n_coders=len(coders),
            )
        )
    return results


def _multiply_coded(corpus: Corpus):
    return (
        Annotation.objects.filter(item__corpus=corpus)
        .values("item_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("item_id")
    )


@dataclass
class Disagreement:
    item: Item
    # {dimension key: (yes votes, no votes, adjudicated value or None)}
    split: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return any(decided is None for _y, _n, decided in self.split.values())


def disagreements(*, corpus: Corpus, limit: int = 200) -> list[Disagreement]:
    """Items several annotators coded differently on some dimension, newest first."""
    annotations = (
        Annotation.objects.filter(item__corpus=corpus, item__in=_multiply_coded(corpus))
        .values_list("item_id", "values")
        .order_by("item_id")
    )
    tallies: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for item_id, values in annotations:
        for key, value in (values or {}).items():
            tallies[item_id][key][value] += 1
    split_items = {
        item_id: {key: counts for key, counts in per.items() if len(counts) > 1}
        for item_id, per in tallies.items()
    }
    split_items = {item_id: split for item_id, split in split_items.items() if split}
    chosen = sorted(split_items)[:limit]
    decided = {
        (item_id, key): value
        for item_id, key, value in Adjudication.objects.filter(item_id__in=chosen).values_list(
            "item_id", "dimension", "value"
        )
    }
    items = Item.objects.in_bulk(chosen)
    return [
        Disagreement(
            item=items[item_id],
            split={
                key: (counts[1], counts[0], decided.get((item_id, key)))
                for key, counts in split_items[item_id].items()
            },
        )
        for item_id in chosen
        if item_id in items
    ]


def item_annotations(*, item: Item) -> list[Annotation]:
    return list(item.annotations.select_related("annotator").order_by("created_at"))


# --- Cells ---------------------------------------------------------------------------------


def _hour_keys(stamps: list, period: str) -> list[str]:
    """Period keys in local time. Converting each timestamp is slow at a million items, so
    conversion is done once per distinct quarter of an hour (every time zone's offset and
    change falls on one)."""
    tz = timezone.get_current_timezone()
    slots = {}
    keys = []
    for stamp in stamps:
        if stamp is None:
            keys.append(UNKNOWN)
            continue
        slot = int(stamp.timestamp()) // 900
        key = slots.get(slot)
        if key is None:
            local = dt.datetime.fromtimestamp(slot * 900, tz=dt.UTC).astimezone(tz)
            key = slots[slot] = period_key(local.date(), period)
        keys.append(key)
    return keys


def period_key(day: dt.date, period: str) -> str:
    if period == Period.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == Period.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period == Period.YEAR:
        return f"{day.year}"
    return f"{day.year}-{day.month:02d}"


def item_cells(
    *,
    corpus: Corpus,
    period: str | None,
    by_platform: bool,
    by_community: bool,
    by_language: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Every item's id and its cell key (period | platform | community | language)."""
    rows = list(
        Item.objects.filter(corpus=corpus)
        .order_by("pk")
        .values_list("pk", "published_at", "platform", "community_id", "language")
    )
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    parts = []
    if period:
        parts.append(_hour_keys([row[1] for row in rows], period))
    if by_platform:
        parts.append([row[2] or UNKNOWN for row in rows])
    if by_community:
        parts.append([str(row[3]) if row[3] else UNKNOWN for row in rows])
    if by_language:
        parts.append([row[4] or UNKNOWN for row in rows])
    cells = np.array(
        ["|".join(values) for values in zip(*parts, strict=True)] if parts else [""] * len(rows)
    )
    return ids, cells


def uncertain_items(*, corpus: Corpus, limit: int) -> list[int]:
    """Items nobody is coding yet whose scores are least certain (the sum over dimensions of
    p·(1−p) under the current model): the ones a label teaches the model most."""
    model = current_model(corpus=corpus)
    if model is None:
        return []
    busy = set(Assignment.objects.filter(item__corpus=corpus).values_list("item_id", flat=True))
    ids, uncertainty = [], []
    for item_id, blob in (
        Score.objects.filter(model=model)
        .values_list("item_id", "probabilities")
        .iterator(chunk_size=5000)
    ):
        if item_id in busy:
            continue
        p = np.frombuffer(blob, dtype=np.float32)
        ids.append(item_id)
        uncertainty.append(float((p * (1 - p)).sum()))
    if not ids:
        return []
    order = np.argsort(-np.asarray(uncertainty), kind="stable")[:limit]
    return sorted(int(ids[i]) for i in order)


# --- The index -----------------------------------------------------------------------------


@dataclass
class TargetResult:
    n_audit: int
    mean_score: float
    estimate: float
    ci_low: float
    ci_high: float
    best_rank: float
    worst_rank: float

    @property
    def corrected(self) -> bool:
        return self.ci_low == self.ci_low  # not NaN


@dataclass
class Cell:
    key: dict[str, str]
    n_items: int
    results: dict[str, TargetResult]
    small: bool


@dataclass
class Index:
    model: ModelVersion | None
    by: list[str]
    targets: list[str]
    target_labels: dict[str, str]
    cells: list[Cell]
    community_names: dict[str, str]
    n_items: int = 0
    n_audit: int = 0

    def label_of(self, part: str, value: str) -> str:
        if part == "community":
            return self.community_names.get(value, UNKNOWN)
        if part == "language" and value != UNKNOWN:
            from .languages import language_name

            return language_name(value)
        return value


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
    for row in rows.iterator(chunk_size=20_000):
        ids.append(row[0])
        published.append(row[1])
        platform.append(row[2] or UNKNOWN)
        community.append(str(row[3]) if row[3] else UNKNOWN)
        language.append(row[4] or UNKNOWN)
        blobs.append(row[5])
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


def audit_labels(*, corpus: Corpus, keys: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The audit: coded items of random and stratified samples, their gold labels for `keys`
    and their weights.

    An item's weight is the inverse of its chance of being drawn *and coded*: within each
    sample and cell, the design's inclusion probability times the share of the drawn items
    coded so far (coding reaches the drawn items in a random order, as assignments are made
    in one). An item in several audit samples had 1 − Π(1 − pₖ) chance in all."""
    gold = gold_labels(corpus=corpus)
    coded = set(map(int, gold.item_ids))
    entries = list(
        SampleItem.objects.filter(sample__corpus=corpus)
        .exclude(sample__kind=SampleKind.ACTIVE)
        .values_list("sample_id", "cell", "item_id", "inclusion_probability")
    )
    drawn: Counter = Counter()
    done: Counter = Counter()
    for sample_id, cell, item_id, _probability in entries:
        drawn[(sample_id, cell)] += 1
        done[(sample_id, cell)] += item_id in coded
    missed: dict[int, float] = {}
    for sample_id, cell, item_id, probability in entries:
        if item_id not in coded:
            continue
        chance = probability * done[(sample_id, cell)] / drawn[(sample_id, cell)]
        missed[item_id] = missed.get(item_id, 1.0) * (1.0 - min(1.0, chance))
    ids = np.array(sorted(missed), dtype=np.int64)
    labels = np.full((len(ids), len(keys)), np.nan)
    columns = [
        (column, gold.keys.index(key)) for column, key in enumerate(keys) if key in gold.keys
    ]
    for row, item_id in enumerate(ids):
        gold_row = gold.row_of[int(item_id)]
        for column, gold_column in columns:
            labels[row, column] = gold.values[gold_row, gold_column]
    weights = np.array([1.0 / (1.0 - missed[int(pk)]) for pk in ids]) if len(ids) else np.zeros(0)
    return ids, labels, weights


def _held_out(model: ModelVersion) -> tuple[np.ndarray, np.ndarray]:
    path = settings.DATA_DIR / model.directory / "held_out.npz"
    if not model.directory or not path.exists():
        return np.zeros(0, np.int64), np.zeros((0, len(model.dimensions)), np.float32)
    with np.load(path) as data:
        return data["item_ids"], data["probabilities"]


def corpus_index(
    *, corpus: Corpus, by: list[str], model: ModelVersion | None = None, confidence=0.95
) -> Index:
    from .estimation import cell_estimates, rank_ranges

    model = model or current_model(corpus=corpus)
    names = dict(corpus.communities.values_list("pk", "name"))
    community_names = {str(pk): name for pk, name in names.items()}
    labels = {d.key: dimension_text(d)["label"] for d in corpus.dimensions.all()}
    if model is None:
        return Index(None, by, [], {}, [], community_names)
    ids, published, platform, community, language, scores = _load_scores(model)
    keys = list(model.dimensions)
    list(keys)
    composite = codebook.INCIVILITY in keys and codebook.DIFFERENT_SPEECH in keys
    # The sub-indices and the composite lead; then the dimensions in codebook order.
    order = [k for k in (codebook.INCIVILITY, codebook.DIFFERENT_SPEECH) if k in keys]
    order += [k for k in keys if k not in order]

    parts = []
    for part in by:
        if part in PERIODS:
            parts.append(_hour_keys(published, part))
        else:
            parts.append({"community": community, "platform": platform, "language": language}[part])
    joined = np.array(["\x1f".join(values) for values in zip(*parts, strict=True)] or [""] * 0)
    if len(ids) == 0:
        return Index(model, by, order, {}, [], community_names)
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
            results[key] = TargetResult(
                n_audit=int(n_audit[c]),
                mean_score=float(mean[c]),
                estimate=float(estimate[c]),
                ci_low=float(low[c]),
                ci_high=float(high[c]),
                best_rank=float(best[c]),
                worst_rank=float(worst[c]),
            )
        out.append(
            Cell(
                key=dict(zip(by, values, strict=True)),
                n_items=int(n_items[c]),
                results=results,
                small=int(n_items[c]) < corpus.min_cell_items,
            )
        )
    return Index(
        model=model,
        by=by,
        targets=order,
        target_labels={key: target_label(key, labels) for key in order},
        cells=out,
        community_names=community_names,
        n_items=len(ids),
        n_audit=int(inside.sum()),
    )


def index_as_json(index: Index) -> dict:
    """The index in the shape the command line prints and the API returns."""

    def number(value: float, digits: int = 4):
        return None if value != value else round(float(value), digits)

    return {
        "corpus_model_version": index.model.version if index.model else None,
        "by": index.by,
        "n_items": index.n_items,
        "n_audit": index.n_audit,
        "targets": index.targets,
        "cells": [
            {
                **{part: index.label_of(part, value) for part, value in cell.key.items()},
                "n": cell.n_items,
                "small": cell.small,
                "values": {
                    key: {
                        "estimate": number(result.estimate),
                        "ci_low": number(result.ci_low),
                        "ci_high": number(result.ci_high),
                        "mean_probability": number(result.mean_score),
                        "n_audit": result.n_audit,
                        "rank": None
                        if result.best_rank != result.best_rank
                        else [int(result.best_rank), int(result.worst_rank)],
                    }
                    for key, result in cell.results.items()
                },
            }
            for cell in index.cells
        ],
    }
