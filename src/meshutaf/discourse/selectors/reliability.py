"""Reads about how far the coders agree: Krippendorff's alpha per dimension, the items they
coded differently, and what was decided about them. Callers have passed the gate in
`permissions.py`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count

from ..agreement import alpha_interval
from ..models import Adjudication, Annotation, Corpus, Item
from .corpora import dimension_text, dimensions


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


def item_decisions(*, item: Item) -> dict[str, int]:
    """{dimension key: value} decided for the item by a lead or imported with it."""
    return dict(item.adjudications.values_list("dimension", "value"))


def annotator_count(*, corpus: Corpus) -> int:
    return Annotation.objects.filter(item__corpus=corpus).values("annotator").distinct().count()


def adjudicated_count(*, corpus: Corpus) -> int:
    return Item.objects.filter(corpus=corpus, adjudications__isnull=False).distinct().count()
