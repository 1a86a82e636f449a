"""The site's files (database, logs, keys, uploads, mail) are readable by its own user only."""

import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_site_keeps_its_files_to_itself(site):
    site.command("createuser", "dana", "--password", "a-long-pass-phrase-2026")
    data = site.data_dir
    assert _mode(data) == 0o700
    for path in data.rglob("*"):
        if path.is_dir():
            assert _mode(path) & 0o077 == 0, f"{path} is open to others: {oct(_mode(path))}"
        else:
            assert _mode(path) & 0o077 == 0, f"{path} is readable by others: {oct(_mode(path))}"
    assert (data / "logs").is_dir()
    assert (data / "secret_key").exists()


@pytest.mark.django_db
def test_uploads_are_written_for_the_site_only(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    name = default_storage.save("documents/2026/notes.txt", ContentFile(b"minutes"))
    path = Path(default_storage.path(name))
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
