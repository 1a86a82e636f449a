"""Settings read the environment strictly and write nothing; the entry points make the data
directory (0700) and its secret key (0600) before the settings are read."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from meshutaf.core.datadir import data_dir_prepare, secret_key_read
from meshutaf.core.env import env_bool, env_int, env_list, env_path, env_str

ROOT = Path(__file__).resolve().parent.parent.parent


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        (" on ", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
    ],
)
def test_booleans_in_each_accepted_spelling(monkeypatch, value, expected):
    monkeypatch.setenv("MESHUTAF_FLAG", value)
    assert env_bool("MESHUTAF_FLAG", not expected) is expected


@pytest.mark.parametrize("value", ["maybe", "2", "enabled", "y", "t", "tru e", "-1"])
def test_a_malformed_boolean_names_the_variable_and_the_value(monkeypatch, value):
    monkeypatch.setenv("MESHUTAF_FLAG", value)
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool("MESHUTAF_FLAG", False)
    message = str(error.value)
    assert "MESHUTAF_FLAG" in message
    assert repr(value.strip()) in message
    assert "true/false" in message


@pytest.mark.parametrize(
    ("value", "expected"), [("25", 25), (" 7 ", 7), ("0", 0), ("-3", -3), ("+4", 4)]
)
def test_whole_numbers_parse(monkeypatch, value, expected):
    monkeypatch.setenv("MESHUTAF_NUMBER", value)
    assert env_int("MESHUTAF_NUMBER", 10) == expected


@pytest.mark.parametrize("value", ["ten", "2.5", "1e3", "1_000", "0x10", "١٢", "5 MB", "--1"])
def test_a_malformed_whole_number_names_the_variable_and_the_value(monkeypatch, value):
    monkeypatch.setenv("MESHUTAF_NUMBER", value)
    with pytest.raises(ImproperlyConfigured) as error:
        env_int("MESHUTAF_NUMBER", 10)
    assert "MESHUTAF_NUMBER" in str(error.value)
    assert repr(value) in str(error.value)


@pytest.mark.parametrize(
    ("value", "minimum", "maximum", "bounds"),
    [
        ("0", 1, None, "at least 1"),
        ("70000", 1, 65535, "from 1 to 65535"),
        ("9", None, 8, "at most 8"),
    ],
)
def test_a_whole_number_out_of_range_says_the_range(monkeypatch, value, minimum, maximum, bounds):
    monkeypatch.setenv("MESHUTAF_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match=f"MESHUTAF_NUMBER='{value}'.*{bounds}"):
        env_int("MESHUTAF_NUMBER", 5, minimum=minimum, maximum=maximum)


def test_the_bounds_themselves_are_accepted(monkeypatch):
    monkeypatch.setenv("MESHUTAF_NUMBER", "65535")
    assert env_int("MESHUTAF_NUMBER", 25, minimum=1, maximum=65535) == 65535


@pytest.mark.parametrize("value", [None, "", "   "])
def test_unset_or_empty_means_the_default(monkeypatch, value):
    for name in ("FLAG", "NUMBER", "LIST", "TEXT", "PATH"):
        if value is None:
            monkeypatch.delenv(f"MESHUTAF_{name}", raising=False)
        else:
            monkeypatch.setenv(f"MESHUTAF_{name}", value)
    assert env_bool("MESHUTAF_FLAG", True) is True
    assert env_int("MESHUTAF_NUMBER", 14, minimum=1) == 14
    assert env_list("MESHUTAF_LIST", ["localhost"]) == ["localhost"]
    assert env_path("MESHUTAF_PATH", Path("/srv/meshutaf")) == Path("/srv/meshutaf")
    if value != "   ":  # text is taken as written: spaces may belong to a password
        assert env_str("MESHUTAF_TEXT", "fallback") == "fallback"


def test_text_lists_and_choices(monkeypatch):
    monkeypatch.setenv("MESHUTAF_TEXT", " pass phrase ")
    assert env_str("MESHUTAF_TEXT") == " pass phrase "
    monkeypatch.setenv("MESHUTAF_LIST", "a.example, ,b.example ,")
    assert env_list("MESHUTAF_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("MESHUTAF_LEVEL", "info")
    assert env_str("MESHUTAF_LEVEL", "WARNING", choices=["INFO", "WARNING"]) == "INFO"
    monkeypatch.setenv("MESHUTAF_LEVEL", "loud")
    with pytest.raises(ImproperlyConfigured, match=r"MESHUTAF_LEVEL='loud'.*INFO, WARNING"):
        env_str("MESHUTAF_LEVEL", "WARNING", choices=["INFO", "WARNING"])


def test_a_relative_path_is_taken_from_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MESHUTAF_PATH", "data")
    assert env_path("MESHUTAF_PATH", Path("/elsewhere")) == tmp_path.resolve() / "data"


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MESHUTAF_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="meshutaf.settings", **env)
    return subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_reading_the_settings_writes_nothing(tmp_path):
    data_dir = tmp_path / "fresh" / "var"
    code = (
        "import django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        "print(settings.DATA_DIR)\n"
        "try:\n"
        "    settings.SECRET_KEY\n"
        "except Exception as error:\n"
        "    print(type(error).__name__)\n"
    )
    result = _python(code, MESHUTAF_DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(data_dir), "ImproperlyConfigured"]
    assert not (tmp_path / "fresh").exists()


def test_a_malformed_setting_stops_the_start_naming_it(tmp_path):
    result = _python(
        "import django; django.setup()",
        MESHUTAF_DATA_DIR=str(tmp_path / "var"),
        MESHUTAF_DEBUG="sometimes",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: MESHUTAF_DEBUG='sometimes'" in result.stderr


def test_the_settings_read_the_key_the_entry_points_made(tmp_path):
    data_dir = tmp_path / "var"
    result = _python(
        "from meshutaf.core.datadir import data_dir_prepare\n"
        "data_dir_prepare()\n"
        "from django.conf import settings\n"
        "print(settings.SECRET_KEY)\n",
        MESHUTAF_DATA_DIR=str(data_dir),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (data_dir / "secret_key").read_text()


def test_prepare_makes_a_private_folder_and_keeps_its_key(monkeypatch, tmp_path):
    monkeypatch.delenv("MESHUTAF_SECRET_KEY", raising=False)
    data_dir = tmp_path / "new" / "var"
    assert data_dir_prepare(data_dir=data_dir) == data_dir
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "logs") == 0o700
    assert _mode(data_dir / "static") == 0o700
    key_file = data_dir / "secret_key"
    assert _mode(key_file) == 0o600
    key = secret_key_read(data_dir=data_dir)
    assert len(key) >= 50
    assert [path.name for path in data_dir.iterdir() if path.name.startswith(".")] == []

    data_dir_prepare(data_dir=data_dir)
    assert secret_key_read(data_dir=data_dir) == key


def test_prepare_closes_an_open_folder_and_key(monkeypatch, tmp_path):
    monkeypatch.delenv("MESHUTAF_SECRET_KEY", raising=False)
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    data_dir.chmod(0o755)
    (data_dir / "secret_key").write_text("kept-key\n")
    (data_dir / "secret_key").chmod(0o644)
    data_dir_prepare(data_dir=data_dir)
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "secret_key") == 0o600
    assert secret_key_read(data_dir=data_dir) == "kept-key"


def test_a_key_in_the_environment_is_not_written(monkeypatch, tmp_path):
    monkeypatch.setenv("MESHUTAF_SECRET_KEY", "from-the-environment")
    data_dir_prepare(data_dir=tmp_path)
    assert not (tmp_path / "secret_key").exists()
    assert secret_key_read(data_dir=tmp_path) == "from-the-environment"
