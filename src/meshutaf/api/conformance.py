"""Holds the API to its OpenAPI document: each operation lists the errors it can answer, and
a request body is taken only when it is an object with the types the document gives it.

Ninja documents only the statuses a view returns itself, and pydantic reads "1" as 1, "yes"
as true and `[null, null]` as an empty object; a client built from the document expects none
of that, and `tests/api/test_schemathesis.py` holds the API to it."""

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation
from ninja.parser import Parser

from meshutaf.core.schemas import ErrorOut

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

JsonSchema = dict[str, Any]


# ---------------------------------------------------------------- error statuses


def operations(api: NinjaAPI) -> Iterator[Operation]:
    """Every operation as bound to `api` (a router's own are templates), as ninja's schema
    generator reads them."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            yield from path_view.operations


def error_statuses(operation: Operation) -> set[int]:
    """What any operation of this site may answer besides success, from what it takes:

    - 400: a null character anywhere (`core.middleware`), a body that is not JSON, or a rule
      a service enforces;
    - 413: a body larger than any form of the site takes (`core.middleware`);
    - 401: no valid token or session;
    - 422: a parameter or a body field that the schema refuses;
    - 404: an object in the path that does not exist or that the caller may not see (the
      gates answer both alike);
    - 403: a write by someone whose role does not allow it, or by a session without its CSRF
      token.

    A read that refuses some members (403), or that reaches an object through its query (404),
    declares that status in its own `response`."""
    statuses = {400, 413}
    if operation.auth_callbacks:
        statuses.add(401)
    sources = {model.__ninja_param_source__ for model in operation.models}
    if sources:
        statuses.add(422)
    if "path" in sources:
        statuses.add(404)
    if UNSAFE_METHODS & set(operation.methods):
        statuses.add(403)
    return statuses


def document_errors(api: NinjaAPI) -> None:
    """Lists each operation's error statuses among its responses, with the error shape (the
    exception handlers in `api.py` answer them all in it)."""
    for operation in operations(api):
        responses = dict(operation.response_models)
        for status in error_statuses(operation):
            responses.setdefault(status, operation._create_response_model(ErrorOut))
        operation.response_models = dict(sorted(responses.items()))


# ---------------------------------------------------------------- request bodies


class BodyNotAnObjectError(ValueError):
    """A JSON body that is not an object."""


class ObjectBodyParser(Parser):
    """JSON bodies, objects only: every body this API takes is one (a test checks the
    document), and pydantic would read a list or a number as an object with no fields."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObjectError
        return data


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float)
    return isinstance(value, {"string": str, "array": list, "object": dict}.get(kind, type(None)))


def _resolved(schema: JsonSchema, components: dict[str, JsonSchema]) -> JsonSchema:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _types(schema: JsonSchema, components: dict[str, JsonSchema]) -> set[str]:
    """The JSON types `schema` allows; empty for any."""
    schema = _resolved(schema, components)
    parts = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if parts:
        return set().union(*(_types(part, components) for part in parts))
    kind = schema.get("type")
    if kind is None:
        return set()
    return set(kind) if isinstance(kind, list) else {kind}


# The error kinds of pydantic, whose messages `api.py` has in the caller's language.
TYPE_ERRORS = {
    "integer": "int_type",
    "number": "float_type",
    "string": "string_type",
    "boolean": "bool_type",
    "array": "list_type",
    "object": "dict_type",
}


def _type_error(expected: set[str], location: tuple) -> dict[str, Any]:
    named = expected - {"null"}
    kind = TYPE_ERRORS[named.pop()] if len(named) == 1 else "type_error"
    return {"type": kind, "loc": location}


def mismatches(
    schema: JsonSchema, value: Any, components: dict[str, JsonSchema], location: tuple = ()
) -> list[dict[str, Any]]:
    """Where `value`, as parsed from JSON, has another type than `schema` gives it. Only the
    types: formats, ranges and choices are pydantic's to check, and it checks them."""
    schema = _resolved(schema, components)
    if "allOf" in schema:
        return [
            error
            for part in schema["allOf"]
            for error in mismatches(part, value, components, location)
        ]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        found = [mismatches(option, value, components, location) for option in options]
        if any(not errors for errors in found):
            return []
        # Within an option of the value's own type lies what is wrong inside the value.
        for option, errors in zip(options, found, strict=True):
            if any(_is(value, kind) for kind in _types(option, components)):
                return errors
        return [_type_error(_types(schema, components), location)]
    expected = _types(schema, components)
    if expected and not any(_is(value, kind) for kind in expected):
        return [_type_error(expected, location)]
    errors = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        others = schema.get("additionalProperties")
        for name, item in value.items():
            inner = properties.get(name, others if isinstance(others, dict) else None)
            if inner is not None:
                errors += mismatches(inner, item, components, (*location, name))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            errors += mismatches(schema["items"], item, components, (*location, index))
    return errors


def _typed(view: Callable, operation_id: str, bodies: Callable[[], dict]) -> Callable:
    @functools.wraps(view)
    def typed(request, *args, **kwargs):
        # After ninja's own validation (which answered a body it could not read): what is left
        # is a body pydantic accepted by converting it.
        if request.body:
            schema, components = bodies()[operation_id]
            errors = mismatches(schema, json.loads(request.body), components)
            if errors:
                raise NinjaValidationError(
                    [{**error, "loc": ("body", *error["loc"])} for error in errors]
                )
        return view(request, *args, **kwargs)

    return typed


def check_bodies(api: NinjaAPI) -> None:
    """Refuses, with field errors, a body whose values have other types than the document
    gives them (checked against the document itself, built once at the first body)."""

    @functools.cache
    def bodies() -> dict[str, tuple[JsonSchema, dict[str, JsonSchema]]]:
        document = api.get_openapi_schema(path_prefix="")
        components = document["components"]["schemas"]
        return {
            operation["operationId"]: (
                operation["requestBody"]["content"]["application/json"]["schema"],
                components,
            )
            for path in document["paths"].values()
            for operation in path.values()
            if "requestBody" in operation
        }

    for operation in operations(api):
        if any(model.__ninja_param_source__ == "body" for model in operation.models):
            operation_id = operation.operation_id or api.get_openapi_operation_id(operation)
            operation.view_func = _typed(operation.view_func, operation_id, bodies)
