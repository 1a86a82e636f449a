"""Two-factor sign-in in real Chromium: a facilitator is made to set up an authenticator app
(scanning the QR code the page draws), signs in with it, signs in with a recovery code, and is
paused after repeated wrong codes; axe on every page."""

import base64
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django_otp.oath import TOTP

from meshutaf.core.access import Role
from tests.factories import PASSWORD, InitiativeFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot
from .qr_check import decode_qr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key the page gave."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def _password(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_a_facilitator_sets_up_two_factor_signs_in_with_it_and_is_paused_after_wrong_codes(
    page_for, settings
):
    settings.TWO_FACTOR_REQUIRED_FOR = ["staff", "facilitators"]
    user = UserFactory(username="rina", first_name="Rina")
    MembershipFactory(initiative=InitiativeFactory(), user=user, role=Role.FACILITATOR)
    page = page_for("en-US")

    # Made to set it up: the password leads to the setup page and nowhere else.
    _password(page, "rina")
    assert page.url.endswith("/accounts/two-factor/")
    assert page.get_by_text("Your role requires two-factor sign-in on this site.").is_visible()
    page.goto(page.base_url + "/")
    assert page.url.endswith("/accounts/two-factor/")
    assert_accessible(page)
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.wait_for_load_state()
    assert_accessible(page)
    screenshot(page, "two-factor-setup-en")

    # The QR code a phone scans carries the same key the page prints.
    scanned = decode_qr(page, ".qr svg", name="two-factor-qr")
    assert len(scanned) == 1
    assert scanned[0].startswith("otpauth://totp/")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert parse_qs(urlparse(scanned[0]).query)["secret"] == [secret]

    page.get_by_role("textbox", name="Code").fill(_code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    page.wait_for_load_state()
    assert page.get_by_text("Two-factor sign-in is on.").is_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", c) for c in codes)
    assert_accessible(page)
    page.goto(page.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    _log_out(page)

    # Signs in with the app.
    _password(page, "rina")
    assert page.url.endswith("/accounts/login/code/")
    assert_accessible(page)
    page.get_by_role("textbox", name="Code").fill(_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    _log_out(page)

    # Signs in with a recovery code (no phone at hand).
    _password(page, "rina")
    page.get_by_text("No phone at hand?").click()
    page.get_by_role("textbox", name="Code").fill(codes[3])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_text("You signed in with a recovery code; 9 are left.").is_visible()
    assert_accessible(page)
    _log_out(page)

    # Wrong codes: a clear error each time, then sign-in is paused with its own message.
    _password(page, "rina")
    for _attempt in range(4):
        page.get_by_role("textbox", name="Code").fill(
            "000000" if _code(secret) != "000000" else "111111"
        )
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.get_by_text("That code is not right.").first.is_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Code").fill(codes[0][:5])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    alert = page.get_by_role("alert").inner_text()
    assert "too many wrong codes" in alert
    assert "15 minutes" in alert
    assert_accessible(page)
    screenshot(page, "two-factor-paused-en")
    # Even the password and a right code are refused during the pause.
    _password(page, "rina")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"


def test_the_setup_page_reads_right_to_left_in_hebrew(page_for):
    UserFactory(username="dalia", first_name="דליה")
    page = page_for("he-IL")
    _password(page, "dalia")
    page.goto(page.base_url + "/accounts/two-factor/")
    page.locator("form.inline-form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#totp-secret").get_attribute("class").find("ltr-value") >= 0
    assert_accessible(page)
    screenshot(page, "two-factor-setup-he")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the setup page scrolls sideways on a phone ({width} px)"
    screenshot(page, "two-factor-setup-he-phone")
