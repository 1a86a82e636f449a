"""The sessions list and the security log as people see them: Hebrew and English, axe clean,
no sideways scrolling on a phone."""

import pytest

from meshutaf.accounts.models import SecurityEvent, SecurityEventKind
from tests.factories import PASSWORD, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def _fits_a_phone(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px screen"
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_sessions_and_security_log(page_for, locale):
    UserFactory(username="root", first_name="Root", is_staff=True, is_superuser=True)
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=kind, username="dana", address="203.0.113.5", detail="x" * 60)
        for kind in SecurityEventKind.values
    )
    other = page_for(locale)
    _sign_in(other, "root")
    page = page_for(locale)
    _sign_in(page, "root")
    language = locale[:2]

    page.goto(page.base_url + "/accounts/settings/")
    page.locator("a[href='/accounts/sessions/']").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 2
    assert_accessible(page)
    screenshot(page, f"sessions-{language}")
    _fits_a_phone(page, f"sessions-{language}-phone")
    page.locator("form[action$='/sign-out-everywhere/'] button").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 1
    other.reload()
    assert "/accounts/login/" in other.url

    page.goto(page.base_url + "/accounts/security-log/")
    assert page.locator("tbody tr").count() >= len(SecurityEventKind.values)
    assert_accessible(page)
    screenshot(page, f"security-log-{language}")
    _fits_a_phone(page, f"security-log-{language}-phone")
    page.locator("select[name=kind]").select_option("2fa_failed")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page)
