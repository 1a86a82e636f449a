"""Finding one's way in an initiative, in real Chromium, in Hebrew (RTL), Arabic and English:
go from module to module by the initiative's bar, see the module marked as current, go back by
the breadcrumbs; on a phone the bar scrolls inside itself and every entry is reached with the
keyboard. Axe runs on every page; screenshots of the bar (he, ar, en, a Hebrew phone)."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.meetings import services
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def keep(page, name: str) -> None:
    """A screenshot beside the others, copied to var/screenshots/ to look at."""
    path = screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    if path.resolve() != (SHOTS / path.name).resolve():
        shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def world():
    dana = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="דיבור אחר – מתינות וסובלנות ברשת")
    MembershipFactory(initiative=initiative, user=dana, role=Role.FACILITATOR)
    start = (timezone.now() + datetime.timedelta(days=5)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    meeting = services.meeting_create(
        initiative=initiative,
        by=dana,
        title="פורום השותפים הראשון",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    return initiative, meeting


def bar_link(page, href: str):
    return page.locator(f".initiative-nav a[href='{href}']")


def assert_current(page, href: str, state: str) -> None:
    current = page.locator(".initiative-nav a[aria-current]")
    assert current.count() == 1
    assert current.get_attribute("href") == href
    assert current.get_attribute("aria-current") == state


def assert_breadcrumbs_lead_back(page, initiative) -> None:
    crumbs = page.locator("nav.breadcrumbs")
    assert crumbs.locator(f"a[href='{reverse('initiatives:list')}']").count() == 1
    detail = reverse("initiatives:detail", args=[initiative.pk])
    if page.url.endswith(detail):
        assert crumbs.locator("li").last.get_attribute("aria-current") == "page"
    else:
        assert crumbs.locator(f"a[href='{detail}']").count() == 1
    assert crumbs.locator("li").last.get_attribute("aria-current") == "page"
    assert crumbs.locator("[aria-current=page]").count() == 1


@pytest.mark.parametrize("locale", ["he-IL", "ar", "en-US"])
def test_an_initiative_is_navigated_by_its_bar(page_for, world, locale):
    initiative, meeting = world
    language = locale[:2]
    page = page_for(locale)
    log_in(page, "dana")
    assert page.locator("html").get_attribute("lang") == language

    overview = reverse("initiatives:detail", args=[initiative.pk])
    page.goto(page.base_url + overview)
    assert_current(page, overview, "page")
    assert_breadcrumbs_lead_back(page, initiative)
    assert_accessible(page)

    modules = [
        reverse("meetings:list", args=[initiative.pk]),
        reverse("knowledge:documents", args=[initiative.pk]),
        reverse("workshops:list", args=[initiative.pk]),
        reverse("map:register", args=[initiative.pk]),
        reverse("measurement:frameworks", args=[initiative.pk]),
        reverse("reports:summary", args=[initiative.pk]),
        reverse("initiatives:members", args=[initiative.pk]),
    ]
    for href in modules:
        bar_link(page, href).click()
        page.wait_for_url(re.compile(re.escape(href) + "$"))
        assert_current(page, href, "page")
        assert_breadcrumbs_lead_back(page, initiative)
        assert_accessible(page)
    keep(page, f"nav-{language}")

    # A page inside a module: the module is marked "true", and the breadcrumbs lead back to it.
    meetings = modules[0]
    page.goto(page.base_url + reverse("meetings:detail", args=[meeting.pk]))
    assert_current(page, meetings, "true")
    assert_breadcrumbs_lead_back(page, initiative)
    assert_accessible(page)
    page.locator(f"nav.breadcrumbs a[href='{meetings}']").click()
    page.wait_for_url(re.compile(re.escape(meetings) + "$"))
    assert_current(page, meetings, "page")
    page.locator(f"nav.breadcrumbs a[href='{overview}']").click()
    page.wait_for_url(re.compile(re.escape(overview) + "$"))
    assert_current(page, overview, "page")


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_on_a_phone_the_bar_scrolls_inside_itself_and_the_keyboard_reaches_it(
    browser, live_server, world, locale
):
    initiative, meeting = world
    language = locale[:2]
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.base_url = live_server.url
        log_in(page, "dana")
        page.goto(page.base_url + reverse("meetings:detail", args=[meeting.pk]))
        width = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        assert page.evaluate(width), "the page scrolls sideways on a phone"
        entries = page.locator(".initiative-nav a")
        count = entries.count()
        assert count >= 10
        listing = page.locator("[data-initiative-nav]")
        assert listing.evaluate("list => list.scrollWidth > list.clientWidth")
        # The current module was brought into view inside the bar.
        current = page.locator(".initiative-nav a[aria-current]")
        assert current.get_attribute("href") == reverse("meetings:list", args=[initiative.pk])
        assert in_view(listing, current)
        assert_accessible(page)
        keep(page, f"nav-{language}-phone")

        # Tab from the top of the page into the bar, then through every entry in it: each one
        # takes the focus and is scrolled into view.
        page.locator("body").focus()
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('.initiative-nav') !== null"):
                break
        else:
            pytest.fail("the initiative's bar was not reached with the Tab key")
        for index in range(count):
            focused = page.locator(":focus")
            assert focused.get_attribute("href") == entries.nth(index).get_attribute("href")
            assert in_view(listing, focused)
            page.keyboard.press("Tab")
        assert page.evaluate(width)
    finally:
        context.close()


def in_view(listing, link) -> bool:
    outer = listing.bounding_box()
    inner = link.bounding_box()
    return inner["x"] >= outer["x"] - 1 and inner["x"] + inner["width"] <= (
        outer["x"] + outer["width"] + 1
    )
