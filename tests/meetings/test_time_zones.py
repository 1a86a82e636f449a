"""A meeting's time names its zone only when the reader is in another one, by the zone's name in
the reader's language, never its raw id; pickers list zones by name and store the IANA id."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from meshutaf.meetings import services
from meshutaf.meetings.models import Meeting

from .conftest import make_meeting


def _client(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _pages(meeting) -> list[str]:
    return [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:list", args=[meeting.initiative_id]),
        reverse("meetings:dashboard_fragment"),
    ]


@pytest.fixture(autouse=True)
def site_in_jerusalem(settings):
    settings.TIME_ZONE = "Asia/Jerusalem"


@pytest.mark.parametrize(
    ("language", "london"), [("he", "שעון בריטניה"), ("en", "United Kingdom Time")]
)
def test_zone_shown_only_when_it_differs_from_the_readers(initiative, owner, language, london):
    here = make_meeting(initiative, owner, title="Here", time_zone="Asia/Jerusalem")
    abroad = make_meeting(initiative, owner, days=8, title="Abroad", time_zone="Europe/London")
    client = _client(owner, language)
    for url in _pages(here):
        body = client.get(url).content.decode()
        assert "Asia/Jerusalem" not in body, url
        assert "Europe/London" not in body, url
        if url == _pages(here)[0]:
            assert london not in body
    detail = client.get(_pages(abroad)[0]).content.decode()
    assert london in detail
    assert "Europe/London" not in detail
    listing = client.get(_pages(here)[1]).content.decode()
    assert listing.count(london) == 1


def test_a_reader_in_another_zone_sees_the_site_zone_named(initiative, owner):
    owner.time_zone = "Europe/London"
    owner.save()
    here = make_meeting(initiative, owner, title="Here", time_zone="Asia/Jerusalem")
    abroad = make_meeting(initiative, owner, days=8, title="Abroad", time_zone="Europe/London")
    client = _client(owner, "en")
    assert "Israel Time" in client.get(_pages(here)[0]).content.decode()
    assert "United Kingdom Time" not in client.get(_pages(abroad)[0]).content.decode()


def _options(body: str) -> dict[str, str]:
    select = re.search(r'<select name="time_zone"[^>]*>(.*?)</select>', body, re.S).group(1)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


@pytest.mark.parametrize(
    ("language", "london"), [("he", "שעון בריטניה"), ("en", "United Kingdom Time")]
)
def test_meeting_form_lists_zones_by_name_and_stores_the_id(initiative, owner, language, london):
    url = reverse("meetings:create", args=[initiative.pk])
    body = _client(owner, language).get(url).content.decode()
    options = _options(body)
    assert options["Europe/London"] == london
    assert len(options) > 400
    assert all("/" not in label for label in options.values())
    assert re.search(r'<option value="Asia/Jerusalem"[^>]*selected', body)
    response = _client(owner, language).post(
        url,
        {
            "title": "London roundtable",
            "kind": "roundtable",
            "status": "scheduled",
            "date": "2031-03-10",
            "start_time": "17:00",
            "end_time": "19:00",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.time_zone == "Europe/London"
    assert meeting.local_start.hour == 17


def test_meeting_form_starts_in_the_organisers_zone(initiative, owner):
    owner.time_zone = "America/New_York"
    owner.save()
    body = _client(owner, "en").get(reverse("meetings:create", args=[initiative.pk]))
    assert re.search(r'<option value="America/New_York"[^>]*selected', body.content.decode())


@pytest.mark.parametrize(
    ("reader_zone", "meeting_zone", "named"),
    [
        ("", "Asia/Jerusalem", None),
        ("", "Europe/London", "United Kingdom Time"),
        ("Europe/London", "Asia/Jerusalem", "Israel Time"),
    ],
)
def test_invitation_names_the_zone_only_for_a_reader_elsewhere(
    initiative,
    owner,
    member,
    mailoutbox,
    django_capture_on_commit_callbacks,
    reader_zone,
    meeting_zone,
    named,
):
    member.email, member.language, member.time_zone = "member@example.org", "en", reader_zone
    member.save()
    meeting = make_meeting(initiative, owner, time_zone=meeting_zone)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitees_add(meeting=meeting, by=owner, users=[member])
    (message,) = mailoutbox
    (when,) = [line for line in message.body.splitlines() if line.startswith("When:")]
    assert "/" not in when
    if named:
        assert when.endswith(named)
    else:
        assert "Time" not in when
