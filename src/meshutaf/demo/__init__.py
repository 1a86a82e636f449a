"""The demo workspace (`meshutaf demo`, loaded by `make run`): invented initiatives, partners,
people and groups in Hebrew, and the three demo logins. Not part of the production wheel.

Modules: `workspace` (the loader: organisations, people, initiatives), `users` (the demo logins),
`people`, `specs` and `data` (the content in `data/*.toml`), and what some initiatives get on
top: `maps`, `meetings`, `workshops`, `deliberation`, `discourse` (the synthetic corpus that
`corpus` makes, coded and scored)."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meshutaf.demo.users import DEMO_PASSWORD, DEMO_USERS, DemoUser
    from meshutaf.demo.workspace import DemoResult, demo_load

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoResult", "DemoUser", "demo_load"]

_MODULE_OF = {
    "DEMO_PASSWORD": "users",
    "DEMO_USERS": "users",
    "DemoUser": "users",
    "DemoResult": "workspace",
    "demo_load": "workspace",
}


def __getattr__(name: str) -> Any:
    # Imported when first asked for: the loader needs Django's models, while importing the
    # package (to see whether it is installed, or for the synthetic corpus) needs nothing.
    if name in _MODULE_OF:
        return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
