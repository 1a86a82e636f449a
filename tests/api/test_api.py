"""The REST API: token and session auth, the same permission gate, JSON validation errors."""

import json

import pytest
from django.test import Client

from meshutaf.accounts.services import api_token_create, api_token_revoke
from meshutaf.initiatives.models import Initiative, Membership, Phase
from tests.factories import InitiativeFactory, MembershipFactory, OrganisationFactory


def api(user=None, language="en"):
    """A client speaking to the API with the user's personal token."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if user is not None:
        _token, raw = api_token_create(user=user, name="tests")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return Client(**headers)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_anonymous_is_refused(db):
    response = Client().get("/api/v1/initiatives")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_revoked_token_is_refused(owner):
    token, raw = api_token_create(user=owner, name="old")
    api_token_revoke(token=token)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.status_code == 401


def test_token_is_stored_hashed(owner):
    token, raw = api_token_create(user=owner, name="script")
    assert raw.startswith("msh_")
    assert raw not in token.token_hash
    assert api(owner).get("/api/v1/me").json()["username"] == "owner"


def test_list_shows_only_my_initiatives_paginated(initiative, member, outsider):
    InitiativeFactory.create_batch(3)
    body = api(member).get("/api/v1/initiatives?limit=10").json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == initiative.pk
    assert body["items"][0]["my_role"] == "partner"
    assert api(outsider).get("/api/v1/initiatives").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/initiatives/{i}",
        "/api/v1/initiatives/{i}/phases",
        "/api/v1/initiatives/{i}/groups",
        "/api/v1/initiatives/{i}/memberships",
        "/api/v1/phases/{p}",
        "/api/v1/groups/{g}",
        "/api/v1/groups/{g}/members",
    ],
)
def test_read_endpoints_by_role(path, initiative, phase, group, owner, member, outsider):
    url = path.format(i=initiative.pk, p=phase.pk, g=group.pk)
    assert api(owner).get(url).status_code == 200
    assert api(member).get(url).status_code == 200
    assert api(outsider).get(url).status_code == 404


def test_write_endpoints_by_role(initiative, phase, owner, member, outsider):
    url = f"/api/v1/phases/{phase.pk}"
    assert patch(api(outsider), url, {"name": "x"}).status_code == 404
    assert patch(api(member), url, {"name": "x"}).status_code == 403
    response = patch(api(owner), url, {"name": "Mapping the field"})
    assert response.status_code == 200
    assert response.json()["name"] == "Mapping the field"
    assert api(member).delete(url).status_code == 403
    assert api(owner).delete(url).status_code == 204
    assert not Phase.objects.filter(pk=phase.pk).exists()


def test_create_initiative_and_children(owner):
    client = api(owner)
    partner = OrganisationFactory()
    response = post(
        client,
        "/api/v1/initiatives",
        {"kind": "roundtable", "name": "שולחן עגול", "leading_partner_ids": [partner.pk]},
    )
    assert response.status_code == 201, response.content
    initiative_id = response.json()["id"]
    assert response.json()["my_role"] == "facilitator"
    assert response.json()["leading_partner_ids"] == [partner.pk]
    phase = post(client, f"/api/v1/initiatives/{initiative_id}/phases", {"name": "שלב א"})
    assert phase.status_code == 201
    group = post(
        client,
        f"/api/v1/initiatives/{initiative_id}/groups",
        {"name": "ועדת היגוי", "kind": "steering_committee"},
    )
    assert group.status_code == 201


def test_validation_errors_are_json_with_fields(owner):
    response = post(
        api(owner),
        "/api/v1/initiatives",
        {"kind": "nonsense", "name": "x", "start_date": "2026-05-01", "end_date": "2026-01-01"},
    )
    assert response.status_code == 400
    body = response.json()
    assert "kind" in body["errors"]
    assert not Initiative.objects.exists()
    missing = post(api(owner), "/api/v1/initiatives", {"start_date": "yesterday"})
    assert missing.status_code == 422
    errors = missing.json()["errors"]
    assert errors["kind"] == ["This field is required."]
    assert errors["start_date"] == ["Enter a valid date (YYYY-MM-DD)."]


def test_validation_errors_in_hebrew(owner):
    response = post(api(owner, language="he"), "/api/v1/initiatives", {})
    assert response.status_code == 422
    assert response.json()["errors"]["name"] != ["This field is required."]


def test_unknown_partner_is_a_field_error(owner):
    response = post(
        api(owner),
        "/api/v1/initiatives",
        {"kind": "forum", "name": "x", "leading_partner_ids": [999]},
    )
    assert response.status_code == 400
    assert "leading_partner_ids" in response.json()["errors"]
    assert not Initiative.objects.exists()


def test_membership_endpoints(initiative, owner, member, outsider):
    client = api(owner)
    response = post(
        client,
        f"/api/v1/initiatives/{initiative.pk}/memberships",
        {"username": outsider.username, "role": "observer"},
    )
    assert response.status_code == 201
    membership_id = response.json()["id"]
    assert (
        patch(
            api(member), f"/api/v1/memberships/{membership_id}", {"role": "facilitator"}
        ).status_code
        == 403
    )
    assert (
        patch(client, f"/api/v1/memberships/{membership_id}", {"role": "partner"}).json()["role"]
        == "partner"
    )
    bad = patch(client, f"/api/v1/memberships/{membership_id}", {"role": "king"})
    assert bad.status_code == 400
    assert "role" in bad.json()["errors"]
    own = Membership.objects.get(initiative=initiative, user=owner)
    last = api(owner).delete(f"/api/v1/memberships/{own.pk}")
    assert last.status_code == 400  # the last facilitator stays


def test_invitation_endpoint(initiative, owner, member):
    response = post(
        api(owner), f"/api/v1/initiatives/{initiative.pk}/invitations", {"email": "n@example.org"}
    )
    assert response.status_code == 201
    assert "/initiatives/join/" in response.json()["url"]
    refused = post(
        api(member), f"/api/v1/initiatives/{initiative.pk}/invitations", {"email": "m@example.org"}
    )
    assert refused.status_code == 403


def test_session_auth_requires_csrf(initiative, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get("/api/v1/initiatives").status_code == 200
    response = post(client, "/api/v1/initiatives", {"kind": "forum", "name": "x"})
    assert response.status_code in (401, 403)
    assert not Initiative.objects.filter(name="x").exists()


def test_openapi_and_docs(db):
    spec = Client().get("/api/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/initiatives" in spec.json()["paths"]
    assert Client().get("/api/docs").status_code == 200


def test_directory_endpoints(owner, member, outsider, initiative):
    organisation = OrganisationFactory(name_he="משרד החינוך", sector="government")
    initiative.leading_partners.add(organisation)
    assert api(member).get(f"/api/v1/organisations/{organisation.pk}").status_code == 200
    assert api(outsider).get(f"/api/v1/organisations/{organisation.pk}").status_code == 404
    assert (
        patch(api(member), f"/api/v1/organisations/{organisation.pk}", {"website": "x"}).status_code
        == 403
    )
    created = post(api(owner), "/api/v1/organisations", {"sector": "academia"})
    assert created.status_code == 400  # no name in any language
    ok = post(api(owner), "/api/v1/people", {"full_name": "רונית לוי"})
    assert ok.status_code == 201


def test_list_query_count_is_flat(owner, django_assert_max_num_queries):
    client = api(owner)
    for _ in range(5):
        MembershipFactory(user=owner, role="facilitator")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/initiatives?limit=100")
    for _ in range(100):
        MembershipFactory(user=owner, role="facilitator")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/initiatives?limit=100")


def test_group_member_role_endpoint(group, owner, member):
    seat = group.memberships.get()
    url = f"/api/v1/group-members/{seat.pk}"
    assert patch(api(member), url, {"role": "member"}).status_code == 403
    response = patch(api(owner), url, {"role": "note_taker"})
    assert response.status_code == 200
    assert response.json()["role"] == "note_taker"
    assert patch(api(owner), url, {"role": "emperor"}).status_code == 400


def test_superuser_is_facilitator_everywhere(initiative):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    body = api(admin).get("/api/v1/initiatives").json()
    assert body["items"][0]["my_role"] == "facilitator"
    assert api(admin).get(f"/api/v1/initiatives/{initiative.pk}").json()["my_role"] == (
        "facilitator"
    )
