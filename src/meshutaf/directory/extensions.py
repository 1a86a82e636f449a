"""Extension points of the directory's pages, filled in by apps that build on the directory.

An organisation's page lists the initiatives it leads or facilitates, and a person's page the
groups they sit in. Those belong to the initiatives app, which imports the directory; so the
directory asks whoever registered here instead of importing it.
"""

from collections.abc import Callable, Iterable
from typing import Any

# Any iterable will do (a queryset, say): `provided` makes it a list.
Provider = Callable[..., Iterable[Any]]

_providers: dict[str, Provider] = {}

ORGANISATION_INITIATIVES = "organisation_initiatives"  # provider(organisation=, user=)
PERSON_GROUP_MEMBERSHIPS = "person_group_memberships"  # provider(person=, user=)


def provider_register(slot: str, provider: Provider) -> None:
    _providers[slot] = provider


def provided(slot: str, **kwargs: Any) -> list[Any]:
    """What the registered provider answers, or nothing when no app fills the slot."""
    provider = _providers.get(slot)
    return list(provider(**kwargs)) if provider is not None else []
