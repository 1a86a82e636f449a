"""A personal time zone in the settings: chosen by its name in the reader's language, stored as
the IANA id, refused when unknown, and used for every time the user reads."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone


def _client(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _profile(user, **changes) -> dict:
    return {
        "form": "profile",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": "",
        "time_zone": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("language", "site", "london"),
    [("he", "שעון ישראל", "שעון בריטניה"), ("en", "Israel Time", "United Kingdom Time")],
)
def test_settings_offer_zones_by_name(owner, settings, language, site, london):
    settings.TIME_ZONE = "Asia/Jerusalem"
    body = _client(owner, language).get(reverse("accounts:settings")).content.decode()
    select = re.search(r'<select name="time_zone"[^>]*>(.*?)</select>', body, re.S).group(1)
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))
    assert options["Europe/London"] == london
    assert site in options[""]  # empty: the site's zone, named
    assert all("/" not in label for label in options.values())


def test_a_chosen_zone_is_stored_and_used(owner, settings):
    settings.TIME_ZONE = "Asia/Jerusalem"
    client = _client(owner, "en")
    response = client.post(reverse("accounts:settings"), _profile(owner, time_zone="Europe/London"))
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.time_zone == "Europe/London"
    client.get(reverse("accounts:settings"))
    assert timezone.get_current_timezone_name() == "Europe/London"

    client.post(reverse("accounts:settings"), _profile(owner, time_zone=""))
    owner.refresh_from_db()
    assert owner.time_zone == ""
    client.get(reverse("accounts:settings"))
    assert timezone.get_current_timezone_name() == "Asia/Jerusalem"


def test_an_unknown_zone_changes_nothing(owner):
    owner.time_zone = "Europe/Berlin"
    owner.save()
    response = _client(owner, "en").post(
        reverse("accounts:settings"), _profile(owner, first_name="Changed", time_zone="Mars/Base")
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["profile_form"].errors
    owner.refresh_from_db()
    assert (owner.time_zone, owner.first_name) == ("Europe/Berlin", "Noa")


def test_one_users_zone_never_reaches_the_next_request(owner, member, settings):
    settings.TIME_ZONE = "Asia/Jerusalem"
    owner.time_zone = "America/New_York"
    owner.save()
    _client(owner, "en").get(reverse("accounts:settings"))
    assert timezone.get_current_timezone_name() == "America/New_York"
    _client(member, "en").get(reverse("accounts:settings"))
    assert timezone.get_current_timezone_name() == "Asia/Jerusalem"
    Client().get(reverse("accounts:login"))
    assert timezone.get_current_timezone_name() == "Asia/Jerusalem"
