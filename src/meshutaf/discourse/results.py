"""The Discourse Index by cell as typed values: each cell's estimate per target with its 95%
interval, audit count and rank range, and the one JSON form they are written and read in.

Pure: no database. `selectors.index.corpus_index` makes a `DiscourseIndex`; the pages, the CSV,
the command line and the API read it. `to_json` writes format `FORMAT` (the `"format"` key);
`from_json` reads it, and also the form written before the key existed (no "format", no
"key" or "target_labels"), and refuses anything else with `IndexFormatError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FORMAT = 1
# A cell part without a value (an item with no date, platform, community or language).
UNKNOWN = "—"
DIGITS = 4


class IndexFormatError(ValueError):
    """Index data that is not in a form this version reads."""


def json_number(value: float, digits: int = DIGITS) -> float | None:
    """A figure as JSON has it: rounded, and null where it is undefined (JSON has no NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _float(value: Any) -> float:
    """A number read back from JSON: null is an undefined figure (NaN)."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{value!r} is not a number")
    return float(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _mapping(value: Any) -> Mapping:
    if not isinstance(value, Mapping):
        raise TypeError(f"{value!r} is not an object")
    return value


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise TypeError(f"{value!r} is not a list")
    return value


@dataclass(frozen=True)
class TargetEstimate:
    """One target (a dimension, a sub-index or the composite) in one cell. Figures are NaN
    where undefined: the interval and estimate's correction without audited items, the rank
    range without an interval."""

    n_audit: int
    mean_score: float
    estimate: float
    ci_low: float
    ci_high: float
    best_rank: float
    worst_rank: float

    @property
    def corrected(self) -> bool:
        """Whether audited items corrected the estimate (it has an interval)."""
        return not math.isnan(self.ci_low)

    @property
    def rank(self) -> tuple[int, int] | None:
        if math.isnan(self.best_rank) or math.isnan(self.worst_rank):
            return None
        return int(self.best_rank), int(self.worst_rank)

    def to_json(self) -> dict:
        return {
            "estimate": json_number(self.estimate),
            "ci_low": json_number(self.ci_low),
            "ci_high": json_number(self.ci_high),
            "mean_probability": json_number(self.mean_score),
            "n_audit": self.n_audit,
            "rank": list(self.rank) if self.rank else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> TargetEstimate:
        data = _mapping(data)
        rank = data.get("rank")
        best, worst = (math.nan, math.nan) if rank is None else _list(rank)
        return cls(
            n_audit=_int(data["n_audit"]),
            mean_score=_float(data["mean_probability"]),
            estimate=_float(data["estimate"]),
            ci_low=_float(data["ci_low"]),
            ci_high=_float(data["ci_high"]),
            best_rank=_float(best),
            worst_rank=_float(worst),
        )


@dataclass(frozen=True)
class IndexCell:
    """One cell: `key` holds the grouping parts' values (a community's id, a language's
    code), `labels` the same parts as people read them (its name)."""

    key: Mapping[str, str]
    labels: Mapping[str, str]
    n_items: int
    small: bool
    results: Mapping[str, TargetEstimate] = field(default_factory=dict)

    def label(self, part: str) -> str:
        return self.labels.get(part, self.key.get(part, ""))


@dataclass(frozen=True)
class DiscourseIndex:
    """The index of one corpus by `by` (a period and/or community, platform, language) under
    the model version that scored it; `model_version` is None while it has not been scored."""

    model_version: int | None
    by: tuple[str, ...]
    targets: tuple[str, ...] = ()
    target_labels: Mapping[str, str] = field(default_factory=dict)
    cells: tuple[IndexCell, ...] = ()
    n_items: int = 0
    n_audit: int = 0

    @property
    def scored(self) -> bool:
        return self.model_version is not None

    def to_json(self) -> dict:
        """The index as the command line prints it (`--json`): each cell has its parts'
        labels at the top, as before the format had a number, and their values in "key"."""
        return {
            "format": FORMAT,
            "corpus_model_version": self.model_version,
            "by": list(self.by),
            "n_items": self.n_items,
            "n_audit": self.n_audit,
            "targets": list(self.targets),
            "target_labels": {key: self.target_labels.get(key, key) for key in self.targets},
            "cells": [
                {
                    **{part: cell.label(part) for part in self.by},
                    "key": {part: cell.key.get(part, "") for part in self.by},
                    "n": cell.n_items,
                    "small": cell.small,
                    "values": {key: result.to_json() for key, result in cell.results.items()},
                }
                for cell in self.cells
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> DiscourseIndex:
        """Read what `to_json` wrote, or the earlier form without "format" (whose cells hold
        only labels: they serve as the key too). IndexFormatError for anything else."""
        if not isinstance(data, Mapping):
            raise IndexFormatError(_("The index data is not a JSON object."))
        found = data.get("format")
        if found is not None and found != FORMAT:
            raise IndexFormatError(
                _("The index data has format %(found)s; this version reads format %(known)s.")
                % {"found": found, "known": FORMAT}
            )
        try:
            return cls._read(data)
        except (KeyError, TypeError, ValueError) as error:
            problem = f"missing {error}" if isinstance(error, KeyError) else str(error)
            raise IndexFormatError(
                _("The index data is damaged: %(problem)s") % {"problem": problem}
            ) from error

    @classmethod
    def _read(cls, data: Mapping) -> DiscourseIndex:
        by = tuple(_text(part) for part in _list(data["by"]))
        targets = tuple(_text(key) for key in _list(data["targets"]))
        labels = _mapping(data.get("target_labels") or {})
        cells = []
        for entry in _list(data["cells"]):
            entry = _mapping(entry)
            parts = {part: _text(entry[part]) for part in by}
            key = _mapping(entry.get("key") or parts)
            cells.append(
                IndexCell(
                    key={part: _text(key[part]) for part in by},
                    labels=parts,
                    n_items=_int(entry["n"]),
                    small=bool(entry["small"]),
                    results={
                        _text(target): TargetEstimate.from_json(values)
                        for target, values in _mapping(entry["values"]).items()
                    },
                )
            )
        version = data["corpus_model_version"]
        return cls(
            model_version=None if version is None else _int(version),
            by=by,
            targets=targets,
            target_labels={key: _text(labels.get(key, key)) for key in targets},
            cells=tuple(cells),
            n_items=_int(data["n_items"]),
            n_audit=_int(data["n_audit"]),
        )
