"""Reads that samples are drawn from: each item's cell (period, platform, community,
language) and the items the current model is least sure about. Callers have passed the gate
in `permissions.py`."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from ..models import Assignment, Corpus, Item, Period, Score
from ..results import UNKNOWN
from .corpora import current_model


def period_keys(stamps: list, period: str) -> list[str]:
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
        parts.append(period_keys([row[1] for row in rows], period))
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
