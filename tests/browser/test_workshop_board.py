"""The workshop board and its projector in real Chromium. At 1280 px the board's notes are
at least 200 px wide and ordinary words are never broken across lines (measured from the
rectangles the browser drew); on a phone one canvas takes a row and the page does not scroll
sideways. The facilitator opens the projector on one group's canvas, moves to the next with the
keyboard (the arrow that points the way the text reads), shows every group together, and a
note added meanwhile appears on the wall within the polling interval, highlighted and
announced. Axe runs on every page."""

import re
import shutil
from pathlib import Path

import pytest

from meshutaf.core.access import Role
from meshutaf.workshops import services
from meshutaf.workshops.models import CanvasTemplate
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = Path(__file__).resolve().parents[2] / "var" / "screenshots"
POLL_SECONDS = 5

NOTES = [
    ("matrix", "organisation", "price", "ויתור על בלעדיות בידע ובקשרים עם מקבלי ההחלטות"),
    ("matrix", "organisation", "opportunity", "Reaching communities we never reached alone"),
    ("matrix", "move", "price", "تنسيق طويل بين المؤسسات الحكومية والمجتمع المدني"),
    ("matrix", "move", "opportunity", "השפעה מערכתית ארוכת טווח במקום פרויקטים נקודתיים"),
    ("practices", "", "", "Shared measurement from the very first meeting"),
    ("questions", "", "", "https://example.org/a-very-long-address/without-any-spaces-at-all"),
]


def keep(page, name: str) -> None:
    """Save the screenshot where the test run keeps them, and beside the project."""
    path = screenshot(page, name)
    KEPT.mkdir(parents=True, exist_ok=True)
    if path.resolve() != (KEPT / path.name).resolve():
        shutil.copyfile(path, KEPT / path.name)


def workshop():
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    services.builtin_templates_ensure()
    session = services.workshop_session_create(
        initiative=initiative,
        by=facilitator,
        title="כיצד אוכל לרתום את הארגון שלי למהלך משותף?",
        template=CanvasTemplate.objects.get(key="price-opportunity"),
        groups=["קבוצה א׳", "Group B", "مجموعة ج"],
    )
    groups = list(session.groups.order_by("position"))
    people = [
        services.participant_join(group=groups[0], display_name="נועה"),
        services.participant_join(group=groups[1], anonymous=True),
        services.participant_join(group=groups[2], display_name="رنا"),
    ]
    for index, (section, row, column, text) in enumerate(NOTES):
        person = people[index % len(people)]
        services.contribution_add(
            group=person.group,
            section_key=section,
            row_key=row,
            column_key=column,
            text=text,
            participant=person,
        )
    return session, groups, people


# For every ordinary word of every note (a URL may wrap where it must): the word's pieces
# must sit on one line. Returns the words drawn across two lines.
BROKEN_WORDS = """
(selector) => {
  const broken = [];
  for (const text of document.querySelectorAll(selector)) {
    const node = text.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) continue;
    const words = [...node.data.matchAll(/\\S+/g)];
    for (const word of words) {
      if (word[0].length > 25 || word[0].includes("/")) continue;
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const tops = new Set([...range.getClientRects()]
        .filter((rect) => rect.width > 0)
        .map((rect) => Math.round(rect.top)));
      if (tops.size > 1) broken.push(word[0]);
    }
  }
  return broken;
}
"""

WIDTHS = (
    "(selector) => [...document.querySelectorAll(selector)]"
    ".map((element) => element.getBoundingClientRect().width)"
)
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The elements drawn outside the page's width and not inside a box that scrolls or clips.
OUTSIDE = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = (element) => {
    for (let box = element.parentElement; box; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 1 || box.left < -1) && !clipped(element);
    })
    .map((element) => `${element.tagName}.${element.className}`)
    .slice(0, 10);
}
"""


def assert_board_readable(page, *, min_note_width: float) -> None:
    widths = page.evaluate(WIDTHS, "#board .note")
    assert len(widths) == len(NOTES)
    assert min(widths) >= min_note_width, widths
    assert page.evaluate(BROKEN_WORDS, "#board .note__text") == []
    assert page.evaluate(PAGE_OVERFLOW) <= 0, page.evaluate(OUTSIDE)


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_board_and_projector_in_the_room(page_for, locale):
    session, groups, people = workshop()
    tag = locale[:2]
    rtl = tag == "he"
    page = page_for(locale)
    log_in(page, "dana")

    # The board at 1280 px: notes wide enough to read, words whole.
    page.goto(f"{page.base_url}/workshops/{session.pk}/")
    page.locator("#board .note").first.wait_for()
    assert_board_readable(page, min_note_width=200)
    assert_accessible(page)
    keep(page, f"board-{tag}")

    # The projector: one group's canvas in the first section, in large type.
    first, second, third = groups
    page.locator("#open-projector").click()
    page.wait_for_url(
        re.compile(rf".*/workshops/{session.pk}/projector/matrix/\?group={first.pk}$")
    )
    stage = page.locator("#projector-stage")
    assert stage.get_attribute("data-slide") == f"matrix:{first.pk}"
    note_size = page.evaluate(
        "() => parseFloat(getComputedStyle("
        "document.querySelector('.projector-note__text')).fontSize)"
    )
    assert note_size >= 28
    assert page.locator(".projector-note").count() == 2  # the first group's two notes
    assert page.locator(".projector__group").count() == 1
    assert page.evaluate(BROKEN_WORDS, ".projector-note__text") == []
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    # One canvas fits the wall: the stage is shorter than the window, so in full screen (the
    # site's header gone) it shows whole.
    height = page.evaluate(
        "() => document.querySelector('#projector-stage').getBoundingClientRect().height"
    )
    assert height <= page.viewport_size["height"]
    assert_accessible(page)
    keep(page, f"projector-{tag}")

    # The "next" arrow points the way the text reads, and so does the key: the next group's
    # canvas, then (a clicker's PageDown) the third's, and back.
    arrow = page.locator("#projector-next .projector__arrow").inner_text()
    assert arrow == ("←" if rtl else "→")
    page.keyboard.press("ArrowLeft" if rtl else "ArrowRight")
    page.locator(f'#projector-stage[data-slide="matrix:{second.pk}"]').wait_for()
    assert page.url.endswith(f"/projector/matrix/?group={second.pk}")
    assert page.locator(".projector-note").count() == 1
    page.keyboard.press("PageDown")
    page.locator(f'#projector-stage[data-slide="matrix:{third.pk}"]').wait_for()
    page.wait_for_function("() => document.querySelector('#projector-announce').textContent")
    page.keyboard.press("ArrowRight" if rtl else "ArrowLeft")
    page.locator(f'#projector-stage[data-slide="matrix:{second.pk}"]').wait_for()
    # Two quick presses move two slides, the second from where the first arrives.
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    page.locator(f'#projector-stage[data-slide="practices:{first.pk}"]').wait_for()
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    page.locator(f'#projector-stage[data-slide="matrix:{second.pk}"]').wait_for()

    # Every group side by side, a section at a time.
    page.locator("#projector-together").click()
    page.wait_for_url(re.compile(rf".*/workshops/{session.pk}/projector/matrix/$"))
    assert page.locator(".projector-note").count() == 4
    assert page.locator(".projector__group").count() == 3
    assert_accessible(page)
    keep(page, f"projector-together-{tag}")
    page.keyboard.press("ArrowLeft" if rtl else "ArrowRight")
    page.locator('#projector-stage[data-slide="practices:"]').wait_for()
    assert page.url.endswith("/projector/practices/")
    assert "Shared measurement" in page.locator("#projector-stage").inner_text()
    page.keyboard.press("PageDown")
    page.locator('#projector-stage[data-slide="questions:"]').wait_for()
    page.wait_for_function("() => document.querySelector('#projector-announce').textContent")

    # Auto-advance starts and stops; any other key gives the wall back to the facilitator.
    play = page.locator("#projector-play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.locator("#projector-countdown").filter(has_text=re.compile(r"\d")).wait_for()
    page.keyboard.press("Escape")
    assert play.get_attribute("aria-pressed") == "false"

    # A note sent from a participant's phone appears within the polling interval,
    # highlighted, and only it is announced.
    services.contribution_add(
        group=people[1].group,
        section_key="questions",
        text="Who holds the shared budget?",
        participant=people[1],
    )
    arrived = page.locator(".projector-note", has_text="Who holds the shared budget?")
    arrived.wait_for(timeout=(POLL_SECONDS + 2) * 1000)  # the poll's interval, and a margin
    assert "projector-note--new" in arrived.get_attribute("class")
    announced = page.locator("#projector-announce")
    page.wait_for_function(
        "() => document.querySelector('#projector-announce').textContent.includes('shared budget')"
    )
    assert "Shared measurement" not in announced.text_content()
    assert page.locator('#projector-stage[data-slide="questions:"]').count() == 1
    assert_accessible(page)

    # Back with the other arrow, through the same controls as the buttons.
    page.keyboard.press("ArrowRight" if rtl else "ArrowLeft")
    page.locator('#projector-stage[data-slide="practices:"]').wait_for()
    page.locator("#projector-previous").click()
    page.locator('#projector-stage[data-slide="matrix:"]').wait_for()
    page.go_back()
    page.locator('#projector-stage[data-slide="practices:"]').wait_for()

    # The switch to one group at a time follows the slide the script moved to.
    page.locator("#projector-one-by-one").click()
    page.wait_for_url(re.compile(rf".*/projector/practices/\?group={first.pk}$"))

    # Full screen, where the browser offers it.
    button = page.locator("#projector-fullscreen")
    if button.is_visible():
        button.click()
        page.wait_for_function("() => document.fullscreenElement?.id === 'projector'")
        page.keyboard.press("Escape")


@pytest.mark.parametrize(
    ("locale", "width", "name"),
    [("ar", 1280, "board-ar"), ("he-IL", 390, "board-he-phone")],
)
def test_board_in_arabic_and_on_a_phone(page_for, locale, width, name):
    session, _groups, _people = workshop()
    page = page_for(locale)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "dana")
    page.goto(f"{page.base_url}/workshops/{session.pk}/")
    page.locator("#board .note").first.wait_for()
    assert page.locator("html").get_attribute("dir") == "rtl"
    keep(page, name)
    assert_board_readable(page, min_note_width=200)
    if width < 600:
        # One canvas to a row, and a grid that is wider than the phone scrolls in its box.
        canvases = page.evaluate(WIDTHS, "#board .board-canvas")
        sections = page.evaluate(WIDTHS, "#board .board-groups")
        assert min(canvases) >= max(sections) - 1
        assert page.locator(".board-scroll-wrap[data-more~=end]").count() >= 1
        assert page.locator(".board-scroll__hint:not([hidden])").count() >= 1
    assert_accessible(page)

    # The projector in the same language and width: one group's canvas, nothing off the page.
    page.locator("#open-projector").click()
    page.locator("#projector-stage").wait_for()
    assert page.locator(".projector__group").count() == 1
    assert page.evaluate(PAGE_OVERFLOW) <= 0, page.evaluate(OUTSIDE)
    assert_accessible(page)
    keep(page, name.replace("board", "projector"))
