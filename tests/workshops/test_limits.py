"""The note limits hold per person and per network, not per browser session: a new session is
a new participant, and it must not start a fresh allowance."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meshutaf.workshops import services
from meshutaf.workshops.models import Contribution, Participant

from .test_participate import post_note

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"


def new_session(group, *, address=ATTACKER, name="Noa"):
    """A browser that kept no cookies: joins the group again, as a new participant."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
    url = reverse("workshops:participate", args=[group.join_token])
    response = client.post(url, {"display_name": name})
    return client, response


def test_a_new_session_does_not_reset_the_note_cap(session, group_a, monkeypatch):
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS", 12)
    statuses = []
    for visit in range(6):  # six browser sessions from one network, five notes each
        client, joined = new_session(group_a)
        assert joined.status_code == 302
        for n in range(5):
            response = post_note(client, group_a, f"note {visit} {n}")
            statuses.append(response.status_code)
    assert Contribution.objects.count() == 12
    assert statuses.count(302) == 12
    assert statuses.count(429) == 18
    # Another network is not held up by this one.
    client, _joined = new_session(group_a, address="198.51.100.4")
    assert post_note(client, group_a, "from elsewhere").status_code == 302


def test_the_per_minute_pace_holds_for_a_returning_member(session, group_a, member):
    """A member joining again in a new session is the same person: the pace counts both."""
    first = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.1")
    first.force_login(member)
    url = reverse("workshops:participate", args=[group_a.join_token])
    first.post(url, {"display_name": "Amir"})
    for n in range(services.PER_MINUTE):
        assert post_note(first, group_a, f"n{n}").status_code == 302
    second = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.2")
    second.force_login(member)
    second.post(url, {"display_name": "Amir"})
    assert Participant.objects.filter(user=member).count() == 2
    refused = post_note(second, group_a, "one more")
    assert refused.status_code == 429
    assert "That was a lot in one minute" in refused.content.decode()
    assert Contribution.objects.count() == services.PER_MINUTE


def test_a_refused_note_says_why_with_429_and_changes_nothing(session, group_a, monkeypatch):
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS", 1)
    client, _joined = new_session(group_a)
    assert post_note(client, group_a, "first").status_code == 302
    session.refresh_from_db()
    version = session.version
    refused = post_note(client, group_a, "second", HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    body = refused.content.decode()
    assert "Many notes have come from your network" in body
    assert 'id="status-matrix-organisation-price"' in body  # beside the cell, for htmx
    plain = post_note(client, group_a, "third")
    assert plain.status_code == 429
    assert "Many notes have come from your network" in plain.content.decode()
    assert list(Contribution.objects.values_list("text", flat=True)) == ["first"]
    session.refresh_from_db()
    assert session.version == version


def test_the_network_allowance_comes_back_after_the_window(session, group_a, monkeypatch):
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS", 2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client, _joined = new_session(group_a)
        assert [post_note(client, group_a, f"n{i}").status_code for i in range(3)] == [
            302,
            302,
            429,
        ]
    later = start + services.ADDRESS_WINDOW + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert post_note(client, group_a, "again").status_code == 302


def test_joins_from_one_network_are_limited(session, group_a, monkeypatch):
    monkeypatch.setattr(services, "JOINS_PER_ADDRESS", 3)
    codes = [new_session(group_a)[1].status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert Participant.objects.count() == 3
    _client, refused = new_session(group_a)
    assert "Too many people have joined this workshop from your network" in (
        refused.content.decode()
    )
    assert new_session(group_a, address="198.51.100.4")[1].status_code == 302


def test_only_a_hash_of_the_network_is_stored(session, group_a):
    client, _joined = new_session(group_a)
    post_note(client, group_a, "hello")
    participant = Participant.objects.get()
    note = Contribution.objects.get()
    assert re.fullmatch(r"[0-9a-f]{32}", participant.address_hash)
    assert note.address_hash == participant.address_hash
    stored = " ".join(map(str, Participant.objects.values_list())) + " ".join(
        map(str, Contribution.objects.values_list())
    )
    assert ATTACKER not in stored
