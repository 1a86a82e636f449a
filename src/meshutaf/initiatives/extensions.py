"""Extension points of initiatives, filled in by apps above them.

Notifications tell a person they were given a seat in an initiative; initiatives sit below
notifications, so rather than import them they call whoever registered here.
"""

from collections.abc import Callable
from typing import Any

MembershipListener = Callable[..., Any]

_membership_added: list[MembershipListener] = []


def membership_added_register(listener: MembershipListener) -> None:
    """`listener(membership=..., by=...)` is called inside the transaction that gave the
    seat (it defers its own side effects with `transaction.on_commit`)."""
    if listener not in _membership_added:
        _membership_added.append(listener)


def membership_added(*, membership, by) -> None:
    for listener in _membership_added:
        listener(membership=membership, by=by)
