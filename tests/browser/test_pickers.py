"""The type-to-search picker in real Chromium, in Hebrew (RTL) and English: invite a member to
a meeting by typing two letters of her Hebrew name behind a prefix letter ("ודנ"), choosing
with the arrow keys and Enter, plus an outsider by e-mail address; then see both invited.
Axe runs on every page, the results list open included."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.meetings import services
from meshutaf.meetings.models import MeetingInvitee
from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_pick_a_member_by_keyboard_and_invite_an_outsider(page_for, locale):
    facilitator = UserFactory(username="noa", first_name="Noa", is_backbone=True)
    dana = UserFactory(username="dana", first_name="דנה", last_name="כהן")
    PersonFactory(full_name="דנה כהן", user=dana)
    daniel = UserFactory(username="daniel", first_name="דניאל", last_name="לוי")
    PersonFactory(full_name="דניאל לוי", user=daniel)
    other = UserFactory(username="moshe", first_name="משה", last_name="פרץ")
    initiative = InitiativeFactory(name="השולחן העגול לחינוך")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    for user in (dana, daniel, other):
        MembershipFactory(initiative=initiative, user=user, role=Role.PARTNER)
    start = (timezone.now() + datetime.timedelta(days=10)).replace(minute=0, second=0)
    meeting = services.meeting_create(
        initiative=initiative,
        by=facilitator,
        title="Plenary",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status="scheduled",
    )
    tag = locale[:2]

    page = page_for(locale)
    log_in(page, "noa")
    page.goto(f"{page.base_url}/meetings/{meeting.pk}/invite/")
    assert_accessible(page)

    combobox = page.get_by_role("combobox", name=re.compile("Members|חברים|משתתפים"))
    assert combobox.get_attribute("aria-expanded") == "false"
    combobox.fill("ודנ")  # "and Dan…": the prefix letter ו before two letters of the name
    listbox = page.get_by_role("listbox")
    options = listbox.get_by_role("option")
    options.first.wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    assert options.count() == 2  # דנה כהן and דניאל לוי, not משה פרץ
    status = page.locator("[data-picker]").filter(has=combobox).locator("[role=status]")
    page.wait_for_function("el => /2/.test(el.textContent)", arg=status.element_handle())
    combobox.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert active
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert "דנה כהן" in page.locator(f"#{active}").inner_text()
    assert_accessible(page)  # with the results open
    path = screenshot(page, f"picker-{tag}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    if path.resolve() != (SHOTS / path.name).resolve():
        shutil.copy(path, SHOTS / path.name)
    combobox.press("Enter")
    assert combobox.get_attribute("aria-expanded") == "false"
    chip = page.locator(".picker__chip", has_text="דנה כהן")
    chip.wait_for()
    # Escape closes the list; the chosen one stays.
    combobox.fill("משה")
    options.first.wait_for()
    combobox.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    combobox.fill("")

    page.locator("#id_emails").fill("guest@example.org")
    page.locator("form.invitation-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/meetings/{meeting.pk}/.*"))
    assert_accessible(page)
    invited = set(MeetingInvitee.objects.filter(meeting=meeting).values_list("name", flat=True))
    assert invited == {"דנה כהן", "guest@example.org"}
    if "tab=invitations" not in page.url:
        page.goto(f"{page.base_url}/meetings/{meeting.pk}/?tab=invitations")
        assert_accessible(page)
    table = page.locator("#invitees")
    assert "guest@example.org" in table.inner_text()
    assert "דנה כהן" in table.inner_text()
