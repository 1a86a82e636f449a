from meshutaf.workshops import services
from meshutaf.workshops.models import Contribution

from ..api.test_api import api, patch
from .conftest import add


def test_list_and_detail_by_role(session, group_a, joined, owner, member, outsider):
    visible = add(group_a, joined, "visible")
    hidden = add(group_a, joined, "hidden")
    merged = add(group_a, joined, "visible too")
    withdrawn = add(group_a, joined, "withdrawn")
    services.contribution_set_hidden(contribution=hidden, by=owner, hidden=True)
    services.contributions_merge(target=visible, duplicates=[merged], by=owner)
    services.contribution_withdraw(contribution=withdrawn, participant=joined)

    url = f"/api/v1/initiatives/{session.initiative_id}/workshops"
    listing = api(member).get(url).json()
    assert listing["count"] == 1
    assert listing["items"][0]["contribution_count"] == 1
    assert api(outsider).get(url).status_code == 404

    detail = f"/api/v1/workshops/{session.pk}"
    as_owner = api(owner).get(detail).json()
    assert {c["text"] for c in as_owner["contributions"]} == {"visible", "hidden", "visible too"}
    assert as_owner["canvas"]["sections"][0]["key"] == "matrix"
    assert as_owner["groups"][0]["join_path"].startswith("/w/")
    as_member = api(member).get(detail).json()
    assert [c["text"] for c in as_member["contributions"]] == ["visible"]
    assert as_member["contributions"][0]["author"] == "Dana"
    assert api(outsider).get(detail).status_code == 404


def test_moderation_is_for_facilitators(session, group_a, joined, owner, member, outsider):
    note = add(group_a, joined, "note")
    url = f"/api/v1/workshop-contributions/{note.pk}"
    assert patch(api(member), url, {"hidden": True}).status_code == 403
    assert patch(api(outsider), url, {"hidden": True}).status_code == 404
    bad = patch(api(owner), url, {"hidden": "perhaps"})
    assert bad.status_code == 422
    assert not Contribution.objects.get(pk=note.pk).hidden
    ok = patch(api(owner), url, {"hidden": True})
    assert ok.status_code == 200
    assert ok.json()["hidden"] is True
    assert api(owner).get("/api/v1/workshops/99999999999999999999").status_code in (404, 422)
