import datetime

import icalendar
import pytest
from django.core import signing
from django.urls import reverse

from meshutaf.meetings import services
from meshutaf.meetings.models import RSVP, MeetingStatus
from meshutaf.meetings.tasks import send_due_reminders, send_weekly_digest
from meshutaf.meetings.tokens import SALT, rsvp_token

from ..conftest import client_for
from .conftest import make_meeting


def _parse(data: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"):
            assert required in event, required
        assert event["DTSTART"].dt < event["DTEND"].dt
        assert event["DTSTART"].params["TZID"] in {
            zone["TZID"] for zone in calendar.walk("VTIMEZONE")
        }
    return calendar


def test_single_meeting_ics(meeting, member):
    response = client_for(member).get(reverse("meetings:ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = _parse(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == meeting.title
    assert event["DTSTART"].dt == meeting.starts_at
    assert str(event["LOCATION"]) == meeting.venue


def test_feeds_list_what_the_user_may_see_and_follow_membership(
    initiative, meeting, owner, member, client
):
    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT, title="Draft")
    personal = services.calendar_feed_get(user=member)
    scoped = services.calendar_feed_get(user=member, initiative=initiative)
    for feed in (personal, scoped):
        response = client.get(reverse("meetings:feed", args=[feed.token]))  # no login
        calendar = _parse(response.content)
        uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
        assert f"meeting-{meeting.pk}@127.0.0.1" in uids
        assert not any(f"meeting-{draft.pk}@" in uid for uid in uids)
    # Leaving the initiative empties the personal feed and closes the initiative's feed.
    initiative.memberships.filter(user=member).delete()
    response = client.get(reverse("meetings:feed", args=[personal.token]))
    assert list(_parse(response.content).walk("VEVENT")) == []
    assert client.get(reverse("meetings:feed", args=[scoped.token])).status_code == 404


def test_feed_token_must_match_and_reset_retires_it(client, member):
    feed = services.calendar_feed_get(user=member)
    old = feed.token
    assert client.get(reverse("meetings:feed", args=["x" * 43])).status_code == 404
    services.calendar_feed_reset(feed=feed)
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[feed.token])).status_code == 200


def test_invitation_email_has_ics_and_rsvp_link(
    meeting, owner, member, mailoutbox, django_capture_on_commit_callbacks
):
    member.email = "member@example.org"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        (invitee,) = services.invitees_add(meeting=meeting, by=owner, users=[member])
    (message,) = mailoutbox
    assert message.to == ["member@example.org"]
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    _parse(content.encode() if isinstance(content, str) else content)
    assert reverse("meetings:rsvp", args=[rsvp_token(invitee)]) in message.body
    invitee.refresh_from_db()
    assert invitee.invited_at is not None


def test_rsvp_by_link_without_login(meeting, owner, member, client):
    (invitee,) = services.invitees_add(meeting=meeting, by=owner, users=[member], send=False)
    url = reverse("meetings:rsvp", args=[rsvp_token(invitee)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"rsvp": "yes"})
    assert response.status_code == 200
    invitee.refresh_from_db()
    assert invitee.rsvp == RSVP.YES
    assert invitee.responded_at is not None
    client.post(url, {"rsvp": "sometimes"})
    invitee.refresh_from_db()
    assert invitee.rsvp == RSVP.YES


def test_rsvp_tokens_cannot_be_forged_or_moved_to_someone_else(
    meeting, owner, member, participant, client
):
    mine, theirs = services.invitees_add(
        meeting=meeting, by=owner, users=[member, participant], send=False
    )
    # Tampering with the signed payload: point my token at the other invitee.
    forged = signing.dumps({"i": theirs.pk, "n": mine.token_nonce}, salt=SALT, compress=True)
    assert client.post(reverse("meetings:rsvp", args=[forged]), {"rsvp": "no"}).status_code == 404
    # Signed with another salt (e.g. a token from elsewhere in the site).
    other = signing.dumps({"i": theirs.pk, "n": theirs.token_nonce}, salt="elsewhere")
    assert client.post(reverse("meetings:rsvp", args=[other]), {"rsvp": "no"}).status_code == 404
    token = rsvp_token(mine)
    broken = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert client.post(reverse("meetings:rsvp", args=[broken]), {"rsvp": "no"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.rsvp == RSVP.PENDING
    # A new nonce retires links sent before.
    type(mine).objects.filter(pk=mine.pk).update(token_nonce="renewed")
    assert client.get(reverse("meetings:rsvp", args=[token])).status_code == 404


def test_rsvp_after_cancellation_is_refused(meeting, owner, member, client):
    (invitee,) = services.invitees_add(meeting=meeting, by=owner, users=[member], send=False)
    services.meeting_set_status(meeting=meeting, by=owner, status=MeetingStatus.CANCELLED)
    response = client.post(
        reverse("meetings:rsvp", args=[rsvp_token(invitee)]),
        {"rsvp": "yes"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This meeting was cancelled." in response.text
    invitee.refresh_from_db()
    assert invitee.rsvp == RSVP.PENDING


def test_reminders_once_per_start_time(initiative, owner, member, mailoutbox):
    member.email = "member@example.org"
    member.save()
    soon = make_meeting(initiative, owner, days=0)
    soon = services.meeting_update(
        meeting=soon,
        by=owner,
        data={
            "starts_at": soon.starts_at + datetime.timedelta(hours=5),
            "ends_at": soon.ends_at + datetime.timedelta(hours=5),
        },
    )
    services.invitees_add(meeting=soon, by=owner, users=[member], send=False)
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    services.meeting_update(
        meeting=soon,
        by=owner,
        data={
            "starts_at": soon.starts_at + datetime.timedelta(hours=1),
            "ends_at": soon.ends_at + datetime.timedelta(hours=1),
        },
    )
    assert send_due_reminders() == 1
    # E-mail follows the invitee's language (here the site default, Hebrew).
    assert mailoutbox[-1].subject == f"תזכורת: {soon.title}"


@pytest.mark.parametrize("member_left", [False, True])
def test_weekly_digest_one_email_per_person_once_a_week(
    meeting, owner, member, member_person, mailoutbox, member_left
):
    from meshutaf.meetings.models import OutcomeKind

    for text in ("First task", "Second task"):
        services.outcome_create(
            meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text=text, owner=member_person
        )
    member.email = "member@example.org"
    member.save()
    if member_left:
        meeting.initiative.memberships.filter(user=member).delete()
    today = datetime.date(2026, 11, 22)
    sent = send_weekly_digest(today=today)
    assert send_weekly_digest(today=today + datetime.timedelta(days=1)) == 0
    if member_left:
        assert sent == 0
        assert mailoutbox == []
        return
    assert sent == 1
    (message,) = mailoutbox
    assert "First task" in message.body
    assert "Second task" in message.body


@pytest.mark.parametrize("reset", ["abc", "99999999999999999999999", "", "0"])
def test_resetting_a_feed_with_bad_input_changes_nothing(member, reset):
    feed = services.calendar_feed_get(user=member)
    response = client_for(member).post(reverse("meetings:calendar"), {"reset": reset})
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.token == services.calendar_feed_get(user=member).token


def test_someone_elses_feed_cannot_be_reset(member, owner):
    theirs = services.calendar_feed_get(user=owner)
    client_for(member).post(reverse("meetings:calendar"), {"reset": theirs.pk})
    assert type(theirs).objects.get(pk=theirs.pk).token == theirs.token


def test_calendar_page_makes_the_feeds_in_few_queries(
    initiative, member, django_assert_max_num_queries
):
    client = client_for(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:calendar"))
    assert len(response.context["feeds"]) == 1
    assert member.calendar_feeds.count() == 2
