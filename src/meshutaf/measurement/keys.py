"""Disaggregation keys and schemas, as stored and as typed. Pure: no database.

An indicator's schema is a list of dimensions, stored as JSON::

    [{"name": "sex", "label": "Sex", "values": ["female", "male"], "sums_to_total": true}, …]

A cell's key is written `age=0-17|sex=female` (dimension names in alphabetical order, so one
cell has one spelling); the empty string is the total.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from .aggregation import Dimension, DisaggregationKey

MAX_DIMENSIONS = 6
MAX_VALUES = 200
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_VALUE = re.compile(r"^[^=|]{1,60}$")


class SchemaError(ValueError):
    """A key or schema the user must fix; the message says how."""


def schema_from_json(data: Any) -> tuple[Dimension, ...]:
    """The dimensions of a stored or posted schema, or SchemaError saying what is wrong."""
    if data in (None, ""):
        return ()
    if not isinstance(data, list) or len(data) > MAX_DIMENSIONS:
        raise SchemaError(
            _("The disaggregation must be a list of at most %(n)s dimensions.")
            % {"n": MAX_DIMENSIONS}
        )
    dimensions: list[Dimension] = []
    for item in data:
        if not isinstance(item, Mapping):
            raise SchemaError(_("Each dimension needs a name and its values."))
        name = str(item.get("name", "")).strip()
        if not _NAME.match(name):
            raise SchemaError(
                _("“%(name)s” is not a dimension name: use lower-case Latin letters, digits and _.")
                % {"name": name[:40]}
            )
        values = item.get("values")
        if not isinstance(values, list) or not values or len(values) > MAX_VALUES:
            raise SchemaError(
                _("The dimension %(name)s needs between 1 and %(n)s values.")
                % {"name": name, "n": MAX_VALUES}
            )
        cleaned = tuple(str(value).strip() for value in values)
        if any(not _VALUE.match(value) for value in cleaned) or len(set(cleaned)) != len(cleaned):
            raise SchemaError(
                _("The values of %(name)s must be distinct, without “=” or “|”.") % {"name": name}
            )
        if name in {dimension.name for dimension in dimensions}:
            raise SchemaError(_("The dimension %(name)s appears twice.") % {"name": name})
        dimensions.append(Dimension(name, cleaned, bool(item.get("sums_to_total", True))))
    return tuple(dimensions)


def schema_to_json(
    dimensions: Sequence[Dimension], labels: Mapping[str, str] | None = None
) -> list[dict]:
    return [
        {
            "name": dimension.name,
            "label": (labels or {}).get(dimension.name, dimension.name),
            "values": list(dimension.values),
            "sums_to_total": dimension.sums_to_total,
        }
        for dimension in dimensions
    ]


def key_string(cells: Mapping[str, str]) -> str:
    return "|".join(f"{name}={cells[name]}" for name in sorted(cells))


def key_cells(text: str) -> dict[str, str]:
    """The cells of a stored key; "" is the total."""
    if not text:
        return {}
    cells: dict[str, str] = {}
    for part in text.split("|"):
        name, _sep, value = part.partition("=")
        cells[name] = value
    return cells


def key_frozen(text: str) -> DisaggregationKey:
    return frozenset(key_cells(text).items())


def key_check(cells: Mapping[str, str], schema: Sequence[Dimension]) -> str:
    """The stored spelling of `cells` once every dimension and value is in the schema; else
    SchemaError naming the unknown one and what is allowed."""
    by_name = {dimension.name: dimension for dimension in schema}
    for name, value in cells.items():
        dimension = by_name.get(name)
        if dimension is None:
            allowed = ", ".join(by_name) or "—"
            raise SchemaError(
                _("“%(name)s” is not a disaggregation of this indicator (it has: %(allowed)s).")
                % {"name": str(name)[:40], "allowed": allowed}
            )
        if value not in dimension.values:
            raise SchemaError(
                _("“%(value)s” is not a value of %(name)s (allowed: %(allowed)s).")
                % {"value": str(value)[:60], "name": name, "allowed": ", ".join(dimension.values)}
            )
    return key_string(cells)


def typed_cells(text: str) -> dict[str, str]:
    """The cells of a typed key (`sex=female|age=0-17`, `sex=female; age=0-17`, or empty), not
    yet checked against a schema; SchemaError for a part without "=" or a dimension twice."""
    cells: dict[str, str] = {}
    for part in re.split(r"[|;,]", (text or "").strip()):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise SchemaError(
                _("Write each disaggregation as dimension=value, not “%(part)s”.")
                % {"part": part.strip()[:60]}
            )
        name = name.strip()
        if name in cells:
            raise SchemaError(_("The dimension %(name)s appears twice.") % {"name": name[:40]})
        cells[name] = value.strip()
    return cells


def key_parse(text: str, schema: Sequence[Dimension]) -> str:
    """A typed key (see `typed_cells`), checked against `schema`, in its stored spelling."""
    return key_check(typed_cells(text), schema)


def all_keys(schema: Sequence[Dimension]) -> list[str]:
    """The total and each single-dimension cell, in schema order: what a reporting form asks
    for (cross-cells such as sex × age are accepted by import and the API)."""
    keys = [""]
    for dimension in schema:
        keys += [key_string({dimension.name: value}) for value in dimension.values]
    return keys
