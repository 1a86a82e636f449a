"""Reads the demo workspace's content from the TOML files in `data/` (UTF-8, one per concern).

Needs no database or settings, so the synthetic corpus generator can use it outside Django."""

import functools
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


@functools.cache
def data_read(name: str) -> dict[str, Any]:
    """`data/<name>.toml`, parsed. Cached: callers copy what they take into their own types."""
    return tomllib.loads((DATA_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def strings(values: Any) -> tuple[str, ...]:
    """A list of strings from a data file, checked, as a tuple."""
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise TypeError(f"Expected a list of strings in the demo data, not {values!r}")
    return tuple(values)


def text(table: dict[str, Any], key: str, default: str | None = None) -> str:
    """`table[key]`, which must be a string (`default` when absent, if given)."""
    value = table.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"Expected text for {key!r} in the demo data, not {value!r}")
    return value
