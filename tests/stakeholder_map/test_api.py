"""The stakeholder map API: gates and privacy, as for the pages."""

import pytest

from meshutaf.stakeholder_map import services
from meshutaf.stakeholder_map.models import Relationship, StakeholderProfile
from tests.api.test_api import api, patch, post
from tests.factories import OrganisationFactory


@pytest.fixture
def mapped(initiative, owner):
    ministry = services.profile_create(
        initiative=initiative,
        by=owner,
        organisation=OrganisationFactory(sector="government"),
        power=5,
        sensitive_notes="Hurt before",
    )
    fund = services.profile_create(
        initiative=initiative, by=owner, organisation=OrganisationFactory(sector="philanthropy")
    )
    hidden = services.relationship_create(
        initiative=initiative,
        by=owner,
        source=ministry,
        target=fund,
        kind="in_conflict",
        sensitive=True,
    )
    services.relationship_create(
        initiative=initiative, by=owner, source=fund, target=ministry, kind="funds"
    )
    services.network_analyse(initiative=initiative, by=owner)
    return {"ministry": ministry, "fund": fund, "hidden": hidden}


def test_facilitator_reads_everything(initiative, mapped, owner):
    client = api(owner)
    profiles = client.get(f"/api/v1/initiatives/{initiative.pk}/stakeholders").json()["items"]
    ministry = next(p for p in profiles if p["id"] == mapped["ministry"].pk)
    assert ministry["sensitive_notes"] == "Hurt before"
    assert ministry["quadrant"] == "manage_closely"
    assert ministry["sector"] == "government"
    network = client.get(f"/api/v1/initiatives/{initiative.pk}/network").json()
    assert len(network["edges"]) == 2
    assert {edge["sensitive"] for edge in network["edges"]} == {True, False}


@pytest.mark.parametrize("who", ["member", "participant"])
def test_members_never_get_sensitive_data(initiative, mapped, who, request):
    client = api(request.getfixturevalue(who))
    base = f"/api/v1/initiatives/{initiative.pk}"
    bodies = [
        client.get(f"{base}/stakeholders").content.decode(),
        client.get(f"/api/v1/stakeholders/{mapped['ministry'].pk}").content.decode(),
        client.get(f"{base}/relationships").content.decode(),
        client.get(f"{base}/network").content.decode(),
    ]
    for body in bodies:
        assert "Hurt before" not in body
        assert "in_conflict" not in body
        assert '"sensitive": true' not in body
    network = client.get(f"{base}/network").json()
    assert len(network["edges"]) == 1
    hidden = f"/api/v1/relationships/{mapped['hidden'].pk}"
    assert patch(client, hidden, {"notes": "x"}).status_code == 404


def test_outsider_gets_404(initiative, mapped, outsider):
    client = api(outsider)
    for url in (
        f"/api/v1/initiatives/{initiative.pk}/stakeholders",
        f"/api/v1/initiatives/{initiative.pk}/network",
        f"/api/v1/initiatives/{initiative.pk}/relationships",
        f"/api/v1/stakeholders/{mapped['fund'].pk}",
    ):
        assert client.get(url).status_code == 404, url


def test_write_endpoints(initiative, mapped, owner, member):
    base = f"/api/v1/initiatives/{initiative.pk}"
    organisation = OrganisationFactory(sector="academia")
    refused = post(api(member), f"{base}/stakeholders", {"organisation_id": organisation.pk})
    assert refused.status_code == 403
    created = post(
        api(owner),
        f"{base}/stakeholders",
        {"organisation_id": organisation.pk, "power": 4, "interest": 2, "consent": "passive"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["quadrant"] == "keep_satisfied"
    bad = post(api(owner), f"{base}/stakeholders", {"organisation_id": organisation.pk})
    assert bad.status_code == 400  # already on the map
    wrong = post(api(owner), f"{base}/stakeholders", {"person_id": 10**9})
    assert wrong.status_code == 400
    assert StakeholderProfile.objects.filter(initiative=initiative).count() == 3
    changed = patch(api(owner), f"/api/v1/stakeholders/{created.json()['id']}", {"power": 9})
    assert changed.status_code == 400
    tie = post(
        api(owner),
        f"{base}/relationships",
        {"source_id": mapped["fund"].pk, "target_id": created.json()["id"], "kind": "allied"},
    )
    assert tie.status_code == 201
    assert Relationship.objects.filter(initiative=initiative).count() == 3
    logged = post(
        api(owner),
        f"{base}/engagements",
        {
            "kind": "meeting",
            "date": "2026-11-01",
            "summary": "Met",
            "stakeholder_ids": [mapped["fund"].pk],
        },
    )
    assert logged.status_code == 201
    computed = api(owner).post(f"{base}/network")
    assert computed.status_code == 200
    assert initiative.network_analyses.count() == 4
