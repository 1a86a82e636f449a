"""The bell in real Chromium: the facilitator assigns an action item to the partner on the
meeting page, the partner's bell count rises, the partner opens the notifications and the
item, comes back and finds it read. Axe runs on every page; in Hebrew and in English (and the
list once in Arabic, for its screenshot)."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.meetings import services
from meshutaf.meetings.models import Outcome
from meshutaf.notifications.models import Kind, Notification
from tests.factories import InitiativeFactory, MembershipFactory, PersonFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARED_SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def keep_screenshot(page, name: str) -> None:
    SHARED_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved, shared = screenshot(page, name), SHARED_SCREENSHOTS / f"{name}.png"
    if saved.resolve() != shared.resolve():
        shutil.copy(saved, shared)


def badge(page) -> str:
    """The number on the bell ("" when nothing is unread: the badge is not there)."""
    found = page.locator("#notification-bell .bell__badge")
    return found.inner_text() if found.count() else ""


def assign_on_the_meeting_page(page, meeting_url: str, text: str) -> None:
    """Record an action item for Amir through the meeting page's outcome form (on its
    minutes tab)."""
    page.goto(meeting_url + "?tab=minutes")
    assert_accessible(page)
    form = page.locator("form[action$='/outcomes/']")
    form.locator("select[name=kind]").select_option("action")
    form.locator("[name=text]").fill(text)
    picker = form.locator("[data-picker]:has(select[name=owner]) input.picker__input")
    if picker.count():  # chosen by typing (core/widgets.py's picker)
        picker.fill("Ami")
        form.locator("[role=option]", has_text="Amir Haddad").first.click()
    else:
        form.locator("select[name=owner]").select_option(label="Amir Haddad")
    form.locator("[name=due_date]").fill("2031-03-20")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_the_bell_rises_opens_and_drops(page_for, locale):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    partner = UserFactory(username="amir", first_name="Amir")
    PersonFactory(full_name="Amir Haddad", user=partner, email="amir@example.org")
    initiative = InitiativeFactory(name="השולחן העגול לניצולים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    MembershipFactory(initiative=initiative, user=partner, role=Role.PARTNER)
    start = (timezone.now() + dt.timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    meeting = services.meeting_create(
        initiative=initiative,
        by=facilitator,
        title="Plenary",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    services.invitees_add(meeting=meeting, by=facilitator, whole_initiative=True, send=False)
    tag = locale[:2]

    partner_page = page_for(locale)
    log_in(partner_page, "amir")
    assert badge(partner_page) == ""
    assert_accessible(partner_page)

    page = page_for(locale)
    log_in(page, "dana")
    assign_on_the_meeting_page(page, f"{page.base_url}/meetings/{meeting.pk}/", "Send the data")
    item = Outcome.objects.get(kind="action", text="Send the data")
    assert item.owner.user == partner
    assert_accessible(page)

    # The partner's bell says so on the next page they open.
    partner_page.reload()
    assert badge(partner_page) == "1"
    bell = partner_page.locator("#notification-bell")
    assert "1" in bell.inner_text()  # the text alternative counts too
    bell.click()
    partner_page.wait_for_url(re.compile(r".*/notifications/$"))
    assert_accessible(partner_page)
    entry = partner_page.locator(".notification--unread .notification__link")
    assert entry.count() == 1
    assert "Send the data" in entry.inner_text()
    keep_screenshot(partner_page, f"notifications-{tag}")

    entry.click()
    partner_page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/\?tab=minutes#outcome-\d+$"))
    assert partner_page.locator(f"#outcome-{item.pk}").count() == 1
    assert badge(partner_page) == ""
    assert_accessible(partner_page)

    partner_page.go_back()
    partner_page.reload()
    assert partner_page.locator(".notification--read .notification__link").count() == 1
    assert partner_page.locator(".notification--unread").count() == 0
    assert badge(partner_page) == ""
    assert_accessible(partner_page)

    partner_page.goto(partner_page.base_url + "/notifications/preferences/")
    assert_accessible(partner_page)


def test_the_list_in_arabic(page_for):
    partner = UserFactory(username="amir", first_name="Amir")
    initiative = InitiativeFactory(name="طاولة مستديرة للتعليم")
    MembershipFactory(initiative=initiative, user=partner, role=Role.PARTNER)
    for kind, params in (
        (Kind.ACTION_ASSIGNED, {"actor": "دانة", "text": "إرسال بيانات الشمال"}),
        (Kind.MEETING_INVITED, {"title": "الجلسة العامة", "date": "2031-03-10"}),
        (Kind.DELIBERATION_OPENED, {"title": "الخطاب على الإنترنت"}),
    ):
        Notification.objects.create(
            recipient=partner, kind=kind, initiative=initiative, params=params, url="/"
        )
    page = page_for("ar")
    log_in(page, "amir")
    assert badge(page) == "3"
    page.goto(page.base_url + "/notifications/")
    assert page.locator(".notification").count() == 3
    assert_accessible(page)
    keep_screenshot(page, "notifications-ar")
