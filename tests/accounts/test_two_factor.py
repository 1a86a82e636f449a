"""Two-factor sign-in: setting up an authenticator, the two-step sign-in, recovery codes, the
shared throttle, the site's policy, and what the security log records."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from meshutaf.accounts import services
from meshutaf.accounts.models import SecurityEvent, SecurityEventKind
from meshutaf.core.access import Role

from ..factories import InitiativeFactory, MembershipFactory, UserFactory
from .two_factor_help import app_code, wrong_code

PASSWORD = "the-right-pass-phrase-2026"


@pytest.fixture
def dana(db):
    user = UserFactory(username="dana", email="dana@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def _client():
    return Client(REMOTE_ADDR="203.0.113.5", HTTP_ACCEPT_LANGUAGE="en")


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _enrol(client) -> tuple[TOTPDevice, list[str]]:
    """Set up the app through the pages, as a user would; return the device and the codes."""
    assert client.post("/accounts/two-factor/", {"action": "start"}).status_code == 302
    page = client.get("/accounts/two-factor/").content.decode()
    assert "<svg" in page
    assert "totp-secret" in page
    device = TOTPDevice.objects.get(user__username="dana", confirmed=False)
    response = client.post(
        "/accounts/two-factor/", {"action": "confirm", "code": app_code(device)}, follow=True
    )
    page = response.content.decode()
    assert "Two-factor sign-in is on." in page
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def enrolled(dana):
    client = _client()
    client.force_login(dana)
    device, codes = _enrol(client)
    return device, codes


def _password_step(client, password=PASSWORD, next_url=""):
    data = {"username": "dana", "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_setting_up_shows_ten_recovery_codes_once_and_stores_only_their_keyed_hashes(
    dana, enrolled
):
    device, codes = enrolled
    assert device.confirmed
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=dana).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    assert not stored & {code.replace("-", "") for code in codes}
    assert {services.recovery_code_digest(code) for code in codes} == stored
    kinds = list(SecurityEvent.objects.filter(user=dana).values_list("kind", flat=True))
    assert SecurityEventKind.TWO_FACTOR_ENABLED in kinds
    assert SecurityEventKind.RECOVERY_CODES_CREATED in kinds


def test_a_wrong_code_does_not_confirm_the_app(dana):
    client = _client()
    client.force_login(dana)
    client.post("/accounts/two-factor/", {"action": "start"})
    device = TOTPDevice.objects.get(user=dana)
    response = client.post("/accounts/two-factor/", {"action": "confirm", "code": "12ab"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    response = client.post(
        "/accounts/two-factor/", {"action": "confirm", "code": wrong_code(device)}
    )
    assert response.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=dana).exists()


def test_the_password_alone_no_longer_signs_in_and_the_code_does(dana, enrolled):
    device, _codes = enrolled
    client = _client()
    response = _password_step(client, next_url="/directory/")
    assert response["Location"] == "/accounts/login/code/"
    assert not _signed_in(client)
    # Nothing behind the sign-in opens between the two steps.
    assert client.get("/").status_code == 302
    response = client.post("/accounts/login/code/", {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response["Location"] == "/directory/"
    assert _signed_in(client)
    event = SecurityEvent.objects.filter(user=dana, kind=SecurityEventKind.SIGN_IN).latest("at")
    assert event.detail == "2FA"
    assert event.address == "203.0.113.5"


def test_a_recovery_code_signs_in_once(dana, enrolled):
    _device, codes = enrolled
    client = _client()
    _password_step(client)
    response = client.post("/accounts/login/code/", {"code": codes[0].upper()}, follow=True)
    assert _signed_in(client)
    assert "9 are left" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.RECOVERY_CODE_USED).count() == 1
    again = _client()
    _password_step(again)
    response = again.post("/accounts/login/code/", {"code": codes[0]})
    assert response.status_code == 400
    assert not _signed_in(again)


def test_wrong_codes_pause_sign_in_with_their_own_message_and_the_right_code_waits(dana, enrolled):
    device, _codes = enrolled
    client = _client()
    _password_step(client)
    bad = wrong_code(device)
    for _attempt in range(4):
        response = client.post("/accounts/login/code/", {"code": bad})
        assert response.status_code == 400
    response = client.post("/accounts/login/code/", {"code": bad})
    assert response.status_code == 429
    assert "too many wrong codes" in response.content.decode()
    # The half-done sign-in is gone, and a new one is refused even with the password.
    assert client.post("/accounts/login/code/", {"code": app_code(device)}).status_code == 302
    kinds = list(SecurityEvent.objects.values_list("kind", flat=True))
    assert kinds.count(SecurityEventKind.TWO_FACTOR_FAILED) == 5
    assert SecurityEventKind.LOCKED_OUT in kinds
    assert SecurityEventKind.SIGN_IN_FAILED not in kinds  # a wrong code is logged once, as such
    assert _password_step(client).status_code == 429
    assert not _signed_in(client)


def test_the_second_step_expires_and_cannot_be_reached_without_the_first(dana, enrolled):
    device, _codes = enrolled
    client = _client()
    response = client.get("/accounts/login/code/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    _password_step(client)
    session = client.session
    pending = session["meshutaf_2fa_pending"]
    session["meshutaf_2fa_pending"] = {**pending, "at": pending["at"] - 301}
    session.save()
    response = client.post("/accounts/login/code/", {"code": app_code(device, steps_ahead=1)})
    assert response["Location"] == "/accounts/login/"
    assert not _signed_in(client)


@pytest.mark.parametrize("role", [Role.FACILITATOR, "staff"])
def test_the_policy_holds_a_facilitator_or_staff_on_the_setup_page(settings, db, role):
    settings.TWO_FACTOR_REQUIRED_FOR = ["staff", "facilitators"]
    user = UserFactory(username="held", is_backbone=role == "staff")
    if role == Role.FACILITATOR:
        MembershipFactory(initiative=InitiativeFactory(), user=user, role=Role.FACILITATOR)
    client = _client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/accounts/two-factor/").status_code == 200
    response = client.get("/api/v1/initiatives")
    assert response.status_code == 403
    # Once on, the site opens; and it cannot be turned off while the role requires it.
    client.post("/accounts/two-factor/", {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    client.post("/accounts/two-factor/", {"action": "confirm", "code": app_code(device)})
    assert client.get("/").status_code == 200
    response = client.post(
        "/accounts/two-factor/",
        {"action": "disable", "code": app_code(device, steps_ahead=1)},
    )
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_policy_leaves_partners_free_and_none_turns_it_off(settings, db):
    partner = UserFactory(username="partner-x")
    MembershipFactory(initiative=InitiativeFactory(), user=partner, role=Role.PARTNER)
    staff = UserFactory(username="staff-x", is_backbone=True)
    settings.TWO_FACTOR_REQUIRED_FOR = ["staff", "facilitators"]
    client = _client()
    client.force_login(partner)
    assert client.get("/").status_code == 200
    settings.TWO_FACTOR_REQUIRED_FOR = ["none"]
    client = _client()
    client.force_login(staff)
    assert client.get("/").status_code == 200


def test_a_session_from_before_setup_is_signed_out(dana):
    old = _client()
    old.force_login(dana)
    assert old.get("/").status_code == 200
    new = _client()
    new.force_login(dana)
    _enrol(new)
    session = old.session
    session.pop("meshutaf_2fa_checked", None)
    session.save()
    response = old.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not _signed_in(old)


def test_turning_off_needs_a_right_code(dana, enrolled):
    device, _codes = enrolled
    client = _client()
    _password_step(client)
    client.post("/accounts/login/code/", {"code": app_code(device, steps_ahead=1)})
    response = client.post("/accounts/two-factor/", {"action": "disable", "code": "000000x"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=dana).exists()
    response = client.post(
        "/accounts/two-factor/", {"action": "disable", "code": app_code(device, steps_ahead=2)}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=dana).exists()
    assert not StaticToken.objects.filter(device__user=dana).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_DISABLED).exists()
    assert _password_step(_client())["Location"] == "/"
