"""A workshop in real Chromium: a participant joins a working group by its link on a
phone-sized screen, without an account, and adds notes; the facilitator's board shows them
within three seconds. Axe runs on the join page, the participant's canvas and the board;
once in Hebrew (RTL) and once in English."""

import re

import pytest

from meshutaf.core.access import Role
from meshutaf.workshops import services
from meshutaf.workshops.models import CanvasTemplate, Contribution
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .qr_check import assert_drawing_fits, assert_inside, assert_qr_reads
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_for(browser, live_server):
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(
            locale=locale, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_participant_joins_by_link_and_the_board_updates(page_for, phone_for, locale):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    services.builtin_templates_ensure()
    session = services.workshop_session_create(
        initiative=initiative,
        by=facilitator,
        title="כיצד אוכל לרתום את הארגון שלי למהלך משותף?",
        template=CanvasTemplate.objects.get(key="price-opportunity"),
        groups=["קבוצה א׳", "קבוצה ב׳"],
        instructions="פתק אחד לכל רעיון.",
    )
    group = session.groups.order_by("position").first()
    tag = locale[:2]

    board = page_for(locale)
    log_in(board, "dana")
    board.goto(f"{board.base_url}/workshops/{session.pk}/")
    board.locator("#board").wait_for()
    join_link = board.locator(f"#link-{group.pk}").get_attribute("href")
    assert join_link.endswith(f"/w/{group.join_token}/")
    assert board.locator(f"#group-{group.pk} svg[role=img]").count() == 1
    assert_accessible(board)

    phone = phone_for(locale)
    phone.goto(f"{phone.base_url}/w/{group.join_token}/")
    assert_accessible(phone)
    screenshot(phone, f"workshop-join-{tag}")
    phone.locator("#id_display_name").fill("נועה")
    phone.locator("form.form button[type=submit]").click()
    phone.wait_for_url(re.compile(rf".*/w/{group.join_token}/$"))
    cell = phone.locator("#cell-matrix-organisation-price")
    cell.wait_for()
    assert_accessible(phone)

    cell.locator("textarea").fill("ויתור על בלעדיות בידע")
    cell.locator("button[type=submit]").click()
    cell.locator("#list-matrix-organisation-price li", has_text="ויתור על בלעדיות").wait_for()
    # The form is cleared for the next note, and the page did not reload.
    assert cell.locator("textarea").input_value() == ""
    questions = phone.locator("#cell-questions")
    questions.locator("textarea").fill("How do we deal with power gaps?")
    questions.locator("button[type=submit]").click()
    questions.locator("li", has_text="power gaps").wait_for()
    assert Contribution.objects.filter(session=session).count() == 2

    # The facilitator's board shows both notes without reloading, within three seconds of
    # the note being stored (waited for before the slower checks of the phone's page).
    board.locator("#board li", has_text="power gaps").wait_for(timeout=3_500)
    board.locator("#board li", has_text="ויתור על בלעדיות").wait_for(timeout=1_000)
    assert_accessible(phone)
    screenshot(phone, f"workshop-canvas-{tag}")
    assert board.locator("#board li", has_text="נועה").count() >= 1
    assert_accessible(board)
    screenshot(board, f"workshop-board-{tag}")

    # Hiding a note on the board takes it off the participant's canvas at the next poll.
    note = Contribution.objects.get(text="How do we deal with power gaps?")
    board.locator(f"#moderate-{note.pk}").click()
    board.locator(f"#c-{note.pk}.note--hidden").wait_for()
    other = phone_for(locale)
    other.goto(f"{other.base_url}/w/{group.join_token}/")
    other.locator("#id_display_name").fill("Amir")
    other.locator("form.form button[type=submit]").click()
    other.locator("#cell-questions").wait_for()
    assert other.locator("li", has_text="power gaps").count() == 0
    assert other.locator("li", has_text="ויתור על בלעדיות").count() == 1


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
@pytest.mark.parametrize("width", [1280, 390])
def test_every_group_qr_code_reads_back_to_its_link(page_for, locale, width):
    """On the board and on the sheet the facilitator projects or prints, each group's QR code
    decodes (from the pixels the browser drew) to that group's join link, and the link printed
    under it stays inside its card: on a wide screen, on a phone and on paper."""
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    services.builtin_templates_ensure()
    session = services.workshop_session_create(
        initiative=initiative,
        by=facilitator,
        title="כיצד אוכל לרתום את הארגון שלי למהלך משותף?",
        template=CanvasTemplate.objects.get(key="price-opportunity"),
        groups=["קבוצה א׳", "Group B"],
    )
    groups = list(session.groups.order_by("position"))
    tag = f"{locale[:2]}-{width}"
    page = page_for(locale)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "dana")

    page.goto(f"{page.base_url}/workshops/{session.pk}/")
    for group in groups:
        expected = f"{page.base_url}/w/{group.join_token}/"
        card = f"#group-{group.pk}"
        assert page.locator(f"#link-{group.pk}").get_attribute("href") == expected
        assert_qr_reads(page, f"{card} svg", expected, name=f"workshop-qr-{tag}-{group.pk}")
        assert_drawing_fits(page, f"{card} svg")
        assert_inside(page, f"{card} svg", card)
        assert_inside(page, f"#link-{group.pk}", card)

    page.goto(f"{page.base_url}/workshops/{session.pk}/join-sheet/")
    assert_accessible(page)
    screenshot(page, f"workshop-join-sheet-{tag}")
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        for index, group in enumerate(groups, start=1):
            expected = f"{page.base_url}/w/{group.join_token}/"
            card = f".join-sheet__group:nth-child({index})"
            assert page.locator(f"{card} a").get_attribute("href") == expected
            name = f"workshop-sheet-qr-{tag}-{media}-{index}"
            assert_qr_reads(page, f"{card} svg", expected, name=name)
            assert_drawing_fits(page, f"{card} svg")
            assert_inside(page, f"{card} svg", card)
            assert_inside(page, f"{card} a", card)
