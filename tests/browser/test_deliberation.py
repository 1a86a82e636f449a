"""Deliberation in real Chromium: ten people vote on a phone-sized screen by link, without
accounts; the facilitator's opinion map then shows two groups and the statement everyone
agreed with, and a participant sees which group they are in. Axe runs on every page."""

import re

import pytest

from meshutaf.core.access import Role
from meshutaf.deliberation import services
from meshutaf.deliberation.models import ConversationStatus, Participant, Vote
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .qr_check import assert_drawing_fits, assert_inside, assert_qr_reads
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATEMENTS = [
    "יעד מדיד אחד לכל השותפים",
    "מימון לזמן של ארגונים קטנים",
    "הממשלה מובילה את המהלך",
    "פיילוט קטן לפני התחייבות",
    "השותף העסקי שותף בהחלטות",
    "כל החומרים בעברית ובערבית",
]
# Camp A agrees with the first three and disagrees with the next two; camp B the opposite.
# Everyone agrees with the last one.
CAMP_A = ["agree", "agree", "agree", "disagree", "disagree", "agree"]
CAMP_B = ["disagree", "disagree", "disagree", "agree", "agree", "agree"]


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_ten_participants_and_the_opinion_map(page_for, locale):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    conversation = services.conversation_create(
        initiative=initiative, by=facilitator, title="מה יחזיק אותנו?", question="מה חשוב לכם?"
    )
    services.statements_import(conversation=conversation, by=facilitator, texts=STATEMENTS)
    services.conversation_set_status(
        conversation=conversation, by=facilitator, status=ConversationStatus.OPEN
    )
    by_text = {s.text: s.pk for s in conversation.statements.all()}
    tag = locale[:2]
    link = f"/d/{conversation.token}/"
    last = None
    for person in range(10):
        page = page_for(locale)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.base_url + link)
        if person == 0:
            assert_accessible(page)
            screenshot(page, f"deliberation-vote-{tag}")
        camp = CAMP_A if person < 5 else CAMP_B
        for _ in STATEMENTS:
            text = page.locator(".vote-card__text").inner_text().strip()
            choice = camp[STATEMENTS.index(text)]
            if person in (4, 9) and text == STATEMENTS[5]:
                choice = "pass"  # a little variety inside each camp
            if choice == "pass":
                page.locator(".vote--pass").click()
            else:
                page.locator(f".vote--{choice}").click()
            # htmx swaps the card; wait until the next statement (or the end) is shown.
            page.wait_for_function(
                "t => { const c = document.querySelector('.vote-card__text');"
                " return !c || c.innerText.trim() !== t; }",
                arg=text,
            )
        assert page.locator(".vote-card__done").is_visible()
        last = page
    assert Participant.objects.filter(conversation=conversation).count() == 10
    assert Vote.objects.filter(statement__conversation=conversation).count() == 60
    assert by_text  # every statement exists

    # The last participant sees where they stand.
    last.goto(last.base_url + link + "map/")
    last.wait_for_selector(".opinion-map-figure")
    # Groups are named with letters of the page's language.
    letters = "[אב]" if tag == "he" else "[AB]"
    assert re.search(rf"(group|קבוצה) {letters}\b", last.locator("main").inner_text(), re.I)
    assert_accessible(last)
    last.goto(last.base_url + link + "mine/")
    assert_accessible(last)

    page = page_for(locale)
    log_in(page, "dana")
    page.goto(page.base_url + f"/deliberations/{conversation.pk}/map/")
    page.wait_for_selector(".opinion-map-figure")
    cards = page.locator(".group-card")
    assert cards.count() == 2
    # Shares say what was counted, e.g. "5 of 5 people in this group agreed (100%)".
    counted = {
        "he": r"(\d+) מתוך \1 בקבוצה הזו (לא )?הסכימו \(100%\)",
        "en": r"\b(\d+) of \1 people in this group (dis)?agreed \(100%\)",
    }[tag]
    assert re.search(counted, cards.first.inner_text())
    text = page.locator("main").inner_text()
    assert STATEMENTS[5] in text  # common ground
    assert_accessible(page)
    screenshot(page, f"deliberation-map-{tag}")
    page.goto(page.base_url + f"/deliberations/{conversation.pk}/")
    assert_accessible(page)


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_participation_qr_code_reads_back_to_its_link(page_for, locale, width):
    """The facilitator shows the QR code on a screen or a phone: a decoder reading the pixels
    the browser drew finds the participation link, and the link stays inside its card."""
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    conversation = services.conversation_create(
        initiative=initiative, by=facilitator, title="מה יחזיק אותנו?", question="מה חשוב לכם?"
    )
    page = page_for(locale)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "dana")
    page.goto(page.base_url + f"/deliberations/{conversation.pk}/")
    card = 'section[aria-labelledby="share-title"]'
    link = f"{card} a.ltr-value"
    expected = f"{page.base_url}/d/{conversation.token}/"
    assert page.locator(link).get_attribute("href") == expected
    name = f"deliberation-qr-{locale[:2]}-{width}"
    assert_qr_reads(page, f"{card} svg", expected, name=name)
    assert_drawing_fits(page, f"{card} svg")
    assert_inside(page, f"{card} svg", card)
    assert_inside(page, link, card)
    screenshot(page, f"deliberation-detail-{locale[:2]}-{width}")
    page.emulate_media(media="print")
    assert_qr_reads(page, f"{card} svg", expected, name=f"{name}-print")
    assert_inside(page, link, card)


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_a_burst_is_excluded_and_a_drafts_link_explains_itself(page_for, locale):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    conversation = services.conversation_create(
        initiative=initiative, by=facilitator, title="מה יחזיק אותנו?", question="מה חשוב לכם?"
    )
    services.statements_import(conversation=conversation, by=facilitator, texts=STATEMENTS)
    tag = locale[:2]

    # Before it opens, its link says so (and stays a 404 that reveals nothing).
    visitor = page_for(locale)
    response = visitor.goto(visitor.base_url + f"/d/{conversation.token}/")
    assert response.status == 404
    assert visitor.locator("h1").inner_text().strip()
    assert "מה חשוב לכם?" not in visitor.locator("main").inner_text()
    assert_accessible(visitor)
    screenshot(visitor, f"deliberation-not-open-{tag}")

    page = page_for(locale)
    log_in(page, "dana")
    page.goto(page.base_url + f"/deliberations/{conversation.pk}/")
    page.locator("button[name=status][value=open]").click()
    page.wait_for_load_state()
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN

    statement = conversation.statements.order_by("pk").first()
    for _ in range(8):  # one network starts eight participants
        stuffed = services.participant_create(conversation=conversation, address="203.0.113.7")
        services.vote_cast(participant=stuffed, statement=statement, value=1)
    page.goto(page.base_url + f"/deliberations/{conversation.pk}/")  # a new load, not a hash
    bursts = page.locator("#bursts")
    assert bursts.locator("tbody tr").count() == 1
    assert "203.0.113.7" not in page.content()
    assert_accessible(page)
    screenshot(page, f"deliberation-bursts-{tag}")
    bursts.locator("button[value=exclude]").click()
    page.locator("#bursts button[value=include]").wait_for()
    assert Participant.objects.filter(conversation=conversation, excluded=True).count() == 8
    assert_accessible(page)
    page.locator("#bursts button[value=include]").click()
    page.locator("#bursts button[value=exclude]").wait_for()
    assert not Participant.objects.filter(conversation=conversation, excluded=True).exists()


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_a_refused_vote_shows_why_on_the_card(page_for, locale):
    """Past the conversation's limit for one network, a new voter's click answers 429: the
    card says why (htmx swaps the refusal in) and nothing is stored."""
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    conversation = services.conversation_create(
        initiative=initiative,
        by=facilitator,
        title="מה יחזיק אותנו?",
        question="מה חשוב לכם?",
        participant_limit=1,
    )
    services.statements_import(conversation=conversation, by=facilitator, texts=STATEMENTS)
    services.conversation_set_status(
        conversation=conversation, by=facilitator, status=ConversationStatus.OPEN
    )
    # Someone on the same network (the browser's, 127.0.0.1) already joined.
    services.participant_create(conversation=conversation, address="127.0.0.1")
    page = page_for(locale)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/d/{conversation.token}/")
    with page.expect_response(lambda r: r.url.endswith("/vote/")) as answer:
        page.locator(".vote--agree").click()
    assert answer.value.status == 429
    page.locator("#vote-card .alert--error").wait_for()
    assert page.locator("#vote-card .alert--error").inner_text().strip()
    assert Participant.objects.filter(conversation=conversation).count() == 1
    assert not Vote.objects.filter(statement__conversation=conversation).exists()
    assert_accessible(page)
    screenshot(page, f"deliberation-refused-{locale[:2]}")
