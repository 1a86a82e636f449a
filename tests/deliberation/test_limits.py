"""Vote stuffing: cookie-less requests from one network cannot start participants without end;
the limit is the facilitator's to set per conversation; bursts from one network are shown to
the facilitator, who may exclude them from the analysis and undo that."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meshutaf.deliberation import selectors, services
from meshutaf.deliberation.models import (
    DEFAULT_PARTICIPANT_LIMIT,
    Conversation,
    Participant,
    Vote,
)

from ..conftest import client_for

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"


def cookieless_vote(conversation, statement, *, address=ATTACKER, value="1", **headers):
    """One POST from a client that keeps no cookies: a new session every time."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address, **headers)
    return client.post(
        reverse("deliberation:vote", args=[conversation.token]),
        {"statement": statement.pk, "value": value},
    )


def agrees(statement) -> int:
    return Vote.objects.filter(statement=statement, value=1).count()


def test_cookieless_votes_from_one_network_stop_at_the_limit(conversation):
    statement = conversation.statements.first()
    attempts = DEFAULT_PARTICIPANT_LIMIT + 40
    statuses = [cookieless_vote(conversation, statement).status_code for _ in range(attempts)]
    assert statuses.count(302) == DEFAULT_PARTICIPANT_LIMIT
    assert statuses.count(429) == 40
    assert statuses[DEFAULT_PARTICIPANT_LIMIT:] == [429] * 40  # once refused, always refused
    assert conversation.participants.count() == DEFAULT_PARTICIPANT_LIMIT
    assert agrees(statement) == DEFAULT_PARTICIPANT_LIMIT


def test_a_refused_vote_says_why_and_changes_nothing(conversation):
    conversation.participant_limit = 2
    conversation.save()
    statement = conversation.statements.first()
    for _ in range(2):
        cookieless_vote(conversation, statement)
    before = (conversation.participants.count(), agrees(statement))
    conversation.refresh_from_db()
    changed_at = conversation.votes_changed_at
    refused = cookieless_vote(conversation, statement)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 10 * 60 + 1
    text = refused.content.decode()
    assert "Too many people have joined this conversation from your network" in text
    assert "try again in 10 minutes" in text
    assert (conversation.participants.count(), agrees(statement)) == before
    conversation.refresh_from_db()
    assert conversation.votes_changed_at == changed_at
    # With htmx the card comes back with the message (the page's script swaps a 429 in).
    htmx = cookieless_vote(conversation, statement, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429
    assert 'id="vote-card"' in htmx.content.decode()
    assert "Too many people have joined" in htmx.content.decode()
    # Adding a statement starts a participant too: refused the same way.
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=ATTACKER)
    response = client.post(
        reverse("deliberation:participant_statement", args=[conversation.token]),
        {"text": "Stuffed statement"},
    )
    assert response.status_code == 429
    assert not conversation.statements.filter(text="Stuffed statement").exists()


def test_others_and_returning_voters_are_not_affected(conversation):
    conversation.participant_limit = 2
    conversation.save()
    statements = list(conversation.statements.order_by("pk"))
    # Someone already taking part keeps voting: no new participant is started.
    regular = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=ATTACKER)
    url = reverse("deliberation:vote", args=[conversation.token])
    assert regular.post(url, {"statement": statements[0].pk, "value": 1}).status_code == 302
    cookieless_vote(conversation, statements[0])
    assert cookieless_vote(conversation, statements[0]).status_code == 429
    assert regular.post(url, {"statement": statements[1].pk, "value": -1}).status_code == 302
    # Another network is counted on its own.
    assert cookieless_vote(conversation, statements[0], address="198.51.100.4").status_code == 302


def test_the_window_passes(conversation):
    conversation.participant_limit = 2
    conversation.participant_limit_minutes = 5
    conversation.save()
    statement = conversation.statements.first()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [cookieless_vote(conversation, statement).status_code for _ in range(3)] == [
            302,
            302,
            429,
        ]
    with time_machine.travel(start + datetime.timedelta(minutes=4), tick=False):
        assert cookieless_vote(conversation, statement).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=5, seconds=1), tick=False):
        assert cookieless_vote(conversation, statement).status_code == 302


def test_an_ipv6_client_cannot_hop_within_its_network(conversation):
    conversation.participant_limit = 3
    conversation.save()
    statement = conversation.statements.first()
    codes = [
        cookieless_vote(conversation, statement, address=f"2001:db8:1:2::{i:x}").status_code
        for i in range(1, 6)
    ]
    assert codes == [302, 302, 302, 429, 429]
    other = cookieless_vote(conversation, statement, address="2001:db8:1:3::1")
    assert other.status_code == 302


def test_behind_a_proxy_the_proxys_address_counts_not_a_forged_one(conversation, settings):
    conversation.participant_limit = 2
    conversation.save()
    statement = conversation.statements.first()

    def through_proxy(forged: str):
        return cookieless_vote(
            conversation,
            statement,
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged}, {ATTACKER}",
        ).status_code

    settings.BEHIND_PROXY = True
    # The attacker writes a new first entry every time; the proxy's own entry stays theirs.
    assert [through_proxy(f"10.0.0.{i}") for i in range(3)] == [302, 302, 429]
    # A different client behind the same proxy is counted apart.
    assert (
        cookieless_vote(
            conversation, statement, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9"
        ).status_code
        == 302
    )
    # Without the proxy setting the header is ignored: everyone is the proxy's address.
    settings.BEHIND_PROXY = False
    settings.USE_X_FORWARDED_HOST = False
    codes = [through_proxy(f"192.0.2.{i}") for i in range(3)]
    assert codes == [302, 302, 429]


def test_no_address_is_stored_only_a_hash_per_conversation(conversation, initiative, owner):
    statement = conversation.statements.first()
    cookieless_vote(conversation, statement)
    other = services.conversation_create(initiative=initiative, by=owner, title="B", question="?")
    services.statement_add(conversation=other, text="Another statement", by=owner)
    services.conversation_set_status(conversation=other, by=owner, status="open")
    cookieless_vote(other, other.statements.first())
    first = Participant.objects.get(conversation=conversation)
    second = Participant.objects.get(conversation=other)
    assert re.fullmatch(r"[0-9a-f]{32}", first.address_hash)
    assert first.address_hash != second.address_hash  # not linkable across conversations
    stored = " ".join(str(value) for value in Participant.objects.values_list().all())
    assert ATTACKER not in stored


def test_the_facilitator_sets_the_limit_on_the_edit_form(conversation, owner, member):
    url = reverse("deliberation:edit", args=[conversation.pk])
    page = client_for(owner).get(url).content.decode()
    assert 'name="participant_limit"' in page
    assert 'name="participant_limit_minutes"' in page
    data = {
        "title": conversation.title,
        "question": conversation.question,
        "moderation": conversation.moderation,
        "allow_anonymous": "on",
        "participant_limit": "3",
        "participant_limit_minutes": "60",
    }
    assert client_for(member).post(url, data).status_code == 403
    assert client_for(owner).post(url, data).status_code == 302
    conversation.refresh_from_db()
    assert (conversation.participant_limit, conversation.participant_limit_minutes) == (3, 60)
    statement = conversation.statements.first()
    assert [cookieless_vote(conversation, statement).status_code for _ in range(4)] == [
        302,
        302,
        302,
        429,
    ]
    refused = client_for(owner).post(url, {**data, "participant_limit_minutes": "0"})
    assert refused.status_code == 200
    conversation.refresh_from_db()
    assert conversation.participant_limit_minutes == 60
    # 0: no limit, for a facilitator who knows the whole room shares one address.
    client_for(owner).post(url, {**data, "participant_limit": "0"})
    assert cookieless_vote(conversation, statement).status_code == 302


def _stuff(conversation, count, *, address=ATTACKER, value=1):
    statement = conversation.statements.order_by("pk").first()
    for _ in range(count):
        assert (
            cookieless_vote(conversation, statement, address=address, value=value).status_code
            == 302
        )
    return statement


def test_the_facilitator_sees_a_burst_and_excludes_it(
    conversation, owner, member, outsider, django_capture_on_commit_callbacks
):
    statement = conversation.statements.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        # Four honest people from four networks disagree...
        for index in range(4):
            cookieless_vote(conversation, statement, address=f"198.51.100.{index + 1}", value=-1)
        # ...and one network starts twelve participants who all agree.
        _stuff(conversation, 12)
    conversation.refresh_from_db()
    assert conversation.analysis["statements"][str(statement.pk)]["agree"] == 12

    bursts = selectors.participant_bursts(conversation=conversation)
    assert [(b["size"], b["votes"], b["excluded"]) for b in bursts] == [(12, 12, 0)]
    detail = reverse("deliberation:detail", args=[conversation.pk])
    page = client_for(owner).get(detail).content.decode()
    assert "Many joins from one network" in page
    assert "Exclude from the analysis" in page
    assert ATTACKER not in page
    assert "Exclude from the analysis" not in client_for(member).get(detail).content.decode()

    burst = bursts[0]
    form = {
        "network": burst["address"],
        "first": burst["first"].isoformat(),
        "last": burst["last"].isoformat(),
        "action": "exclude",
    }
    url = reverse("deliberation:participants_exclude", args=[conversation.pk])
    assert client_for(member).post(url, form).status_code == 403
    assert client_for(outsider).post(url, form).status_code == 404
    assert not conversation.participants.filter(excluded=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(url, form)
    assert response.status_code == 302
    assert conversation.participants.filter(excluded=True).count() == 12
    conversation.refresh_from_db()
    # The map counts only the four honest votes; nothing was deleted.
    assert conversation.analysis["statements"][str(statement.pk)] == {
        **conversation.analysis["statements"][str(statement.pk)],
        "agree": 0,
        "disagree": 4,
    }
    assert conversation.analysis["n_participants"] == 4
    assert Vote.objects.filter(statement=statement).count() == 16
    counted = selectors.statement_list(conversation=conversation).get(pk=statement.pk)
    assert (counted.agree_count, counted.disagree_count) == (0, 4)
    assert selectors.vote_count(conversation=conversation) == 4
    votes, _comments = selectors.export_rows(conversation)
    assert len(votes) == 4
    page = client_for(owner).get(detail).content.decode()
    assert "Include again" in page

    # Undo.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).post(url, {**form, "action": "include"})
    assert not conversation.participants.filter(excluded=True).exists()
    conversation.refresh_from_db()
    assert conversation.analysis["statements"][str(statement.pk)]["agree"] == 12


def _exclude(owner, conversation, *, network, first, last, action="exclude"):
    url = reverse("deliberation:participants_exclude", args=[conversation.pk])
    form = {"network": network, "first": first, "last": last, "action": action}
    return client_for(owner).post(url, form, follow=True)


def test_a_tampered_burst_changes_nothing(conversation, owner):
    """The form names a burst by its network and its first and last join; the service
    excludes only participants of a burst the page showed, whatever the times are changed to."""
    start = timezone.now() - datetime.timedelta(hours=3)
    # The same network: one join an hour before the burst, the burst of six, one an hour
    # after; and a burst of six from another network, five seconds behind.
    with time_machine.travel(start, tick=False):
        _stuff(conversation, 1)
    for n in range(6):
        when = start + datetime.timedelta(hours=1, seconds=10 * n)
        with time_machine.travel(when, tick=False):
            _stuff(conversation, 1)
        with time_machine.travel(when + datetime.timedelta(seconds=5), tick=False):
            _stuff(conversation, 1, address="198.51.100.4")
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        _stuff(conversation, 1)
    attacker = conversation.participants.order_by("created_at").first().address_hash
    [burst, other] = sorted(
        selectors.participant_bursts(conversation=conversation),
        key=lambda b: b["address"] != attacker,
    )
    assert (burst["size"], other["size"]) == (6, 6)
    network, first, last = burst["address"], burst["first"], burst["last"]
    hour = datetime.timedelta(hours=1)
    second = datetime.timedelta(seconds=1)
    for tampered in (
        {"first": last.isoformat(), "last": first.isoformat()},  # first after last
        {"first": "yesterday", "last": last.isoformat()},
        {"first": first.isoformat(), "last": "2025-13-40T25:00"},
        {"first": (first - hour).isoformat(), "last": (last + hour).isoformat()},  # all eight
        {"first": (first - hour).isoformat(), "last": last.isoformat()},  # and the one before
        {"first": first.isoformat(), "last": (last + hour).isoformat()},  # and the one after
        {"first": (first - second).isoformat(), "last": last.isoformat()},
        {"first": (first + second).isoformat(), "last": last.isoformat()},  # not its start
        {"first": (first - 2 * hour).isoformat(), "last": (last + 2 * hour).isoformat()},
        # The lone join before the burst, as if it were a burst of its own.
        {"first": (first - hour).isoformat(), "last": (first - hour).isoformat()},
    ):
        response = _exclude(owner, conversation, network=network, **tampered)
        assert response.status_code == 200
        assert not conversation.participants.filter(excluded=True).exists(), tampered
    # Another network's hash with this burst's times, and this network's with the other's.
    _exclude(owner, conversation, network=other["address"], first=first, last=last)
    _exclude(owner, conversation, network=network, first=other["first"], last=other["last"])
    assert not conversation.participants.filter(excluded=True).exists()
    refused = _exclude(owner, conversation, network=network, first=first - hour, last=last + hour)
    assert "was not found; reload the page" in refused.content.decode()
    # The burst as shown is excluded, and nobody else.
    _exclude(owner, conversation, network=network, first=first.isoformat(), last=last.isoformat())
    assert conversation.participants.filter(excluded=True).count() == 6
    excluded = conversation.participants.filter(excluded=True)
    assert all(first <= when <= last for when in excluded.values_list("created_at", flat=True))


def test_joins_after_the_page_was_shown_are_not_excluded_unseen(conversation, owner):
    start = timezone.now() - datetime.timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        _stuff(conversation, 5)
    [shown] = selectors.participant_bursts(conversation=conversation)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        _stuff(conversation, 3)  # the burst goes on while the facilitator reads the page
    response = _exclude(
        owner,
        conversation,
        network=shown["address"],
        first=shown["first"].isoformat(),
        last=shown["last"].isoformat(),
    )
    assert "5 participants were excluded from the analysis." in response.content.decode()
    [burst] = selectors.participant_bursts(conversation=conversation)
    assert (burst["size"], burst["excluded"]) == (8, 5)


def test_small_groups_are_not_bursts_and_members_never_are(conversation, member):
    _stuff(conversation, selectors.BURST_MIN_SIZE - 1)
    services.participant_for_user(conversation=conversation, user=member)
    assert selectors.participant_bursts(conversation=conversation) == []


def test_a_slow_trickle_from_one_network_is_two_bursts_when_it_pauses(conversation):
    statement = conversation.statements.first()
    start = timezone.now()
    for minute in [0, 1, 2, 3, 4, 30, 31, 32, 33, 34, 35]:
        with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
            assert cookieless_vote(conversation, statement).status_code == 302
    sizes = [b["size"] for b in selectors.participant_bursts(conversation=conversation)]
    assert sizes == [6, 5]
    networks = {b["network"] for b in selectors.participant_bursts(conversation=conversation)}
    assert networks == {1}


def test_detail_page_queries_stay_flat_with_bursts(
    conversation, owner, django_assert_max_num_queries
):
    client = client_for(owner)
    detail = reverse("deliberation:detail", args=[conversation.pk])
    _stuff(conversation, 6)
    client.get(detail)
    with django_assert_max_num_queries(11):
        client.get(detail)
    _stuff(conversation, 20, address="198.51.100.77")
    with django_assert_max_num_queries(11):
        client.get(detail)
    assert Conversation.objects.get(pk=conversation.pk).participants.count() == 26


def test_a_one_minute_limit_reads_in_the_singular(conversation, owner):
    """Each number has its own sentence and its own plural, so no "1 minutes" or "1 people"."""
    conversation.participant_limit = 1
    conversation.participant_limit_minutes = 1
    conversation.save()
    statement = conversation.statements.first()
    assert cookieless_vote(conversation, statement).status_code == 302
    refused = cookieless_vote(conversation, statement).content.decode()
    assert (
        "Too many people have joined this conversation from your network in the last 1 minute. "
        "Please try again in 1 minute, or ask the facilitator."
    ) in refused
    detail = reverse("deliberation:detail", args=[conversation.pk])
    page = client_for(owner).get(detail).content.decode()
    assert "Joins from one network are counted over the last 1 minute." in page
    assert "At most 1 person may join from one network in that time." in page
    assert "1 minutes" not in page


def test_the_wait_is_counted_in_plural_minutes_too(conversation):
    conversation.participant_limit = 1
    conversation.save()
    statement = conversation.statements.first()
    cookieless_vote(conversation, statement)
    refused = cookieless_vote(conversation, statement).content.decode()
    assert "from your network in the last 10 minutes. Please try again in 10 minutes" in refused


def test_a_burst_is_called_a_group_of_joins(conversation, owner):
    _stuff(conversation, 6)
    [burst] = selectors.participant_bursts(conversation=conversation)
    response = _exclude(
        owner,
        conversation,
        network=burst["address"],
        first=burst["first"].isoformat(),
        last=(burst["first"] - datetime.timedelta(seconds=1)).isoformat(),
    )
    assert "This group of joins was not found; reload the page." in response.content.decode()
    services.participants_set_excluded(
        conversation=conversation,
        by=owner,
        address_hash=burst["address"],
        first=burst["first"],
        last=burst["first"],
        excluded=True,
    )
    page = client_for(owner).get(reverse("deliberation:detail", args=[conversation.pk]))
    shown = re.sub(r"<[^>]*>", " ", page.content.decode())  # the text, not the markup
    assert "1 excluded" in shown
    assert "burst" not in shown.lower()
