"""Gold labels and what is made of them: each coded item's answer per dimension, the training
data, and the audit (coded items of random and stratified samples, weighted by the inverse of
their chance of being drawn and coded). Callers have passed the gate in `permissions.py`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import codebook
from ..learner.config import MIN_PER_CLASS
from ..models import Adjudication, Annotation, Corpus, Item, SampleItem, SampleKind


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
    column_of = {key: column for column, key in enumerate(keys)}
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
    ordered = sorted(set(votes) | {item for item, _key in decided})
    row_of = {item_id: row for row, item_id in enumerate(ordered)}
    # Filled as Python lists and turned into one array: this page is read on every visit of the
    # index, and writing a numpy array cell by cell costs more than the rest of it.
    rows = [[np.nan] * len(keys) for _ in ordered]
    for item_id, answers in votes.items():
        row = rows[row_of[item_id]]
        for key, given in answers.items():
            column = column_of.get(key)
            if column is None:
                continue
            yes = sum(given)
            if yes * 2 > len(given):
                row[column] = 1
            elif yes * 2 < len(given):
                row[column] = 0
    for (item_id, key), value in decided.items():
        if key in column_of:
            rows[row_of[item_id]][column_of[key]] = value
    item_ids = np.array(ordered, dtype=np.int64)
    values = np.array(rows, dtype=float).reshape(len(ordered), len(keys))
    derived = codebook.derived_labels(values, keys, families)
    # A sub-index label given directly (imported with the file) wins over the derived one.
    for column, key in enumerate((codebook.INCIVILITY, codebook.DIFFERENT_SPEECH)):
        for (item_id, decided_key), value in decided.items():
            if decided_key == key:
                derived[row_of[item_id], column] = value
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
    ordered = sorted(missed)
    ids = np.array(ordered, dtype=np.int64)
    labels = np.full((len(ids), len(keys)), np.nan)
    columns = [column for column, key in enumerate(keys) if key in gold.keys]
    gold_columns = [gold.keys.index(keys[column]) for column in columns]
    if len(ids) and columns:
        gold_rows = [gold.row_of[item_id] for item_id in ordered]
        labels[:, columns] = gold.values[np.ix_(gold_rows, gold_columns)]
    weights = np.array([1.0 / (1.0 - missed[pk]) for pk in ordered]) if len(ids) else np.zeros(0)
    return ids, labels, weights
