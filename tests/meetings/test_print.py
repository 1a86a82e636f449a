"""The meeting's print view: the agenda before the meeting, the minutes after it, no forms,
behind the meeting's gate (owner, member, outsider; drafts for facilitators only)."""

import datetime
import re

import pytest
from django.urls import reverse

from meshutaf.meetings import services
from meshutaf.meetings.models import MeetingStatus, OutcomeKind

from ..conftest import client_for
from ..factories import PersonFactory
from .conftest import make_meeting


def print_url(meeting, part: str | None = None) -> str:
    url = reverse("meetings:print", args=[meeting.pk])
    return f"{url}?part={part}" if part else url


@pytest.fixture
def agenda(meeting, owner, owner_person, member_person, member):
    meeting.online_url = "https://meet.example.org/roundtable"
    meeting.save()
    services.agenda_item_add(
        meeting=meeting,
        by=owner,
        title="Opening and goals",
        planned_minutes=15,
        presenter=owner_person,
    )
    services.agenda_item_add(
        meeting=meeting, by=owner, title="מיפוי השירותים ברשויות", planned_minutes=45
    )
    services.invitees_add(meeting=meeting, by=owner, users=[member], send=False)
    return meeting


@pytest.fixture
def held(initiative, owner, owner_person, member_person):
    meeting = make_meeting(
        initiative, owner, days=-7, status=MeetingStatus.HELD, title="Roundtable in March"
    )
    item = services.agenda_item_add(
        meeting=meeting,
        by=owner,
        title="Early education budget",
        planned_minutes=30,
        minutes="The partners compared **three** budget models.",
    )
    services.outcome_create(
        meeting=meeting,
        by=owner,
        kind=OutcomeKind.DECISION,
        text="Adopt the second model",
        agenda_item=item,
    )
    services.outcome_create(
        meeting=meeting,
        by=owner,
        kind=OutcomeKind.ACTION,
        text="Send the costing to the ministry",
        agenda_item=item,
        owner=member_person,
        due_date=datetime.date(2031, 4, 1),
    )
    services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.DECISION, text="החלטה כללית על לוח הזמנים"
    )
    services.attendance_set(meeting=meeting, by=owner, people=[owner_person, member_person])
    meeting.summary = "A calm meeting."
    meeting.save()
    return meeting


@pytest.mark.parametrize(
    ("who", "expected"), [("owner", 200), ("member", 200), ("participant", 200), ("outsider", 404)]
)
def test_print_view_by_role(request, agenda, who, expected):
    response = client_for(request.getfixturevalue(who)).get(print_url(agenda))
    assert response.status_code == expected


def test_anonymous_is_sent_to_login(agenda, client):
    response = client.get(print_url(agenda))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_drafts_print_for_facilitators_only(initiative, owner, member):
    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT, title="Secret draft")
    assert client_for(owner).get(print_url(draft)).status_code == 200
    response = client_for(member).get(print_url(draft))
    assert response.status_code == 404
    assert "Secret draft" not in response.text


def test_before_the_meeting_the_agenda(agenda, owner):
    page = client_for(owner).get(print_url(agenda)).text
    assert "Agenda: <bdi>Roundtable on early education</bdi>" in page
    assert "Jerusalem, Kaplan 3" in page
    assert "https://meet.example.org/roundtable" in page  # printed, not only a link
    assert "Opening and goals" in page
    assert "Noa Levi" in page  # the presenter
    assert "15 minutes" in page
    assert "מיפוי השירותים ברשויות" in page
    assert "1 hour" in page  # 60 minutes planned in all
    assert "Invitees" in page
    assert "Amir" in page
    assert "Attendance" not in page


def test_after_the_meeting_the_minutes(held, owner):
    page = client_for(owner).get(print_url(held)).text
    assert "Minutes: <bdi>Roundtable in March</bdi>" in page
    assert "<strong>three</strong>" in page  # the minutes' Markdown, rendered
    assert "Adopt the second model" in page
    assert "החלטה כללית על לוח הזמנים" in page
    assert "A calm meeting." in page
    # Attendance, then the action items with their owner and due date.
    assert "2 people present." in page
    assert "Noa Levi" in page
    actions = page[page.index('id="print-actions"') :]
    assert "Send the costing to the ministry" in actions
    assert "Amir Haddad" in actions
    assert "04/01/2031" in actions or "1 April 2031" in actions or "April 1, 2031" in actions


def test_either_part_on_demand(held, agenda, owner):
    client = client_for(owner)
    assert "Agenda: <bdi>Roundtable in March</bdi>" in client.get(print_url(held, "agenda")).text
    assert (
        "Minutes: <bdi>Roundtable on early education</bdi>"
        in client.get(print_url(agenda, "minutes")).text
    )
    # Anything else: the part that fits the meeting's state.
    assert "Minutes: <bdi>Roundtable in March</bdi>" in client.get(print_url(held, "<script>")).text


def test_no_editing_forms(held, owner):
    """The print view is for reading: no form at all, whatever the viewer may edit."""
    page = client_for(owner).get(print_url(held)).text
    content = page[page.index('<main id="main"') : page.index("</main>")]
    assert "<form" not in content
    assert "<input" not in content
    assert "<select" not in content
    assert "<textarea" not in content


def test_meeting_page_links_to_the_print_view(agenda, member):
    page = client_for(member).get(agenda.get_absolute_url()).text
    assert re.search(rf'href="{re.escape(print_url(agenda))}"', page)


def test_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    def meeting_with(count):
        meeting = make_meeting(initiative, owner, days=-1, status=MeetingStatus.HELD)
        people = [PersonFactory() for _ in range(count)]
        # Present first: an action item's owner comes from the meeting's people.
        services.attendance_set(meeting=meeting, by=owner, people=people)
        for index in range(count):
            item = services.agenda_item_add(
                meeting=meeting, by=owner, title=f"Item {index}", presenter=people[index]
            )
            services.outcome_create(
                meeting=meeting, by=owner, kind=OutcomeKind.DECISION, text="d", agenda_item=item
            )
            services.outcome_create(
                meeting=meeting,
                by=owner,
                kind=OutcomeKind.ACTION,
                text="a",
                agenda_item=item,
                owner=people[index],
            )
        return meeting

    client = client_for(owner)
    small, large = meeting_with(1), meeting_with(8)
    client.get(print_url(small))  # warm the session and caches
    with django_assert_max_num_queries(20) as small_queries:
        assert client.get(print_url(small)).status_code == 200
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        assert client.get(print_url(large)).status_code == 200
