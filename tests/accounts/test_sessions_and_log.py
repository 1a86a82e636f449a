"""Signed-in sessions (the list, signing one or all out, idle and absolute timeouts) and the
security log (what it records, who may read and export it)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from meshutaf.accounts.models import ApiToken, SecurityEvent, SecurityEventKind, UserSession
from meshutaf.core.access import Role
from meshutaf.initiatives import services as initiative_services

from ..factories import InitiativeFactory, MembershipFactory, UserFactory

PASSWORD = "the-right-pass-phrase-2026"


@pytest.fixture
def dana(db):
    user = UserFactory(username="dana")
    user.set_password(PASSWORD)
    user.save()
    return user


def _browser(agent: str, address: str = "203.0.113.5") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent, HTTP_ACCEPT_LANGUAGE="en")


def _sign_in(client: Client, username="dana") -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _signed_in(client: Client) -> bool:
    return client.get("/accounts/settings/").status_code == 200


def test_the_list_names_each_browser_and_one_can_be_signed_out(dana):
    laptop, phone = _browser("Firefox on a laptop"), _browser("Phone browser", "198.51.100.9")
    _sign_in(laptop)
    _sign_in(phone)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Firefox on a laptop" in page
    assert "Phone browser" in page
    assert "198.51.100.9" in page
    assert "This browser" in page
    row = UserSession.objects.get(user=dana, browser="Phone browser")
    laptop.post(f"/accounts/sessions/{row.pk}/sign-out/")
    assert not _signed_in(phone)
    ended = SecurityEvent.objects.filter(kind=SecurityEventKind.SIGN_OUT).get()
    assert ended.detail == "198.51.100.9"
    assert ended.actor_name == "dana"
    assert _signed_in(laptop)


def test_no_one_reaches_another_users_session(dana):
    other = UserFactory(username="other")
    theirs = _browser("Theirs")
    theirs.force_login(other)
    theirs.get("/")
    row = UserSession.objects.get(user=other)
    mine = _browser("Mine")
    _sign_in(mine)
    assert mine.post(f"/accounts/sessions/{row.pk}/sign-out/").status_code == 404
    assert _signed_in(theirs)
    assert mine.get("/accounts/sessions/").content.decode().count("Theirs") == 0


def test_sign_out_everywhere_keeps_this_browser_and_may_revoke_tokens(dana):
    here, there, elsewhere = _browser("Here"), _browser("There"), _browser("Elsewhere")
    for client in (here, there, elsewhere):
        _sign_in(client)
    here.post("/accounts/settings/", {"form": "token", "name": "script"})
    response = here.post("/accounts/sessions/sign-out-everywhere/", {"tokens": "1"}, follow=True)
    page = response.content.decode()
    assert "2 other sessions were signed out." in page
    assert "1 API token was revoked." in page
    assert _signed_in(here)
    assert not _signed_in(there)
    assert not _signed_in(elsewhere)
    assert not ApiToken.objects.filter(user=dana, revoked_at__isnull=True).exists()
    assert list(UserSession.objects.filter(user=dana).values_list("browser", flat=True)) == ["Here"]


def test_an_idle_session_ends_and_says_why(dana, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = _browser("Idle")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client)
        clock.shift(dt.timedelta(minutes=29))
        assert _signed_in(client)  # activity restarts the idle clock
        clock.shift(dt.timedelta(minutes=29))
        assert _signed_in(client)
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/accounts/settings/", follow=True)
    page = response.content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_ENDED)
    assert event.detail == "idle"
    assert event.username == "dana"
    assert not UserSession.objects.filter(user=dana).exists()


def test_a_busy_session_still_ends_at_its_absolute_limit(dana, settings):
    settings.SESSION_IDLE_MINUTES = 60
    settings.SESSION_MAX_HOURS = 2
    client = _browser("Busy")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client)
        for _step in range(3):
            clock.shift(dt.timedelta(minutes=40))
            assert _signed_in(client)
        clock.shift(dt.timedelta(minutes=1))
        assert not _signed_in(client)
    assert SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_ENDED).detail == "maximum"


def test_the_log_records_sign_ins_failures_tokens_and_role_changes(dana):
    client = _browser("Logged")
    client.post("/accounts/login/", {"username": "dana", "password": "wrong"})
    _sign_in(client)
    client.post("/accounts/settings/", {"form": "token", "name": "nightly export"})
    token = ApiToken.objects.get(user=dana)
    client.post(f"/accounts/settings/tokens/{token.pk}/revoke/")
    client.post("/accounts/logout/")
    facilitator = UserFactory(username="fac")
    initiative = InitiativeFactory()
    MembershipFactory(initiative=initiative, user=facilitator, role=Role.FACILITATOR)
    membership = MembershipFactory(initiative=initiative, user=dana, role=Role.PARTNER)
    initiative_services.membership_set_role(
        membership=membership, role=Role.FACILITATOR, by=facilitator
    )
    events = list(SecurityEvent.objects.order_by("at", "pk"))
    kinds = [event.kind for event in events]
    assert kinds[:5] == [
        SecurityEventKind.SIGN_IN_FAILED,
        SecurityEventKind.SIGN_IN,
        SecurityEventKind.TOKEN_CREATED,
        SecurityEventKind.TOKEN_REVOKED,
        SecurityEventKind.SIGN_OUT,
    ]
    assert events[0].username == "dana"
    assert events[0].address == "203.0.113.5"
    assert events[2].detail == "nightly export"
    role = events[-1]
    assert role.kind == SecurityEventKind.ROLE_CHANGED
    assert role.username == "dana"
    assert role.actor_name == "fac"
    assert "facilitator" in role.detail


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 200), ("backbone", 403), ("member", 403), ("anonymous", 302)]
)
def test_only_administrators_read_and_export_the_log(dana, who, status):
    SecurityEvent.objects.create(kind=SecurityEventKind.SIGN_IN, username="=cmd|evil", detail="x")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if who != "anonymous":
        user = UserFactory(
            username=who, is_staff=who == "admin", is_backbone=who in ("admin", "backbone")
        )
        client.force_login(user)
    assert client.get("/accounts/security-log/").status_code == status
    response = client.get("/accounts/security-log/export/?kind=sign_in")
    assert response.status_code == status
    if status == 200:
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["When", "Event", "Account"]
        assert rows[-1][1:3] == ["Signed in", "'=cmd|evil"]
        assert SecurityEvent.objects.filter(kind=SecurityEventKind.SENSITIVE_EXPORT).exists()


def test_the_log_filters_and_pages_in_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=SecurityEventKind.SIGN_IN_FAILED, username=f"u{n}") for n in range(120)
    )
    client.get("/accounts/security-log/")
    with django_assert_max_num_queries(12):
        page = client.get("/accounts/security-log/?kind=sign_in_failed&page=2").content.decode()
    assert "Page 2 of 3" in page
    assert "u69" in page
    assert "u70" not in page
    bad = client.get("/accounts/security-log/?since=not-a-date&kind=nonsense")
    assert bad.status_code == 200


def test_an_export_with_sensitive_notes_is_logged_and_one_without_is_not(initiative, owner, member):
    facilitator = Client(HTTP_ACCEPT_LANGUAGE="en")
    facilitator.force_login(owner)
    assert facilitator.get(f"/initiatives/{initiative.pk}/stakeholders.csv").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SENSITIVE_EXPORT)
    assert event.username == "owner"
    assert event.detail.startswith(f"initiative-{initiative.pk}-stakeholders.csv")
    partner = Client(HTTP_ACCEPT_LANGUAGE="en")
    partner.force_login(member)
    assert partner.get(f"/initiatives/{initiative.pk}/stakeholders.csv").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SENSITIVE_EXPORT).count() == 1
