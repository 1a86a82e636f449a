"""The bell, the list and opening a notification: each person sees their own only, one
query counts the bell, and the list's queries stay flat as notifications pile up."""

import pytest
from django.urls import reverse

from meshutaf.notifications.models import Kind, Notification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def make(user, initiative, count=1, **fields):
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=fields.get("kind", Kind.WORKSHOP_OPENED),
                initiative=initiative,
                params={"title": f"Workshop {n}"},
                url=fields.get("url", f"/initiatives/{initiative.pk}/"),
            )
            for n in range(count)
        ]
    )


def test_the_list_shows_mine_only_newest_first(initiative, owner, member):
    make(member, initiative, 2)
    make(owner, initiative, 1, kind=Kind.MENTION)
    page = client_for(member).get(reverse("notifications:list")).content.decode()
    assert page.count('class="notification ') == 2
    assert page.index("Workshop 1") < page.index("Workshop 0")
    assert "mentioned you" not in page


def test_the_bell_counts_unread_in_the_header(initiative, member):
    client = client_for(member)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Notifications, none unread" in page
    assert "bell__badge" not in page
    rows = make(member, initiative, 3)
    Notification.objects.filter(pk=rows[0].pk).update(read_at="2030-01-01T00:00Z")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Notifications, 2 unread" in page
    assert '<span class="bell__badge" aria-hidden="true">2</span>' in page


def test_the_bell_caps_its_count(initiative, member):
    make(member, initiative, 120)
    fragment = client_for(member).get(reverse("notifications:bell")).content.decode()
    assert ">99+<" in fragment
    assert "more than 99 unread" in fragment


def test_the_bell_fragment_is_empty_when_signed_out(client):
    assert client.get(reverse("notifications:bell")).status_code == 204


def test_the_bell_costs_one_query(initiative, member, django_assert_num_queries):
    from django.template import Context, Template

    make(member, initiative, 5)
    template = Template("{% load notifications %}{% unread_notifications user as u %}{{ u.label }}")
    with django_assert_num_queries(1):
        assert template.render(Context({"user": member})) == "5"


def test_list_queries_stay_flat(initiative, member, django_assert_max_num_queries):
    client = client_for(member)
    make(member, initiative, 2)
    url = reverse("notifications:list")
    client.get(url)  # the session is warmed up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(member, initiative, 60)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('class="notification ') == 25  # one page


def test_unread_filter(initiative, member):
    first, _second = make(member, initiative, 2)
    Notification.objects.filter(pk=first.pk).update(read_at="2030-01-01T00:00Z")
    page = client_for(member).get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "Workshop 1" in page
    assert "Workshop 0" not in page


def test_opening_marks_read_and_goes_to_the_thing(initiative, member):
    (row,) = make(member, initiative, 1)
    response = client_for(member).get(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/initiatives/{initiative.pk}/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_someone_elses_notification_is_not_found(initiative, member, outsider):
    (row,) = make(member, initiative, 1)
    client = client_for(outsider)
    assert client.get(reverse("notifications:open", args=[row.pk])).status_code == 404
    assert client.get("/notifications/99999999999/open/").status_code == 404
    assert client.get("/notifications/abc/open/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_a_stored_link_to_another_site_is_not_followed(initiative, member):
    (row,) = make(member, initiative, 1, url="//evil.example/")
    response = client_for(member).get(reverse("notifications:open", args=[row.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_is_a_post_of_ones_own(initiative, member, owner):
    make(member, initiative, 3)
    make(owner, initiative, 1)
    client = client_for(member)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at=None).exists()
    assert Notification.objects.filter(recipient=owner, read_at=None).count() == 1


def test_pages_need_a_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_what_users_wrote_is_escaped_and_isolated(initiative, member):
    Notification.objects.create(
        recipient=member,
        kind=Kind.WORKSHOP_OPENED,
        initiative=initiative,
        params={"title": "<script>x</script> מחיר"},
        url="/",
    )
    page = client_for(member).get(reverse("notifications:list")).content.decode()
    assert "<bdi>&lt;script&gt;x&lt;/script&gt; מחיר</bdi>" in page
    assert "<script>x" not in page


def test_the_polled_bell_stays_current_on_the_list(member):
    client = client_for(member)
    url = reverse("notifications:bell")
    on_list = client.get(
        url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/notifications/"
    )
    assert 'aria-current="page"' in on_list.content.decode()
    elsewhere = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/")
    assert 'aria-current="page"' not in elsewhere.content.decode()
