"""The seeded world for the tests that walk the whole API (`world.py`)."""

import pytest
from django.db import transaction

from .world import World, world_create


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> World:
    """The world, made once for a module in a transaction rolled back at its end; each test
    runs in a savepoint of its own (the `db` fixture), so each starts from the same data,
    whatever the one before changed or deleted."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield world_create()
        transaction.set_rollback(True)


@pytest.fixture
def world(seeded, db) -> World:
    return seeded
