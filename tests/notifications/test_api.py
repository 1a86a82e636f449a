"""The notifications API: one's own only, the unread filter, marking one read."""

import pytest

from meshutaf.notifications.models import Kind, Notification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def make(user, initiative, count=1):
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=Kind.DELIBERATION_OPENED,
                initiative=initiative,
                params={"title": f"Vote {n}"},
                url="/deliberations/1/",
            )
            for n in range(count)
        ]
    )


def test_list_is_mine_with_an_unread_filter(initiative, owner, member):
    first, _second = make(member, initiative, 2)
    make(owner, initiative, 3)
    client = client_for(member)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2
    assert {item["text"] for item in body["items"]} == {
        "A deliberation opened for votes: Vote 0",
        "A deliberation opened for votes: Vote 1",
    }
    Notification.objects.filter(pk=first.pk).update(read_at="2030-01-01T00:00Z")
    body = client.get("/api/v1/notifications?unread=true").json()
    assert [item["id"] for item in body["items"]] == [_second.pk]
    assert client.get("/api/v1/notifications?unread=maybe").status_code == 422
    assert client.get("/api/v1/notifications?limit=0").status_code == 422


def test_marking_read_mine_only(initiative, owner, member):
    (mine,) = make(member, initiative, 1)
    (theirs,) = make(owner, initiative, 1)
    client = client_for(member)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/v1/notifications/0/read").status_code == 422
    assert client.post(f"/api/v1/notifications/{2**64}/read").status_code == 422
    assert client.post("/api/v1/notifications/abc/read").status_code == 422
    assert client.post("/api/v1/notifications/99999999/read").status_code == 404


def test_signed_out_is_refused(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/1/read").status_code == 401
