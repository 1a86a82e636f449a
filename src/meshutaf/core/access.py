"""The vocabulary of access, shared by every app's permission gate.

A user holds one `Role` in an initiative; an `Action` is what a request wants to do; each role
allows actions up to a level. A gate (`<entity>_get_for_user` in each app's permissions.py)
answers with a `Granted`: the object and the role the viewer holds over it, so callers ask
`role_allows(granted.role, Action.MANAGE)` instead of reading an attribute off a model.

Outsiders get 404 (the object's existence is not revealed); members whose role does not allow
the action get 403. Superusers act as facilitators everywhere.
"""

from enum import IntEnum
from typing import Any, Generic, NamedTuple, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")


class Role(models.TextChoices):
    """A user's role in one initiative, from most to least powerful."""

    FACILITATOR = "facilitator", _("Facilitator")
    PARTNER = "partner", _("Partner")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class Action(IntEnum):
    VIEW = 1
    CONTRIBUTE = 2
    MANAGE = 3


ROLE_ALLOWS = {
    Role.OBSERVER: Action.VIEW,
    Role.PARTICIPANT: Action.VIEW,
    Role.PARTNER: Action.CONTRIBUTE,
    Role.FACILITATOR: Action.MANAGE,
}


def role_allows(role: str | None, action: Action) -> bool:
    return role is not None and ROLE_ALLOWS[Role(role)] >= action


def active_user(user: Any) -> bool:
    """Signed in and not deactivated: the first thing every gate asks."""
    return user is not None and user.is_authenticated and user.is_active


class Granted(NamedTuple, Generic[T]):
    """What a gate returns: the object, and the viewer's role in its initiative (None for
    someone who reached it another way, such as a participant who came by link)."""

    obj: T
    role: Role | None


def role_check(*, user: Any, role: str | None, action: Action) -> Role:
    """The viewer's effective role, or Http404 / PermissionDenied."""
    if user.is_superuser:
        # Superusers act as facilitators everywhere, whatever their membership says.
        return Role.FACILITATOR
    if role is None:
        raise Http404
    if not role_allows(role, action):
        raise PermissionDenied
    return Role(role)


def grant(obj: T, *, user: Any, role: str | None, action: Action) -> Granted[T]:
    """The last step of every gate: `obj` with the viewer's effective role, once `role_check`
    lets `user` (who holds `role` in its initiative) do `action`."""
    return Granted(obj, role_check(user=user, role=role, action=action))
