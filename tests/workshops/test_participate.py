"""The join link, without an account: join, add, edit and withdraw one's own notes."""

import pytest
from django.test import Client
from django.urls import reverse

from meshutaf.workshops import services
from meshutaf.workshops.models import Contribution, Participant

from .conftest import add


def join(group, name="Noa", **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("workshops:participate", args=[group.join_token])
    response = client.post(url, {"display_name": name, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def post_note(client, group, text, section="matrix", row="organisation", column="price", **kw):
    return client.post(
        reverse("workshops:participate_add", args=[group.join_token]),
        {"section": section, "row": row, "column": column, "text": text},
        **kw,
    )


def test_join_page_and_canvas(session, group_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("workshops:participate", args=[group_a.join_token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stay anonymous" in page.content.decode()
    client.post(url, {"display_name": "Noa"})
    canvas = client.get(url).content.decode()
    assert "My organisation" in canvas
    assert "Opportunity" in canvas
    assert Participant.objects.get().display_name == "Noa"
    assert canvas.count('name="text"') == 5  # four grid cells and one list


@pytest.mark.parametrize("token", ["x", "a" * 40, "not-a-real-token-1", "../../etc"])
def test_unknown_links_are_404(session, token):
    assert Client().get(f"/w/{token}/").status_code == 404


def test_a_reset_link_stops_working(session, group_a, owner):
    old = group_a.join_token
    services.working_group_reset_link(group=group_a, by=owner)
    assert Client().get(reverse("workshops:participate", args=[old])).status_code == 404


def test_anonymous_only_where_allowed(session, group_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("workshops:participate", args=[group_a.join_token])
    refused = client.post(url, {"display_name": ""})
    assert refused.status_code == 200
    assert "Write your name, or choose to stay anonymous." in refused.content.decode()
    assert client.post(url, {"anonymous": "on"}).status_code == 302
    assert Participant.objects.get().is_anonymous
    session.allow_anonymous = False
    session.save()
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = other.get(url).content.decode()
    assert "Stay anonymous" not in page
    assert other.post(url, {"anonymous": "on"}).status_code == 200
    assert Participant.objects.count() == 1


def test_add_notes_by_form_and_htmx(session, group_a):
    client = join(group_a)
    assert post_note(client, group_a, "ויתור על בלעדיות").status_code == 302
    response = post_note(client, group_a, "זמן ומשאבים", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "workshop-saved"
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body
    assert "זמן ומשאבים" in body
    assert Contribution.objects.count() == 2
    assert set(Contribution.objects.values_list("participant__display_name", flat=True)) == {"Noa"}


def test_bad_notes_change_nothing(session, group_a):
    client = join(group_a)
    for data, message in [
        ({"text": ""}, "Write something first."),
        ({"text": "א" * 281}, "at most 280 characters"),
        ({"text": "x", "section": "nope"}, "does not exist"),
        ({"text": "x", "row": "elsewhere"}, "does not exist"),
    ]:
        fields = {"section": "matrix", "row": "organisation", "column": "price", **data}
        response = client.post(
            reverse("workshops:participate_add", args=[group_a.join_token]),
            fields,
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "HX-Trigger" not in response
    assert not Contribution.objects.exists()


def test_must_join_before_adding(session, group_a):
    response = post_note(Client(), group_a, "sneaky")
    assert response.status_code == 302
    assert not Contribution.objects.exists()


def test_a_participant_of_one_group_cannot_write_to_another(session, group_a):
    group_b = session.groups.exclude(pk=group_a.pk).get()
    client = join(group_a)
    post_note(client, group_b, "wrong group")
    assert not Contribution.objects.exists()


def test_edit_and_withdraw_only_ones_own(session, group_a, joined):
    theirs = add(group_a, joined, "someone else's")
    client = join(group_a)
    post_note(client, group_a, "mine")
    mine = Contribution.objects.get(text="mine")
    edit = reverse("workshops:participate_edit", args=[group_a.join_token, mine.pk])
    assert client.get(edit).status_code == 200
    bad = client.post(edit, {"text": ""})
    assert bad.status_code == 200
    assert "Write something first." in bad.content.decode()
    assert client.post(edit, {"text": "mine, better"}).status_code == 302
    assert Contribution.objects.get(pk=mine.pk).text == "mine, better"
    other_edit = reverse("workshops:participate_edit", args=[group_a.join_token, theirs.pk])
    assert client.get(other_edit).status_code == 404
    assert client.post(other_edit, {"text": "hijacked"}).status_code == 404
    withdraw = reverse("workshops:participate_withdraw", args=[group_a.join_token, theirs.pk])
    assert client.post(withdraw).status_code == 404
    assert Contribution.objects.get(pk=theirs.pk).text == "someone else's"
    mine_withdraw = reverse("workshops:participate_withdraw", args=[group_a.join_token, mine.pk])
    assert client.post(mine_withdraw).status_code == 302
    assert Contribution.objects.get(pk=mine.pk).withdrawn
    page = client.get(reverse("workshops:participate", args=[group_a.join_token])).content.decode()
    assert "mine, better" not in page
    assert "someone else&#x27;s" in page


def test_closed_workshop_is_read_only(session, group_a, joined, owner):
    add(group_a, joined, "written before")
    client = join(group_a)
    services.workshop_session_set_status(session=session, by=owner, status="closed")
    page = client.get(reverse("workshops:participate", args=[group_a.join_token])).content.decode()
    assert "This workshop is closed" in page
    assert 'name="text"' not in page
    assert "written before" in page
    post_note(client, group_a, "too late")
    assert Contribution.objects.count() == 1
    newcomer = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = newcomer.get(reverse("workshops:participate", args=[group_a.join_token]))
    assert "This workshop is closed" in page.content.decode()


def test_hidden_notes_are_gone_for_others_and_marked_for_the_author(session, group_a, owner):
    author = join(group_a, "Author")
    post_note(author, group_a, "off topic")
    note = Contribution.objects.get()
    services.contribution_set_hidden(contribution=note, by=owner, hidden=True)
    url = reverse("workshops:participate", args=[group_a.join_token])
    assert "hidden by the facilitator" in author.get(url).content.decode()
    assert "off topic" not in join(group_a, "Other").get(url).content.decode()


def test_live_fragment(session, group_a, joined):
    client = join(group_a)
    url = reverse("workshops:participate_live", args=[group_a.join_token])
    session.refresh_from_db()
    assert client.get(url, {"v": session.version}).status_code == 204
    add(group_a, joined, "from a teammate")
    response = client.get(url, {"v": session.version})
    assert response.status_code == 200
    assert "from a teammate" in response.content.decode()


def test_csrf_is_enforced(session, group_a):
    client = Client(enforce_csrf_checks=True)
    url = reverse("workshops:participate", args=[group_a.join_token])
    assert client.post(url, {"display_name": "x"}).status_code == 403
    assert not Participant.objects.exists()


def test_participant_page_query_count_is_flat(
    session, group_a, joined, django_assert_max_num_queries
):
    client = join(group_a)
    url = reverse("workshops:participate", args=[group_a.join_token])
    for n in range(3):
        add(group_a, joined, f"note {n}")
    with django_assert_max_num_queries(8):
        client.get(url)
    for n in range(20):
        add(group_a, joined, f"more {n}", ("questions", "", ""))
    with django_assert_max_num_queries(8):
        client.get(url)
