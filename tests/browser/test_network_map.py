"""The explorable network map and the power/interest grid in real Chromium, in Hebrew and
English: find a stakeholder, focus on them and filter by sector with the keyboard only, Escape
back to the whole map; the grid names a dot when it gets the keyboard focus. Axe runs on every
page visited; screenshots (Hebrew, Arabic, English, a Hebrew phone, the grid) are copied to
var/screenshots/."""

import re
import shutil
from pathlib import Path

import pytest

from meshutaf.core.access import Role
from meshutaf.stakeholder_map import services
from tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

from .conftest import SCREENSHOTS, assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}

STAKEHOLDERS = [
    ("משרד החינוך", "government", 5, 4),
    ("משרד הרווחה והביטחון החברתי", "government", 4, 2),
    ("עיריית חיפה", "local_authority", 3, 4),
    ("קרן לאוטמן", "philanthropy", 4, 5),
    ("יד הנדיב", "philanthropy", 3, 3),
    ("שיתופים", "civil_society", 2, 5),
    ("המכון הישראלי לדמוקרטיה", "academia", 2, 3),
    ("האוניברסיטה העברית בירושלים", "academia", 2, 2),
    ("Google ישראל", "business", 3, 2),
    ("כאן – תאגיד השידור הישראלי", "media", 1, 2),
    ("הוועד הארצי של ראשי הרשויות המקומיות הערביות", "local_authority", 4, 3),
    ("מתנ״ס נווה יוסף", "community", 1, 4),
]
TIES = [
    (0, 1, "works_with"),
    (0, 2, "funds"),
    (3, 5, "funds"),
    (4, 5, "allied"),
    (5, 6, "works_with"),
    (6, 7, "allied"),
    (2, 10, "represents"),
    (0, 3, "allied"),
    (8, 5, "funds"),
    (9, 0, "works_with"),
    (11, 2, "represents"),
    (3, 4, "allied"),
]


def keep(page, name: str, element=None) -> None:
    """A screenshot beside the others, copied to var/screenshots/ to look at."""
    if element is None:
        path = screenshot(page, name)
    else:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        element.screenshot(path=str(path))
    if path.resolve() != (SHOTS / path.name).resolve():
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def no_page_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def mapped():
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="דיבור אחר")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    profiles = [
        services.profile_create(
            initiative=initiative,
            by=facilitator,
            organisation=OrganisationFactory(name_he=name, name_en=name, sector=sector),
            power=power,
            interest=interest,
        )
        for name, sector, power, interest in STAKEHOLDERS
    ]
    for source, target, kind in TIES:
        services.relationship_create(
            initiative=initiative,
            by=facilitator,
            source=profiles[source],
            target=profiles[target],
            kind=kind,
            strength=1 + (source + target) % 3,
        )
    services.network_analyse(initiative=initiative, by=facilitator)
    return initiative, profiles


def tab_to(page, check: str, limit: int = 120) -> None:
    """Press Tab until `check` (a JavaScript expression on `document.activeElement`) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({check}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {check}")


def open_map(page, initiative) -> None:
    page.goto(f"{page.base_url}/initiatives/{initiative.pk}/network/")
    page.locator("[data-network-ready]").wait_for()
    page.wait_for_timeout(300)


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_find_focus_and_filter_with_the_keyboard_only(page_for, mapped, locale):
    initiative, profiles = mapped
    tag = locale[:2]
    page = page_for(locale)
    log_in(page, "dana")
    open_map(page, initiative)
    assert_accessible(page)
    assert no_page_overflow(page)
    keep(page, f"network-{tag}", page.locator(".network-explorer"))

    # Find: Tab to the search box, type part of a name, Enter.
    tab_to(page, "el.id === 'network-search'")
    page.keyboard.type("לאוטמן")
    page.keyboard.press("Enter")
    fund = profiles[3]
    page.wait_for_url(re.compile(rf".*focus={fund.pk}.*"))
    details = page.locator("#network-details")
    details.wait_for()
    assert "קרן לאוטמן" in details.inner_text()
    assert page.locator("#network-focus").input_value() == str(fund.pk)
    assert "קרן לאוטמן" in page.locator("#network-status").inner_text()
    assert_accessible(page)

    # Filter: Tab on to the sectors and switch philanthropy off with the space bar.
    tab_to(page, "el.name === 'sector' && el.value === 'philanthropy'")
    page.keyboard.press("Space")
    assert not page.locator("input[name=sector][value=philanthropy]").is_checked()
    page.wait_for_url(re.compile(r".*sector=.*"))
    assert "philanthropy" not in page.url
    assert page.locator(f'tr[data-node="{fund.pk}"]').is_hidden()
    assert page.locator(f'tr[data-node="{profiles[0].pk}"]').is_visible()
    # The focused fund is filtered out, so the focus is gone with it.
    assert "focus=" not in page.url
    status = page.locator("#network-status").inner_text()
    assert re.search(r"\b10\b", status), status

    # Focus on a stakeholder from the list, then Escape shows the whole map again.
    page.locator("#network-focus").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r".*focus=\d+.*"))
    page.locator("#network-search").focus()
    page.keyboard.press("Escape")
    page.wait_for_function("!location.search.includes('focus=')")
    assert page.locator("#network-details").is_hidden()
    assert_accessible(page)

    # The shared address opens the same view.
    page.goto(page.url)
    page.locator("[data-network-ready]").wait_for()
    assert not page.locator("input[name=sector][value=philanthropy]").is_checked()


def test_arabic_map_and_a_phone(page_for, browser, live_server, mapped):
    initiative, _profiles = mapped
    page = page_for("ar")
    log_in(page, "dana")
    open_map(page, initiative)
    assert_accessible(page)
    keep(page, "network-ar", page.locator(".network-explorer"))

    context = browser.new_context(
        locale="he-IL", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        phone = context.new_page()
        phone.base_url = live_server.url
        log_in(phone, "dana")
        open_map(phone, initiative)
        assert no_page_overflow(phone)
        assert phone.locator("#network-canvas").bounding_box()["width"] <= PHONE["width"]
        assert phone.locator(".network-toolbar button").first.is_visible()
        assert_accessible(phone)
        keep(phone, "network-he-phone")
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_power_interest_grid_names_a_dot_on_focus(page_for, mapped, locale):
    initiative, _profiles = mapped
    page = page_for(locale)
    log_in(page, "dana")
    page.goto(f"{page.base_url}/initiatives/{initiative.pk}/stakeholders/")
    assert_accessible(page)
    assert no_page_overflow(page)
    frame = page.locator(".pi-grid__frame").bounding_box()
    for dot in page.locator(".pi-dot").all():
        box = dot.bounding_box()
        assert box["x"] >= frame["x"]
        assert box["y"] >= frame["y"]
        assert box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert box["y"] + box["height"] <= frame["y"] + frame["height"]
    tab_to(page, "el.classList.contains('pi-dot')")
    focused = page.locator(".pi-dot:focus")
    name = focused.get_attribute("aria-label")
    tip = focused.locator(".pi-dot__tip")
    assert tip.is_visible()
    assert tip.inner_text().strip() in name
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.pi-grid__quadrants span')).fontSize)"
    )
    assert size >= 12
    if locale == "he-IL":
        keep(page, "power-interest-he", page.locator(".pi-layout"))
