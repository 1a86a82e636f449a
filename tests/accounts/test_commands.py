"""The `meshutaf` console script: users, tokens, help in the terminal's language."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from meshutaf import cli
from meshutaf.accounts import services
from meshutaf.accounts.models import ApiToken, SecurityEvent, SecurityEventKind


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")


def test_createuser_and_token(db, capsys):
    assert cli.main(["createuser", "dana", "--password", "a-long-pass-phrase", "--backbone"]) == 0
    user = get_user_model().objects.get(username="dana")
    assert user.is_backbone
    assert not user.is_superuser
    assert cli.main(["token", "create", "dana", "--name", "sync"]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("msh_")
    assert ApiToken.objects.get(user=user).name == "sync"


def test_two_factor_reset_turns_it_off_signs_out_and_logs_it(db, capsys):
    assert cli.main(["createuser", "dana", "--password", "a-long-pass-phrase"]) == 0
    user = get_user_model().objects.get(username="dana")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    services.recovery_codes_create(user=user)
    browser = Client()
    browser.force_login(user)
    assert cli.main(["two-factor-reset", "dana"]) == 0
    assert "1 session was signed out" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert browser.get("/accounts/settings/").status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_DISABLED)
    assert event.username == "dana"
    assert event.actor is None
    assert cli.main(["two-factor-reset", "nobody"]) != 0


def test_createuser_staff_is_superuser(db):
    assert cli.main(["createuser", "admin", "--password", "a-long-pass-phrase", "--staff"]) == 0
    assert get_user_model().objects.get(username="admin").is_superuser


def test_createuser_bad_input_creates_nothing(db, capsys):
    assert cli.main(["createuser", "dana", "--password", "123"]) == 2
    assert "Nothing was created" in capsys.readouterr().err
    assert not get_user_model().objects.exists()
    cli.main(["createuser", "dana", "--password", "a-long-pass-phrase"])
    assert cli.main(["createuser", "DANA", "--password", "a-long-pass-phrase"]) == 2
    assert get_user_model().objects.count() == 1


def test_createuser_without_terminal_needs_password(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["createuser", "dana"]) == 2
    assert "--password" in capsys.readouterr().err


def test_token_for_unknown_user(db, capsys):
    assert cli.main(["token", "create", "ghost"]) == 2
    assert "ghost" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("serve", "migrate", "demo", "createuser", "token", "worker", "check", "manage"):
        assert command in out


def test_help_in_hebrew(capsys, monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "he")
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "Serve the site with gunicorn" not in out


@pytest.mark.parametrize(
    ("environment", "expected"),
    [({"LANG": "ar_EG.UTF-8"}, "ar"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "C"}, "he")],
)
def test_terminal_language(monkeypatch, environment, expected):
    for name in ("MESHUTAF_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert cli.terminal_language() == expected


def test_token_without_action_shows_help_and_fails(capsys):
    assert cli.main(["token"]) == 2
    assert "create" in capsys.readouterr().err
