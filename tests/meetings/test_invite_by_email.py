"""Inviting people who are not members, by e-mail address: validated, deduplicated, bounded;
they get the invitation and an answer link that needs no account, and no access."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meshutaf.meetings import services
from meshutaf.meetings.models import RSVP, MeetingInvitee
from meshutaf.meetings.tokens import rsvp_token, rsvp_token_read

from ..conftest import client_for
from ..factories import PersonFactory


def invite(client, meeting, **data):
    return client.post(reverse("meetings:invite", args=[meeting.pk]), data)


def test_outsiders_are_invited_by_email_and_get_the_invitation(
    meeting, owner, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            as_user(owner),
            meeting,
            emails="Guest@Example.org, other@example.org\nguest@example.org",
        )
    assert response.status_code == 302
    invitees = list(meeting.invitees.order_by("email"))
    assert [i.email for i in invitees] == ["guest@example.org", "other@example.org"]
    assert all(i.user is None and i.person is None for i in invitees)
    assert sorted(m.to[0] for m in mailoutbox) == ["guest@example.org", "other@example.org"]
    guest = invitees[0]
    message = next(m for m in mailoutbox if m.to == ["guest@example.org"])
    token = re.search(r"/rsvp/([^/\s]+)/", message.body).group(1)
    assert rsvp_token_read(token) == (guest.pk, guest.token_nonce)
    # They appear in the meeting's invitation list.
    page = as_user(owner).get(meeting.get_absolute_url() + "?tab=invitations").content.decode()
    assert "guest@example.org" in page


def test_the_outsider_answers_without_an_account(meeting, owner, client):
    (guest,) = services.invitees_add(
        meeting=meeting, by=owner, emails=["guest@example.org"], send=False
    )
    url = reverse("meetings:rsvp", args=[rsvp_token(guest)])
    assert client.get(url).status_code == 200
    assert client.post(url, {"rsvp": "yes"}).status_code == 200
    guest.refresh_from_db()
    assert guest.rsvp == RSVP.YES


def test_outsiders_gain_no_access(meeting, owner, outsider, client):
    outsider.email = "omer@example.org"
    outsider.save()
    services.invitees_add(meeting=meeting, by=owner, emails=["omer@example.org"], send=False)
    invitee = meeting.invitees.get()
    assert invitee.user is None  # an address, not the account that happens to share it
    assert client_for(outsider).get(meeting.get_absolute_url()).status_code == 404
    initiative_page = reverse("initiatives:detail", args=[meeting.initiative_id])
    assert client_for(outsider).get(initiative_page).status_code == 404
    assert not meeting.initiative.memberships.filter(user=outsider).exists()


def test_a_members_address_invites_the_member(meeting, owner, member):
    member.email = "Amir@example.org"
    member.save()
    created = services.invitees_add(
        meeting=meeting, by=owner, emails=["amir@EXAMPLE.org"], send=False
    )
    assert [invitee.user for invitee in created] == [member]
    # Asked again, by address or by account, nobody is invited twice.
    assert services.invitees_add(meeting=meeting, by=owner, emails=["amir@example.org"]) == []
    assert services.invitees_add(meeting=meeting, by=owner, users=[member]) == []
    assert meeting.invitees.count() == 1


def test_an_address_already_invited_is_skipped(meeting, owner):
    services.invitees_add(meeting=meeting, by=owner, emails=["guest@example.org"], send=False)
    again = services.invitees_add(
        meeting=meeting, by=owner, emails=["GUEST@example.org", "new@example.org"], send=False
    )
    assert [invitee.email for invitee in again] == ["new@example.org"]
    assert meeting.invitees.count() == 2


def test_the_database_refuses_the_same_address_twice(meeting):
    MeetingInvitee.objects.create(meeting=meeting, name="a", email="a@example.org")
    with pytest.raises(Exception):  # noqa: B017, PT011 — IntegrityError on either database
        MeetingInvitee.objects.create(meeting=meeting, name="A", email="A@example.org")


@pytest.mark.parametrize(
    "emails",
    ["not-an-address", "guest@example.org, broken@", "a@b@c.org", "x" * 250 + "@example.org"],
)
def test_bad_addresses_get_a_clear_message_and_change_nothing(
    meeting, owner, as_user, mailoutbox, emails
):
    response = invite(as_user(owner), meeting, emails=emails)
    assert response.status_code == 200
    assert "Not e-mail addresses:" in response.content.decode()
    assert meeting.invitees.count() == 0
    assert mailoutbox == []


def test_too_many_addresses_are_refused(meeting, owner, as_user):
    emails = "\n".join(f"guest{n}@example.org" for n in range(services.MAX_EMAIL_INVITES + 1))
    response = invite(as_user(owner), meeting, emails=emails)
    assert response.status_code == 200
    assert "at most 50" in response.content.decode()
    assert meeting.invitees.count() == 0
    with pytest.raises(ValidationError):
        services.invitees_add(meeting=meeting, by=owner, emails=emails.split())


def test_nothing_chosen_is_still_refused(meeting, owner, as_user):
    response = invite(as_user(owner), meeting, emails="  ,  ")
    assert "Choose whom to invite." in response.content.decode()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_facilitators_invite(meeting, request, as_user, who):
    user = request.getfixturevalue(who)
    response = invite(as_user(user), meeting, emails="guest@example.org")
    assert response.status_code in (403, 404)
    assert meeting.invitees.count() == 0


def test_the_invite_page_offers_pickers_and_the_address_field(meeting, owner, as_user):
    html = as_user(owner).get(reverse("meetings:invite", args=[meeting.pk])).content.decode()
    assert 'name="emails"' in html
    assert reverse("initiatives:pick_members", args=[meeting.initiative_id]) in html
    assert reverse("initiatives:pick_groups", args=[meeting.initiative_id]) in html


def test_groups_and_members_from_the_pickers_with_addresses(meeting, owner, member, group, as_user):
    response = invite(
        as_user(owner),
        meeting,
        groups=[group.pk],
        users=[member.pk],
        emails="guest@example.org",
    )
    assert response.status_code == 302
    assert meeting.invitees.filter(user=member).exists()
    assert meeting.invitees.filter(person__group_memberships__group=group).exists()
    assert meeting.invitees.filter(email="guest@example.org", user=None, person=None).exists()


def test_the_agenda_items_presenter_is_picked_by_typing(meeting, owner, as_user):
    item = services.agenda_item_add(meeting=meeting, by=owner, title="Budget")
    html = as_user(owner).get(reverse("meetings:agenda_edit", args=[item.pk])).content.decode()
    assert reverse("meetings:pick_people", args=[meeting.pk]) in html


def test_the_meetings_picker_finds_exactly_whom_its_fields_accept(
    meeting, owner, member_person, as_user
):
    """The presenter and the action item's owner accept the meeting's people: an invited
    person who is not a member is found; someone of the directory outside the meeting is not."""
    guest = PersonFactory(full_name="Rana Khoury")
    MeetingInvitee.objects.create(
        meeting=meeting, person=guest, name=guest.full_name, token_nonce="x"
    )
    PersonFactory(full_name="Rami Stranger")
    search = reverse("meetings:pick_people", args=[meeting.pk])
    client = as_user(owner)
    assert [o["label"] for o in client.get(search, {"q": "רנה"}).json()["options"]] == []
    assert [o["label"] for o in client.get(search, {"q": "Ra"}).json()["options"]] == [
        "Rana Khoury"
    ]
    assert [o["label"] for o in client.get(search, {"q": "Amir"}).json()["options"]] == [
        "Amir Haddad"
    ]
    assert client.get(search, {"q": "x" * 200}).status_code == 400
    # Chosen from the picker, the guest is accepted as the presenter.
    item = services.agenda_item_add(meeting=meeting, by=owner, title="Budget")
    response = client.post(
        reverse("meetings:agenda_edit", args=[item.pk]),
        {"title": "Budget", "presenter": guest.pk, "planned_minutes": 10, "minutes": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.presenter == guest


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_only_who_manages_the_meeting_searches_its_people(request, meeting, who, status):
    search = reverse("meetings:pick_people", args=[meeting.pk])
    response = client_for(request.getfixturevalue(who)).get(search, {"q": "Amir"})
    assert response.status_code == status
