"""The note limits hold per person and per network, not per browser session: a new session is
a new participant, and it must not start a fresh allowance."""

import contextlib
import datetime
import re
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
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


def test_rejoining_cannot_reset_the_network_total(session, group_a, monkeypatch):
    """The rate allowance comes back every window, and each new browser session is a new
    participant with a fresh per-participant cap; the network's total over the whole session
    is what a client that keeps rejoining runs into."""
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS", 5)
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS_TOTAL", 12)
    start = timezone.now()
    saved_per_visit = []
    for visit in range(4):  # four windows apart, a new session each time
        when = start + visit * (services.ADDRESS_WINDOW + datetime.timedelta(seconds=1))
        with time_machine.travel(when, tick=False):
            client, joined = new_session(group_a, name=f"Visit {visit}")
            assert joined.status_code == 302
            before = Contribution.objects.count()
            for n in range(5):
                post_note(client, group_a, f"note {visit} {n}")
            saved_per_visit.append(Contribution.objects.count() - before)
    assert saved_per_visit == [5, 5, 2, 0]
    with time_machine.travel(start + 5 * services.ADDRESS_WINDOW, tick=False):
        # Withdrawing notes gives no allowance back either.
        for note in Contribution.objects.all():
            note.withdrawn = True
            note.save()
        client, _joined = new_session(group_a, name="Later")
        refused = post_note(client, group_a, "one more", follow=True)
        assert "reached its limit of notes from your network" in refused.content.decode()
        htmx = post_note(client, group_a, "and another", HTTP_HX_REQUEST="true")
        assert "reached its limit of notes from your network" in htmx.content.decode()
        assert Contribution.objects.count() == 12
        # Another network has its own total.
        other, _joined = new_session(group_a, address="198.51.100.4")
        assert post_note(other, group_a, "from elsewhere").status_code == 302
        assert Contribution.objects.count() == 13


def test_a_members_notes_do_not_use_the_rooms_total(session, group_a, owner, monkeypatch):
    """Notes a member writes as themselves (not by link) are not paced, so from the room's
    Wi-Fi they leave the participants' allowance alone."""
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS_TOTAL", 2)
    for n in range(3):
        services.contribution_add(
            group=group_a,
            section_key="questions",
            text=f"member note {n}",
            user=owner,
            address=ATTACKER,
        )
    client, _joined = new_session(group_a)
    assert [post_note(client, group_a, f"n{i}").status_code for i in range(2)] == [302, 302]
    assert Contribution.objects.filter(participant__isnull=False).count() == 2
    post_note(client, group_a, "third")
    assert Contribution.objects.filter(participant__isnull=False).count() == 2


@pytest.fixture
def queries_with_row_locks(monkeypatch):
    """Every query's SQL, with `SELECT … FOR UPDATE` visible on SQLite too: SQLite has no row
    locks and leaves the clause out, so here it is written as a comment SQLite ignores."""
    if not connection.features.has_select_for_update:
        monkeypatch.setattr(connection.features, "has_select_for_update", True)
        monkeypatch.setattr(connection.ops, "for_update_sql", lambda **_: "/* FOR UPDATE */")
    with CaptureQueriesContext(connection) as captured:
        yield captured


def _locked_before_reading(queries, table: str) -> bool:
    sqls = [query["sql"] for query in queries.captured_queries]
    session_table = '"workshops_workshopsession"'
    locks = [i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and session_table in sql]
    reads = [i for i, sql in enumerate(sqls) if sql.startswith("SELECT") and f'"{table}"' in sql]
    assert reads, sqls
    return bool(locks) and locks[0] < reads[0]


def test_joins_lock_the_session_before_counting(session, group_a, queries_with_row_locks):
    """Joins to one session are serialised like notes are, so parallel joins cannot all pass
    JOINS_PER_ADDRESS or MAX_PARTICIPANTS_PER_GROUP (a row lock on PostgreSQL)."""
    services.participant_join(group=group_a, display_name="Noa", address=ATTACKER)
    assert _locked_before_reading(queries_with_row_locks, "workshops_participant")


def test_notes_lock_the_session_before_counting(group_a, joined, queries_with_row_locks):
    services.contribution_add(
        group=group_a, section_key="questions", text="hello", participant=joined, address=ATTACKER
    )
    assert _locked_before_reading(queries_with_row_locks, "workshops_contribution")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("limit", ["JOINS_PER_ADDRESS", "MAX_PARTICIPANTS_PER_GROUP"])
def test_parallel_joins_cannot_pass_a_limit(session, group_a, monkeypatch, limit):
    """Two joins at the same moment with room for one: one joins, one is refused. Only
    PostgreSQL runs requests in parallel (SQLite writes one at a time)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs transactions in parallel")
    monkeypatch.setattr(services, limit, 1)
    # Hold each join just before it counts the network's joins until the other arrives too;
    # with the session locked the other never arrives, and the wait gives up after a while.
    together = threading.Barrier(2, timeout=3)
    counted = services._network_wait

    def wait_for_the_other(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait()
        return counted(*args, **kwargs)

    monkeypatch.setattr(services, "_network_wait", wait_for_the_other)
    outcomes = []
    addresses = [ATTACKER, ATTACKER] if limit == "JOINS_PER_ADDRESS" else [ATTACKER, "198.51.100.4"]

    def join(address):
        try:
            services.participant_join(group=group_a, display_name="Noa", address=address)
            outcomes.append("joined")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(address,)) for address in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["joined", "refused"]
    assert Participant.objects.count() == 1


def test_a_one_minute_wait_reads_in_the_singular(session, group_a, monkeypatch):
    monkeypatch.setattr(services, "ADDRESS_WINDOW", datetime.timedelta(seconds=30))
    monkeypatch.setattr(services, "JOINS_PER_ADDRESS", 1)
    monkeypatch.setattr(services, "NOTES_PER_ADDRESS", 1)
    client, _joined = new_session(group_a)
    post_note(client, group_a, "first")
    refused = post_note(client, group_a, "second", follow=True).content.decode()
    assert (
        "Many notes have come from your network in the last few minutes. "
        "Please try again in 1 minute."
    ) in refused
    _client, refused = new_session(group_a)
    assert (
        "Too many people have joined this workshop from your network in the last few minutes. "
        "Please try again in 1 minute, or ask the facilitator."
    ) in refused.content.decode()
