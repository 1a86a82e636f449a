"""My meetings, its month and week calendar, the meeting page's tabs, and no RSVP once a
meeting is over."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meshutaf.meetings import calendar_grid, services
from meshutaf.meetings.models import RSVP, MeetingStatus

from ..conftest import client_for
from ..factories import InitiativeFactory, MembershipFactory
from .conftest import make_meeting

MY = reverse("meetings:my_meetings")
CALENDAR = reverse("meetings:my_calendar")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def meeting_on(initiative, owner, day: datetime.date, title: str, **fields):
    return services.meeting_create(
        initiative=initiative,
        by=owner,
        title=title,
        starts_at=at(day),
        ends_at=at(day, 12),
        status=fields.pop("status", MeetingStatus.SCHEDULED),
        **fields,
    )


# --- The pure calendar arithmetic -------------------------------------------------------------


def test_weeks_start_on_sunday_in_hebrew_and_arabic_else_as_the_locale_says():
    assert calendar_grid.first_weekday("he", 1) == 6
    assert calendar_grid.first_weekday("ar", 1) == 6
    assert calendar_grid.first_weekday("en", 0) == 6  # Django's en: Sunday
    assert calendar_grid.first_weekday("fr", 1) == 0  # Monday
    weeks = calendar_grid.month_weeks(2026, 12, 6)
    assert weeks[0][0] == datetime.date(2026, 11, 29)  # a Sunday
    assert weeks[-1][-1] == datetime.date(2027, 1, 2)
    assert all(len(week) == 7 for week in weeks)
    days = calendar_grid.week_days(datetime.date(2026, 12, 9), 6)
    assert days[0] == datetime.date(2026, 12, 6)
    assert days[-1] == datetime.date(2026, 12, 12)


@pytest.mark.parametrize(
    "value",
    ["", "2026-13", "2026-00", "26-12", "2026/12", "abcd-ef", "9999-12", "1899-12", "x" * 500],
)
def test_a_bad_month_is_none(value):
    assert calendar_grid.parse_month(value) is None


def test_hebrew_dates_in_hebrew_numerals_or_transliterated():
    day = datetime.date(2026, 12, 25)  # 15 Tevet 5787
    assert calendar_grid.hebrew_day(day, "he").full == "ט״ו בטבת תשפ״ז"
    assert calendar_grid.hebrew_day(day, "en").full == "15 Tevet 5787"
    assert calendar_grid.hebrew_day(day, "ar").full == "15 طيفيت 5787"
    # 5787 is a leap year: two Adars.
    assert calendar_grid.hebrew_day(datetime.date(2027, 2, 15), "en").month == "Adar I"
    assert calendar_grid.hebrew_day(datetime.date(2027, 3, 15), "en").month == "Adar II"


# --- My meetings --------------------------------------------------------------------------------


def test_my_meetings_lists_only_what_the_meeting_pages_show(initiative, owner, member, outsider):
    upcoming = make_meeting(initiative, owner, days=3, title="Next plenary")
    make_meeting(initiative, owner, days=5, title="Secret draft", status=MeetingStatus.DRAFT)
    make_meeting(initiative, owner, days=-4, title="Last plenary", status=MeetingStatus.HELD)
    other = InitiativeFactory(name="Elsewhere")
    MembershipFactory(initiative=other, user=outsider)
    make_meeting(other, outsider, days=2, title="Not mine")

    owner_page = client_for(owner).get(MY)
    assert owner_page.status_code == 200
    assert "Secret draft" in owner_page.text  # the facilitator sees drafts
    assert "Last plenary" in owner_page.text
    assert "Not mine" not in owner_page.text
    member_page = client_for(member).get(MY).text
    assert upcoming.title in member_page
    assert "Secret draft" not in member_page
    assert "Not mine" not in member_page
    outsider_page = client_for(outsider).get(MY).text
    assert "Not mine" in outsider_page
    assert upcoming.title not in outsider_page
    assert "/calendar/" in member_page  # the subscription address, to copy
    assert 'data-copy="feed-personal"' in member_page


def test_my_meetings_needs_a_login():
    assert client_for(None).get(MY).status_code == 302
    assert client_for(None).get(CALENDAR).status_code == 302


@time_machine.travel(datetime.datetime(2026, 12, 9, 8, tzinfo=datetime.UTC), tick=False)
def test_month_and_week_show_my_meetings_on_their_days(initiative, owner, member, outsider):
    meeting_on(initiative, owner, datetime.date(2026, 12, 17), "Plenary 27")
    meeting_on(initiative, owner, datetime.date(2026, 12, 8), "Steering")
    meeting_on(initiative, owner, datetime.date(2027, 1, 14), "Plenary 28")
    draft = meeting_on(
        initiative, owner, datetime.date(2026, 12, 10), "Draft", status=MeetingStatus.DRAFT
    )
    month = client_for(member).get(CALENDAR)
    assert month.status_code == 200
    assert month.context["view"] == "month"
    days = {cell["date"]: cell for week in month.context["weeks"] for cell in week}
    assert [m.title for m in days[datetime.date(2026, 12, 17)]["meetings"]] == ["Plenary 27"]
    assert days[datetime.date(2026, 12, 9)]["today"]
    assert 'aria-current="date"' in month.text
    assert "Plenary 28" not in month.text  # January
    assert draft.title not in [m.title for cell in days.values() for m in cell["meetings"]]
    assert "?month=2027-01" in month.text
    assert "?month=2026-11" in month.text

    january = client_for(member).get(CALENDAR, {"month": "2027-01"})
    assert "Plenary 28" in january.text

    week = client_for(member).get(CALENDAR, {"view": "week", "week": "2026-12-16"})
    titles = [m.title for cell in week.context["weeks"][0] for m in cell["meetings"]]
    assert titles == ["Plenary 27"]
    assert week.context["first_day"] == datetime.date(2026, 12, 13)  # Sunday in English too
    assert "week=2026-12-06" in week.text
    assert "week=2026-12-20" in week.text

    assert "Plenary 27" not in client_for(outsider).get(CALENDAR).text
    assert "Draft" in client_for(owner).get(CALENDAR).text


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "nonsense"},
        {"month": "0000-01"},
        {"month": "99999-01"},
        {"view": "week", "week": "2026-02-30"},
        {"view": "week", "week": "x" * 300},
        {"view": "nothing"},
        {"month": "2200-12"},  # the last month: no next
        {"month": "1900-01"},  # the first: no previous
    ],
)
def test_bad_calendar_addresses_get_a_message_never_an_error(member, initiative, query):
    response = client_for(member).get(CALENDAR, query)
    assert response.status_code == 200
    if query.get("month", "").startswith(("2200", "1900")):
        assert not response.context["problem"]
    elif "month" in query or "week" in query:
        assert "not a" in response.context["problem"]
        assert 'role="alert"' in response.text


def test_hebrew_dates_follow_the_preference(member, initiative):
    client = client_for(member)
    assert client.get(CALENDAR).context["hebrew_span"] == ""  # English interface: off
    member.hebrew_dates = "on"
    member.save()
    response = client.get(CALENDAR)
    assert response.context["hebrew_span"]
    assert 'class="hebrew-date' in response.text
    hebrew = client_for(member)
    hebrew.defaults["HTTP_ACCEPT_LANGUAGE"] = "he"
    member.hebrew_dates = ""
    member.save()
    assert "תשפ" in hebrew.get(CALENDAR, {"month": "2026-12"}).context["hebrew_span"]
    member.hebrew_dates = "off"
    member.save()
    assert hebrew.get(CALENDAR).context["hebrew_span"] == ""


def test_the_preference_is_on_my_settings(member):
    client = client_for(member)
    page = client.get(reverse("accounts:settings"))
    assert 'name="hebrew_dates"' in page.text
    client.post(
        reverse("accounts:settings"),
        {"form": "profile", "first_name": "Amir", "email": "a@example.org", "hebrew_dates": "on"},
    )
    member.refresh_from_db()
    assert member.hebrew_dates == "on"


@time_machine.travel(datetime.datetime(2026, 12, 9, 8, tzinfo=datetime.UTC), tick=False)
def test_calendar_and_list_queries_stay_flat(
    initiative, owner, member, django_assert_max_num_queries
):
    client = client_for(member)
    meeting_on(initiative, owner, datetime.date(2026, 12, 17), "First")
    counts = {}
    pages = [
        (CALENDAR, {}),
        (CALENDAR, {"view": "week", "week": "2026-12-17"}),
        (MY, {}),
    ]
    for url, query in pages:
        with django_assert_max_num_queries(30) as few:
            client.get(url, query)
        counts[(url, str(query))] = len(few.captured_queries)
    for index in range(30):
        other = InitiativeFactory(name=f"Initiative {index}")
        MembershipFactory(initiative=other, user=member)
        MembershipFactory(initiative=other, user=owner, role="facilitator")
        meeting_on(other, owner, datetime.date(2026, 12, 14 + index % 5), f"Meeting {index}")
        meeting_on(other, owner, datetime.date(2026, 11, 20 + index % 5), f"Earlier {index}")
    for url, query in pages:
        with django_assert_max_num_queries(counts[(url, str(query))]):
            response = client.get(url, query)
        assert response.status_code == 200
        assert "Meeting 29" in response.text or url == MY  # the list shows the next 20


# --- The meeting page's tabs --------------------------------------------------------------------


def test_tabs_mark_the_current_one_and_default_sensibly(initiative, owner, member):
    upcoming = make_meeting(initiative, owner, days=3)
    past = make_meeting(initiative, owner, days=-3, status=MeetingStatus.HELD, title="Held")
    client = client_for(owner)
    page = client.get(upcoming.get_absolute_url())
    assert page.context["tab"] == "overview"
    assert 'href="?tab=overview" aria-current="page"' in page.text
    assert client.get(past.get_absolute_url()).context["tab"] == "minutes"
    for tab, marker in [
        ("overview", 'id="agenda"'),
        ("invitations", 'id="invitees"'),
        ("attendance", 'id="attendance"'),
        ("minutes", 'id="outcomes"'),
    ]:
        response = client.get(upcoming.get_absolute_url(), {"tab": tab})
        assert response.status_code == 200
        assert marker in response.text
        assert f'href="?tab={tab}" aria-current="page"' in response.text
    # An unknown tab falls back to the default one.
    assert client.get(upcoming.get_absolute_url(), {"tab": "<x>"}).context["tab"] == "overview"
    # Each tab's own forms are where a facilitator works, and the member sees no form of them.
    assert "/outcomes/" in client.get(upcoming.get_absolute_url(), {"tab": "minutes"}).text
    assert (
        "/outcomes/"
        not in client_for(member).get(upcoming.get_absolute_url(), {"tab": "minutes"}).text
    )


def test_writes_come_back_to_their_tab(meeting, owner):
    client = client_for(owner)
    added = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Budget", "planned_minutes": 0}
    )
    assert added["Location"].endswith("?tab=overview#agenda")
    item = meeting.agenda_items.get()
    saved = client.post(
        reverse("meetings:agenda_edit", args=[item.pk]) + "?tab=overview",
        {"title": "Budget", "planned_minutes": 10, "minutes": "Agreed."},
    )
    assert saved["Location"].endswith(f"?tab=minutes#item-{item.pk}")
    outcome = client.post(
        reverse("meetings:outcome_add", args=[meeting.pk]), {"kind": "decision", "text": "Yes"}
    )
    assert "?tab=minutes#" in outcome["Location"]


def test_past_meetings_offer_no_rsvp(initiative, owner, member):
    past = make_meeting(initiative, owner, days=-2)
    services.invitees_add(meeting=past, by=owner, users=[member], send=False)
    client = client_for(member)
    for tab in ("overview", "invitations"):
        page = client.get(past.get_absolute_url(), {"tab": tab}).text
        assert reverse("meetings:my_rsvp", args=[past.pk]) not in page
        assert "answers are closed" in page
    response = client.post(
        reverse("meetings:my_rsvp", args=[past.pk]), {"rsvp": "yes"}, follow=True
    )
    assert "answers are closed" in response.text
    assert past.invitees.get(user=member).rsvp == RSVP.PENDING


def test_the_email_link_offers_no_rsvp_after_the_meeting(initiative, owner, member):
    from meshutaf.meetings.tokens import rsvp_token

    past = make_meeting(initiative, owner, days=-2)
    services.invitees_add(meeting=past, by=owner, users=[member], send=False)
    invitee = past.invitees.get(user=member)
    url = reverse("meetings:rsvp", args=[rsvp_token(invitee)])
    page = client_for(None).get(url)
    assert page.status_code == 200
    assert 'name="rsvp"' not in page.text
    assert "answers are closed" in page.text
    client_for(None).post(url, {"rsvp": "yes"})
    invitee.refresh_from_db()
    assert invitee.rsvp == RSVP.PENDING
