"""Importing statements in real Chromium: a one-column file whose first row is a heading no
list knows ("הצעות"). With the box ticked (the default) the heading is left out and the
message quotes it; unticked, the same row comes in as a statement. Axe runs on the page."""

import pytest

from meshutaf.core.access import Role
from meshutaf.deliberation import services
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = "הצעות\nיעד מדיד אחד לכל השותפים\nפיילוט קטן לפני התחייבות\n".encode()


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_a_heading_is_left_out_and_quoted(page_for, locale):
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="הסטודיו למהלכים משותפים")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    conversation = services.conversation_create(
        initiative=initiative, by=facilitator, title="מה יחזיק אותנו?", question="מה חשוב לכם?"
    )
    page = page_for(locale)
    log_in(page, "dana")
    page.goto(page.base_url + f"/deliberations/{conversation.pk}/")
    heading_box = page.locator("#id_first_row_is_heading")
    assert heading_box.is_checked()
    upload = {"name": "statements.csv", "mimeType": "text/csv", "buffer": FILE}
    page.locator("#id_file").set_input_files(upload)
    page.locator("#id_file").locator("xpath=ancestor::form").locator("button").click()
    message = page.locator(".alert--success")
    message.wait_for()
    assert "הצעות" in message.inner_text()
    assert sorted(conversation.statements.values_list("text", flat=True)) == [
        "יעד מדיד אחד לכל השותפים",
        "פיילוט קטן לפני התחייבות",
    ]
    assert_accessible(page)
    screenshot(page, f"deliberation-import-heading-{locale[:2]}")

    # Unticked, the first row is a statement too (the two already there are skipped).
    assert page.locator("#id_first_row_is_heading").is_checked()
    page.locator("#id_first_row_is_heading").uncheck()
    page.locator("#id_file").set_input_files(upload)
    page.locator("#id_file").locator("xpath=ancestor::form").locator("button").click()
    page.locator(".alert--success").wait_for()
    assert conversation.statements.filter(text="הצעות").exists()
    assert conversation.statements.count() == 3
