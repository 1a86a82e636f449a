"""Accounts: login, language choice, settings page and personal tokens."""

from django.test import Client
from django.urls import reverse

from meshutaf.accounts.models import ApiToken
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory


def test_login_page_is_hebrew_by_default(db):
    content = Client().get(reverse("accounts:login")).content.decode()
    assert '<html lang="he" dir="rtl">' in content


def test_accept_language_picks_arabic_and_english(db):
    arabic = Client(HTTP_ACCEPT_LANGUAGE="ar").get(reverse("accounts:login")).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    english = Client(HTTP_ACCEPT_LANGUAGE="en-US,en").get(reverse("accounts:login"))
    assert '<html lang="en" dir="ltr">' in english.content.decode()


def test_login_with_password(owner):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_is_refused(owner):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("accounts:login"), {"username": "owner", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_language_switch_is_saved_on_the_account(owner):
    client = client_for(owner)
    response = client.post(reverse("accounts:language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "ar"
    # The saved choice wins over the browser's language on any device.
    other_device = Client(HTTP_ACCEPT_LANGUAGE="en")
    other_device.force_login(owner)
    assert 'lang="ar"' in other_device.get("/").content.decode()


def test_language_switch_rejects_unknown_language_and_foreign_redirect(owner):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    owner.refresh_from_db()
    assert owner.language == ""


def test_anonymous_language_switch_uses_a_cookie(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.post(reverse("accounts:language"), {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get(reverse("accounts:login")).content.decode()


def test_settings_creates_and_revokes_tokens(owner, member):
    client = client_for(owner)
    response = client.post(
        reverse("accounts:settings"), {"form": "token", "name": "report bot"}, follow=True
    )
    raw = response.context["new_token"]
    assert raw.startswith("msh_")
    # Reloading shows the token no more and creates no second one.
    assert raw not in client.get(reverse("accounts:settings")).content.decode()
    assert ApiToken.objects.filter(user=owner).count() == 1
    token = ApiToken.objects.get(user=owner)
    assert (
        client_for(member).post(reverse("accounts:token_revoke", args=[token.pk])).status_code
        == 404
    )
    token.refresh_from_db()
    assert token.is_active
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert not token.is_active
    listing = client.get(reverse("accounts:settings")).content.decode()
    assert raw not in listing


def test_token_without_name_is_refused(owner):
    response = client_for(owner).post(reverse("accounts:settings"), {"form": "token", "name": ""})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_profile_rejects_bad_email(owner):
    response = client_for(owner).post(
        reverse("accounts:settings"),
        {"form": "profile", "first_name": "Noa", "email": "nope", "language": "en"},
    )
    assert "Enter a valid email address." in response.content.decode()
    owner.refresh_from_db()
    assert owner.email == "owner@example.org"


def test_password_reset_sends_mail(owner, mailoutbox):
    Client().post(reverse("accounts:password_reset"), {"email": owner.email})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_logout_needs_post(owner):
    client = client_for(owner)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_inactive_user_cannot_use_pages(db):
    user = UserFactory(is_active=False)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 302
