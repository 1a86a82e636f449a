"""The OpenAPI document tells the truth about the API: each operation's responses are listed
with their shapes, and a body is taken only as the document describes it. (The whole API is
walked by test_schemathesis.py; these are the cases found there, kept as plain tests.)"""

import json
import typing
from collections import defaultdict

import jsonschema_rs
import pytest
from django.test import Client
from pydantic import BaseModel

from meshutaf.api.api import api as site_api
from meshutaf.api.conformance import operations
from meshutaf.deliberation.models import Vote
from meshutaf.directory.models import Organisation, Person
from meshutaf.initiatives.models import Group, GroupMember, Initiative, Membership, Phase
from meshutaf.meetings.models import Outcome
from meshutaf.stakeholder_map.models import EngagementEntry, Relationship, StakeholderProfile
from meshutaf.workshops.models import Contribution

from .test_api import api


@pytest.fixture(scope="module")
def document():
    return Client().get("/api/openapi.json").json()


def conforms(document, operation: dict, response) -> list[str]:
    """What in `response` the document's description of `operation` does not allow."""
    declared = operation["responses"].get(str(response.status_code))
    if declared is None:
        return [f"status {response.status_code} is not documented"]
    schema = declared["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
    return [error.message for error in validator.iter_errors(response.json())]


# ---------------------------------------------------------------- response shapes


def test_initiative_groups_answer_in_the_documented_shape(document, world):
    """The document's GroupOut was the workshops' working group (with a `position`): two
    schemas had the same name and the later one won. Each now has its own."""
    client = api(world.owner)
    group_id = world.ids["group_id"][0]
    paths = document["paths"]
    cases = [
        (
            paths["/api/v1/initiatives/{initiative_id}/groups"]["get"],
            client.get(f"/api/v1/initiatives/{world.ids['initiative_id'][0]}/groups"),
        ),
        (paths["/api/v1/groups/{group_id}"]["get"], client.get(f"/api/v1/groups/{group_id}")),
        (
            paths["/api/v1/groups/{group_id}"]["patch"],
            client.patch(
                f"/api/v1/groups/{group_id}",
                {"purpose": "Steering"},
                content_type="application/json",
            ),
        ),
        (
            paths["/api/v1/initiatives/{initiative_id}/groups"]["post"],
            client.post(
                f"/api/v1/initiatives/{world.ids['initiative_id'][0]}/groups",
                {"kind": "working_group", "name": "Data"},
                content_type="application/json",
            ),
        ),
    ]
    for operation, response in cases:
        assert response.status_code in (200, 201), response.content
        assert conforms(document, operation, response) == []
    assert "position" not in document["components"]["schemas"]["GroupOut"]["properties"]
    workshop = client.get(f"/api/v1/workshops/{world.ids['workshop_session_id'][0]}")
    assert [group["position"] for group in workshop.json()["groups"]] == [1, 2]
    assert conforms(document, paths["/api/v1/workshops/{session_id}"]["get"], workshop) == []


def _models(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found)


# Two shapes under one name are filed as one in the OpenAPI document (ninja names schemas by
# class): none is allowed.
KNOWN_CLASHES: set[str] = set()


def test_no_two_schemas_share_a_name():
    """Ninja files every schema under its class name: of two different ones with the same
    name, the document shows one, and the other's operations answer in another shape."""
    found: set[type[BaseModel]] = set()
    for operation in operations(site_api):
        # Ninja's own wrappers of parameters and responses are inlined; what they hold is named.
        for wrapper in [*operation.response_models.values(), *operation.models]:
            for field in getattr(wrapper, "model_fields", {}).values():
                _models(field.annotation, found)
    by_name = defaultdict(list)
    for model in found:
        by_name[model.__name__].append(model)
    clashes = {
        name
        for name, models in by_name.items()
        if len({json.dumps(model.model_json_schema(), sort_keys=True) for model in models}) > 1
    }
    assert clashes == KNOWN_CLASHES


# ---------------------------------------------------------------- statuses


def test_every_operation_documents_its_errors(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            statuses = set(operation["responses"])
            assert {"400", "401", "413"} <= statuses, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if method != "get":
                assert "403" in statuses, (method, path)
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}


def test_a_read_for_facilitators_documents_and_answers_403(document, world):
    path = "/api/v1/initiatives/{initiative_id}/invitations"
    operation = document["paths"][path]["get"]
    assert "403" in operation["responses"]
    url = path.format(initiative_id=world.ids["initiative_id"][0])
    refused = api(world.member).get(url)
    assert refused.status_code == 403
    assert conforms(document, operation, refused) == []
    # A read open to every member lists no 403 it would never answer.
    assert "403" not in document["paths"]["/api/v1/groups/{group_id}"]["get"]["responses"]


def test_errors_answer_in_the_documented_shape(document, world):
    paths = document["paths"]
    anonymous = Client().get("/api/v1/initiatives")
    assert anonymous.status_code == 401
    assert conforms(document, paths["/api/v1/initiatives"]["get"], anonymous) == []
    client = api(world.owner)
    missing = client.get("/api/v1/phases/999999")
    assert missing.status_code == 404
    assert conforms(document, paths["/api/v1/phases/{phase_id}"]["get"], missing) == []
    invalid = client.get("/api/v1/initiatives?limit=abc")
    assert invalid.status_code == 422
    assert conforms(document, paths["/api/v1/initiatives"]["get"], invalid) == []


# ---------------------------------------------------------------- bodies

# Every PATCH of the API, with the model of the object it changes.
PATCHED = {
    "/api/v1/initiatives/{initiative_id}": Initiative,
    "/api/v1/phases/{phase_id}": Phase,
    "/api/v1/groups/{group_id}": Group,
    "/api/v1/group-members/{member_id}": GroupMember,
    "/api/v1/memberships/{membership_id}": Membership,
    "/api/v1/organisations/{organisation_id}": Organisation,
    "/api/v1/people/{person_id}": Person,
    "/api/v1/stakeholders/{profile_id}": StakeholderProfile,
    "/api/v1/relationships/{relationship_id}": Relationship,
    "/api/v1/engagements/{engagement_id}": EngagementEntry,
    "/api/v1/action-items/{item_id}": Outcome,
    "/api/v1/workshop-contributions/{contribution_id}": Contribution,
}


def _row(model, pk) -> dict:
    obj = model.objects.get(pk=pk)
    return {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}


def test_every_body_is_an_object(document):
    """What ObjectBodyParser takes for granted."""
    components = document["components"]["schemas"]
    for methods in document["paths"].values():
        for operation in methods.values():
            if "requestBody" in operation:
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                reference = schema.get("$ref") or schema["allOf"][0]["$ref"]
                assert components[reference.rsplit("/", 1)[-1]]["type"] == "object"


@pytest.mark.parametrize("body", ["[null, null]", "null", "3", '"name"', "[]"])
def test_a_patch_that_is_not_an_object_is_refused_and_changes_nothing(document, world, body):
    patched = {path for path, methods in document["paths"].items() if "patch" in methods}
    assert patched == set(PATCHED)
    client = api(world.owner)
    for path, model in PATCHED.items():
        name = path.rsplit("{", 1)[1].rstrip("}")
        pk = world.ids[name][0]
        before = _row(model, pk)
        response = client.patch(path.replace(f"{{{name}}}", str(pk)), body, "application/json")
        assert response.status_code == 422, (path, response.content)
        assert response.json() == {
            "detail": "The request body must be a JSON object.",
            "errors": {"__all__": ["The request body must be a JSON object."]},
        }
        assert _row(model, pk) == before, path


def test_a_post_that_is_not_an_object_is_refused(world):
    response = api(world.owner).post("/api/v1/people", "[1, 2]", "application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["The request body must be a JSON object."]}
    assert not Person.objects.filter(full_name="").exists()


def test_values_of_another_json_type_are_refused(world):
    """pydantic would read "yes" as true and "1" as 1; the document says boolean and integer."""
    client = api(world.owner)
    contribution = world.ids["contribution_id"][0]
    hidden = client.patch(
        f"/api/v1/workshop-contributions/{contribution}", {"hidden": "yes"}, "application/json"
    )
    assert hidden.status_code == 422
    assert hidden.json()["errors"] == {"hidden": ["Enter true or false."]}
    assert not Contribution.objects.get(pk=contribution).hidden
    conversation = world.ids["conversation_id"][0]
    vote = client.post(
        f"/api/v1/conversations/{conversation}/votes",
        {"statement_id": world.ids["statement_id"][0], "value": "1"},
        "application/json",
    )
    assert vote.status_code == 422
    assert vote.json()["errors"] == {"value": ["Enter a whole number."]}
    assert not Vote.objects.exists()
    as_documented = client.patch(
        f"/api/v1/workshop-contributions/{contribution}", {"hidden": True}, "application/json"
    )
    assert as_documented.status_code == 200
    assert as_documented.json()["hidden"] is True
