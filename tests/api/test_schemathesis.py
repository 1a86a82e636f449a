"""The API and its OpenAPI schema agree: schemathesis sends generated requests, valid and
invalid, to every operation of /api/openapi.json and checks each answer against the schema.

It runs in process (WSGI) on the test database, with a facilitator's token and a small
initiative with one or two of everything (`world.py`), writes included. Each operation is a
test, which stops at its first failing request and prints it as a curl command."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from meshutaf.core.schemas import MAX_ID

from .world import World

# Fuzzed examples per operation, after the coverage phase's deterministic cases (boundary
# values, each required field missing, each type wrong, bodies that are not objects).
MAX_EXAMPLES = 12

CHECKS = {
    "enabled": False,
    "not_a_server_error": {"enabled": True},
    "status_code_conformance": {"enabled": True},
    "content_type_conformance": {"enabled": True},
    "response_headers_conformance": {"enabled": True},
    "response_schema_conformance": {"enabled": True},
    "negative_data_rejection": {"enabled": True},
    # Off: valid data may still be refused for a reason no schema states (an end date before
    # the start, an organisation the caller cannot see, a meeting already closed): a 400 with
    # the reason, which the check would count as a failure.
    "positive_data_acceptance": {"enabled": False},
}


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 17,
        "headers": {"Accept-Language": "en"},
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # A null character is refused by a middleware before any view sees the request
            # (tests/core/test_bad_input.py): generated, it would stop a third of the
            # requests at the door.
            "allow-x00": False,
        },
        "phases": {
            # Methods an operation does not have are Django's to refuse, not the schema's.
            "coverage": {"unexpected-methods": []},
            # Links between operations are not declared, so there is nothing to chain.
            "stateful": {"enabled": False},
        },
        "checks": CHECKS,
    }
)

# Loaded when the module is collected (the document needs no database), so that each operation
# is a test of its own; `schemathesis.pytest.from_fixture` would load it in a fixture, but it
# fails on pytest 9 (it sets `Item._nodeid`, which pytest no longer has).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


@pytest.fixture(scope="module")
def connection_kept():
    """Requests inside the test's transaction: like Django's test client, the connection
    stays open between requests (a request's end would close it, a transaction being open)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world_served(world, connection_kept) -> World:
    return world


# A generated id names nothing, and every gate answers 404 to it; so most ids are swapped for
# the id of a seeded object of the kind the parameter names (by the path for `session_id`).
POOLS = {
    "initiative": "initiative_id",
    "organisation": "organisation_id",
    "indicator": "indicator_id",
    "owner_id": "person_id",
    "facilitating_organisation_id": "organisation_id",
    "leading_partner_ids": "organisation_id",
    "partner_id": "organisation_id",
    "source_id": "profile_id",
    "target_id": "profile_id",
    "stakeholder_ids": "profile_id",
}


def _pool(world: World, name: str, path: str) -> list[int]:
    if name == "session_id":
        name = "workshop_session_id" if "/workshops/" in path else "programme_session_id"
    return world.ids.get(POOLS.get(name, name), [])


def _aim(value, pool: list[int]):
    """A seeded id for most valid ids (one in five stays as generated); anything else, an
    invalid value included, untouched, so that a case stays as valid or invalid as it was."""
    if isinstance(value, list):
        return [_aim(item, pool) for item in value]
    if type(value) is not int or not 1 <= value <= MAX_ID or not pool or value % 5 == 0:
        return value
    return pool[value % len(pool)]


def _aim_case(case, world: World) -> None:
    path = case.operation.path
    for parameters in (case.path_parameters, case.query):
        for name, value in (parameters or {}).items():
            parameters[name] = _aim(value, _pool(world, name, path))
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            case.body[name] = _aim(value, _pool(world, name, path))


@schema.parametrize()
# The world is reset for each operation, not for each request: one operation's requests see
# what its earlier ones wrote, as a client's would.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_agrees_with_its_schema(case, world_served):
    _aim_case(case, world_served)
    case.call_and_validate(headers={"Authorization": f"Bearer {world_served.token}"})
