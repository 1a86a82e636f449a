import datetime

import pytest
from django.urls import reverse

from meshutaf.meetings import selectors, services
from meshutaf.meetings.models import ActionStatus, Meeting, MeetingStatus, OutcomeKind

from ..conftest import client_for
from ..factories import (
    AffiliationFactory,
    GroupFactory,
    GroupMemberFactory,
    MembershipFactory,
    PersonFactory,
)
from .conftest import make_meeting


@pytest.mark.parametrize(
    ("who", "expected"), [("owner", 200), ("member", 200), ("participant", 200), ("outsider", 404)]
)
def test_meeting_page_by_role(request, meeting, who, expected):
    response = client_for(request.getfixturevalue(who)).get(meeting.get_absolute_url())
    assert response.status_code == expected


def test_anonymous_is_sent_to_login(meeting, client):
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_drafts_are_for_facilitators_only(initiative, owner, member):
    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT, title="Secret draft")
    assert client_for(owner).get(draft.get_absolute_url()).status_code == 200
    assert client_for(member).get(draft.get_absolute_url()).status_code == 404
    listing = client_for(member).get(reverse("meetings:list", args=[initiative.pk]))
    assert "Secret draft" not in listing.text


@pytest.mark.parametrize(("who", "expected"), [("member", 403), ("outsider", 404)])
def test_only_facilitators_create_meetings(request, initiative, who, expected):
    client = client_for(request.getfixturevalue(who))
    url = reverse("meetings:create", args=[initiative.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, {"title": "x"}).status_code == expected
    assert not Meeting.objects.exists()


def test_create_meeting_through_the_form(initiative, owner):
    response = client_for(owner).post(
        reverse("meetings:create", args=[initiative.pk]),
        {
            "title": "שולחן עגול מרץ",
            "kind": "roundtable",
            "status": "scheduled",
            "date": "2031-03-10",
            "start_time": "17:00",
            "end_time": "19:00",
            "time_zone": "Asia/Jerusalem",
            "venue": "ירושלים",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.local_start.hour == 17
    assert meeting.starts_at.utcoffset() is not None
    assert meeting.starts_at.hour in (15, 14)  # stored in UTC


def test_bad_form_input_changes_nothing(initiative, owner):
    response = client_for(owner).post(
        reverse("meetings:create", args=[initiative.pk]),
        {
            "title": "x",
            "kind": "party",
            "status": "scheduled",
            "date": "2031-02-30",
            "start_time": "19:00",
            "end_time": "17:00",
            "time_zone": "Mars/Olympus",
            "series": "99999999999999999999999",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"kind", "date", "time_zone", "series"} <= set(form.errors)
    assert not Meeting.objects.exists()


def test_end_before_start_is_reported_on_the_end_field(initiative, owner):
    response = client_for(owner).post(
        reverse("meetings:create", args=[initiative.pk]),
        {
            "title": "x",
            "kind": "roundtable",
            "status": "scheduled",
            "date": "2031-03-10",
            "start_time": "19:00",
            "end_time": "17:00",
            "time_zone": "Asia/Jerusalem",
        },
    )
    assert "end_time" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_record_outcomes_and_see_them_on_my_action_items(meeting, owner, member, member_person):
    client = client_for(owner)
    response = client.post(
        reverse("meetings:outcome_add", args=[meeting.pk]),
        {"kind": "decision", "text": "The table adopts the framework"},
    )
    assert response.status_code == 302
    services.invitees_add(meeting=meeting, by=owner, users=[member], send=False)
    response = client.post(
        reverse("meetings:outcome_add", args=[meeting.pk]),
        {
            "kind": "action",
            "text": "Collect the municipal data",
            "owner": member_person.pk,
            "due_date": "2020-01-01",
        },
    )
    assert response.status_code == 302
    page = client_for(member).get(reverse("meetings:my_actions"))
    assert "Collect the municipal data" in page.text
    assert "overdue" in page.text
    assert "The table adopts" not in page.text
    assert client_for(owner).get(reverse("meetings:my_actions")).context["items"] == []


def test_action_item_without_owner_is_refused(meeting, owner):
    client_for(owner).post(
        reverse("meetings:outcome_add", args=[meeting.pk]),
        {"kind": "action", "text": "Nobody's job"},
    )
    assert not meeting.outcomes.exists()


def test_partner_cannot_record_outcomes(meeting, member):
    response = client_for(member).post(
        reverse("meetings:outcome_add", args=[meeting.pk]), {"kind": "decision", "text": "x"}
    )
    assert response.status_code == 403
    assert not meeting.outcomes.exists()


def test_owner_of_an_action_item_updates_its_status(meeting, owner, participant):
    from ..factories import PersonFactory

    person = PersonFactory(user=participant)
    item = services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=person
    )
    url = reverse("meetings:action_status", args=[item.pk])
    # A participant can only read the meeting, but this item is theirs.
    response = client_for(participant).post(url, {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE


def test_others_cannot_update_an_action_item(meeting, owner, member_person, participant, outsider):
    item = services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=member_person
    )
    url = reverse("meetings:action_status", args=[item.pk])
    assert client_for(participant).post(url, {"status": "done"}).status_code == 403
    assert client_for(outsider).post(url, {"status": "done"}).status_code == 404
    assert client_for(owner).post(url, {"status": "bogus"}).status_code == 400
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


def test_meeting_list_queries_stay_flat(initiative, owner, django_assert_max_num_queries):
    client = client_for(owner)
    url = reverse("meetings:list", args=[initiative.pk])
    for days in range(3):
        make_meeting(initiative, owner, days=-days - 1, status=MeetingStatus.HELD)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for days in range(30):
        make_meeting(initiative, owner, days=-days - 10, status=MeetingStatus.HELD)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_meeting_page_queries_stay_flat(
    meeting, owner, member_person, django_assert_max_num_queries
):
    client = client_for(owner)
    services.agenda_item_add(meeting=meeting, by=owner, title="A", minutes="**bold**")
    tabs = ("overview", "invitations", "attendance", "minutes")
    counts = {}
    for tab in tabs:  # every tab of the meeting page
        with django_assert_max_num_queries(40) as few:
            client.get(f"{meeting.get_absolute_url()}?tab={tab}")
        counts[tab] = len(few.captured_queries)
    for index in range(15):
        item = services.agenda_item_add(meeting=meeting, by=owner, title=f"Item {index}")
        services.outcome_create(
            meeting=meeting,
            by=owner,
            kind=OutcomeKind.ACTION,
            text=f"Do {index}",
            owner=member_person,
            agenda_item=item,
        )
    for tab in tabs:
        with django_assert_max_num_queries(counts[tab]):
            response = client.get(f"{meeting.get_absolute_url()}?tab={tab}")
        assert response.status_code == 200
    assert "<strong>bold</strong>" in response.text  # the minutes tab, asked for last


def test_minutes_markdown_is_sanitised(meeting, owner):
    services.agenda_item_add(
        meeting=meeting,
        by=owner,
        title="A",
        minutes="<script>alert(1)</script> [x](javascript:alert(1)) **ok**",
    )
    text = client_for(owner).get(meeting.get_absolute_url() + "?tab=minutes").text
    assert "<script>alert(1)</script>" not in text
    assert 'href="javascript' not in text
    assert "<strong>ok</strong>" in text


def test_turns_tracker_by_htmx(meeting, owner, member, member_person):
    services.attendance_set(meeting=meeting, by=owner, people=[member_person])
    client = client_for(owner)
    url = reverse("meetings:turns", args=[meeting.pk])
    response = client.post(url, {"person": member_person.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="tracker"' in response.text
    assert "<html" not in response.text
    assert meeting.speaking_turns.count() == 1
    assert client.post(url, {"person": "999999"}).status_code == 400
    assert client_for(member).post(url, {"person": member_person.pk}).status_code == 403
    data = client.get(reverse("meetings:participation", args=[meeting.pk])).context["data"]
    assert data["total"] == 1
    assert data["sectors"][0]["count"] == 1


def test_dashboard_fragment_lists_upcoming_and_mine(meeting, member, member_person, owner):
    services.outcome_create(
        meeting=meeting,
        by=owner,
        kind=OutcomeKind.ACTION,
        text="Prepare the brief",
        owner=member_person,
        due_date=datetime.date(2020, 1, 1),
    )
    response = client_for(member).get(reverse("meetings:dashboard_fragment"))
    assert meeting.title in response.text
    assert "Prepare the brief" in response.text


def test_attendance_candidates_come_in_two_queries_whatever_the_size(
    initiative, owner, member_person, django_assert_num_queries
):
    """Whom the attendance list offers: the meeting's group, its invitees, the initiative's
    members with a directory entry and whoever attended; nobody else. One query for the
    people and one for their affiliations, however many there are (the facilitator's meeting
    page asks on every visit)."""
    group = GroupFactory(initiative=initiative)
    meeting = make_meeting(initiative, owner, group=group)
    seated = GroupMemberFactory(group=group).person
    services.invitees_add(meeting=meeting, by=owner, users=[member_person.user], send=False)
    attended = PersonFactory(full_name="Came anyway")
    services.attendance_set(meeting=meeting, by=owner, people=[attended])
    stranger = PersonFactory(full_name="Not at this table")
    with django_assert_num_queries(2):
        few = selectors.attendance_candidates(meeting=meeting)
    assert {seated, member_person, attended} <= set(few)
    assert stranger not in few
    for _ in range(5):
        GroupMemberFactory(group=group)
        PersonFactory(user=MembershipFactory(initiative=initiative).user)
        AffiliationFactory(person=GroupMemberFactory(group=group).person)
    with django_assert_num_queries(2):
        many = selectors.attendance_candidates(meeting=meeting)
    assert len(many) == len(few) + 15
    assert stranger not in many
