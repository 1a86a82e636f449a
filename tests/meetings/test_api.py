import datetime

from meshutaf.meetings import services
from meshutaf.meetings.models import Meeting, MeetingStatus, OutcomeKind

from ..api.test_api import api, patch, post
from .conftest import make_meeting


def test_meetings_list_and_detail_by_role(initiative, meeting, owner, member, outsider):
    make_meeting(initiative, owner, status=MeetingStatus.DRAFT, title="draft")
    url = f"/api/v1/initiatives/{initiative.pk}/meetings"
    assert api(owner).get(url).json()["count"] == 2
    assert api(member).get(url).json()["count"] == 1
    assert api(outsider).get(url).status_code == 404
    detail = api(member).get(f"/api/v1/meetings/{meeting.pk}")
    assert detail.status_code == 200
    assert detail.json()["venue"] == meeting.venue
    assert api(outsider).get(f"/api/v1/meetings/{meeting.pk}").status_code == 404


def test_meeting_detail_has_agenda_attendance_outcomes(meeting, owner, member_person):
    item = services.agenda_item_add(meeting=meeting, by=owner, title="Budget", minutes="notes")
    services.attendance_set(meeting=meeting, by=owner, people=[member_person])
    services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.DECISION, text="Adopted", agenda_item=item
    )
    data = api(owner).get(f"/api/v1/meetings/{meeting.pk}").json()
    assert data["agenda"][0]["title"] == "Budget"
    assert data["agenda"][0]["outcomes"][0]["text"] == "Adopted"
    assert data["attendance"][0]["sector"] == "government"
    assert data["outcomes"][0]["kind"] == "decision"
    assert data["sector_balance"][0]["count"] == 1


def test_create_meeting_and_outcome(initiative, owner, member, member_person):
    start = datetime.datetime(2031, 5, 1, 15, tzinfo=datetime.UTC)
    body = {
        "title": "API meeting",
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
    }
    url = f"/api/v1/initiatives/{initiative.pk}/meetings"
    assert post(api(member), url, body).status_code == 403
    response = post(api(owner), url, body)
    assert response.status_code == 201
    meeting_id = response.json()["id"]
    bad = post(api(owner), url, {**body, "ends_at": start.isoformat()})
    assert bad.status_code == 422 or bad.status_code == 400
    assert Meeting.objects.count() == 1
    services.invitees_add(meeting=Meeting.objects.get(), by=owner, users=[member], send=False)
    created = post(
        api(owner),
        f"/api/v1/meetings/{meeting_id}/outcomes",
        {"kind": "action", "text": "Do it", "owner_id": member_person.pk, "due_date": "2031-06-01"},
    )
    assert created.status_code == 201
    assert created.json()["status"] == "open"
    refused = post(
        api(owner), f"/api/v1/meetings/{meeting_id}/outcomes", {"kind": "action", "text": "x"}
    )
    assert refused.status_code == 400
    assert "owner" in refused.json()["errors"]


def test_my_open_action_items_and_update(meeting, owner, member, member_person, outsider):
    item = services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="Mine", owner=member_person
    )
    data = api(member).get("/api/v1/action-items?owner=me&status=open").json()
    assert [row["id"] for row in data["items"]] == [item.pk]
    assert api(owner).get("/api/v1/action-items?owner=me&status=open").json()["count"] == 0
    assert api(outsider).get("/api/v1/action-items").json()["count"] == 0
    assert api(member).get("/api/v1/action-items?status=bogus").status_code == 400
    response = patch(api(member), f"/api/v1/action-items/{item.pk}", {"status": "done"})
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert (
        patch(api(outsider), f"/api/v1/action-items/{item.pk}", {"status": "open"}).status_code
        == 404
    )


def test_search_endpoint_is_permission_filtered(meeting, owner, outsider):
    services.agenda_item_add(meeting=meeting, by=owner, title="תקציב", minutes="דיון בתקציב")
    data = api(owner).get("/api/v1/search", {"q": "לתקציב"}).json()
    assert data["total"] >= 1
    assert "<mark>" in data["results"][0]["snippet_html"]
    assert api(outsider).get("/api/v1/search", {"q": "תקציב"}).json()["total"] == 0
    assert api(owner).get("/api/v1/search", {"q": "x", "limit": 1000}).status_code == 400
    assert api(owner).get("/api/v1/search", {"q": "x", "kind": "nope"}).status_code == 400


def test_an_owner_of_nowhere_and_one_from_elsewhere_get_the_same_answer(
    meeting, owner, member_person
):
    from tests.factories import PersonFactory

    url = f"/api/v1/meetings/{meeting.pk}/outcomes"
    stranger = PersonFactory()
    answers = [
        post(api(owner), url, {"kind": "action", "text": "x", "owner_id": owner_id}).json()
        for owner_id in (stranger.pk, 10**9)
    ]
    assert answers[0] == answers[1]
    assert list(answers[0]["errors"]) == ["owner_id"]
