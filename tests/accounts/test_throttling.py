"""Sign-in throttling (by account and by address, the admin's sign-in included) and the limit
on password-reset e-mails."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from ..factories import UserFactory

PASSWORD = "the-right-pass-phrase-2026"


@pytest.fixture
def dana(db):
    user = UserFactory(username="dana", email="dana@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def _client(address="203.0.113.5", language="en"):
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def _sign_in(client, username, password, path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_pause_the_account_even_for_the_right_one(dana):
    client = _client()
    for _ in range(4):
        assert _sign_in(client, "dana", "wrong").status_code == 200
    assert _sign_in(client, "dana", "wrong").status_code == 429
    response = _sign_in(client, "dana", PASSWORD)
    assert response.status_code == 429
    assert "signing in is paused for 15 minutes" in response.content.decode()
    assert not _signed_in(client)


def test_the_pause_holds_from_another_address(dana):
    for _ in range(5):
        _sign_in(_client("203.0.113.5"), "dana", "wrong")
    elsewhere = _client("198.51.100.7")
    assert _sign_in(elsewhere, "dana", PASSWORD).status_code == 429
    assert not _signed_in(elsewhere)


def test_an_address_that_guesses_at_many_accounts_is_paused(dana):
    client = _client()
    for number in range(5):
        _sign_in(client, f"someone{number}", "guess")
    assert _sign_in(client, "dana", PASSWORD).status_code == 429
    assert _signed_in(_client("198.51.100.7")) is False
    other = _client("198.51.100.7")
    _sign_in(other, "dana", PASSWORD)
    assert _signed_in(other)


def test_the_admin_signs_in_through_the_throttled_site_sign_in(dana):
    """The admin's own sign-in form is not served: it would skip the second step."""
    dana.is_staff = True
    dana.save()
    client = _client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    assert _sign_in(client, "dana", "wrong", path="/admin/login/").status_code == 302
    for _ in range(5):
        _sign_in(client, "dana", "wrong")
    response = _sign_in(client, "dana", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_sign_in_works_again_after_the_cool_off(dana):
    client = _client()
    for _ in range(5):
        _sign_in(client, "dana", "wrong")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _sign_in(client, "dana", PASSWORD).status_code == 302
        assert _signed_in(client)


def test_a_right_password_before_the_limit_clears_the_count(dana):
    client = _client()
    for _ in range(4):
        _sign_in(client, "dana", "wrong")
    assert _sign_in(client, "dana", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _sign_in(client, "dana", "wrong")
    assert _sign_in(client, "dana", PASSWORD).status_code == 302


def test_the_pause_is_explained_in_the_users_language(dana):
    client = _client(language="he")
    for _ in range(5):
        _sign_in(client, "dana", "wrong")
    response = _sign_in(client, "dana", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert 'lang="he"' in page
    assert "15 דקות" in page


def test_password_reset_mail_is_limited_per_address_of_mail(dana):
    client = _client()
    for _ in range(3):
        assert client.post("/accounts/password/reset/", {"email": dana.email}).status_code == 302
    response = client.post("/accounts/password/reset/", {"email": dana.email})
    assert response.status_code == 429
    assert "Too many password-reset requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_client_address(dana):
    client = _client()
    for number in range(10):
        client.post("/accounts/password/reset/", {"email": f"nobody{number}@example.org"})
    response = client.post("/accounts/password/reset/", {"email": dana.email})
    assert response.status_code == 429
    assert mail.outbox == []


def test_a_successful_sign_in_leaves_no_record_of_the_address(dana):
    from axes.models import AccessLog

    client = _client()
    assert _sign_in(client, "dana", PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()
