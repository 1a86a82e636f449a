"""Typed, strict readers of environment variables, for settings.py and the entry points.

A malformed value stops the start with a message naming the variable; an empty one means the
default. Nothing here reads Django's settings: settings.py imports this module.
"""

import os
import re
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _raw(name: str) -> str:
    """The variable's value without surrounding white space; "" when unset."""
    return os.environ.get(name, "").strip()


def env_str(name: str, default: str = "", *, choices: Sequence[str] = ()) -> str:
    """The variable as text, as written (a password or key may begin or end with a space).
    With `choices`, it must be one of them (in any case) and the choice is returned as spelled
    there."""
    value = os.environ.get(name, "")
    if not value:
        return default
    if not choices:
        return value
    value = value.strip()
    for choice in choices:
        if value.casefold() == choice.casefold():
            return choice
    raise ImproperlyConfigured(
        f"{name}={value!r} is not accepted: use one of {', '.join(choices)} "
        f"(any case), or leave it empty for {default!r}."
    )


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if not value:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes or no: use 1/0, true/false, yes/no or on/off "
        f"(any case), or leave it empty for the default ({str(default).lower()})."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """The variable as a whole number written in plain digits (an optional sign, no spaces,
    underscores or decimal point), within `minimum`..`maximum` when given."""
    value = _raw(name)
    if not value:
        return default
    if not _INTEGER.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a whole number: write it in digits, e.g. {default}, "
            "or leave it empty for the default."
        )
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if maximum is None:
            bounds = f"at least {minimum}"
        elif minimum is None:
            bounds = f"at most {maximum}"
        else:
            bounds = f"from {minimum} to {maximum}"
        raise ImproperlyConfigured(
            f"{name}={value!r} is out of range: it must be {bounds} (default {default})."
        )
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = _raw(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """An absolute path: the variable's (relative to the working directory), else `default`."""
    value = _raw(name)
    if "\0" in value:
        raise ImproperlyConfigured(f"{name} contains a NUL character, which no path may hold.")
    return Path(value or default).resolve()
