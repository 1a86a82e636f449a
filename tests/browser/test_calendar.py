"""My meetings and its calendar in real Chromium, in Hebrew (RTL) and English: open My meetings
from the main navigation, open the month calendar, move a month forward and back, open a
meeting from the calendar and go through its tabs, copy the calendar address. Axe runs on every
page; screenshots of the calendar (he, ar, en, a Hebrew phone) and of the meeting's tabs."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.meetings import calendar_grid, services
from meshutaf.meetings.models import MeetingStatus
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TABS = ("overview", "invitations", "attendance", "minutes")


def keep(page, name: str) -> None:
    """A screenshot beside the others, copied to var/screenshots/ to look at."""
    path = screenshot(page, name)
    if path.resolve() != (SHOTS / path.name).resolve():
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def no_page_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def meeting_on(initiative, by, day: datetime.date, title: str, **fields):
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=zone)
    return services.meeting_create(
        initiative=initiative,
        by=by,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status=fields.pop("status", MeetingStatus.SCHEDULED),
        **fields,
    )


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_my_meetings_calendar_and_meeting_tabs(page_for, locale):
    language = locale[:2]
    dana = UserFactory(username="dana", first_name="Dana", is_backbone=True, hebrew_dates="on")
    initiative = InitiativeFactory(name="השולחן העגול לניצולים")
    MembershipFactory(initiative=initiative, user=dana, role=Role.FACILITATOR)
    other = InitiativeFactory(name="Different Speech")
    MembershipFactory(initiative=other, user=dana, role=Role.PARTNER)
    today = timezone.localdate()
    this_month = today.replace(day=15)
    next_month = calendar_grid.add_months(today, 1).replace(day=10)
    meeting = meeting_on(initiative, dana, this_month, "מליאה 27: בדידות", venue="ירושלים")
    meeting_on(other, dana, this_month.replace(day=3), "Working team: the index")
    meeting_on(initiative, dana, this_month.replace(day=22), "Steering committee")
    meeting_on(initiative, dana, next_month, "Plenary 28")
    services.agenda_item_add(meeting=meeting, by=dana, title="סקירת מיפוי", planned_minutes=30)

    page = page_for(locale)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "dana")

    # My meetings, from the main navigation.
    page.locator(".main-nav a[href='/my/meetings/']").click()
    page.wait_for_url(re.compile(r".*/my/meetings/$"))
    assert page.locator(".main-nav a[aria-current=page]").get_attribute("href") == "/my/meetings/"
    assert page.get_by_role("link", name="Plenary 28").count() == 1
    assert_accessible(page)

    # The copy button puts the feed address on the clipboard and says so.
    address = page.locator("#feed-personal").input_value()
    assert re.search(r"/calendar/[\w-]+\.ics$", address)
    page.locator("button[data-copy=feed-personal]").click()
    status = page.locator("#feed-personal-status")
    status.wait_for(state="visible")
    assert status.inner_text().strip()
    assert page.evaluate("navigator.clipboard.readText()") == address

    # The month calendar: this month's meetings, marked today, the Hebrew date.
    page.locator("a[href='/my/meetings/calendar/']").click()
    page.wait_for_url(re.compile(r".*/my/meetings/calendar/$"))
    calendar = page.locator("table.cal-month")
    assert calendar.get_by_role("link", name=re.compile("Steering committee")).count() == 1
    assert calendar.locator("td[aria-current=date]").count() == 1
    assert page.locator(".cal-title .hebrew-date").inner_text().strip()
    first_header = page.locator("table.cal-month thead th").first.locator("abbr")
    sunday = "ראשון" if language == "he" else "Sunday"
    assert first_header.get_attribute("title") == sunday
    assert_accessible(page)
    keep(page, f"calendar-{language}")

    # A month forward, and back, with the keyboard.
    page.locator("a[rel=next]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*\?month={next_month:%Y-%m}$"))
    assert calendar.get_by_role("link", name=re.compile("Plenary 28")).count() == 1
    assert calendar.get_by_role("link", name=re.compile("Steering committee")).count() == 0
    assert_accessible(page)
    page.locator("a[rel=prev]").click()
    page.wait_for_url(re.compile(rf".*\?month={today:%Y-%m}$"))
    assert calendar.get_by_role("link", name=re.compile("Steering committee")).count() == 1

    # The week view of the meeting's week.
    page.goto(f"{page.base_url}/my/meetings/calendar/?view=week&week={this_month.isoformat()}")
    assert page.locator(".cal-week").get_by_role("link", name=re.compile("27")).count() == 1
    assert_accessible(page)

    if language == "he":
        phone = page_for(locale)
        phone.set_viewport_size({"width": 390, "height": 844})
        log_in(phone, "dana")
        phone.goto(phone.base_url + "/my/meetings/calendar/")
        assert no_page_overflow(phone)
        assert (
            phone.locator("table.cal-month")
            .get_by_role("link", name=re.compile("Steering committee"))
            .is_visible()
        )
        assert_accessible(phone)
        keep(phone, "calendar-he-phone")
        phone.goto(f"{phone.base_url}/meetings/{meeting.pk}/")
        assert no_page_overflow(phone)

        arabic = page_for("ar")
        log_in(arabic, "dana")
        arabic.goto(arabic.base_url + "/my/meetings/calendar/")
        assert arabic.locator("html").get_attribute("dir") == "rtl"
        assert_accessible(arabic)
        keep(arabic, "calendar-ar")

    # Open the meeting from the calendar and go through its tabs.
    page.goto(page.base_url + "/my/meetings/calendar/")
    page.locator("table.cal-month").get_by_role("link", name=re.compile("27")).click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/$"))
    tabs = page.locator("nav.meeting-tabs a")
    assert tabs.count() == 4
    assert page.locator("nav.meeting-tabs a[aria-current=page]").get_attribute("href") == (
        "?tab=overview"
    )
    assert page.locator("#agenda h3", has_text="סקירת מיפוי").count() == 1
    assert_accessible(page)
    if language == "he":
        keep(page, "meeting-tabs-he")
    for tab in TABS[1:]:
        page.locator(f"nav.meeting-tabs a[href='?tab={tab}']").click()
        page.wait_for_url(re.compile(rf".*\?tab={tab}$"))
        current = page.locator("nav.meeting-tabs a[aria-current=page]")
        assert current.count() == 1
        assert current.get_attribute("href") == f"?tab={tab}"
        assert_accessible(page)
    assert page.locator("form[action$='/outcomes/']").count() == 1  # on the minutes tab
