"""Pages work under the Content-Security-Policy: what used to be inline handlers (a question
before deleting, a menu that applies itself) still works, and the API reference renders."""

import re

import pytest

from meshutaf.core.access import Role
from meshutaf.initiatives.models import Phase
from tests.factories import InitiativeFactory, MembershipFactory, PhaseFactory, UserFactory

from .conftest import assert_accessible
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def facilitated():
    facilitator = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    initiative = InitiativeFactory(name="קהילה מיטיבה")
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    return initiative


def test_deleting_asks_first_and_a_no_keeps_the_thing(page_for, facilitated):
    phase = PhaseFactory(initiative=facilitated, name="הכנת הלבבות")
    page = page_for("he-IL")
    log_in(page, "dana")
    page.goto(f"{page.base_url}/initiatives/phases/{phase.pk}/edit/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    delete = page.locator(
        f"form[action='/initiatives/phases/{phase.pk}/delete/'] button[type=submit]"
    )
    page.once("dialog", lambda dialog: answer(dialog, False))
    delete.click()
    page.wait_for_timeout(300)
    assert questions
    assert Phase.objects.filter(pk=phase.pk).exists()

    page.once("dialog", lambda dialog: answer(dialog, True))
    delete.click()
    page.wait_for_url(re.compile(rf".*/initiatives/{facilitated.pk}/.*"))
    assert not Phase.objects.filter(pk=phase.pk).exists()


def test_the_api_reference_renders_under_the_policy(page_for, facilitated):
    page = page_for("en-US")
    log_in(page, "dana")
    page.goto(page.base_url + "/api/docs")
    page.wait_for_selector("#redoc-ui h1")
    assert "Meshutaf" in page.locator("#redoc-ui h1").first.inner_text()
    assert_accessible(page)
